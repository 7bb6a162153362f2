//! The Messages API request: [`MessageCreateParams`] and the conversation
//! turns ([`MessageParam`]) it carries.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use super::macros::json_kind;
use super::{
    CacheControl, ContainerParam, ContentBlockParam, ContextManagement, Effort, Message, Metadata,
    OutputConfig, OutputFormat, ServiceTier, SystemPrompt, ThinkingConfig, ToolChoice, ToolParam,
};

open_string_enum! {
    /// Who wrote a conversation turn.
    pub enum Role {
        /// `"user"`.
        User => "user",
        /// `"assistant"`.
        Assistant => "assistant",
    }
}

/// The content of a turn (or of a tool result or content document): a plain
/// string, or a list of content blocks.
///
/// A string is shorthand for a single text block.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(untagged)]
pub enum MessageContent {
    /// A plain string.
    Text(String),
    /// A list of blocks.
    Blocks(Vec<ContentBlockParam>),
}

impl Default for MessageContent {
    /// An empty string.
    fn default() -> Self {
        Self::Text(String::new())
    }
}

impl<'de> Deserialize<'de> for MessageContent {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        match Value::deserialize(deserializer)? {
            Value::String(text) => Ok(Self::Text(text)),
            blocks @ Value::Array(_) => serde_json::from_value(blocks)
                .map(Self::Blocks)
                .map_err(D::Error::custom),
            other => Err(D::Error::custom(format_args!(
                "content must be a string or an array of content blocks, found {}",
                json_kind(&other)
            ))),
        }
    }
}

impl From<&str> for MessageContent {
    fn from(text: &str) -> Self {
        Self::Text(text.to_owned())
    }
}

impl From<String> for MessageContent {
    fn from(text: String) -> Self {
        Self::Text(text)
    }
}

impl From<Vec<ContentBlockParam>> for MessageContent {
    fn from(blocks: Vec<ContentBlockParam>) -> Self {
        Self::Blocks(blocks)
    }
}

impl From<ContentBlockParam> for MessageContent {
    fn from(block: ContentBlockParam) -> Self {
        Self::Blocks(vec![block])
    }
}

/// One conversation turn: `{"role", "content"}`.
///
/// ```
/// use anthropic_aws::types::{ContentBlockParam, MessageParam, Role};
/// use serde_json::json;
///
/// let turns = vec![
///     MessageParam::user("What's in this image?"),
///     MessageParam::assistant("A cat."),
///     MessageParam::user(vec![
///         ContentBlockParam::image_url("https://example.com/dog.png"),
///         ContentBlockParam::text("And this one?"),
///     ]),
/// ];
/// assert_eq!(turns[1].role, Role::Assistant);
/// assert_eq!(
///     serde_json::to_value(&turns[2]).unwrap(),
///     json!({
///         "role": "user",
///         "content": [
///             {"type": "image", "source": {"type": "url", "url": "https://example.com/dog.png"}},
///             {"type": "text", "text": "And this one?"}
///         ]
///     })
/// );
/// ```
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct MessageParam {
    /// Who wrote the turn.
    pub role: Role,
    /// The turn's content.
    pub content: MessageContent,
    /// Fields not modeled here, sent as-is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl MessageParam {
    /// A turn of `role` with `content`.
    pub fn new(role: impl Into<Role>, content: impl Into<MessageContent>) -> Self {
        Self {
            role: role.into(),
            content: content.into(),
            extra: Map::new(),
        }
    }

    /// A user turn.
    pub fn user(content: impl Into<MessageContent>) -> Self {
        Self::new(Role::User, content)
    }

    /// An assistant turn (a previous answer, or a prefill to continue from).
    pub fn assistant(content: impl Into<MessageContent>) -> Self {
        Self::new(Role::Assistant, content)
    }
}

