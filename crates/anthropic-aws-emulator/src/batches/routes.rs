//! The Message Batches routes: `POST` and `GET /v1/messages/batches`, and
//! `GET`, `DELETE`, `POST …/cancel` and `GET …/results` of
//! `/v1/messages/batches/{batch_id}`. The batches themselves live in
//! `crate::batches`, which gets what it needs of the server in a
//! [`Context`].

use crate::scenario::Scenario;
use crate::server::reply::Reply;
use crate::server::{BodyRule, Call, Route};

use super::{Context, MAX_BODY_BYTES};

/// Bounds of `GET /v1/messages/batches?limit=`.
const MAX_PAGE: usize = 1000;

/// The endpoints of Message Batches.
pub(crate) const ROUTES: &[Route] = &[
    Route::post("/v1/messages/batches", create).body(BodyRule::Buffered(MAX_BODY_BYTES)),
    Route::get("/v1/messages/batches", list),
    Route::get("/v1/messages/batches/{batch_id}", get),
    Route::delete("/v1/messages/batches/{batch_id}", delete),
    Route::post("/v1/messages/batches/{batch_id}/cancel", cancel),
    Route::get("/v1/messages/batches/{batch_id}/results", results),
];

/// `POST /v1/messages/batches`: a new batch, its requests answered at once
/// (the scenario of the create itself can expire them all or make the
/// batch synthetic).
fn create(call: &Call<'_>) -> Reply {
    let shared = call.shared;
    let scenario_active = |s: &Scenario| shared.scenario_active(s);
    let ctx = Context {
        store: &shared.batches,
        now: call.now(),
        ids: &shared.ids,
        message_counter: &shared.message_counter,
        scenario_active: &scenario_active,
    };
    call.json(super::create(
        &ctx,
        &call.request.body,
        call.effects.scenario,
    ))
}

/// `GET /v1/messages/batches`: a page of batches, newest first.
fn list(call: &Call<'_>) -> Reply {
    let answer = call
        .id_page(MAX_PAGE)
        .and_then(|page| call.shared.batches.list(&page, call.now()));
    call.json(answer)
}

/// `GET /v1/messages/batches/{batch_id}`: one batch, as it stands now.
fn get(call: &Call<'_>) -> Reply {
    call.json(call.shared.batches.get(&call.param(0), call.now()))
}

/// `DELETE /v1/messages/batches/{batch_id}`: deletes an ended batch.
fn delete(call: &Call<'_>) -> Reply {
    call.json(call.shared.batches.delete(&call.param(0), call.now()))
}

/// `POST /v1/messages/batches/{batch_id}/cancel`: starts canceling.
fn cancel(call: &Call<'_>) -> Reply {
    call.json(call.shared.batches.cancel(&call.param(0), call.now()))
}

/// `GET /v1/messages/batches/{batch_id}/results`: the JSON Lines results of
/// an ended batch, streamed.
fn results(call: &Call<'_>) -> Reply {
    match call.shared.batches.results(&call.param(0), call.now()) {
        Ok(results) => Reply::batch_results(call.shared, results),
        Err(error) => call.error(&error),
    }
}
