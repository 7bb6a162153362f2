//! The typed events of a streaming Messages response, decoded from [`SseEvent`]s with
//! [`decode`]. The event types are wire types and live in [`crate::types`]; they are
//! re-exported here, where streaming code looks for them.

use super::sse::SseEvent;
pub use crate::types::stream_decode::Decoded;
pub use crate::types::{
    ContentBlockDelta, ContentBlockDeltaEvent, ContentBlockStartEvent, ContentBlockStopEvent,
    MessageDelta, MessageDeltaEvent, MessageDeltaUsage, MessageStartEvent, MessageStopEvent,
    MessageStreamEvent,
};

/// Decodes an SSE event of a Messages stream.
///
/// The type is the `"type"` of the JSON data, or the SSE event name when the
/// data has none. Known types whose data is not JSON or does not fit are an
/// error; unknown types become [`MessageStreamEvent::Other`] (with the
/// data as a JSON string if it is not JSON); `error` becomes
/// [`Decoded::Error`].
///
/// ```
/// use anthropic_aws::streaming::events::{decode, Decoded};
/// use anthropic_aws::streaming::sse::SseEvent;
///
/// let sse = SseEvent::new(
///     "error",
///     r#"{"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}"#,
/// );
/// let Decoded::Error(error) = decode(&sse)? else { panic!("expected an error") };
/// assert_eq!(error["type"], "overloaded_error");
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn decode(event: &SseEvent) -> Result<Decoded, serde_json::Error> {
    crate::types::stream_decode::decode_event(&event.event, &event.data)
}
