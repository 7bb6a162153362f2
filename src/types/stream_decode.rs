//! Decoding the data of one server-sent event of a Messages stream into a
//! [`MessageStreamEvent`], or the `error` it reports: a fast path for the plain text deltas
//! that make up almost every stream, and a general path that keeps everything.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use super::{ContentBlockDelta, ContentBlockDeltaEvent, MessageStreamEvent};

/// What an SSE event of a Messages stream decodes into.
#[derive(Debug, Clone, PartialEq)]
#[allow(
    clippy::large_enum_variant,
    reason = "`Event` is the common variant; boxing it would allocate for every event"
)]
pub enum Decoded {
    /// A stream event (known or not).
    Event(MessageStreamEvent),
    /// An `error` event: the `error` object of its data
    /// (`{"type": "overloaded_error", "message": ..., ...}`), or the whole
    /// data when it has no `error` object.
    Error(Value),
}

/// The event types [`decode_event`] tells apart.
#[derive(Clone, Copy)]
enum Kind {
    MessageStart,
    ContentBlockStart,
    ContentBlockDelta,
    ContentBlockStop,
    MessageDelta,
    MessageStop,
    Ping,
    Error,
    Other,
}

impl Kind {
    fn of(name: &str) -> Self {
        match name {
            "message_start" => Self::MessageStart,
            "content_block_start" => Self::ContentBlockStart,
            "content_block_delta" => Self::ContentBlockDelta,
            "content_block_stop" => Self::ContentBlockStop,
            "message_delta" => Self::MessageDelta,
            "message_stop" => Self::MessageStop,
            "ping" => Self::Ping,
            "error" => Self::Error,
            _ => Self::Other,
        }
    }
}

/// Decodes the data of a server-sent event named `event` of a Messages stream.
///
/// The type is the `"type"` of the JSON data, or `event` when the data has none. Known types
/// whose data is not JSON or does not fit are an error; unknown types become
/// [`MessageStreamEvent::Other`] (with the data as a JSON string if it is not JSON); `error`
/// becomes [`Decoded::Error`].
pub(crate) fn decode_event(event: &str, data: &str) -> Result<Decoded, serde_json::Error> {
    if let Some(delta) = fast_delta(data) {
        return Ok(Decoded::Event(MessageStreamEvent::ContentBlockDelta(delta)));
    }
    let parsed = serde_json::from_str::<Value>(data);
    let name = match &parsed {
        Ok(value) => value.get("type").and_then(Value::as_str),
        Err(_) => None,
    }
    .unwrap_or(event)
    .to_owned();
    decode_json(&name, parsed, data)
}

/// The shape of almost every event of a stream: a `content_block_delta` whose delta is one
/// string field. Any other field, a duplicate or a mismatch fails this shape, and the event
/// takes the general path, which keeps everything.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlainDeltaEvent<'a> {
    #[serde(rename = "type", borrow)]
    kind: &'a str,
    index: usize,
    delta: PlainDelta<'a>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlainDelta<'a> {
    #[serde(rename = "type", borrow)]
    kind: &'a str,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    partial_json: Option<String>,
    #[serde(default)]
    thinking: Option<String>,
    #[serde(default)]
    signature: Option<String>,
}

/// Decodes a plain `content_block_delta` straight from its text, without building a
/// [`Value`] first; `None` for anything else.
fn fast_delta(data: &str) -> Option<ContentBlockDeltaEvent> {
    let event: PlainDeltaEvent<'_> = serde_json::from_str(data).ok()?;
    if event.kind != "content_block_delta" {
        return None;
    }
    let PlainDelta {
        kind,
        text,
        partial_json,
        thinking,
        signature,
    } = event.delta;
    let delta = match (kind, text, partial_json, thinking, signature) {
        ("text_delta", Some(text), None, None, None) => ContentBlockDelta::TextDelta { text },
        ("input_json_delta", None, Some(partial_json), None, None) => {
            ContentBlockDelta::InputJsonDelta { partial_json }
        }
        ("thinking_delta", None, None, Some(thinking), None) => {
            ContentBlockDelta::ThinkingDelta { thinking }
        }
        ("signature_delta", None, None, None, Some(signature)) => {
            ContentBlockDelta::SignatureDelta { signature }
        }
        _ => return None,
    };
    Some(ContentBlockDeltaEvent {
        index: event.index,
        delta,
        extra: Map::new(),
    })
}

