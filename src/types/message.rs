//! The Messages API response: [`Message`], [`StopReason`] and [`Usage`].

use serde::Serialize;
use serde_json::{Map, Value};

use super::{AppliedContextEdits, Container, ContentBlock, Role, ToolUseBlock};

open_string_enum! {
    /// Why the model stopped generating.
    pub enum StopReason {
        /// `"end_turn"`: a natural stopping point.
        EndTurn => "end_turn",
        /// `"max_tokens"`: `max_tokens` (or the model's limit) was reached.
        MaxTokens => "max_tokens",
        /// `"stop_sequence"`: one of the stop sequences was generated.
        StopSequence => "stop_sequence",
        /// `"tool_use"`: the model called one or more tools.
        ToolUse => "tool_use",
        /// `"pause_turn"`: a long turn was paused; send it back to continue.
        PauseTurn => "pause_turn",
        /// `"refusal"`: the model declined to answer.
        Refusal => "refusal",
        /// `"model_context_window_exceeded"`: the context window is full.
        ModelContextWindowExceeded => "model_context_window_exceeded",
    }
}

open_string_enum! {
    /// The capacity a request was served with (`usage.service_tier`).
    pub enum UsageServiceTier {
        /// `"standard"`.
        Standard => "standard",
        /// `"priority"`.
        Priority => "priority",
        /// `"batch"`.
        Batch => "batch",
    }
}

wire_struct! {
    /// Prompt-cache writes by time-to-live (`usage.cache_creation`).
    #[derive(Serialize, Debug, Clone, PartialEq, Default)]
    pub struct CacheCreation {
        /// Input tokens written with the five-minute time-to-live.
        optional pub ephemeral_5m_input_tokens: Option<u64>,
        /// Input tokens written with the one-hour time-to-live.
        optional pub ephemeral_1h_input_tokens: Option<u64>,
        /// Fields not modeled here, kept as received.
        pub extra: Map<String, Value>,
    }
}

wire_struct! {
    /// Server tool requests made (`usage.server_tool_use`).
    #[derive(Serialize, Debug, Clone, PartialEq, Default)]
    pub struct ServerToolUsage {
        /// Web searches.
        optional pub web_search_requests: Option<u64>,
        /// Web fetches.
        optional pub web_fetch_requests: Option<u64>,
        /// Fields not modeled here (other tools' counts), kept as received.
        pub extra: Map<String, Value>,
    }
}

open_string_enum! {
    /// The policy area of a refusal (`category` of [`RefusalStopDetails`]).
    pub enum RefusalCategory {
        /// `"cyber"`.
        Cyber => "cyber",
        /// `"bio"`.
        Bio => "bio",
        /// `"frontier_llm"`.
        FrontierLlm => "frontier_llm",
        /// `"reasoning_extraction"`.
        ReasoningExtraction => "reasoning_extraction",
        /// `"general_harms"`.
        GeneralHarms => "general_harms",
    }
}

wire_struct! {
    /// Why the model refused (`"type": "refusal"`).
    #[derive(Serialize, Debug, Clone, PartialEq, Default)]
    pub struct RefusalStopDetails {
        /// The policy area, when known.
        nullable pub category: Option<RefusalCategory>,
        /// A human-readable explanation, when available (not guaranteed stable).
        nullable pub explanation: Option<String>,
        /// Fields not modeled here, kept as received.
        pub extra: Map<String, Value>,
    }
}

tagged_enum! {
    /// More about why generation stopped (`stop_details` of a [`Message`]).
    pub enum StopDetails {
        /// `"refusal"`.
        "refusal" => Refusal(RefusalStopDetails),
    }
}

