//! The Files API under `/v1/files`: upload (streamed from disk, signed without holding the
//! file), list (one page or every page, by cursor), retrieve metadata, delete, and download
//! (streamed to any writer, or to a path through a temporary file).

mod download;
mod upload;

use std::path::Path;
use std::sync::Arc;

use futures_core::Stream;
use http::Method;

use super::pages::List;
use crate::error::Error;
use crate::request_options::RequestOptions;
use crate::response::Response;
use crate::transport::{Call, Transport};
use crate::types::{CursorPage, DeletedFile, DownloadedFile, FileListParams, FileMetadata};
use download::DownloadProgress;

pub use download::PART_SUFFIX;
pub use upload::FileUpload;

const FILES: &[&str] = &["v1", "files"];
/// The beta the official SDKs send with every Files call.
const FILES_BETA: &str = "files-api-2025-04-14";
/// The largest file the platform takes: 500 MB. A larger upload is refused before anything
/// is sent ([`Error::RequestTooLarge`], type `request_too_large`).
pub const FILES_MAX_BYTES: u64 = 500_000_000;

/// The Files API, from [`Client::files`](crate::Client::files).
#[derive(Clone)]
pub struct Files<'c> {
    transport: &'c Arc<Transport>,
    options: RequestOptions,
    progress: Option<DownloadProgress>,
}

impl<'c> Files<'c> {
    pub(crate) fn new(transport: &'c Arc<Transport>) -> Self {
        Self {
            transport,
            options: RequestOptions::default(),
            progress: None,
        }
    }

    /// The same API with per-request overrides of timeouts and retries.
    pub fn with_options(mut self, options: RequestOptions) -> Self {
        self.options = options;
        self
    }

    /// Calls `progress(bytes so far, Content-Length when declared)` as downloads are written.
    #[must_use]
    pub fn on_download_progress(
        mut self,
        progress: impl Fn(u64, Option<u64>) + Send + Sync + 'static,
    ) -> Self {
        self.progress = Some(Arc::new(progress));
        self
    }

    /// Uploads a file (`POST /v1/files`, multipart/form-data, one part `file` with its filename
    /// and MIME type) and returns its metadata.
    ///
    /// The body is streamed from the source with an exact `Content-Length`, never held in
    /// memory. With SigV4, a first streaming pass computes the payload hash over the exact
    /// multipart bytes; each attempt (a retry too) reads the source again from the start and
    /// is signed afresh. A file over [`FILES_MAX_BYTES`] is refused before anything is sent.
    ///
    /// ```no_run
    /// # async fn run(client: anthropic_aws::Client) -> Result<(), anthropic_aws::Error> {
    /// use anthropic_aws::resources::FileUpload;
    /// let file = client.files().upload(FileUpload::path("data/report.pdf")).await?;
    /// println!("{} {} {}", file.id, file.mime_type, file.size_bytes);
    /// # Ok(()) }
    /// ```
    pub async fn upload(&self, upload: FileUpload) -> Result<Response<FileMetadata>, Error> {
        let resolved = upload.resolve().await?;
        if resolved.len > FILES_MAX_BYTES {
            return Err(Error::RequestTooLarge {
                size: usize::try_from(resolved.len).unwrap_or(usize::MAX),
                limit: FILES_MAX_BYTES as usize,
            });
        }
        tracing::debug!(
            filename = %resolved.filename,
            mime_type = %resolved.mime_type,
            bytes = resolved.len,
            "uploading a file"
        );
        let body = resolved.into_body(self.transport.signs_payload()).await?;
        let call = Call::new(Method::POST, FILES, &self.options)
            .streamed(body)
            .beta(FILES_BETA)
            .iam("CreateFile");
        self.transport.json(call).await
    }

    /// One page of files (`GET /v1/files?limit=&page=`).
    ///
    /// ```no_run
    /// # async fn run(client: anthropic_aws::Client) -> Result<(), anthropic_aws::Error> {
    /// use anthropic_aws::types::FileListParams;
    /// let page = client.files().list(&FileListParams::new().limit(10)).await?;
    /// for file in &page.data {
    ///     println!("{} {}", file.id, file.filename);
    /// }
    /// println!("next page: {:?}", page.next_page);
    /// # Ok(()) }
    /// ```
    pub async fn list(
        &self,
        params: &FileListParams,
    ) -> Result<Response<CursorPage<FileMetadata>>, Error> {
        self.list_route().page(params).await
    }

    /// Every page from `params` on, fetched as the stream is read: while a page has a
    /// `next_page` cursor, the next one is asked for with it as `page`. The stream ends after
    /// the first error.
    ///
    /// ```no_run
    /// # async fn run(client: anthropic_aws::Client) -> Result<(), anthropic_aws::Error> {
    /// use futures_util::TryStreamExt;
    /// let mut pages = client.files().list_pages(&Default::default());
    /// while let Some(page) = pages.try_next().await? {
    ///     println!("{} files (AWS request ID {:?})", page.data.len(), page.aws_request_id());
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list_pages(
        &self,
        params: &FileListParams,
    ) -> impl Stream<Item = Result<Response<CursorPage<FileMetadata>>, Error>> + Send + Unpin + 'static
    {
        self.list_route().pages(params.clone())
    }

