//! Files: `POST /v1/files` and the routes under it.
//!
//! A file's content is kept on disk, in a temporary directory of its own
//! that goes away with the emulator, never in memory: an upload is parsed
//! as it arrives (`multipart/form-data`, one part `file`) and its content
//! written straight to disk ([`upload`]), and a download is read from disk
//! chunk by chunk as the connection takes it ([`content`]). A *synthetic*
//! file has no content at all: its bytes are generated while they are sent,
//! so benchmarks can download any size.
//!
//! The five endpoints are declared and answered in [`routes`], the one
//! part that knows the server. This file only names the parts:
//!
//! * [`routes`] declares the endpoints and answers them;
//! * [`options`] says how large a file may be, and whether uploads can be
//!   downloaded;
//! * [`upload`] receives a multipart body into a temporary file;
//! * [`store`] keeps the files' metadata and pages them;
//! * [`content`] streams a file's bytes, from disk or generated, and can
//!   cut them short;
//! * [`info`] shows files to tests.

mod content;
mod info;
mod options;
pub(crate) mod routes;
mod store;
mod upload;

pub use content::synthetic_byte;
pub(crate) use content::{ContentBody, byte_range};
pub use info::FileInfo;
pub use options::MAX_FILE_BYTES;
pub(crate) use options::{DEFAULT_MIME_TYPE, FileOptions};
pub(crate) use store::{FileStore, NewFile, new_file_id};
pub(crate) use upload::{UploadError, Uploaded, receive};
