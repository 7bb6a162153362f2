//! Tool definitions ([`ToolParam`], [`Tool`]) and [`ToolChoice`].

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use super::CacheControl;

/// A client tool the model may call: a name, a description and a JSON schema
/// for its input.
///
/// Serialized without a `type` field (the API treats that as a custom tool).
/// A `"type": "custom"` received in JSON is kept in `extra`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub struct Tool {
    /// The tool's name, as the model will call it.
    pub name: String,
    /// What the tool does; the more detail, the better the model uses it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// JSON schema of the tool's input (an object schema).
    pub input_schema: Value,
    /// Prompt-cache breakpoint on this tool definition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_control: Option<CacheControl>,
    /// Whether the model's input must validate against the schema exactly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strict: Option<bool>,
    /// Fields not modeled here, sent as-is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Tool {
    /// A tool `name` taking input described by `input_schema`.
    pub fn new(name: impl Into<String>, input_schema: Value) -> Self {
        Self {
            name: name.into(),
            input_schema,
            ..Self::default()
        }
    }

    /// Sets the description.
    #[must_use]
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Sets a prompt-cache breakpoint on this tool definition.
    #[must_use]
    pub fn cache_control(mut self, cache_control: CacheControl) -> Self {
        self.cache_control = Some(cache_control);
        self
    }

    /// Sets strict schema validation.
    #[must_use]
    pub fn strict(mut self, strict: bool) -> Self {
        self.strict = Some(strict);
        self
    }
}

/// An entry of the `tools` list: a custom [`Tool`], or any other tool (server
/// tools such as `{"type": "web_search_20250305", ...}`) as raw JSON.
///
/// Decoding: an object without `type`, or with `"type": "custom"`, is a
/// `Custom` tool; anything else is `Other`.
#[derive(Debug, Clone, PartialEq)]
pub enum ToolParam {
    /// A client tool.
    Custom(Tool),
    /// Any other tool definition, sent as-is.
    Other(Value),
}

impl ToolParam {
    /// The tool's name (`name` of the raw JSON for `Other`).
    pub fn name(&self) -> Option<&str> {
        match self {
            Self::Custom(tool) => Some(&tool.name),
            Self::Other(value) => value.get("name").and_then(Value::as_str),
        }
    }
}

impl From<Tool> for ToolParam {
    fn from(tool: Tool) -> Self {
        Self::Custom(tool)
    }
}

/// Raw JSON becomes `Other`, sent verbatim.
impl From<Value> for ToolParam {
    fn from(value: Value) -> Self {
        Self::Other(value)
    }
}

impl Serialize for ToolParam {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Custom(tool) => tool.serialize(serializer),
            Self::Other(value) => value.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for ToolParam {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let value = Value::deserialize(deserializer)?;
        let custom = match value.get("type") {
            None => value.is_object(),
            Some(kind) => kind.as_str() == Some("custom"),
        };
        if custom {
            serde_json::from_value(value)
                .map(Self::Custom)
                .map_err(|e| D::Error::custom(format_args!("invalid custom tool: {e}")))
        } else {
            Ok(Self::Other(value))
        }
    }
}

/// `{"type": "auto"}`: the model decides whether to call tools.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub struct ToolChoiceAuto {
    /// At most one tool call per response when `true`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disable_parallel_tool_use: Option<bool>,
    /// Fields not modeled here, sent as-is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `{"type": "any"}`: the model must call some tool.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub struct ToolChoiceAny {
    /// Exactly one tool call when `true`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disable_parallel_tool_use: Option<bool>,
    /// Fields not modeled here, sent as-is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `{"type": "tool", "name"}`: the model must call the named tool.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub struct ToolChoiceTool {
    /// The tool to call.
    pub name: String,
    /// Exactly one tool call when `true`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disable_parallel_tool_use: Option<bool>,
    /// Fields not modeled here, sent as-is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `{"type": "none"}`: the model must not call tools.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub struct ToolChoiceNone {
    /// Fields not modeled here, sent as-is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