    /// Every file from `params` on, page after page (see [`list_pages`](Self::list_pages)).
    ///
    /// ```no_run
    /// # async fn run(client: anthropic_aws::Client) -> Result<(), anthropic_aws::Error> {
    /// use futures_util::TryStreamExt;
    /// let files: Vec<_> = client.files().list_all(&Default::default()).try_collect().await?;
    /// println!("{} files", files.len());
    /// # Ok(()) }
    /// ```
    pub fn list_all(
        &self,
        params: &FileListParams,
    ) -> impl Stream<Item = Result<FileMetadata, Error>> + Send + Unpin + 'static {
        self.list_route()
            .items::<CursorPage<FileMetadata>, _>(params.clone())
    }

    /// The `GET /v1/files` list.
    fn list_route(&self) -> List {
        List::new(self.transport, &self.options, FILES, "ListFiles").beta(FILES_BETA)
    }

    /// One file's metadata (`GET /v1/files/{id}`).
    ///
    /// ```no_run
    /// # async fn run(client: anthropic_aws::Client) -> Result<(), anthropic_aws::Error> {
    /// let file = client.files().retrieve_metadata("file_01").await?;
    /// println!("{} is {} bytes; downloadable: {}", file.filename, file.size_bytes, file.downloadable);
    /// # Ok(()) }
    /// ```
    pub async fn retrieve_metadata(&self, file_id: &str) -> Result<Response<FileMetadata>, Error> {
        let path = ["v1", "files", file_id];
        let call = Call::new(Method::GET, &path, &self.options)
            .beta(FILES_BETA)
            .iam("GetFile");
        self.transport.json(call).await
    }

    /// Deletes a file (`DELETE /v1/files/{id}`).
    ///
    /// ```no_run
    /// # async fn run(client: anthropic_aws::Client) -> Result<(), anthropic_aws::Error> {
    /// let deleted = client.files().delete("file_01").await?;
    /// assert_eq!(deleted.kind, "file_deleted");
    /// # Ok(()) }
    /// ```
    pub async fn delete(&self, file_id: &str) -> Result<Response<DeletedFile>, Error> {
        let path = ["v1", "files", file_id];
        let call = Call::new(Method::DELETE, &path, &self.options)
            .beta(FILES_BETA)
            .iam("DeleteFile");
        self.transport.json(call).await
    }

    /// Streams a file's content (`GET /v1/files/{id}/content`; only `downloadable` files) into
    /// `writer`, in bounded memory. Retried until the response headers arrive; a body that
    /// then breaks off, is shorter than its `Content-Length` or stays silent longer than the
    /// timeout is resumed from the bytes already written (`Range: bytes=N-`), within the same
    /// retry budget ([`ClientBuilder::max_retries`](crate::ClientBuilder::max_retries)). A
    /// `206` answer must continue exactly there (else
    /// [`FileError::RangeMismatch`](crate::error::FileError)); a `200` (a server that ignores
    /// `Range`) is read from its start, its first `N` bytes skipped, so nothing is written
    /// twice. Past the budget the last failure is the error
    /// ([`FileError::DownloadIncomplete`](crate::error::FileError), or a stream-idle
    /// [`Error::Timeout`]), with what was written so far left in `writer`.
    ///
    /// ```no_run
    /// # async fn run(client: anthropic_aws::Client) -> Result<(), anthropic_aws::Error> {
    /// let mut out = tokio::io::stdout();
    /// let done = client.files().download("file_01", &mut out).await?;
    /// eprintln!("{} bytes (AWS request ID {:?})", done.bytes, done.aws_request_id());
    /// # Ok(()) }
    /// ```
    pub async fn download<W>(
        &self,
        file_id: &str,
        writer: &mut W,
    ) -> Result<Response<DownloadedFile>, Error>
    where
        W: tokio::io::AsyncWrite + Unpin + ?Sized,
    {
        let progress = self.progress.as_ref();
        download::download(self.transport, &self.options, file_id, writer, progress).await
    }

    /// Downloads a file's content to `path`: written to `<path>.part` in the same directory
    /// and renamed to `path` only when every byte arrived (its size checked against the
    /// file's); a body that breaks off is resumed from the bytes in the `.part` file, as
    /// [`download`](Self::download) says. On any error the temporary file is removed and
    /// nothing is left at `path` (an existing file there stays as it was).
    ///
    /// ```no_run
    /// # async fn run(client: anthropic_aws::Client) -> Result<(), anthropic_aws::Error> {
    /// let done = client
    ///     .files()
    ///     .on_download_progress(|got, total| eprintln!("{got} of {total:?} bytes"))
    ///     .download_to_path("file_01", "output.csv")
    ///     .await?;
    /// println!("{} bytes of {:?}", done.bytes, done.content_type);
    /// # Ok(()) }
    /// ```
    pub async fn download_to_path(
        &self,
        file_id: &str,
        path: impl AsRef<Path>,
    ) -> Result<Response<DownloadedFile>, Error> {
        let progress = self.progress.as_ref();
        let path = path.as_ref();
        download::download_to_path(self.transport, &self.options, file_id, path, progress).await
    }
}

impl crate::Client {
    /// The Files API: `upload`, `list`, `retrieve_metadata`, `delete`, `download`.
    pub fn files(&self) -> Files<'_> {
        Files::new(self.transport())
    }
}