wire_struct! {
    /// Token usage of a request (billing and rate-limit counts).
    ///
    /// Optional counts are omitted when re-serialized if absent; a `null`
    /// received for one reads as `None`.
    #[derive(Serialize, Debug, Clone, PartialEq, Default)]
    pub struct Usage {
        /// Input tokens read (not counting cache reads or writes); 0 if missing.
        default pub input_tokens: u64,
        /// Output tokens generated; 0 if missing.
        default pub output_tokens: u64,
        /// Input tokens written to the prompt cache.
        optional pub cache_creation_input_tokens: Option<u64>,
        /// Input tokens read from the prompt cache.
        optional pub cache_read_input_tokens: Option<u64>,
        /// The capacity the request was served with.
        optional pub service_tier: Option<UsageServiceTier>,
        /// Server tool requests made.
        nullable pub server_tool_use: Option<ServerToolUsage>,
        /// Prompt-cache writes by time-to-live.
        nullable pub cache_creation: Option<CacheCreation>,
        /// Where inference ran (data residency, e.g. `"us"` or `"global"`).
        nullable pub inference_geo: Option<String>,
        /// Fields not modeled here (`output_tokens_details`, ...), kept as received.
        pub extra: Map<String, Value>,
    }
}

wire_struct! {
    /// A response of `POST /v1/messages`.
    ///
    /// ```
    /// use anthropic_aws::types::{ContentBlock, Message, StopReason};
    ///
    /// let message: Message = serde_json::from_str(r#"{
    ///     "id": "msg_01",
    ///     "type": "message",
    ///     "role": "assistant",
    ///     "content": [
    ///         {"type": "text", "text": "Hello"},
    ///         {"type": "brand_new_block", "x": 1},
    ///         {"type": "text", "text": ", world"}
    ///     ],
    ///     "model": "claude-opus-4-8",
    ///     "stop_reason": "end_turn",
    ///     "stop_sequence": null,
    ///     "usage": {"input_tokens": 10, "output_tokens": 4}
    /// }"#).unwrap();
    ///
    /// assert_eq!(message.text(), "Hello, world");
    /// assert_eq!(message.stop_reason, Some(StopReason::EndTurn));
    /// assert!(matches!(message.content[1], ContentBlock::Other(_)));
    /// assert_eq!(message.usage.output_tokens, 4);
    /// ```
    #[derive(Serialize, Debug, Clone, PartialEq)]
    pub struct Message {
        /// The message's ID (`msg_...`).
        required pub id: String,
        /// Object type (`type` in the JSON); always `"message"`.
        #[serde(rename = "type")]
        required pub kind: String,
        /// Always [`Role::Assistant`].
        required pub role: Role,
        /// What the model generated.
        required_vec pub content: Vec<ContentBlock>,
        /// The model that answered.
        required pub model: String,
        /// Why generation stopped (`null` only in a stream's first event).
        /// Serialized as `null` when `None`.
        default pub stop_reason: Option<StopReason>,
        /// The stop sequence that was generated, if any. Serialized as `null`
        /// when `None`.
        default pub stop_sequence: Option<String>,
        /// Token usage.
        required pub usage: Usage,
        /// More about why generation stopped (refusals).
        nullable pub stop_details: Option<StopDetails>,
        /// The container the server tools ran in.
        nullable pub container: Option<Container>,
        /// The context edits applied.
        nullable pub context_management: Option<AppliedContextEdits>,
        /// Fields not modeled here, kept as received.
        pub extra: Map<String, Value>,
    }
}

impl Message {
    /// The text of all text blocks, concatenated in order (no separator).
    pub fn text(&self) -> String {
        self.content
            .iter()
            .filter_map(ContentBlock::as_text)
            .collect()
    }

