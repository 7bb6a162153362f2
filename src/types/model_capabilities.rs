//! What a model supports ([`ModelCapabilities`], `capabilities` of a
//! [`ModelInfo`](super::ModelInfo)).
//!
//! Every capability is optional, so a model entry that omits one still decodes; fields this
//! crate does not know are kept in `extra`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Whether one feature is supported (`{"supported": bool}`).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub struct CapabilitySupport {
    /// Whether the model supports it.
    #[serde(default)]
    pub supported: bool,
    /// Fields not modeled here, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Context management support, per edit.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub struct ContextManagementCapability {
    /// Whether the model supports context management at all.
    #[serde(default)]
    pub supported: bool,
    /// `clear_thinking_20251015`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clear_thinking_20251015: Option<CapabilitySupport>,
    /// `clear_tool_uses_20250919`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clear_tool_uses_20250919: Option<CapabilitySupport>,
    /// `compact_20260112`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compact_20260112: Option<CapabilitySupport>,
    /// Fields not modeled here, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Effort support, per level.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub struct EffortCapability {
    /// Whether the model supports `effort` at all.
    #[serde(default)]
    pub supported: bool,
    /// `low`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub low: Option<CapabilitySupport>,
    /// `medium`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub medium: Option<CapabilitySupport>,
    /// `high`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high: Option<CapabilitySupport>,
    /// `xhigh`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub xhigh: Option<CapabilitySupport>,
    /// `max`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<CapabilitySupport>,
    /// Fields not modeled here, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Thinking modes supported.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub struct ThinkingTypes {
    /// `{"type": "adaptive"}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adaptive: Option<CapabilitySupport>,
    /// `{"type": "enabled", "budget_tokens": n}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<CapabilitySupport>,
    /// Fields not modeled here, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Extended thinking support.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub struct ThinkingCapability {
    /// Whether the model supports thinking at all.
    #[serde(default)]
    pub supported: bool,
    /// Which thinking modes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub types: Option<ThinkingTypes>,
    /// Fields not modeled here, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// What a model supports.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub struct ModelCapabilities {
    /// Message Batches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch: Option<CapabilitySupport>,
    /// Citations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub citations: Option<CapabilitySupport>,
    /// The code execution tool.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_execution: Option<CapabilitySupport>,
    /// Context management.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context_management: Option<ContextManagementCapability>,
    /// `output_config.effort`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effort: Option<EffortCapability>,
    /// Image input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_input: Option<CapabilitySupport>,
    /// PDF input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pdf_input: Option<CapabilitySupport>,
    /// Structured outputs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub structured_outputs: Option<CapabilitySupport>,
    /// Extended thinking.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thinking: Option<ThinkingCapability>,
    /// Fields not modeled here, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
