//! [`BatchInfo`] and [`RequestCounts`]: a batch as tests see it
//! ([`EmulatorHandle::batches`](crate::EmulatorHandle::batches)).

use std::time::SystemTime;

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

/// A batch as the emulator holds it, for tests
/// ([`EmulatorHandle::batches`](crate::EmulatorHandle::batches)).
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
