//! `GET /v1/models` and `GET /v1/models/{model_id}`.

use crate::server::reply::Reply;
use crate::server::{Call, Route};

use super::{get_model, list_models};

/// Bounds of `GET /v1/models?limit=`.
const MAX_PAGE: usize = 1000;

/// The endpoints of Models.
pub(crate) const ROUTES: &[Route] = &[
    Route::get("/v1/models", list),
    Route::get("/v1/models/{model_id}", get),
];

/// `GET /v1/models`: a page of the catalogue.
fn list(call: &Call<'_>) -> Reply {
    call.json(call.id_page(MAX_PAGE).and_then(|page| list_models(&page)))
}

/// `GET /v1/models/{model_id}`: one model.
fn get(call: &Call<'_>) -> Reply {
    call.json(get_model(&call.param(0)))
}
