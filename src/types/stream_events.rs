//! The typed events of a streaming Messages response (API version 2026-10-21): wire types,
//! like the rest of `types`. Decoding one from its server-sent event is
//! [`streaming::events::decode`](crate::streaming::events::decode).
//!
//! A stream is `message_start`, then for each content block a `content_block_start`, its
//! `content_block_delta`s and a `content_block_stop`, then `message_delta` and `message_stop`,
//! with `ping`s anywhere. Event types this crate does not know decode into
//! [`MessageStreamEvent::Other`], never into an error.

use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};

use super::macros::Tagged;
use super::{
    CacheCreation, Container, ContentBlock, ContentBlockDelta, Message, ServerToolUsage,
    StopDetails, StopReason, UsageServiceTier,
};

/// `message_start`: the message, with empty `content` and the usage so far.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct MessageStartEvent {
    /// The message as it starts.
    pub message: Message,
    /// Fields not modeled here, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `content_block_start`: a new content block at `index`.
///
/// For `thinking` and `tool_use` blocks the API may leave out fields that
/// stay empty until the deltas fill them; [`decode`](crate::streaming::events::decode) fills them in
/// (`"signature": ""`, `"thinking": ""`, `"input": {}`) so the block decodes.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct ContentBlockStartEvent {
    /// The block's position in the message's `content`.
    pub index: usize,
    /// The block as it starts (text and thinking empty, tool input `{}`).
    pub content_block: ContentBlock,
    /// Fields not modeled here, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `content_block_delta`: an increment of the content block at `index`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct ContentBlockDeltaEvent {
    /// The block's position in the message's `content`.
    pub index: usize,
    /// The increment.
    pub delta: ContentBlockDelta,
    /// Fields not modeled here, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `content_block_stop`: the content block at `index` is complete.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct ContentBlockStopEvent {
    /// The block's position in the message's `content`.
    pub index: usize,
    /// Fields not modeled here, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `message_delta`: changes to the message's top-level fields, and the
/// usage so far.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct MessageDeltaEvent {
    /// The changed top-level fields.
    pub delta: MessageDelta,
    /// Token counts so far (cumulative, not increments).
    #[serde(default)]
    pub usage: MessageDeltaUsage,
    /// Fields not modeled here, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

wire_struct! {
    /// The `delta` of a `message_delta` event.
    #[derive(Serialize, Debug, Clone, PartialEq, Default)]
    pub struct MessageDelta {
        /// Why generation stopped. Serialized as `null` when `None`.
        default pub stop_reason: Option<StopReason>,
        /// The stop sequence that was generated, if any. Serialized as `null`
        /// when `None`.
        default pub stop_sequence: Option<String>,
        /// More about why generation stopped.
        nullable pub stop_details: Option<StopDetails>,
        /// The container the server tools ran in.
        nullable pub container: Option<Container>,
        /// Other top-level fields of the message that changed, kept as received.
        pub extra: Map<String, Value>,
    }
}

/// The `usage` of a `message_delta` event: cumulative counts, each one
/// present replacing the message's.
///
/// Counts absent (or `null`) in the event are `None` and omitted when
/// re-serialized.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub struct MessageDeltaUsage {
    /// Output tokens generated so far (always sent by the API).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_tokens: Option<u64>,
    /// Input tokens read (not counting cache reads or writes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_tokens: Option<u64>,
    /// Input tokens written to the prompt cache.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_creation_input_tokens: Option<u64>,
    /// Input tokens read from the prompt cache.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_read_input_tokens: Option<u64>,
    /// The capacity the request was served with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_tier: Option<UsageServiceTier>,
    /// Server tool requests made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_tool_use: Option<ServerToolUsage>,
    /// Prompt-cache writes by time-to-live, if sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_creation: Option<CacheCreation>,
    /// Where inference ran, if sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inference_geo: Option<String>,
    /// Fields not modeled here, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `message_stop`: the message is complete.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub struct MessageStopEvent {
    /// Fields not modeled here, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// An event of a streaming Messages response.
