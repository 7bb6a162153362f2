//! What the assistant answers: the content blocks shared by the JSON and
//! the streamed forms, and the Message around them.

use serde_json::{Value, json};

use super::request::{MessagesRequest, estimate_tokens, json_chars};

/// Bytes of filler text per `text_delta` of a `stream-text-bytes` answer.
pub(crate) const FILLER_BYTES_PER_DELTA: usize = 16 * 1024;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::request::{Endpoint, ForcedTool, parse_messages_request};

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
