//! Canned Claude API answers: request validation and deterministic bodies.
//!
//! Everything here is pure (no I/O, no clock): the server decides *whether*
//! to answer, these functions decide *what*.

use serde_json::{Map, Value, json};

use super::stream::FILLER_BYTES_PER_DELTA;

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
    /// [`filler`] text, whatever `tool_choice` says.
    pub(crate) text_bytes: Option<u64>,
    /// `text-delta-bytes=N` of a scenario: that text streams in deltas of N
    /// bytes (default [`FILLER_BYTES_PER_DELTA`]).
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

/// A deterministic input for a tool: every property named in the schema's
/// `required` list gets an [`example_value`]; optional properties are left
/// out. A schema without `required` gives `{}`.
pub(crate) fn example_input(schema: Option<&Value>) -> Value {
    let properties = schema.and_then(|s| s.get("properties"));
    let required = schema
        .and_then(|s| s.get("required"))
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let mut input = Map::new();
    for name in required.iter().filter_map(Value::as_str) {
        let property = properties.and_then(|p| p.get(name));
        input.insert(name.to_owned(), example_value(property));
    }
    Value::Object(input)
}

/// The value of one property: its first `enum` value or its `const` if it
/// has one, else by `type` (string `"example"`, integer `1`, number `1.5`,
/// boolean `true`, array `[]`, object `{}`; for a list of types, the first
/// that is not `"null"`); `null` when nothing says.
fn example_value(property: Option<&Value>) -> Value {
    let Some(property) = property else {
        return Value::Null;
    };
    if let Some(first) = property
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
    {
        return first.clone();
    }
    if let Some(constant) = property.get("const") {
        return constant.clone();
    }
    let kind = match property.get("type") {
        Some(Value::String(kind)) => Some(kind.as_str()),
        Some(Value::Array(kinds)) => kinds
            .iter()
            .filter_map(Value::as_str)
            .find(|k| *k != "null"),
        _ => None,
    };
    match kind {
        Some("string") => json!("example"),
        Some("integer") => json!(1),
        Some("number") => json!(1.5),
        Some("boolean") => json!(true),
        Some("array") => json!([]),
        Some("object") => json!({}),
        _ => Value::Null,
    }
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

/// The text of every thinking block.
pub(crate) const THINKING_TEXT: &str = "Let me think about that.";

/// The text of every fast-mode answer.
pub(crate) const FAST_TEXT: &str = "Hello from the local Claude Platform on AWS.";

/// The repeating pattern of [`filler`] text (ASCII, nothing JSON escapes).
const FILLER_PATTERN: &str = "The quick brown fox jumps over the lazy dog. ";

/// `len` bytes of the deterministic filler text, starting `offset` bytes
/// into it: the text of `stream-text-bytes=N` is `filler(0, N)`, and
/// consecutive pieces concatenate to it.
pub(crate) fn filler(offset: u64, len: usize) -> String {
    let period = FILLER_PATTERN.len();
    let mut out = String::with_capacity(len);
    // The remainder is below `period`, so it fits `usize`.
    let mut at = usize::try_from(offset % period as u64).unwrap_or_default();
    while out.len() < len {
        let take = (period - at).min(len - out.len());
        // The pattern is ASCII: every index is a character boundary.
        let Some(piece) = FILLER_PATTERN.get(at..at + take) else {
            break;
        };
        out.push_str(piece);
        at = 0;
    }
    out
}

/// One content block of an answer.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Block {
    /// `{"type":"thinking","thinking":..,"signature":..}`.
    Thinking {
        /// The thinking text.
        thinking: String,
        /// `sig_emu_<16 hex digits>`, stable for a given request.
        signature: String,
    },
    /// `{"type":"text","text":..}`.
    Text {
        /// The reply.
        text: String,
    },
    /// `{"type":"text","text":..}` whose text is `bytes` bytes of
    /// [`filler`], produced lazily when streamed.
    Filler {
        /// The length of the text, in bytes.
        bytes: u64,
        /// Bytes per streamed `text_delta`.
        per_delta: usize,
    },
    /// `{"type":"tool_use","id":..,"name":..,"input":..}`.
    ToolUse {
        /// `toolu_emu_<n>`.
        id: String,
        /// The tool called.
        name: String,
        /// Its input.
        input: Value,
    },
}

