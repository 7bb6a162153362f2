//! The request of `messages create` and `messages count-tokens`: every field of the body as a
//! flag named as the `ant` CLI names it ([`fields`]), each value read and checked locally
//! ([`values`], [`checks`]), and the flags merged over a JSON or YAML body on stdin
//! ([`merge`]) into the typed request.

mod checks;
mod fields;
mod flags;
mod merge;
mod values;

use anthropic_aws::types::{CountTokensParams, MessageCreateParams};
use serde_json::{Map, Value};

pub use self::flags::{BodyFlags, CountTokens, Create};
use self::merge::Set;
use crate::errors::CliError;
use crate::input;

/// A `messages create` request, and whether to stream it (`--stream`, or `"stream": true` in
/// the body on stdin). The flags are checked before stdin is read.
pub fn create_params(flags: &BodyFlags<Create>) -> Result<(MessageCreateParams, bool), CliError> {
    let sets = overlay(flags)?;
    create_params_from(sets, input::read_stdin_body()?)
}

/// A `messages count-tokens` request.
pub fn count_tokens_params(flags: &BodyFlags<CountTokens>) -> Result<CountTokensParams, CliError> {
    let sets = overlay(flags)?;
    count_tokens_params_from(sets, input::read_stdin_body()?)
}

/// What the flags set, each `--message` checked as a conversation turn.
fn overlay<E>(flags: &BodyFlags<E>) -> Result<Vec<Set>, CliError> {
    let sets = merge::overlay(flags.given())?;
    for set in &sets {
        if let Set::Field("messages", Value::Array(turns)) = set {
            for (n, turn) in turns.iter().enumerate() {
                input::check_turn(turn, &format!("--message #{}", n + 1))?;
            }
        }
    }
    Ok(sets)
}

fn create_params_from(
    sets: Vec<Set>,
    stdin: Option<Map<String, Value>>,
) -> Result<(MessageCreateParams, bool), CliError> {
    let mut body = merge::merge(stdin.unwrap_or_default(), sets);
    let streams = match body.remove("stream") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => b,
        Some(other) => {
            return Err(CliError::usage(format!(
                "`stream` in the body on stdin must be true or false, not {other}"
            )));
        }
    };
    require(&body, "model", "--model claude-opus-4-8")?;
    require(&body, "max_tokens", "--max-tokens 1024")?;
    require(
        &body,
        "messages",
        &format!("--message '{}'", input::MESSAGE_EXAMPLE),
    )?;
    let params = serde_json::from_value(Value::Object(body)).map_err(|e| {
        CliError::usage(format!("the request does not fit a Messages request: {e}"))
    })?;
    Ok((params, streams))
}

fn count_tokens_params_from(
    sets: Vec<Set>,
    stdin: Option<Map<String, Value>>,
) -> Result<CountTokensParams, CliError> {
    let body = merge::merge(stdin.unwrap_or_default(), sets);
    require(&body, "model", "--model claude-opus-4-8")?;
    require(
        &body,
        "messages",
        &format!("--message '{}'", input::MESSAGE_EXAMPLE),
    )?;
    serde_json::from_value(Value::Object(body)).map_err(|e| {
        CliError::usage(format!(
            "the request does not fit a Token Counting request: {e}"
        ))
    })
}

