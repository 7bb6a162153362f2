//! The request log: one JSON object per request, one per line.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use crate::recorded::RecordedRequest;

/// An open log file, appended to line by line.
pub(crate) struct RequestLog {
    path: PathBuf,
    file: Mutex<File>,
}

impl RequestLog {
    /// Opens `path` for appending, creating it if needed.
    pub(crate) fn open(path: &Path) -> std::io::Result<Self> {
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        Ok(RequestLog {
            path: path.to_owned(),
            file: Mutex::new(file),
        })
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Appends `record`'s line. A failed write is dropped: the log must
    /// never fail a request.
    pub(crate) fn write(&self, record: &RecordedRequest) {
        let mut line = record.to_log_line();
        line.push('\n');
        let mut file = self.file.lock().unwrap_or_else(PoisonError::into_inner);
        // One `write_all` per line, on an unbuffered file: the line reaches
        // the OS whole, before the response is sent.
        let _ = file.write_all(line.as_bytes());
        let _ = file.flush();
    }
}
