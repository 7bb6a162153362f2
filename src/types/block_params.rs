//! The request block structs [`ContentBlockParam`](super::ContentBlockParam) wraps that
//! exist only on the request side: [`TextBlockParam`], [`ImageBlockParam`],
//! [`DocumentBlockParam`], [`ToolUseBlockParam`], [`ToolResultBlockParam`],
//! [`ThinkingBlockParam`] and [`RedactedThinkingBlockParam`], with their builder methods. The
//! enum itself and its shortcuts are in `content.rs`; blocks sent back as a response gave them
//! (server tool use and results, ...) are in their own files.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{CacheControl, CitationsConfig, DocumentSource, ImageSource, MessageContent};

/// A text block in a request (`"type": "text"`); also the element type of a
/// block-form system prompt.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub struct TextBlockParam {
    /// The text.
    pub text: String,
    /// Prompt-cache breakpoint on this block.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_control: Option<CacheControl>,
    /// Citations to send back with this text (as the API returned them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub citations: Option<Vec<Value>>,
    /// Fields not modeled here, sent as-is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl TextBlockParam {
    /// A text block holding `text`.
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            ..Self::default()
        }
    }

    /// Sets a prompt-cache breakpoint on this block.
    #[must_use]
    pub fn cache_control(mut self, cache_control: CacheControl) -> Self {
        self.cache_control = Some(cache_control);
        self
    }

    /// Sets the citations sent with this text.
    #[must_use]
    pub fn citations(mut self, citations: Vec<Value>) -> Self {
        self.citations = Some(citations);
        self
    }
}

/// An image block (`"type": "image"`).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct ImageBlockParam {
    /// Where the image comes from.
    pub source: ImageSource,
    /// Prompt-cache breakpoint on this block.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_control: Option<CacheControl>,
    /// Fields not modeled here, sent as-is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ImageBlockParam {
    /// An image from `source`.
    pub fn new(source: impl Into<ImageSource>) -> Self {
        Self {
            source: source.into(),
            cache_control: None,
            extra: Map::new(),
        }
    }

    /// Sets a prompt-cache breakpoint on this block.
    #[must_use]
    pub fn cache_control(mut self, cache_control: CacheControl) -> Self {
        self.cache_control = Some(cache_control);
        self
    }
}

/// A document block (`"type": "document"`): a PDF, plain text or content.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct DocumentBlockParam {
    /// Where the document comes from.
    pub source: DocumentSource,
    /// The document's title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Context about the document, not cited from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    /// Whether the model may cite this document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub citations: Option<CitationsConfig>,
    /// Prompt-cache breakpoint on this block.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_control: Option<CacheControl>,
    /// Fields not modeled here, sent as-is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl DocumentBlockParam {
    /// A document from `source`.
    pub fn new(source: impl Into<DocumentSource>) -> Self {
        Self {
            source: source.into(),
            title: None,
            context: None,
            citations: None,
            cache_control: None,
            extra: Map::new(),
        }
    }

    /// Sets the title.
    #[must_use]
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// Sets the context.
    #[must_use]
    pub fn context(mut self, context: impl Into<String>) -> Self {
        self.context = Some(context.into());
        self
    }

    /// Turns citations on or off (`{"enabled": enabled}`).
    #[must_use]
    pub fn citations(mut self, enabled: bool) -> Self {
        self.citations = Some(CitationsConfig::new(enabled));
        self
    }

    /// Sets a prompt-cache breakpoint on this block.
    #[must_use]
    pub fn cache_control(mut self, cache_control: CacheControl) -> Self {
        self.cache_control = Some(cache_control);
        self
    }
}

/// A tool call the assistant made, sent back in the conversation
/// (`"type": "tool_use"`).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub struct ToolUseBlockParam {
    /// The call's ID (`toolu_...`), matched by the `tool_result`.
    pub id: String,
    /// The tool's name.
    pub name: String,
    /// The tool's input, an object.
    pub input: Value,
    /// Prompt-cache breakpoint on this block.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_control: Option<CacheControl>,
    /// Fields not modeled here, sent as-is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ToolUseBlockParam {
    /// A call `id` of tool `name` with `input`.
    pub fn new(id: impl Into<String>, name: impl Into<String>, input: Value) -> Self {
        Self {
            id: id.into(),
            name: name.into(),
            input,
            cache_control: None,
            extra: Map::new(),
        }
    }

    /// Sets a prompt-cache breakpoint on this block.
    #[must_use]
    pub fn cache_control(mut self, cache_control: CacheControl) -> Self {
        self.cache_control = Some(cache_control);
        self
    }
}

/// The result of a tool call (`"type": "tool_result"`), sent in a user turn.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub struct ToolResultBlockParam {
    /// The ID of the `tool_use` block this answers.
    pub tool_use_id: String,
    /// The result: a string or blocks (text, image, document, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<MessageContent>,
    /// Whether the tool call failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_error: Option<bool>,
    /// Prompt-cache breakpoint on this block.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_control: Option<CacheControl>,
    /// Fields not modeled here, sent as-is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ToolResultBlockParam {
    /// A result for `tool_use_id`, without content.
    pub fn new(tool_use_id: impl Into<String>) -> Self {
        Self {
            tool_use_id: tool_use_id.into(),
            ..Self::default()
        }
    }

    /// Sets the content (a string or blocks).
    #[must_use]
    pub fn content(mut self, content: impl Into<MessageContent>) -> Self {
        self.content = Some(content.into());
        self
    }

    /// Marks the result as an error (or not).
    #[must_use]
    pub fn is_error(mut self, is_error: bool) -> Self {
        self.is_error = Some(is_error);
        self
    }

    /// Sets a prompt-cache breakpoint on this block.
    #[must_use]
    pub fn cache_control(mut self, cache_control: CacheControl) -> Self {
        self.cache_control = Some(cache_control);
        self
    }
}

/// A thinking block sent back unchanged in a later turn (`"type": "thinking"`).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub struct ThinkingBlockParam {
    /// The thinking text, as returned.
    pub thinking: String,
    /// The signature that came with it.
    pub signature: String,
    /// Fields not modeled here, sent as-is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A redacted thinking block sent back unchanged (`"type": "redacted_thinking"`).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub struct RedactedThinkingBlockParam {
    /// The encrypted thinking, as returned.
    pub data: String,
    /// Fields not modeled here, sent as-is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl_extra_field!(
    TextBlockParam,
    ImageBlockParam,
    DocumentBlockParam,
    ToolUseBlockParam,
    ToolResultBlockParam,
);
