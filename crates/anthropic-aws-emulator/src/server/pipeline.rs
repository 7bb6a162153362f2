//! The per-request pipeline: a queued fault, the scenario, authentication
//! and the workspace and version checks, then the [router](super::router).

use std::borrow::Cow;

use serde::Deserialize;

use crate::error::ApiError;
use crate::faults::Fault;
use crate::recorded::AuthOutcome;
use crate::scenario;
use crate::state::Shared;

use super::auth::authenticate;
use super::effects::Effects;
use super::received::Received;
use super::reply::Reply;
use super::router::route;

/// The answer to a request, and what the record needs to know about it.
pub(super) struct Answered {
    pub(super) reply: Reply,
    /// The request's scenario text.
    pub(super) scenario: Option<String>,
    /// Whether its credentials were checked, and what came of it.
    pub(super) auth: AuthOutcome,
}

/// The pipeline: queued fault, then [`pipeline`].
pub(super) fn answer(shared: &Shared, request: &Received) -> Answered {
    let scenario_text = scenario_text(request);
    let fault = {
        let mut state = shared.state();
        match state.faults.front() {
            // Waits for a streaming request that passes verification.
            None | Some(Fault::Stream(_)) => None,
            Some(_) => state.faults.pop_front(),
        }
    };
    let mut delay = None;
    let mut cut = false;
    match fault {
        None => {}
        Some(Fault::Slow(by)) => delay = Some(by),
        Some(Fault::CutBody) => cut = true,
        Some(fault) => {
            return Answered {
                reply: Reply::from_fault(shared, fault),
                scenario: scenario_text,
                auth: AuthOutcome::Unchecked,
            };
        }
    }
    let mut auth = AuthOutcome::Unchecked;
    let mut reply = pipeline(
        shared,
        request,
        scenario_text.as_deref(),
        (cut, delay.is_some() || cut),
        &mut auth,
    );
    reply.delay = match (reply.delay, delay) {
        (Some(a), Some(b)) => Some(a.saturating_add(b)),
        (a, b) => a.or(b),
    };
    if cut {
        reply.cut_body();
    }
    Answered {
        reply,
        scenario: scenario_text,
        auth,
    }
}

/// The scenario of a request: its model's suffix (`model~scenario`, in the
/// JSON body of `POST /v1/messages` and `/v1/messages/count_tokens`) and its
/// `x-emulator-scenario` header.
fn scenario_text(request: &Received) -> Option<String> {
    #[derive(Deserialize)]
    struct ModelOnly<'a> {
        #[serde(borrow)]
        model: Option<Cow<'a, str>>,
    }
    let suffix = (request.method == "POST"
        && matches!(request.path(), "/v1/messages" | "/v1/messages/count_tokens")
        && request.body.contains(&b'~'))
    .then(|| serde_json::from_slice::<ModelOnly<'_>>(&request.body).ok())
    .flatten()
    .and_then(|m| m.model)
    .and_then(|model| scenario::split_model(&model).1.map(str::to_owned));
    scenario::combine(suffix.as_deref(), request.header(scenario::HEADER))
}

/// The scenario, a front-door (`aws=`) scenario error, authentication,
/// workspace and version checks (not in fast mode), other scenario errors,
/// then routing. The pair says whether [`Fault::CutBody`] was taken and
/// whether any queued fault was; `auth` records the credential check.
fn pipeline(
    shared: &Shared,
    request: &Received,
    scenario_text: Option<&str>,
    (cut_body, queue_used): (bool, bool),
    auth: &mut AuthOutcome,
) -> Reply {
    let scenario = match scenario_text.map(scenario::parse).transpose() {
        Ok(scenario) => scenario,
        Err(message) => {
            return Reply::api_error(
                shared,
                &ApiError::invalid_request(format!("emulator scenario: {message}")),
            );
        }
    };
    let mut active = None;
    if let Some(s) = scenario.as_ref().filter(|s| s.is_front_door()) {
        let hit = shared.scenario_active(s);
        active = Some(hit);
        if hit && let Some(error) = s.error() {
            return Reply::from_scenario(shared, s, error);
        }
    }
    if !shared.config.fast {
        if let Err(reply) = authenticate(shared, request) {
            *auth = AuthOutcome::Rejected;
            return *reply;
        }
        *auth = AuthOutcome::Accepted;
        if let Err(reply) = check_headers(shared, request) {
            return *reply;
        }
    }
    let active = match (&scenario, active) {
        (_, Some(hit)) => hit,
        (Some(s), None) => shared.scenario_active(s),
        (None, None) => false,
    };
    if let Some(s) = &scenario
        && active
        && let Some(error) = s.error()
    {
        return Reply::from_scenario(shared, s, error);
    }
    let effects = Effects {
        scenario: scenario.as_ref(),
        active,
        cut_body,
        queue_used,
    };
    let mut reply = route(shared, request, &effects);
    if active && let Some(delay) = scenario.as_ref().and_then(|s| s.delay) {
        reply.delay = Some(delay);
    }
    reply
}

/// The workspace and version headers.
pub(super) fn check_headers(shared: &Shared, request: &Received) -> Result<(), Box<Reply>> {
    match request.header("anthropic-workspace-id").map(str::trim) {
        None | Some("") => {
            return Err(Box::new(Reply::api_error(
                shared,
                &ApiError::invalid_request("anthropic-workspace-id header is required"),
            )));
        }
        Some(id) if id != shared.config.workspace_id => {
            return Err(Box::new(Reply::api_error(
                shared,
                &ApiError::not_found(format!("workspace '{id}' was not found")),
            )));
        }
        Some(_) => {}
    }
    if request
        .header("anthropic-version")
        .is_none_or(|v| v.trim().is_empty())
    {
        return Err(Box::new(Reply::api_error(
            shared,
            &ApiError::invalid_request("anthropic-version: header is required"),
        )));
    }
    Ok(())
}
