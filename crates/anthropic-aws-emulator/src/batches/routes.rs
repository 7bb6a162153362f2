//! The Message Batches routes: `POST` and `GET /v1/messages/batches`, and
//! `GET`, `DELETE`, `POST …/cancel` and `GET …/results` of
//! `/v1/messages/batches/{batch_id}`. The batches themselves live in
//! `crate::batches`, which gets what it needs of the server in a
//! [`Context`].

use serde_json::Value;

use crate::batches::{self, Context};
use crate::error::ApiError;
use crate::scenario::Scenario;
use crate::sigv4::percent_decode;
use crate::state::Shared;

use crate::server::effects::Effects;
use crate::server::received::Received;
use crate::server::reply::Reply;

/// Runs `operation` with a [`Context`] on `shared`, as of now.
fn with_context<R>(shared: &Shared, operation: impl FnOnce(&Context<'_>) -> R) -> R {
    let scenario_active = |s: &Scenario| shared.scenario_active(s);
    let ctx = Context {
        store: &shared.batches,
        now: shared.config.clock.now(),
        ids: &shared.ids,
        message_counter: &shared.message_counter,
        scenario_active: &scenario_active,
    };
    operation(&ctx)
}

/// A JSON answer, or the error.
fn json(shared: &Shared, answer: Result<Value, ApiError>) -> Reply {
    match answer {
        Ok(body) => Reply::anthropic_json(shared, 200, &body),
        Err(error) => Reply::api_error(shared, &error),
    }
}

/// The `{batch_id}` path parameter, decoded.
fn batch_id(params: &[&str]) -> String {
    let id = params.first().copied().unwrap_or_default();
    String::from_utf8_lossy(&percent_decode(id, false)).into_owned()
}

/// `POST /v1/messages/batches`: a new batch, its requests answered at once
/// (the scenario of the create itself can expire them all or make the
/// batch synthetic).
pub(crate) fn create(
    shared: &Shared,
    request: &Received,
    effects: &Effects<'_>,
    _params: &[&str],
) -> Reply {
    let answer = with_context(shared, |ctx| {
        batches::create(ctx, &request.body, effects.scenario)
    });
    json(shared, answer)
}

/// `GET /v1/messages/batches`: a page of batches, newest first.
pub(crate) fn list(
    shared: &Shared,
    request: &Received,
    _effects: &Effects<'_>,
    _params: &[&str],
) -> Reply {
    let answer = with_context(shared, |ctx| batches::list(ctx, &request.query_pairs()));
    json(shared, answer)
}

/// `GET /v1/messages/batches/{batch_id}`: one batch, as it stands now.
pub(crate) fn get(
    shared: &Shared,
    _request: &Received,
    _effects: &Effects<'_>,
    params: &[&str],
) -> Reply {
    let now = shared.config.clock.now();
    json(shared, shared.batches.get(&batch_id(params), now))
}

/// `DELETE /v1/messages/batches/{batch_id}`: deletes an ended batch.
pub(crate) fn delete(
    shared: &Shared,
    _request: &Received,
    _effects: &Effects<'_>,
    params: &[&str],
) -> Reply {
    let now = shared.config.clock.now();
    json(shared, shared.batches.delete(&batch_id(params), now))
}

/// `POST /v1/messages/batches/{batch_id}/cancel`: starts canceling.
pub(crate) fn cancel(
    shared: &Shared,
    _request: &Received,
    _effects: &Effects<'_>,
    params: &[&str],
) -> Reply {
    let now = shared.config.clock.now();
    json(shared, shared.batches.cancel(&batch_id(params), now))
}

/// `GET /v1/messages/batches/{batch_id}/results`: the JSON Lines results of
/// an ended batch, streamed.
pub(crate) fn results(
    shared: &Shared,
    _request: &Received,
    _effects: &Effects<'_>,
    params: &[&str],
) -> Reply {
    let now = shared.config.clock.now();
    match shared.batches.results(&batch_id(params), now) {
        Ok(results) => Reply::batch_results(shared, results),
        Err(error) => Reply::api_error(shared, &error),
    }
}
