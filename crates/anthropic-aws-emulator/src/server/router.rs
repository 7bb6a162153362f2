//! The one place that says which endpoint answers which method and path.
//!
//! Adding an endpoint is one entry in [`ROUTES`] (with how its body is
//! read: buffered up to the largest it takes, or streamed to disk as a file
//! upload) plus its handler in the `routes.rs` of its family (`batches/`, `files/`,
//! `messages/`, `models/`, `skills/`).

use crate::batches::MAX_BODY_BYTES as MAX_BATCH_BODY_BYTES;
use crate::error::ApiError;
use crate::state::Shared;

use super::effects::Effects;
use super::received::{MAX_BODY_BYTES, Received};
use super::reply::Reply;
use crate::skills::MAX_BODY_BYTES as MAX_SKILL_BODY_BYTES;

use crate::batches::routes as batches;
use crate::files::routes as files;
use crate::messages::routes as messages;
use crate::models::routes as models;
use crate::skills::routes as skills;

/// A handler: the shared state, the request, what the scenario and the
/// fault queue ask of the answer, and the path parameters (`{name}`
/// segments of the pattern, in order, still percent-encoded).
pub(super) type Handler = fn(&Shared, &Received, &Effects<'_>, &[&str]) -> Reply;

/// How a route's request body is read, before authentication.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum BodyRule {
    /// Kept in memory, at most this many bytes.
    Buffered(usize),
    /// `multipart/form-data` parsed as it arrives, the file written to
    /// disk, the body hashed for SigV4 on the way; at most the file size
    /// limit plus the multipart overhead (`server/upload_body.rs`).
    FileUpload,
}

/// One endpoint.
struct Route {
    /// The method, e.g. `POST`.
    method: &'static str,
    /// The path: literal segments, and `{name}` for one non-empty segment.
    pattern: &'static str,
    handler: Handler,
    /// How its body is read.
    body: BodyRule,
}

/// Every endpoint the emulator answers.
const ROUTES: &[Route] = &[
    Route {
        method: "POST",
        pattern: "/v1/messages",
        handler: messages::create,
        body: BodyRule::Buffered(MAX_BODY_BYTES),
    },
    Route {
        method: "POST",
        pattern: "/v1/messages/count_tokens",
        handler: messages::count_tokens,
        body: BodyRule::Buffered(MAX_BODY_BYTES),
    },
    Route {
        method: "POST",
        pattern: "/v1/messages/batches",
        handler: batches::create,
        body: BodyRule::Buffered(MAX_BATCH_BODY_BYTES),
    },
    Route {
        method: "GET",
        pattern: "/v1/messages/batches",
        handler: batches::list,
        body: BodyRule::Buffered(MAX_BODY_BYTES),
    },
    Route {
        method: "GET",
        pattern: "/v1/messages/batches/{batch_id}",
        handler: batches::get,
        body: BodyRule::Buffered(MAX_BODY_BYTES),
    },
    Route {
        method: "DELETE",
        pattern: "/v1/messages/batches/{batch_id}",
        handler: batches::delete,
        body: BodyRule::Buffered(MAX_BODY_BYTES),
    },
    Route {
        method: "POST",
        pattern: "/v1/messages/batches/{batch_id}/cancel",
        handler: batches::cancel,
        body: BodyRule::Buffered(MAX_BODY_BYTES),
    },
    Route {
        method: "GET",
        pattern: "/v1/messages/batches/{batch_id}/results",
        handler: batches::results,
        body: BodyRule::Buffered(MAX_BODY_BYTES),
    },
    Route {
        method: "POST",
        pattern: "/v1/files",
        handler: files::upload,
        body: BodyRule::FileUpload,
    },
    Route {
        method: "GET",
        pattern: "/v1/files",
        handler: files::list,
        body: BodyRule::Buffered(MAX_BODY_BYTES),
    },
    Route {
        method: "GET",
        pattern: "/v1/files/{file_id}",
        handler: files::get,
        body: BodyRule::Buffered(MAX_BODY_BYTES),
    },
    Route {
        method: "DELETE",
        pattern: "/v1/files/{file_id}",
        handler: files::delete,
        body: BodyRule::Buffered(MAX_BODY_BYTES),
    },
    Route {
        method: "GET",
        pattern: "/v1/files/{file_id}/content",
        handler: files::content,
        body: BodyRule::Buffered(MAX_BODY_BYTES),
    },
    Route {
        method: "GET",
        pattern: "/v1/models",
        handler: models::list,
        body: BodyRule::Buffered(MAX_BODY_BYTES),
    },
    Route {
        method: "GET",
        pattern: "/v1/models/{model_id}",
        handler: models::get,
        body: BodyRule::Buffered(MAX_BODY_BYTES),
    },
    Route {
        method: "POST",
        pattern: "/v1/skills",
        handler: skills::create,
        body: BodyRule::Buffered(MAX_SKILL_BODY_BYTES),
    },
    Route {
        method: "GET",
        pattern: "/v1/skills",
        handler: skills::list,
        body: BodyRule::Buffered(MAX_BODY_BYTES),
    },
    Route {
        method: "GET",
        pattern: "/v1/skills/{skill_id}",
        handler: skills::get,
        body: BodyRule::Buffered(MAX_BODY_BYTES),
    },
    Route {
        method: "DELETE",
        pattern: "/v1/skills/{skill_id}",
        handler: skills::delete,
        body: BodyRule::Buffered(MAX_BODY_BYTES),
    },
    Route {
        method: "POST",
        pattern: "/v1/skills/{skill_id}/versions",
        handler: skills::create_version,
        body: BodyRule::Buffered(MAX_SKILL_BODY_BYTES),
    },
    Route {
        method: "GET",
        pattern: "/v1/skills/{skill_id}/versions",
        handler: skills::list_versions,
        body: BodyRule::Buffered(MAX_BODY_BYTES),
    },
    Route {
        method: "GET",
        pattern: "/v1/skills/{skill_id}/versions/{version}",
        handler: skills::get_version,
        body: BodyRule::Buffered(MAX_BODY_BYTES),
    },
    Route {
        method: "DELETE",
        pattern: "/v1/skills/{skill_id}/versions/{version}",
        handler: skills::delete_version,
        body: BodyRule::Buffered(MAX_BODY_BYTES),
    },
];

/// How the body of a request to `method` `path` is read: as its route
/// says, or buffered up to the Messages API's limit when no route answers
/// it (it is only read to be checked, then refused).
pub(super) fn body_rule(method: &str, path: &str) -> BodyRule {
    ROUTES
        .iter()
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
}
