//! What goes into a request: `--message` values (YAML flow mappings, JSON, or `@path`), the
//! JSON or YAML body on stdin, and the merge of the two into typed request parameters.

use std::io::{IsTerminal, Read};

use anthropic_aws::types::{CountTokensParams, MessageCreateParams, MessageParam};
use serde_json::{Map, Value};

use crate::args::{CountTokensArgs, CreateArgs};
use crate::errors::CliError;

const MESSAGE_EXAMPLE: &str = "{role: user, content: \"Hello, Claude\"}";

/// A `messages create` request, and whether to stream it (`--stream`, or `"stream": true` in
/// the body on stdin).
pub fn create_params(args: &CreateArgs) -> Result<(MessageCreateParams, bool), CliError> {
    let stdin = read_stdin_body()?;
    create_params_from(args, stdin)
}

/// A `messages count-tokens` request.
pub fn count_tokens_params(args: &CountTokensArgs) -> Result<CountTokensParams, CliError> {
    let stdin = read_stdin_body()?;
    count_tokens_params_from(args, stdin)
}

fn create_params_from(
    args: &CreateArgs,
    stdin: Option<Map<String, Value>>,
) -> Result<(MessageCreateParams, bool), CliError> {
    let mut body = stdin.unwrap_or_default();
    let body_streams = match body.remove("stream") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => b,
        Some(other) => {
            return Err(CliError::usage(format!(
                "`stream` in the body on stdin must be true or false, not {other}"
            )));
        }
    };
    if let Some(model) = &args.model {
        body.insert("model".into(), Value::String(model.clone()));
    }
    if let Some(max_tokens) = args.max_tokens {
        body.insert("max_tokens".into(), Value::from(max_tokens));
    }
    overlay_inference_geo(&mut body, args.inference_geo.as_deref());
    overlay_messages_and_system(&mut body, &args.messages, args.system.as_deref())?;
    require(&body, "model", "--model claude-opus-4-8")?;
    require(&body, "max_tokens", "--max-tokens 1024")?;
    require_messages(&body)?;
    let params = serde_json::from_value(Value::Object(body)).map_err(|e| {
        CliError::usage(format!("the request does not fit a Messages request: {e}"))
    })?;
    Ok((params, args.stream || body_streams))
}

fn count_tokens_params_from(
    args: &CountTokensArgs,
    stdin: Option<Map<String, Value>>,
) -> Result<CountTokensParams, CliError> {
    let mut body = stdin.unwrap_or_default();
    if let Some(model) = &args.model {
        body.insert("model".into(), Value::String(model.clone()));
    }
    overlay_inference_geo(&mut body, args.inference_geo.as_deref());
    overlay_messages_and_system(&mut body, &args.messages, args.system.as_deref())?;
    require(&body, "model", "--model claude-opus-4-8")?;
    require_messages(&body)?;
    serde_json::from_value(Value::Object(body)).map_err(|e| {
        CliError::usage(format!(
            "the request does not fit a Token Counting request: {e}"
        ))
    })
}

/// `--inference-geo` sets the request's top-level `inference_geo` (over the body's).
pub fn overlay_inference_geo(body: &mut Map<String, Value>, geo: Option<&str>) {
    if let Some(geo) = geo {
        body.insert("inference_geo".into(), Value::String(geo.to_owned()));
    }
}

/// `--message`s replace the body's `messages` when any is given; `--system` replaces `system`.
fn overlay_messages_and_system(
    body: &mut Map<String, Value>,
    messages: &[String],
    system: Option<&str>,
) -> Result<(), CliError> {
    if !messages.is_empty() {
        let turns = messages
            .iter()
            .enumerate()
            .map(|(i, raw)| message_value(raw, i + 1))
            .collect::<Result<Vec<_>, _>>()?;
        body.insert("messages".into(), Value::Array(turns));
    }
    if let Some(system) = system {
        let text = match system.strip_prefix('@') {
            Some(path) => read_file(path, "--system")?,
            None => system.to_owned(),
        };
        body.insert("system".into(), Value::String(text));
    }
    Ok(())
}

