//! Blocks of server tools that are not code execution: the call itself
//! ([`ServerToolUseBlock`]), web search and web fetch results, file uploads into the
//! container, search results, and the error shape every server tool result shares
//! ([`ServerToolResultError`]).
//!
//! Each struct serves both directions: it decodes from a response [`Message`](super::Message)
//! and is sent back unchanged in the next turn's request (`cache_control`, absent in
//! responses, can then be set).

use serde::Serialize;
use serde_json::{Map, Value};

use super::{CacheControl, CitationsConfig, ContentBlockParam, DocumentSource};

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

/// A failed server tool call (`"type": "<tool>_tool_result_error"`), the `content` of any
/// server tool result block.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct ServerToolResultError {
    /// Why the call failed.
    pub error_code: ServerToolErrorCode,
    /// A description (text editor and tool search errors).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
    /// Fields not modeled here, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
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

/// The tool call is the model's own (`"type": "direct"`).
#[derive(Serialize, Debug, Clone, PartialEq, Default)]
pub struct DirectCaller {
    /// Fields not modeled here, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The tool was called from code run by a code execution tool
/// (`"type": "code_execution_20250825"` or `"code_execution_20260120"`).
#[derive(Serialize, Debug, Clone, PartialEq, Default)]
pub struct CodeExecutionCaller {
    /// The ID of the code execution call that made this call.
    pub tool_id: String,
    /// Fields not modeled here, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// [`ToolCaller::CodeExecution20260120`]: the same fields as [`CodeExecutionCaller`].
#[derive(Serialize, Debug, Clone, PartialEq, Default)]
pub struct CodeExecutionCaller20260120 {
    /// The ID of the code execution call that made this call.
    pub tool_id: String,
    /// Fields not modeled here, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
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

/// A call of a server tool (`"type": "server_tool_use"`); the platform runs it and the
/// result follows in a `*_tool_result` block.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct ServerToolUseBlock {
    /// The call's ID (`srvtoolu_...`), quoted by the result's `tool_use_id`.
    pub id: String,
    /// The server tool called.
    pub name: ServerToolName,
    /// The tool's input, as the model wrote it.
    pub input: Value,
    /// Who made the call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caller: Option<ToolCaller>,
    /// Prompt-cache breakpoint (requests only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_control: Option<CacheControl>,
    /// Fields not modeled here, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One page found by web search (`"type": "web_search_result"`).
#[derive(Serialize, Debug, Clone, PartialEq, Default)]
pub struct WebSearchResultBlock {
    /// The page's URL.
    pub url: String,
    /// The page's title.
    pub title: String,
    /// The page's content, encrypted; send it back unchanged.
    pub encrypted_content: String,
    /// How old the page is, as the search engine reports it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_age: Option<String>,
    /// Fields not modeled here, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

tagged_enum! {
    /// An entry of a web search's result list.
    pub enum WebSearchResult {
        /// `"web_search_result"`.
        "web_search_result" => Page(WebSearchResultBlock),
    }
}

tagged_enum! {
    /// The error object a web search result may carry instead of its list.
    pub enum WebSearchToolResultError {
        /// `"web_search_tool_result_error"`.
        "web_search_tool_result_error" => Error(ServerToolResultError),
    }
}

/// The `content` of a [`WebSearchToolResultBlock`]: the pages found, or an error.
#[derive(Debug, Clone, PartialEq)]
pub enum WebSearchToolResultContent {
    /// The pages found (a JSON array).
    Results(Vec<WebSearchResult>),
    /// The search failed (an object; one of an unknown `type` is kept in
    /// [`WebSearchToolResultError::Other`]).
    Error(WebSearchToolResultError),
}

impl Serialize for WebSearchToolResultContent {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Results(results) => results.serialize(serializer),
            Self::Error(error) => error.serialize(serializer),
        }
    }
}

impl<'de> serde::Deserialize<'de> for WebSearchToolResultContent {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
        use serde::de::{MapAccess, SeqAccess, Visitor};

        struct ContentVisitor;
        impl<'de> Visitor<'de> for ContentVisitor {
            type Value = WebSearchToolResultContent;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a list of web search results or an error object")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                serde::Deserialize::deserialize(SeqAccessDeserializer::new(seq))
                    .map(WebSearchToolResultContent::Results)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                serde::Deserialize::deserialize(MapAccessDeserializer::new(map))
                    .map(WebSearchToolResultContent::Error)
            }
        }
        deserializer.deserialize_any(ContentVisitor)
    }
}

