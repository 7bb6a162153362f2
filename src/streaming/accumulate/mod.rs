//! Assembles the final [`Message`] of a stream from its events (what a `message_delta` changes
//! is merged in `message_delta`).

use serde_json::{Map, Value};

use super::events::{ContentBlockDelta, ContentBlockDeltaEvent, MessageStreamEvent};
use crate::types::{ContentBlock, Message};

mod message_delta;

use message_delta::merge_message_delta;
pub(crate) use message_delta::merge_usage;

/// A stream whose events do not fit together: a delta for a block that was
/// never started, a tool input that is not JSON, no `message_stop`, ...
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct StreamProtocolError {
    message: String,
}

impl StreamProtocolError {
    /// An error saying `message`.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }

    /// What went wrong.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// Builds the [`Message`] a stream describes, event by event.
///
/// Fed the events of a complete stream, [`finish`](Self::finish) returns the
/// same `Message` the non-streaming endpoint returns for the same answer.
/// Unknown events are ignored, blocks of unknown types are kept as they
/// started (their `input_json_delta`s, if they have an `input`, fill it in),
/// and deltas of unknown types are ignored.
///
/// ```
/// use anthropic_aws::streaming::accumulate::MessageAccumulator;
/// use anthropic_aws::streaming::events::{decode, Decoded};
/// use anthropic_aws::streaming::sse::SseParser;
///
/// let body = concat!(
///     "event: message_start\n",
///     r#"data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"claude-opus-4-8","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":9,"output_tokens":1}}}"#, "\n\n",
///     "event: content_block_start\n",
///     r#"data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#, "\n\n",
///     "event: content_block_delta\n",
///     r#"data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}"#, "\n\n",
///     "event: content_block_delta\n",
///     r#"data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":", world"}}"#, "\n\n",
///     "event: content_block_stop\n",
///     r#"data: {"type":"content_block_stop","index":0}"#, "\n\n",
///     "event: message_delta\n",
///     r#"data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":4}}"#, "\n\n",
///     "event: message_stop\n",
///     r#"data: {"type":"message_stop"}"#, "\n\n",
/// );
///
/// let mut parser = SseParser::new();
/// let mut accumulator = MessageAccumulator::new();
/// parser.feed(body.as_bytes());
/// while let Some(sse) = parser.next_event() {
///     match decode(&sse)? {
///         Decoded::Event(event) => accumulator.push(&event)?,
///         Decoded::Error(error) => panic!("API error: {error}"),
///     }
/// }
/// let message = accumulator.finish()?;
/// assert_eq!(message.text(), "Hello, world");
/// assert_eq!(message.usage.output_tokens, 4);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct MessageAccumulator {
    /// The message so far (`None` before `message_start`).
    message: Option<Message>,
    /// Per block of `message.content`, same indices.
    blocks: Vec<BlockState>,
    /// `message_stop` came.
    stopped: bool,
    /// Bytes of content taken in so far (see [`accumulated_bytes`](Self::accumulated_bytes)).
    bytes: usize,
}

/// What the accumulator tracks for each content block.
#[derive(Debug, Clone, Default)]
struct BlockState {
    /// The concatenated `input_json_delta`s.
    json: String,
    /// Whether an `input_json_delta` came (even an empty one).
    has_json: bool,
    /// `content_block_stop` came.
    stopped: bool,
}

impl MessageAccumulator {
    /// An accumulator before `message_start` (same as `default()`).
    pub fn new() -> Self {
        Self::default()
    }

    /// The message so far, `None` before `message_start`.
    ///
    /// A `tool_use` block's `input` is filled in at its
    /// `content_block_stop`; until then it is what the block started with
    /// (see [`partial_json`](Self::partial_json)).
    pub fn message(&self) -> Option<&Message> {
        self.message.as_ref()
    }

    /// The tool input JSON streamed so far for the content block at `index`
    /// (`None` if that block got no `input_json_delta`).
    pub fn partial_json(&self, index: usize) -> Option<&str> {
        self.blocks
            .get(index)
            .filter(|b| b.has_json)
            .map(|b| b.json.as_str())
    }

