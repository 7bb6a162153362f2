//! Context management: the edits a request asks for ([`ContextManagement`]) and those a
//! response applied ([`AppliedContextEdits`]).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Clear old tool results (`"type": "clear_tool_uses_20250919"`). Thresholds are
/// `{"type": "input_tokens" | "tool_uses", "value": n}` objects, kept as JSON.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub struct ClearToolUsesEdit {
    /// When to clear (e.g. `{"type": "input_tokens", "value": 30000}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trigger: Option<Value>,
    /// How many recent tool uses to keep (`{"type": "tool_uses", "value": 3}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keep: Option<Value>,
    /// Clear at least this much (`{"type": "input_tokens", "value": n}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clear_at_least: Option<Value>,
    /// Also clear tool inputs: `true`, or the names of the tools whose inputs to clear.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clear_tool_inputs: Option<Value>,
    /// Tools whose results are never cleared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclude_tools: Option<Vec<String>>,
    /// Fields not modeled here, sent as-is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Clear old thinking blocks (`"type": "clear_thinking_20251015"`).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub struct ClearThinkingEdit {
    /// Which thinking turns to keep: `"all"` or `{"type": "thinking_turns", "value": n}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keep: Option<Value>,
    /// Fields not modeled here, sent as-is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Summarize the conversation when it grows long (`"type": "compact_20260112"`).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub struct CompactEdit {
    /// When to compact (`{"type": "input_tokens", "value": n}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trigger: Option<Value>,
    /// Instructions for the summary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instructions: Option<String>,
    /// Stop the turn after compacting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pause_after_compaction: Option<bool>,
    /// Fields not modeled here, sent as-is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

tagged_enum! {
    /// One edit of [`ContextManagement`].
    pub enum ContextEdit {
        /// `"clear_tool_uses_20250919"`.
        "clear_tool_uses_20250919" => ClearToolUses(ClearToolUsesEdit),
        /// `"clear_thinking_20251015"`.
        "clear_thinking_20251015" => ClearThinking(ClearThinkingEdit),
        /// `"compact_20260112"`.
        "compact_20260112" => Compact(CompactEdit),
    }
}

/// The request's `context_management`: edits the platform applies to the context.
///
/// ```
/// use anthropic_aws::types::{ClearToolUsesEdit, ContextManagement};
///
/// let cm = ContextManagement::new([ClearToolUsesEdit::default().into()]);
/// assert_eq!(
///     serde_json::to_value(&cm).unwrap(),
///     serde_json::json!({"edits": [{"type": "clear_tool_uses_20250919"}]})
/// );
/// ```
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub struct ContextManagement {
    /// The edits, in order.
    #[serde(default)]
    pub edits: Vec<ContextEdit>,
    /// Fields not modeled here, sent as-is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ContextManagement {
    /// Context management with `edits`.
    pub fn new<I: IntoIterator<Item = ContextEdit>>(edits: I) -> Self {
        Self {
            edits: edits.into_iter().collect(),
            extra: Map::new(),
        }
    }
}

wire_struct! {
    /// What one applied edit cleared (`clear_tool_uses_20250919`, `clear_thinking_20251015`).
    #[derive(Serialize, Debug, Clone, PartialEq, Default)]
    pub struct AppliedEditCounts {
        /// Input tokens cleared.
        nullable pub cleared_input_tokens: Option<u64>,
        /// Tool uses cleared (`clear_tool_uses_20250919`).
        nullable pub cleared_tool_uses: Option<u64>,
        /// Thinking turns cleared (`clear_thinking_20251015`).
        nullable pub cleared_thinking_turns: Option<u64>,
        /// Fields not modeled here, kept as received.
        pub extra: Map<String, Value>,
    }
}

wire_struct! {
    /// [`AppliedContextEdit::ClearThinking`]: the same fields as [`AppliedEditCounts`].
    #[derive(Serialize, Debug, Clone, PartialEq, Default)]
    pub struct AppliedThinkingEdit {
        /// Input tokens cleared.
        nullable pub cleared_input_tokens: Option<u64>,
        /// Thinking turns cleared.
        nullable pub cleared_thinking_turns: Option<u64>,
        /// Fields not modeled here, kept as received.
        pub extra: Map<String, Value>,
    }
}

tagged_enum! {
    /// An edit the platform applied.
    pub enum AppliedContextEdit {
        /// `"clear_tool_uses_20250919"`.
        "clear_tool_uses_20250919" => ClearToolUses(AppliedEditCounts),
        /// `"clear_thinking_20251015"`.
        "clear_thinking_20251015" => ClearThinking(AppliedThinkingEdit),
    }
}

wire_struct! {
    /// A response's `context_management`: the edits applied.
    #[derive(Serialize, Debug, Clone, PartialEq, Default)]
    pub struct AppliedContextEdits {
        /// The edits applied, in order.
        default pub applied_edits: Vec<AppliedContextEdit>,
        /// Fields not modeled here, kept as received.
        pub extra: Map<String, Value>,
    }
}

impl_extra_field!(
    ClearToolUsesEdit,
    ClearThinkingEdit,
    CompactEdit,
    ContextManagement
);
