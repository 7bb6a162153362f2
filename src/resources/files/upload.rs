//! [`FileUpload`]: what to upload, and how it goes on the wire: one multipart/form-data part
//! `file`, streamed from its source in bounded memory with an exact `Content-Length`. With
//! SigV4 the payload hash is computed first, in a streaming pass over the exact multipart bytes.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use futures_util::future::BoxFuture;
use futures_util::{FutureExt, StreamExt, stream};
use http::HeaderValue;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncRead, AsyncReadExt};

use crate::error::{Error, FileError};
use crate::resources::multipart::{escape_quoted, random_boundary, regular_file_len};
use crate::transport::{OpenBody, StreamedBody};

/// How many bytes of the source are read at a time.
const CHUNK: usize = 256 * 1024;

type BoxReader = Box<dyn AsyncRead + Send + Unpin>;
type ReaderFactory = Arc<dyn Fn() -> BoxFuture<'static, io::Result<BoxReader>> + Send + Sync>;
type Progress = Arc<dyn Fn(u64, u64) + Send + Sync>;

/// A file to upload with [`Files::upload`](super::Files::upload): a path, or a reader factory
/// with a known length and a filename.
///
/// The source is read more than once: with SigV4, a first pass computes the payload hash (the
/// signature covers the body), then each attempt reads it again from the start (a retry
/// re-reads and re-signs). A path is simply opened again; a reader comes from a factory called
/// once per pass, which must yield the same bytes every time. Nothing is held in memory beyond
/// one chunk.
///
/// ```no_run
/// # async fn run(client: anthropic_aws::Client) -> Result<(), anthropic_aws::Error> {
/// use anthropic_aws::resources::FileUpload;
/// let upload = FileUpload::path("report.pdf")
///     .on_progress(|sent, total| eprintln!("{sent}/{total} bytes"));
/// let file = client.files().upload(upload).await?;
/// println!("{} ({} bytes), AWS request ID {:?}", file.id, file.size_bytes, file.aws_request_id());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct FileUpload {
    source: Source,
    filename: Option<String>,
    mime_type: Option<String>,
    progress: Option<Progress>,
}

#[derive(Clone)]
enum Source {
    Path(PathBuf),
    Reader { len: u64, open: ReaderFactory },
}

impl FileUpload {
    /// The file at `path`; its name is the part's filename, its extension guesses the MIME type.
    pub fn path(path: impl Into<PathBuf>) -> Self {
        Self::new(Source::Path(path.into()))
    }

    /// `len` bytes from readers that `open` makes, named `filename`. `open` is called for each
    /// pass over the data (the SigV4 hash pass, each attempt) and must yield the same bytes
    /// each time; a source that yields more or fewer bytes than `len` fails the upload with
    /// [`FileError::SourceChanged`].
    ///
    /// ```no_run
    /// # async fn run(client: anthropic_aws::Client) -> Result<(), anthropic_aws::Error> {
    /// use anthropic_aws::resources::FileUpload;
    /// let upload = FileUpload::reader("data.csv", 1_000_000, || tokio::fs::File::open("/data/export.csv"));
    /// let file = client.files().upload(upload).await?;
    /// # Ok(()) }
    /// ```
    pub fn reader<F, Fut, R>(filename: impl Into<String>, len: u64, open: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = io::Result<R>> + Send + 'static,
        R: AsyncRead + Send + Unpin + 'static,
    {
        let open: ReaderFactory =
            Arc::new(move || open().map(|r| r.map(|r| Box::new(r) as BoxReader)).boxed());
        Self::new(Source::Reader { len, open }).filename(filename)
    }

    /// `data`, in memory, named `filename`.
    pub fn bytes(filename: impl Into<String>, data: impl Into<Bytes>) -> Self {
        let data: Bytes = data.into();
        let len = data.len() as u64;
        Self::reader(filename, len, move || {
            let data = data.clone();
            async move { Ok(io::Cursor::new(data)) }
        })
    }

    fn new(source: Source) -> Self {
        Self {
            source,
            filename: None,
            mime_type: None,
            progress: None,
        }
    }

    /// The part's filename (by default the path's file name).
    #[must_use]
    pub fn filename(mut self, filename: impl Into<String>) -> Self {
        self.filename = Some(filename.into());
        self
    }

    /// The part's MIME type (by default guessed from the filename's extension, else
    /// `application/octet-stream`).
    #[must_use]
    pub fn mime_type(mut self, mime_type: impl Into<String>) -> Self {
        self.mime_type = Some(mime_type.into());
        self
    }

    /// Called as the file's bytes are handed to the connection: `(bytes sent, file size)`.
    /// It starts again from 0 when an attempt is retried.
    #[must_use]
    pub fn on_progress(mut self, progress: impl Fn(u64, u64) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(progress));
        self
    }

