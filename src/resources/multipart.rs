//! A `multipart/form-data` body of several parts (text fields and files), streamed from its
//! sources in bounded memory with an exact `Content-Length`. With SigV4 the payload hash is
//! computed first, in one streaming pass over the exact bytes that each attempt then sends
//! again (files are re-opened from the start on every pass).

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use futures_util::{FutureExt, Stream, StreamExt, TryStreamExt, stream};
use http::HeaderValue;
use sha2::{Digest, Sha256};
use tokio::io::AsyncReadExt;

use crate::error::{Error, FileError};
use crate::transport::{OpenBody, StreamedBody};

/// How many bytes of a file are read at a time.
const CHUNK: usize = 256 * 1024;

/// What a part holds.
#[derive(Debug, Clone)]
pub(crate) enum PartBody {
    /// Bytes in memory (a text field, or a small file).
    Bytes(Bytes),
    /// The file at a path, which must keep `len` bytes while it is uploaded.
    File { path: PathBuf, len: u64 },
}

impl PartBody {
    fn len(&self) -> u64 {
        match self {
            Self::Bytes(b) => b.len() as u64,
            Self::File { len, .. } => *len,
        }
    }
}

/// One part: its field name, a filename and content type for a file, and its body.
#[derive(Debug, Clone)]
pub(crate) struct Part {
    pub(crate) name: String,
    pub(crate) filename: Option<String>,
    pub(crate) content_type: Option<String>,
    pub(crate) body: PartBody,
}

impl Part {
    /// A text field.
    pub(crate) fn text(name: &str, value: &str) -> Self {
        Self {
            name: name.to_owned(),
            filename: None,
            content_type: None,
            body: PartBody::Bytes(Bytes::copy_from_slice(value.as_bytes())),
        }
    }
}

/// The whole body: its parts between one boundary.
#[derive(Debug, Clone)]
pub(crate) struct Multipart {
    boundary: String,
    parts: Arc<[Part]>,
}

impl Multipart {
    pub(crate) fn new(parts: Vec<Part>) -> Self {
        Self {
            boundary: random_boundary(),
            parts: parts.into(),
        }
    }

    /// The `content-type` header value.
    pub(crate) fn content_type(&self) -> String {
        format!("multipart/form-data; boundary={}", self.boundary)
    }

    fn head(&self, part: &Part) -> Bytes {
        let mut head = format!(
            "--{}\r\nContent-Disposition: form-data; name=\"{}\"",
            self.boundary,
            escape_quoted(&part.name)
        );
        if let Some(filename) = &part.filename {
            head.push_str(&format!("; filename=\"{}\"", escape_quoted(filename)));
        }
        head.push_str("\r\n");
        if let Some(content_type) = &part.content_type {
            head.push_str(&format!(
                "Content-Type: {}\r\n",
                content_type.replace(['\r', '\n'], "")
            ));
        }
        head.push_str("\r\n");
        Bytes::from(head)
    }

    fn tail(&self) -> Bytes {
        Bytes::from(format!("--{}--\r\n", self.boundary))
    }

    /// The exact number of bytes [`Self::stream`] yields.
    pub(crate) fn len(&self) -> u64 {
        let parts: u64 = self
            .parts
            .iter()
            .map(|p| self.head(p).len() as u64 + p.body.len() + 2)
            .sum();
        parts + self.tail().len() as u64
    }

    /// The body's bytes, files read chunk by chunk; a file that does not have the length it
    /// had when the body was made fails the stream (an [`io::Error`] wrapping a
    /// [`FileError`]).
    pub(crate) fn stream(&self) -> impl Stream<Item = io::Result<Bytes>> + Send + 'static {
        let this = self.clone();
        let parts = stream::iter(0..self.parts.len()).flat_map(move |i| {
            let part = this.parts[i].clone();
            let head = this.head(&part);
            stream::once(async move { Ok(head) })
                .chain(part_body(part.body))
                .chain(stream::once(async { Ok(Bytes::from_static(b"\r\n")) }))
        });
        let tail = self.tail();
        parts.chain(stream::once(async move { Ok(tail) }))
    }

    /// SHA-256 of the exact body, lowercase hex, in one streaming pass.
    async fn hash(&self) -> Result<String, Error> {
        let mut hasher = Sha256::new();
        let mut body = std::pin::pin!(self.stream());
        while let Some(chunk) = body.try_next().await.map_err(from_io)? {
            hasher.update(&chunk);
        }
        Ok(hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect())
    }

    /// The body as the transport sends it, with its payload hash when `hash` (SigV4) is set.
    pub(crate) async fn into_body(self, hash: bool) -> Result<StreamedBody, Error> {
        let content_type = HeaderValue::from_str(&self.content_type())
            .map_err(|e| Error::config(format!("the multipart content type is invalid: {e}")))?;
        let payload_hash = match hash {
            true => Some(self.hash().await?),
            false => None,
        };
        let len = self.len();
        let open: OpenBody = Arc::new(move || {
            let body = self.stream();
            async move { Ok(reqwest::Body::wrap_stream(body)) }.boxed()
        });
        Ok(StreamedBody {
            content_type,
            len,
            payload_hash,
            open,
        })
    }
}

