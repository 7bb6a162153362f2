//! The IAM action each route needs, for AccessDenied messages that name the missing
//! permission. All actions are in the `aws-external-anthropic` namespace, on the workspace
//! (`arn:aws:aws-external-anthropic:{region}:{account}:workspace/{wrkspc_…}`).

use http::Method;

/// The advice an AccessDenied answer gets when the route is not known.
const GENERIC_ADVICE: &str = "Grant the caller the IAM action it needs (e.g. `aws-external-anthropic:CreateInference` or `aws-external-anthropic:CountTokens`) on the workspace.";

/// The action API-key (Bearer) callers need besides the route's own.
const BEARER_ACTION: &str = "CallWithBearerToken";

/// What was called: the method, the URL path, and whether an API key (Bearer) authenticated
/// it. The transport passes it to [`ApiError`](super::ApiError)'s construction, so that an
/// AccessDenied answer names the action this route needs.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Route<'a> {
    pub(crate) method: &'a Method,
    pub(crate) path: &'a str,
    pub(crate) bearer: bool,
}

impl Route<'_> {
    /// The advice for an AccessDenied answer to this route: the action it needs (and
    /// `CallWithBearerToken` for API-key callers), or the generic advice when the route is
    /// not in the table.
    pub(super) fn access_denied_advice(route: Option<&Self>) -> String {
        match route.and_then(|r| Some((action_for(r.method, r.path)?, r.bearer))) {
            Some((action, bearer)) => advice(action, bearer),
            None => GENERIC_ADVICE.to_owned(),
        }
    }
}

/// The IAM action for `method` on `path` (the URL path; anything before `/v1/` is ignored).
///
/// | route | action |
/// |---|---|
/// | POST /v1/messages | CreateInference |
/// | POST /v1/messages/count_tokens | CountTokens |
/// | POST /v1/messages/batches | CreateBatchInference |
/// | GET /v1/messages/batches/{id}, …/{id}/results | GetBatchInference |
/// | GET /v1/messages/batches | ListBatchInferences |
/// | POST /v1/messages/batches/{id}/cancel | CancelBatchInference |
/// | DELETE /v1/messages/batches/{id} | DeleteBatchInference |
/// | GET /v1/models/{id}, GET /v1/models | GetModel, ListModels |
/// | POST /v1/files, GET /v1/files/{id}[/content], GET /v1/files, DELETE /v1/files/{id} | CreateFile, GetFile, ListFiles, DeleteFile |
fn action_for(method: &Method, path: &str) -> Option<&'static str> {
    let start = path.find("/v1/")?;
    let segments: Vec<&str> = path[start + 1..]
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    let action = match (method.as_str(), segments.as_slice()) {
        ("POST", ["v1", "messages"]) => "CreateInference",
        ("POST", ["v1", "messages", "count_tokens"]) => "CountTokens",
        ("POST", ["v1", "messages", "batches"]) => "CreateBatchInference",
        ("GET", ["v1", "messages", "batches"]) => "ListBatchInferences",
        ("GET", ["v1", "messages", "batches", _] | ["v1", "messages", "batches", _, "results"]) => {
            "GetBatchInference"
        }
        ("POST", ["v1", "messages", "batches", _, "cancel"]) => "CancelBatchInference",
        ("DELETE", ["v1", "messages", "batches", _]) => "DeleteBatchInference",
        ("GET", ["v1", "models"]) => "ListModels",
        ("GET", ["v1", "models", _]) => "GetModel",
        ("POST", ["v1", "files"]) => "CreateFile",
        ("GET", ["v1", "files"]) => "ListFiles",
        ("GET", ["v1", "files", _] | ["v1", "files", _, "content"]) => "GetFile",
        ("DELETE", ["v1", "files", _]) => "DeleteFile",
        _ => return None,
    };
    Some(action)
}

/// The advice naming the action(s) a denied call needs.
fn advice(action: &str, bearer: bool) -> String {
    let mut text = format!(
        "Grant the caller the IAM action `aws-external-anthropic:{action}` on the workspace"
    );
    if bearer {
        text.push_str(&format!(
            " (and `aws-external-anthropic:{BEARER_ACTION}`, which API-key callers also need)"
        ));
    }
    text.push('.');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_batch_route_has_its_action() {
        let cases = [
            (Method::POST, "/v1/messages/batches", "CreateBatchInference"),
            (Method::GET, "/v1/messages/batches", "ListBatchInferences"),
            (
                Method::GET,
                "/v1/messages/batches/msgbatch_1",
                "GetBatchInference",
            ),
            (
                Method::GET,
                "/v1/messages/batches/msgbatch_1/results",
                "GetBatchInference",
            ),
            (
                Method::POST,
                "/v1/messages/batches/msgbatch_1/cancel",
                "CancelBatchInference",
            ),
            (
                Method::DELETE,
                "/v1/messages/batches/msgbatch_1",
                "DeleteBatchInference",
            ),
            (Method::POST, "/prefix/v1/messages", "CreateInference"),
            (Method::POST, "/v1/messages/count_tokens", "CountTokens"),
            (Method::GET, "/v1/models/claude", "GetModel"),
        ];
        for (method, path, action) in cases {
            assert_eq!(action_for(&method, path), Some(action), "{method} {path}");
        }
        assert_eq!(action_for(&Method::PUT, "/v1/messages/batches"), None);
        assert_eq!(action_for(&Method::GET, "/health"), None);
    }

    #[test]
    fn an_access_denied_answer_names_the_routes_action() {
        let denied = |method: &Method, path: &str, bearer: bool| {
            let route = Some(Route {
                method,
                path,
                bearer,
            });
            let mut headers = http::HeaderMap::new();
            headers.insert("x-amzn-errortype", "AccessDeniedException".parse().unwrap());
            super::super::ApiError::from_route_response(
                route,
                http::StatusCode::FORBIDDEN,
                headers,
                bytes::Bytes::from_static(
                    br#"{"message":"User is not authorized to perform this action"}"#,
                ),
            )
        };
        let e = denied(
            &Method::POST,
            "/v1/messages/batches/msgbatch_1/cancel",
            false,
        );
        assert!(
            e.message()
                .contains("`aws-external-anthropic:CancelBatchInference`"),
            "{}",
            e.message()
        );
        assert!(!e.message().contains("CreateInference"), "{}", e.message());
        assert!(e.message().starts_with("User is not authorized"));
        let e = denied(&Method::GET, "/v1/messages/batches", true);
        assert!(
            e.message().contains("ListBatchInferences"),
            "{}",
            e.message()
        );
        assert!(
            e.message().contains("CallWithBearerToken"),
            "{}",
            e.message()
        );
        let e = denied(&Method::GET, "/elsewhere", false);
        assert!(e.message().contains(GENERIC_ADVICE));
    }
}