    /// Bytes of content taken in so far: the text, thinking, signatures and tool input JSON of
    /// the deltas, and the JSON size of the message and blocks as they started and of each
    /// citation. What the message holds grows with it, so a caller can bound memory by it.
    pub fn accumulated_bytes(&self) -> usize {
        self.bytes
    }

    /// Whether `message_stop` came: the message is complete.
    pub fn is_complete(&self) -> bool {
        self.stopped
    }

    /// Applies the next event of the stream.
    ///
    /// # Errors
    ///
    /// When the event does not fit the events before it: a second
    /// `message_start`, an event before `message_start` or after
    /// `message_stop`, a block started out of order, a delta or stop for a
    /// block that was not started or already stopped, a delta whose kind
    /// does not fit its block, a tool input that is not valid JSON, or
    /// `message_stop` while a block is still open. After an error the
    /// accumulator's state is unspecified.
    pub fn push(&mut self, event: &MessageStreamEvent) -> Result<(), StreamProtocolError> {
        match event {
            MessageStreamEvent::MessageStart(start) => {
                if self.message.is_some() {
                    return Err(StreamProtocolError::new("a second message_start"));
                }
                let blocks = start.message.content.len();
                self.blocks = (0..blocks)
                    .map(|_| BlockState {
                        stopped: true,
                        ..BlockState::default()
                    })
                    .collect();
                self.bytes = self.bytes.saturating_add(json_len(&start.message));
                self.message = Some(start.message.clone());
            }
            MessageStreamEvent::ContentBlockStart(start) => {
                let (message, blocks) = self.open("content_block_start")?;
                if start.index != message.content.len() {
                    return Err(StreamProtocolError::new(format!(
                        "content_block_start for content block {}, expected block {}",
                        start.index,
                        message.content.len()
                    )));
                }
                message.content.push(start.content_block.clone());
                blocks.push(BlockState::default());
                self.bytes = self.bytes.saturating_add(json_len(&start.content_block));
            }
            MessageStreamEvent::ContentBlockDelta(delta) => self.apply_delta(delta)?,
            MessageStreamEvent::ContentBlockStop(stop) => {
                let (message, blocks) = self.open("content_block_stop")?;
                let index = stop.index;
                let (Some(block), Some(state)) =
                    (message.content.get_mut(index), blocks.get_mut(index))
                else {
                    return Err(not_started("content_block_stop", index));
                };
                if state.stopped {
                    return Err(StreamProtocolError::new(format!(
                        "a second content_block_stop for content block {index}"
                    )));
                }
                state.stopped = true;
                if state.has_json {
                    set_input(block, index, &std::mem::take(&mut state.json))?;
                }
            }
            MessageStreamEvent::MessageDelta(delta) => {
                let (message, _) = self.open("message_delta")?;
                merge_message_delta(message, delta);
            }
            MessageStreamEvent::MessageStop(_) => {
                let (_, blocks) = self.open("message_stop")?;
                if let Some(index) = blocks.iter().position(|b| !b.stopped) {
                    return Err(StreamProtocolError::new(format!(
                        "message_stop before the content_block_stop of content block {index}"
                    )));
                }
                self.stopped = true;
            }
            _ => {}
        }
        Ok(())
    }

    /// The complete message.
    ///
    /// # Errors
    ///
    /// When `message_stop` never came: the stream was cut off.
    pub fn finish(self) -> Result<Message, StreamProtocolError> {
        match self.message {
            Some(message) if self.stopped => Ok(message),
            _ => Err(StreamProtocolError::new(
                "the stream ended before message_stop",
            )),
        }
    }

    /// The message and block states, if the message has started and not
    /// stopped; `event` names the event for the error.
    fn open(
        &mut self,
        event: &str,
    ) -> Result<(&mut Message, &mut Vec<BlockState>), StreamProtocolError> {
        if self.stopped {
            return Err(StreamProtocolError::new(format!(
                "{event} after message_stop"
            )));
        }
        match &mut self.message {
            Some(message) => Ok((message, &mut self.blocks)),
            None => Err(StreamProtocolError::new(format!(
                "{event} before message_start"
            ))),
        }
    }

