//! The Files API: [`FileMetadata`], [`FileListParams`], the cursor-paged [`CursorPage`] and
//! [`DeletedFile`].

use super::paging::{CursorListParams, CursorPage};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// An uploaded file's metadata (`"type": "file"`).
///
/// ```
/// use anthropic_aws::types::FileMetadata;
/// let file: FileMetadata = serde_json::from_str(r#"{"id":"file_01","type":"file",
///     "filename":"report.pdf","mime_type":"application/pdf","size_bytes":1024,
///     "created_at":"2026-10-21T00:00:00Z","downloadable":false}"#).unwrap();
/// assert_eq!(file.size_bytes, 1024);
/// assert!(!file.downloadable);
/// ```
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub struct FileMetadata {
    /// The file's ID (`file_…`), for a [`FileSource`](super::FileSource) in a message.
    pub id: String,
    /// The name it was uploaded with.
    pub filename: String,
    /// Its MIME type.
    pub mime_type: String,
    /// Its size in bytes.
    pub size_bytes: u64,
    /// When it was created (RFC 3339).
    pub created_at: String,
    /// Whether its content can be downloaded (files that tools such as code execution created).
    #[serde(default)]
    pub downloadable: bool,
    /// Fields not modeled here (`type`, …), kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Query parameters of `GET /v1/files`: a [`CursorListParams`].
///
/// ```
/// use anthropic_aws::types::FileListParams;
/// let params = FileListParams::new().limit(50).page("page_02");
/// assert_eq!(
///     params.query_pairs(),
///     vec![("limit", "50".to_string()), ("page", "page_02".to_string())]
/// );
/// ```
pub type FileListParams = CursorListParams;

/// One page of `GET /v1/files`.
#[deprecated(since = "0.2.0", note = "use `CursorPage<FileMetadata>`")]
pub type FileList = CursorPage<FileMetadata>;

/// The answer of `DELETE /v1/files/{id}`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct DeletedFile {
    /// The deleted file's ID.
    pub id: String,
    /// Object type (`type` in the JSON); `"file_deleted"`.
    #[serde(rename = "type", default)]
    pub kind: String,
    /// Fields not modeled here, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// What a finished download wrote.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
pub struct DownloadedFile {
    /// The file's ID.
    pub file_id: String,
    /// The bytes written (the response's `Content-Length`, when it declared one).
    pub bytes: u64,
    /// The response's `content-type`, when it had one.
    pub content_type: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{DocumentSource, FileSource, ImageSource};

    #[test]
    fn a_page_keeps_its_cursor_and_unknown_fields() {
        let page: CursorPage<FileMetadata> = serde_json::from_str(
            r#"{"data":[{"id":"file_1","filename":"a.txt","mime_type":"text/plain",
                "size_bytes":3,"created_at":"t","type":"file"}],"next_page":"page_2","has_more":true}"#,
        )
        .unwrap();
        assert_eq!(page.next_page.as_deref(), Some("page_2"));
        assert_eq!(page.data[0].extra["type"], "file");
        assert!(!page.data[0].downloadable);
        assert_eq!(page.extra["has_more"], true);
        let last: CursorPage<FileMetadata> =
            serde_json::from_str(r#"{"data":[],"next_page":null}"#).unwrap();
        assert_eq!(last.next_page, None);
    }

    #[test]
    fn file_sources_are_typed_in_documents_and_images() {
        let doc = serde_json::to_value(DocumentSource::File(FileSource::new("file_9"))).unwrap();
        assert_eq!(
            doc,
            serde_json::json!({"type": "file", "file_id": "file_9"})
        );
        let image: ImageSource =
            serde_json::from_value(serde_json::json!({"type": "file", "file_id": "file_8"}))
                .unwrap();
        assert_eq!(image, ImageSource::File(FileSource::new("file_8")));
    }
}
