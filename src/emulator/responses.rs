//! Canned Claude API answers: request validation and deterministic bodies.
//!
//! Everything here is pure (no I/O, no clock): the server decides *whether*
//! to answer, these functions decide *what*.

use serde_json::{Map, Value, json};

/// The API version whose rules the emulator enforces.
pub(crate) const API_VERSION: &str = "2026-10-21";

/// Sampling parameters that API version no longer accepts.
const UNSUPPORTED_SAMPLING: [&str; 3] = ["temperature", "top_p", "top_k"];

/// Default and bounds of `GET /v1/models?limit=`.
const DEFAULT_MODEL_PAGE: usize = 20;
const MAX_MODEL_PAGE: usize = 1000;

/// An error the Claude API would answer with.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ApiError {
    pub(crate) status: u16,
    pub(crate) error_type: &'static str,
    pub(crate) message: String,
}

impl ApiError {
    pub(crate) fn invalid_request(message: impl Into<String>) -> Self {
        ApiError {
            status: 400,
            error_type: "invalid_request_error",
            message: message.into(),
        }
    }

    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        ApiError {
            status: 404,
            error_type: "not_found_error",
            message: message.into(),
        }
    }

    pub(crate) fn method_not_allowed(method: &str, path: &str) -> Self {
        ApiError {
            status: 405,
            error_type: "invalid_request_error",
            message: format!("Method {method} is not allowed for {path}"),
        }
    }
}

/// A model of the fixed catalogue.
struct ModelInfo {
    id: &'static str,
    display_name: &'static str,
    created_at: &'static str,
}

/// Newest first, as the API lists them.
const MODELS: [ModelInfo; 3] = [
    ModelInfo {
        id: "claude-opus-4-8",
        display_name: "Claude Opus 4.8",
        created_at: "2026-09-30T00:00:00Z",
    },
    ModelInfo {
        id: "claude-sonnet-4-6",
        display_name: "Claude Sonnet 4.6",
        created_at: "2026-06-17T00:00:00Z",
    },
    ModelInfo {
        id: "claude-haiku-4-5",
        display_name: "Claude Haiku 4.5",
        created_at: "2026-02-24T00:00:00Z",
    },
];

fn model_json(m: &ModelInfo) -> Value {
    json!({
        "type": "model",
        "id": m.id,
        "display_name": m.display_name,
        "created_at": m.created_at,
    })
}

/// `GET /v1/models/{id}`.
pub(crate) fn get_model(id: &str) -> Result<Value, ApiError> {
    MODELS
        .iter()
        .find(|m| m.id == id)
        .map(model_json)
        .ok_or_else(|| ApiError::not_found(format!("model: {id}")))
}

/// `GET /v1/models`, `query` being the decoded query parameters.
pub(crate) fn list_models(query: &[(String, String)]) -> Result<Value, ApiError> {
    let param = |name: &str| {
        query
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let limit = match param("limit") {
        None => DEFAULT_MODEL_PAGE,
        Some(raw) => match raw.parse::<usize>() {
            Ok(n) if (1..=MAX_MODEL_PAGE).contains(&n) => n,
            _ => {
                return Err(ApiError::invalid_request(format!(
                    "limit: Input should be an integer between 1 and {MAX_MODEL_PAGE}"
                )));
            }
        },
    };
    let position = |field: &str, id: &str| {
        MODELS
            .iter()
            .position(|m| m.id == id)
            .ok_or_else(|| ApiError::invalid_request(format!("{field}: unknown model id '{id}'")))
    };
    let (start, end) = match (param("after_id"), param("before_id")) {
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid_request(
                "after_id and before_id cannot be used together",
            ));
        }
        (Some(after), None) => {
            let start = position("after_id", after)? + 1;
            (start, (start + limit).min(MODELS.len()))
        }
        (None, Some(before)) => {
            let end = position("before_id", before)?;
            (end.saturating_sub(limit), end)
        }
        (None, None) => (0, limit.min(MODELS.len())),
    };
    let page = MODELS.get(start..end).unwrap_or_default();
    let has_more = if param("before_id").is_some() {
        start > 0
    } else {
        end < MODELS.len()
    };
    Ok(json!({
        "data": page.iter().map(model_json).collect::<Vec<_>>(),
        "has_more": has_more,
        "first_id": page.first().map(|m| m.id),
        "last_id": page.last().map(|m| m.id),
    }))
}

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
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::invalid_request(format!("request body is not valid JSON: {e}")))?;
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

    Ok(MessagesRequest {
        model,
        max_tokens,
        stream,
        input_tokens: count_input_tokens(obj),
        last_user_text,
    })
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

