//! The IAM action a denied call needed, for AccessDenied messages that name the missing
//! permission. Each route declares its action once, on its call
//! (`Call::new(..).iam("ListSkills")`); nothing here reads the URL. All actions are in the
//! `aws-external-anthropic` namespace, on the workspace
//! (`arn:aws:aws-external-anthropic:{region}:{account}:workspace/{wrkspc_…}`).
//!
//! | route | action |
//! |---|---|
//! | POST /v1/messages, …/count_tokens | CreateInference, CountTokens |
//! | POST /v1/messages/batches; GET …/{id}, …/{id}/results; GET …; POST …/{id}/cancel; DELETE …/{id} | CreateBatchInference; GetBatchInference; ListBatchInferences; CancelBatchInference; DeleteBatchInference |
//! | GET /v1/models/{id}; GET /v1/models | GetModel; ListModels |
//! | POST /v1/files; GET /v1/files/{id}, …/content; GET /v1/files; DELETE /v1/files/{id} | CreateFile; GetFile; ListFiles; DeleteFile |
//! | POST /v1/skills; GET /v1/skills/{id}; GET /v1/skills; DELETE /v1/skills/{id} | CreateSkill; GetSkill; ListSkills; DeleteSkill |
//! | POST, DELETE /v1/skills/{id}/versions[/{version}]; GET …/versions/{version}; GET …/versions | UpdateSkill; GetSkill; ListSkills |
//! | any route with an API key (Bearer) | CallWithBearerToken, besides the route's own |

/// The advice an AccessDenied answer gets when the call named no action (a raw request).
const GENERIC_ADVICE: &str = "Grant the caller the IAM action it needs (e.g. `aws-external-anthropic:CreateInference` or `aws-external-anthropic:CountTokens`) on the workspace.";

/// The action API-key (Bearer) callers need besides the route's own.
const BEARER_ACTION: &str = "CallWithBearerToken";

/// What the denied call declared: its route's IAM action, and whether an API key (Bearer)
/// authenticated it. The transport passes it to [`ApiError`](super::ApiError)'s
/// construction.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Route {
    pub(crate) action: Option<&'static str>,
    pub(crate) bearer: bool,
}

impl Route {
    /// The advice for an AccessDenied answer to this call: the action it needs (and
    /// `CallWithBearerToken` for API-key callers), or the generic advice when it named none.
    pub(super) fn access_denied_advice(route: Option<&Self>) -> String {
        match route {
            Some(Route {
                action: Some(action),
                bearer,
            }) => advice(action, *bearer),
            Some(Route {
                action: None,
                bearer: true,
            }) => format!(
                "{} API-key callers also need `aws-external-anthropic:{BEARER_ACTION}`.",
                GENERIC_ADVICE
            ),
            _ => GENERIC_ADVICE.to_owned(),
        }
    }
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

    fn denied(action: Option<&'static str>, bearer: bool) -> super::super::ApiError {
        let mut headers = http::HeaderMap::new();
        headers.insert("x-amzn-errortype", "AccessDeniedException".parse().unwrap());
        super::super::ApiError::from_route_response(
            Some(Route { action, bearer }),
            http::StatusCode::FORBIDDEN,
            headers,
            bytes::Bytes::from_static(
                br#"{"message":"User is not authorized to perform this action"}"#,
            ),
        )
    }

    #[test]
    fn an_access_denied_answer_names_the_calls_action() {
        let e = denied(Some("CancelBatchInference"), false);
        let message = e.message();
        assert!(
            message.contains("`aws-external-anthropic:CancelBatchInference`"),
            "{message}"
        );
        assert!(!message.contains("CreateInference"), "{message}");
        assert!(!message.contains(BEARER_ACTION), "{message}");
        assert!(message.starts_with("User is not authorized"));
        let e = denied(Some("ListSkills"), true);
        assert!(e.message().contains("`aws-external-anthropic:ListSkills`"));
        assert!(e.message().contains(BEARER_ACTION), "{}", e.message());
    }

    #[test]
    fn a_call_without_an_action_gets_the_generic_advice() {
        assert!(denied(None, false).message().contains(GENERIC_ADVICE));
        let bearer = denied(None, true);
        assert!(
            bearer.message().contains(BEARER_ACTION),
            "{}",
            bearer.message()
        );
    }
}
