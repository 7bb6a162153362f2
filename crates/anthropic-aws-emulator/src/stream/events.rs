//! The normal event sequence of an answer, made one event at a time.

use std::collections::VecDeque;

use bytes::BytesMut;
use serde_json::{Value, json};

use crate::messages::{self, AnswerPlan, Block};

/// Words per `text_delta` / `thinking_delta`.
const WORDS_PER_DELTA: usize = 3;

/// Bytes (rounded up to a character boundary) per `input_json_delta`.
const JSON_BYTES_PER_DELTA: usize = 7;

/// What an event is, for the script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Ping,
    Delta,
    MessageStop,
    Other,
}

/// One server-sent event.
#[derive(Debug, Clone)]
pub(super) struct Event {
    pub(super) kind: Kind,
    pub(super) name: &'static str,
    pub(super) data: String,
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
    pub(super) fn new(kind: Kind, name: &'static str, data: &Value) -> Self {
        let mut text = String::new();
        type_first(data, &mut text);
        Event {
            kind,
            name,
            data: text,
        }
    }

    /// `event: <name><eol>data: <json><eol><eol>`.
    pub(super) fn write(&self, eol: &str, out: &mut BytesMut) {
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

/// The pieces of a text block: a few words each, or for a text without
/// whitespace (a compact JSON document: a structured output) pieces of
/// [`JSON_BYTES_PER_DELTA`] bytes, so that it too arrives in several deltas.
fn text_pieces(text: &str) -> Vec<&str> {
    if text.contains(char::is_whitespace) {
        word_pieces(text)
    } else {
        byte_pieces(text, JSON_BYTES_PER_DELTA)
    }
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

/// One element of a planned stream: a ready event, or the text deltas of a
/// filler block, produced one at a time so that a long text never sits in
/// memory.
#[derive(Debug)]
enum Piece {
    Event(Event),
    Filler {
        /// The content block's index.
        index: usize,
        /// Bytes per `text_delta`.
        per_delta: usize,
        /// Bytes of filler already sent.
        offset: u64,
        /// Bytes of filler still to send.
        remaining: u64,
    },
}

/// The normal event sequence of `plan`; `message` is its Message (only its
/// `id`, `model` and `usage` are used: the `message_start` repeats them).
fn normal_events(message: &Value, plan: &AnswerPlan) -> VecDeque<Piece> {
    let mut start = message.clone();
    if let Some(obj) = start.as_object_mut() {
        obj.insert("content".to_owned(), json!([]));
        obj.insert("stop_reason".to_owned(), Value::Null);
        obj.insert("stop_sequence".to_owned(), Value::Null);
    }
    if let Some(usage) = start.get_mut("usage").and_then(Value::as_object_mut) {
        usage.insert("output_tokens".to_owned(), json!(1));
    }
    let mut events = VecDeque::new();
    events.push_back(Piece::Event(Event::new(
        Kind::Other,
        "message_start",
        &json!({"type": "message_start", "message": start}),
    )));
    for (index, block) in plan.blocks.iter().enumerate() {
        let (content_block, deltas) = match block {
            Block::Text { text } => (
                json!({"type": "text", "text": ""}),
                text_pieces(text)
                    .into_iter()
                    .map(|t| json!({"type": "text_delta", "text": t}))
                    .collect::<Vec<_>>(),
            ),
            Block::Filler { .. } => (json!({"type": "text", "text": ""}), Vec::new()),
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
        events.push_back(Piece::Event(Event::new(
            Kind::Other,
            "content_block_start",
            &json!({"type": "content_block_start", "index": index, "content_block": content_block}),
        )));
        if index == 0 {
            events.push_back(Piece::Event(Event {
                kind: Kind::Ping,
                name: "ping",
                data: r#"{"type": "ping"}"#.to_owned(),
            }));
        }
        for delta in deltas {
            events.push_back(Piece::Event(Event::new(
                Kind::Delta,
                "content_block_delta",
                &json!({"type": "content_block_delta", "index": index, "delta": delta}),
            )));
        }
        if let Block::Filler { bytes, per_delta } = block {
            events.push_back(Piece::Filler {
                index,
                per_delta: (*per_delta).max(1),
                offset: 0,
                remaining: *bytes,
            });
        }
        events.push_back(Piece::Event(Event::new(
            Kind::Other,
            "content_block_stop",
            &json!({"type": "content_block_stop", "index": index}),
        )));
    }
    events.push_back(Piece::Event(Event::new(
        Kind::Other,
        "message_delta",
        &json!({
            "type": "message_delta",
            "delta": {"stop_reason": plan.stop_reason, "stop_sequence": null},
            "usage": {"output_tokens": plan.output_tokens},
        }),
    )));
    events.push_back(Piece::Event(Event::new(
        Kind::MessageStop,
        "message_stop",
        &json!({"type": "message_stop"}),
    )));
    events
}

/// The events of a plan, one at a time (filler deltas made on demand).
#[derive(Debug)]
pub(super) struct Planned {
    pieces: VecDeque<Piece>,
}

impl Planned {
    /// The normal events of `plan`; `message` is its Message (only its
    /// `id`, `model` and `usage` are used).
    pub(super) fn new(message: &Value, plan: &AnswerPlan) -> Self {
        Planned {
            pieces: normal_events(message, plan),
        }
    }
}

impl Iterator for Planned {
    type Item = Event;

    fn next(&mut self) -> Option<Event> {
        loop {
            match self.pieces.front_mut()? {
                Piece::Filler {
                    index,
                    per_delta,
                    offset,
                    remaining,
                } if *remaining > 0 => {
                    let len = usize::try_from(*remaining)
                        .unwrap_or(usize::MAX)
                        .min(*per_delta);
                    let text = messages::filler(*offset, len);
                    let sent = u64::try_from(len).unwrap_or(u64::MAX);
                    *offset = offset.saturating_add(sent);
                    *remaining = remaining.saturating_sub(sent);
                    // The filler is plain ASCII that JSON does not escape.
                    let data = format!(
                        r#"{{"type":"content_block_delta","index":{index},"delta":{{"type":"text_delta","text":"{text}"}}}}"#
                    );
                    return Some(Event {
                        kind: Kind::Delta,
                        name: "content_block_delta",
                        data,
                    });
                }
                Piece::Filler { .. } => {
                    self.pieces.pop_front();
                }
                Piece::Event(_) => {
                    if let Some(Piece::Event(event)) = self.pieces.pop_front() {
                        return Some(event);
                    }
                }
            }
        }
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
        assert_eq!(
            text_pieces(r#"{"a":"example"}"#),
            [r#"{"a":"e"#, r#"xample""#, "}"]
        );
        assert_eq!(text_pieces("two words"), ["two words"]);
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