fn json_chars(v: &Value) -> usize {
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

/// The assistant's deterministic reply.
pub(crate) fn reply_text(last_user_text: &str) -> String {
    format!("Hello from the local Claude Platform on AWS. You said: {last_user_text}")
}

/// The complete (non-streaming) Message for a validated request.
pub(crate) fn message_body(request: &MessagesRequest, message_number: u64) -> Value {
    let text = reply_text(&request.last_user_text);
    let output_tokens = estimate_tokens(text.chars().count());
    json!({
        "id": format!("msg_emu_{message_number}"),
        "type": "message",
        "role": "assistant",
        "model": request.model,
        "content": [{"type": "text", "text": text}],
        "stop_reason": "end_turn",
        "stop_sequence": null,
        "usage": {
            "input_tokens": request.input_tokens,
            "output_tokens": output_tokens,
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 0,
            "service_tier": "standard",
        },
    })
}

/// The count-tokens answer.
pub(crate) fn count_tokens_body(request: &MessagesRequest) -> Value {
    json!({ "input_tokens": request.input_tokens })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(v: &Value) -> Vec<&str> {
        v["data"]
            .as_array()
            .map(|d| d.iter().filter_map(|m| m["id"].as_str()).collect())
            .unwrap_or_default()
    }

    fn q(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn model_pages() {
        let all = list_models(&[]).unwrap_or_default();
        assert_eq!(
            ids(&all),
            ["claude-opus-4-8", "claude-sonnet-4-6", "claude-haiku-4-5"]
        );
        assert_eq!(all["has_more"], false);
        assert_eq!(all["first_id"], "claude-opus-4-8");
        assert_eq!(all["last_id"], "claude-haiku-4-5");

        let first = list_models(&q(&[("limit", "1")])).unwrap_or_default();
        assert_eq!(ids(&first), ["claude-opus-4-8"]);
        assert_eq!(first["has_more"], true);
        let second =
            list_models(&q(&[("limit", "1"), ("after_id", "claude-opus-4-8")])).unwrap_or_default();
        assert_eq!(ids(&second), ["claude-sonnet-4-6"]);
        assert_eq!(second["has_more"], true);
        let last = list_models(&q(&[("limit", "5"), ("after_id", "claude-sonnet-4-6")]))
            .unwrap_or_default();
        assert_eq!(ids(&last), ["claude-haiku-4-5"]);
        assert_eq!(last["has_more"], false);
        let before = list_models(&q(&[("limit", "1"), ("before_id", "claude-haiku-4-5")]))
            .unwrap_or_default();
        assert_eq!(ids(&before), ["claude-sonnet-4-6"]);
        assert_eq!(before["has_more"], true);
        let empty = list_models(&q(&[("after_id", "claude-haiku-4-5")])).unwrap_or_default();
        assert_eq!(ids(&empty), Vec::<&str>::new());
        assert_eq!(empty["first_id"], Value::Null);

        for bad in [
            q(&[("limit", "0")]),
            q(&[("limit", "1001")]),
            q(&[("limit", "x")]),
            q(&[("after_id", "nope")]),
            q(&[
                ("after_id", "claude-opus-4-8"),
                ("before_id", "claude-haiku-4-5"),
            ]),
        ] {
            assert_eq!(list_models(&bad).map_err(|e| e.status), Err(400), "{bad:?}");
        }
        assert_eq!(get_model("nope").map_err(|e| e.status), Err(404));
        assert!(get_model("claude-haiku-4-5").is_ok());
    }

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
