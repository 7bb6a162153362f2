//! Result blocks of the tools that run in the code execution container (code execution,
//! bash, text editor) and of tool search, with their result contents.
//!
//! As in [`server_tool_blocks`](super::server_tool_blocks), each struct decodes from a
//! response and is sent back unchanged in a request; failures are a
//! [`ServerToolResultError`].

use serde::Serialize;
use serde_json::{Map, Value};

use super::{CacheControl, ServerToolResultError};

wire_struct! {
    /// A file the code wrote (`"type": "code_execution_output"`).
    #[derive(Serialize, Debug, Clone, PartialEq, Default)]
    pub struct CodeExecutionOutputBlock {
        /// The file's ID (download it with the Files API).
        required pub file_id: String,
        /// Fields not modeled here, kept as received.
        pub extra: Map<String, Value>,
    }
}

tagged_enum! {
    /// An entry of the files a code execution produced.
    pub enum CodeExecutionOutput {
        /// `"code_execution_output"`.
        "code_execution_output" => File(CodeExecutionOutputBlock),
    }
}

wire_struct! {
    /// A finished code execution (`"type": "code_execution_result"`).
    #[derive(Serialize, Debug, Clone, PartialEq, Default)]
    pub struct CodeExecutionResultBlock {
        /// Standard output.
        required pub stdout: String,
        /// Standard error.
        required pub stderr: String,
        /// The exit status.
        required pub return_code: i64,
        /// Files written.
        default pub content: Vec<CodeExecutionOutput>,
        /// Fields not modeled here, kept as received.
        pub extra: Map<String, Value>,
    }
}

wire_struct! {
    /// A finished code execution whose output is encrypted
    /// (`"type": "encrypted_code_execution_result"`).
    #[derive(Serialize, Debug, Clone, PartialEq, Default)]
    pub struct EncryptedCodeExecutionResultBlock {
        /// Standard output, encrypted; send it back unchanged.
        required pub encrypted_stdout: String,
        /// Standard error.
        required pub stderr: String,
        /// The exit status.
        required pub return_code: i64,
        /// Files written.
        default pub content: Vec<CodeExecutionOutput>,
        /// Fields not modeled here, kept as received.
        pub extra: Map<String, Value>,
    }
}

tagged_enum! {
    /// The `content` of a [`CodeExecutionToolResultBlock`].
    pub enum CodeExecutionToolResultContent {
        /// `"code_execution_result"`.
        "code_execution_result" => Result(CodeExecutionResultBlock),
        /// `"encrypted_code_execution_result"`.
        "encrypted_code_execution_result" => EncryptedResult(EncryptedCodeExecutionResultBlock),
        /// `"code_execution_tool_result_error"`.
        "code_execution_tool_result_error" => Error(ServerToolResultError),
    }
}

wire_struct! {
    /// A file a bash command wrote (`"type": "bash_code_execution_output"`).
    #[derive(Serialize, Debug, Clone, PartialEq, Default)]
    pub struct BashCodeExecutionOutputBlock {
        /// The file's ID (download it with the Files API).
        required pub file_id: String,
        /// Fields not modeled here, kept as received.
        pub extra: Map<String, Value>,
    }
}

tagged_enum! {
    /// An entry of the files a bash command produced.
    pub enum BashCodeExecutionOutput {
        /// `"bash_code_execution_output"`.
        "bash_code_execution_output" => File(BashCodeExecutionOutputBlock),
    }
}

wire_struct! {
    /// A finished bash command (`"type": "bash_code_execution_result"`).
    #[derive(Serialize, Debug, Clone, PartialEq, Default)]
    pub struct BashCodeExecutionResultBlock {
        /// Standard output.
        required pub stdout: String,
        /// Standard error.
        required pub stderr: String,
        /// The exit status.
        required pub return_code: i64,
        /// Files written.
        default pub content: Vec<BashCodeExecutionOutput>,
        /// Fields not modeled here, kept as received.
        pub extra: Map<String, Value>,
    }
}

tagged_enum! {
    /// The `content` of a [`BashCodeExecutionToolResultBlock`].
    pub enum BashCodeExecutionToolResultContent {
        /// `"bash_code_execution_result"`.
        "bash_code_execution_result" => Result(BashCodeExecutionResultBlock),
        /// `"bash_code_execution_tool_result_error"`.
        "bash_code_execution_tool_result_error" => Error(ServerToolResultError),
    }
}

open_string_enum! {
    /// What kind of file the text editor viewed.
    pub enum TextEditorFileType {
        /// `"text"`.
        Text => "text",
        /// `"image"`.
        Image => "image",
        /// `"pdf"`.
        Pdf => "pdf",
    }
}

wire_struct! {
    /// A file viewed (`"type": "text_editor_code_execution_view_result"`).
    #[derive(Serialize, Debug, Clone, PartialEq)]
    pub struct TextEditorViewResultBlock {
        /// The file's content.
        required pub content: String,
        /// The kind of file.
        required pub file_type: TextEditorFileType,
        /// Lines shown.
        nullable pub num_lines: Option<u64>,
        /// First line shown (1-based).
        nullable pub start_line: Option<u64>,
        /// Lines in the file.
        nullable pub total_lines: Option<u64>,
        /// Fields not modeled here, kept as received.
        pub extra: Map<String, Value>,
    }
}

