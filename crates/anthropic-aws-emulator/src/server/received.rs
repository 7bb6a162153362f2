//! [`Received`]: a request with its body read in full, within the size
//! limit of its route (or, for a file upload, streamed to disk by
//! `upload_body`).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::header::CONTENT_LENGTH;
use hyper::http::request::Parts;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::files::{UploadError, Uploaded};
use crate::sigv4::{RequestView, percent_decode};

/// Largest request body accepted by most routes (the Messages API limit;
/// the [router](super::router) says which routes take more).
pub(super) const MAX_BODY_BYTES: usize = 32 * 1024 * 1024;

/// Whether request header `name` (any case) carries a credential, decided once here, where
/// requests arrive: its value is never shown (a [`RecordedRequest`](crate::RecordedRequest)'s
/// `Debug`) nor written (a recording). The client marks these values sensitive when it sends
/// them, but the mark does not cross the wire (hyper marks nothing sensitive on the way in) and
/// the emulator shares no code with the client: the names are listed here, once.
pub(crate) fn is_sensitive_header(name: &str) -> bool {
    const SENSITIVE: [&str; 5] = [
        "authorization",
        "proxy-authorization",
        "x-api-key",
        "x-amz-security-token",
        "cookie",
    ];
    SENSITIVE.iter().any(|s| name.eq_ignore_ascii_case(s))
}

/// Default of [`BodyBudget`]: 64 MiB of bodies in memory at once.
pub(crate) const DEFAULT_BODY_BUDGET: usize = 64 * 1024 * 1024;

/// The bytes of buffered request bodies held in memory at once, across all
/// connections (set by
/// [`max_body_bytes_in_flight`](crate::EmulatorBuilder::max_body_bytes_in_flight)).
/// A body takes its room before it is read, all at once: its
/// `content-length`, or its route's limit when it declares none (at most the
/// whole budget). Bodies waiting for room hold none, so they cannot block
/// each other; the room comes back when the request has been answered. A
/// body larger than the whole budget is read alone.
pub(crate) struct BodyBudget {
    room: Arc<Semaphore>,
    /// The budget, in bytes (one permit each), as a permit count can hold.
    size: u32,
}

impl BodyBudget {
    pub(crate) fn new(bytes: usize) -> Self {
        let size = u32::try_from(bytes).unwrap_or(u32::MAX).max(1);
        BodyBudget {
            room: Arc::new(Semaphore::new(size as usize)),
            size,
        }
    }

    /// Room for `bytes` (at most the whole budget), once there is.
    async fn take(&self, bytes: usize) -> Option<OwnedSemaphorePermit> {
        let n = u32::try_from(bytes).unwrap_or(u32::MAX).min(self.size);
        // The semaphore is never closed.
        Arc::clone(&self.room).acquire_many_owned(n).await.ok()
    }
}

/// Why a body was not read in full. Its bytes are not kept.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// More than the limit of its route, in bytes.
    TooLarge(usize),
    /// Not complete within the body timeout.
    TimedOut(Duration),
    /// The connection failed or the framing was broken.
    Broken(String),
}

/// A received request, fully buffered (or its upload on disk).
pub(crate) struct Received {
    pub(super) method: String,
    pub(super) path_and_query: String,
    /// Header names (lowercase) and values (lossily decoded as UTF-8), one
    /// entry per value.
    pub(super) headers: Vec<(String, String)>,
    /// The body (empty when it was not read in full).
    pub(crate) body: Bytes,
    /// How many body bytes arrived.
    pub(super) body_len: usize,
    /// The hex SHA-256 of a body streamed rather than kept (a file
    /// upload), computed as it arrived.
    pub(super) body_sha256: Option<String>,
    /// The file of `POST /v1/files`, received while the body arrived, or
    /// why not; taken by its handler (when dropped untaken, as when
    /// authentication fails, the file is removed).
    pub(crate) upload: Mutex<Option<Result<Uploaded, UploadError>>>,
    /// The body's room in the [`BodyBudget`], given back with the request.
    _room: Option<OwnedSemaphorePermit>,
}

