//! `GET /v1/models` and `GET /v1/models/{model_id}`.

use super::{get_model, list_models};
use crate::sigv4::percent_decode;
use crate::state::Shared;

use crate::server::effects::Effects;
use crate::server::received::Received;
use crate::server::reply::Reply;

/// `GET /v1/models`: a page of the catalogue.
pub(crate) fn list(
    shared: &Shared,
    request: &Received,
    _effects: &Effects<'_>,
    _params: &[&str],
) -> Reply {
    match list_models(&request.query_pairs()) {
        Ok(body) => Reply::anthropic_json(shared, 200, &body),
        Err(error) => Reply::api_error(shared, &error),
    }
}

/// `GET /v1/models/{model_id}`: one model.
pub(crate) fn get(
    shared: &Shared,
    _request: &Received,
    _effects: &Effects<'_>,
    params: &[&str],
) -> Reply {
    let id = params.first().copied().unwrap_or_default();
    let id = String::from_utf8_lossy(&percent_decode(id, false)).into_owned();
    match get_model(&id) {
        Ok(body) => Reply::anthropic_json(shared, 200, &body),
        Err(error) => Reply::api_error(shared, &error),
    }
}
