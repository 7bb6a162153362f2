//! The request log: one JSON object per request, one per line.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;

use super::{RecordedRequest, time};

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
        let mut line = line(record);
        line.push('\n');
        let mut file = self.file.lock().unwrap_or_else(PoisonError::into_inner);
        // One `write_all` per line, on an unbuffered file: the line reaches
        // the OS whole, before the response is sent.
        let _ = file.write_all(line.as_bytes());
        let _ = file.flush();
    }
}

/// The fields of a line, in order.
#[derive(Serialize)]
struct Line<'a> {
    time: String,
    method: &'a str,
    path: &'a str,
    auth: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    access_key_id: Option<&'a str>,
    verdict: &'a str,
    status: u16,
    aws_request_id: Option<&'a str>,
    anthropic_request_id: Option<&'a str>,
    attempt: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scenario: Option<&'a str>,
}

/// RFC 3339 UTC with milliseconds: `2026-11-25T08:40:00.123Z`.
pub(crate) fn rfc3339_millis(t: SystemTime) -> String {
    let seconds = time::format_rfc3339(t);
    let millis = t
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_millis())
        .unwrap_or_default();
    match seconds.strip_suffix('Z') {
        Some(base) => format!("{base}.{millis:03}Z"),
        None => seconds,
    }
}

/// `record` as one JSON line (no newline).
pub(crate) fn line(record: &RecordedRequest) -> String {
    let line = Line {
        time: rfc3339_millis(record.received_at),
        method: &record.method,
        path: &record.path_and_query,
        auth: record.auth.as_str(),
        access_key_id: record.access_key_id.as_deref(),
        verdict: &record.verdict,
        status: record.status,
        aws_request_id: Some(record.aws_request_id.as_str()).filter(|id| !id.is_empty()),
        anthropic_request_id: record.anthropic_request_id.as_deref(),
        attempt: record.attempt,
        scenario: record.scenario.as_deref(),
    };
    // Serializing plain strings and numbers cannot fail.
    serde_json::to_string(&line).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn milliseconds_are_padded() {
        let t = time::from_unix_seconds(1_440_938_160) + std::time::Duration::from_millis(7);
        assert_eq!(rfc3339_millis(t), "2015-08-30T12:36:00.007Z");
    }
}
