//! The one place that says which endpoint answers which method and path.
//!
//! Adding an endpoint is one line in [`ROUTES`] plus its handler in a file
//! of `routes/` (one file per API family).

use crate::responses::ApiError;
use crate::state::Shared;

use super::effects::Effects;
use super::received::Received;
use super::reply::Reply;
use super::routes::{messages, models};

/// A handler: the shared state, the request, what the scenario and the
/// fault queue ask of the answer, and the path parameters (`{name}`
/// segments of the pattern, in order, still percent-encoded).
pub(super) type Handler = fn(&Shared, &Received, &Effects<'_>, &[&str]) -> Reply;

/// One endpoint.
struct Route {
    /// The method, e.g. `POST`.
    method: &'static str,
    /// The path: literal segments, and `{name}` for one non-empty segment.
    pattern: &'static str,
    handler: Handler,
}

/// Every endpoint the emulator answers.
const ROUTES: &[Route] = &[
    Route {
        method: "POST",
        pattern: "/v1/messages",
        handler: messages::create,
    },
    Route {
        method: "POST",
        pattern: "/v1/messages/count_tokens",
        handler: messages::count_tokens,
    },
    Route {
        method: "GET",
        pattern: "/v1/models",
        handler: models::list,
    },
    Route {
        method: "GET",
        pattern: "/v1/models/{model_id}",
        handler: models::get,
    },
];

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
    for route in ROUTES {
        if let Some(params) = matches(route.pattern, path) {
            if route.method == method {
                return (route.handler)(shared, request, effects, &params);
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
}