/// The result of a web search (`"type": "web_search_tool_result"`).
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct WebSearchToolResultBlock {
    /// The `id` of the [`ServerToolUseBlock`] this answers.
    pub tool_use_id: String,
    /// The pages found, or an error.
    pub content: WebSearchToolResultContent,
    /// Who made the call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caller: Option<ToolCaller>,
    /// Prompt-cache breakpoint (requests only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_control: Option<CacheControl>,
    /// Fields not modeled here, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A document as a response carries it (`"type": "document"`): a fetched PDF or page.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct DocumentBlock {
    /// The document's data.
    pub source: DocumentSource,
    /// The document's title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Whether citations are on for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub citations: Option<CitationsConfig>,
    /// Fields not modeled here, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

tagged_enum! {
    /// The document a web fetch retrieved (`content` of a [`WebFetchResultBlock`]).
    pub enum WebFetchDocument {
        /// `"document"`: a PDF or plain text.
        "document" => Document(DocumentBlock),
    }
}

/// A page web fetch retrieved (`"type": "web_fetch_result"`).
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct WebFetchResultBlock {
    /// The URL fetched.
    pub url: String,
    /// The page, as a document.
    pub content: WebFetchDocument,
    /// When the page was retrieved (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retrieved_at: Option<String>,
    /// Fields not modeled here, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

tagged_enum! {
    /// The `content` of a [`WebFetchToolResultBlock`].
    pub enum WebFetchToolResultContent {
        /// `"web_fetch_result"`: the page.
        "web_fetch_result" => Result(WebFetchResultBlock),
        /// `"web_fetch_tool_result_error"`: the fetch failed.
        "web_fetch_tool_result_error" => Error(ServerToolResultError),
    }
}

/// The result of a web fetch (`"type": "web_fetch_tool_result"`).
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct WebFetchToolResultBlock {
    /// The `id` of the [`ServerToolUseBlock`] this answers.
    pub tool_use_id: String,
    /// The page, or an error.
    pub content: WebFetchToolResultContent,
    /// Who made the call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caller: Option<ToolCaller>,
    /// Prompt-cache breakpoint (requests only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_control: Option<CacheControl>,
    /// Fields not modeled here, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A file placed into the code execution container (`"type": "container_upload"`).
#[derive(Serialize, Debug, Clone, PartialEq, Default)]
pub struct ContainerUploadBlock {
    /// The uploaded file's ID (Files API).
    pub file_id: String,
    /// Prompt-cache breakpoint (requests only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_control: Option<CacheControl>,
    /// Fields not modeled here, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ContainerUploadBlock {
    /// Uploads the file `file_id` into the container.
    pub fn new(file_id: impl Into<String>) -> Self {
        Self {
            file_id: file_id.into(),
            ..Self::default()
        }
    }
}

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
    pub source: String,
    /// The result's title.
    pub title: String,
    /// The result's text blocks.
    pub content: Vec<ContentBlockParam>,
    /// Whether the model may cite this result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub citations: Option<CitationsConfig>,
    /// Prompt-cache breakpoint on this block.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_control: Option<CacheControl>,
    /// Fields not modeled here, sent as-is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
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

deserialize_with_extra!(ServerToolResultError {
    "error_code" => error_code: required,
    "error_message" => error_message: nullable,
});
deserialize_with_extra!(DirectCaller {});
deserialize_with_extra!(CodeExecutionCaller { "tool_id" => tool_id: required });
deserialize_with_extra!(CodeExecutionCaller20260120 { "tool_id" => tool_id: required });
deserialize_with_extra!(ServerToolUseBlock {
    "id" => id: required,
    "name" => name: required,
    "input" => input: required,
    "caller" => caller: nullable,
    "cache_control" => cache_control: default,
});
deserialize_with_extra!(WebSearchResultBlock {
    "url" => url: required,
    "title" => title: required,
    "encrypted_content" => encrypted_content: required,
    "page_age" => page_age: nullable,
});
deserialize_with_extra!(WebSearchToolResultBlock {
    "tool_use_id" => tool_use_id: required,
    "content" => content: required,
    "caller" => caller: nullable,
    "cache_control" => cache_control: default,
});
deserialize_with_extra!(DocumentBlock {
    "source" => source: required,
    "title" => title: nullable,
    "citations" => citations: nullable,
});
deserialize_with_extra!(WebFetchResultBlock {
    "url" => url: required,
    "content" => content: required,
    "retrieved_at" => retrieved_at: nullable,
});
deserialize_with_extra!(WebFetchToolResultBlock {
    "tool_use_id" => tool_use_id: required,
    "content" => content: required,
    "caller" => caller: nullable,
    "cache_control" => cache_control: default,
});
deserialize_with_extra!(ContainerUploadBlock {
    "file_id" => file_id: required,
    "cache_control" => cache_control: default,
});
deserialize_with_extra!(SearchResultBlockParam {
    "source" => source: required,
    "title" => title: required,
    "content" => content: required,
    "citations" => citations: default,
    "cache_control" => cache_control: default,
});
