//! `POST /v1/messages` and `/v1/messages/count_tokens`: validating the
//! request and estimating its size.

use serde_json::{Map, Value, json};

use super::tools::example_input;
use crate::error::ApiError;

/// The API version whose rules the emulator enforces.
pub(crate) const API_VERSION: &str = "2026-10-21";

/// Sampling parameters that API version no longer accepts.
const UNSUPPORTED_SAMPLING: [&str; 3] = ["temperature", "top_p", "top_k"];

/// A validated Messages (or count-tokens) request.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MessagesRequest {
    /// `model`, echoed back.
    pub(crate) model: String,
    /// `max_tokens` (`None` for count-tokens, where it is not required).
    pub(crate) max_tokens: Option<u64>,
    /// `"stream": true`.
    pub(crate) stream: bool,
    /// The token estimate of the prompt.
    pub(crate) input_tokens: u64,
    /// The text of the last user message.
    pub(crate) last_user_text: String,
    /// The tool the answer must call, when `tool_choice` forces one
    /// (`{"type":"tool","name":..}` or `{"type":"any"}`).
    pub(crate) forced_tool: Option<ForcedTool>,
    /// `thinking` is `{"type":"enabled",..}` or `{"type":"adaptive"}`.
    pub(crate) thinking: bool,
    /// `1 +` the number of `tool_use` blocks in the conversation so far: the
    /// `<n>` of the `toolu_emu_<n>` id an answer's tool call gets, so that
    /// the same request gets the same id and calls in one conversation get
    /// distinct ones.
    pub(crate) tool_use_number: u64,
    /// `stream-text-bytes=N` of a scenario: the answer is one text block
    /// (after the thinking block, if any) of exactly this many bytes of
    /// `filler` text (see `plan.rs`), whatever `tool_choice` says.
    pub(crate) text_bytes: Option<u64>,
    /// `text-delta-bytes=N` of a scenario: that text streams in deltas of N
    /// bytes (default `FILLER_BYTES_PER_DELTA`).
    pub(crate) text_delta_bytes: Option<usize>,
}

impl MessagesRequest {
    /// The request fast mode answers: only `model` and `stream` were read
    /// from the body; the prompt's size is estimated from the body's length.
    pub(crate) fn fast(model: String, stream: bool, body_len: usize) -> Self {
        MessagesRequest {
            model,
            max_tokens: None,
            stream,
            input_tokens: estimate_tokens(body_len),
            last_user_text: String::new(),
            forced_tool: None,
            thinking: false,
            tool_use_number: 1,
            text_bytes: None,
            text_delta_bytes: None,
        }
    }
}

/// A tool the answer calls, with its deterministic input.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ForcedTool {
    /// The tool's `name`.
    pub(crate) name: String,
    /// Built from the tool's `input_schema` by [`example_input`].
    pub(crate) input: Value,
}

/// Which endpoint is being validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Endpoint {
    Messages,
    CountTokens,
}

