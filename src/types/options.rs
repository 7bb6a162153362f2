//! Request options: [`SystemPrompt`], [`ThinkingConfig`], [`OutputConfig`],
//! [`Metadata`] and [`ServiceTier`].

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use super::TextBlockParam;
use super::macros::{Tagged, json_kind, untag};

// ---------------------------------------------------------------------------
// System prompt
// ---------------------------------------------------------------------------

/// The `system` prompt: a string, or a list of text blocks (which can carry
/// cache breakpoints).
///
/// Each block is serialized as `{"type": "text", ...}`.
#[derive(Debug, Clone, PartialEq)]
pub enum SystemPrompt {
    /// A plain string.
    Text(String),
    /// Text blocks.
    Blocks(Vec<TextBlockParam>),
}

impl From<&str> for SystemPrompt {
    fn from(text: &str) -> Self {
        Self::Text(text.to_owned())
    }
}

impl From<String> for SystemPrompt {
    fn from(text: String) -> Self {
        Self::Text(text)
    }
}

impl From<Vec<TextBlockParam>> for SystemPrompt {
    fn from(blocks: Vec<TextBlockParam>) -> Self {
        Self::Blocks(blocks)
    }
}

impl Serialize for SystemPrompt {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        match self {
            Self::Text(text) => serializer.serialize_str(text),
            Self::Blocks(blocks) => {
                let mut seq = serializer.serialize_seq(Some(blocks.len()))?;
                for inner in blocks {
                    seq.serialize_element(&Tagged {
                        kind: "text",
                        inner,
                    })?;
                }
                seq.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for SystemPrompt {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        match Value::deserialize(deserializer)? {
            Value::String(text) => Ok(Self::Text(text)),
            Value::Array(items) => {
                let mut blocks = Vec::with_capacity(items.len());
                for item in items {
                    match item.get("type").and_then(Value::as_str) {
                        Some("text") => {}
                        other => {
                            return Err(D::Error::custom(format_args!(
                                "system blocks must have \"type\": \"text\", found {other:?}"
                            )));
                        }
                    }
                    blocks.push(untag(item).map_err(D::Error::custom)?);
                }
                Ok(Self::Blocks(blocks))
            }
            other => Err(D::Error::custom(format_args!(
                "system must be a string or an array of text blocks, found {}",
                json_kind(&other)
            ))),
        }
    }
}

// ---------------------------------------------------------------------------
// Thinking
// ---------------------------------------------------------------------------

open_string_enum! {
    /// How thinking appears in the response (`display` of a thinking config).
    pub enum ThinkingDisplay {
        /// `"summarized"`: thinking text is returned (the API's default).
        Summarized => "summarized",
        /// `"omitted"`: thinking text is left out; the signature is still returned.
        Omitted => "omitted",
    }
}

/// `{"type": "enabled", "budget_tokens"}`: thinking with a fixed token budget.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub struct ThinkingEnabled {
    /// Tokens the model may spend thinking (at least 1024, below `max_tokens`).
    pub budget_tokens: u32,
    /// How thinking appears in the response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display: Option<ThinkingDisplay>,
    /// Fields not modeled here, sent as-is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `{"type": "disabled"}`: no thinking.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub struct ThinkingDisabled {
    /// Fields not modeled here, sent as-is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `{"type": "adaptive"}`: the model decides how much to think.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub struct ThinkingAdaptive {
    /// How thinking appears in the response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display: Option<ThinkingDisplay>,
    /// Fields not modeled here, sent as-is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

tagged_enum! {
    /// Extended thinking (`thinking`).
    ///
    /// ```
    /// use anthropic_aws::types::{ThinkingConfig, ThinkingDisplay};
    /// use serde_json::json;
    ///
    /// let thinking = ThinkingConfig::adaptive().display(ThinkingDisplay::Omitted);
    /// assert_eq!(
    ///     serde_json::to_value(&thinking).unwrap(),
    ///     json!({"type": "adaptive", "display": "omitted"})
    /// );
    /// ```
    pub enum ThinkingConfig {
        /// `"enabled"`.
        "enabled" => Enabled(ThinkingEnabled),
        /// `"disabled"`.
        "disabled" => Disabled(ThinkingDisabled),
        /// `"adaptive"`.
        "adaptive" => Adaptive(ThinkingAdaptive),
    }
}

impl ThinkingConfig {
    /// `{"type": "enabled", "budget_tokens": budget_tokens}`.
    pub fn enabled(budget_tokens: u32) -> Self {
        ThinkingEnabled {
            budget_tokens,
            ..ThinkingEnabled::default()
        }
        .into()
    }

