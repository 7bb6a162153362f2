//! Definitions of the server tools (code execution, bash, text editor, memory, tool search;
//! web search and web fetch are in `web_tools.rs`), one struct per tool with its versions as
//! an open enum, next to custom tools in [`ToolParam`](super::ToolParam).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::CacheControl;

open_string_enum! {
    /// Who may call a tool (`allowed_callers` of a tool definition).
    pub enum AllowedCaller {
        /// `"direct"`: the model.
        Direct => "direct",
        /// `"code_execution_20250825"`: code run by that code execution tool.
        CodeExecution20250825 => "code_execution_20250825",
        /// `"code_execution_20260120"`.
        CodeExecution20260120 => "code_execution_20260120",
        /// `"code_execution_20260521"`.
        CodeExecution20260521 => "code_execution_20260521",
    }
}

open_string_enum! {
    /// Versions of the code execution tool (its `type`).
    pub enum CodeExecutionToolVersion {
        /// `"code_execution_20250522"`: Python only.
        V20250522 => "code_execution_20250522",
        /// `"code_execution_20250825"`: bash and file editing.
        V20250825 => "code_execution_20250825",
        /// `"code_execution_20260120"`.
        V20260120 => "code_execution_20260120",
        /// `"code_execution_20260521"`.
        V20260521 => "code_execution_20260521",
    }
}

open_string_enum! {
    /// Versions of the bash tool (its `type`).
    pub enum BashToolVersion {
        /// `"bash_20250124"`.
        V20250124 => "bash_20250124",
    }
}

open_string_enum! {
    /// Versions of the text editor tool (its `type`); each has its own `name`.
    pub enum TextEditorToolVersion {
        /// `"text_editor_20250124"` (name `str_replace_editor`).
        V20250124 => "text_editor_20250124",
        /// `"text_editor_20250429"` (name `str_replace_based_edit_tool`).
        V20250429 => "text_editor_20250429",
        /// `"text_editor_20250728"` (name `str_replace_based_edit_tool`, adds `max_characters`).
        V20250728 => "text_editor_20250728",
    }
}

open_string_enum! {
    /// Versions of the memory tool (its `type`).
    pub enum MemoryToolVersion {
        /// `"memory_20250818"`.
        V20250818 => "memory_20250818",
    }
}

open_string_enum! {
    /// Variants of the tool search tool (its `type`); each has its own `name`.
    pub enum ToolSearchToolVersion {
        /// `"tool_search_tool_bm25_20251119"` (name `tool_search_tool_bm25`).
        Bm25V20251119 => "tool_search_tool_bm25_20251119",
        /// `"tool_search_tool_bm25"`.
        Bm25 => "tool_search_tool_bm25",
        /// `"tool_search_tool_regex_20251119"` (name `tool_search_tool_regex`).
        RegexV20251119 => "tool_search_tool_regex_20251119",
        /// `"tool_search_tool_regex"`.
        Regex => "tool_search_tool_regex",
    }
}