impl Block {
    /// The block as it appears in a complete Message.
    pub(crate) fn to_json(&self) -> Value {
        match self {
            Block::Thinking {
                thinking,
                signature,
            } => json!({"type": "thinking", "thinking": thinking, "signature": signature}),
            Block::Text { text } => json!({"type": "text", "text": text}),
            Block::Filler { bytes, .. } => json!({
                "type": "text",
                "text": filler(0, usize::try_from(*bytes).unwrap_or(usize::MAX)),
            }),
            Block::ToolUse { id, name, input } => {
                json!({"type": "tool_use", "id": id, "name": name, "input": input})
            }
        }
    }
}

/// What the assistant answers, shared by the JSON and the streaming forms.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct AnswerPlan {
    /// The content blocks, in order.
    pub(crate) blocks: Vec<Block>,
    /// `end_turn`, or `tool_use` when a tool is called.
    pub(crate) stop_reason: &'static str,
    /// The output token estimate.
    pub(crate) output_tokens: u64,
}

/// The deterministic answer to a validated request: an optional thinking
/// block, then either the forced tool call or the text reply.
pub(crate) fn answer_plan(request: &MessagesRequest) -> AnswerPlan {
    let mut blocks = Vec::new();
    let mut chars = 0;
    if request.thinking {
        chars += THINKING_TEXT.chars().count();
        blocks.push(Block::Thinking {
            thinking: THINKING_TEXT.to_owned(),
            signature: thinking_signature(request),
        });
    }
    if let Some(bytes) = request.text_bytes {
        blocks.push(Block::Filler {
            bytes,
            per_delta: request.text_delta_bytes.unwrap_or(FILLER_BYTES_PER_DELTA),
        });
        return AnswerPlan {
            blocks,
            stop_reason: "end_turn",
            output_tokens: u64::try_from(chars)
                .unwrap_or(u64::MAX)
                .saturating_add(bytes)
                .div_ceil(4)
                .max(1),
        };
    }
    let stop_reason = match &request.forced_tool {
        Some(tool) => {
            chars += json_chars(&tool.input);
            blocks.push(Block::ToolUse {
                id: format!("toolu_emu_{}", request.tool_use_number),
                name: tool.name.clone(),
                input: tool.input.clone(),
            });
            "tool_use"
        }
        None => {
            let text = reply_text(&request.last_user_text);
            chars += text.chars().count();
            blocks.push(Block::Text { text });
            "end_turn"
        }
    };
    AnswerPlan {
        blocks,
        stop_reason,
        output_tokens: estimate_tokens(chars),
    }
}