fn require(body: &Map<String, Value>, field: &str, flag: &str) -> Result<(), CliError> {
    match body.get(field) {
        None | Some(Value::Null) => Err(CliError::usage(format!(
            "no `{field}`: pass {flag} (or give `{field}` in the body on stdin)"
        ))),
        Some(_) => Ok(()),
    }
}

fn require_messages(body: &Map<String, Value>) -> Result<(), CliError> {
    match body.get("messages") {
        None | Some(Value::Null) => Err(CliError::usage(format!(
            "no messages: pass --message '{MESSAGE_EXAMPLE}' (or give `messages` in the body \
             on stdin)"
        ))),
        Some(_) => Ok(()),
    }
}

/// One `--message` (the `n`th): a YAML flow mapping or JSON, or `@path` to read it from a
/// file; it must be a conversation turn.
pub fn message_value(raw: &str, n: usize) -> Result<Value, CliError> {
    let what = format!("--message #{n}");
    let (value, source) = document_arg(raw, &what, &usage_tail())?;
    if !value.is_object() {
        return Err(CliError::usage(format!(
            "{what}{source} is {}, not a turn{}",
            kind(&value),
            usage_tail()
        )));
    }
    serde_json::from_value::<MessageParam>(value.clone()).map_err(|e| {
        CliError::usage(format!(
            "{what}{source} is not a conversation turn: {e}{}",
            usage_tail()
        ))
    })?;
    Ok(value)
}

/// A document given as a flag's value: a YAML flow mapping or JSON, or `@path` to read it from
/// a file; returns it and, for a file, " (from PATH)" for messages. `tail` ends a parse error.
pub fn document_arg(raw: &str, what: &str, tail: &str) -> Result<(Value, String), CliError> {
    let (text, source) = match raw.strip_prefix('@') {
        Some(path) => (read_file(path, what)?, format!(" (from {path})")),
        None => (raw.to_owned(), String::new()),
    };
    let value = parse_document(&text)
        .map_err(|e| CliError::usage(format!("{what}{source} does not parse: {e}{tail}")))?;
    Ok((value, source))
}

fn usage_tail() -> String {
    format!("; write a turn as '{MESSAGE_EXAMPLE}', as JSON, or as @path to a file holding one")
}

/// The body piped on stdin: read only when stdin is not a terminal, ignored when empty; it
/// must be a mapping.
fn read_stdin_body() -> Result<Option<Map<String, Value>>, CliError> {
    let mut stdin = std::io::stdin();
    if stdin.is_terminal() {
        return Ok(None);
    }
    let mut bytes = Vec::new();
    stdin
        .read_to_end(&mut bytes)
        .map_err(|e| CliError::usage(format!("could not read the body on stdin: {e}")))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| CliError::usage("the body on stdin is not UTF-8 text"))?;
    body_from_text(&text)
}

fn body_from_text(text: &str) -> Result<Option<Map<String, Value>>, CliError> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    match parse_document(text) {
        Ok(Value::Object(map)) => Ok(Some(map)),
        Ok(Value::Null) => Ok(None),
        Ok(other) => Err(CliError::usage(format!(
            "the body on stdin is {}, not a mapping of request fields",
            kind(&other)
        ))),
        Err(e) => Err(CliError::usage(format!(
            "the body on stdin is neither JSON nor YAML: {e}"
        ))),
    }
}

/// JSON first (exact numbers, exact errors for JSON), then YAML 1.2 (which also reads the
/// docs' flow mappings such as `{role: user, content: "Hello, Claude"}`).
pub fn parse_document(text: &str) -> Result<Value, String> {
    if let Ok(value) = serde_json::from_str(text) {
        return Ok(value);
    }
    serde_norway::from_str::<Value>(text).map_err(|e| e.to_string())
}