    /// `{"type": "disabled"}`.
    pub fn disabled() -> Self {
        ThinkingDisabled::default().into()
    }

    /// `{"type": "adaptive"}`.
    pub fn adaptive() -> Self {
        ThinkingAdaptive::default().into()
    }

    /// Sets `display`. On `disabled` it goes to `extra` (the API decides);
    /// on an `Other` object it is inserted as a key.
    #[must_use]
    pub fn display(self, display: impl Into<ThinkingDisplay>) -> Self {
        let display = display.into();
        match self {
            Self::Enabled(mut c) => {
                c.display = Some(display);
                Self::Enabled(c)
            }
            Self::Adaptive(mut c) => {
                c.display = Some(display);
                Self::Adaptive(c)
            }
            Self::Disabled(mut c) => {
                c.extra
                    .insert("display".to_owned(), display.as_str().into());
                Self::Disabled(c)
            }
            Self::Other(mut value) => {
                if let Value::Object(map) = &mut value {
                    map.insert("display".to_owned(), display.as_str().into());
                }
                Self::Other(value)
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Output config
// ---------------------------------------------------------------------------

open_string_enum! {
    /// How much effort the model spends (`output_config.effort`).
    pub enum Effort {
        /// `"low"`.
        Low => "low",
        /// `"medium"`.
        Medium => "medium",
        /// `"high"`.
        High => "high",
        /// `"xhigh"`.
        XHigh => "xhigh",
        /// `"max"`.
        Max => "max",
    }
}

/// `{"type": "json_schema", "schema"}`: the response text is JSON matching
/// `schema`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub struct JsonSchemaFormat {
    /// The JSON schema the output must match.
    pub schema: Value,
    /// Fields not modeled here, sent as-is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

tagged_enum! {
    /// The format of the model's output (`output_config.format`).
    pub enum OutputFormat {
        /// `"json_schema"`.
        "json_schema" => JsonSchema(JsonSchemaFormat),
    }
}

impl OutputFormat {
    /// `{"type": "json_schema", "schema": schema}`.
    pub fn json_schema(schema: Value) -> Self {
        JsonSchemaFormat {
            schema,
            extra: Map::new(),
        }
        .into()
    }
}

/// Output options (`output_config`).
///
/// ```
/// use anthropic_aws::types::{Effort, OutputConfig, OutputFormat};
/// use serde_json::json;
///
/// let config = OutputConfig::new()
///     .effort(Effort::Low)
///     .format(OutputFormat::json_schema(json!({"type": "object"})));
/// assert_eq!(
///     serde_json::to_value(&config).unwrap(),
///     json!({"effort": "low", "format": {"type": "json_schema", "schema": {"type": "object"}}})
/// );
/// ```
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub struct OutputConfig {
    /// How much effort the model spends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effort: Option<Effort>,
    /// The output format (structured output).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<OutputFormat>,
    /// Fields not modeled here, sent as-is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl OutputConfig {
    /// An empty config (`{}`).
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the effort.
    #[must_use]
    pub fn effort(mut self, effort: impl Into<Effort>) -> Self {
        self.effort = Some(effort.into());
        self
    }

    /// Sets the output format.
    #[must_use]
    pub fn format(mut self, format: impl Into<OutputFormat>) -> Self {
        self.format = Some(format.into());
        self
    }
}

// ---------------------------------------------------------------------------
// Metadata and service tier
// ---------------------------------------------------------------------------

/// Request metadata (`metadata`).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub struct Metadata {
    /// An opaque ID of the end user (a hash or UUID, no personal data).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// Fields not modeled here, sent as-is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Metadata {
    /// `{"user_id": user_id}`.
    pub fn user_id(user_id: impl Into<String>) -> Self {
        Self {
            user_id: Some(user_id.into()),
            extra: Map::new(),
        }
    }
}

open_string_enum! {
    /// Which capacity the request may use (`service_tier` of a request).
    pub enum ServiceTier {
        /// `"auto"`: priority capacity when available, else standard.
        Auto => "auto",
        /// `"standard_only"`: standard capacity only.
        StandardOnly => "standard_only",
    }
}

impl_extra_field!(
    ThinkingEnabled,
    ThinkingDisabled,
    ThinkingAdaptive,
    JsonSchemaFormat,
    OutputConfig,
    Metadata,
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::CacheControl;
    use serde_json::json;

    #[test]
    fn thinking_config_variants() {
        let cases = [
            (
                ThinkingConfig::enabled(2048),
                json!({"type": "enabled", "budget_tokens": 2048}),
            ),
            (
                ThinkingConfig::enabled(1024).display("summarized"),
                json!({"type": "enabled", "budget_tokens": 1024, "display": "summarized"}),
            ),
            (ThinkingConfig::disabled(), json!({"type": "disabled"})),
            (ThinkingConfig::adaptive(), json!({"type": "adaptive"})),
            (
                ThinkingConfig::adaptive().display(ThinkingDisplay::Omitted),
                json!({"type": "adaptive", "display": "omitted"}),
            ),
            (
                ThinkingConfig::Other(json!({"type": "future", "level": 3})),
                json!({"type": "future", "level": 3}),
            ),
        ];
        for (config, expected) in cases {
            assert_eq!(serde_json::to_value(&config).unwrap(), expected);
            assert_eq!(
                serde_json::from_value::<ThinkingConfig>(expected).unwrap(),
                config
            );
        }
        let err = serde_json::from_value::<ThinkingConfig>(json!({"type": "enabled"}));
        assert!(err.is_err(), "budget_tokens is required");
        let unknown_display: ThinkingConfig =
            serde_json::from_value(json!({"type": "adaptive", "display": "verbose"})).unwrap();
        assert_eq!(
            unknown_display,
            ThinkingConfig::adaptive().display(ThinkingDisplay::Other("verbose".into()))
        );
    }

    #[test]
    fn system_prompt_forms() {
        let text = SystemPrompt::from("be brief");
        assert_eq!(serde_json::to_value(&text).unwrap(), json!("be brief"));

        let blocks = SystemPrompt::from(vec![
            TextBlockParam::new("a"),
            TextBlockParam::new("b").cache_control(CacheControl::ephemeral()),
        ]);
        let expected = json!([
            {"type": "text", "text": "a"},
            {"type": "text", "text": "b", "cache_control": {"type": "ephemeral"}}
        ]);
        assert_eq!(serde_json::to_value(&blocks).unwrap(), expected);
        assert_eq!(
            serde_json::from_value::<SystemPrompt>(expected).unwrap(),
            blocks
        );
        assert!(serde_json::from_value::<SystemPrompt>(json!([{"type": "image"}])).is_err());
        assert!(serde_json::from_value::<SystemPrompt>(json!(1)).is_err());
    }

    #[test]
    fn string_enums_keep_unknown_values() {
        assert_eq!(Effort::from("xhigh"), Effort::XHigh);
        assert_eq!(
            serde_json::from_value::<Effort>(json!("ultra")).unwrap(),
            Effort::Other("ultra".into())
        );
        assert_eq!(
            serde_json::to_value(Effort::Other("ultra".into())).unwrap(),
            json!("ultra")
        );
        assert_eq!(
            serde_json::to_value(ServiceTier::StandardOnly).unwrap(),
            json!("standard_only")
        );
        assert_eq!(ServiceTier::Auto.to_string(), "auto");
        assert_eq!(
            serde_json::to_value(Metadata::default()).unwrap(),
            json!({})
        );
    }
}