/// Decodes the data of an event of type `name`; `raw` is the data's text,
/// kept for an unknown event whose data is not JSON.
fn decode_json(
    name: &str,
    parsed: Result<Value, serde_json::Error>,
    raw: &str,
) -> Result<Decoded, serde_json::Error> {
    let kind = Kind::of(name);
    let mut value = match (kind, parsed) {
        (_, Ok(value)) => value,
        (Kind::Other, Err(_)) => Value::String(raw.to_owned()),
        (_, Err(e)) => return Err(e),
    };
    if let Value::Object(map) = &mut value
        && !matches!(kind, Kind::Other | Kind::Error)
    {
        map.remove("type");
    }
    let event = match kind {
        Kind::MessageStart => MessageStreamEvent::MessageStart(serde_json::from_value(value)?),
        Kind::ContentBlockStart => {
            fill_block_defaults(&mut value);
            MessageStreamEvent::ContentBlockStart(serde_json::from_value(value)?)
        }
        Kind::ContentBlockDelta => {
            MessageStreamEvent::ContentBlockDelta(serde_json::from_value(value)?)
        }
        Kind::ContentBlockStop => {
            MessageStreamEvent::ContentBlockStop(serde_json::from_value(value)?)
        }
        Kind::MessageDelta => MessageStreamEvent::MessageDelta(serde_json::from_value(value)?),
        Kind::MessageStop => MessageStreamEvent::MessageStop(serde_json::from_value(value)?),
        Kind::Ping => MessageStreamEvent::Ping,
        Kind::Error => {
            return Ok(Decoded::Error(match value {
                Value::Object(mut map) => match map.remove("error") {
                    Some(error) => error,
                    None => Value::Object(map),
                },
                other => other,
            }));
        }
        Kind::Other => MessageStreamEvent::Other {
            event: name.to_owned(),
            data: value,
        },
    };
    Ok(Decoded::Event(event))
}

/// Adds the fields a starting `thinking` or `tool_use` block may leave out
/// (they only fill in through deltas), so the block decodes.
fn fill_block_defaults(value: &mut Value) {
    let Some(block) = value
        .get_mut("content_block")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    let fields: &[&str] = match block.get("type").and_then(Value::as_str) {
        Some("thinking") => &["thinking", "signature"],
        Some("tool_use") => &["input"],
        _ => return,
    };
    for &field in fields {
        if block.get(field).is_none_or(Value::is_null) {
            let default = match field {
                "input" => Value::Object(Map::new()),
                _ => Value::String(String::new()),
            };
            block.insert(field.to_owned(), default);
        }
    }
}

