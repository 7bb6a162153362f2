//! Documents given on the command line and on stdin: flag values as YAML flow mappings, JSON,
//! or `@path` to read a file; the JSON or YAML body piped on stdin; conversation turns.

use std::io::{IsTerminal, Read};

use anthropic_aws::types::MessageParam;
use serde_json::{Map, Value};

use crate::errors::CliError;

/// A conversation turn as the docs write one.
pub const MESSAGE_EXAMPLE: &str = "{role: user, content: \"Hello, Claude\"}";

/// A turn given on the command line (`what`, e.g. `--message #2`) must read as a conversation
/// turn.
pub fn check_turn(turn: &Value, what: &str) -> Result<(), CliError> {
    serde_json::from_value::<MessageParam>(turn.clone()).map_err(|e| {
        CliError::usage(format!(
            "{what} is not a conversation turn: {e}{}",
            usage_tail()
        ))
    })?;
    Ok(())
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
pub fn read_stdin_body() -> Result<Option<Map<String, Value>>, CliError> {
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

pub fn read_file(path: &str, what: &str) -> Result<String, CliError> {
    if path.is_empty() {
        return Err(CliError::usage(format!(
            "{what}: `@` must be followed by a file path"
        )));
    }
    std::fs::read_to_string(path)
        .map_err(|e| CliError::usage(format!("{what}: could not read {path}: {e}")))
}

pub fn kind(value: &Value) -> &'static str {
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

    #[test]
    fn the_docs_flow_mapping_parses() {
        let (value, source) = document_arg(r#"{role: user, content: "Hello, Claude"}"#, "x", "")
            .expect("a YAML flow mapping");
        assert_eq!(
            value,
            serde_json::json!({"role": "user", "content": "Hello, Claude"})
        );
        assert_eq!(source, "");
        check_turn(&value, "--message #1").expect("a turn");
    }

    #[test]
    fn yaml_1_2_keeps_yes_a_string() {
        let value = parse_document("{role: user, content: yes}").unwrap();
        assert_eq!(value["content"], "yes");
    }

    #[test]
    fn bad_input_is_a_usage_error() {
        for bad in ["{role: user, content: [", "@"] {
            let err = document_arg(bad, "--message #1", "").unwrap_err();
            assert!(matches!(err, CliError::Usage(_)), "{bad}: {err:?}");
        }
        for bad in [
            serde_json::json!("Hello"),
            serde_json::json!({"role": "user"}),
        ] {
            let err = check_turn(&bad, "--message #1").unwrap_err();
            assert!(
                matches!(&err, CliError::Usage(m) if m.starts_with("--message #1 is not a conversation turn")),
                "{bad}: {err:?}"
            );
        }
        assert!(matches!(body_from_text("[1, 2]"), Err(CliError::Usage(_))));
        assert_eq!(body_from_text("  \n").unwrap(), None);
    }
}
