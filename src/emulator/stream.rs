//! Server-sent events: the Anthropic event sequence of an answer, the
//! changes a [`StreamScript`] makes to it, and the streaming response body.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use hyper::body::{Body, Frame};
use serde_json::{Value, json};

use super::faults::StreamScript;
use super::responses::{AnswerPlan, Block};

/// The error type of response bodies: only a scripted cut produces one.
pub(crate) type BodyError = Box<dyn std::error::Error + Send + Sync>;

/// Words per `text_delta` / `thinking_delta`.
const WORDS_PER_DELTA: usize = 3;

/// Bytes (rounded up to a character boundary) per `input_json_delta`.
const JSON_BYTES_PER_DELTA: usize = 7;

/// What an event is, for the script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Ping,
    Delta,
    MessageStop,
    Other,
}

/// One server-sent event.
#[derive(Debug, Clone)]
struct Event {
    kind: Kind,
    name: &'static str,
    data: String,
}

/// Compact JSON with `"type"` first in every object, as the API writes its
/// events (serde_json would sort the keys).
fn type_first(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            out.push('{');
            let typed = map.get_key_value("type").into_iter();
            let others = map.iter().filter(|(k, _)| k.as_str() != "type");
            for (i, (key, value)) in typed.chain(others).enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                type_first(value, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                type_first(item, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

impl Event {
    fn new(kind: Kind, name: &'static str, data: &Value) -> Self {
        let mut text = String::new();
        type_first(data, &mut text);
        Event {
            kind,
            name,
            data: text,
        }
    }

    /// `event: <name><eol>data: <json><eol><eol>`.
    fn write(&self, eol: &str, out: &mut Vec<u8>) {
        for part in ["event: ", self.name, eol, "data: ", &self.data, eol, eol] {
            out.extend_from_slice(part.as_bytes());
        }
    }
}

/// `text` in pieces of a few words (each keeping its trailing whitespace);
/// the pieces concatenate to `text`.
fn word_pieces(text: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut words = 0;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            words += 1;
            if words == WORDS_PER_DELTA {
                let end = i + c.len_utf8();
                pieces.extend(text.get(start..end));
                start = end;
                words = 0;
            }
        }
    }
    if start < text.len() {
        pieces.extend(text.get(start..));
    }
    pieces
}

/// `text` in pieces of `size` bytes, each extended to the next character
/// boundary; the pieces concatenate to `text`.
fn byte_pieces(text: &str, size: usize) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut start = 0;
    while start < text.len() {
        let mut end = (start + size.max(1)).min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        pieces.extend(text.get(start..end));
        start = end;
    }
    pieces
}

/// The normal event sequence of `plan`; `message` is its complete
/// (non-streaming) Message, whose `id`, `model` and `usage` the
/// `message_start` repeats.
fn normal_events(message: &Value, plan: &AnswerPlan) -> Vec<Event> {
    let mut start = message.clone();
    if let Some(obj) = start.as_object_mut() {
        obj.insert("content".to_owned(), json!([]));
        obj.insert("stop_reason".to_owned(), Value::Null);
        obj.insert("stop_sequence".to_owned(), Value::Null);
    }
    if let Some(usage) = start.get_mut("usage").and_then(Value::as_object_mut) {
        usage.insert("output_tokens".to_owned(), json!(1));
    }
    let mut events = vec![Event::new(
        Kind::Other,
        "message_start",
        &json!({"type": "message_start", "message": start}),
    )];
    for (index, block) in plan.blocks.iter().enumerate() {
        let (content_block, deltas) = match block {
            Block::Text { text } => (
                json!({"type": "text", "text": ""}),
                word_pieces(text)
                    .into_iter()
                    .map(|t| json!({"type": "text_delta", "text": t}))
                    .collect::<Vec<_>>(),
            ),
            Block::Thinking {
                thinking,
                signature,
            } => {
                let mut deltas: Vec<Value> = word_pieces(thinking)
                    .into_iter()
                    .map(|t| json!({"type": "thinking_delta", "thinking": t}))
                    .collect();
                deltas.push(json!({"type": "signature_delta", "signature": signature}));
                (
                    json!({"type": "thinking", "thinking": "", "signature": ""}),
                    deltas,
                )
            }
            Block::ToolUse { id, name, input } => {
                let serialized = input.to_string();
                (
                    json!({"type": "tool_use", "id": id, "name": name, "input": {}}),
                    byte_pieces(&serialized, JSON_BYTES_PER_DELTA)
                        .into_iter()
                        .map(|p| json!({"type": "input_json_delta", "partial_json": p}))
                        .collect(),
                )
            }
        };
        events.push(Event::new(
            Kind::Other,
            "content_block_start",
            &json!({"type": "content_block_start", "index": index, "content_block": content_block}),
        ));
        if index == 0 {
            events.push(Event {
                kind: Kind::Ping,
                name: "ping",
                data: r#"{"type": "ping"}"#.to_owned(),
            });
        }
        for delta in deltas {
            events.push(Event::new(
                Kind::Delta,
                "content_block_delta",
                &json!({"type": "content_block_delta", "index": index, "delta": delta}),
            ));
        }
        events.push(Event::new(
            Kind::Other,
            "content_block_stop",
            &json!({"type": "content_block_stop", "index": index}),
        ));
    }
    events.push(Event::new(
        Kind::Other,
        "message_delta",
        &json!({
            "type": "message_delta",
            "delta": {"stop_reason": plan.stop_reason, "stop_sequence": null},
            "usage": {"output_tokens": plan.output_tokens},
        }),
    ));
    events.push(Event::new(
        Kind::MessageStop,
        "message_stop",
        &json!({"type": "message_stop"}),
    ));
    events
}