/// `sig_emu_` and the FNV-1a hash of the model, the thinking text and the
/// last user text, in hex: the same for the same request, in every run.
fn thinking_signature(request: &MessagesRequest) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in [
        request.model.as_str(),
        THINKING_TEXT,
        request.last_user_text.as_str(),
    ] {
        for byte in part.bytes().chain([0]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("sig_emu_{hash:016x}")
}

/// The answer of fast mode: [`FAST_TEXT`], or the filler text of a
/// `stream-text-bytes` scenario (in deltas of `text-delta-bytes`).
pub(crate) fn fast_plan(text_bytes: Option<u64>, text_delta_bytes: Option<usize>) -> AnswerPlan {
    match text_bytes {
        Some(bytes) => AnswerPlan {
            blocks: vec![Block::Filler {
                bytes,
                per_delta: text_delta_bytes.unwrap_or(FILLER_BYTES_PER_DELTA),
            }],
            stop_reason: "end_turn",
            output_tokens: bytes.div_ceil(4).max(1),
        },
        None => AnswerPlan {
            blocks: vec![Block::Text {
                text: FAST_TEXT.to_owned(),
            }],
            stop_reason: "end_turn",
            output_tokens: estimate_tokens(FAST_TEXT.len()),
        },
    }
}

/// The Message of `plan`.
pub(crate) fn message_json(request: &MessagesRequest, plan: &AnswerPlan, number: u64) -> Value {
    let mut message = message_skeleton(request, plan, number);
    if let Some(obj) = message.as_object_mut() {
        obj.insert(
            "content".to_owned(),
            Value::Array(plan.blocks.iter().map(Block::to_json).collect()),
        );
    }
    message
}

/// The Message of `plan` with an empty `content` (what `message_start`
/// needs, without building a long text).
pub(crate) fn message_skeleton(request: &MessagesRequest, plan: &AnswerPlan, number: u64) -> Value {
    json!({
        "id": format!("msg_emu_{number}"),
        "type": "message",
        "role": "assistant",
        "model": request.model,
        "content": [],
        "stop_reason": plan.stop_reason,
        "stop_sequence": null,
        "usage": {
            "input_tokens": request.input_tokens,
            "output_tokens": plan.output_tokens,
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

    #[test]
    fn example_inputs_follow_the_schema() {
        let schema = json!({
            "type": "object",
            "properties": {
                "s": {"type": "string"}, "i": {"type": "integer"}, "n": {"type": "number"},
                "b": {"type": "boolean"}, "a": {"type": "array"}, "o": {"type": "object"},
                "e": {"enum": ["x", "y"]}, "opt_null": {"type": ["null", "integer"]},
                "unused": {"type": "string"},
            },
            "required": ["s", "i", "n", "b", "a", "o", "e", "opt_null", "undeclared"],
        });
        assert_eq!(
            example_input(Some(&schema)),
            json!({"s": "example", "i": 1, "n": 1.5, "b": true, "a": [], "o": {},
                   "e": "x", "opt_null": 1, "undeclared": null})
        );
        assert_eq!(example_input(None), json!({}));
        assert_eq!(example_input(Some(&json!({"type": "object"}))), json!({}));
    }

    #[test]
    fn tool_choice_and_thinking_shape_the_answer() {
        let parse = |extra: Value| {
            let mut body = json!({"model": "m", "max_tokens": 5,
                "messages": [{"role": "user", "content": "hi"}],
                "tools": [{"name": "a", "input_schema": {"properties": {"q": {"type": "string"}}, "required": ["q"]}},
                          {"name": "b"}]});
            if let (Some(obj), Value::Object(extra)) = (body.as_object_mut(), extra) {
                obj.extend(extra);
            }
            parse_messages_request(body.to_string().as_bytes(), Endpoint::Messages)
        };
        let forced = |extra: Value| parse(extra).ok().and_then(|r| r.forced_tool);
        assert_eq!(forced(json!({})), None);
        assert_eq!(forced(json!({"tool_choice": {"type": "auto"}})), None);
        assert_eq!(
            forced(json!({"tool_choice": {"type": "any"}})),
            Some(ForcedTool {
                name: "a".to_owned(),
                input: json!({"q": "example"})
            })
        );
        assert_eq!(
            forced(json!({"tool_choice": {"type": "tool", "name": "b"}})),
            Some(ForcedTool {
                name: "b".to_owned(),
                input: json!({})
            })
        );
        for bad in [
            json!({"tool_choice": {"type": "tool", "name": "zzz"}}),
            json!({"tool_choice": {"type": "tool"}}),
            json!({"tool_choice": {"type": "any"}, "tools": []}),
            json!({"tool_choice": "any"}),
            json!({"tools": {}}),
            json!({"thinking": true}),
        ] {
            assert_eq!(
                parse(bad.clone()).map_err(|e| e.status).err(),
                Some(400),
                "{bad}"
            );
        }

        let request =
            parse(json!({"thinking": {"type": "adaptive"}, "tool_choice": {"type": "any"}}));
        let Ok(request) = request else {
            panic!("{request:?}");
        };
        let plan = answer_plan(&request);
        assert_eq!(plan.stop_reason, "tool_use");
        assert!(matches!(
            plan.blocks.as_slice(),
            [Block::Thinking { .. }, Block::ToolUse { .. }]
        ));
        let again = answer_plan(&request);
        assert_eq!(plan, again, "deterministic");
        // Tools count towards input tokens, tool_choice and thinking do not.
        let plain = parse(json!({})).map(|r| r.input_tokens);
        assert_eq!(plain, Ok(request.input_tokens));
    }
}
