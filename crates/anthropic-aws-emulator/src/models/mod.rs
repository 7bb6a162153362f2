//! Models: `GET /v1/models` and `GET /v1/models/{model_id}`, answered from
//! a fixed catalogue ([`catalogue`]); `routes` holds the handlers.

mod catalogue;
pub(crate) mod routes;

pub(crate) use catalogue::{get_model, list_models};
