//! Merging a `message_delta` into the message so far: its stop reason and sequence, its other
//! top-level fields, and its usage counts (cumulative, so each count present replaces the one
//! before). [`merge_usage`] also serves [`MessageStream`](crate::MessageStream), which keeps
//! the usage so far for its span.

use crate::streaming::events::{MessageDeltaEvent, MessageDeltaUsage};
use crate::types::{Message, Usage};

/// Top-level fields of [`Message`], which must not go into its `extra`.
const MESSAGE_FIELDS: [&str; 10] = [
    "id",
    "type",
    "role",
    "content",
    "model",
    "stop_reason",
    "stop_sequence",
    "usage",
    "stop_details",
    "container",
];

/// Applies a `message_delta`'s usage to the usage so far: each count present replaces the
/// count before (counts are cumulative).
pub(crate) fn merge_usage(total: &mut Usage, usage: &MessageDeltaUsage) {
    if let Some(n) = usage.output_tokens {
        total.output_tokens = n;
    }
    if let Some(n) = usage.input_tokens {
        total.input_tokens = n;
    }
    if let Some(n) = usage.cache_creation_input_tokens {
        total.cache_creation_input_tokens = Some(n);
    }
    if let Some(n) = usage.cache_read_input_tokens {
        total.cache_read_input_tokens = Some(n);
    }
    if let Some(tier) = &usage.service_tier {
        total.service_tier = Some(tier.clone());
    }
    if let Some(counts) = &usage.server_tool_use {
        total.server_tool_use = Some(counts.clone());
    }
    if let Some(cache_creation) = &usage.cache_creation {
        total.cache_creation = Some(cache_creation.clone());
    }
    if let Some(geo) = &usage.inference_geo {
        total.inference_geo = Some(geo.clone());
    }
    for (key, value) in &usage.extra {
        if !value.is_null() {
            total.extra.insert(key.clone(), value.clone());
        }
    }
}

/// Applies a `message_delta`: stop reason and sequence, other top-level
/// fields, and each usage count present (counts are cumulative).
pub(super) fn merge_message_delta(message: &mut Message, event: &MessageDeltaEvent) {
    let delta = &event.delta;
    if let Some(reason) = &delta.stop_reason {
        message.stop_reason = Some(reason.clone());
    }
    if let Some(sequence) = &delta.stop_sequence {
        message.stop_sequence = Some(sequence.clone());
    }
    if let Some(details) = &delta.stop_details {
        message.stop_details = Some(details.clone());
        message.extra.remove("stop_details");
    }
    if let Some(container) = &delta.container {
        message.container = Some(container.clone());
        message.extra.remove("container");
    }
    for (key, value) in &delta.extra {
        if key == "context_management" {
            match serde_json::from_value(value.clone()) {
                Ok(edits) => {
                    message.context_management = Some(edits);
                    message.extra.remove("context_management");
                }
                Err(e) => {
                    tracing::debug!(error = %e, "context_management in a message_delta does not decode; ignored")
                }
            }
        } else if !MESSAGE_FIELDS.contains(&key.as_str()) {
            message.extra.insert(key.clone(), value.clone());
        }
    }

    merge_usage(&mut message.usage, &event.usage);
}