/// Declares a server tool definition: `type` (the version), `name`, the fields every tool
/// shares (`allowed_callers`, `cache_control`, `defer_loading`, `strict`), the tool's own
/// fields, `extra`, and their setters.
macro_rules! server_tool {
    (
        $(#[$meta:meta])*
        $name:ident($version:ty) {
            $( $(#[$fmeta:meta])* $field:ident: $fty:ty, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
        pub struct $name {
            /// The tool's version (`type` in the JSON).
            #[serde(rename = "type")]
            pub kind: $version,
            /// The tool's name, fixed by its version.
            pub name: String,
            /// Who may call the tool (the API defaults to the model).
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub allowed_callers: Option<Vec<AllowedCaller>>,
            /// Prompt-cache breakpoint on this tool.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub cache_control: Option<CacheControl>,
            /// Load the tool only when tool search finds it.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub defer_loading: Option<bool>,
            /// Validate the tool's input strictly.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub strict: Option<bool>,
            $(
                $(#[$fmeta])*
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $field: Option<$fty>,
            )*
            /// Fields not modeled here, sent as-is.
            #[serde(flatten)]
            pub extra: Map<String, Value>,
        }

        impl $name {
            /// Sets who may call the tool.
            #[must_use]
            pub fn allowed_callers<I>(mut self, callers: I) -> Self
            where
                I: IntoIterator,
                I::Item: Into<AllowedCaller>,
            {
                self.allowed_callers = Some(callers.into_iter().map(Into::into).collect());
                self
            }

            /// Sets a prompt-cache breakpoint on this tool.
            #[must_use]
            pub fn cache_control(mut self, cache_control: CacheControl) -> Self {
                self.cache_control = Some(cache_control);
                self
            }

            /// Loads the tool only when tool search finds it.
            #[must_use]
            pub fn defer_loading(mut self, defer: bool) -> Self {
                self.defer_loading = Some(defer);
                self
            }

            /// Validates the tool's input strictly.
            #[must_use]
            pub fn strict(mut self, strict: bool) -> Self {
                self.strict = Some(strict);
                self
            }

            fn with_name(kind: $version, name: &str) -> Self {
                Self {
                    kind,
                    name: name.to_owned(),
                    allowed_callers: None,
                    cache_control: None,
                    defer_loading: None,
                    strict: None,
                    $( $field: None, )*
                    extra: Map::new(),
                }
            }
        }

        impl_extra_field!($name);
    };
}

server_tool! {
    /// The code execution tool (`"name": "code_execution"`).
    CodeExecutionTool(CodeExecutionToolVersion) {}
}

impl CodeExecutionTool {
    /// The code execution tool of `version`.
    pub fn new(version: impl Into<CodeExecutionToolVersion>) -> Self {
        Self::with_name(version.into(), "code_execution")
    }
}

/// Setter of `input_examples`, for the tools that take them.
macro_rules! input_examples_setter {
    ($name:ident) => {
        impl $name {
            /// Example inputs shown to the model.
            #[must_use]
            pub fn input_examples<I: IntoIterator<Item = Value>>(mut self, examples: I) -> Self {
                self.input_examples = Some(examples.into_iter().collect());
                self
            }
        }
    };
}

server_tool! {
    /// The bash tool, run by the client (`"name": "bash"`).
    BashTool(BashToolVersion) {
        /// Example inputs shown to the model.
        input_examples: Vec<Value>,
    }
}
input_examples_setter!(BashTool);

impl BashTool {
    /// The bash tool of `version`.
    pub fn new(version: impl Into<BashToolVersion>) -> Self {
        Self::with_name(version.into(), "bash")
    }
}

server_tool! {
    /// The text editor tool, run by the client (`"name"` depends on the version).
    TextEditorTool(TextEditorToolVersion) {
        /// Example inputs shown to the model.
        input_examples: Vec<Value>,
        /// The most characters of a file to show (`text_editor_20250728`).
        max_characters: u32,
    }
}
input_examples_setter!(TextEditorTool);

impl TextEditorTool {
    /// The text editor tool of `version`, with the name that version requires
    /// (`str_replace_editor` for `text_editor_20250124`, else `str_replace_based_edit_tool`).
    pub fn new(version: impl Into<TextEditorToolVersion>) -> Self {
        let version = version.into();
        let name = match version {
            TextEditorToolVersion::V20250124 => "str_replace_editor",
            _ => "str_replace_based_edit_tool",
        };
        Self::with_name(version, name)
    }

    /// Caps the characters of a file shown.
    #[must_use]
    pub fn max_characters(mut self, max: u32) -> Self {
        self.max_characters = Some(max);
        self
    }
}

server_tool! {
    /// The memory tool, run by the client (`"name": "memory"`).
    MemoryTool(MemoryToolVersion) {
        /// Example inputs shown to the model.
        input_examples: Vec<Value>,
    }
}
input_examples_setter!(MemoryTool);

impl MemoryTool {
    /// The memory tool of `version`.
    pub fn new(version: impl Into<MemoryToolVersion>) -> Self {
        Self::with_name(version.into(), "memory")
    }
}

server_tool! {
    /// The tool search tool (`"name"` `tool_search_tool_bm25` or `tool_search_tool_regex`).
    ToolSearchTool(ToolSearchToolVersion) {}
}

impl ToolSearchTool {
    /// The tool search tool of `version`, with the name that variant requires.
    pub fn new(version: impl Into<ToolSearchToolVersion>) -> Self {
        let version = version.into();
        let name = if version.as_str().starts_with("tool_search_tool_regex") {
            "tool_search_tool_regex"
        } else {
            "tool_search_tool_bm25"
        };
        Self::with_name(version, name)
    }
}
