//! What a batch run reports: [`RunnerError`], [`RunProgress`] and [`RunReport`].

use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::types::RequestCounts;

/// Why a [`BatchRunner`](super::BatchRunner) stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RunnerError {
    /// A call to the platform failed.
    #[error(transparent)]
    Api(#[from] Error),
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A line of the input is not a batch request, or one request alone exceeds a batch.
    #[error("input request {request} (line {line}): {message}")]
    Input {
        /// The request's number in the input (from 0, blank lines not counted).
        request: u64,
        /// The line's number in the file (from 1; 0 for an iterator).
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// The state file is unreadable or does not fit this run.
    #[error("state file {}: {message}", path.display())]
    State {
        /// The state file.
        path: PathBuf,
        /// What is wrong, and what to do.
        message: String,
    },
}

impl RunnerError {
    pub(super) fn io(path: &Path, source: std::io::Error) -> Self {
        Self::Io {
            path: path.to_owned(),
            source,
        }
    }
}

/// Where a run stands, given to the [`on_progress`](super::BatchRunner::on_progress) callback after
/// every change (and returned, final, in [`RunReport`]).
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct RunProgress {
    /// Batches submitted so far (this run and earlier runs of the same output).
    pub batches_submitted: usize,
    /// Of those, how many have ended.
    pub batches_ended: usize,
    /// Of those, how many have their results in the output.
    pub batches_written: usize,
    /// Requests submitted so far.
    pub requests_submitted: u64,
    /// Whether every request of the input is submitted.
    pub input_done: bool,
    /// The sum of every batch's last-seen request counts.
    pub counts: RequestCounts,
}

/// What a finished run did: every batch ended and its results are in the output.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RunReport {
    /// The final progress: counts summed over every batch.
    pub progress: RunProgress,
    /// Each batch's ID, in submission order.
    pub batch_ids: Vec<String>,
    /// The results file.
    pub output: PathBuf,
    /// The state file beside it.
    pub state_file: PathBuf,
}