    /// The file's size, its name, and a factory of readers over it.
    pub(super) async fn resolve(self) -> Result<Resolved, Error> {
        let (len, open, label) = match self.source {
            Source::Path(path) => {
                let len = regular_file_len(&path).await?;
                let opened = path.clone();
                let open: ReaderFactory = Arc::new(move || {
                    let path = opened.clone();
                    async move { Ok(Box::new(tokio::fs::File::open(path).await?) as BoxReader) }
                        .boxed()
                });
                (len, open, path)
            }
            Source::Reader { len, open } => {
                let label = PathBuf::from(self.filename.clone().unwrap_or_default());
                (len, open, label)
            }
        };
        let filename = match self.filename {
            Some(name) => name,
            None => file_name(&label),
        };
        let mime_type = self.mime_type.unwrap_or_else(|| {
            mime_guess::from_path(&filename)
                .first_or_octet_stream()
                .essence_str()
                .to_owned()
        });
        Ok(Resolved {
            len,
            open,
            label,
            filename,
            mime_type,
            progress: self.progress,
        })
    }
}

impl fmt::Debug for FileUpload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("FileUpload");
        match &self.source {
            Source::Path(path) => s.field("path", path),
            Source::Reader { len, .. } => s.field("reader_len", len),
        };
        s.field("filename", &self.filename)
            .field("mime_type", &self.mime_type)
            .finish_non_exhaustive()
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".to_owned())
}

/// An upload whose size, name and type are known.
pub(super) struct Resolved {
    /// The file's size in bytes.
    pub(super) len: u64,
    open: ReaderFactory,
    /// The path, or the filename of a reader, for error messages.
    label: PathBuf,
    pub(super) filename: String,
    pub(super) mime_type: String,
    progress: Option<Progress>,
}

impl Resolved {
    /// The multipart body: its framing, and its payload hash when `hash` (SigV4) is set,
    /// computed in one streaming pass over the exact bytes that will be sent.
    pub(super) async fn into_body(self, hash: bool) -> Result<StreamedBody, Error> {
        let framing = Framing::new(&self.filename, &self.mime_type);
        let len = framing.preamble.len() as u64 + self.len + framing.epilogue.len() as u64;
        let content_type = HeaderValue::from_str(&framing.content_type())
            .map_err(|e| Error::config(format!("the multipart content type is invalid: {e}")))?;
        let source = Arc::new(SourceReader {
            open: self.open,
            len: self.len,
            label: self.label,
        });
        let payload_hash = match hash {
            true => Some(source.hash(&framing).await?),
            false => None,
        };
        let progress = self.progress;
        let open: OpenBody = Arc::new(move || {
            let source = Arc::clone(&source);
            let framing = framing.clone();
            let progress = progress.clone();
            async move {
                let reader = source.open_reader().await?;
                Ok(source.body(reader, framing, progress))
            }
            .boxed()
        });
        Ok(StreamedBody {
            content_type,
            len,
            payload_hash,
            open,
        })
    }
}

/// The bytes around the file in a one-part multipart/form-data body.
#[derive(Clone)]
struct Framing {
    boundary: String,
    preamble: Bytes,
    epilogue: Bytes,
}

impl Framing {
    fn new(filename: &str, mime_type: &str) -> Self {
        let boundary = random_boundary();
        let preamble = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{}\"\r\nContent-Type: {}\r\n\r\n",
            escape_quoted(filename),
            mime_type.replace(['\r', '\n'], "")
        );
        let epilogue = format!("\r\n--{boundary}--\r\n");
        Self {
            boundary,
            preamble: Bytes::from(preamble),
            epilogue: Bytes::from(epilogue),
        }
    }

    fn content_type(&self) -> String {
        format!("multipart/form-data; boundary={}", self.boundary)
    }
}

/// Opens readers over the file and checks each yields exactly `len` bytes.
struct SourceReader {
    open: ReaderFactory,
    len: u64,
    label: PathBuf,
}

impl SourceReader {
    async fn open_reader(&self) -> Result<BoxReader, Error> {
        (self.open)()
            .await
            .map_err(|e| FileError::io("open", &self.label, e).into())
    }

