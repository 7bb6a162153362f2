//! The six batch routes, after authentication and the workspace and
//! version checks (which every route shares, in `server`).

use crate::Shared;
use crate::responses::ApiError;
use crate::scenario::Scenario;
use crate::sigv4::percent_decode;

use super::batch::Batch;
use super::store::PageQuery;
use super::{BatchAnswer, PATH, create};

/// Default and bounds of `GET /v1/messages/batches?limit=`.
const DEFAULT_PAGE: usize = 20;
const MAX_PAGE: usize = 1000;

/// A request to a batch route.
pub(crate) struct BatchRequest<'a> {
    pub(crate) method: &'a str,
    /// The path, which [`super::is_batch_path`] accepted.
    pub(crate) path: &'a str,
    /// The decoded query parameters.
    pub(crate) query: &'a [(String, String)],
    pub(crate) body: &'a [u8],
    /// The request's scenario (its `x-emulator-scenario` header).
    pub(crate) scenario: Option<&'a Scenario>,
}

/// Answers a request whose path [`super::is_batch_path`] accepted.
pub(crate) fn route(shared: &Shared, request: &BatchRequest<'_>) -> Result<BatchAnswer, ApiError> {
    let method = request.method;
    let path = request.path;
    let rest = path.strip_prefix(PATH).unwrap_or_default();
    let segments: Vec<&str> = rest.split('/').skip(1).collect();
    let now = shared.config.clock.now();
    let store = &shared.batches;
    let not_allowed = || Err(ApiError::method_not_allowed(method, path));
    match (segments.as_slice(), method) {
        ([], "POST") => create(shared, request),
        ([], "GET") => list(shared, request.query).map(BatchAnswer::Json),
        ([], _) => not_allowed(),
        ([id], "GET") if !id.is_empty() => store.get(&decode(id), now).map(BatchAnswer::Json),
        ([id], "DELETE") if !id.is_empty() => store.delete(&decode(id), now).map(BatchAnswer::Json),
        ([id], _) if !id.is_empty() => not_allowed(),
        ([id, "cancel"], "POST") if !id.is_empty() => {
            store.cancel(&decode(id), now).map(BatchAnswer::Json)
        }
        ([id, "results"], "GET") if !id.is_empty() => {
            store.results(&decode(id), now).map(BatchAnswer::Results)
        }
        ([id, "cancel" | "results"], _) if !id.is_empty() => not_allowed(),
        _ => Err(ApiError::not_found(format!("Not found: {method} {path}"))),
    }
}

fn decode(id: &str) -> String {
    String::from_utf8_lossy(&percent_decode(id, false)).into_owned()
}

/// `POST /v1/messages/batches`.
fn create(shared: &Shared, request: &BatchRequest<'_>) -> Result<BatchAnswer, ApiError> {
    let store = &shared.batches;
    store.count_create();
    let requests = create::parse(shared, request.body, request.scenario)?;
    // `req_011CS` and 22 random characters: keep the characters.
    let random = shared.ids.anthropic().split_off(9);
    let now = shared.config.clock.now();
    let batch = Batch::new(format!("msgbatch_01{random}"), now, store.options, requests);
    Ok(BatchAnswer::Json(store.insert(batch, now)))
}

/// `GET /v1/messages/batches`.
fn list(shared: &Shared, query: &[(String, String)]) -> Result<serde_json::Value, ApiError> {
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
    shared.batches.list(&page, shared.config.clock.now())
}
