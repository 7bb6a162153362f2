//! The IAM action each route needs, for AccessDenied messages that name the missing
//! permission. Every route declares its action once, on its [`Call`](crate::transport::Call);
//! nothing here reads a URL. All actions are in the `aws-external-anthropic` namespace, on the
//! workspace (`arn:aws:aws-external-anthropic:{region}:{account}:workspace/{wrkspc_…}`).

use std::fmt;

/// The advice an AccessDenied answer gets when the call declared no action (a raw request).
const GENERIC_ADVICE: &str = "Grant the caller the IAM action it needs (e.g. `aws-external-anthropic:CreateInference` or `aws-external-anthropic:CountTokens`) on the workspace.";

/// An IAM action of Claude Platform on AWS, as the routes declare them.
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
/// | POST /v1/skills, GET /v1/skills/{id}, GET /v1/skills, DELETE /v1/skills/{id} | CreateSkill, GetSkill, ListSkills, DeleteSkill |
/// | POST /v1/skills/{id}/versions, DELETE /v1/skills/{id}/versions/{v} | UpdateSkill |
/// | GET /v1/skills/{id}/versions[/{v}] | GetSkill |
/// | any route with an API key (Bearer) | CallWithBearerToken, besides the route's own |
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum IamAction {
    CreateInference,
    CountTokens,
    CreateBatchInference,
    GetBatchInference,
    ListBatchInferences,
    CancelBatchInference,
    DeleteBatchInference,
    GetModel,
    ListModels,
    CreateFile,
    GetFile,
    ListFiles,
    DeleteFile,
    CreateSkill,
    GetSkill,
    ListSkills,
    DeleteSkill,
    UpdateSkill,
    CallWithBearerToken,
}

impl IamAction {
    /// The action's name, without the `aws-external-anthropic:` namespace.
    pub(crate) const fn as_str(self) -> &'static str {
        match self {
            Self::CreateInference => "CreateInference",
            Self::CountTokens => "CountTokens",
            Self::CreateBatchInference => "CreateBatchInference",
            Self::GetBatchInference => "GetBatchInference",
            Self::ListBatchInferences => "ListBatchInferences",
            Self::CancelBatchInference => "CancelBatchInference",
            Self::DeleteBatchInference => "DeleteBatchInference",
            Self::GetModel => "GetModel",
            Self::ListModels => "ListModels",
            Self::CreateFile => "CreateFile",
            Self::GetFile => "GetFile",
            Self::ListFiles => "ListFiles",
            Self::DeleteFile => "DeleteFile",
            Self::CreateSkill => "CreateSkill",
            Self::GetSkill => "GetSkill",
            Self::ListSkills => "ListSkills",
            Self::DeleteSkill => "DeleteSkill",
            Self::UpdateSkill => "UpdateSkill",
            Self::CallWithBearerToken => "CallWithBearerToken",
        }
    }
}

impl fmt::Display for IamAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What was called, as far as IAM is concerned: the action the call declared, and whether an
/// API key (Bearer) authenticated it. The transport passes it to
/// [`ApiError`](super::ApiError)'s construction, so that an AccessDenied answer names the
/// action this route needs.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Route {
    pub(crate) action: Option<IamAction>,
    pub(crate) bearer: bool,
}

impl Route {
    /// The advice for an AccessDenied answer to this route: the action it needs (and
    /// `CallWithBearerToken` for API-key callers), or the generic advice when the call
    /// declared none.
    pub(super) fn access_denied_advice(route: Option<&Self>) -> String {
        match route.and_then(|r| Some((r.action?, r.bearer))) {
            Some((action, bearer)) => advice(action, bearer),
            None => GENERIC_ADVICE.to_owned(),
        }
    }
}

/// The advice naming the action(s) a denied call needs.
fn advice(action: IamAction, bearer: bool) -> String {
    let mut text = format!(
        "Grant the caller the IAM action `aws-external-anthropic:{action}` on the workspace"
    );
    if bearer {
        text.push_str(&format!(
            " (and `aws-external-anthropic:{}`, which API-key callers also need)",
            IamAction::CallWithBearerToken
        ));
    }
    text.push('.');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn denied(action: Option<IamAction>, bearer: bool) -> super::super::ApiError {
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
        let e = denied(Some(IamAction::CancelBatchInference), false);
        assert!(
            e.message()
                .contains("`aws-external-anthropic:CancelBatchInference`"),
            "{}",
            e.message()
        );
        assert!(!e.message().contains("CreateInference"), "{}", e.message());
        assert!(
            !e.message().contains("CallWithBearerToken"),
            "{}",
            e.message()
        );
        assert!(e.message().starts_with("User is not authorized"));
        let e = denied(Some(IamAction::UpdateSkill), true);
        assert!(e.message().contains("`aws-external-anthropic:UpdateSkill`"));
        assert!(
            e.message()
                .contains("`aws-external-anthropic:CallWithBearerToken`"),
            "{}",
            e.message()
        );
        let e = denied(None, true);
        assert!(e.message().contains(GENERIC_ADVICE), "{}", e.message());
    }
}