wire_struct! {
    /// A file created or overwritten (`"type": "text_editor_code_execution_create_result"`).
    #[derive(Serialize, Debug, Clone, PartialEq, Default)]
    pub struct TextEditorCreateResultBlock {
        /// Whether an existing file was overwritten.
        required pub is_file_update: bool,
        /// Fields not modeled here, kept as received.
        pub extra: Map<String, Value>,
    }
}

wire_struct! {
    /// A replacement made (`"type": "text_editor_code_execution_str_replace_result"`), as a
    /// diff hunk.
    #[derive(Serialize, Debug, Clone, PartialEq, Default)]
    pub struct TextEditorStrReplaceResultBlock {
        /// The hunk's lines.
        nullable pub lines: Option<Vec<String>>,
        /// First old line.
        nullable pub old_start: Option<u64>,
        /// Old line count.
        nullable pub old_lines: Option<u64>,
        /// First new line.
        nullable pub new_start: Option<u64>,
        /// New line count.
        nullable pub new_lines: Option<u64>,
        /// Fields not modeled here, kept as received.
        pub extra: Map<String, Value>,
    }
}

tagged_enum! {
    /// The `content` of a [`TextEditorCodeExecutionToolResultBlock`].
    pub enum TextEditorCodeExecutionToolResultContent {
        /// `"text_editor_code_execution_view_result"`.
        "text_editor_code_execution_view_result" => View(TextEditorViewResultBlock),
        /// `"text_editor_code_execution_create_result"`.
        "text_editor_code_execution_create_result" => Create(TextEditorCreateResultBlock),
        /// `"text_editor_code_execution_str_replace_result"`.
        "text_editor_code_execution_str_replace_result" => StrReplace(TextEditorStrReplaceResultBlock),
        /// `"text_editor_code_execution_tool_result_error"`.
        "text_editor_code_execution_tool_result_error" => Error(ServerToolResultError),
    }
}

wire_struct! {
    /// A tool found by tool search (`"type": "tool_reference"`).
    #[derive(Serialize, Debug, Clone, PartialEq, Default)]
    pub struct ToolReferenceBlock {
        /// The tool's name (one of the request's deferred tools).
        required pub tool_name: String,
        /// Prompt-cache breakpoint (requests only).
        optional pub cache_control: Option<CacheControl>,
        /// Fields not modeled here, kept as received.
        pub extra: Map<String, Value>,
    }
}

tagged_enum! {
    /// An entry of a tool search's references.
    pub enum ToolReference {
        /// `"tool_reference"`.
        "tool_reference" => Tool(ToolReferenceBlock),
    }
}

wire_struct! {
    /// The tools a search found (`"type": "tool_search_tool_search_result"`).
    #[derive(Serialize, Debug, Clone, PartialEq, Default)]
    pub struct ToolSearchResultBlock {
        /// The tools found.
        required pub tool_references: Vec<ToolReference>,
        /// Fields not modeled here, kept as received.
        pub extra: Map<String, Value>,
    }
}

tagged_enum! {
    /// The `content` of a [`ToolSearchToolResultBlock`].
    pub enum ToolSearchToolResultContent {
        /// `"tool_search_tool_search_result"`.
        "tool_search_tool_search_result" => Result(ToolSearchResultBlock),
        /// `"tool_search_tool_result_error"`.
        "tool_search_tool_result_error" => Error(ServerToolResultError),
    }
}

/// Declares a `*_tool_result` block: `tool_use_id`, a typed `content`, `cache_control`
/// (requests only) and `extra`, decoded without buffering.
macro_rules! tool_result_block {
    ($(#[$meta:meta])* $name:ident($content:ty)) => {
        wire_struct! {
            $(#[$meta])*
            #[derive(Serialize, Debug, Clone, PartialEq)]
            pub struct $name {
                /// The `id` of the [`ServerToolUseBlock`](super::ServerToolUseBlock) this answers.
                required pub tool_use_id: String,
                /// The result, or an error.
                required pub content: $content,
                /// Prompt-cache breakpoint (requests only).
                optional pub cache_control: Option<CacheControl>,
                /// Fields not modeled here, kept as received.
                pub extra: Map<String, Value>,
            }
        }

        impl $name {
            /// A result answering `tool_use_id`.
            pub fn new(tool_use_id: impl Into<String>, content: impl Into<$content>) -> Self {
                Self {
                    tool_use_id: tool_use_id.into(),
                    content: content.into(),
                    cache_control: None,
                    extra: Map::new(),
                }
            }
        }
    };
}

tool_result_block! {
    /// The result of a code execution (`"type": "code_execution_tool_result"`).
    CodeExecutionToolResultBlock(CodeExecutionToolResultContent)
}
tool_result_block! {
    /// The result of a bash command (`"type": "bash_code_execution_tool_result"`).
    BashCodeExecutionToolResultBlock(BashCodeExecutionToolResultContent)
}
tool_result_block! {
    /// The result of a text editor command
    /// (`"type": "text_editor_code_execution_tool_result"`).
    TextEditorCodeExecutionToolResultBlock(TextEditorCodeExecutionToolResultContent)
}
tool_result_block! {
    /// The result of a tool search (`"type": "tool_search_tool_result"`).
    ToolSearchToolResultBlock(ToolSearchToolResultContent)
}
