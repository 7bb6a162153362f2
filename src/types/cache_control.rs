//! Options a block carries: prompt-cache breakpoints ([`CacheControl`]) and citations
//! ([`CitationsConfig`]).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

open_string_enum! {
    /// How long a prompt-cache breakpoint lives (`ttl` of [`CacheControl`]).
    pub enum CacheTtl {
        /// `"5m"`: five minutes (the API's default).
        FiveMinutes => "5m",
        /// `"1h"`: one hour.
        OneHour => "1h",
    }
}

/// A prompt-cache breakpoint (`{"type": "ephemeral", "ttl": ...}`) placed on a
/// block, tool or system text.
///
/// ```
/// use anthropic_aws::types::{CacheControl, CacheTtl};
///
/// let cc = CacheControl::ephemeral().ttl(CacheTtl::OneHour);
/// assert_eq!(
///     serde_json::to_value(&cc).unwrap(),
///     serde_json::json!({"type": "ephemeral", "ttl": "1h"})
/// );
/// ```
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct CacheControl {
    /// The breakpoint kind (`type` in the JSON); `"ephemeral"` is the only
    /// kind the API defines.
    #[serde(rename = "type")]
    pub kind: String,
    /// Time-to-live; the API defaults to five minutes when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttl: Option<CacheTtl>,
    /// Fields not modeled here, sent as-is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl CacheControl {
    /// An `ephemeral` breakpoint with the default time-to-live.
    pub fn ephemeral() -> Self {
        Self {
            kind: "ephemeral".to_owned(),
            ttl: None,
            extra: Map::new(),
        }
    }

    /// Sets the time-to-live.
    #[must_use]
    pub fn ttl(mut self, ttl: impl Into<CacheTtl>) -> Self {
        self.ttl = Some(ttl.into());
        self
    }
}

impl Default for CacheControl {
    /// Same as [`CacheControl::ephemeral`].
    fn default() -> Self {
        Self::ephemeral()
    }
}

/// Whether the model may cite a document (`citations` of a document block).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub struct CitationsConfig {
    /// Turns citations on or off for this document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Fields not modeled here, sent as-is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl CitationsConfig {
    /// `{"enabled": enabled}`.
    pub fn new(enabled: bool) -> Self {
        Self {
            enabled: Some(enabled),
            extra: Map::new(),
        }
    }
}

impl_extra_field!(CacheControl, CitationsConfig);
