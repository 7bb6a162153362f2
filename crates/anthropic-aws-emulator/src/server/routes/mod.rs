//! The endpoint handlers, one file per API family; the
//! router (`server/router.rs`) says which one answers a request.

pub(super) mod batches;
pub(super) mod files;
pub(super) mod messages;
pub(super) mod models;
pub(super) mod skills;