    /// SHA-256 of preamble + file + epilogue, in lowercase hex.
    async fn hash(&self, framing: &Framing) -> Result<String, Error> {
        let mut reader = self.open_reader().await?;
        let mut hasher = Sha256::new();
        hasher.update(&framing.preamble);
        let mut buf = vec![0; CHUNK];
        let mut read = 0u64;
        loop {
            let n = reader
                .read(&mut buf)
                .await
                .map_err(|e| FileError::io("read", &self.label, e))?;
            if n == 0 {
                break;
            }
            read += n as u64;
            if read > self.len {
                break;
            }
            hasher.update(&buf[..n]);
        }
        if read != self.len {
            return Err(FileError::SourceChanged {
                expected: self.len,
                actual: read,
            }
            .into());
        }
        hasher.update(&framing.epilogue);
        let digest = hasher.finalize();
        Ok(digest.iter().map(|b| format!("{b:02x}")).collect())
    }

    /// The body of one attempt: preamble, the file read chunk by chunk (exactly `len` bytes,
    /// else an error that aborts the request), epilogue.
    fn body(
        &self,
        reader: BoxReader,
        framing: Framing,
        progress: Option<Progress>,
    ) -> reqwest::Body {
        let state = Chunks {
            reader: reader.take(self.len),
            len: self.len,
            sent: 0,
            progress,
            done: false,
        };
        let file = stream::unfold(state, Chunks::next);
        let body = stream::once(async move { Ok(framing.preamble) })
            .chain(file)
            .chain(stream::once(async move { Ok(framing.epilogue) }));
        reqwest::Body::wrap_stream(body)
    }
}

/// The file's bytes, one chunk at a time.
struct Chunks {
    reader: tokio::io::Take<BoxReader>,
    len: u64,
    sent: u64,
    progress: Option<Progress>,
    done: bool,
}

impl Chunks {
    async fn next(mut self) -> Option<(io::Result<Bytes>, Self)> {
        if self.done {
            return None;
        }
        let mut buf = BytesMut::with_capacity(CHUNK);
        match self.reader.read_buf(&mut buf).await {
            Err(e) => {
                self.done = true;
                Some((Err(e), self))
            }
            Ok(0) => {
                self.done = true;
                let check = self.check_end().await;
                check.err().map(|e| (Err(e), self))
            }
            Ok(n) => {
                self.sent += n as u64;
                if let Some(progress) = &self.progress {
                    progress(self.sent, self.len);
                }
                Some((Ok(buf.freeze()), self))
            }
        }
    }

    /// At the end of the declared length: the source must have had exactly that many bytes.
    async fn check_end(&mut self) -> io::Result<()> {
        let mut more = [0u8; 1];
        let extra = self.reader.get_mut().read(&mut more).await?;
        if self.sent != self.len || extra > 0 {
            let actual = self.sent + extra as u64;
            let e = FileError::SourceChanged {
                expected: self.len,
                actual,
            };
            return Err(io::Error::new(io::ErrorKind::InvalidData, e.to_string()));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn collect(body: StreamedBody) -> Vec<u8> {
        use http_body_util::BodyExt;
        let body = (body.open)().await.unwrap();
        body.collect().await.unwrap().to_bytes().to_vec()
    }

    #[tokio::test]
    async fn the_body_is_one_multipart_part_and_the_hash_covers_it() {
        let upload = FileUpload::bytes("notes \"q\".txt", &b"hello files"[..]);
        let resolved = upload.resolve().await.unwrap();
        assert_eq!(resolved.mime_type, "text/plain");
        let body = resolved.into_body(true).await.unwrap();
        let content_type = body.content_type.to_str().unwrap().to_owned();
        let boundary = content_type
            .strip_prefix("multipart/form-data; boundary=")
            .unwrap();
        let hash = body.payload_hash.clone().unwrap();
        let len = body.len;
        let bytes = collect(body).await;
        assert_eq!(bytes.len() as u64, len);
        let expected = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"notes %22q%22.txt\"\r\nContent-Type: text/plain\r\n\r\nhello files\r\n--{boundary}--\r\n"
        );
        assert_eq!(String::from_utf8(bytes.clone()).unwrap(), expected);
        let digest: String = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(hash, digest);
    }

    #[tokio::test]
    async fn a_source_shorter_than_declared_is_refused() {
        let upload =
            FileUpload::reader("a.bin", 10, || async { Ok(io::Cursor::new(vec![1u8; 4])) });
        let resolved = upload.resolve().await.unwrap();
        assert_eq!(resolved.mime_type, "application/octet-stream");
        let err = resolved.into_body(true).await.unwrap_err();
        assert!(
            matches!(
                err,
                Error::File(FileError::SourceChanged {
                    expected: 10,
                    actual: 4
                })
            ),
            "{err}"
        );
    }
}