/// Parses and validates the body of `POST /v1/messages` or
/// `POST /v1/messages/count_tokens`.
pub(crate) fn parse_messages_request(
    body: &[u8],
    endpoint: Endpoint,
) -> Result<MessagesRequest, ApiError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| ApiError::invalid_json(&e))?;
    let Some(obj) = value.as_object() else {
        return Err(ApiError::invalid_request(
            "request body must be a JSON object",
        ));
    };

    let model = match obj.get("model") {
        None | Some(Value::Null) => return Err(ApiError::invalid_request("model: Field required")),
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        Some(_) => {
            return Err(ApiError::invalid_request(
                "model: Input should be a non-empty string",
            ));
        }
    };

    let max_tokens = match endpoint {
        Endpoint::CountTokens => None,
        Endpoint::Messages => match obj.get("max_tokens") {
            None | Some(Value::Null) => {
                return Err(ApiError::invalid_request("max_tokens: Field required"));
            }
            Some(v) => match v.as_u64() {
                Some(n) if n > 0 => Some(n),
                _ => {
                    return Err(ApiError::invalid_request(
                        "max_tokens: Input should be a positive integer",
                    ));
                }
            },
        },
    };

    let messages = match obj.get("messages") {
        None | Some(Value::Null) => {
            return Err(ApiError::invalid_request("messages: Field required"));
        }
        Some(Value::Array(list)) if !list.is_empty() => list,
        Some(Value::Array(_)) => {
            return Err(ApiError::invalid_request(
                "messages: at least one message is required",
            ));
        }
        Some(_) => {
            return Err(ApiError::invalid_request(
                "messages: Input should be a valid list",
            ));
        }
    };
    for (i, message) in messages.iter().enumerate() {
        let Some(message) = message.as_object() else {
            return Err(ApiError::invalid_request(format!(
                "messages.{i}: Input should be an object"
            )));
        };
        match message.get("role").and_then(Value::as_str) {
            Some("user" | "assistant") => {}
            _ => {
                return Err(ApiError::invalid_request(format!(
                    "messages.{i}.role: Input should be 'user' or 'assistant'"
                )));
            }
        }
        match message.get("content") {
            Some(Value::String(_) | Value::Array(_)) => {}
            None | Some(Value::Null) => {
                return Err(ApiError::invalid_request(format!(
                    "messages.{i}.content: Field required"
                )));
            }
            Some(_) => {
                return Err(ApiError::invalid_request(format!(
                    "messages.{i}.content: Input should be a string or a list of content blocks"
                )));
            }
        }
    }

    match obj.get("system") {
        None | Some(Value::Null | Value::String(_) | Value::Array(_)) => {}
        Some(_) => {
            return Err(ApiError::invalid_request(
                "system: Input should be a string or a list of text blocks",
            ));
        }
    }

    for field in UNSUPPORTED_SAMPLING {
        if obj.get(field).is_some_and(|v| !v.is_null()) {
            return Err(ApiError::invalid_request(format!(
                "{field}: this parameter is not supported in API version {API_VERSION}"
            )));
        }
    }

    let stream = match obj.get("stream") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            return Err(ApiError::invalid_request(
                "stream: Input should be a valid boolean",
            ));
        }
    };

    let last_user_text = messages
        .iter()
        .rev()
        .find(|m| m.get("role").and_then(Value::as_str) == Some("user"))
        .and_then(|m| m.get("content"))
        .map(content_text)
        .unwrap_or_default();

    let forced_tool = parse_tool_choice(obj)?;
    let thinking = match obj.get("thinking") {
        None | Some(Value::Null) => false,
        Some(Value::Object(config)) => matches!(
            config.get("type").and_then(Value::as_str),
            Some("enabled" | "adaptive")
        ),
        Some(_) => {
            return Err(ApiError::invalid_request(
                "thinking: Input should be an object",
            ));
        }
    };
    let earlier_tool_uses = messages
        .iter()
        .filter_map(|m| m.get("content").and_then(Value::as_array))
        .flatten()
        .filter(|b| b.get("type").and_then(Value::as_str) == Some("tool_use"))
        .count();

    Ok(MessagesRequest {
        model,
        max_tokens,
        stream,
        input_tokens: count_input_tokens(obj),
        last_user_text,
        forced_tool,
        thinking,
        tool_use_number: u64::try_from(earlier_tool_uses)
            .unwrap_or(u64::MAX)
            .saturating_add(1),
        text_bytes: None,
        text_delta_bytes: None,
    })
}

/// `tools` and `tool_choice`: which tool, if any, the answer must call.
/// `auto`, `none` and types this emulator does not know force nothing.
fn parse_tool_choice(obj: &Map<String, Value>) -> Result<Option<ForcedTool>, ApiError> {
    let tools: &[Value] = match obj.get("tools") {
        None | Some(Value::Null) => &[],
        Some(Value::Array(tools)) => tools,
        Some(_) => {
            return Err(ApiError::invalid_request(
                "tools: Input should be a valid list",
            ));
        }
    };
    let tool_name = |tool: &Value| tool.get("name").and_then(Value::as_str).map(str::to_owned);
    let choice = match obj.get("tool_choice") {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Object(choice)) => choice,
        Some(_) => {
            return Err(ApiError::invalid_request(
                "tool_choice: Input should be an object",
            ));
        }
    };
    let tool = match choice.get("type").and_then(Value::as_str) {
        Some("any") => match tools.first() {
            Some(tool) => tool,
            None => {
                return Err(ApiError::invalid_request(
                    "tool_choice: 'any' requires at least one tool in tools",
                ));
            }
        },
        Some("tool") => {
            let Some(name) = choice.get("name").and_then(Value::as_str) else {
                return Err(ApiError::invalid_request(
                    "tool_choice.name: Field required",
                ));
            };
            match tools.iter().find(|t| tool_name(t).as_deref() == Some(name)) {
                Some(tool) => tool,
                None => {
                    return Err(ApiError::invalid_request(format!(
                        "tool_choice.name: tool '{name}' is not in tools"
                    )));
                }
            }
        }
        _ => return Ok(None),
    };
    let Some(name) = tool_name(tool) else {
        return Err(ApiError::invalid_request("tools: every tool needs a name"));
    };
    Ok(Some(ForcedTool {
        name,
        input: example_input(tool.get("input_schema")),
    }))
}