    fn apply_delta(&mut self, event: &ContentBlockDeltaEvent) -> Result<(), StreamProtocolError> {
        let added = match &event.delta {
            ContentBlockDelta::TextDelta { text } => text.len(),
            ContentBlockDelta::ThinkingDelta { thinking } => thinking.len(),
            ContentBlockDelta::SignatureDelta { signature } => signature.len(),
            ContentBlockDelta::InputJsonDelta { partial_json } => partial_json.len(),
            ContentBlockDelta::CitationsDelta { citation } => json_len(citation),
            ContentBlockDelta::Other(_) => 0,
        };
        self.bytes = self.bytes.saturating_add(added);
        let (message, blocks) = self.open("content_block_delta")?;
        let index = event.index;
        let (Some(block), Some(state)) = (message.content.get_mut(index), blocks.get_mut(index))
        else {
            return Err(not_started("content_block_delta", index));
        };
        if state.stopped {
            return Err(StreamProtocolError::new(format!(
                "content_block_delta for content block {index} after its content_block_stop"
            )));
        }
        match (&event.delta, block) {
            (ContentBlockDelta::TextDelta { text }, ContentBlock::Text(b)) => b.text.push_str(text),
            (ContentBlockDelta::CitationsDelta { citation }, ContentBlock::Text(b)) => {
                b.citations.get_or_insert_default().push(citation.clone());
            }
            (ContentBlockDelta::ThinkingDelta { thinking }, ContentBlock::Thinking(b)) => {
                b.thinking.push_str(thinking);
            }
            (ContentBlockDelta::SignatureDelta { signature }, ContentBlock::Thinking(b)) => {
                b.signature.clone_from(signature);
            }
            (
                ContentBlockDelta::InputJsonDelta { partial_json },
                ContentBlock::ToolUse(_) | ContentBlock::ServerToolUse(_),
            ) => {
                state.json.push_str(partial_json);
                state.has_json = true;
            }
            // An unknown block with an `input` (mcp_tool_use,
            // ...) streams it like tool_use.
            (ContentBlockDelta::InputJsonDelta { partial_json }, ContentBlock::Other(v))
                if v.get("input").is_some() =>
            {
                state.json.push_str(partial_json);
                state.has_json = true;
            }
            // Unknown deltas, and any delta of an unknown block: nothing to do.
            (ContentBlockDelta::Other(_), _) | (_, ContentBlock::Other(_)) => {}
            (delta, block) => {
                return Err(StreamProtocolError::new(format!(
                    "a `{}` for content block {index}, which is a `{}` block",
                    delta.type_name().unwrap_or("delta"),
                    block.type_name().unwrap_or("unknown"),
                )));
            }
        }
        Ok(())
    }
}

/// The size of `value` as JSON (0 if it cannot be serialized).
fn json_len<T: serde::Serialize>(value: &T) -> usize {
    serde_json::to_vec(value).map_or(0, |v| v.len())
}

fn not_started(event: &str, index: usize) -> StreamProtocolError {
    StreamProtocolError::new(format!(
        "{event} for content block {index}, which was never started"
    ))
}

