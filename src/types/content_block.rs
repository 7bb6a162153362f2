//! The response side of content: [`ContentBlock`], what the model produced, and how a block
//! goes back into the next turn's request.

use serde::Serialize;
use serde_json::{Map, Value};

use super::{
    BashCodeExecutionToolResultBlock, CodeExecutionToolResultBlock, ContainerUploadBlock,
    ContentBlockParam, RedactedThinkingBlockParam, ServerToolUseBlock, TextBlockParam,
    TextEditorCodeExecutionToolResultBlock, ThinkingBlockParam, ToolSearchToolResultBlock,
    ToolUseBlockParam, WebFetchToolResultBlock, WebSearchToolResultBlock,
};

wire_struct! {
    /// Text the model produced (`"type": "text"`).
    #[derive(Serialize, Debug, Clone, PartialEq, Default)]
    pub struct TextBlock {
        /// The text.
        required pub text: String,
        /// Citations backing this text, as raw JSON (absent or `null` when none).
        /// `null` is read as `None` and then omitted when re-serialized.
        optional pub citations: Option<Vec<Value>>,
        /// Fields not modeled here, kept as received.
        pub extra: Map<String, Value>,
    }
}

wire_struct! {
    /// The model's extended thinking (`"type": "thinking"`).
    #[derive(Serialize, Debug, Clone, PartialEq, Default)]
    pub struct ThinkingBlock {
        /// The thinking text (may be empty when display is `omitted`).
        required pub thinking: String,
        /// Signature to send back with the block in later turns.
        required pub signature: String,
        /// Fields not modeled here, kept as received.
        pub extra: Map<String, Value>,
    }
}

wire_struct! {
    /// Thinking redacted by safety systems (`"type": "redacted_thinking"`).
    #[derive(Serialize, Debug, Clone, PartialEq, Default)]
    pub struct RedactedThinkingBlock {
        /// Encrypted thinking, to send back unchanged.
        required pub data: String,
        /// Fields not modeled here, kept as received.
        pub extra: Map<String, Value>,
    }
}

wire_struct! {
    /// A call of a client tool (`"type": "tool_use"`).
    #[derive(Serialize, Debug, Clone, PartialEq, Default)]
    pub struct ToolUseBlock {
        /// The call's ID, to quote in the `tool_result`.
        required pub id: String,
        /// The tool's name.
        required pub name: String,
        /// The tool's input, as the model wrote it.
        required pub input: Value,
        /// Fields not modeled here, kept as received.
        pub extra: Map<String, Value>,
    }
}

tagged_enum! {
    /// A content block of a response [`Message`](super::Message), tagged by
    /// `"type"`.
    ///
    /// Blocks of any other type (`mcp_tool_use`, new ones) decode into `Other` with their
    /// raw JSON, so decoding never fails on a block type this crate does not know.
    pub enum ContentBlock {
        /// `"text"`.
        "text" => Text(TextBlock),
        /// `"thinking"`.
        "thinking" => Thinking(ThinkingBlock),
        /// `"redacted_thinking"`.
        "redacted_thinking" => RedactedThinking(RedactedThinkingBlock),
        /// `"tool_use"`.
        "tool_use" => ToolUse(ToolUseBlock),
        /// `"server_tool_use"`.
        "server_tool_use" => ServerToolUse(ServerToolUseBlock),
        /// `"web_search_tool_result"`.
        "web_search_tool_result" => WebSearchToolResult(WebSearchToolResultBlock),
        /// `"web_fetch_tool_result"`.
        "web_fetch_tool_result" => WebFetchToolResult(WebFetchToolResultBlock),
        /// `"code_execution_tool_result"`.
        "code_execution_tool_result" => CodeExecutionToolResult(CodeExecutionToolResultBlock),
        /// `"bash_code_execution_tool_result"`.
        "bash_code_execution_tool_result" => BashCodeExecutionToolResult(BashCodeExecutionToolResultBlock),
        /// `"text_editor_code_execution_tool_result"`.
        "text_editor_code_execution_tool_result" => TextEditorCodeExecutionToolResult(TextEditorCodeExecutionToolResultBlock),
        /// `"tool_search_tool_result"`.
        "tool_search_tool_result" => ToolSearchToolResult(ToolSearchToolResultBlock),
        /// `"container_upload"`.
        "container_upload" => ContainerUpload(ContainerUploadBlock),
    }
}

