//! A file's content, streamed to a writer in bounded memory; to a path through a temporary
//! file in the same directory, renamed only when every byte arrived.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use std::time::Duration;

use futures_util::StreamExt;
use http::header::{CONTENT_LENGTH, CONTENT_RANGE, CONTENT_TYPE, RANGE};
use http::{Method, StatusCode};
use tokio::io::{AsyncWrite, AsyncWriteExt, BufWriter};

use super::FILES_BETA;
use crate::error::{BoxError, Error, FileError, TimeoutKind};
use crate::request_id::RequestIds;
use crate::request_options::RequestOptions;
use crate::response::{Response, ResponseMeta};
use crate::retry::Next;
use crate::streaming::idle::{IdleBody, IdleTimeout};
use crate::transport::{Call, Transport};
use crate::types::DownloadedFile;

/// Called as a download's bytes are written: `(bytes so far, Content-Length when declared)`.
pub(super) type DownloadProgress = Arc<dyn Fn(u64, Option<u64>) + Send + Sync>;

/// The `accept` header the official SDKs send for a file's content.
const CONTENT_ACCEPT: &str = "application/binary";
/// The buffer in front of a file a download is written to.
const FILE_BUFFER: usize = 1024 * 1024;
/// The suffix of the temporary file a download to a path goes to first.
pub const PART_SUFFIX: &str = ".part";

/// `GET /v1/files/{id}/content` into `writer`. Retried (as `retry.rs` decides) until the
/// response headers arrive; a body that then breaks off, comes short of its `Content-Length`
/// or stays silent longer than the timeout is resumed, within the same retry budget, with
/// `Range: bytes=N-` from the `N` bytes already written: a `206` must continue at `N`
/// (its `Content-Range` says so, for the same size), a `200` (a server that ignores `Range`)
/// is the whole file again, whose first `N` bytes are skipped. The file's size, from the first
/// answer, is checked against the bytes written at the end.
pub(super) async fn download<W>(
    transport: &Transport,
    options: &RequestOptions,
    file_id: &str,
    writer: &mut W,
    progress: Option<&DownloadProgress>,
) -> Result<Response<DownloadedFile>, Error>
where
    W: AsyncWrite + Unpin + ?Sized,
{
    let path = ["v1", "files", file_id, "content"];
    let call = |options: &RequestOptions| {
        // The timeout covers the wait for the headers, then each silence in the body.
        Call::new(Method::GET, &path, options)
            .accept(CONTENT_ACCEPT)
            .beta(FILES_BETA)
            .iam("GetFile")
            .streaming()
    };
    let mut retries = transport.retries(&call(options));
    let mut download = Download {
        file_id,
        written: 0,
        size: None,
        content_type: None,
        progress,
    };
    loop {
        let resumed;
        let options = if download.written == 0 {
            options
        } else {
            let range = format!("bytes={}-", download.written);
            resumed = options.clone().header(RANGE.as_str(), range);
            &resumed
        };
        let call = call(options);
        let (meta, response) = transport.open(&call, &mut retries).await?;
        let skip = download.head(&meta)?;
        let read = download
            .read(response, skip, transport.timeout(options), writer, &meta)
            .await;
        let err = match read {
            Ok(()) => return download.finish(writer, meta).await,
            Err(Read::Refused(err)) => return Err(err),
            Err(Read::BrokeOff(err)) => err,
        };
        match retries.next(&err, transport.signs_payload(), true) {
            Next::RetryAfter(delay) => {
                tracing::debug!(
                    file_id,
                    written = download.written,
                    error = %err,
                    ?delay,
                    "the download broke off; resuming"
                );
                tokio::time::sleep(delay).await;
            }
            _ => return Err(err),
        }
    }
}

/// Why one answer's body was not read to its end.
enum Read {
    /// Broke off, came short, or stayed silent: resumable.
    BrokeOff(Error),
    /// The writer failed: final.
    Refused(Error),
}

