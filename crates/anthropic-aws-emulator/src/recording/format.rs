//! The recording on disk, a folder a person can read, review and commit:
//!
//! ```text
//! DIR/recording.json                  {"format_version": 1, "recorded_by": "anthropic-aws-emulator 0.1.0", ...}
//! DIR/exchanges/000001-POST-v1-messages.json
//! DIR/exchanges/000002-GET-v1-files-file_01-content.json
//! DIR/bodies/000002-response.bin      a body too big to inline, as the bytes sent
//! DIR/bodies/000003-request.multipart an upload, as the bytes received
//! ```
//!
//! One exchange file per request answered by the upstream, written once its
//! answer has been passed on in full: the request (method, path, query,
//! canonical JSON body, the `anthropic-*` headers) and the answer (status,
//! headers, body). A JSON body is kept as the exact bytes sent, an event
//! stream as its events, text as text; a body over [`INLINE_LIMIT`] or not
//! text goes to `bodies/`. Nothing secret is written (see `redact`).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_json::value::RawValue;

/// The version of the format this emulator writes. A recording with another
/// version is refused when loaded (with both versions named).
pub const FORMAT_VERSION: u32 = 1;

/// The largest body kept inside its exchange file; larger ones go to
/// `bodies/`, streamed as they pass.
pub(crate) const INLINE_LIMIT: usize = 1024 * 1024;

/// The file that marks a folder as a recording.
pub(crate) const MANIFEST: &str = "recording.json";
/// The folder of the exchange files.
pub(crate) const EXCHANGES: &str = "exchanges";
/// The folder of the bodies kept apart.
pub(crate) const BODIES: &str = "bodies";

/// `recording.json`.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Manifest {
    pub(crate) format_version: u32,
    /// The emulator that started the recording, e.g. `anthropic-aws-emulator 0.1.0`.
    #[serde(default)]
    pub(crate) recorded_by: String,
    /// The upstream's origin (scheme, host and port; never user info,
    /// path or query). JSON answers that name it (a batch's `results_url`)
    /// name the emulator's own origin instead when passed on or replayed.
    #[serde(default)]
    pub(crate) upstream_origin: String,
    /// The workspace the recording emulator accepted (a replay accepts it
    /// by default).
    #[serde(default)]
    pub(crate) workspace_id: String,
}

/// One exchange file.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Exchange {
    pub(crate) format_version: u32,
    /// The order of arrival: repeated requests are answered in this order.
    pub(crate) seq: u64,
    pub(crate) request: StoredRequest,
    pub(crate) response: StoredResponse,
    /// How long the upstream took, to the end of the body.
    #[serde(default)]
    pub(crate) duration_ms: u64,
}

/// The request, as matched on replay (method, path, query, body) plus the
/// `anthropic-*` headers it carried (shown, not matched).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct StoredRequest {
    pub(crate) method: String,
    pub(crate) path: String,
    /// Decoded `name, value` pairs, in the order sent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) query: Vec<(String, String)>,
    #[serde(default, skip_serializing_if = "Vec::is_empty", with = "header_lines")]
    pub(crate) headers: Vec<(String, String)>,
    /// The body: JSON (keys sorted), a multipart form's parts, other bytes
    /// by their hash, or nothing.
    #[serde(default)]
    pub(crate) body: RequestBody,
}

/// A request body, as matched.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum RequestBody {
    #[default]
    Empty,
    /// A JSON body; `serde_json` keeps object keys sorted, so key order is
    /// ignored.
    Json(Value),
    /// A `multipart/form-data` body by its parts (the boundary, random per
    /// request, is not part of it).
    Multipart(Vec<Part>),
    /// Any other body, by the hex SHA-256 of its bytes.
    Sha256(String),
}

/// One part of a multipart form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Part {
    pub(crate) name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) filename: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) content_type: Option<String>,
    pub(crate) bytes: u64,
    pub(crate) sha256: String,
}

/// The answer.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct StoredResponse {
    pub(crate) status: u16,
    /// In the order received, without secrets, hop-by-hop headers, `date`
    /// (a replay sends its own) and `content-length` (recomputed); each
    /// written as one `name: value` line.
    #[serde(with = "header_lines")]
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: StoredBody,
}

/// An answer's body.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum StoredBody {
    Empty,
    /// JSON, as the exact bytes sent.
    Json(Box<RawValue>),
    /// JSON Lines (batch results): each line's exact bytes, each line ended
    /// by `\n`.
    JsonLines(Vec<Box<RawValue>>),
    /// UTF-8 text that is not JSON.
    Text(String),
    /// `text/event-stream`, event by event.
    Events(Vec<StoredEvent>),
    /// Kept apart in `bodies/`.
    File {
        /// Relative to the recording folder.
        path: String,
        bytes: u64,
        sha256: String,
    },
}

