//! Streaming Messages over server-sent events: the SSE parser, the typed events, the
//! accumulator that assembles the final [`Message`](crate::types::Message), and the
//! [`MessageStream`] a caller reads; and [`JsonLines`], the JSON Lines reader batch results
//! stream through.

pub mod accumulate;
pub mod events;
pub(crate) mod idle;
pub mod jsonl;
pub mod sse;
mod stream;

pub use accumulate::{MessageAccumulator, StreamProtocolError};
pub use events::{ContentBlockDelta, MessageStreamEvent};
pub use jsonl::{JsonLines, JsonLinesError};
pub use sse::{SseEvent, SseParser};
pub use stream::{MessageStream, TextStream};
