//! Files calls that fail on the client's side: a local file that cannot be read or written, an
//! upload source whose length changed, a download that broke off.

use std::path::PathBuf;

use super::BoxError;
use crate::request_id::RequestIds;

/// Why a Files call failed on the client's side.
///
/// A download that breaks off is resumed from the bytes already written while the retry
/// budget lasts; past it, it is an error, never a silently short file:
/// [`Files::download_to_path`](crate::resources::Files::download_to_path) then leaves nothing
/// at the output path.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FileError {
    /// A local file could not be opened, read, written or renamed.
    #[error("could not {action} {}: {source}", path.display())]
    Io {
        /// What the client was doing (`open`, `read`, `write`, …).
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// An upload source yielded a different number of bytes than it declared (a file that
    /// changed while it was uploaded); the upload was abandoned.
    #[error(
        "the upload source yielded {actual} bytes, not the {expected} it declared (did the file change?)"
    )]
    SourceChanged {
        /// The length declared (or read from the file's metadata).
        expected: u64,
        /// The bytes the source yielded (at least this many, when it had more).
        actual: u64,
    },
    /// A download ended before its last byte: the connection broke, or the body was shorter
    /// than its `Content-Length`.
    #[error(
        "the download of {file_id} broke off after {received} bytes{}{} ({request_ids})",
        expected.map_or_else(String::new, |n| format!(" of {n}")),
        source.as_ref().map_or_else(String::new, |e| format!(": {e}"))
    )]
    DownloadIncomplete {
        /// The file's ID.
        file_id: String,
        /// The bytes received.
        received: u64,
        /// The `Content-Length`, when the response declared one.
        expected: Option<u64>,
        /// Both request IDs of the download response.
        request_ids: RequestIds,
        /// The transport's error, when it reported one.
        source: Option<BoxError>,
    },
    /// A resumed download's `206 Partial Content` does not continue the bytes already
    /// written: its `Content-Range` starts elsewhere, stops before the end, names another
    /// size, or is missing. Nothing of it was written.
    #[error(
        "the resumed download of {file_id} asked for bytes from {from}, but the answer's \
         Content-Range is {} ({request_ids})",
        content_range.as_deref().unwrap_or("missing")
    )]
    RangeMismatch {
        /// The file's ID.
        file_id: String,
        /// The first byte asked for (`Range: bytes=from-`): the bytes already written.
        from: u64,
        /// The answer's `Content-Range`, when it had one.
        content_range: Option<String>,
        /// Both request IDs of the `206` answer.
        request_ids: RequestIds,
    },
    /// The writer a download was streamed to failed.
    #[error("could not write the download of {file_id}: {source} ({request_ids})")]
    Write {
        /// The file's ID.
        file_id: String,
        /// Both request IDs of the download response.
        request_ids: RequestIds,
        /// The writer's error.
        #[source]
        source: std::io::Error,
    },
}

impl FileError {
    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
        source: std::io::Error,
    ) -> Self {
        Self::Io {
            action,
            path: path.into(),
            source,
        }
    }

    /// Both request IDs, when a response was involved.
    pub fn request_ids(&self) -> Option<&RequestIds> {
        match self {
            Self::DownloadIncomplete { request_ids, .. }
            | Self::RangeMismatch { request_ids, .. }
            | Self::Write { request_ids, .. } => Some(request_ids),
            _ => None,
        }
    }
}