fn read_file(path: &str, what: &str) -> Result<String, CliError> {
    if path.is_empty() {
        return Err(CliError::usage(format!(
            "{what}: `@` must be followed by a file path"
        )));
    }
    std::fs::read_to_string(path)
        .map_err(|e| CliError::usage(format!("{what}: could not read {path}: {e}")))
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "empty",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a plain string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn create(messages: &[&str]) -> CreateArgs {
        CreateArgs {
            model: Some("claude-opus-4-8".into()),
            max_tokens: Some(64),
            messages: messages.iter().map(|m| (*m).to_owned()).collect(),
            system: None,
            stream: false,
            inference_geo: None,
        }
    }

    #[test]
    fn the_docs_flow_mapping_parses() {
        let value = message_value(r#"{role: user, content: "Hello, Claude"}"#, 1).unwrap();
        assert_eq!(
            value,
            serde_json::json!({"role": "user", "content": "Hello, Claude"})
        );
    }

    #[test]
    fn yaml_1_2_keeps_yes_a_string() {
        let value = message_value("{role: user, content: yes}", 1).unwrap();
        assert_eq!(value["content"], "yes");
    }

    #[test]
    fn flags_win_over_stdin_and_messages_replace() {
        let stdin = body_from_text(
            "{model: other, max_tokens: 1, messages: [{role: user, content: old}], \
             metadata: {user_id: u-1}, stream: true}",
        )
        .unwrap();
        let (params, stream) =
            create_params_from(&create(&["{role: user, content: new}"]), stdin).unwrap();
        assert!(stream);
        let body = serde_json::to_value(&params).unwrap();
        assert_eq!(body["model"], "claude-opus-4-8");
        assert_eq!(body["max_tokens"], 64);
        assert_eq!(body["messages"][0]["content"], "new");
        assert_eq!(body["metadata"]["user_id"], "u-1");
        assert!(body.get("stream").is_none());
    }

    #[test]
    fn inference_geo_is_a_top_level_field_over_the_body() {
        let stdin = body_from_text("{inference_geo: global}").unwrap();
        let args = CreateArgs {
            inference_geo: Some("us".into()),
            ..create(&["{role: user, content: hi}"])
        };
        let (params, _) = create_params_from(&args, stdin).unwrap();
        assert_eq!(
            serde_json::to_value(&params).unwrap()["inference_geo"],
            "us"
        );
        let count = CountTokensArgs {
            model: Some("claude-opus-4-8".into()),
            messages: vec!["{role: user, content: hi}".into()],
            system: None,
            inference_geo: Some("eu".into()),
        };
        let params = count_tokens_params_from(&count, None).unwrap();
        assert_eq!(
            serde_json::to_value(&params).unwrap()["inference_geo"],
            "eu"
        );
    }

    #[test]
    fn stdin_messages_stay_without_message_flags() {
        let stdin =
            body_from_text(r#"{"messages": [{"role": "user", "content": "kept"}]}"#).unwrap();
        let (params, _) = create_params_from(&create(&[]), stdin).unwrap();
        assert_eq!(
            serde_json::to_value(&params).unwrap()["messages"][0]["content"],
            "kept"
        );
    }

    #[test]
    fn bad_input_is_a_usage_error() {
        for bad in ["{role: user, content: [", "Hello", "{role: user}", "@"] {
            let err = message_value(bad, 1).unwrap_err();
            assert!(matches!(err, CliError::Usage(_)), "{bad}: {err:?}");
        }
        assert!(matches!(
            create_params_from(&create(&[]), None),
            Err(CliError::Usage(m)) if m.contains("--message")
        ));
        assert!(matches!(body_from_text("[1, 2]"), Err(CliError::Usage(_))));
        let stdin = body_from_text("{max_tokens: lots}").unwrap();
        assert!(matches!(
            create_params_from(
                &CreateArgs {
                    max_tokens: None,
                    ..create(&["{role: user, content: hi}"])
                },
                stdin
            ),
            Err(CliError::Usage(m)) if m.contains("does not fit")
        ));
    }
}