/// The assistant's response as the next turn of the conversation: every
/// content block is converted with `From<ContentBlock> for ContentBlockParam`.
impl From<Message> for MessageParam {
    fn from(message: Message) -> Self {
        Self::new(
            message.role,
            message
                .content
                .into_iter()
                .map(ContentBlockParam::from)
                .collect::<Vec<_>>(),
        )
    }
}

/// The body of `POST /v1/messages`.
///
/// Required fields go to [`new`](Self::new); the rest are set with chained
/// setters. Fields the types do not model can be sent with
/// [`extra_field`](Self::extra_field). API version `2026-10-21` has no
/// `temperature`, `top_p` or `top_k`.
///
/// ```
/// use anthropic_aws::types::{MessageCreateParams, MessageParam, ThinkingConfig, Tool};
/// use serde_json::json;
///
/// let params = MessageCreateParams::new(
///     "claude-opus-4-8",
///     1024,
///     vec![MessageParam::user("Hello, Claude")],
/// )
/// .system("You are terse.")
/// .stop_sequences(["END"])
/// .thinking(ThinkingConfig::adaptive())
/// .tool(Tool::new("get_time", json!({"type": "object", "properties": {}})))
/// .extra_field("some_new_field", true);
///
/// assert_eq!(
///     serde_json::to_value(&params).unwrap(),
///     json!({
///         "model": "claude-opus-4-8",
///         "max_tokens": 1024,
///         "messages": [{"role": "user", "content": "Hello, Claude"}],
///         "system": "You are terse.",
///         "stop_sequences": ["END"],
///         "thinking": {"type": "adaptive"},
///         "tools": [{"name": "get_time", "input_schema": {"type": "object", "properties": {}}}],
///         "some_new_field": true
///     })
/// );
/// ```
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct MessageCreateParams {
    /// The model ID, e.g. `"claude-opus-4-8"`.
    pub model: String,
    /// The most tokens to generate before stopping.
    pub max_tokens: u32,
    /// The conversation so far, alternating user and assistant turns.
    pub messages: Vec<MessageParam>,
    /// The system prompt: a string or text blocks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<SystemPrompt>,
    /// Tools the model may use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tools: Option<Vec<ToolParam>>,
    /// How the model should use the tools.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_choice: Option<ToolChoice>,
    /// Extended thinking.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thinking: Option<ThinkingConfig>,
    /// Output options: effort, structured output format.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_config: Option<OutputConfig>,
    /// Custom strings that stop generation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop_sequences: Option<Vec<String>>,
    /// Request metadata (an opaque end-user ID).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata>,
    /// Priority or standard capacity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_tier: Option<ServiceTier>,
    /// Where inference may run (data residency, e.g. `"us"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inference_geo: Option<String>,
    /// A prompt-cache breakpoint for the whole request (automatic caching).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_control: Option<CacheControl>,
    /// The code execution container to use, and the skills to load into it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container: Option<ContainerParam>,
    /// Edits the platform applies to the context (clearing, compaction).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context_management: Option<ContextManagement>,
    /// Whether to stream the response. Set by the client's streaming call,
    /// not by users: leave it `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) stream: Option<bool>,
    /// Fields not modeled here, sent at the top level of the body.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl MessageCreateParams {
    /// A request for `model` generating at most `max_tokens` tokens after
    /// `messages`.
    pub fn new(model: impl Into<String>, max_tokens: u32, messages: Vec<MessageParam>) -> Self {
        Self {
            model: model.into(),
            max_tokens,
            messages,
            system: None,
            tools: None,
            tool_choice: None,
            thinking: None,
            output_config: None,
            stop_sequences: None,
            metadata: None,
            service_tier: None,
            inference_geo: None,
            cache_control: None,
            container: None,
            context_management: None,
            stream: None,
            extra: Map::new(),
        }
    }

    /// Sets the system prompt (a string or `Vec<TextBlockParam>`).
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

    /// Sets the output configuration, replacing any set before.
    #[must_use]
    pub fn output_config(mut self, output_config: OutputConfig) -> Self {
        self.output_config = Some(output_config);
        self
    }

    /// Sets `output_config.effort`, keeping the rest of `output_config`.
    #[must_use]
    pub fn effort(mut self, effort: impl Into<Effort>) -> Self {
        self.output_config
            .get_or_insert_with(OutputConfig::default)
            .effort = Some(effort.into());
        self
    }

    /// Sets `output_config.format`, keeping the rest of `output_config` (its effort).
    /// [`helpers::parse::output_format`](crate::helpers::parse::output_format) makes one from
    /// a Rust type.
    #[must_use]
    pub fn output_format(mut self, format: impl Into<OutputFormat>) -> Self {
        self.output_config
            .get_or_insert_with(OutputConfig::default)
            .format = Some(format.into());
        self
    }

    /// Sets the stop sequences.
    #[must_use]
    pub fn stop_sequences<I>(mut self, stop_sequences: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.stop_sequences = Some(stop_sequences.into_iter().map(Into::into).collect());
        self
    }

    /// Sets the request metadata.
    #[must_use]
    pub fn metadata(mut self, metadata: Metadata) -> Self {
        self.metadata = Some(metadata);
        self
    }

    /// Sets the service tier.
    #[must_use]
    pub fn service_tier(mut self, service_tier: impl Into<ServiceTier>) -> Self {
        self.service_tier = Some(service_tier.into());
        self
    }

    /// Sets where inference may run (data residency, e.g. `"us"`).
    #[must_use]
    pub fn inference_geo(mut self, geo: impl Into<String>) -> Self {
        self.inference_geo = Some(geo.into());
        self
    }

    /// Sets a prompt-cache breakpoint for the whole request.
    #[must_use]
    pub fn cache_control(mut self, cache_control: CacheControl) -> Self {
        self.cache_control = Some(cache_control);
        self
    }

    /// Sets the container (an ID to reuse, or [`ContainerParam::skills`]).
    #[must_use]
    pub fn container(mut self, container: impl Into<ContainerParam>) -> Self {
        self.container = Some(container.into());
        self
    }

    /// Sets the context management edits.
    #[must_use]
    pub fn context_management(mut self, context_management: ContextManagement) -> Self {
        self.context_management = Some(context_management);
        self
    }

    /// Whether the request is marked for streaming (set by the client).
    pub fn is_stream(&self) -> bool {
        self.stream == Some(true)
    }
}

