//! [`FileInfo`]: a file as tests see it
//! ([`EmulatorHandle::files`](crate::EmulatorHandle::files)), and as the
//! metadata routes answer it.

use std::time::SystemTime;

use serde_json::{Value, json};

use crate::time;

/// A file's metadata, as `GET /v1/files/{id}` answers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileInfo {
    /// `file_…`.
    pub id: String,
    /// The filename of the uploaded part.
    pub filename: String,
    /// The MIME type of the uploaded part (`application/octet-stream` when
    /// it named none).
    pub mime_type: String,
    /// The content's size in bytes.
    pub size_bytes: u64,
    /// When it was uploaded (the emulator's clock).
    pub created_at: SystemTime,
    /// Whether `GET /v1/files/{id}/content` serves it.
    pub downloadable: bool,
    /// Whether its bytes are generated rather than stored (see
    /// [`EmulatorHandle::add_synthetic_file`](crate::EmulatorHandle::add_synthetic_file)).
    pub synthetic: bool,
}

impl FileInfo {
    /// The `file` object of the API.
    pub(crate) fn to_json(&self) -> Value {
        json!({
            "type": "file",
            "id": self.id,
            "filename": self.filename,
            "mime_type": self.mime_type,
            "size_bytes": self.size_bytes,
            "created_at": time::format_rfc3339(self.created_at),
            "downloadable": self.downloadable,
        })
    }
}
