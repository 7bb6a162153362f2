//! The results of a batch as JSON Lines, written chunk by chunk as the
//! connection takes them: memory stays bounded whatever their size.

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use hyper::body::{Body, Frame, SizeHint};

use crate::messages::filler;

/// The result of one request, decided when the batch is created.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// The Message, as JSON text.
    Succeeded(Box<str>),
    /// The error object (`{"type":"error","error":{..}}`), as JSON text.
    Errored(Box<str>),
    /// The request never finishes: `expired` once the batch ends.
    Expired,
}

/// One request of a stored batch.
#[derive(Debug)]
pub(crate) struct Entry {
    pub(crate) custom_id: Box<str>,
    pub(crate) outcome: Outcome,
}

/// About how many bytes each chunk of the body holds.
const CHUNK_BYTES: usize = 64 * 1024;

/// The length of each synthetic line (the last one takes the remainder,
/// up to twice this), and the least `batch-results-bytes` accepted.
pub(crate) const SYNTHETIC_LINE_BYTES: u64 = 1024;

/// The longest model name (JSON-encoded) a synthetic batch accepts: its
/// lines must leave room for text.
pub(crate) const SYNTHETIC_MAX_MODEL_BYTES: usize = 256;

/// `output_tokens` of every synthetic Message.
const SYNTHETIC_OUTPUT_TOKENS: u64 = SYNTHETIC_LINE_BYTES / 4;

/// A `batch-results-bytes=N` batch: `N / 1024` succeeded lines, `r0`,
/// `r1`, …, of exactly `N` bytes together (each 1,024 bytes but the last,
/// which takes the remainder too).
#[derive(Clone)]
pub(crate) struct Synthetic {
    bytes: u64,
    /// The model, JSON-encoded (with its quotes).
    model_json: Arc<str>,
    /// The longest text a line can need (a prefix of [`filler`]).
    text: Arc<str>,
}

impl Synthetic {
    /// `None` when `bytes` is below [`SYNTHETIC_LINE_BYTES`] or `model`'s
    /// JSON is longer than [`SYNTHETIC_MAX_MODEL_BYTES`].
    pub(crate) fn new(bytes: u64, model: &str) -> Option<Self> {
        let model_json = serde_json::to_string(model).ok()?;
        if bytes < SYNTHETIC_LINE_BYTES || model_json.len() > SYNTHETIC_MAX_MODEL_BYTES {
            return None;
        }
        let longest = usize::try_from(2 * SYNTHETIC_LINE_BYTES).ok()?;
        Some(Synthetic {
            bytes,
            model_json: model_json.into(),
            text: filler(0, longest).into(),
        })
    }

    pub(crate) fn bytes(&self) -> u64 {
        self.bytes
    }

    pub(crate) fn lines(&self) -> u64 {
        self.bytes / SYNTHETIC_LINE_BYTES
    }

    /// Appends line `i` (a succeeded Message of the right length).
    fn write_succeeded(&self, i: u64, out: &mut Vec<u8>) {
        let length = if i + 1 == self.lines() {
            SYNTHETIC_LINE_BYTES + self.bytes % SYNTHETIC_LINE_BYTES
        } else {
            SYNTHETIC_LINE_BYTES
        };
        let prefix = format!(
            "{{\"custom_id\":\"r{i}\",\"result\":{{\"type\":\"succeeded\",\"message\":{{\
             \"id\":\"msg_emu_batch_{i}\",\"type\":\"message\",\"role\":\"assistant\",\
             \"model\":{},\"content\":[{{\"type\":\"text\",\"text\":\"",
            self.model_json
        );
        let suffix = format!(
            "\"}}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null,\"usage\":{{\
             \"input_tokens\":10,\"output_tokens\":{SYNTHETIC_OUTPUT_TOKENS},\
             \"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\
             \"service_tier\":\"standard\"}}}}}}}}\n"
        );
        let fixed = (prefix.len() + suffix.len()) as u64;
        let text_len = usize::try_from(length.saturating_sub(fixed)).unwrap_or(0);
        out.extend_from_slice(prefix.as_bytes());
        out.extend_from_slice(&self.text.as_bytes()[..text_len.min(self.text.len())]);
        out.extend_from_slice(suffix.as_bytes());
    }
}

/// Where the lines come from.
enum Source {
    Stored {
        entries: Arc<[Entry]>,
        canceled: bool,
    },
    Synthetic(Synthetic),
}

/// The body of `GET …/{id}/results`: the first `finished` requests with
/// their results, every later one `canceled` (or `expired`, for a batch
/// that was not canceled).
pub(crate) struct ResultsBody {
    source: Source,
    finished: u64,
    next: u64,
    end: u64,
    /// Bytes still to send, when known in advance.
    remaining: Option<u64>,
}

impl ResultsBody {
    pub(crate) fn stored(entries: Arc<[Entry]>, finished: u64, canceled: bool) -> Self {
        let end = entries.len() as u64;
        ResultsBody {
            source: Source::Stored { entries, canceled },
            finished,
            next: 0,
            end,
            remaining: None,
        }
    }

    pub(crate) fn synthetic(synthetic: Synthetic, finished: u64) -> Self {
        let end = synthetic.lines();
        let remaining = (finished == end).then_some(synthetic.bytes);
        ResultsBody {
            source: Source::Synthetic(synthetic),
            finished,
            next: 0,
            end,
            remaining,
        }
    }

