//! Receiving `POST /v1/files`: a `multipart/form-data` body with one part
//! `file`, parsed as it arrives ([`multer`]), its content written straight
//! to a temporary file. Memory holds a chunk or two of the body at a time,
//! whatever the file's size.

use std::fmt;
use std::path::Path;

use bytes::Bytes;
use futures_util::Stream;
use tempfile::{NamedTempFile, TempPath};
use tokio::io::{AsyncWriteExt, BufWriter};

use crate::error::ApiError;

use super::options::DEFAULT_MIME_TYPE;

/// How much of the content is gathered before each write to disk.
const WRITE_BUFFER_BYTES: usize = 1024 * 1024;

/// The one part a `POST /v1/files` takes.
const PART: &str = "file";

/// A received file: its content on disk (removed when this is dropped,
/// unless kept by the store), and what its part said.
pub(crate) struct Uploaded {
    pub(crate) path: TempPath,
    pub(crate) filename: String,
    pub(crate) mime_type: String,
    pub(crate) size_bytes: u64,
}

impl fmt::Debug for Uploaded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Uploaded")
            .field("filename", &self.filename)
            .field("mime_type", &self.mime_type)
            .field("size_bytes", &self.size_bytes)
            .finish_non_exhaustive()
    }
}

/// Why an upload body was not taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum UploadError {
    /// Not `multipart/form-data` with a boundary, not well formed, or not
    /// exactly one part `file` with a filename.
    Invalid(String),
    /// The file's content is larger than the limit (in bytes).
    TooLarge(u64),
    /// The content could not be written to disk.
    Disk(String),
}

impl From<UploadError> for ApiError {
    fn from(error: UploadError) -> Self {
        match error {
            UploadError::Invalid(message) => ApiError::invalid_request(message),
            UploadError::TooLarge(limit) => {
                ApiError::too_large(format!("File exceeds the maximum size of {limit} bytes"))
            }
            UploadError::Disk(message) => ApiError {
                status: 500,
                error_type: "api_error",
                message: format!("the emulator could not store the file: {message}"),
            },
        }
    }
}

fn invalid(message: impl Into<String>) -> UploadError {
    UploadError::Invalid(message.into())
}

/// Reads the multipart body `stream` (whose `content-type` header is
/// `content_type`) into a new file in `dir`. Stops at the first problem:
/// the caller reads whatever is left of the body.
pub(crate) async fn receive<S, E>(
    stream: S,
    content_type: Option<&str>,
    dir: &Path,
    max_file_bytes: u64,
) -> Result<Uploaded, UploadError>
where
    S: Stream<Item = Result<Bytes, E>> + Send,
    E: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let content_type = content_type.unwrap_or_default();
    let is_form = content_type
        .split(';')
        .next()
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("multipart/form-data"));
    let boundary = multer::parse_boundary(content_type)
        .ok()
        .filter(|_| is_form)
        .ok_or_else(|| {
            invalid("content-type: a file is uploaded as multipart/form-data with a boundary")
        })?;
    let mut multipart = multer::Multipart::new(stream, boundary);
    let mut uploaded = None;
    while let Some(mut field) = multipart.next_field().await.map_err(malformed)? {
        let name = field.name().unwrap_or_default().to_owned();
        if name != PART {
            return Err(invalid(format!(
                "unexpected multipart part `{}`: the body has one part, `{PART}`",
                name.chars().take(100).collect::<String>()
            )));
        }
        if uploaded.is_some() {
            return Err(invalid(format!("the part `{PART}` is given twice")));
        }
        let Some(filename) = field.file_name().filter(|n| !n.is_empty()) else {
            return Err(invalid(format!("the part `{PART}` needs a filename")));
        };
        let filename = filename.to_owned();
        let mime_type = field
            .content_type()
            .map_or_else(|| DEFAULT_MIME_TYPE.to_owned(), ToString::to_string);
        let temp = NamedTempFile::new_in(dir).map_err(disk)?;
        let file = temp.reopen().map_err(disk)?;
        let mut writer =
            BufWriter::with_capacity(WRITE_BUFFER_BYTES, tokio::fs::File::from_std(file));
        let mut size_bytes: u64 = 0;
        while let Some(chunk) = field.chunk().await.map_err(malformed)? {
            size_bytes = size_bytes.saturating_add(chunk.len() as u64);
            if size_bytes > max_file_bytes {
                return Err(UploadError::TooLarge(max_file_bytes));
            }
            writer.write_all(&chunk).await.map_err(disk)?;
        }
        writer.flush().await.map_err(disk)?;
        uploaded = Some(Uploaded {
            path: temp.into_temp_path(),
            filename,
            mime_type,
            size_bytes,
        });
    }
    uploaded.ok_or_else(|| invalid(format!("the multipart body has no part `{PART}`")))
}

