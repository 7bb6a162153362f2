//! Tool definitions ([`ToolParam`], [`Tool`]) and [`ToolChoice`].

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use super::{
    BashTool, BashToolVersion, CacheControl, CodeExecutionTool, CodeExecutionToolVersion,
    MemoryTool, MemoryToolVersion, TextEditorTool, TextEditorToolVersion, ToolSearchTool,
    ToolSearchToolVersion, WebFetchTool, WebFetchToolVersion, WebSearchTool, WebSearchToolVersion,
};

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

/// An entry of the `tools` list: a custom [`Tool`], a server tool definition, or any other
/// tool as raw JSON.
///
/// Decoding: an object without `type`, or with `"type": "custom"`, is a `Custom` tool; a
/// `type` naming a version of a server tool this crate knows decodes into that tool; anything
/// else is `Other`.
#[derive(Debug, Clone, PartialEq)]
pub enum ToolParam {
    /// A client tool.
    Custom(Tool),
    /// `web_search_*`.
    WebSearch(WebSearchTool),
    /// `web_fetch_*`.
    WebFetch(WebFetchTool),
    /// `code_execution_*`.
    CodeExecution(CodeExecutionTool),
    /// `bash_*`.
    Bash(BashTool),
    /// `text_editor_*`.
    TextEditor(TextEditorTool),
    /// `memory_*`.
    Memory(MemoryTool),
    /// `tool_search_tool_*`.
    ToolSearch(ToolSearchTool),
    /// Any other tool definition, sent as-is.
    Other(Value),
}

impl ToolParam {
    /// The tool's name (`name` of the raw JSON for `Other`).
    pub fn name(&self) -> Option<&str> {
        match self {
            Self::Custom(tool) => Some(&tool.name),
            Self::WebSearch(tool) => Some(&tool.name),
            Self::WebFetch(tool) => Some(&tool.name),
            Self::CodeExecution(tool) => Some(&tool.name),
            Self::Bash(tool) => Some(&tool.name),
            Self::TextEditor(tool) => Some(&tool.name),
            Self::Memory(tool) => Some(&tool.name),
            Self::ToolSearch(tool) => Some(&tool.name),
            Self::Other(value) => value.get("name").and_then(Value::as_str),
        }
    }
}

/// `From` each tool definition into its variant.
macro_rules! tool_param_from {
    ($($ty:ident => $variant:ident),* $(,)?) => {
        $(
            impl From<$ty> for ToolParam {
                fn from(tool: $ty) -> Self {
                    Self::$variant(tool)
                }
            }
        )*
    };
}

tool_param_from!(
    Tool => Custom,
    WebSearchTool => WebSearch,
    WebFetchTool => WebFetch,
    CodeExecutionTool => CodeExecution,
    BashTool => Bash,
    TextEditorTool => TextEditor,
    MemoryTool => Memory,
    ToolSearchTool => ToolSearch,
);

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
            Self::WebSearch(tool) => tool.serialize(serializer),
            Self::WebFetch(tool) => tool.serialize(serializer),
            Self::CodeExecution(tool) => tool.serialize(serializer),
            Self::Bash(tool) => tool.serialize(serializer),
            Self::TextEditor(tool) => tool.serialize(serializer),
            Self::Memory(tool) => tool.serialize(serializer),
            Self::ToolSearch(tool) => tool.serialize(serializer),
            Self::Other(value) => value.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for ToolParam {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let value = Value::deserialize(deserializer)?;
        let kind = match value.get("type") {
            None if value.is_object() => Some("custom"),
            None => None,
            Some(kind) => kind.as_str(),
        };
        let Some(kind) = kind else {
            return Ok(Self::Other(value));
        };
        fn typed<T: serde::de::DeserializeOwned, E: Error>(
            value: Value,
            kind: &str,
            variant: fn(T) -> ToolParam,
        ) -> Result<ToolParam, E> {
            serde_json::from_value(value)
                .map(variant)
                .map_err(|e| E::custom(format_args!("invalid `{kind}` tool: {e}")))
        }
        let kind = kind.to_owned();
        if kind == "custom" {
            serde_json::from_value(value)
                .map(Self::Custom)
                .map_err(|e| D::Error::custom(format_args!("invalid custom tool: {e}")))
        } else if !matches!(
            WebSearchToolVersion::from(kind.as_str()),
            WebSearchToolVersion::Other(_)
        ) {
            typed(value, &kind, Self::WebSearch)
        } else if !matches!(
            WebFetchToolVersion::from(kind.as_str()),
            WebFetchToolVersion::Other(_)
        ) {
            typed(value, &kind, Self::WebFetch)
        } else if !matches!(
            CodeExecutionToolVersion::from(kind.as_str()),
            CodeExecutionToolVersion::Other(_)
        ) {
            typed(value, &kind, Self::CodeExecution)
        } else if !matches!(
            BashToolVersion::from(kind.as_str()),
            BashToolVersion::Other(_)
        ) {
            typed(value, &kind, Self::Bash)
        } else if !matches!(
            TextEditorToolVersion::from(kind.as_str()),
            TextEditorToolVersion::Other(_)
        ) {
            typed(value, &kind, Self::TextEditor)
        } else if !matches!(
            MemoryToolVersion::from(kind.as_str()),
            MemoryToolVersion::Other(_)
        ) {
            typed(value, &kind, Self::Memory)
        } else if !matches!(
            ToolSearchToolVersion::from(kind.as_str()),
            ToolSearchToolVersion::Other(_)
        ) {
            typed(value, &kind, Self::ToolSearch)
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
            ToolParam::from(json!({"type": "web_search_20990101", "name": "web_search"})),
            ToolParam::from(WebSearchTool::new(WebSearchToolVersion::V20250305)),
        ];
        let value = serde_json::to_value(&tools).unwrap();
        assert_eq!(
            value,
            json!([
                {"name": "f", "input_schema": {"type": "object"}},
                {"type": "web_search_20990101", "name": "web_search"},
                {"type": "web_search_20250305", "name": "web_search"}
            ])
        );
        let back: Vec<ToolParam> = serde_json::from_value(value).unwrap();
        assert_eq!(back, tools);
        assert_eq!(back[1].name(), Some("web_search"));
        assert_eq!(back[2].name(), Some("web_search"));
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
