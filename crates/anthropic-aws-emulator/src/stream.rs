//! Server-sent events: the Anthropic event sequence of an answer, the
//! changes a [`StreamScript`] makes to it, and the streaming response body.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use hyper::body::{Body, Frame};
use serde_json::{Value, json};

use super::faults::StreamScript;
use super::responses::{self, AnswerPlan, Block};

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
    fn write(&self, eol: &str, out: &mut BytesMut) {
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

/// Bytes of filler text per `text_delta` of a `stream-text-bytes` answer.
pub(crate) const FILLER_BYTES_PER_DELTA: usize = 16 * 1024;

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
                word_pieces(text)
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
struct Planned {
    pieces: VecDeque<Piece>,
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
                    let text = responses::filler(*offset, len);
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

/// [`Planned`] with a script's unknown event and error event.
#[derive(Debug)]
struct Scripted {
    planned: Planned,
    /// Events to send before the next planned one.
    queued: VecDeque<Event>,
    /// Insert the unknown event after the ping.
    unknown_pending: bool,
    /// Deltas to let through, and the error event that follows them.
    error: Option<(usize, Event)>,
    deltas: usize,
    done: bool,
}

impl Iterator for Scripted {
    type Item = Event;

    fn next(&mut self) -> Option<Event> {
        if let Some(event) = self.queued.pop_front() {
            return Some(event);
        }
        if self.done {
            return None;
        }
        let Some(event) = self.planned.next() else {
            self.done = true;
            return self.error.take().map(|(_, e)| e);
        };
        if let Some((after, _)) = &self.error {
            let hit = match event.kind {
                Kind::Delta => {
                    self.deltas += 1;
                    self.deltas > *after
                }
                Kind::MessageStop => true,
                Kind::Ping | Kind::Other => false,
            };
            if hit {
                self.done = true;
                return self.error.take().map(|(_, e)| e);
            }
        }
        if event.kind == Kind::Ping && self.unknown_pending {
            self.unknown_pending = false;
            self.queued.push_back(Event::new(
                Kind::Other,
                "future_thing",
                &json!({"type": "future_thing", "x": 1}),
            ));
        }
        Some(event)
    }
}

/// [`Scripted`] cut after some events, always before the last one.
#[derive(Debug)]
struct Events {
    scripted: Scripted,
    cut: Option<usize>,
    emitted: usize,
    lookahead: Option<Event>,
    finished: bool,
}

impl Iterator for Events {
    type Item = Event;

    fn next(&mut self) -> Option<Event> {
        if self.finished {
            return None;
        }
        let Some(current) = self.lookahead.take().or_else(|| self.scripted.next()) else {
            self.finished = true;
            return None;
        };
        if let Some(limit) = self.cut {
            if self.emitted >= limit {
                self.finished = true;
                return None;
            }
            self.lookahead = self.scripted.next();
            if self.lookahead.is_none() {
                // `current` is the last event: the cut comes before it.
                self.finished = true;
                return None;
            }
        }
        self.emitted += 1;
        Some(current)
    }
}

/// The body of a streamed answer: its frames, made one ahead of the one
/// being sent, and how it ends.
#[derive(Debug)]
pub(crate) struct EventStream {
    events: Events,
    eol: String,
    /// Frame size, when the events are sliced regardless of boundaries.
    chunk: Option<usize>,
    /// Serialized events not yet sliced into frames (with `chunk`).
    buffer: BytesMut,
    exhausted: bool,
    /// The next frame to send.
    next: Option<Bytes>,
    /// End with an error (a cut connection) instead of cleanly.
    abort: bool,
    delay: Option<Duration>,
}

impl EventStream {
    /// The frame after the ones already made.
    fn produce(&mut self) -> Option<Bytes> {
        match self.chunk {
            None => {
                if self.exhausted {
                    return None;
                }
                match self.events.next() {
                    Some(event) => {
                        let mut out = BytesMut::new();
                        event.write(&self.eol, &mut out);
                        Some(out.freeze())
                    }
                    None => {
                        self.exhausted = true;
                        None
                    }
                }
            }
            Some(size) => {
                while self.buffer.len() < size && !self.exhausted {
                    match self.events.next() {
                        Some(event) => event.write(&self.eol, &mut self.buffer),
                        None => self.exhausted = true,
                    }
                }
                if self.buffer.is_empty() {
                    None
                } else {
                    let n = size.min(self.buffer.len());
                    Some(self.buffer.split_to(n).freeze())
                }
            }
        }
    }

    /// The next frame, if any.
    fn next_frame(&mut self) -> Option<Bytes> {
        let current = self.next.take();
        if current.is_some() {
            self.next = self.produce();
        }
        current
    }

    fn has_frames(&self) -> bool {
        self.next.is_some()
    }
}

/// The events of `plan` as `script` shapes them. `message` is the Message
/// (see [`normal_events`]; its `content` is not used); `request_id` goes
/// into a scripted `error` event.
pub(crate) fn event_stream(
    message: &Value,
    plan: &AnswerPlan,
    script: &StreamScript,
    request_id: &str,
) -> EventStream {
    let error = script.error().map(|error| {
        (
            error.after_deltas,
            Event::new(
                Kind::Other,
                "error",
                &json!({
                    "type": "error",
                    "error": {"type": error.error_type, "message": error.message},
                    "request_id": request_id,
                }),
            ),
        )
    });
    let scripted = Scripted {
        planned: Planned {
            pieces: normal_events(message, plan),
        },
        queued: VecDeque::new(),
        unknown_pending: script.has_unknown_event(),
        error,
        deltas: 0,
        done: false,
    };
    let mut stream = EventStream {
        events: Events {
            scripted,
            cut: script.cut(),
            emitted: 0,
            lookahead: None,
            finished: false,
        },
        eol: script.terminator().to_owned(),
        chunk: script.frame_size().map(|size| size.max(1)),
        buffer: BytesMut::new(),
        exhausted: false,
        next: None,
        abort: script.cut().is_some(),
        delay: script.delay(),
    };
    stream.next = stream.produce();
    stream
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
        let more = this.stream.has_frames() || this.stream.abort;
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
        match this.stream.next_frame() {
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
        !self.stream.has_frames() && !self.stream.abort
    }
}

/// The body of [`Fault::CutBody`](super::Fault::CutBody) for a buffered
/// answer: one frame, then (after letting hyper flush it) a failure that
/// closes the connection. Its size is unknown to hyper, so the
/// `content-length` header of the whole answer is sent as given.
pub(crate) struct PartialBody {
    frame: Option<Bytes>,
    yielded: bool,
}

impl PartialBody {
    pub(crate) fn new(frame: Bytes) -> Self {
        PartialBody {
            frame: Some(frame).filter(|f| !f.is_empty()),
            yielded: false,
        }
    }
}

impl Body for PartialBody {
    type Data = Bytes;
    type Error = BodyError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BodyError>>> {
        let this = self.get_mut();
        if let Some(frame) = this.frame.take() {
            return Poll::Ready(Some(Ok(Frame::data(frame))));
        }
        if !this.yielded {
            this.yielded = true;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        Poll::Ready(Some(Err(Box::new(std::io::Error::other(
            "body cut by Fault::CutBody",
        )))))
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
    fn filler_text_is_produced_lazily() {
        // 1 TiB of text: only the frames pulled are ever made.
        let plan = AnswerPlan {
            blocks: vec![Block::Filler {
                bytes: 1 << 40,
                per_delta: FILLER_BYTES_PER_DELTA,
            }],
            stop_reason: "end_turn",
            output_tokens: 1,
        };
        let message = json!({"id": "msg_1", "usage": {}});
        let mut stream = event_stream(&message, &plan, &StreamScript::new(), "req_1");
        let frames: Vec<Bytes> = (0..6).filter_map(|_| stream.next_frame()).collect();
        assert_eq!(frames.len(), 6);
        let text = |frame: &Bytes| String::from_utf8_lossy(frame).into_owned();
        assert!(text(&frames[0]).starts_with("event: message_start\n"));
        assert!(text(&frames[2]).starts_with("event: ping\n"));
        for frame in &frames[3..] {
            let line = text(frame);
            let data = line
                .lines()
                .find_map(|l| l.strip_prefix("data: "))
                .unwrap_or_default();
            let event: Value = serde_json::from_str(data).unwrap_or_default();
            assert_eq!(
                event["delta"]["text"].as_str().map(str::len),
                Some(FILLER_BYTES_PER_DELTA)
            );
        }
        // Consecutive deltas continue the same text.
        assert_eq!(
            crate::responses::filler(0, 90),
            format!(
                "{}{}",
                crate::responses::filler(0, 45),
                crate::responses::filler(45, 45)
            )
        );
        assert_eq!(
            crate::responses::filler(3, 4),
            crate::responses::filler(48, 4)
        );
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
