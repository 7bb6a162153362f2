//! A server tool call ([`ServerToolUseBlock`]) and who made it ([`ToolCaller`]), the error
//! every server tool result may carry ([`ServerToolResultError`]), and the caller-supplied
//! [`SearchResultBlockParam`]. Results are in `web_tool_blocks.rs` and
//! `code_execution_blocks.rs`.
//!
//! Each struct serves both directions: it decodes from a response [`Message`](super::Message)
//! and is sent back unchanged in the next turn's request (`cache_control`, absent in
//! responses, can then be set).

use serde::Serialize;
use serde_json::{Map, Value};

use super::{CacheControl, CitationsConfig, ContentBlockParam};

open_string_enum! {
    /// The server tool a [`ServerToolUseBlock`] calls.
    pub enum ServerToolName {
        /// `"web_search"`.
        WebSearch => "web_search",
        /// `"web_fetch"`.
        WebFetch => "web_fetch",
        /// `"code_execution"`.
        CodeExecution => "code_execution",
        /// `"bash_code_execution"`.
        BashCodeExecution => "bash_code_execution",
        /// `"text_editor_code_execution"`.
        TextEditorCodeExecution => "text_editor_code_execution",
        /// `"tool_search_tool_regex"`.
        ToolSearchToolRegex => "tool_search_tool_regex",
        /// `"tool_search_tool_bm25"`.
        ToolSearchToolBm25 => "tool_search_tool_bm25",
    }
}

open_string_enum! {
    /// Why a server tool call failed (`error_code` of a [`ServerToolResultError`]); the
    /// codes of all server tools in one set.
    pub enum ServerToolErrorCode {
        /// `"invalid_tool_input"`.
        InvalidToolInput => "invalid_tool_input",
        /// `"unavailable"`.
        Unavailable => "unavailable",
        /// `"max_uses_exceeded"`.
        MaxUsesExceeded => "max_uses_exceeded",
        /// `"too_many_requests"`.
        TooManyRequests => "too_many_requests",
        /// `"query_too_long"` (web search).
        QueryTooLong => "query_too_long",
        /// `"request_too_large"` (web search).
        RequestTooLarge => "request_too_large",
        /// `"url_too_long"` (web fetch).
        UrlTooLong => "url_too_long",
        /// `"url_not_allowed"` (web fetch).
        UrlNotAllowed => "url_not_allowed",
        /// `"url_not_in_prior_context"` (web fetch).
        UrlNotInPriorContext => "url_not_in_prior_context",
        /// `"url_not_accessible"` (web fetch).
        UrlNotAccessible => "url_not_accessible",
        /// `"unsupported_content_type"` (web fetch).
        UnsupportedContentType => "unsupported_content_type",
        /// `"execution_time_exceeded"` (code execution, bash, text editor, tool search).
        ExecutionTimeExceeded => "execution_time_exceeded",
        /// `"output_file_too_large"` (bash).
        OutputFileTooLarge => "output_file_too_large",
        /// `"file_not_found"` (text editor).
        FileNotFound => "file_not_found",
    }
}

wire_struct! {
    /// A failed server tool call (`"type": "<tool>_tool_result_error"`), the `content` of any
    /// server tool result block.
    #[derive(Serialize, Debug, Clone, PartialEq)]
    pub struct ServerToolResultError {
        /// Why the call failed.
        required pub error_code: ServerToolErrorCode,
        /// A description (text editor and tool search errors).
        nullable pub error_message: Option<String>,
        /// Fields not modeled here, kept as received.
        pub extra: Map<String, Value>,
    }
}

impl ServerToolResultError {
    /// An error with `code` and no message.
    pub fn new(code: impl Into<ServerToolErrorCode>) -> Self {
        Self {
            error_code: code.into(),
            error_message: None,
            extra: Map::new(),
        }
    }
}

wire_struct! {
    /// The tool call is the model's own (`"type": "direct"`).
    #[derive(Serialize, Debug, Clone, PartialEq, Default)]
    pub struct DirectCaller {
        /// Fields not modeled here, kept as received.
        pub extra: Map<String, Value>,
    }
}

