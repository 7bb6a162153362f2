//! The batch operation that is more than a [`Store`](super::store::Store)
//! call: create. The routes (`batches/routes.rs`) say which endpoint runs
//! which, after authentication and the workspace and version checks that
//! every route shares.

use serde_json::Value;

use crate::error::ApiError;
use crate::scenario::Scenario;

use super::batch::Batch;
use super::context::Context;
use super::create as create_body;

/// `POST /v1/messages/batches` with `body`; `scenario` is the create
/// request's own (its `x-emulator-scenario` header). Counted in
/// [`Store::create_count`](super::store::Store::create_count) whether or not it
/// is valid.
pub(crate) fn create(
    ctx: &Context<'_>,
    body: &[u8],
    scenario: Option<&Scenario>,
) -> Result<Value, ApiError> {
    let store = ctx.store;
    store.count_create();
    let requests = create_body::parse(ctx, body, scenario)?;
    // `req_011CS` and 22 random characters: keep the characters.
    let random = ctx.ids.anthropic().split_off(9);
    let batch = Batch::new(
        format!("msgbatch_01{random}"),
        ctx.now,
        store.options,
        requests,
    );
    Ok(store.insert(batch, ctx.now))
}
