//! Message Batches: `POST /v1/messages/batches` and the routes under it.
//!
//! A batch is kept small: per request its `custom_id` and its result (the
//! Message `POST /v1/messages` would answer, or the error its scenario asks
//! for), never its params. Its status is computed from the clock on each
//! read, so no task runs in the background: the requests finish one after
//! the other, evenly over the [processing
//! delay](crate::EmulatorBuilder::batch_processing_delay) (default 0: the
//! batch has ended when the create is answered). A batch created with the
//! scenario `batch-results-bytes=N` holds no results at all: its results
//! are generated while they are sent ([`results`]).
//!
//! The six endpoints are declared and answered in [`routes`], the one part
//! that knows the server; the rest knows neither the server nor its shared
//! state: what it needs of them comes in a [`Context`]. This file only names the parts:
//!
//! * [`limits`] says how large a batch may be;
//! * [`context`] is what the operations get from the server;
//! * [`routes`] declares the six endpoints and answers them;
//! * [`operations`] creates batches;
//! * [`create()`] turns a create body into stored requests, one at a time;
//! * [`batch`] decides a batch's lifecycle;
//! * [`store`] keeps the batches and pages them;
//! * [`results`] writes the JSON Lines results in bounded memory;
//! * [`info`] shows batches to tests.

mod batch;
mod context;
mod create;
mod info;
mod limits;
mod operations;
mod results;
pub(crate) mod routes;
mod store;

pub(crate) use batch::BatchOptions;
pub(crate) use context::Context;
pub use info::{BatchInfo, RequestCounts};
pub(crate) use limits::MAX_BODY_BYTES;
pub(crate) use operations::create;
pub(crate) use results::ResultsBody;
pub(crate) use store::Store;