    /// The tool calls in the response, in order.
    pub fn tool_uses(&self) -> impl Iterator<Item = &ToolUseBlock> {
        self.content.iter().filter_map(ContentBlock::as_tool_use)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::TextBlock;
    use serde_json::json;

    fn response_json() -> Value {
        json!({
            "id": "msg_013Zva2CMHLNnXjNJJKqJ2EF",
            "type": "message",
            "role": "assistant",
            "content": [
                {"type": "thinking", "thinking": "Let me see.", "signature": "EqQB"},
                {"type": "text", "text": "It is ", "citations": [{"type": "char_location", "cited_text": "x"}]},
                {"type": "mcp_tool_result", "tool_use_id": "srvtoolu_1", "content": [{"k": 1}]},
                {"type": "text", "text": "sunny."},
                {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {"city": "Paris"}}
            ],
            "model": "claude-opus-4-8",
            "stop_reason": "brand_new_reason",
            "stop_sequence": null,
            "usage": {
                "input_tokens": 25,
                "output_tokens": 40,
                "cache_creation_input_tokens": 0,
                "cache_read_input_tokens": 12,
                "service_tier": "standard",
                "server_tool_use": {"web_search_requests": 1},
                "cache_creation": {"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": 0},
                "inference_geo": "us"
            },
            "container": {"id": "c_1", "expires_at": "2026-10-21T00:00:00Z"},
            "future_top_level": [1, 2, 3]
        })
    }

    #[test]
    fn response_with_unknowns_decodes_and_round_trips() {
        let raw = response_json();
        let message: Message = serde_json::from_value(raw.clone()).unwrap();

        assert_eq!(message.kind, "message");
        assert_eq!(message.role, Role::Assistant);
        assert_eq!(
            message.stop_reason,
            Some(StopReason::Other("brand_new_reason".into()))
        );
        assert_eq!(message.stop_sequence, None);
        assert!(matches!(
            &message.content[2],
            ContentBlock::Other(v) if v["tool_use_id"] == "srvtoolu_1"
        ));
        assert_eq!(message.content[2].type_name(), Some("mcp_tool_result"));
        assert_eq!(
            message.container.as_ref().map(|c| c.id.as_str()),
            Some("c_1")
        );
        assert_eq!(message.extra["future_top_level"], json!([1, 2, 3]));
        assert_eq!(message.usage.cache_read_input_tokens, Some(12));
        assert_eq!(message.usage.service_tier, Some(UsageServiceTier::Standard));
        assert_eq!(message.usage.inference_geo.as_deref(), Some("us"));
        assert_eq!(
            message
                .usage
                .server_tool_use
                .as_ref()
                .and_then(|s| s.web_search_requests),
            Some(1)
        );
        assert!(message.usage.cache_creation.is_some());

        assert_eq!(message.text(), "It is sunny.");
        let calls: Vec<_> = message.tool_uses().map(|t| t.name.as_str()).collect();
        assert_eq!(calls, ["get_weather"]);

        assert_eq!(serde_json::to_value(&message).unwrap(), raw);
    }

    #[test]
    fn known_stop_reasons_and_null() {
        for (wire, reason) in [
            ("end_turn", StopReason::EndTurn),
            ("max_tokens", StopReason::MaxTokens),
            ("stop_sequence", StopReason::StopSequence),
            ("tool_use", StopReason::ToolUse),
            ("pause_turn", StopReason::PauseTurn),
            ("refusal", StopReason::Refusal),
            (
                "model_context_window_exceeded",
                StopReason::ModelContextWindowExceeded,
            ),
        ] {
            assert_eq!(
                serde_json::from_value::<StopReason>(json!(wire)).unwrap(),
                reason
            );
            assert_eq!(serde_json::to_value(&reason).unwrap(), json!(wire));
        }
        let mut raw = response_json();
        raw["stop_reason"] = Value::Null;
        let message: Message = serde_json::from_value(raw.clone()).unwrap();
        assert_eq!(message.stop_reason, None);
        assert_eq!(serde_json::to_value(&message).unwrap(), raw);
    }

    #[test]
    fn minimal_usage_and_text_block() {
        let usage: Usage =
            serde_json::from_value(json!({"input_tokens": 3, "output_tokens": 5})).unwrap();
        assert_eq!(usage.input_tokens, 3);
        assert_eq!(usage.cache_creation_input_tokens, None);
        assert_eq!(
            serde_json::to_value(&usage).unwrap(),
            json!({"input_tokens": 3, "output_tokens": 5})
        );
        let block: ContentBlock =
            serde_json::from_value(json!({"type": "text", "text": "a"})).unwrap();
        assert_eq!(
            block,
            ContentBlock::Text(TextBlock {
                text: "a".into(),
                ..TextBlock::default()
            })
        );
    }
}
