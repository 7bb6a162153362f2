//! [`StreamedBody`]: a request body too large to hold, sent from its source on each attempt
//! with a known length (never chunked).

use std::fmt;
use std::sync::Arc;

use futures_util::future::BoxFuture;
use http::HeaderValue;

use crate::error::Error;

/// Opens the body afresh, from its first byte, for one attempt.
pub(crate) type OpenBody =
    Arc<dyn Fn() -> BoxFuture<'static, Result<reqwest::Body, Error>> + Send + Sync>;

/// A body streamed from its source: re-opened from the start on every attempt and sent with
/// an explicit `Content-Length`; with SigV4 the signature covers `payload_hash`, computed
/// beforehand over the exact bytes `open` yields.
#[derive(Clone)]
pub(crate) struct StreamedBody {
    /// The `content-type` header.
    pub(crate) content_type: HeaderValue,
    /// The exact number of bytes `open` yields.
    pub(crate) len: u64,
    /// Lowercase hex SHA-256 of those bytes; needed only when the request is SigV4-signed.
    pub(crate) payload_hash: Option<String>,
    pub(crate) open: OpenBody,
}

impl fmt::Debug for StreamedBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamedBody")
            .field("content_type", &self.content_type)
            .field("len", &self.len)
            .field("payload_hash", &self.payload_hash)
            .finish_non_exhaustive()
    }
}
