//! A file's content, streamed to a writer in bounded memory; to a path through a temporary
//! file in the same directory, renamed only when every byte arrived.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use futures_util::StreamExt;
use http::Method;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use tokio::io::{AsyncWrite, AsyncWriteExt, BufWriter};

use super::FILES_BETA;
use crate::error::{Error, FileError, TimeoutKind};
use crate::request_options::RequestOptions;
use crate::response::Response;
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
/// response headers arrive; after that, a body that breaks off, is shorter than its
/// `Content-Length` or stays silent longer than the timeout is an error.
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
    // The timeout covers the wait for the headers, then each silence in the body.
    let call = Call::new(Method::GET, &path, options)
        .accept(CONTENT_ACCEPT)
        .beta(FILES_BETA)
        .iam("GetFile")
        .streaming();
    let mut retries = transport.retries(&call);
    let (meta, response) = transport.open(&call, &mut retries).await?;
    let header = |name| {
        meta.headers()
            .get(name)
            .and_then(|v: &http::HeaderValue| v.to_str().ok())
    };
    let expected = header(CONTENT_LENGTH).and_then(|v| v.trim().parse::<u64>().ok());
    let content_type = header(CONTENT_TYPE).map(str::to_owned);
    let request_ids = meta.request_ids().clone();
    let incomplete = |received, source| FileError::DownloadIncomplete {
        file_id: file_id.to_owned(),
        received,
        expected,
        request_ids: request_ids.clone(),
        source,
    };
    let write_error = |source| FileError::Write {
        file_id: file_id.to_owned(),
        request_ids: request_ids.clone(),
        source,
    };

    let mut body = IdleBody::new(response, transport.timeout(options));
    let mut received = 0u64;
    while let Some(chunk) = body.next().await {
        let chunk = match chunk {
            Ok(chunk) => chunk,
            Err(e) => match e.downcast::<IdleTimeout>() {
                Ok(idle) => {
                    return Err(Error::Timeout {
                        kind: TimeoutKind::StreamIdle,
                        timeout: idle.timeout(),
                        source: None,
                        status: Some(meta.status()),
                        request_ids: Some(request_ids.clone()),
                    });
                }
                Err(e) => return Err(incomplete(received, Some(e)).into()),
            },
        };
        writer.write_all(&chunk).await.map_err(write_error)?;
        received += chunk.len() as u64;
        if let Some(progress) = progress {
            progress(received, expected);
        }
    }
    if expected.is_some_and(|n| n != received) {
        return Err(incomplete(received, None).into());
    }
    writer.flush().await.map_err(write_error)?;
    tracing::debug!(file_id, bytes = received, "download complete");
    let done = DownloadedFile {
        file_id: file_id.to_owned(),
        bytes: received,
        content_type,
    };
    Ok(Response::new(done, meta))
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
    fn the_temporary_file_sits_next_to_the_output() {
        assert_eq!(
            part_path(Path::new("/tmp/out/report.pdf")),
            PathBuf::from("/tmp/out/report.pdf.part")
        );
        assert_eq!(part_path(Path::new("x")), PathBuf::from("x.part"));
    }
}
