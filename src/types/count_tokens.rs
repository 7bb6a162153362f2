//! The Token Counting API: [`CountTokensParams`] and [`MessageTokensCount`].

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{
    MessageCreateParams, MessageParam, OutputConfig, OutputFormat, SystemPrompt, ThinkingConfig,
    ToolChoice, ToolParam,
};

/// The body of `POST /v1/messages/count_tokens`: the parts of a message
/// request that count as input.
///
/// ```
/// use anthropic_aws::types::{CountTokensParams, MessageCreateParams, MessageParam};
/// use serde_json::json;
///
/// let params = CountTokensParams::new("claude-opus-4-8", vec![MessageParam::user("Hi")])
///     .system("You are terse.");
/// assert_eq!(
///     serde_json::to_value(&params).unwrap(),
///     json!({
///         "model": "claude-opus-4-8",
///         "messages": [{"role": "user", "content": "Hi"}],
///         "system": "You are terse."
///     })
/// );
///
/// // Or count exactly what a message request would send.
/// let create = MessageCreateParams::new("claude-opus-4-8", 1024, vec![MessageParam::user("Hi")])
///     .system("You are terse.");
/// assert_eq!(CountTokensParams::from(&create), params);
/// ```
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct CountTokensParams {
    /// The model ID.
    pub model: String,
    /// The conversation to count.
    pub messages: Vec<MessageParam>,
    /// The system prompt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<SystemPrompt>,
    /// Tool definitions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tools: Option<Vec<ToolParam>>,
    /// How the model should use the tools.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_choice: Option<ToolChoice>,
    /// Extended thinking.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thinking: Option<ThinkingConfig>,
    /// Output options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_config: Option<OutputConfig>,
    /// Fields not modeled here, sent at the top level of the body.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl CountTokensParams {
    /// Counts `messages` for `model`.
    pub fn new(model: impl Into<String>, messages: Vec<MessageParam>) -> Self {
        Self {
            model: model.into(),
            messages,
            system: None,
            tools: None,
            tool_choice: None,
            thinking: None,
            output_config: None,
            extra: Map::new(),
        }
    }

    /// Sets the system prompt.
    #[must_use]
    pub fn system(mut self, system: impl Into<SystemPrompt>) -> Self {
        self.system = Some(system.into());
        self
    }

    /// Sets the tools, replacing any set before.
    #[must_use]
    pub fn tools<I>(mut self, tools: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<ToolParam>,
    {
        self.tools = Some(tools.into_iter().map(Into::into).collect());
        self
    }

    /// Adds one tool.
    #[must_use]
    pub fn tool(mut self, tool: impl Into<ToolParam>) -> Self {
        self.tools.get_or_insert_with(Vec::new).push(tool.into());
        self
    }

    /// Sets how the model should use the tools.
    #[must_use]
    pub fn tool_choice(mut self, tool_choice: impl Into<ToolChoice>) -> Self {
        self.tool_choice = Some(tool_choice.into());
        self
    }

    /// Sets the extended-thinking configuration.
    #[must_use]
    pub fn thinking(mut self, thinking: impl Into<ThinkingConfig>) -> Self {
        self.thinking = Some(thinking.into());
        self
    }

    /// Sets the output configuration.
    #[must_use]
    pub fn output_config(mut self, output_config: OutputConfig) -> Self {
        self.output_config = Some(output_config);
        self
    }

    /// Sets `output_config.format`, keeping the rest of `output_config`: a structured
    /// output's schema counts. [`helpers::parse::output_format`](crate::helpers::parse::output_format)
    /// makes one from a Rust type.
    ///
    /// ```
    /// use anthropic_aws::helpers::parse::output_format;
    /// use anthropic_aws::types::{CountTokensParams, MessageParam};
    ///
    /// #[derive(serde::Deserialize, schemars::JsonSchema)]
    /// struct Verdict {
    ///     approved: bool,
    /// }
    ///
    /// let params = CountTokensParams::new("claude-opus-4-8", vec![MessageParam::user("Approve?")])
    ///     .output_format(output_format::<Verdict>());
    /// let body = serde_json::to_value(&params).unwrap();
    /// assert_eq!(body["output_config"]["format"]["schema"]["required"][0], "approved");
    /// ```
    #[must_use]
    pub fn output_format(mut self, format: impl Into<OutputFormat>) -> Self {
        self.output_config
            .get_or_insert_with(OutputConfig::default)
            .format = Some(format.into());
        self
    }
}

/// Copies `model`, `messages`, `system`, `tools`, `tool_choice`, `thinking`
/// and `output_config`.
///
/// The `extra` fields are not copied (the endpoint may not accept fields
/// meant for message creation); add the ones it takes with `extra_field`.
impl From<&MessageCreateParams> for CountTokensParams {
    fn from(params: &MessageCreateParams) -> Self {
        Self {
            model: params.model.clone(),
            messages: params.messages.clone(),
            system: params.system.clone(),
            tools: params.tools.clone(),
            tool_choice: params.tool_choice.clone(),
            thinking: params.thinking.clone(),
            output_config: params.output_config.clone(),
            extra: Map::new(),
        }
    }
}

/// Like `From<&MessageCreateParams>`, without cloning.
impl From<MessageCreateParams> for CountTokensParams {
    fn from(params: MessageCreateParams) -> Self {
        Self {
            model: params.model,
            messages: params.messages,
            system: params.system,
            tools: params.tools,
            tool_choice: params.tool_choice,
            thinking: params.thinking,
            output_config: params.output_config,
            extra: Map::new(),
        }
    }
}

/// The response of `POST /v1/messages/count_tokens`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub struct MessageTokensCount {
    /// Total input tokens of the messages, system prompt and tools.
    pub input_tokens: u64,
    /// Fields not modeled here, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl_extra_field!(CountTokensParams);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{Metadata, Tool};
    use serde_json::json;

    #[test]
    fn from_create_params_copies_only_countable_fields() {
        let create = MessageCreateParams::new("m", 100, vec![MessageParam::user("hi")])
            .system("sys")
            .tool(Tool::new("f", json!({"type": "object"})))
            .tool_choice(ToolChoice::any())
            .thinking(ThinkingConfig::enabled(1024))
            .effort("low")
            .stop_sequences(["x"])
            .metadata(Metadata::user_id("u"))
            .extra_field("create_only", 1);
        let count = CountTokensParams::from(&create);
        let expected = json!({
            "model": "m",
            "messages": [{"role": "user", "content": "hi"}],
            "system": "sys",
            "tools": [{"name": "f", "input_schema": {"type": "object"}}],
            "tool_choice": {"type": "any"},
            "thinking": {"type": "enabled", "budget_tokens": 1024},
            "output_config": {"effort": "low"}
        });
        assert_eq!(serde_json::to_value(&count).unwrap(), expected);
        assert_eq!(CountTokensParams::from(create), count);

        let with_extra = count.extra_field("new_flag", true);
        assert_eq!(
            serde_json::to_value(&with_extra).unwrap()["new_flag"],
            json!(true)
        );
    }

    #[test]
    fn tokens_count_keeps_unknown_fields() {
        let raw = json!({"input_tokens": 2095, "context_management": {"original_input_tokens": 1}});
        let count: MessageTokensCount = serde_json::from_value(raw.clone()).unwrap();
        assert_eq!(count.input_tokens, 2095);
        assert!(count.extra.contains_key("context_management"));
        assert_eq!(serde_json::to_value(&count).unwrap(), raw);
    }
}
