//! Which endpoint answers which method and path: each family declares its
//! endpoints in the `ROUTES` of its `routes.rs` ([`Route`]: method,
//! pattern, handler, how the body is read); the crate root lists the
//! families beside their modules ([`FAMILIES`](crate::FAMILIES)); this file
//! matches a request against their routes. Adding an endpoint is one entry
//! in its family's `ROUTES` and its handler beside it.

use crate::error::ApiError;
use crate::state::Shared;

use super::effects::Effects;
use super::received::{MAX_BODY_BYTES, Received};
use super::reply::Reply;
use super::route::{BodyRule, Call, Route};

/// The routes of every family.
fn routes() -> impl Iterator<Item = &'static Route> {
    crate::FAMILIES.iter().flat_map(|family| family.iter())
}

/// How the body of a request to `method` `path` is read: as its route
/// says, or buffered up to the Messages API's limit when no route answers
/// it (it is only read to be checked, then refused).
pub(super) fn body_rule(method: &str, path: &str) -> BodyRule {
    routes()
        .find(|r| r.method == method && matches(r.pattern, path).is_some())
        .map_or(BodyRule::Buffered(MAX_BODY_BYTES), |r| r.body)
}

/// The parameters of `path` when it matches `pattern`.
fn matches<'p>(pattern: &str, path: &'p str) -> Option<Vec<&'p str>> {
    let mut wanted = pattern.split('/');
    let mut given = path.split('/');
    let mut params = Vec::new();
    loop {
        match (wanted.next(), given.next()) {
            (None, None) => return Some(params),
            (Some(w), Some(g)) if w.starts_with('{') && w.ends_with('}') => {
                if g.is_empty() {
                    return None;
                }
                params.push(g);
            }
            (Some(w), Some(g)) if w == g => {}
            _ => return None,
        }
    }
}

/// Answers `request` with the handler of its method and path: a path no
/// endpoint has is `404 not_found_error`, a known path with another method
/// `405`.
pub(super) fn route(shared: &Shared, request: &Received, effects: &Effects<'_>) -> Reply {
    let path = request.path();
    let method = request.method.as_str();
    let mut path_known = false;
    for route in routes() {
        if let Some(params) = matches(route.pattern, path) {
            if route.method == method {
                return (route.handler)(&Call::new(shared, request, effects, &params));
            }
            path_known = true;
        }
    }
    let error = if path_known {
        ApiError::method_not_allowed(method, path)
    } else {
        ApiError::not_found(format!("Not found: {method} {}", truncate_path(path)))
    };
    Reply::api_error(shared, &error)
}

/// At most 200 characters of an untrusted path, for a message.
fn truncate_path(path: &str) -> String {
    if path.chars().count() > 200 {
        let mut s: String = path.chars().take(200).collect();
        s.push('…');
        s
    } else {
        path.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batches::MAX_BODY_BYTES as MAX_BATCH_BODY_BYTES;

    #[test]
    fn patterns_match_whole_segments() {
        assert_eq!(matches("/v1/models", "/v1/models"), Some(vec![]));
        assert_eq!(
            matches("/v1/models/{id}", "/v1/models/claude%2Dx"),
            Some(vec!["claude%2Dx"])
        );
        for path in [
            "/v1/models/",
            "/v1/models/a/b",
            "/v1/models",
            "//v1/models/a",
            "/v1/models/a/",
        ] {
            assert_eq!(matches("/v1/models/{id}", path), None, "{path}");
        }
        assert_eq!(matches("/v1/messages", "/v1/messages/"), None);
        assert_eq!(matches("/v1/messages", "/v1/messages/count_tokens"), None);
    }

    #[test]
    fn only_a_batch_create_takes_the_batch_body_limit_and_an_upload_goes_to_disk() {
        assert_eq!(
            body_rule("POST", "/v1/messages/batches"),
            BodyRule::Buffered(MAX_BATCH_BODY_BYTES)
        );
        assert_eq!(body_rule("POST", "/v1/files"), BodyRule::FileUpload);
        for (method, path) in [
            ("POST", "/v1/messages"),
            ("GET", "/v1/messages/batches"),
            ("POST", "/v1/messages/batches/msgbatch_1/cancel"),
            ("PUT", "/v1/messages/batches"),
            ("POST", "/v1/unknown"),
            ("GET", "/v1/files"),
            ("POST", "/v1/files/file_1"),
            ("GET", "/v1/files/file_1/content"),
        ] {
            assert_eq!(
                body_rule(method, path),
                BodyRule::Buffered(MAX_BODY_BYTES),
                "{method} {path}"
            );
        }
        const { assert!(MAX_BATCH_BODY_BYTES > MAX_BODY_BYTES) };
    }

    #[test]
    fn no_two_routes_share_a_method_and_pattern() {
        let all: Vec<&Route> = routes().collect();
        for (i, a) in all.iter().enumerate() {
            for b in &all[i + 1..] {
                assert!(
                    a.method != b.method || a.pattern != b.pattern,
                    "{} {}",
                    a.method,
                    a.pattern
                );
            }
        }
        assert_eq!(all.len(), 23);
    }
}
