//! What the Files API fixes, and what a builder can change.

use std::path::PathBuf;

/// Largest file content `POST /v1/files` takes by default: the Files API
/// limit, 500 MB (decimal: 500,000,000 bytes, the number the client refuses
/// above too).
///
/// ```
/// assert_eq!(anthropic_aws_emulator::FILES_MAX_BYTES, 500_000_000);
/// ```
pub const MAX_FILE_BYTES: u64 = 500_000_000;

/// What a multipart body may hold beyond the file's content (the
/// boundaries and the part's headers), on top of the file size limit.
pub(crate) const MULTIPART_OVERHEAD: u64 = 64 * 1024;

/// The MIME type of a part that names none.
pub(crate) const DEFAULT_MIME_TYPE: &str = "application/octet-stream";

/// How the emulator keeps files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FileOptions {
    /// Whether uploads are `downloadable` (default false, as on the real
    /// platform, where only files that code execution created are).
    pub(crate) downloadable: bool,
    /// Largest file content accepted, in bytes.
    pub(crate) max_file_bytes: u64,
    /// Where the emulator makes its files directory (default: the
    /// system's temporary directory).
    pub(crate) parent_dir: Option<PathBuf>,
}

impl Default for FileOptions {
    fn default() -> Self {
        FileOptions {
            downloadable: false,
            max_file_bytes: MAX_FILE_BYTES,
            parent_dir: None,
        }
    }
}

impl FileOptions {
    /// The largest body `POST /v1/files` takes: the file limit plus
    /// [`MULTIPART_OVERHEAD`].
    pub(crate) fn max_body_bytes(&self) -> u64 {
        self.max_file_bytes.saturating_add(MULTIPART_OVERHEAD)
    }
}
