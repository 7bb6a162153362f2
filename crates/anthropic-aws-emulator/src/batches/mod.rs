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
//! * [`routes`] dispatches the six routes;
//! * [`create`] turns a create body into stored requests, one at a time;
//! * [`batch`] decides a batch's lifecycle;
//! * [`store`] keeps the batches and pages them;
//! * [`results`] writes the JSON Lines results in bounded memory.

use std::time::{Duration, SystemTime};

use serde_json::Value;

use super::{EmulatorBuilder, EmulatorHandle};

mod batch;
mod create;
mod results;
mod routes;
mod store;

pub(crate) use results::ResultsBody;
pub(crate) use routes::{BatchRequest, route};
pub(crate) use store::Store;

/// The path every batch route starts with.
pub(crate) const PATH: &str = "/v1/messages/batches";

/// Largest body of `POST /v1/messages/batches` (the Batches API limit).
pub(crate) const MAX_BODY_BYTES: usize = 256 * 1024 * 1024;

/// Most requests in one batch.
pub(crate) const MAX_REQUESTS: usize = 100_000;

/// How long after its creation a batch expires (`expires_at`).
pub(crate) const EXPIRY: Duration = Duration::from_secs(24 * 60 * 60);

/// Whether `path` is a batch route (its body may be up to
/// [`MAX_BODY_BYTES`] long).
pub(crate) fn is_batch_path(path: &str) -> bool {
    path == PATH
        || path
            .strip_prefix(PATH)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// The batch settings of an [`EmulatorBuilder`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct BatchOptions {
    /// How long a batch takes to process all its requests.
    pub(crate) processing_delay: Duration,
    /// How long a canceled batch stays `canceling`.
    pub(crate) cancel_delay: Duration,
}

/// What a batch route answers.
pub(crate) enum BatchAnswer {
    /// A JSON body, `200`.
    Json(Value),
    /// The results of an ended batch, as JSON Lines.
    Results(ResultsBody),
}

/// The `request_counts` of a batch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct RequestCounts {
    /// Requests not finished yet.
    pub processing: u64,
    /// Requests answered with a Message.
    pub succeeded: u64,
    /// Requests answered with an error.
    pub errored: u64,
    /// Requests stopped by a cancel.
    pub canceled: u64,
    /// Requests that expired.
    pub expired: u64,
}

impl RequestCounts {
    /// All requests of the batch.
    pub fn total(&self) -> u64 {
        self.processing
            .saturating_add(self.succeeded)
            .saturating_add(self.errored)
            .saturating_add(self.canceled)
            .saturating_add(self.expired)
    }
}

/// A batch as the emulator holds it, for tests ([`EmulatorHandle::batches`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchInfo {
    /// `msgbatch_…`.
    pub id: String,
    /// `in_progress`, `canceling` or `ended`, now.
    pub processing_status: String,
    /// The counts, now.
    pub request_counts: RequestCounts,
    /// When it was created (the emulator's clock).
    pub created_at: SystemTime,
    /// When it ended, if it has.
    pub ended_at: Option<SystemTime>,
    /// When a cancel was received, if one was.
    pub cancel_initiated_at: Option<SystemTime>,
    /// The `custom_id`s of its requests, in the order given (empty for a
    /// synthetic `batch-results-bytes` batch).
    pub custom_ids: Vec<String>,
    /// `batch-results-bytes=N`: the size of its synthetic results.
    pub synthetic_results_bytes: Option<u64>,
}

impl EmulatorBuilder {
    /// How long a batch stays `in_progress` (default 0: a batch has ended
    /// by the time its create is answered). Its requests finish evenly over
    /// that time, in the order given, so `request_counts` moves while it
    /// processes. No background task: the status is computed from the
    /// emulator's clock on each read.
    ///
    /// ```
    /// use std::time::Duration;
    /// use anthropic_aws_emulator::Emulator;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let emulator = Emulator::builder()
    ///     .api_key("sk-test")
    ///     .batch_processing_delay(Duration::from_secs(3600))
    ///     .start()
    ///     .await?;
    /// assert!(emulator.batches().is_empty());
    /// emulator.shutdown().await;
    /// # Ok(())
    /// # }
    /// ```
    pub fn batch_processing_delay(mut self, delay: Duration) -> Self {
        self.batches.processing_delay = delay;
        self
    }

    /// How long a canceled batch stays `canceling` before it ends (default
    /// 0: it has ended by the next read; the cancel itself answers
    /// `canceling`). It ends sooner if its processing would have.
    pub fn batch_cancel_delay(mut self, delay: Duration) -> Self {
        self.batches.cancel_delay = delay;
        self
    }
}

impl EmulatorHandle {
    /// How many `POST /v1/messages/batches` passed authentication, whether
    /// or not they were valid: a runner that never resubmits leaves this at
    /// the number of batches it needed.
    pub fn batch_create_count(&self) -> usize {
        self.inner.shared.batches.create_count()
    }

    /// Every batch not deleted, oldest first, as it stands now.
    pub fn batches(&self) -> Vec<BatchInfo> {
        self.inner.shared.batches.infos(self.now())
    }
}