/// A download across its answers: what is written, and the file's size.
struct Download<'a> {
    file_id: &'a str,
    /// Bytes written to the writer so far.
    written: u64,
    /// The file's size: the first answer's `Content-Length`, or a `206`'s `Content-Range`.
    size: Option<u64>,
    content_type: Option<String>,
    progress: Option<&'a DownloadProgress>,
}

impl Download<'_> {
    /// Checks an answer's head against the bytes written (a `206` must continue them), and
    /// says how many bytes of its body were written already (those a `200` repeats).
    fn head(&mut self, meta: &ResponseMeta) -> Result<u64, Error> {
        let header = |name| {
            meta.headers()
                .get(name)
                .and_then(|v: &http::HeaderValue| v.to_str().ok())
        };
        let length = header(CONTENT_LENGTH).and_then(|v| v.trim().parse::<u64>().ok());
        let skip = if meta.status() == StatusCode::PARTIAL_CONTENT {
            let content_range = header(CONTENT_RANGE);
            match content_range.and_then(parse_content_range) {
                Some((first, last, size))
                    if first == self.written
                        && last.checked_add(1) == Some(size)
                        && self.size.is_none_or(|s| s == size) =>
                {
                    self.size = Some(size);
                }
                _ => {
                    return Err(FileError::RangeMismatch {
                        file_id: self.file_id.to_owned(),
                        from: self.written,
                        content_range: content_range.map(str::to_owned),
                        request_ids: meta.request_ids().clone(),
                    }
                    .into());
                }
            }
            0
        } else {
            // The whole file (again, when a resumed request's `Range` was ignored).
            if self.size.is_none() {
                self.size = length;
            }
            if self.written > 0 {
                tracing::debug!(
                    file_id = self.file_id,
                    skip = self.written,
                    "the server ignored Range: reading the file from its start"
                );
            }
            self.written
        };
        if self.content_type.is_none() {
            self.content_type = header(CONTENT_TYPE).map(str::to_owned);
        }
        Ok(skip)
    }

    /// Writes an answer's body after its first `skip` bytes.
    async fn read<W>(
        &mut self,
        response: reqwest::Response,
        mut skip: u64,
        timeout: Duration,
        writer: &mut W,
        meta: &ResponseMeta,
    ) -> Result<(), Read>
    where
        W: AsyncWrite + Unpin + ?Sized,
    {
        let request_ids = meta.request_ids();
        let mut body = IdleBody::new(response, timeout);
        while let Some(chunk) = body.next().await {
            let mut chunk = match chunk {
                Ok(chunk) => chunk,
                Err(e) => {
                    let err = match e.downcast::<IdleTimeout>() {
                        Ok(idle) => Error::Timeout {
                            kind: TimeoutKind::StreamIdle,
                            timeout: idle.timeout(),
                            source: None,
                            status: Some(meta.status()),
                            request_ids: Some(request_ids.clone()),
                        },
                        Err(e) => self.incomplete(request_ids, Some(e)),
                    };
                    return Err(Read::BrokeOff(err));
                }
            };
            if skip > 0 {
                let n = usize::try_from(skip).unwrap_or(usize::MAX).min(chunk.len());
                let _ = chunk.split_to(n);
                skip -= n as u64;
            }
            if chunk.is_empty() {
                continue;
            }
            writer.write_all(&chunk).await.map_err(|source| {
                Read::Refused(
                    FileError::Write {
                        file_id: self.file_id.to_owned(),
                        request_ids: request_ids.clone(),
                        source,
                    }
                    .into(),
                )
            })?;
            self.written += chunk.len() as u64;
            if let Some(progress) = self.progress {
                progress(self.written, self.size);
            }
        }
        if self.size.is_some_and(|n| n != self.written) {
            return Err(Read::BrokeOff(self.incomplete(request_ids, None)));
        }
        Ok(())
    }

    fn incomplete(&self, request_ids: &RequestIds, source: Option<BoxError>) -> Error {
        FileError::DownloadIncomplete {
            file_id: self.file_id.to_owned(),
            received: self.written,
            expected: self.size,
            request_ids: request_ids.clone(),
            source,
        }
        .into()
    }

    /// Flushes the writer and reports the download.
    async fn finish<W>(
        self,
        writer: &mut W,
        meta: ResponseMeta,
    ) -> Result<Response<DownloadedFile>, Error>
    where
        W: AsyncWrite + Unpin + ?Sized,
    {
        writer.flush().await.map_err(|source| FileError::Write {
            file_id: self.file_id.to_owned(),
            request_ids: meta.request_ids().clone(),
            source,
        })?;
        tracing::debug!(
            file_id = self.file_id,
            bytes = self.written,
            "download complete"
        );
        let done = DownloadedFile {
            file_id: self.file_id.to_owned(),
            bytes: self.written,
            content_type: self.content_type,
        };
        Ok(Response::new(done, meta))
    }
}