///
/// Serializes to the event's JSON (`data` of the SSE event, with its
/// `"type"`); `Other` serializes its raw `data`. Deserializing reads the
/// same JSON (an `error` object becomes `Other`: use [`decode`](crate::streaming::events::decode) to tell
/// errors apart).
///
/// ```
/// use anthropic_aws::streaming::events::{decode, Decoded, MessageStreamEvent};
/// use anthropic_aws::streaming::sse::SseEvent;
///
/// let sse = SseEvent::new(
///     "content_block_delta",
///     r#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}"#,
/// );
/// let Decoded::Event(event) = decode(&sse)? else { panic!("not an error event") };
/// assert_eq!(event.text_delta(), Some("Hi"));
///
/// let later = SseEvent::new("brand_new_event", r#"{"type":"brand_new_event","x":1}"#);
/// assert!(matches!(
///     decode(&later)?,
///     Decoded::Event(MessageStreamEvent::Other { ref event, .. }) if event == "brand_new_event"
/// ));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum MessageStreamEvent {
    /// `message_start` (boxed: it holds a whole [`Message`], far larger
    /// than the frequent delta events).
    MessageStart(Box<MessageStartEvent>),
    /// `content_block_start`.
    ContentBlockStart(ContentBlockStartEvent),
    /// `content_block_delta`.
    ContentBlockDelta(ContentBlockDeltaEvent),
    /// `content_block_stop`.
    ContentBlockStop(ContentBlockStopEvent),
    /// `message_delta`.
    MessageDelta(MessageDeltaEvent),
    /// `message_stop`.
    MessageStop(MessageStopEvent),
    /// `ping` (keep-alive; other fields are dropped).
    Ping,
    /// An event of a type this crate does not know, passed through.
    Other {
        /// The type: the data's `"type"`, else the SSE event name.
        event: String,
        /// The data as JSON, or as a JSON string when it is not JSON.
        data: Value,
    },
}

impl MessageStreamEvent {
    /// The event's type as the API spells it (`"message_start"`, ...; for
    /// `Other`, its `event`).
    pub fn type_name(&self) -> &str {
        match self {
            Self::MessageStart(_) => "message_start",
            Self::ContentBlockStart(_) => "content_block_start",
            Self::ContentBlockDelta(_) => "content_block_delta",
            Self::ContentBlockStop(_) => "content_block_stop",
            Self::MessageDelta(_) => "message_delta",
            Self::MessageStop(_) => "message_stop",
            Self::Ping => "ping",
            Self::Other { event, .. } => event,
        }
    }

    /// The text of a `text_delta`, `None` for any other event.
    pub fn text_delta(&self) -> Option<&str> {
        match self {
            Self::ContentBlockDelta(ContentBlockDeltaEvent {
                delta: ContentBlockDelta::TextDelta { text },
                ..
            }) => Some(text),
            _ => None,
        }
    }
}

impl Serialize for MessageStreamEvent {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        fn tagged<S: Serializer, T: Serialize>(
            serializer: S,
            kind: &'static str,
            inner: &T,
        ) -> Result<S::Ok, S::Error> {
            Tagged { kind, inner }.serialize(serializer)
        }
        match self {
            Self::MessageStart(e) => tagged(serializer, "message_start", e),
            Self::ContentBlockStart(e) => tagged(serializer, "content_block_start", e),
            Self::ContentBlockDelta(e) => tagged(serializer, "content_block_delta", e),
            Self::ContentBlockStop(e) => tagged(serializer, "content_block_stop", e),
            Self::MessageDelta(e) => tagged(serializer, "message_delta", e),
            Self::MessageStop(e) => tagged(serializer, "message_stop", e),
            Self::Ping => tagged(serializer, "ping", &Map::new()),
            Self::Other { data, .. } => data.serialize(serializer),
        }
    }
}
