//! The web search and web fetch tool definitions ([`WebSearchTool`], [`WebFetchTool`]).
//!
//! ```
//! use anthropic_aws::types::{ToolParam, WebSearchTool, WebSearchToolVersion};
//!
//! let tool = ToolParam::from(
//!     WebSearchTool::new(WebSearchToolVersion::V20250305).max_uses(3).allowed_domains(["example.com"]),
//! );
//! assert_eq!(
//!     serde_json::to_value(&tool).unwrap(),
//!     serde_json::json!({"type": "web_search_20250305", "name": "web_search", "max_uses": 3,
//!         "allowed_domains": ["example.com"]})
//! );
//! ```

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{AllowedCaller, CacheControl, CitationsConfig};

open_string_enum! {
    /// Whether a web tool's results go into the response (`response_inclusion`).
    pub enum ResponseInclusion {
        /// `"full"`.
        Full => "full",
        /// `"excluded"`.
        Excluded => "excluded",
    }
}

open_string_enum! {
    /// Versions of the web search tool (its `type`).
    pub enum WebSearchToolVersion {
        /// `"web_search_20250305"`.
        V20250305 => "web_search_20250305",
        /// `"web_search_20260209"`.
        V20260209 => "web_search_20260209",
        /// `"web_search_20260318"` (adds `response_inclusion`).
        V20260318 => "web_search_20260318",
    }
}

open_string_enum! {
    /// Versions of the web fetch tool (its `type`).
    pub enum WebFetchToolVersion {
        /// `"web_fetch_20250910"`.
        V20250910 => "web_fetch_20250910",
        /// `"web_fetch_20260209"`.
        V20260209 => "web_fetch_20260209",
        /// `"web_fetch_20260309"` (adds `use_cache`).
        V20260309 => "web_fetch_20260309",
        /// `"web_fetch_20260318"` (adds `response_inclusion`).
        V20260318 => "web_fetch_20260318",
    }
}

/// The approximate location of the user, to localize web search (`"type": "approximate"`).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct UserLocation {
    /// Always `"approximate"` (`type` in the JSON).
    #[serde(rename = "type")]
    pub kind: String,
    /// The city.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// The region or state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// The two-letter ISO country code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// The IANA time zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// Fields not modeled here, sent as-is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Default for UserLocation {
    fn default() -> Self {
        Self {
            kind: "approximate".to_owned(),
            city: None,
            region: None,
            country: None,
            timezone: None,
            extra: Map::new(),
        }
    }
}

fn strings<I>(items: I) -> Vec<String>
where
    I: IntoIterator,
    I::Item: Into<String>,
{
    items.into_iter().map(Into::into).collect()
}

/// Setters of the domain filters and use limit the web tools share.
macro_rules! web_tool_setters {
    ($name:ident) => {
        impl $name {
            /// Only use these domains.
            #[must_use]
            pub fn allowed_domains<I>(mut self, domains: I) -> Self
            where
                I: IntoIterator,
                I::Item: Into<String>,
            {
                self.allowed_domains = Some(strings(domains));
                self
            }

            /// Never use these domains.
            #[must_use]
            pub fn blocked_domains<I>(mut self, domains: I) -> Self
            where
                I: IntoIterator,
                I::Item: Into<String>,
            {
                self.blocked_domains = Some(strings(domains));
                self
            }

            /// The most uses in one request.
            #[must_use]
            pub fn max_uses(mut self, max_uses: u32) -> Self {
                self.max_uses = Some(max_uses);
                self
            }

            /// Whether results go into the response (the `20260318` versions).
            #[must_use]
            pub fn response_inclusion(mut self, inclusion: impl Into<ResponseInclusion>) -> Self {
                self.response_inclusion = Some(inclusion.into());
                self
            }
        }
    };
}

server_tool! {
    /// The web search tool (`"name": "web_search"`).
    WebSearchTool(WebSearchToolVersion) {
        /// Only search these domains.
        allowed_domains: Vec<String>,
        /// Never search these domains.
        blocked_domains: Vec<String>,
        /// The most searches in one request.
        max_uses: u32,
        /// Where the user is, to localize results.
        user_location: UserLocation,
        /// Whether results go into the response (`web_search_20260318`).
        response_inclusion: ResponseInclusion,
    }
}
web_tool_setters!(WebSearchTool);

impl WebSearchTool {
    /// The web search tool of `version`.
    pub fn new(version: impl Into<WebSearchToolVersion>) -> Self {
        Self::with_name(version.into(), "web_search")
    }

    /// Localizes results to `location`.
    #[must_use]
    pub fn user_location(mut self, location: UserLocation) -> Self {
        self.user_location = Some(location);
        self
    }
}

server_tool! {
    /// The web fetch tool (`"name": "web_fetch"`).
    WebFetchTool(WebFetchToolVersion) {
        /// Only fetch from these domains.
        allowed_domains: Vec<String>,
        /// Never fetch from these domains.
        blocked_domains: Vec<String>,
        /// The most fetches in one request.
        max_uses: u32,
        /// Whether the model may cite fetched pages.
        citations: CitationsConfig,
        /// The most tokens of a page to include.
        max_content_tokens: u32,
        /// Whether cached pages may be used (`web_fetch_20260309` and later).
        use_cache: bool,
        /// Whether results go into the response (`web_fetch_20260318`).
        response_inclusion: ResponseInclusion,
    }
}
web_tool_setters!(WebFetchTool);

impl WebFetchTool {
    /// The web fetch tool of `version`.
    pub fn new(version: impl Into<WebFetchToolVersion>) -> Self {
        Self::with_name(version.into(), "web_fetch")
    }

    /// Turns citations of fetched pages on or off.
    #[must_use]
    pub fn citations(mut self, enabled: bool) -> Self {
        self.citations = Some(CitationsConfig::new(enabled));
        self
    }

    /// Caps the tokens of a page included.
    #[must_use]
    pub fn max_content_tokens(mut self, tokens: u32) -> Self {
        self.max_content_tokens = Some(tokens);
        self
    }

    /// Allows or forbids cached pages.
    #[must_use]
    pub fn use_cache(mut self, use_cache: bool) -> Self {
        self.use_cache = Some(use_cache);
        self
    }
}