/// `bytes first-last/size` (a `Content-Range` of one range, of a known size).
fn parse_content_range(value: &str) -> Option<(u64, u64, u64)> {
    let (unit, rest) = value.trim().split_once(' ')?;
    if !unit.eq_ignore_ascii_case("bytes") {
        return None;
    }
    let (range, size) = rest.trim().split_once('/')?;
    let (first, last) = range.split_once('-')?;
    let number = |s: &str| s.trim().parse::<u64>().ok();
    let (first, last, size) = (number(first)?, number(last)?, number(size)?);
    (first <= last && last < size).then_some((first, last, size))
}

/// [`download`] to `<path>.part` in the same directory, renamed to `path` once complete; on
/// any error the temporary file is removed and `path` is left as it was.
pub(super) async fn download_to_path(
    transport: &Transport,
    options: &RequestOptions,
    file_id: &str,
    path: &Path,
    progress: Option<&DownloadProgress>,
) -> Result<Response<DownloadedFile>, Error> {
    let part = part_path(path);
    let file = tokio::fs::File::create(&part)
        .await
        .map_err(|e| FileError::io("create", &part, e))?;
    let mut writer = BufWriter::with_capacity(FILE_BUFFER, file);
    let outcome = download(transport, options, file_id, &mut writer, progress).await;
    let outcome = match outcome {
        Ok(done) => finish(writer, &part, path).await.map(|()| done),
        Err(e) => Err(e),
    };
    if outcome.is_err()
        && let Err(e) = tokio::fs::remove_file(&part).await
    {
        tracing::warn!(path = %part.display(), error = %e, "could not remove the partial download");
    }
    outcome
}

/// Flushes the complete download and moves it into place.
async fn finish(
    mut writer: BufWriter<tokio::fs::File>,
    part: &Path,
    path: &Path,
) -> Result<(), Error> {
    writer
        .flush()
        .await
        .map_err(|e| FileError::io("write", part, e))?;
    drop(writer);
    tokio::fs::rename(part, path)
        .await
        .map_err(|e| FileError::io("rename the finished download to", path, e).into())
}

/// `<path>.part`, in the same directory as `path` (so the rename stays on one file system).
fn part_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(PART_SUFFIX);
    PathBuf::from(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_content_range_is_one_range_of_a_known_size() {
        assert_eq!(parse_content_range("bytes 10-99/100"), Some((10, 99, 100)));
        assert_eq!(parse_content_range(" bytes 0-0/1 "), Some((0, 0, 1)));
        for bad in [
            "bytes 10-99/*",
            "bytes */100",
            "bytes 9-3/100",
            "bytes 0-100/100",
            "items 0-1/2",
            "bytes 0-1",
        ] {
            assert_eq!(parse_content_range(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_temporary_file_sits_next_to_the_output() {
        assert_eq!(
            part_path(Path::new("/tmp/out/report.pdf")),
            PathBuf::from("/tmp/out/report.pdf.part")
        );
        assert_eq!(part_path(Path::new("x")), PathBuf::from("x.part"));
    }
}
