//! Web search and web fetch results ([`WebSearchToolResultBlock`],
//! [`WebFetchToolResultBlock`]) and their contents.
//!
//! As in `server_tool_blocks.rs`, each struct decodes from a response and is sent back
//! unchanged in a request.

use serde::Serialize;
use serde_json::{Map, Value};

use super::{CacheControl, CitationsConfig, DocumentSource, ServerToolResultError, ToolCaller};

wire_struct! {
    /// One page found by web search (`"type": "web_search_result"`).
    #[derive(Serialize, Debug, Clone, PartialEq, Default)]
    pub struct WebSearchResultBlock {
        /// The page's URL.
        required pub url: String,
        /// The page's title.
        required pub title: String,
        /// The page's content, encrypted; send it back unchanged.
        required pub encrypted_content: String,
        /// How old the page is, as the search engine reports it.
        nullable pub page_age: Option<String>,
        /// Fields not modeled here, kept as received.
        pub extra: Map<String, Value>,
    }
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

wire_struct! {
    /// The result of a web search (`"type": "web_search_tool_result"`).
    #[derive(Serialize, Debug, Clone, PartialEq)]
    pub struct WebSearchToolResultBlock {
        /// The `id` of the [`ServerToolUseBlock`](super::ServerToolUseBlock) this answers.
        required pub tool_use_id: String,
        /// The pages found, or an error.
        required pub content: WebSearchToolResultContent,
        /// Who made the call.
        nullable pub caller: Option<ToolCaller>,
        /// Prompt-cache breakpoint (requests only).
        optional pub cache_control: Option<CacheControl>,
        /// Fields not modeled here, kept as received.
        pub extra: Map<String, Value>,
    }
}

wire_struct! {
    /// A document as a response carries it (`"type": "document"`): a fetched PDF or page.
    #[derive(Serialize, Debug, Clone, PartialEq)]
    pub struct DocumentBlock {
        /// The document's data.
        required pub source: DocumentSource,
        /// The document's title.
        nullable pub title: Option<String>,
        /// Whether citations are on for it.
        nullable pub citations: Option<CitationsConfig>,
        /// Fields not modeled here, kept as received.
        pub extra: Map<String, Value>,
    }
}

tagged_enum! {
    /// The document a web fetch retrieved (`content` of a [`WebFetchResultBlock`]).
    pub enum WebFetchDocument {
        /// `"document"`: a PDF or plain text.
        "document" => Document(DocumentBlock),
    }
}

wire_struct! {
    /// A page web fetch retrieved (`"type": "web_fetch_result"`).
    #[derive(Serialize, Debug, Clone, PartialEq)]
    pub struct WebFetchResultBlock {
        /// The URL fetched.
        required pub url: String,
        /// The page, as a document.
        required pub content: WebFetchDocument,
        /// When the page was retrieved (RFC 3339).
        nullable pub retrieved_at: Option<String>,
        /// Fields not modeled here, kept as received.
        pub extra: Map<String, Value>,
    }
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

wire_struct! {
    /// The result of a web fetch (`"type": "web_fetch_tool_result"`).
    #[derive(Serialize, Debug, Clone, PartialEq)]
    pub struct WebFetchToolResultBlock {
        /// The `id` of the [`ServerToolUseBlock`](super::ServerToolUseBlock) this answers.
        required pub tool_use_id: String,
        /// The page, or an error.
        required pub content: WebFetchToolResultContent,
        /// Who made the call.
        nullable pub caller: Option<ToolCaller>,
        /// Prompt-cache breakpoint (requests only).
        optional pub cache_control: Option<CacheControl>,
        /// Fields not modeled here, kept as received.
        pub extra: Map<String, Value>,
    }
}