impl<'de> Deserialize<'de> for MessageStreamEvent {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        let name = value
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        match decode_json(&name, Ok(value), "").map_err(D::Error::custom)? {
            Decoded::Event(event) => Ok(event),
            Decoded::Error(data) => Ok(Self::Other { event: name, data }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{
        ContentBlock, ContentBlockStartEvent, MessageDeltaUsage, StopReason, TextBlock,
        ThinkingBlock, ToolUseBlock,
    };
    use serde_json::json;

    /// A server-sent event's name and data, as the stream's parser hands them over.
    struct SseEvent {
        event: String,
        data: String,
    }

    impl SseEvent {
        fn new(event: impl Into<String>, data: impl Into<String>) -> Self {
            Self {
                event: event.into(),
                data: data.into(),
            }
        }
    }

    fn decode(event: &SseEvent) -> Result<Decoded, serde_json::Error> {
        super::decode_event(&event.event, &event.data)
    }

    /// The general path alone, without the delta shortcut.
    fn decode_slow(name: &str, data: &str) -> String {
        let parsed = serde_json::from_str::<Value>(data);
        let name = match &parsed {
            Ok(value) => value.get("type").and_then(Value::as_str),
            Err(_) => None,
        }
        .unwrap_or(name)
        .to_owned();
        format!("{:?}", decode_json(&name, parsed, data))
    }

    #[test]
    fn the_delta_shortcut_agrees_with_the_general_path() {
        let cases = [
            r#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi \u00e9\n"}}"#,
            r#"{"index":3,"type":"content_block_delta","delta":{"text":"x","type":"text_delta"}}"#,
            r#"{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"a\":"}}"#,
            r#"{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"hmm"}}"#,
            r#"{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"c2ln"}}"#,
            // Shapes the shortcut leaves to the general path.
            r#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"x","new":1}}"#,
            r#"{"type":"content_block_delta","index":0,"new":true,"delta":{"type":"text_delta","text":"x"}}"#,
            r#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":null}}"#,
            r#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","thinking":"x"}}"#,
            r#"{"type":"content_block_delta","index":0,"delta":{"type":"brand_new_delta","text":"x"}}"#,
            r#"{"type":"content_block_delta","index":0,"delta":{"type":"citations_delta","citation":{}}}"#,
            r#"{"type":"content_block_delta","index":-1,"delta":{"type":"text_delta","text":"x"}}"#,
            r#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"a","text":"b"}}"#,
            r#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"x"}"#,
            r#"{"type":"content_block_stop","index":0,"delta":{"type":"text_delta","text":"x"}}"#,
            r#"{"index":0,"delta":{"type":"text_delta","text":"x"}}"#,
        ];
        for data in cases {
            let event = SseEvent::new("content_block_delta", data);
            assert_eq!(
                format!("{:?}", decode(&event)),
                decode_slow("content_block_delta", data),
                "{data}"
            );
        }
        assert!(fast_delta(cases[0]).is_some());
        assert!(fast_delta(cases[5]).is_none());
    }

    fn decode_event(name: &str, data: &str) -> MessageStreamEvent {
        match decode(&SseEvent::new(name, data)) {
            Ok(Decoded::Event(event)) => event,
            other => panic!("{name}: expected an event, got {other:?}"),
        }
    }

    /// Decodes `data`, checks the result with `check`, and checks that it
    /// serializes back to `data`.
    fn round_trip(name: &str, data: Value) -> MessageStreamEvent {
        let event = decode_event(name, &data.to_string());
        assert_eq!(event.type_name(), name);
        assert_eq!(serde_json::to_value(&event).unwrap(), data, "{name}");
        let back: MessageStreamEvent = serde_json::from_value(data).unwrap();
        assert_eq!(back, event);
        event
    }

    #[test]
    fn message_start() {
        let event = round_trip(
            "message_start",
            json!({"type": "message_start", "message": {
                "id": "msg_01XFDUDYJgAACzvnptvVoYEL", "type": "message", "role": "assistant",
                "content": [], "model": "claude-opus-4-8",
                "stop_reason": null, "stop_sequence": null,
                "usage": {"input_tokens": 25, "output_tokens": 1, "cache_creation_input_tokens": 0,
                          "cache_read_input_tokens": 0, "service_tier": "standard"},
                "container": null
            }}),
        );
        let MessageStreamEvent::MessageStart(start) = event else {
            panic!("{event:?}")
        };
        assert_eq!(start.message.id, "msg_01XFDUDYJgAACzvnptvVoYEL");
        assert_eq!(start.message.usage.input_tokens, 25);
        assert_eq!(start.message.extra["container"], Value::Null);
        assert!(start.extra.is_empty());
    }

    #[test]
    fn content_block_start_of_each_kind() {
        let event = round_trip(
            "content_block_start",
            json!({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
        );
        assert_eq!(
            event,
            MessageStreamEvent::ContentBlockStart(ContentBlockStartEvent {
                index: 0,
                content_block: ContentBlock::Text(TextBlock::default()),
                extra: Map::new(),
            })
        );
        let event = round_trip(
            "content_block_start",
            json!({"type": "content_block_start", "index": 1, "content_block":
                {"type": "tool_use", "id": "toolu_01", "name": "get_weather", "input": {}}}),
        );
        assert!(
            matches!(event, MessageStreamEvent::ContentBlockStart(ContentBlockStartEvent {
            index: 1, content_block: ContentBlock::ToolUse(ToolUseBlock { ref name, .. }), .. }) if name == "get_weather")
        );
        round_trip(
            "content_block_start",
            json!({"type": "content_block_start", "index": 2, "content_block":
                {"type": "server_tool_use", "id": "srvtoolu_01", "name": "web_search", "input": {}}}),
        );
        round_trip(
            "content_block_start",
            json!({"type": "content_block_start", "index": 0, "content_block":
                {"type": "redacted_thinking", "data": "EmwKAhgB"}}),
        );
        // A starting thinking block without its signature (as the API
        // documents it) decodes with an empty one.
        let event = decode_event(
            "content_block_start",
            r#"{"type": "content_block_start", "index": 0, "content_block": {"type": "thinking", "thinking": ""}}"#,
        );
        assert_eq!(
            event,
            MessageStreamEvent::ContentBlockStart(ContentBlockStartEvent {
                index: 0,
                content_block: ContentBlock::Thinking(ThinkingBlock::default()),
                extra: Map::new(),
            })
        );
        let event = decode_event(
            "content_block_start",
            r#"{"type":"content_block_start","index":3,"content_block":{"type":"tool_use","id":"t","name":"n"}}"#,
        );
        assert!(
            matches!(event, MessageStreamEvent::ContentBlockStart(ContentBlockStartEvent {
            content_block: ContentBlock::ToolUse(ToolUseBlock { ref input, .. }), .. }) if *input == json!({}))
        );
    }

    #[test]
    fn every_delta_kind() {
        let cases = [
            (
                json!({"type": "text_delta", "text": "Hello"}),
                ContentBlockDelta::TextDelta {
                    text: "Hello".into(),
                },
            ),
            (
                json!({"type": "input_json_delta", "partial_json": "{\"location\": \"San Fra"}),
                ContentBlockDelta::InputJsonDelta {
                    partial_json: "{\"location\": \"San Fra".into(),
                },
            ),
            (
                json!({"type": "thinking_delta", "thinking": "Let me solve this"}),
                ContentBlockDelta::ThinkingDelta {
                    thinking: "Let me solve this".into(),
                },
            ),
            (
                json!({"type": "signature_delta", "signature": "EqQBCgIYAhIM1gbcDa9GJwZA2b3h"}),
                ContentBlockDelta::SignatureDelta {
                    signature: "EqQBCgIYAhIM1gbcDa9GJwZA2b3h".into(),
                },
            ),
            (
                json!({"type": "citations_delta", "citation": {"type": "char_location", "cited_text": "x",
                    "document_index": 0, "start_char_index": 0, "end_char_index": 1}}),
                ContentBlockDelta::CitationsDelta {
                    citation: json!({"type": "char_location", "cited_text": "x",
                    "document_index": 0, "start_char_index": 0, "end_char_index": 1}),
                },
            ),
            (
                json!({"type": "compaction_delta", "content": "summary"}),
                ContentBlockDelta::Other(json!({"type": "compaction_delta", "content": "summary"})),
            ),
        ];
        for (delta_json, delta) in cases {
            let event = round_trip(
                "content_block_delta",
                json!({"type": "content_block_delta", "index": 4, "delta": delta_json}),
            );
            assert_eq!(
                event,
                MessageStreamEvent::ContentBlockDelta(ContentBlockDeltaEvent {
                    index: 4,
                    delta: delta.clone(),
                    extra: Map::new(),
                })
            );
            assert_eq!(delta.type_name(), delta_json["type"].as_str());
            let text = matches!(delta, ContentBlockDelta::TextDelta { .. }).then_some("Hello");
            assert_eq!(event.text_delta(), text);
        }
    }

    #[test]
    fn malformed_known_delta_is_an_error() {
        for data in [
            r#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta"}}"#,
            r#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":7}}"#,
            r#"{"type":"content_block_delta","index":0,"delta":{"type":"citations_delta"}}"#,
            r#"{"type":"content_block_delta","delta":{"type":"text_delta","text":"x"}}"#,
            r#"{"type":"content_block_stop","index":"0"}"#,
            r#"{"type":"message_start","message":{"id":"m"}}"#,
        ] {
            assert!(decode(&SseEvent::new("x", data)).is_err(), "{data}");
        }
        let err = decode(&SseEvent::new(
            "content_block_delta",
            r#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta"}}"#,
        ))
        .unwrap_err();
        assert!(err.to_string().contains("`text_delta`"), "{err}");
    }

    #[test]
    fn stop_delta_stop_and_ping() {
        round_trip(
            "content_block_stop",
            json!({"type": "content_block_stop", "index": 0}),
        );
        let event = round_trip(
            "message_delta",
            json!({"type": "message_delta",
                   "delta": {"stop_reason": "tool_use", "stop_sequence": null, "container": null},
                   "usage": {"output_tokens": 89, "input_tokens": 472, "cache_creation_input_tokens": 0,
                             "cache_read_input_tokens": 0, "server_tool_use": {"web_search_requests": 1}}}),
        );
        let MessageStreamEvent::MessageDelta(delta) = event else {
            panic!("{event:?}")
        };
        assert_eq!(delta.delta.stop_reason, Some(StopReason::ToolUse));
        assert_eq!(delta.delta.extra["container"], Value::Null);
        assert_eq!(delta.usage.output_tokens, Some(89));
        assert_eq!(delta.usage.input_tokens, Some(472));
        // Minimal usage, and nulls read as absent.
        let event = decode_event(
            "message_delta",
            r#"{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":15,"input_tokens":null}}"#,
        );
        let MessageStreamEvent::MessageDelta(delta) = event else {
            panic!("{event:?}")
        };
        assert_eq!(
            delta.usage,
            MessageDeltaUsage {
                output_tokens: Some(15),
                ..Default::default()
            }
        );

        round_trip("message_stop", json!({"type": "message_stop"}));
        round_trip("ping", json!({"type": "ping"}));
        assert_eq!(
            decode_event("ping", r#"{"type": "ping", "n": 1}"#),
            MessageStreamEvent::Ping
        );
        // The JSON type wins over the SSE event name, which is the fallback.
        assert_eq!(
            decode_event("message", r#"{"type": "ping"}"#),
            MessageStreamEvent::Ping
        );
        assert_eq!(decode_event("ping", "{}"), MessageStreamEvent::Ping);
        assert!(matches!(
            decode_event("message_stop", "{}"),
            MessageStreamEvent::MessageStop(_)
        ));
    }

    #[test]
    fn unknown_events_pass_through() {
        let event = round_trip("brand_new", json!({"type": "brand_new", "payload": [1, 2]}));
        assert_eq!(
            event,
            MessageStreamEvent::Other {
                event: "brand_new".into(),
                data: json!({"type": "brand_new", "payload": [1, 2]})
            }
        );
        // No JSON type: the SSE name; not JSON: a string.
        assert_eq!(
            decode_event("heartbeat", "not json"),
            MessageStreamEvent::Other {
                event: "heartbeat".into(),
                data: json!("not json")
            }
        );
        assert_eq!(
            decode_event("other", "[1]"),
            MessageStreamEvent::Other {
                event: "other".into(),
                data: json!([1])
            }
        );
        // Unknown fields of known events are kept.
        let event = round_trip(
            "content_block_stop",
            json!({"type": "content_block_stop", "index": 0, "brand_new": true}),
        );
        assert!(
            matches!(event, MessageStreamEvent::ContentBlockStop(ref s) if s.extra["brand_new"] == json!(true))
        );
    }

    #[test]
    fn known_event_with_bad_data_is_an_error() {
        for (name, data) in [
            ("message_stop", "oops"),
            ("ping", ""),
            ("content_block_delta", "{\"type\":"),
        ] {
            assert!(decode(&SseEvent::new(name, data)).is_err(), "{name}");
        }
    }

    #[test]
    fn error_events() {
        let decoded = decode(&SseEvent::new(
            "error",
            r#"{"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded", "details": null}}"#,
        ))
        .unwrap();
        assert_eq!(
            decoded,
            Decoded::Error(
                json!({"type": "overloaded_error", "message": "Overloaded", "details": null})
            )
        );
        // By JSON type under another SSE name; and an error without the object.
        let decoded = decode(&SseEvent::new(
            "message",
            r#"{"type":"error","error":{"type":"api_error","message":"x"}}"#,
        ))
        .unwrap();
        assert!(matches!(decoded, Decoded::Error(ref e) if e["type"] == "api_error"));
        let decoded = decode(&SseEvent::new("error", r#"{"message": "bad"}"#)).unwrap();
        assert_eq!(decoded, Decoded::Error(json!({"message": "bad"})));
        assert!(decode(&SseEvent::new("error", "Internal Server Error")).is_err());
    }
}