fn malformed(error: multer::Error) -> UploadError {
    invalid(format!("malformed multipart body: {error}"))
}

fn disk(error: std::io::Error) -> UploadError {
    UploadError::Disk(error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(parts: &[&str]) -> Vec<Result<Bytes, std::io::Error>> {
        parts
            .iter()
            .map(|p| Ok(Bytes::from(p.replace('\n', "\r\n"))))
            .collect()
    }

    async fn run(
        parts: &[&str],
        content_type: &str,
        limit: u64,
    ) -> (tempfile::TempDir, Result<Uploaded, UploadError>) {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let stream = futures_util::stream::iter(body(parts));
        let result = receive(stream, Some(content_type), dir.path(), limit).await;
        (dir, result)
    }

    const FORM: &str = "multipart/form-data; boundary=XyZ";

    #[tokio::test]
    async fn the_file_part_lands_on_disk_split_anywhere() {
        let (dir, result) = run(
            &[
                "--XyZ\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\n",
                "Content-Type: text/plain\n\nhello ",
                "wor",
                "ld\n--X",
                "yZ--\n",
            ],
            FORM,
            100,
        )
        .await;
        let uploaded = result.unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(uploaded.filename, "a.txt");
        assert_eq!(uploaded.mime_type, "text/plain");
        assert_eq!(uploaded.size_bytes, 11);
        assert_eq!(
            std::fs::read(&uploaded.path).ok(),
            Some(b"hello world".to_vec())
        );
        assert!(uploaded.path.starts_with(dir.path()));
    }

    #[tokio::test]
    async fn bad_bodies_are_refused_and_leave_nothing() {
        let part = |name: &str, extra: &str| {
            format!("--XyZ\nContent-Disposition: form-data; name=\"{name}\"{extra}\n\nabc\n")
        };
        let file = part("file", "; filename=\"a\"");
        let cases: Vec<(Vec<String>, &str, u64, &str)> = vec![
            (
                vec![file.clone(), "--XyZ--\n".into()],
                "application/json",
                10,
                "multipart/form-data",
            ),
            (
                vec![file.clone(), "--XyZ--\n".into()],
                "multipart/form-data",
                10,
                "boundary",
            ),
            (
                vec![part("other", "; filename=\"a\""), "--XyZ--\n".into()],
                FORM,
                10,
                "unexpected",
            ),
            (
                vec![file.clone(), file.clone(), "--XyZ--\n".into()],
                FORM,
                10,
                "twice",
            ),
            (
                vec![part("file", ""), "--XyZ--\n".into()],
                FORM,
                10,
                "filename",
            ),
            (vec!["--XyZ--\n".into()], FORM, 10, "no part"),
            (vec![file.clone()], FORM, 10, "malformed"),
            (vec![file.clone(), "--XyZ--\n".into()], FORM, 2, "TooLarge"),
        ];
        for (parts, content_type, limit, needle) in cases {
            let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
            let (dir, result) = run(&parts, content_type, limit).await;
            let error = format!("{:?}", result.map(|u| u.filename));
            assert!(error.contains(needle), "{needle}: {error}");
            let left = std::fs::read_dir(dir.path()).map(Iterator::count).ok();
            assert_eq!(left, Some(0), "{needle}");
        }
    }
}