fn require(body: &Map<String, Value>, field: &str, flag: &str) -> Result<(), CliError> {
    match body.get(field) {
        None | Some(Value::Null) => Err(CliError::usage(format!(
            "no `{field}`: pass {flag} (or give `{field}` in the body on stdin)"
        ))),
        Some(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use clap::{CommandFactory, FromArgMatches, Parser};
    use serde_json::json;

    use super::*;

    /// The command line `messages create|count-tokens ARGS`, parsed by the real CLI.
    fn flags<E: flags::Endpoint>(args: &[&str]) -> BodyFlags<E> {
        let command = if E::CREATE { "create" } else { "count-tokens" };
        let head = ["anthropic-aws", "messages", command];
        let argv = head.iter().chain(args);
        let matches = crate::args::Cli::command()
            .try_get_matches_from(argv)
            .expect("the command line parses");
        let (_, messages) = matches.subcommand().expect("messages");
        let (_, sub) = messages.subcommand().expect("a messages command");
        BodyFlags::from_arg_matches(sub).expect("the body flags read back")
    }

    fn stdin(text: &str) -> Option<Map<String, Value>> {
        match input::parse_document(text).expect("a document") {
            Value::Object(map) => Some(map),
            _ => unreachable!("a mapping"),
        }
    }

    fn create(args: &[&str], body: Option<&str>) -> Result<(Value, bool), CliError> {
        let sets = overlay(&flags::<Create>(args))?;
        let (params, streams) = create_params_from(sets, body.and_then(stdin))?;
        Ok((serde_json::to_value(params).expect("serializes"), streams))
    }

    const BASE: [&str; 6] = [
        "--model",
        "claude-opus-4-8",
        "--max-tokens",
        "64",
        "--message",
        "{role: user, content: new}",
    ];

    #[test]
    fn flags_win_over_stdin_and_messages_replace() {
        let (body, stream) = create(
            &BASE,
            Some(
                "{model: other, max_tokens: 1, messages: [{role: user, content: old}], \
                 metadata: {user_id: u-1}, stream: true}",
            ),
        )
        .unwrap();
        assert!(stream);
        assert_eq!(body["model"], "claude-opus-4-8");
        assert_eq!(body["max_tokens"], 64);
        assert_eq!(body["messages"][0]["content"], "new");
        assert_eq!(body["metadata"]["user_id"], "u-1");
        assert!(body.get("stream").is_none());
    }

    #[test]
    fn every_flag_reaches_the_typed_request_as_given() {
        let mut args = BASE.to_vec();
        args.extend([
            "--system",
            "Be terse.",
            "--temperature",
            "0.2",
            "--top-k",
            "40",
            "--top-p",
            "0.9",
            "--stop-sequence",
            "END",
            "--stop-sequence",
            "-STOP-",
            "--metadata.user-id",
            "u-9",
            "--service-tier",
            "standard_only",
            "--thinking",
            "{type: enabled, budget_tokens: 1024}",
            "--tool",
            "{name: get_weather, input_schema: {type: object}}",
            "--tool",
            r#"{"type": "web_search_20250305", "name": "web_search", "max_uses": 2}"#,
            "--tool-choice",
            "{type: tool, name: get_weather}",
            "--output-config",
            "{effort: low}",
            "--inference-geo",
            "us",
            "--container",
            "cntr_01",
            "--context-management",
            "{edits: [{type: clear_tool_uses_20250919}]}",
            "--mcp-server",
            "{type: url, url: 'https://mcp.example.com/sse', name: docs}",
            "--cache-control.type",
            "ephemeral",
            "--cache-control.ttl",
            "1h",
            "--stream",
        ]);
        let (body, stream) = create(&args, None).unwrap();
        assert!(stream);
        assert_eq!(
            body,
            json!({
                "model": "claude-opus-4-8",
                "max_tokens": 64,
                "messages": [{"role": "user", "content": "new"}],
                "system": "Be terse.",
                "temperature": 0.2,
                "top_k": 40,
                "top_p": 0.9,
                "stop_sequences": ["END", "-STOP-"],
                "metadata": {"user_id": "u-9"},
                "service_tier": "standard_only",
                "thinking": {"type": "enabled", "budget_tokens": 1024},
                "tools": [
                    {"name": "get_weather", "input_schema": {"type": "object"}},
                    {"type": "web_search_20250305", "name": "web_search", "max_uses": 2}
                ],
                "tool_choice": {"type": "tool", "name": "get_weather"},
                "output_config": {"effort": "low"},
                "inference_geo": "us",
                "container": "cntr_01",
                "context_management": {"edits": [{"type": "clear_tool_uses_20250919"}]},
                "mcp_servers": [{"type": "url", "url": "https://mcp.example.com/sse", "name": "docs"}],
                "cache_control": {"type": "ephemeral", "ttl": "1h"}
            })
        );
    }

    /// Richer values of the object flags go out exactly as typed: the typed request keeps
    /// every member it does not model.
    #[test]
    fn rich_values_survive_the_typed_request() {
        let values = json!({
            "container": {"id": "cntr_1", "skills": [
                {"type": "anthropic", "skill_id": "pptx", "version": "latest"},
                {"type": "custom", "skill_id": "skill_01", "future": 1}
            ]},
            "context_management": {"edits": [
                {"type": "clear_tool_uses_20250919", "trigger": {"type": "input_tokens", "value": 30000},
                 "keep": {"type": "tool_uses", "value": 3}, "clear_at_least": {"type": "input_tokens", "value": 5000},
                 "exclude_tools": ["web_search"]},
                {"type": "clear_thinking_20251015", "keep": "all"},
                {"type": "compact_20260112", "instructions": null}
            ]},
            "thinking": {"type": "adaptive", "display": "summarized"},
            "tool_choice": {"type": "none"},
            "output_config": {"effort": "max", "format": {"type": "json_schema",
                "schema": {"type": "object", "properties": {"a": {"type": "integer"}},
                           "required": ["a"], "additionalProperties": false}}},
            "tools": [
                {"name": "f", "description": "d", "input_schema": {"type": "object"},
                 "cache_control": {"type": "ephemeral", "ttl": "5m"}, "strict": true},
                {"type": "bash_20250124", "name": "bash"},
                {"type": "text_editor_20250728", "name": "str_replace_based_edit_tool", "max_characters": 1000},
                {"type": "code_execution_20250825", "name": "code_execution"},
                {"type": "memory_20250818", "name": "memory"},
                {"type": "web_fetch_20250910", "name": "web_fetch", "max_uses": 2,
                 "allowed_domains": ["example.com"], "citations": {"enabled": true}}
            ],
            "mcp_servers": [{"type": "url", "url": "https://m.example.com", "name": "m",
                             "tool_configuration": {"enabled": true, "allowed_tools": ["search"]}}],
            "metadata": {"user_id": "u"}
        });
        let mut args = BASE.to_vec();
        let texts: Vec<(String, String)> = [
            ("--container", "container"),
            ("--context-management", "context_management"),
            ("--thinking", "thinking"),
            ("--tool-choice", "tool_choice"),
            ("--output-config", "output_config"),
            ("--metadata", "metadata"),
        ]
        .iter()
        .map(|(flag, field)| ((*flag).to_owned(), values[field].to_string()))
        .chain(["tools", "mcp_servers"].iter().flat_map(|field| {
            let flag = if *field == "tools" {
                "--tool"
            } else {
                "--mcp-server"
            };
            values[field]
                .as_array()
                .into_iter()
                .flatten()
                .map(move |item| (flag.to_owned(), item.to_string()))
        }))
        .collect();
        for (flag, value) in &texts {
            args.extend([flag.as_str(), value.as_str()]);
        }
        let (body, _) = create(&args, None).unwrap();
        for (field, expected) in values.as_object().unwrap() {
            let mut expected = expected.clone();
            if field == "context_management" {
                // A null member is the API's default: the typed request leaves it out.
                expected["edits"][2] = json!({"type": "compact_20260112"});
            }
            assert_eq!(body[field], expected, "{field}");
        }
    }

    #[test]
    fn inference_geo_is_a_top_level_field_over_the_body() {
        let mut args = BASE.to_vec();
        args.extend(["--inference-geo", "us"]);
        let (body, _) = create(&args, Some("{inference_geo: global}")).unwrap();
        assert_eq!(body["inference_geo"], "us");
        let count = flags::<CountTokens>(&[
            "--model",
            "claude-opus-4-8",
            "--message",
            "{role: user, content: hi}",
            "--inference-geo",
            "eu",
            "--tool",
            "{name: f, input_schema: {type: object}}",
            "--system",
            "[{type: text, text: Be terse.}]",
        ]);
        let params = count_tokens_params_from(overlay(&count).unwrap(), None).unwrap();
        assert_eq!(
            serde_json::to_value(&params).unwrap(),
            json!({
                "model": "claude-opus-4-8",
                "messages": [{"role": "user", "content": "hi"}],
                "inference_geo": "eu",
                "tools": [{"name": "f", "input_schema": {"type": "object"}}],
                "system": [{"type": "text", "text": "Be terse."}]
            })
        );
    }

    #[test]
    fn stdin_messages_stay_without_message_flags() {
        let (body, _) = create(
            &BASE[..4],
            Some(r#"{"messages": [{"role": "user", "content": "kept"}]}"#),
        )
        .unwrap();
        assert_eq!(body["messages"][0]["content"], "kept");
    }

    #[test]
    fn count_tokens_refuses_create_only_flags() {
        let refused = crate::args::Cli::try_parse_from([
            "anthropic-aws",
            "messages",
            "count-tokens",
            "--temperature",
            "1",
        ]);
        assert!(refused.is_err());
    }

    #[test]
    fn bad_input_is_a_usage_error() {
        let usage = |result: Result<(Value, bool), CliError>| match result {
            Err(CliError::Usage(message)) => message,
            other => panic!("not a usage error: {other:?}"),
        };
        assert!(usage(create(&BASE[..4], None)).contains("--message"));
        let mut turn = BASE[..4].to_vec();
        turn.extend(["--message", "{role: user}"]);
        assert!(usage(create(&turn, None)).starts_with("--message #1 is not a conversation turn"));
        let mut no_tokens = BASE.to_vec();
        no_tokens.drain(2..4);
        let message = usage(create(&no_tokens, Some("{max_tokens: lots}")));
        assert!(message.contains("does not fit"), "{message}");
        let message = usage(create(&BASE, Some("{stream: maybe}")));
        assert!(message.contains("`stream`"), "{message}");
    }
}