impl ContentBlock {
    /// The text of a text block, `None` for other blocks.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Self::Text(block) => Some(&block.text),
            _ => None,
        }
    }

    /// The tool call of a `tool_use` block, `None` for other blocks.
    pub fn as_tool_use(&self) -> Option<&ToolUseBlock> {
        match self {
            Self::ToolUse(block) => Some(block),
            _ => None,
        }
    }
}

/// Turns a response block into the block to send back in the next turn.
///
/// Unmodeled fields (`extra`) and `Other` blocks are carried over unchanged.
impl From<ContentBlock> for ContentBlockParam {
    fn from(block: ContentBlock) -> Self {
        match block {
            ContentBlock::Text(b) => Self::Text(TextBlockParam {
                text: b.text,
                cache_control: None,
                citations: b.citations,
                extra: b.extra,
            }),
            ContentBlock::Thinking(b) => Self::Thinking(ThinkingBlockParam {
                thinking: b.thinking,
                signature: b.signature,
                extra: b.extra,
            }),
            ContentBlock::RedactedThinking(b) => {
                Self::RedactedThinking(RedactedThinkingBlockParam {
                    data: b.data,
                    extra: b.extra,
                })
            }
            ContentBlock::ToolUse(b) => Self::ToolUse(ToolUseBlockParam {
                id: b.id,
                name: b.name,
                input: b.input,
                cache_control: None,
                extra: b.extra,
            }),
            ContentBlock::ServerToolUse(b) => Self::ServerToolUse(b),
            ContentBlock::WebSearchToolResult(b) => Self::WebSearchToolResult(b),
            ContentBlock::WebFetchToolResult(b) => Self::WebFetchToolResult(b),
            ContentBlock::CodeExecutionToolResult(b) => Self::CodeExecutionToolResult(b),
            ContentBlock::BashCodeExecutionToolResult(b) => Self::BashCodeExecutionToolResult(b),
            ContentBlock::TextEditorCodeExecutionToolResult(b) => {
                Self::TextEditorCodeExecutionToolResult(b)
            }
            ContentBlock::ToolSearchToolResult(b) => Self::ToolSearchToolResult(b),
            ContentBlock::ContainerUpload(b) => Self::ContainerUpload(b),
            ContentBlock::Other(value) => Self::Other(value),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn response_blocks_convert_to_request_blocks() {
        let blocks: Vec<ContentBlock> = serde_json::from_value(json!([
            {"type": "thinking", "thinking": "t", "signature": "s"},
            {"type": "redacted_thinking", "data": "d"},
            {"type": "text", "text": "hi", "citations": null},
            {"type": "tool_use", "id": "toolu_1", "name": "f", "input": {"q": 1}},
            {"type": "server_tool_use", "id": "srvtoolu_1", "name": "web_search", "input": {}}
        ]))
        .unwrap();
        assert_eq!(blocks[2].as_text(), Some("hi"));
        assert_eq!(blocks[3].as_tool_use().map(|t| t.name.as_str()), Some("f"));
        assert!(matches!(&blocks[4], ContentBlock::ServerToolUse(b) if b.id == "srvtoolu_1"));
        let params: Vec<ContentBlockParam> = blocks.into_iter().map(Into::into).collect();
        assert_eq!(
            serde_json::to_value(&params).unwrap(),
            json!([
                {"type": "thinking", "thinking": "t", "signature": "s"},
                {"type": "redacted_thinking", "data": "d"},
                {"type": "text", "text": "hi"},
                {"type": "tool_use", "id": "toolu_1", "name": "f", "input": {"q": 1}},
                {"type": "server_tool_use", "id": "srvtoolu_1", "name": "web_search", "input": {}}
            ])
        );
    }
}