/// One server-sent event: `event: {event}\ndata: {data}\n\n` when it had
/// that shape with JSON data, else `raw`, its exact text.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct StoredEvent {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) event: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) data: Option<Box<RawValue>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) raw: Option<String>,
}

impl StoredEvent {
    /// The event's exact bytes on the wire.
    pub(crate) fn wire(&self) -> String {
        match (&self.raw, &self.event, &self.data) {
            (Some(raw), _, _) => raw.clone(),
            (None, Some(event), Some(data)) => format!("event: {event}\ndata: {}\n\n", data.get()),
            (None, None, Some(data)) => format!("data: {}\n\n", data.get()),
            (None, Some(event), None) => format!("event: {event}\n\n"),
            (None, None, None) => String::new(),
        }
    }
}

/// Headers as `name: value` lines, as they read on the wire.
mod header_lines {
    use serde::{Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(
        headers: &[(String, String)],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(headers.iter().map(|(n, v)| format!("{n}: {v}")))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<(String, String)>, D::Error> {
        let lines = Vec::<String>::deserialize(deserializer)?;
        lines
            .into_iter()
            .map(|line| match line.split_once(':') {
                Some((name, value)) => Ok((name.trim().to_owned(), value.trim().to_owned())),
                None => Err(serde::de::Error::custom(format!(
                    "the header line {line:?} has no `:`"
                ))),
            })
            .collect()
    }
}

/// The file name of exchange `seq`: its number, method and path, readable
/// in a listing (`000001-POST-v1-messages.json`).
pub(crate) fn exchange_file_name(seq: u64, method: &str, path: &str) -> String {
    let mut name = format!("{seq:06}-{method}");
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        name.push('-');
        name.extend(segment.chars().take(64).map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        }));
        if name.len() > 160 {
            break;
        }
    }
    name.push_str(".json");
    name
}

/// `bodies/{seq}-{role}.{extension}`, relative to the recording folder.
pub(crate) fn body_path(seq: u64, role: &str, extension: &str) -> String {
    format!("{BODIES}/{seq:06}-{role}.{extension}")
}

/// Where the bodies of a response of `content_type` go: `.sse`, `.jsonl`,
/// `.json`, `.txt` or `.bin`.
pub(crate) fn body_extension(content_type: Option<&str>) -> &'static str {
    let media = content_type
        .and_then(|c| c.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase())
        .unwrap_or_default();
    match media.as_str() {
        "text/event-stream" => "sse",
        "application/json" => "json",
        "application/jsonl" | "application/x-ndjson" => "jsonl",
        m if m.starts_with("text/") => "txt",
        _ => "bin",
    }
}

/// The absolute path of `relative` inside the recording at `dir`, refusing
/// anything that would leave it (a hand-edited `..`).
pub(crate) fn inside(dir: &Path, relative: &str) -> Option<PathBuf> {
    let path = Path::new(relative);
    let plain = path
        .components()
        .all(|c| matches!(c, std::path::Component::Normal(_)));
    plain.then(|| dir.join(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_readable_and_safe() {
        assert_eq!(
            exchange_file_name(1, "POST", "/v1/messages"),
            "000001-POST-v1-messages.json"
        );
        assert_eq!(
            exchange_file_name(12, "GET", "/v1/files/file_01%2F../content"),
            "000012-GET-v1-files-file_01_2F__-content.json"
        );
        assert!(exchange_file_name(3, "GET", &"/a".repeat(500)).len() < 200);
        assert_eq!(
            body_extension(Some("text/event-stream; charset=utf-8")),
            "sse"
        );
        assert_eq!(body_extension(Some("application/binary")), "bin");
        assert_eq!(body_extension(None), "bin");
        assert!(inside(Path::new("/r"), "bodies/000001-response.bin").is_some());
        for bad in ["../x", "/etc/passwd", "bodies/../../x"] {
            assert!(inside(Path::new("/r"), bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn events_rebuild_their_exact_bytes() {
        let data = RawValue::from_string(r#"{"type":"ping"}"#.to_owned()).ok();
        let event = StoredEvent {
            event: Some("ping".to_owned()),
            data,
            raw: None,
        };
        assert_eq!(event.wire(), "event: ping\ndata: {\"type\":\"ping\"}\n\n");
        let text = serde_json::to_string(&StoredBody::Events(vec![event])).unwrap_or_default();
        let back: Result<StoredBody, _> = serde_json::from_str(&text);
        assert!(
            matches!(&back, Ok(StoredBody::Events(e)) if e[0].wire().contains("ping")),
            "{back:?}"
        );
    }
}