tagged_enum! {
    /// How the model should use the tools (`tool_choice`).
    ///
    /// ```
    /// use anthropic_aws::types::ToolChoice;
    /// use serde_json::json;
    ///
    /// let choice = ToolChoice::tool("get_weather").disable_parallel_tool_use(true);
    /// assert_eq!(
    ///     serde_json::to_value(&choice).unwrap(),
    ///     json!({"type": "tool", "name": "get_weather", "disable_parallel_tool_use": true})
    /// );
    /// ```
    pub enum ToolChoice {
        /// `"auto"`.
        "auto" => Auto(ToolChoiceAuto),
        /// `"any"`.
        "any" => Any(ToolChoiceAny),
        /// `"tool"`.
        "tool" => Tool(ToolChoiceTool),
        /// `"none"`.
        "none" => None(ToolChoiceNone),
    }
}

impl ToolChoice {
    /// `{"type": "auto"}`.
    pub fn auto() -> Self {
        ToolChoiceAuto::default().into()
    }

    /// `{"type": "any"}`.
    pub fn any() -> Self {
        ToolChoiceAny::default().into()
    }

    /// `{"type": "tool", "name": name}`.
    pub fn tool(name: impl Into<String>) -> Self {
        ToolChoiceTool {
            name: name.into(),
            ..ToolChoiceTool::default()
        }
        .into()
    }

    /// `{"type": "none"}`.
    pub fn none() -> Self {
        ToolChoiceNone::default().into()
    }

    /// Sets `disable_parallel_tool_use`. On `none` it goes to `extra` (the
    /// API decides); on an `Other` object it is inserted as a key.
    #[must_use]
    pub fn disable_parallel_tool_use(self, disable: bool) -> Self {
        match self {
            Self::Auto(mut c) => {
                c.disable_parallel_tool_use = Some(disable);
                Self::Auto(c)
            }
            Self::Any(mut c) => {
                c.disable_parallel_tool_use = Some(disable);
                Self::Any(c)
            }
            Self::Tool(mut c) => {
                c.disable_parallel_tool_use = Some(disable);
                Self::Tool(c)
            }
            Self::None(mut c) => {
                c.extra
                    .insert("disable_parallel_tool_use".to_owned(), disable.into());
                Self::None(c)
            }
            Self::Other(mut value) => {
                if let Value::Object(map) = &mut value {
                    map.insert("disable_parallel_tool_use".to_owned(), disable.into());
                }
                Self::Other(value)
            }
        }
    }
}

impl_extra_field!(
    Tool,
    ToolChoiceAuto,
    ToolChoiceAny,
    ToolChoiceTool,
    ToolChoiceNone
);

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn custom_tool_has_no_type_and_server_tool_is_verbatim() {
        let tools = vec![
            ToolParam::from(Tool::new("f", json!({"type": "object"}))),
            ToolParam::from(json!({"type": "web_search_20250305", "name": "web_search"})),
        ];
        let value = serde_json::to_value(&tools).unwrap();
        assert_eq!(
            value,
            json!([
                {"name": "f", "input_schema": {"type": "object"}},
                {"type": "web_search_20250305", "name": "web_search"}
            ])
        );
        let back: Vec<ToolParam> = serde_json::from_value(value).unwrap();
        assert_eq!(back, tools);
        assert_eq!(back[1].name(), Some("web_search"));
    }

    #[test]
    fn explicit_custom_type_round_trips() {
        let raw = json!({"type": "custom", "name": "f", "input_schema": {"type": "object"}});
        let tool: ToolParam = serde_json::from_value(raw.clone()).unwrap();
        assert!(matches!(tool, ToolParam::Custom(ref t) if t.name == "f"));
        assert_eq!(serde_json::to_value(&tool).unwrap(), raw);
    }

    #[test]
    fn tool_choice_variants() {
        let cases = [
            (ToolChoice::auto(), json!({"type": "auto"})),
            (
                ToolChoice::any().disable_parallel_tool_use(false),
                json!({"type": "any", "disable_parallel_tool_use": false}),
            ),
            (ToolChoice::tool("f"), json!({"type": "tool", "name": "f"})),
            (ToolChoice::none(), json!({"type": "none"})),
        ];
        for (choice, expected) in cases {
            assert_eq!(serde_json::to_value(&choice).unwrap(), expected);
            assert_eq!(
                serde_json::from_value::<ToolChoice>(expected).unwrap(),
                choice
            );
        }
        let unknown: ToolChoice = serde_json::from_value(json!({"type": "later"})).unwrap();
        assert_eq!(unknown, ToolChoice::Other(json!({"type": "later"})));
    }
}
