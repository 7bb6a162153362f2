//! `POST /v1/messages` and `/v1/messages/count_tokens`: validating the
//! request and estimating its size.

use serde_json::{Map, Value, json};

use super::conversation::Conversation;
use super::structured::output_schema;
use super::tools::{ToolSetup, parse_tools};
use crate::error::ApiError;
use crate::scenario::AnswerScript;

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
    /// What the answer needs of `messages`: the last user turn's text and
    /// tool results, the tool calls so far (`toolu_emu_<n>` ids continue
    /// from their count, so that the same request gets the same ids and
    /// calls in one conversation get distinct ones).
    pub(crate) conversation: Conversation,
    /// `tools` and `tool_choice`.
    pub(crate) tools: ToolSetup,
    /// The schema of `output_config.format`, for a structured output.
    pub(crate) output_schema: Option<Value>,
    /// `thinking` is `{"type":"enabled",..}` or `{"type":"adaptive"}`.
    pub(crate) thinking: bool,
    /// What the scenario asks of the answer's content (set by the caller:
    /// `Scenario::answer_script`).
    pub(crate) script: AnswerScript,
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
            conversation: Conversation::default(),
            tools: ToolSetup::default(),
            output_schema: None,
            thinking: false,
            script: AnswerScript::default(),
            text_bytes: None,
            text_delta_bytes: None,
        }
    }
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

    let tools = parse_tools(obj)?;
    let output_schema = output_schema(obj)?;
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
    Ok(MessagesRequest {
        model,
        max_tokens,
        stream,
        input_tokens: count_input_tokens(obj),
        conversation: Conversation::read(messages),
        tools,
        output_schema,
        thinking,
        script: AnswerScript::default(),
        text_bytes: None,
        text_delta_bytes: None,
    })
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
/// content, `tools` and `output_config` (its schema).
fn count_input_tokens(obj: &Map<String, Value>) -> u64 {
    let mut chars = obj.get("system").map(content_chars).unwrap_or_default();
    if let Some(Value::Array(messages)) = obj.get("messages") {
        chars += messages
            .iter()
            .filter_map(|m| m.get("content"))
            .map(content_chars)
            .sum::<usize>();
    }
    for counted in ["tools", "output_config"] {
        if let Some(value) = obj.get(counted).filter(|v| !v.is_null()) {
            chars += json_chars(value);
        }
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
        assert_eq!(
            parsed
                .as_ref()
                .map(|r| r.conversation.last_user_text.as_str()),
            Ok("hi")
        );
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
            m.as_ref().map(|r| r.conversation.last_user_text.as_str()),
            Some("12345\n6")
        );
        assert_eq!(estimate_tokens(0), 1);
    }
}