/// The text of a `content` (a string, or the `text` of its text blocks,
/// joined with newlines).
fn content_text(content: &Value) -> String {
    match content {
        Value::String(s) => s.clone(),
        Value::Array(blocks) => blocks
            .iter()
            .filter(|b| b.get("type").and_then(Value::as_str) == Some("text"))
            .filter_map(|b| b.get("text").and_then(Value::as_str))
            .collect::<Vec<_>>()
            .join("\n"),
        _ => String::new(),
    }
}

/// Characters a `content` or `system` value contributes to the estimate:
/// text counts by its characters, any other block by its JSON length.
fn content_chars(content: &Value) -> usize {
    match content {
        Value::String(s) => s.chars().count(),
        Value::Array(blocks) => blocks
            .iter()
            .map(|b| match b.get("text").and_then(Value::as_str) {
                Some(text) if b.get("type").and_then(Value::as_str) == Some("text") => {
                    text.chars().count()
                }
                _ => json_chars(b),
            })
            .sum(),
        Value::Null => 0,
        other => json_chars(other),
    }
}

pub(crate) fn json_chars(v: &Value) -> usize {
    serde_json::to_string(v)
        .map(|s| s.chars().count())
        .unwrap_or_default()
}

/// `ceil(chars / 4)`, at least 1.
pub(crate) fn estimate_tokens(chars: usize) -> u64 {
    u64::try_from(chars.div_ceil(4)).unwrap_or(u64::MAX).max(1)
}

/// The deterministic prompt size shared by `/v1/messages` and
/// `/v1/messages/count_tokens`: the characters of `system`, every message's
/// content and `tools`.
fn count_input_tokens(obj: &Map<String, Value>) -> u64 {
    let mut chars = obj.get("system").map(content_chars).unwrap_or_default();
    if let Some(Value::Array(messages)) = obj.get("messages") {
        chars += messages
            .iter()
            .filter_map(|m| m.get("content"))
            .map(content_chars)
            .sum::<usize>();
    }
    if let Some(tools) = obj.get("tools") {
        chars += json_chars(tools);
    }
    estimate_tokens(chars)
}

/// The count-tokens answer.
pub(crate) fn count_tokens_body(request: &MessagesRequest) -> Value {
    json!({ "input_tokens": request.input_tokens })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_validation() {
        let ok = br#"{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}"#;
        let parsed = parse_messages_request(ok, Endpoint::Messages);
        assert_eq!(parsed.as_ref().map(|r| r.last_user_text.as_str()), Ok("hi"));
        let cases: [(&[u8], &str); 9] = [
            (b"nope", "not valid JSON"),
            (b"[]", "JSON object"),
            (br#"{"max_tokens":5,"messages":[]}"#, "model"),
            (br#"{"model":"m","messages":[]}"#, "max_tokens"),
            (br#"{"model":"m","max_tokens":0,"messages":[]}"#, "max_tokens"),
            (br#"{"model":"m","max_tokens":1.5,"messages":[]}"#, "max_tokens"),
            (br#"{"model":"m","max_tokens":1,"messages":[]}"#, "messages"),
            (
                br#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"x"}],"top_k":3}"#,
                "top_k",
            ),
            (
                br#"{"model":"m","max_tokens":1,"messages":[{"role":"bot","content":"x"}]}"#,
                "messages.0.role",
            ),
        ];
        for (body, needle) in cases {
            let err = parse_messages_request(body, Endpoint::Messages).err();
            assert!(
                err.as_ref()
                    .is_some_and(|e| e.message.contains(needle) && e.status == 400),
                "{needle}: {err:?}"
            );
        }
        // count_tokens does not need max_tokens.
        let ct = br#"{"model":"m","messages":[{"role":"user","content":"x"}]}"#;
        assert!(parse_messages_request(ct, Endpoint::CountTokens).is_ok());
    }

    #[test]
    fn token_estimate_is_shared_and_deterministic() {
        let body = br#"{"model":"m","max_tokens":9,"system":"abcd",
            "messages":[{"role":"user","content":[{"type":"text","text":"12345"},{"type":"text","text":"6"}]}]}"#;
        let m = parse_messages_request(body, Endpoint::Messages).ok();
        let c = parse_messages_request(body, Endpoint::CountTokens).ok();
        // 4 + 5 + 1 = 10 chars -> 3 tokens.
        assert_eq!(m.as_ref().map(|r| r.input_tokens), Some(3));
        assert_eq!(c.as_ref().map(|r| r.input_tokens), Some(3));
        assert_eq!(
            m.as_ref().map(|r| r.last_user_text.as_str()),
            Some("12345\n6")
        );
        assert_eq!(estimate_tokens(0), 1);
    }
}
