//! What the assistant answers: the content blocks shared by the JSON and
//! the streamed forms, and the Message around them.

use serde_json::{Value, json};

use super::conversation::quote_results;
use super::request::{MessagesRequest, estimate_tokens, json_chars};
use super::structured::structured_text;
use crate::error::ApiError;
use crate::scenario::ScriptedStop;

/// Bytes of filler text per `text_delta` of a `stream-text-bytes` answer.
pub(crate) const FILLER_BYTES_PER_DELTA: usize = 16 * 1024;

/// The assistant's deterministic reply.
pub(crate) fn reply_text(last_user_text: &str) -> String {
    format!("Hello from the local Claude Platform on AWS. You said: {last_user_text}")
}

/// The text of every thinking block.
pub(crate) const THINKING_TEXT: &str = "Let me think about that.";

/// The text of a `stop-reason=refusal` answer.
pub(crate) const REFUSAL_TEXT: &str = "I can't help with that request.";

/// The text of a `stop-reason=pause_turn` answer.
pub(crate) const PAUSE_TEXT: &str =
    "Pausing here: send the conversation back as it is to let me continue.";

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
    /// `end_turn`, `tool_use` when tools are called, or the scenario's
    /// `refusal`, `max_tokens` or `pause_turn`.
    pub(crate) stop_reason: &'static str,
    /// The output token estimate.
    pub(crate) output_tokens: u64,
}

/// The deterministic answer to a validated request: an optional thinking
/// block, then
///
/// * the filler text of `stream-text-bytes`, if the scenario has it;
/// * a refusal or a paused turn, when the scenario's `stop-reason` says so;
/// * the tool calls the tools and the conversation call for (see
///   `ToolSetup::calls`), `stop_reason: tool_use`, with ids
///   `toolu_emu_<n>` numbered on from the calls already in the
///   conversation;
/// * else one text block: the scenario's `answer-text`, else the JSON of
///   the `output_config.format` schema's instance, else a quote of the
///   last user turn's tool results, else the reply to its text;
///   `stop-reason=max_tokens` cuts it in half.
///
/// A scenario `tool-use` name that the request's tools lack is a 400.
pub(crate) fn answer_plan(request: &MessagesRequest) -> Result<AnswerPlan, ApiError> {
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
        return Ok(AnswerPlan {
            blocks,
            stop_reason: "end_turn",
            output_tokens: u64::try_from(chars)
                .unwrap_or(u64::MAX)
                .saturating_add(bytes)
                .div_ceil(4)
                .max(1),
        });
    }
    let scripted = request.script.stop_reason;
    let scripted_text = request.script.text.as_deref();
    let (text, stop_reason) = match scripted {
        Some(ScriptedStop::Refusal) => {
            (scripted_text.unwrap_or(REFUSAL_TEXT).to_owned(), "refusal")
        }
        Some(ScriptedStop::PauseTurn) => {
            (scripted_text.unwrap_or(PAUSE_TEXT).to_owned(), "pause_turn")
        }
        Some(ScriptedStop::MaxTokens) | None => {
            let calls = match scripted {
                None => request
                    .tools
                    .calls(&request.script, &request.conversation)?,
                Some(_) => Vec::new(),
            };
            if !calls.is_empty() {
                let first = u64::try_from(request.conversation.tool_uses)
                    .unwrap_or(u64::MAX)
                    .saturating_add(1);
                for (n, call) in (first..).zip(calls) {
                    chars += call.name.chars().count() + json_chars(&call.input);
                    blocks.push(Block::ToolUse {
                        id: format!("toolu_emu_{n}"),
                        name: call.name,
                        input: call.input,
                    });
                }
                return Ok(AnswerPlan {
                    blocks,
                    stop_reason: "tool_use",
                    output_tokens: estimate_tokens(chars),
                });
            }
            let text = match (scripted_text, &request.output_schema, &request.conversation) {
                (Some(text), _, _) => text.to_owned(),
                (None, Some(schema), _) => structured_text(schema),
                (None, None, c) if !c.tool_results.is_empty() => quote_results(&c.tool_results),
                (None, None, c) => reply_text(&c.last_user_text),
            };
            match scripted {
                Some(_) => (first_half(&text).to_owned(), "max_tokens"),
                None => (text, "end_turn"),
            }
        }
    };
    chars += text.chars().count();
    blocks.push(Block::Text { text });
    Ok(AnswerPlan {
        blocks,
        stop_reason,
        output_tokens: estimate_tokens(chars),
    })
}

/// The first half of `text` (by characters, rounded down): what a
/// `max_tokens` stop leaves of it.
fn first_half(text: &str) -> &str {
    let half = text.chars().count() / 2;
    let end = text.char_indices().nth(half).map_or(text.len(), |(i, _)| i);
    text.get(..end).unwrap_or_default()
}