wire_struct! {
    /// The tool was called from code run by a code execution tool
    /// (`"type": "code_execution_20250825"` or `"code_execution_20260120"`).
    #[derive(Serialize, Debug, Clone, PartialEq, Default)]
    pub struct CodeExecutionCaller {
        /// The ID of the code execution call that made this call.
        required pub tool_id: String,
        /// Fields not modeled here, kept as received.
        pub extra: Map<String, Value>,
    }
}

wire_struct! {
    /// [`ToolCaller::CodeExecution20260120`]: the same fields as [`CodeExecutionCaller`].
    #[derive(Serialize, Debug, Clone, PartialEq, Default)]
    pub struct CodeExecutionCaller20260120 {
        /// The ID of the code execution call that made this call.
        required pub tool_id: String,
        /// Fields not modeled here, kept as received.
        pub extra: Map<String, Value>,
    }
}

tagged_enum! {
    /// Who called a tool (`caller` of tool calls and results).
    pub enum ToolCaller {
        /// `"direct"`: the model.
        "direct" => Direct(DirectCaller),
        /// `"code_execution_20250825"`: code the model ran.
        "code_execution_20250825" => CodeExecution20250825(CodeExecutionCaller),
        /// `"code_execution_20260120"`: code the model ran.
        "code_execution_20260120" => CodeExecution20260120(CodeExecutionCaller20260120),
    }
}

wire_struct! {
    /// A call of a server tool (`"type": "server_tool_use"`); the platform runs it and the
    /// result follows in a `*_tool_result` block.
    #[derive(Serialize, Debug, Clone, PartialEq)]
    pub struct ServerToolUseBlock {
        /// The call's ID (`srvtoolu_...`), quoted by the result's `tool_use_id`.
        required pub id: String,
        /// The server tool called.
        required pub name: ServerToolName,
        /// The tool's input, as the model wrote it.
        required pub input: Value,
        /// Who made the call.
        nullable pub caller: Option<ToolCaller>,
        /// Prompt-cache breakpoint (requests only).
        optional pub cache_control: Option<CacheControl>,
        /// Fields not modeled here, kept as received.
        pub extra: Map<String, Value>,
    }
}

wire_struct! {
    /// A search result the caller supplies, citable like a document
    /// (`"type": "search_result"`, requests and tool results only).
    ///
    /// ```
    /// use anthropic_aws::types::{ContentBlockParam, SearchResultBlockParam};
    ///
    /// let block = ContentBlockParam::from(
    ///     SearchResultBlockParam::new("https://example.com/a", "A", ["The text."]).citations(true),
    /// );
    /// assert_eq!(
    ///     serde_json::to_value(&block).unwrap(),
    ///     serde_json::json!({"type": "search_result", "source": "https://example.com/a",
    ///         "title": "A", "content": [{"type": "text", "text": "The text."}],
    ///         "citations": {"enabled": true}})
    /// );
    /// ```
    #[derive(Serialize, Debug, Clone, PartialEq)]
    pub struct SearchResultBlockParam {
        /// Where the result comes from (a URL or any identifier).
        required pub source: String,
        /// The result's title.
        required pub title: String,
        /// The result's text blocks.
        required pub content: Vec<ContentBlockParam>,
        /// Whether the model may cite this result.
        optional pub citations: Option<CitationsConfig>,
        /// Prompt-cache breakpoint on this block.
        optional pub cache_control: Option<CacheControl>,
        /// Fields not modeled here, sent as-is.
        pub extra: Map<String, Value>,
    }
}

impl SearchResultBlockParam {
    /// A result from `source` titled `title`, one text block per item of `texts`.
    pub fn new<I>(source: impl Into<String>, title: impl Into<String>, texts: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        Self {
            source: source.into(),
            title: title.into(),
            content: texts
                .into_iter()
                .map(|t| ContentBlockParam::text(t.into()))
                .collect(),
            citations: None,
            cache_control: None,
            extra: Map::new(),
        }
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