/// Sets the `input` of a block from its streamed JSON (empty means `{}`).
fn set_input(
    block: &mut ContentBlock,
    index: usize,
    json: &str,
) -> Result<(), StreamProtocolError> {
    let parsed = if json.trim().is_empty() {
        Ok(Value::Object(Map::new()))
    } else {
        serde_json::from_str::<Value>(json)
    };
    match block {
        ContentBlock::ToolUse(tool) => match parsed {
            Ok(input) => tool.input = input,
            Err(e) => {
                return Err(StreamProtocolError::new(format!(
                    "content block {index} (tool_use `{}`, id `{}`): the streamed input is not valid JSON: {e}",
                    tool.name, tool.id
                )));
            }
        },
        ContentBlock::ServerToolUse(tool) => match parsed {
            Ok(input) => tool.input = input,
            Err(e) => {
                return Err(StreamProtocolError::new(format!(
                    "content block {index} (server_tool_use `{}`, id `{}`): the streamed input is not valid JSON: {e}",
                    tool.name, tool.id
                )));
            }
        },
        ContentBlock::Other(Value::Object(map)) => match parsed {
            Ok(input) => {
                map.insert("input".to_owned(), input);
            }
            Err(e) => tracing::debug!(
                index,
                error = %e,
                "the streamed input of an unknown content block is not valid JSON; left as it started"
            ),
        },
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::streaming::events::{Decoded, decode};
    use crate::streaming::sse::{SseEvent, SseParser};
    use crate::types::StopReason;
    use serde_json::json;

    /// The standard event decomposition of a non-streaming response:
    /// message_start with empty content and partial usage, each block
    /// started empty and filled by deltas of `piece` bytes, message_delta
    /// with the final usage, message_stop.
    fn decompose(message: &Value, piece: usize) -> Vec<Value> {
        let mut start = message.clone();
        start["content"] = json!([]);
        start["stop_reason"] = Value::Null;
        start["stop_sequence"] = Value::Null;
        start["usage"]["output_tokens"] = json!(1);
        let mut events = vec![json!({"type": "message_start", "message": start})];
        let chunks = |s: &str| -> Vec<String> {
            let chars: Vec<char> = s.chars().collect();
            chars.chunks(piece).map(|c| c.iter().collect()).collect()
        };
        for (index, block) in message["content"].as_array().unwrap().iter().enumerate() {
            let mut empty = block.clone();
            let mut deltas = Vec::new();
            match block["type"].as_str().unwrap() {
                "text" => {
                    empty["text"] = json!("");
                    empty.as_object_mut().unwrap().remove("citations");
                    for c in block["citations"].as_array().into_iter().flatten() {
                        deltas.push(json!({"type": "citations_delta", "citation": c}));
                    }
                    for t in chunks(block["text"].as_str().unwrap()) {
                        deltas.push(json!({"type": "text_delta", "text": t}));
                    }
                }
                "thinking" => {
                    empty = json!({"type": "thinking", "thinking": ""});
                    for t in chunks(block["thinking"].as_str().unwrap()) {
                        deltas.push(json!({"type": "thinking_delta", "thinking": t}));
                    }
                    deltas
                        .push(json!({"type": "signature_delta", "signature": block["signature"]}));
                }
                "tool_use" | "server_tool_use" => {
                    empty["input"] = json!({});
                    for t in chunks(&block["input"].to_string()) {
                        deltas.push(json!({"type": "input_json_delta", "partial_json": t}));
                    }
                }
                _ => {}
            }
            events.push(
                json!({"type": "content_block_start", "index": index, "content_block": empty}),
            );
            events.push(json!({"type": "ping"}));
            for delta in deltas {
                events.push(json!({"type": "content_block_delta", "index": index, "delta": delta}));
            }
            events.push(json!({"type": "content_block_stop", "index": index}));
        }
        let usage = &message["usage"];
        events.push(json!({
            "type": "message_delta",
            "delta": {"stop_reason": message["stop_reason"], "stop_sequence": message["stop_sequence"]},
            "usage": {"output_tokens": usage["output_tokens"], "input_tokens": usage["input_tokens"],
                      "server_tool_use": usage["server_tool_use"]}
        }));
        events.push(json!({"type": "message_stop"}));
        events
    }

    /// Serializes `events` as an SSE body, parses and decodes it, and
    /// accumulates the message.
    fn accumulate(events: &[Value]) -> Result<Message, StreamProtocolError> {
        let mut body = String::new();
        for event in events {
            body.push_str(&format!(
                "event: {}\ndata: {event}\n\n",
                event["type"].as_str().unwrap()
            ));
        }
        let mut parser = SseParser::new();
        parser.feed(body.as_bytes());
        let mut acc = MessageAccumulator::new();
        while let Some(sse) = parser.next_event() {
            match decode(&sse).unwrap() {
                Decoded::Event(event) => acc.push(&event)?,
                Decoded::Error(e) => panic!("{e}"),
            }
        }
        acc.finish()
    }

    fn full_response() -> Value {
        json!({
            "id": "msg_01Aq9w938a90dw8q",
            "type": "message",
            "role": "assistant",
            "content": [
                {"type": "thinking", "thinking": "The user wants the weather in Paris. I should call the tool.", "signature": "EqQBCgIYAhIM1gbcDa9GJwZA2b3h"},
                {"type": "text", "text": "Let me check the weather in Paris, \u{e9}t\u{e9} \u{1F324}.",
                 "citations": [{"type": "char_location", "cited_text": "Paris", "document_index": 0, "start_char_index": 0, "end_char_index": 5}]},
                {"type": "server_tool_use", "id": "srvtoolu_01", "name": "web_search", "input": {"query": "paris weather"}},
                {"type": "web_search_tool_result", "tool_use_id": "srvtoolu_01", "content": [{"type": "web_search_result", "url": "https://x", "title": "X", "encrypted_content": "Eq", "page_age": null}]},
                {"type": "tool_use", "id": "toolu_01A09q90qw90lq917835lq9", "name": "get_weather",
                 "input": {"location": "Paris, France", "unit": "celsius", "days": [1, 2, 3], "nested": {"a": null, "b": "\"quoted\""}}},
                {"type": "tool_use", "id": "toolu_02", "name": "no_args", "input": {}}
            ],
            "model": "claude-opus-4-8",
            "stop_reason": "tool_use",
            "stop_sequence": null,
            "usage": {"input_tokens": 472, "output_tokens": 89, "cache_creation_input_tokens": 0,
                      "cache_read_input_tokens": 0, "service_tier": "standard",
                      "server_tool_use": {"web_search_requests": 1}},
            "container": null
        })
    }

    #[test]
    fn streamed_message_equals_the_non_streaming_one() {
        let raw = full_response();
        let expected: Message = serde_json::from_value(raw.clone()).unwrap();
        for piece in [1, 3, 7, 1000] {
            let message = accumulate(&decompose(&raw, piece)).unwrap();
            assert_eq!(message, expected, "pieces of {piece}");
            assert_eq!(serde_json::to_value(&message).unwrap(), raw);
        }
    }

    #[test]
    fn snapshot_and_partial_json_while_streaming() {
        let raw = full_response();
        let events = decompose(&raw, 4);
        let mut acc = MessageAccumulator::new();
        assert!(acc.message().is_none());
        let mut saw_partial = false;
        for event in &events {
            let sse = SseEvent::new("", event.to_string());
            let Ok(Decoded::Event(event)) = decode(&sse) else {
                panic!()
            };
            acc.push(&event).unwrap();
            if let Some(json) = acc.partial_json(4) {
                saw_partial |=
                    json.starts_with("{\"") && serde_json::from_str::<Value>(json).is_err();
            }
            assert_eq!(
                acc.is_complete(),
                matches!(event, MessageStreamEvent::MessageStop(_))
            );
        }
        assert!(saw_partial);
        assert_eq!(acc.message().map(|m| m.content.len()), Some(6));
        assert_eq!(
            acc.message().map(Message::text).as_deref(),
            Some("Let me check the weather in Paris, \u{e9}t\u{e9} \u{1F324}.")
        );
    }

    fn start() -> Value {
        json!({"type": "message_start", "message": {"id": "m", "type": "message", "role": "assistant",
            "content": [], "model": "claude-opus-4-8", "stop_reason": null, "stop_sequence": null,
            "usage": {"input_tokens": 10, "output_tokens": 1, "cache_read_input_tokens": 3,
                      "cache_creation": {"ephemeral_5m_input_tokens": 0}}}})
    }

    fn block_start(index: usize, block: Value) -> Value {
        json!({"type": "content_block_start", "index": index, "content_block": block})
    }

    fn delta(index: usize, delta: Value) -> Value {
        json!({"type": "content_block_delta", "index": index, "delta": delta})
    }

    fn stop(index: usize) -> Value {
        json!({"type": "content_block_stop", "index": index})
    }

    fn end() -> [Value; 2] {
        [
            json!({"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": null}, "usage": {"output_tokens": 5}}),
            json!({"type": "message_stop"}),
        ]
    }

    fn error_of(events: &[Value]) -> String {
        match accumulate(events) {
            Err(e) => e.to_string(),
            Ok(m) => panic!("expected an error, got {m:?}"),
        }
    }

    #[test]
    fn usage_merge() {
        let events = [
            start(),
            json!({"type": "message_delta", "delta": {"stop_reason": "max_tokens", "stop_sequence": null, "container": {"id": "c"}},
                   "usage": {"output_tokens": 7, "input_tokens": 12, "cache_read_input_tokens": null,
                             "cache_creation": {"ephemeral_5m_input_tokens": 4}, "brand_new": null}}),
            json!({"type": "message_delta", "delta": {"stop_reason": null, "stop_sequence": null},
                   "usage": {"output_tokens": 9, "cache_creation_input_tokens": 2}}),
            json!({"type": "message_stop"}),
        ];
        let message = accumulate(&events).unwrap();
        assert_eq!(message.stop_reason, Some(StopReason::MaxTokens));
        assert_eq!(message.usage.output_tokens, 9);
        assert_eq!(message.usage.input_tokens, 12);
        assert_eq!(message.usage.cache_read_input_tokens, Some(3));
        assert_eq!(message.usage.cache_creation_input_tokens, Some(2));
        assert_eq!(
            message
                .usage
                .cache_creation
                .as_ref()
                .map(|c| c.ephemeral_5m_input_tokens),
            Some(Some(4))
        );
        assert!(!message.usage.extra.contains_key("brand_new"));
        assert_eq!(message.container.as_ref().map(|c| c.id.as_str()), Some("c"));
        assert!(!message.extra.contains_key("container"));
    }

    #[test]
    fn unknown_events_blocks_and_deltas_are_tolerated() {
        let [delta_event, stop_event] = end();
        let events = [
            json!({"type": "brand_new_event"}),
            start(),
            json!({"type": "brand_new_event", "x": 1}),
            block_start(0, json!({"type": "brand_new_block", "x": 1})),
            delta(0, json!({"type": "text_delta", "text": "ignored"})),
            delta(0, json!({"type": "input_json_delta", "partial_json": "{"})),
            stop(0),
            block_start(1, json!({"type": "text", "text": ""})),
            delta(1, json!({"type": "brand_new_delta", "x": 1})),
            delta(1, json!({"type": "text_delta", "text": "ok"})),
            stop(1),
            block_start(2, json!({"type": "mcp_tool_use", "id": "x", "input": {}})),
            delta(
                2,
                json!({"type": "input_json_delta", "partial_json": "{broken"}),
            ),
            stop(2),
            delta_event,
            stop_event,
        ];
        let message = accumulate(&events).unwrap();
        assert_eq!(
            message.content[0],
            ContentBlock::Other(json!({"type": "brand_new_block", "x": 1}))
        );
        assert_eq!(message.text(), "ok");
        assert_eq!(
            message.content[2],
            ContentBlock::Other(json!({"type": "mcp_tool_use", "id": "x", "input": {}}))
        );
    }

    #[test]
    fn tool_use_without_deltas_keeps_its_input_and_empty_json_is_an_empty_object() {
        let [d, s] = end();
        let events = [
            start(),
            block_start(
                0,
                json!({"type": "tool_use", "id": "t0", "name": "a", "input": {"k": 1}}),
            ),
            stop(0),
            block_start(
                1,
                json!({"type": "tool_use", "id": "t1", "name": "b", "input": {}}),
            ),
            delta(1, json!({"type": "input_json_delta", "partial_json": ""})),
            stop(1),
            d,
            s,
        ];
        let message = accumulate(&events).unwrap();
        let inputs: Vec<_> = message.tool_uses().map(|t| t.input.clone()).collect();
        assert_eq!(inputs, [json!({"k": 1}), json!({})]);
    }

    #[test]
    fn protocol_errors() {
        let text = || block_start(0, json!({"type": "text", "text": ""}));
        let text_delta = || delta(0, json!({"type": "text_delta", "text": "x"}));
        let [d, s] = end();
        let cases: Vec<(Vec<Value>, &str)> = vec![
            (vec![text()], "content_block_start before message_start"),
            (
                vec![start(), text_delta()],
                "content_block_delta for content block 0, which was never started",
            ),
            (
                vec![start(), text(), stop(0), text_delta()],
                "content block 0 after its content_block_stop",
            ),
            (
                vec![start(), stop(0)],
                "content_block_stop for content block 0, which was never started",
            ),
            (
                vec![start(), text(), stop(0), stop(0)],
                "a second content_block_stop",
            ),
            (
                vec![start(), block_start(1, json!({"type": "text", "text": ""}))],
                "content_block_start for content block 1, expected block 0",
            ),
            (vec![start(), start()], "a second message_start"),
            (
                vec![
                    start(),
                    text(),
                    delta(0, json!({"type": "thinking_delta", "thinking": "x"})),
                ],
                "a `thinking_delta` for content block 0, which is a `text` block",
            ),
            (
                vec![
                    start(),
                    block_start(0, json!({"type": "thinking", "thinking": ""})),
                    delta(0, json!({"type": "citations_delta", "citation": {}})),
                ],
                "a `citations_delta` for content block 0, which is a `thinking` block",
            ),
            (
                vec![
                    start(),
                    text(),
                    delta(0, json!({"type": "input_json_delta", "partial_json": "{}"})),
                ],
                "`input_json_delta` for content block 0",
            ),
            (
                vec![
                    start(),
                    block_start(
                        0,
                        json!({"type": "tool_use", "id": "toolu_9", "name": "get_weather", "input": {}}),
                    ),
                    delta(
                        0,
                        json!({"type": "input_json_delta", "partial_json": "{\"location\": \"Par"}),
                    ),
                    stop(0),
                ],
                "content block 0 (tool_use `get_weather`, id `toolu_9`): the streamed input is not valid JSON",
            ),
            (
                vec![start(), text(), d.clone(), s.clone()],
                "message_stop before the content_block_stop of content block 0",
            ),
            (
                vec![start(), d.clone(), s.clone(), d.clone()],
                "message_delta after message_stop",
            ),
            (
                vec![start(), text(), text_delta(), stop(0), d.clone()],
                "the stream ended before message_stop",
            ),
            (vec![], "the stream ended before message_stop"),
            (vec![d.clone()], "message_delta before message_start"),
        ];
        for (events, expected) in cases {
            let error = error_of(&events);
            assert!(error.contains(expected), "{error:?} lacks {expected:?}");
        }
    }

    #[test]
    fn content_in_message_start_is_kept() {
        let mut first = start();
        first["message"]["content"] = json!([{"type": "text", "text": "pre"}]);
        let [d, s] = end();
        let events = [
            first.clone(),
            block_start(1, json!({"type": "text", "text": ""})),
            delta(1, json!({"type": "text_delta", "text": "fill"})),
            stop(1),
            d,
            s,
        ];
        assert_eq!(accumulate(&events).unwrap().text(), "prefill");
        let error = error_of(&[first, delta(0, json!({"type": "text_delta", "text": "x"}))]);
        assert!(error.contains("after its content_block_stop"), "{error}");
    }

    #[test]
    fn error_type_api() {
        let e = StreamProtocolError::new("boom");
        assert_eq!(e.message(), "boom");
        assert_eq!(e.to_string(), "boom");
    }
}