impl_extra_field!(MessageParam, MessageCreateParams);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{
        CacheControl, Effort, OutputFormat, TextBlockParam, ThinkingDisplay, Tool, ToolChoice,
    };
    use serde_json::json;

    fn full_params() -> MessageCreateParams {
        let mut params = MessageCreateParams::new(
            "claude-opus-4-8",
            2048,
            vec![
                MessageParam::user("Hello, Claude"),
                MessageParam::assistant(vec![ContentBlockParam::tool_use(
                    "toolu_1",
                    "get_weather",
                    json!({"city": "Paris"}),
                )]),
                MessageParam::user(vec![ContentBlockParam::tool_result("toolu_1", "sunny")]),
            ],
        )
        .system(vec![
            TextBlockParam::new("You are terse.").cache_control(CacheControl::ephemeral()),
        ])
        .tool(
            Tool::new(
                "get_weather",
                json!({"type": "object", "properties": {"city": {"type": "string"}}}),
            )
            .description("Weather for a city")
            .strict(true),
        )
        .tool(crate::types::WebSearchTool::new("web_search_20250305").max_uses(3))
        .tool_choice(ToolChoice::auto().disable_parallel_tool_use(true))
        .thinking(ThinkingConfig::enabled(1024).display(ThinkingDisplay::Omitted))
        .effort(Effort::High)
        .stop_sequences(["END", "STOP"])
        .metadata(Metadata::user_id("user-123"))
        .service_tier(ServiceTier::StandardOnly)
        .extra_field("some_new_field", json!({"on": true}));
        params.output_config = params
            .output_config
            .map(|c| c.format(OutputFormat::json_schema(json!({"type": "object"}))));
        params
    }

    #[test]
    fn full_params_serialize_exactly() {
        let expected = json!({
            "model": "claude-opus-4-8",
            "max_tokens": 2048,
            "messages": [
                {"role": "user", "content": "Hello, Claude"},
                {"role": "assistant", "content": [
                    {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {"city": "Paris"}}
                ]},
                {"role": "user", "content": [
                    {"type": "tool_result", "tool_use_id": "toolu_1", "content": "sunny"}
                ]}
            ],
            "system": [
                {"type": "text", "text": "You are terse.", "cache_control": {"type": "ephemeral"}}
            ],
            "tools": [
                {
                    "name": "get_weather",
                    "description": "Weather for a city",
                    "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}},
                    "strict": true
                },
                {"type": "web_search_20250305", "name": "web_search", "max_uses": 3}
            ],
            "tool_choice": {"type": "auto", "disable_parallel_tool_use": true},
            "thinking": {"type": "enabled", "budget_tokens": 1024, "display": "omitted"},
            "output_config": {
                "effort": "high",
                "format": {"type": "json_schema", "schema": {"type": "object"}}
            },
            "stop_sequences": ["END", "STOP"],
            "metadata": {"user_id": "user-123"},
            "service_tier": "standard_only",
            "some_new_field": {"on": true}
        });
        let params = full_params();
        assert_eq!(serde_json::to_value(&params).unwrap(), expected);

        // Decoding the JSON gives back the same params.
        let back: MessageCreateParams = serde_json::from_value(expected).unwrap();
        assert_eq!(back, params);
    }

    #[test]
    fn minimal_params_skip_every_unset_field() {
        let params = MessageCreateParams::new("m", 1, vec![MessageParam::user("hi")]);
        let text = serde_json::to_string(&params).unwrap();
        assert_eq!(
            text,
            r#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"hi"}]}"#
        );
        assert!(!params.is_stream());
    }

    #[test]
    fn stream_flag_is_serialized_when_set() {
        let mut params = MessageCreateParams::new("m", 1, vec![MessageParam::user("hi")]);
        params.stream = Some(true);
        assert!(params.is_stream());
        let value = serde_json::to_value(&params).unwrap();
        assert_eq!(value["stream"], json!(true));
    }

    #[test]
    fn string_and_block_content_round_trip() {
        let as_string = json!({"role": "user", "content": "plain"});
        let turn: MessageParam = serde_json::from_value(as_string.clone()).unwrap();
        assert_eq!(turn.content, MessageContent::Text("plain".into()));
        assert_eq!(serde_json::to_value(&turn).unwrap(), as_string);

        let as_blocks = json!({"role": "user", "content": [{"type": "text", "text": "plain"}]});
        let turn: MessageParam = serde_json::from_value(as_blocks.clone()).unwrap();
        assert_eq!(
            turn.content,
            MessageContent::Blocks(vec![ContentBlockParam::text("plain")])
        );
        assert_eq!(serde_json::to_value(&turn).unwrap(), as_blocks);

        let bad = serde_json::from_value::<MessageParam>(json!({"role": "user", "content": 3}));
        assert!(bad.unwrap_err().to_string().contains("found a number"));
    }

    #[test]
    fn response_becomes_next_turn() {
        let message: Message = serde_json::from_value(json!({
            "id": "msg_1",
            "type": "message",
            "role": "assistant",
            "content": [{"type": "text", "text": "Hi"}],
            "model": "claude-opus-4-8",
            "stop_reason": "end_turn",
            "stop_sequence": null,
            "usage": {"input_tokens": 1, "output_tokens": 1}
        }))
        .unwrap();
        let turn = MessageParam::from(message);
        assert_eq!(
            serde_json::to_value(&turn).unwrap(),
            json!({"role": "assistant", "content": [{"type": "text", "text": "Hi"}]})
        );
    }
}