/// The body of a streamed answer: its frames, in order, and how it ends.
#[derive(Debug)]
pub(crate) struct EventStream {
    frames: VecDeque<Bytes>,
    /// End with an error (a cut connection) instead of cleanly.
    abort: bool,
    delay: Option<Duration>,
}

/// The events of `plan` as `script` shapes them. `message` is the complete
/// Message (see [`normal_events`]); `request_id` goes into a scripted
/// `error` event.
pub(crate) fn event_stream(
    message: &Value,
    plan: &AnswerPlan,
    script: &StreamScript,
    request_id: &str,
) -> EventStream {
    let mut events = normal_events(message, plan);
    if script.has_unknown_event() {
        let at = events
            .iter()
            .position(|e| e.kind == Kind::Ping)
            .map_or(events.len(), |p| p + 1);
        events.insert(
            at,
            Event::new(
                Kind::Other,
                "future_thing",
                &json!({"type": "future_thing", "x": 1}),
            ),
        );
    }
    if let Some(error) = script.error() {
        let mut deltas = 0;
        let at = events.iter().position(|e| match e.kind {
            Kind::Delta => {
                deltas += 1;
                deltas > error.after_deltas
            }
            Kind::MessageStop => true,
            Kind::Ping | Kind::Other => false,
        });
        events.truncate(at.unwrap_or(events.len()));
        events.push(Event::new(
            Kind::Other,
            "error",
            &json!({
                "type": "error",
                "error": {"type": error.error_type, "message": error.message},
                "request_id": request_id,
            }),
        ));
    }
    let abort = match script.cut() {
        Some(n) => {
            events.truncate(n.min(events.len().saturating_sub(1)));
            true
        }
        None => false,
    };

    let eol = script.terminator();
    let frames = match script.frame_size() {
        None => events
            .iter()
            .map(|e| {
                let mut out = Vec::new();
                e.write(eol, &mut out);
                Bytes::from(out)
            })
            .collect(),
        Some(size) => {
            let mut out = Vec::new();
            for e in &events {
                e.write(eol, &mut out);
            }
            let all = Bytes::from(out);
            (0..all.len())
                .step_by(size.max(1))
                .map(|start| all.slice(start..(start + size).min(all.len())))
                .collect()
        }
    };
    EventStream {
        frames,
        abort,
        delay: script.delay(),
    }
}

/// A response body that yields [`EventStream`]'s frames one by one,
/// pausing between them if asked, and fails at the end if the stream is
/// cut.
pub(crate) struct EventBody {
    stream: EventStream,
    sent_any: bool,
    /// Whether hyper has been given the chance to flush before the cut.
    yielded_before_cut: bool,
    sleep: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl EventBody {
    pub(crate) fn new(stream: EventStream) -> Self {
        EventBody {
            stream,
            sent_any: false,
            yielded_before_cut: false,
            sleep: None,
        }
    }
}

impl Body for EventBody {
    type Data = Bytes;
    type Error = BodyError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BodyError>>> {
        let this = self.get_mut();
        let more = !this.stream.frames.is_empty() || this.stream.abort;
        if !more {
            return Poll::Ready(None);
        }
        if let (Some(delay), true, false) =
            (this.stream.delay, this.sent_any, this.yielded_before_cut)
        {
            let sleep = this
                .sleep
                .get_or_insert_with(|| Box::pin(tokio::time::sleep(delay)));
            if sleep.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
            this.sleep = None;
        }
        this.sent_any = true;
        match this.stream.frames.pop_front() {
            Some(frame) => Poll::Ready(Some(Ok(Frame::data(frame)))),
            None if !this.yielded_before_cut => {
                // hyper drops its write buffer when a body fails: answer
                // `Pending` once (it flushes then) before failing.
                this.yielded_before_cut = true;
                cx.waker().wake_by_ref();
                Poll::Pending
            }
            None => {
                this.stream.abort = false;
                Poll::Ready(Some(Err(Box::new(std::io::Error::other(
                    "stream cut by Fault::Stream",
                )))))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.stream.frames.is_empty() && !self.stream.abort
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_concatenate_to_the_input() {
        let text = "one two three four five  six\nseven ✓é";
        let words = word_pieces(text);
        assert_eq!(words.concat(), text);
        assert_eq!(words.first().copied(), Some("one two three "));
        assert!(words.len() > 2, "{words:?}");
        let bytes = byte_pieces(text, 7);
        assert_eq!(bytes.concat(), text);
        assert!(bytes.iter().all(|p| p.len() >= 7 || p.ends_with('é')));
        assert_eq!(byte_pieces("", 7), Vec::<&str>::new());
        assert_eq!(byte_pieces("{}", 7), ["{}"]);
    }

    #[test]
    fn type_comes_first() {
        let value = json!({"z": [{"b": 1, "type": "x"}], "a": "\"q\"", "type": "t"});
        let mut out = String::new();
        type_first(&value, &mut out);
        assert_eq!(out, r#"{"type":"t","a":"\"q\"","z":[{"type":"x","b":1}]}"#);
        assert_eq!(serde_json::from_str::<Value>(&out).ok(), Some(value));
    }
}