impl Received {
    /// Reads the body of the request whose head is `parts`, for at most
    /// `timeout` and `limit` bytes, once `budget` has room for it. A body
    /// over the limit (refused before it is read when its `content-length`
    /// says so), too slow or broken is dropped: the request comes back with
    /// an empty body and the reason. No lock is held meanwhile.
    pub(super) async fn read(
        parts: &Parts,
        body: Incoming,
        timeout: Duration,
        limit: usize,
        budget: &BodyBudget,
    ) -> (Self, Result<(), ReadError>) {
        let declared = declared_length(parts);
        let mut received = Received::head(parts);
        if declared.is_some_and(|n| n > limit) {
            return (received, Err(ReadError::TooLarge(limit)));
        }
        received._room = budget.take(declared.unwrap_or(limit)).await;
        let deadline = tokio::time::Instant::now() + timeout;
        let read = tokio::time::timeout_at(
            deadline,
            collect(body, declared, limit, &mut received.body_len),
        );
        let outcome = match read.await {
            Ok(Ok(bytes)) => {
                received.body = bytes;
                Ok(())
            }
            Ok(Err(e)) => Err(e),
            Err(_) => Err(ReadError::TimedOut(timeout)),
        };
        (received, outcome)
    }

    /// The request's head, without a body yet.
    pub(super) fn head(parts: &Parts) -> Self {
        let headers = parts
            .headers
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_owned(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect();
        let path_and_query = parts
            .uri
            .path_and_query()
            .map_or_else(|| "/".to_owned(), |pq| pq.as_str().to_owned());
        Received {
            method: parts.method.as_str().to_owned(),
            path_and_query,
            headers,
            body: Bytes::new(),
            body_len: 0,
            body_sha256: None,
            upload: Mutex::new(None),
            _room: None,
        }
    }

    /// The request as the SigV4 verifier sees it.
    pub(super) fn view(&self) -> RequestView<'_> {
        let view = RequestView::new(
            &self.method,
            &self.path_and_query,
            &self.headers,
            &self.body,
        );
        match &self.body_sha256 {
            Some(hash) => view.with_body_sha256(hash),
            None => view,
        }
    }

    /// The first value of header `name` (case-insensitive).
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The path, without the query.
    pub(super) fn path(&self) -> &str {
        self.view().path()
    }

    /// The decoded `name=value` pairs of the query string (`+` is a space).
    pub(crate) fn query_pairs(&self) -> Vec<(String, String)> {
        self.view()
            .query()
            .unwrap_or_default()
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|pair| {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                (
                    String::from_utf8_lossy(&percent_decode(k, true)).into_owned(),
                    String::from_utf8_lossy(&percent_decode(v, true)).into_owned(),
                )
            })
            .collect()
    }
}

/// The `content-length` the request declares, if it is a number.
pub(super) fn declared_length(parts: &Parts) -> Option<usize> {
    parts
        .headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<usize>().ok())
}

/// The whole body, at most `limit` bytes, counting its bytes in `len` as
/// they arrive. The buffer is sized once from `content-length` (capped at
/// [`MAX_BODY_BYTES`], even where the limit is higher, so that a mere
/// header reserves no more) when the first bytes arrive, so a body up to
/// that size is not copied while it grows.
async fn collect(
    mut body: Incoming,
    declared: Option<usize>,
    limit: usize,
    len: &mut usize,
) -> Result<Bytes, ReadError> {
    let mut buffer = BytesMut::new();
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| ReadError::Broken(e.to_string()))?;
        let Ok(data) = frame.into_data() else {
            continue;
        };
        *len = len.saturating_add(data.len());
        if *len > limit {
            return Err(ReadError::TooLarge(limit));
        }
        if buffer.capacity() == 0 {
            let reserve = declared.unwrap_or(0).min(limit).min(MAX_BODY_BYTES);
            buffer.reserve(reserve.max(data.len()));
        }
        buffer.extend_from_slice(&data);
    }
    Ok(buffer.freeze())
}
