//! The body of `POST /v1/files`, read without keeping it: each chunk is
//! hashed (SHA-256, the SigV4 payload hash over the exact bytes received)
//! and handed to the multipart parser, which writes the file to disk as it
//! goes (`crate::files::receive`). Whatever the parser leaves (the epilogue,
//! or the rest of a body it refused) is still read and hashed, so the
//! signature is checked over the whole body, after it has arrived.
//!
//! The body may take as long as it needs while it keeps coming: the body
//! timeout applies to each wait for the next chunk, not to the whole
//! upload.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::http::request::Parts;
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use crate::files::{self, FileStore};

use super::received::{ReadError, Received, declared_length};

/// The boundary of a `multipart/form-data` content type (a Files or Skills upload); `None`
/// for any other type, or a form without a boundary.
pub(crate) fn form_boundary(content_type: Option<&str>) -> Option<String> {
    let content_type = content_type.unwrap_or_default();
    let is_form = content_type
        .split(';')
        .next()
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("multipart/form-data"));
    multer::parse_boundary(content_type)
        .ok()
        .filter(|_| is_form)
}

/// The body as it arrives: counted, hashed, within the limit, and copied
/// to a file when asked (a recording keeps uploads).
pub(crate) struct Tap {
    body: Incoming,
    hasher: Sha256,
    len: u64,
    limit: u64,
    idle: Duration,
    copy: Option<tokio::fs::File>,
    /// Why reading stopped, once it has failed.
    failure: Option<ReadError>,
}

impl Tap {
    /// A tap on `body`: at most `limit` bytes, each wait for a chunk at
    /// most `idle`.
    pub(crate) fn new(body: Incoming, limit: u64, idle: Duration) -> Self {
        Tap {
            body,
            hasher: Sha256::new(),
            len: 0,
            limit,
            idle,
            copy: None,
            failure: None,
        }
    }

    /// Also writes every chunk to `file`, as it passes.
    pub(crate) fn copy_to(&mut self, file: tokio::fs::File) {
        self.copy = Some(file);
    }

    /// Reads what is left, then answers the body's hex SHA-256 and length,
    /// or why it was not read in full.
    pub(crate) async fn finish(mut self) -> Result<(String, u64), ReadError> {
        while self.next().await.is_some() {}
        if let Some(copy) = self.copy.as_mut()
            && let Err(e) = copy.flush().await
        {
            self.failure
                .get_or_insert(ReadError::Broken(format!("the copy failed: {e}")));
        }
        match self.failure {
            Some(failure) => Err(failure),
            None => Ok((hex::encode(self.hasher.finalize()), self.len)),
        }
    }

    /// The next chunk, counted, hashed (and copied); `None` at the end, and
    /// after a failure (kept in [`Tap::failure`]).
    pub(crate) async fn next(&mut self) -> Option<Result<Bytes, std::io::Error>> {
        if self.failure.is_some() {
            return None;
        }
        let failure = loop {
            let frame = match tokio::time::timeout(self.idle, self.body.frame()).await {
                Err(_) => break ReadError::TimedOut(self.idle),
                Ok(None) => return None,
                Ok(Some(Err(e))) => break ReadError::Broken(e.to_string()),
                Ok(Some(Ok(frame))) => frame,
            };
            let Ok(data) = frame.into_data() else {
                continue;
            };
            self.len = self.len.saturating_add(data.len() as u64);
            if self.len > self.limit {
                break ReadError::TooLarge(usize::try_from(self.limit).unwrap_or(usize::MAX));
            }
            self.hasher.update(&data);
            if let Some(copy) = self.copy.as_mut()
                && let Err(e) = copy.write_all(&data).await
            {
                break ReadError::Broken(format!("the copy failed: {e}"));
            }
            return Some(Ok(data));
        };
        let message = format!("{failure:?}");
        self.failure = Some(failure);
        Some(Err(std::io::Error::other(message)))
    }
}

/// Reads the upload whose head is `parts` into `files`' directory: the
/// request comes back with the body's hash and the parsed upload (or why
/// it was refused), and no body bytes in memory. A body over the limit
/// (the file size limit plus the multipart overhead; refused before
/// reading when `content-length` says so), stalled for `idle` or broken
/// is dropped, with the reason.
pub(super) async fn read(
    parts: &Parts,
    body: Incoming,
    idle: Duration,
    files: &FileStore,
) -> (Received, Result<(), ReadError>) {
    let mut received = Received::head(parts);
    let limit = files.options.max_body_bytes();
    let too_large = ReadError::TooLarge(usize::try_from(limit).unwrap_or(usize::MAX));
    if declared_length(parts).is_some_and(|n| n as u64 > limit) {
        return (received, Err(too_large));
    }
    let content_type = received.header("content-type").map(str::to_owned);
    let mut tap = Tap::new(body, limit, idle);
    let upload = {
        let stream = futures_util::stream::unfold(&mut tap, |tap| async move {
            let item = tap.next().await;
            item.map(|item| (item, tap))
        });
        files::receive(
            stream,
            content_type.as_deref(),
            files.dir(),
            files.options.max_file_bytes,
        )
        .await
    };
    // The rest of the body, hashed too.
    while tap.next().await.is_some() {}
    received.body_len = usize::try_from(tap.len).unwrap_or(usize::MAX);
    if let Some(failure) = tap.failure {
        return (received, Err(failure));
    }
    received.body_sha256 = Some(hex::encode(tap.hasher.finalize()));
    *received
        .upload
        .get_mut()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(upload);
    (received, Ok(()))
}