/// `sig_emu_` and the FNV-1a hash of the model, the thinking text and the
/// last user text, in hex: the same for the same request, in every run.
fn thinking_signature(request: &MessagesRequest) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in [
        request.model.as_str(),
        THINKING_TEXT,
        request.conversation.last_user_text.as_str(),
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
    use crate::messages::request::{Endpoint, parse_messages_request};
    use crate::scenario::AnswerScript;

    fn request(extra: Value) -> MessagesRequest {
        let mut body = json!({"model": "m", "max_tokens": 5,
            "messages": [{"role": "user", "content": "hi"}]});
        if let (Some(obj), Value::Object(extra)) = (body.as_object_mut(), extra) {
            obj.extend(extra);
        }
        match parse_messages_request(body.to_string().as_bytes(), Endpoint::Messages) {
            Ok(request) => request,
            Err(e) => panic!("{body}: {e:?}"),
        }
    }

    fn plan(request: &MessagesRequest) -> AnswerPlan {
        match answer_plan(request) {
            Ok(plan) => plan,
            Err(e) => panic!("{e:?}"),
        }
    }

    fn texts(plan: &AnswerPlan) -> Vec<String> {
        plan.blocks
            .iter()
            .filter_map(|b| match b {
                Block::Text { text } => Some(text.clone()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn thinking_then_tool_calls_or_text() {
        let tools = json!({"tools": [{"name": "a", "input_schema": {"type": "object",
            "properties": {"q": {"type": "string"}}, "required": ["q"]}}]});
        let mut with_thinking = tools.clone();
        with_thinking["thinking"] = json!({"type": "adaptive"});
        let request = request(with_thinking);
        let answer = plan(&request);
        assert_eq!(answer.stop_reason, "tool_use");
        assert_eq!(
            answer.blocks.get(1),
            Some(&Block::ToolUse {
                id: "toolu_emu_1".to_owned(),
                name: "a".to_owned(),
                input: json!({"q": "example"}),
            })
        );
        assert!(matches!(
            answer.blocks.first(),
            Some(Block::Thinking { .. })
        ));
        assert_eq!(plan(&request), answer, "deterministic");
        // Tools and the output schema count towards input tokens, thinking does not.
        let plain = self::request(json!({}));
        assert!(plain.input_tokens < request.input_tokens);
        assert_eq!(self::request(tools).input_tokens, request.input_tokens);

        let none =
            self::request(json!({"tools": [{"name": "a"}], "tool_choice": {"type": "none"}}));
        assert_eq!(texts(&plan(&none)), [reply_text("hi")]);
    }

    #[test]
    fn the_text_is_structured_a_quote_or_a_reply() {
        let schema = json!({"type": "object", "properties": {"ok": {"type": "boolean"}},
                            "required": ["ok"], "additionalProperties": false});
        let format =
            json!({"output_config": {"format": {"type": "json_schema", "schema": schema}}});
        let structured = plan(&request(format.clone()));
        assert_eq!(
            (texts(&structured), structured.stop_reason),
            (vec![r#"{"ok":true}"#.to_owned()], "end_turn")
        );
        assert!(request(format).input_tokens > request(json!({})).input_tokens);

        let results = json!({"tools": [{"name": "a"}], "messages": [
            {"role": "user", "content": "go"},
            {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_emu_1", "name": "a", "input": {}}]},
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_emu_1", "content": "42"}]},
        ]});
        let quoted = plan(&request(results));
        assert_eq!(quoted.stop_reason, "end_turn");
        assert_eq!(
            texts(&quoted),
            ["Received 1 tool result.\n- toolu_emu_1 (a): 42"]
        );
    }

    #[test]
    fn scripted_stops() {
        let scripted = |stop: ScriptedStop, extra: Value| {
            let mut request = request(extra);
            request.script = AnswerScript {
                stop_reason: Some(stop),
                ..AnswerScript::default()
            };
            let answer = plan(&request);
            (texts(&answer), answer.stop_reason)
        };
        assert_eq!(
            scripted(ScriptedStop::Refusal, json!({"tools": [{"name": "a"}]})),
            (vec![REFUSAL_TEXT.to_owned()], "refusal")
        );
        assert_eq!(
            scripted(ScriptedStop::PauseTurn, json!({})),
            (vec![PAUSE_TEXT.to_owned()], "pause_turn")
        );
        let schema = json!({"type": "object", "properties": {"name": {"type": "string"}},
                            "required": ["name"]});
        let (cut, stop) = scripted(
            ScriptedStop::MaxTokens,
            json!({"tools": [{"name": "a"}],
                   "output_config": {"format": {"type": "json_schema", "schema": schema}}}),
        );
        assert_eq!(
            (cut.join(""), stop),
            ("{\"name\":\"".to_owned(), "max_tokens")
        );
        assert_eq!(first_half("ab✓d"), "ab");
        // answer-text replaces the text of any stop, before the cut.
        let mut request = request(json!({}));
        request.script = AnswerScript {
            text: Some("{\"wrong\": 1}".to_owned()),
            ..AnswerScript::default()
        };
        assert_eq!(texts(&plan(&request)), ["{\"wrong\": 1}"]);
        request.script.stop_reason = Some(ScriptedStop::MaxTokens);
        assert_eq!(texts(&plan(&request)), ["{\"wron"]);
        request.script.stop_reason = Some(ScriptedStop::Refusal);
        assert_eq!(texts(&plan(&request)), ["{\"wrong\": 1}"]);
        assert_eq!(first_half(""), "");
    }
}