/// The bytes of one part's body.
fn part_body(body: PartBody) -> futures_util::stream::BoxStream<'static, io::Result<Bytes>> {
    match body {
        PartBody::Bytes(bytes) => stream::once(async move { Ok(bytes) }).boxed(),
        PartBody::File { path, len } => {
            let opened = {
                let path = path.clone();
                async move {
                    tokio::fs::File::open(&path)
                        .await
                        .map_err(|e| to_io(FileError::io("open", &path, e)))
                }
            };
            stream::once(opened)
                .map_ok(move |file| file_chunks(file, path.clone(), len))
                .try_flatten()
                .boxed()
        }
    }
}

/// Exactly `len` bytes of `file`, else an error.
fn file_chunks(
    file: tokio::fs::File,
    path: PathBuf,
    len: u64,
) -> impl Stream<Item = io::Result<Bytes>> + Send {
    let state = (Some(file), 0u64);
    stream::unfold(state, move |(file, sent)| {
        let path = path.clone();
        async move {
            let mut file = file?;
            let mut buf = BytesMut::with_capacity(CHUNK);
            let want = usize::try_from((len - sent).min(CHUNK as u64)).unwrap_or(CHUNK);
            if want == 0 {
                // At the declared end: the file must end here too.
                let mut more = [0u8; 1];
                return match file.read(&mut more).await {
                    Ok(0) => None,
                    Ok(_) => Some((Err(changed(len, len + 1)), (None, sent))),
                    Err(e) => Some((Err(to_io(FileError::io("read", &path, e))), (None, sent))),
                };
            }
            match (&mut file).take(want as u64).read_buf(&mut buf).await {
                Err(e) => Some((Err(to_io(FileError::io("read", &path, e))), (None, sent))),
                Ok(0) => Some((Err(changed(len, sent)), (None, sent))),
                Ok(n) => Some((Ok(buf.freeze()), (Some(file), sent + n as u64))),
            }
        }
    })
}

fn changed(expected: u64, actual: u64) -> io::Error {
    to_io(FileError::SourceChanged { expected, actual })
}

fn to_io(error: FileError) -> io::Error {
    io::Error::other(error)
}

/// The [`FileError`] inside a body stream's error, or the I/O error itself.
fn from_io(error: io::Error) -> Error {
    match error.into_inner().map(|e| e.downcast::<FileError>()) {
        Some(Ok(file)) => (*file).into(),
        Some(Err(other)) => {
            let e = io::Error::other(other);
            FileError::io("read", "multipart body", e).into()
        }
        None => FileError::io("read", "multipart body", io::Error::other("I/O error")).into(),
    }
}

/// A filename inside a quoted header parameter, escaped as browsers do (WHATWG): `"` as
/// `%22`, CR as `%0D`, LF as `%0A`.
pub(crate) fn escape_quoted(name: &str) -> String {
    name.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// The size of the regular file at `path`, read from its metadata; a folder or anything else
/// that is not a regular file is refused before an upload starts.
pub(crate) async fn regular_file_len(path: &Path) -> Result<u64, Error> {
    let meta = tokio::fs::metadata(path)
        .await
        .map_err(|e| FileError::io("read the metadata of", path, e))?;
    if !meta.is_file() {
        let e = io::Error::new(io::ErrorKind::InvalidInput, "not a regular file");
        return Err(FileError::io("upload", path, e).into());
    }
    Ok(meta.len())
}

/// 32 random hex digits after a fixed prefix; long enough never to occur in the content.
pub(crate) fn random_boundary() -> String {
    format!(
        "anthropic-aws-{:016x}{:016x}",
        fastrand::u64(..),
        fastrand::u64(..)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn collect(body: &Multipart) -> Vec<u8> {
        let chunks: Vec<Bytes> = body.stream().try_collect().await.unwrap();
        chunks.concat()
    }

    #[tokio::test]
    async fn parts_are_framed_and_the_hash_and_length_cover_the_exact_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("SKILL.md");
        std::fs::write(&path, b"---\nname: x\n---\n").unwrap();
        let body = Multipart::new(vec![
            Part::text("display_title", "My \"skill\""),
            Part {
                name: "files[]".into(),
                filename: Some("x/SKILL.md".into()),
                content_type: Some("text/markdown".into()),
                body: PartBody::File { path, len: 16 },
            },
        ]);
        let bytes = collect(&body).await;
        let b = &body.boundary;
        let expected = format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"display_title\"\r\n\r\nMy \"skill\"\r\n\
             --{b}\r\nContent-Disposition: form-data; name=\"files[]\"; filename=\"x/SKILL.md\"\r\n\
             Content-Type: text/markdown\r\n\r\n---\nname: x\n---\n\r\n--{b}--\r\n"
        );
        assert_eq!(String::from_utf8(bytes.clone()).unwrap(), expected);
        assert_eq!(body.len(), bytes.len() as u64);
        let digest: String = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(body.hash().await.unwrap(), digest);
        let streamed = body.clone().into_body(true).await.unwrap();
        assert_eq!(streamed.payload_hash.as_deref(), Some(digest.as_str()));
        assert_eq!(streamed.len, bytes.len() as u64);
    }

    #[tokio::test]
    async fn a_file_that_changed_length_fails_the_hash_pass() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        std::fs::write(&path, b"abcd").unwrap();
        for (declared, actual) in [(10, 4), (2, 3)] {
            let body = Multipart::new(vec![Part {
                name: "files[]".into(),
                filename: Some("a.txt".into()),
                content_type: None,
                body: PartBody::File {
                    path: path.clone(),
                    len: declared,
                },
            }]);
            let err = body.hash().await.unwrap_err();
            assert!(
                matches!(err, Error::File(FileError::SourceChanged { expected, actual: a })
                    if expected == declared && a == actual),
                "{err}"
            );
        }
    }
}
