//! The batch operations that are more than a [`Store`](super::store::Store)
//! call: create and list. The router (`batches/routes.rs`) says
//! which route runs which, after authentication and the workspace and
//! version checks that every route shares.

use serde_json::Value;

use crate::error::ApiError;
use crate::scenario::Scenario;

use super::batch::Batch;
use super::context::Context;
use super::create as create_body;
use super::store::PageQuery;

/// Default and bounds of `GET /v1/messages/batches?limit=`.
const DEFAULT_PAGE: usize = 20;
const MAX_PAGE: usize = 1000;

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

/// `GET /v1/messages/batches` with the decoded `query` parameters.
pub(crate) fn list(ctx: &Context<'_>, query: &[(String, String)]) -> Result<Value, ApiError> {
    let param = |name: &str| {
        query
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let limit = match param("limit") {
        None => DEFAULT_PAGE,
        Some(raw) => match raw.parse::<usize>() {
            Ok(n) if (1..=MAX_PAGE).contains(&n) => n,
            _ => {
                return Err(ApiError::invalid_request(format!(
                    "limit: Input should be an integer between 1 and {MAX_PAGE}"
                )));
            }
        },
    };
    let page = PageQuery {
        limit,
        before_id: param("before_id"),
        after_id: param("after_id"),
    };
    ctx.store.list(&page, ctx.now)
}
