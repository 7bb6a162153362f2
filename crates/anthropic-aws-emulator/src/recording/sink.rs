//! [`Sink`]: an answer's body as it passes, kept for the recording: in
//! memory up to [`INLINE_LIMIT`], then streamed to its own file; at the end
//! it becomes a [`StoredBody`] (JSON as its exact bytes, an event stream as
//! its events, text as text, anything else as a file).

use std::path::{Path, PathBuf};

use serde_json::value::RawValue;
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use super::format::{INLINE_LIMIT, StoredBody, StoredEvent, body_extension, body_path};

/// A body being kept.
pub(crate) struct Sink {
    dir: PathBuf,
    relative: String,
    media: Option<String>,
    inline: Vec<u8>,
    spilled: Option<Spilled>,
}

struct Spilled {
    file: tokio::fs::File,
    hasher: Sha256,
    bytes: u64,
}

impl Sink {
    /// A sink for the answer to exchange `seq` of the recording at `dir`,
    /// of type `content_type`.
    pub(crate) fn new(dir: &Path, seq: u64, content_type: Option<&str>) -> Self {
        Sink {
            dir: dir.to_owned(),
            relative: body_path(seq, "response", body_extension(content_type)),
            media: content_type
                .and_then(|c| c.split(';').next())
                .map(|m| m.trim().to_ascii_lowercase()),
            inline: Vec::new(),
            spilled: None,
        }
    }

    /// Where a spilled body is (to remove it when the exchange is dropped).
    pub(crate) fn file_path(&self) -> Option<PathBuf> {
        self.spilled.as_ref().map(|_| self.dir.join(&self.relative))
    }

    /// Keeps `chunk`: in memory while the body fits [`INLINE_LIMIT`], else
    /// on disk (what was in memory first).
    pub(crate) async fn push(&mut self, chunk: &[u8]) -> std::io::Result<()> {
        if self.spilled.is_none() && self.inline.len() + chunk.len() <= INLINE_LIMIT {
            self.inline.extend_from_slice(chunk);
            return Ok(());
        }
        if self.spilled.is_none() {
            let first = std::mem::take(&mut self.inline);
            self.spill(&first).await?;
        }
        if let Some(spilled) = self.spilled.as_mut() {
            spilled.file.write_all(chunk).await?;
            spilled.hasher.update(chunk);
            spilled.bytes += chunk.len() as u64;
        }
        Ok(())
    }

    async fn spill(&mut self, first: &[u8]) -> std::io::Result<()> {
        let mut file = tokio::fs::File::create(self.dir.join(&self.relative)).await?;
        file.write_all(first).await?;
        let mut hasher = Sha256::new();
        hasher.update(first);
        self.spilled = Some(Spilled {
            file,
            hasher,
            bytes: first.len() as u64,
        });
        Ok(())
    }

    /// The body as stored.
    pub(crate) async fn finish(mut self) -> std::io::Result<StoredBody> {
        if self.spilled.is_none() {
            let inline = std::mem::take(&mut self.inline);
            match inline_body(&inline, self.media.as_deref()) {
                Some(body) => return Ok(body),
                None => self.spill(&inline).await?,
            }
        }
        let Some(mut spilled) = self.spilled.take() else {
            return Ok(StoredBody::Empty);
        };
        spilled.file.flush().await?;
        Ok(StoredBody::File {
            path: self.relative,
            bytes: spilled.bytes,
            sha256: hex::encode(spilled.hasher.finalize()),
        })
    }
}

/// `bytes` kept in the exchange file, when they are empty, an event
/// stream, JSON or text; `None` for other bytes.
fn inline_body(bytes: &[u8], media: Option<&str>) -> Option<StoredBody> {
    if bytes.is_empty() {
        return Some(StoredBody::Empty);
    }
    let text = std::str::from_utf8(bytes).ok()?;
    if media == Some("text/event-stream") {
        return Some(StoredBody::Events(events(text)));
    }
    if text.trim() == text
        && let Ok(raw) = RawValue::from_string(text.to_owned())
    {
        return Some(StoredBody::Json(raw));
    }
    if let Some(lines) = json_lines(text) {
        return Some(StoredBody::JsonLines(lines));
    }
    let binary = text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'));
    (!binary).then(|| StoredBody::Text(text.to_owned()))
}

/// Each line of `text` when every line is JSON (without surrounding
/// space) and ends with `\n`.
fn json_lines(text: &str) -> Option<Vec<Box<RawValue>>> {
    text.strip_suffix('\n')?
        .split('\n')
        .map(|line| {
            (line.trim() == line && !line.is_empty())
                .then(|| RawValue::from_string(line.to_owned()).ok())
                .flatten()
        })
        .collect()
}

/// The events of a stream, each kept as `event` and JSON `data` when that
/// rebuilds its exact text, else as that text.
pub(crate) fn events(text: &str) -> Vec<StoredEvent> {
    let mut events = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let end = rest.find("\n\n").map_or(rest.len(), |i| i + 2);
        let (block, tail) = rest.split_at(end);
        events.push(event(block));
        rest = tail;
    }
    events
}

fn event(block: &str) -> StoredEvent {
    let structured = || {
        let body = block.strip_suffix("\n\n")?;
        let (event, data) = match body.split_once('\n') {
            Some((first, second)) => (Some(first.strip_prefix("event: ")?), second),
            None => (None, body),
        };
        let data = RawValue::from_string(data.strip_prefix("data: ")?.to_owned()).ok()?;
        let stored = StoredEvent {
            event: event.map(str::to_owned),
            data: Some(data),
            raw: None,
        };
        (stored.wire() == block).then_some(stored)
    };
    structured().unwrap_or_else(|| StoredEvent {
        raw: Some(block.to_owned()),
        ..StoredEvent::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_kept_exactly() {
        let text = "event: message_start\ndata: {\"type\":\"message_start\"}\n\n\
                    data: {\"a\":1}\n\n: comment\n\nevent: x\r\ndata: {}\r\n\r\ndata: cut";
        let events = events(text);
        assert_eq!(events.len(), 4, "{events:?}");
        assert_eq!(events[0].event.as_deref(), Some("message_start"));
        assert!(events[1].event.is_none() && events[1].data.is_some());
        assert_eq!(events[2].raw.as_deref(), Some(": comment\n\n"));
        let rebuilt: String = events.iter().map(StoredEvent::wire).collect();
        assert_eq!(rebuilt, text);
    }

    #[test]
    fn bodies_inline_by_kind() {
        assert!(matches!(inline_body(b"", None), Some(StoredBody::Empty)));
        assert!(matches!(
            inline_body(br#"{"b":1,"a":2}"#, Some("application/json")),
            Some(StoredBody::Json(raw)) if raw.get() == r#"{"b":1,"a":2}"#
        ));
        assert!(matches!(
            inline_body(b"{\"a\":1}\n[2]\n", None),
            Some(StoredBody::JsonLines(lines)) if lines.len() == 2 && lines[1].get() == "[2]"
        ));
        assert!(matches!(
            inline_body(b"{\"a\":1}\n\n", None),
            Some(StoredBody::Text(_))
        ));
        assert!(matches!(
            inline_body(b" {}", None),
            Some(StoredBody::Text(_))
        ));
        assert!(matches!(
            inline_body(b"hello", None),
            Some(StoredBody::Text(_))
        ));
        assert!(inline_body(&[0, 159, 146, 150], None).is_none());
        assert!(inline_body(b"a\x00b", None).is_none());
    }
}