    /// Appends line `i`.
    fn write_line(&self, i: u64, out: &mut Vec<u8>) {
        match &self.source {
            Source::Synthetic(synthetic) => {
                if i < self.finished {
                    synthetic.write_succeeded(i, out);
                } else {
                    write_bare(format_args!("r{i}"), "canceled", out);
                }
            }
            Source::Stored { entries, canceled } => {
                let Some(entry) = usize::try_from(i).ok().and_then(|i| entries.get(i)) else {
                    return;
                };
                let stopped = if *canceled { "canceled" } else { "expired" };
                let id = &entry.custom_id;
                match &entry.outcome {
                    _ if i >= self.finished => write_bare(format_args!("{id}"), stopped, out),
                    Outcome::Expired => write_bare(format_args!("{id}"), stopped, out),
                    Outcome::Succeeded(message) => {
                        write_with(id, "succeeded", "message", message, out);
                    }
                    Outcome::Errored(error) => write_with(id, "errored", "error", error, out),
                }
            }
        }
    }
}

/// `{"custom_id":"<id>","result":{"type":"<kind>"}}` (custom ids need no
/// escaping: they are validated as `[a-zA-Z0-9_-]`).
fn write_bare(id: std::fmt::Arguments<'_>, kind: &str, out: &mut Vec<u8>) {
    let line = format!("{{\"custom_id\":\"{id}\",\"result\":{{\"type\":\"{kind}\"}}}}\n");
    out.extend_from_slice(line.as_bytes());
}

/// `{"custom_id":"<id>","result":{"type":"<kind>","<field>":<json>}}`.
fn write_with(id: &str, kind: &str, field: &str, json: &str, out: &mut Vec<u8>) {
    let head = format!("{{\"custom_id\":\"{id}\",\"result\":{{\"type\":\"{kind}\",\"{field}\":");
    out.extend_from_slice(head.as_bytes());
    out.extend_from_slice(json.as_bytes());
    out.extend_from_slice(b"}}\n");
}

impl std::fmt::Debug for ResultsBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResultsBody")
            .field("finished", &self.finished)
            .field("next", &self.next)
            .field("end", &self.end)
            .finish_non_exhaustive()
    }
}

impl Body for ResultsBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let this = self.get_mut();
        if this.next >= this.end {
            return Poll::Ready(None);
        }
        let mut chunk = Vec::with_capacity(CHUNK_BYTES + 2 * SYNTHETIC_LINE_BYTES as usize);
        while chunk.len() < CHUNK_BYTES && this.next < this.end {
            this.write_line(this.next, &mut chunk);
            this.next += 1;
        }
        if let Some(remaining) = &mut this.remaining {
            *remaining = remaining.saturating_sub(chunk.len() as u64);
        }
        Poll::Ready(Some(Ok(Frame::data(Bytes::from(chunk)))))
    }

    fn is_end_stream(&self) -> bool {
        self.next >= self.end
    }

    fn size_hint(&self) -> SizeHint {
        match self.remaining {
            Some(n) => SizeHint::with_exact(n),
            None => SizeHint::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;

    async fn collect(body: ResultsBody) -> Vec<u8> {
        body.collect()
            .await
            .map(|c| c.to_bytes().to_vec())
            .unwrap_or_default()
    }

    #[tokio::test]
    async fn synthetic_results_have_the_exact_size_and_parse() {
        for bytes in [1024, 2047, 2048, 100_000, 1_000_003] {
            let synthetic = Synthetic::new(bytes, "claude-opus-4-8").expect("valid");
            let lines = synthetic.lines();
            let body = ResultsBody::synthetic(synthetic, lines);
            assert_eq!(body.size_hint().exact(), Some(bytes));
            let out = collect(body).await;
            assert_eq!(out.len() as u64, bytes);
            let text = String::from_utf8(out).expect("utf-8");
            let mut n = 0;
            for (i, line) in text.lines().enumerate() {
                let v: serde_json::Value = serde_json::from_str(line).expect("JSON line");
                assert_eq!(v["custom_id"], format!("r{i}"));
                assert_eq!(v["result"]["type"], "succeeded");
                assert_eq!(v["result"]["message"]["model"], "claude-opus-4-8");
                n += 1;
            }
            assert_eq!(n, lines);
        }
    }

    #[tokio::test]
    async fn a_canceled_synthetic_batch_ends_with_canceled_lines() {
        let synthetic = Synthetic::new(10 * 1024, "m").expect("valid");
        let out = collect(ResultsBody::synthetic(synthetic, 4)).await;
        let kinds: Vec<String> = String::from_utf8_lossy(&out)
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap_or_default();
                v["result"]["type"].as_str().unwrap_or_default().to_owned()
            })
            .collect();
        assert_eq!(kinds[..4], ["succeeded"; 4]);
        assert_eq!(kinds[4..], ["canceled"; 6]);
    }

    #[test]
    fn too_small_or_odd_synthetic_batches_are_refused() {
        assert!(Synthetic::new(1023, "m").is_none());
        assert!(Synthetic::new(4096, &"m".repeat(300)).is_none());
    }
}
