//! What the answer needs from the conversation so far (`messages`): the last
//! user turn's text and tool results, and the tool calls made before.

use std::collections::BTreeMap;

use serde_json::Value;

/// One `tool_result` block of the last user turn.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ToolResult {
    /// `tool_use_id`.
    pub(crate) tool_use_id: String,
    /// The name of the tool of that `tool_use`, when an assistant turn has it.
    pub(crate) name: Option<String>,
    /// The result's `content` as text: a string as it is, a list's text
    /// blocks joined with newlines (other blocks as `[type]`).
    pub(crate) text: String,
    /// `is_error: true`.
    pub(crate) is_error: bool,
}

/// The facts of `messages` an answer depends on.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Conversation {
    /// The text of the last user message.
    pub(crate) last_user_text: String,
    /// The `tool_result` blocks of the last user message, in order.
    pub(crate) tool_results: Vec<ToolResult>,
    /// `tool_use` blocks in the conversation so far.
    pub(crate) tool_uses: usize,
    /// Assistant turns that called tools.
    pub(crate) tool_rounds: usize,
}

impl Conversation {
    /// Reads an already validated `messages` list.
    pub(crate) fn read(messages: &[Value]) -> Self {
        let blocks_of = |m: &Value| -> Vec<Value> {
            m.get("content")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        };
        let is_type = |b: &Value, t: &str| b.get("type").and_then(Value::as_str) == Some(t);
        let mut names = BTreeMap::new();
        let mut tool_uses = 0;
        let mut tool_rounds = 0;
        for message in messages {
            let mut called = false;
            for block in blocks_of(message).iter().filter(|b| is_type(b, "tool_use")) {
                tool_uses += 1;
                called = true;
                if let (Some(id), Some(name)) = (
                    block.get("id").and_then(Value::as_str),
                    block.get("name").and_then(Value::as_str),
                ) {
                    names.insert(id.to_owned(), name.to_owned());
                }
            }
            if called && role(message) == Some("assistant") {
                tool_rounds += 1;
            }
        }
        let last_user = messages.iter().rev().find(|m| role(m) == Some("user"));
        let tool_results = last_user
            .map(blocks_of)
            .unwrap_or_default()
            .iter()
            .filter(|b| is_type(b, "tool_result"))
            .map(|b| {
                let tool_use_id = b
                    .get("tool_use_id")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                ToolResult {
                    name: names.get(&tool_use_id).cloned(),
                    tool_use_id,
                    text: b.get("content").map(content_text).unwrap_or_default(),
                    is_error: b.get("is_error").and_then(Value::as_bool) == Some(true),
                }
            })
            .collect();
        Conversation {
            last_user_text: last_user
                .and_then(|m| m.get("content"))
                .map(|c| match c {
                    Value::Array(blocks) => text_of(blocks, false),
                    other => content_text(other),
                })
                .unwrap_or_default(),
            tool_results,
            tool_uses,
            tool_rounds,
        }
    }
}

fn role(message: &Value) -> Option<&str> {
    message.get("role").and_then(Value::as_str)
}

/// A `content` as text: a string as it is, a list's text blocks joined
/// with newlines (other blocks as `[type]`).
fn content_text(content: &Value) -> String {
    match content {
        Value::String(s) => s.clone(),
        Value::Array(blocks) => text_of(blocks, true),
        _ => String::new(),
    }
}

/// The `text` of text blocks, joined with newlines; other blocks are left
/// out, or shown as `[type]` when `mark_others`.
fn text_of(blocks: &[Value], mark_others: bool) -> String {
    blocks
        .iter()
        .filter_map(|b| match b.get("type").and_then(Value::as_str) {
            Some("text") => b.get("text").and_then(Value::as_str).map(str::to_owned),
            Some(other) if mark_others => Some(format!("[{other}]")),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The text of the answer to tool results: one line per result, naming
/// its `tool_use_id`, its tool and whether it is an error, then its text.
///
/// ```text
/// Received 2 tool results.
/// - toolu_emu_1 (get_weather): sunny
/// - toolu_emu_2 (get_time, is_error): no clock
/// ```
pub(crate) fn quote_results(results: &[ToolResult]) -> String {
    let mut text = match results.len() {
        1 => "Received 1 tool result.".to_owned(),
        n => format!("Received {n} tool results."),
    };
    for result in results {
        let mut about: Vec<&str> = result.name.iter().map(String::as_str).collect();
        if result.is_error {
            about.push("is_error");
        }
        text.push_str("\n- ");
        text.push_str(&result.tool_use_id);
        if !about.is_empty() {
            text.push_str(&format!(" ({})", about.join(", ")));
        }
        text.push_str(": ");
        text.push_str(&result.text);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_last_user_turn_and_earlier_calls_are_read() {
        let messages = json!([
            {"role": "user", "content": "weather and time?"},
            {"role": "assistant", "content": [
                {"type": "text", "text": "Checking."},
                {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {}},
                {"type": "tool_use", "id": "toolu_2", "name": "get_time", "input": {}},
            ]},
            {"role": "user", "content": [
                {"type": "tool_result", "tool_use_id": "toolu_1", "content": "sunny"},
                {"type": "tool_result", "tool_use_id": "toolu_2", "is_error": true,
                 "content": [{"type": "text", "text": "no"}, {"type": "image"}, {"type": "text", "text": "clock"}]},
                {"type": "tool_result", "tool_use_id": "toolu_9"},
                {"type": "text", "text": "thanks"},
            ]},
        ]);
        let conversation = Conversation::read(messages.as_array().map_or(&[], Vec::as_slice));
        assert_eq!(conversation.last_user_text, "thanks");
        assert_eq!(conversation.tool_uses, 2);
        assert_eq!(conversation.tool_rounds, 1);
        assert_eq!(
            quote_results(&conversation.tool_results),
            "Received 3 tool results.\n- toolu_1 (get_weather): sunny\n\
             - toolu_2 (get_time, is_error): no\n[image]\nclock\n- toolu_9: "
        );
        let plain = Conversation::read(&[json!({"role": "user", "content": "hi"})]);
        assert_eq!(plain.last_user_text, "hi");
        assert!(plain.tool_results.is_empty());
    }
}
