//! Every request-body field of `messages create` and `messages count-tokens` as a flag, run as
//! a process against the local platform: each field as the platform received it (its request
//! log keeps the bodies), the merge with a body on stdin, and each bad value a usage error
//! with nothing sent.

mod common;

use common::process::*;
use common::*;
use serde_json::{Value, json};

/// The JSON body of the one request the platform received.
fn only_body(platform: &anthropic_aws_emulator::EmulatorHandle) -> Value {
    let requests = platform.requests();
    assert_eq!(requests.len(), 1, "{requests:#?}");
    requests[0].body_json().expect("a JSON body")
}

fn create() -> Vec<&'static str> {
    vec![
        "messages",
        "create",
        "--model",
        MODEL,
        "--max-tokens",
        "256",
    ]
}

#[tokio::test(flavor = "multi_thread")]
async fn every_create_field_goes_on_the_wire_as_given() {
    let platform = platform().await;
    let run = Cli::signed(&platform)
        .args(create())
        .args(["--message", HELLO])
        .args(["--message", "{role: assistant, content: Hi}"])
        .args([
            "--message",
            r#"{"role": "user", "content": [{"type": "text", "text": "More"}]}"#,
        ])
        .args(["--system", "Be terse."])
        .args(["--stop-sequence", "END", "--stop-sequence", "-STOP-"])
        .args(["--metadata.user-id", "user-123"])
        .args(["--service-tier", "standard_only"])
        .args(["--thinking", "{type: enabled, budget_tokens: 1024}"])
        .args([
            "--tool",
            "{name: get_weather, input_schema: {type: object, properties: {city: {type: string}}}}",
        ])
        .args([
            "--tool",
            r#"{"type": "web_search_20250305", "name": "web_search", "max_uses": 3}"#,
        ])
        .args([
            "--tool-choice",
            "{type: auto, disable_parallel_tool_use: true}",
        ])
        .args(["--output-config", "{effort: low}"])
        .args(["--inference-geo", "us"])
        .args(["--container", "cntr_011CZ"])
        .args([
            "--context-management",
            "{edits: [{type: clear_tool_uses_20250919}]}",
        ])
        .args([
            "--mcp-server",
            "{type: url, url: 'https://mcp.example.com/sse', name: docs}",
        ])
        .args([
            "--mcp-server.type",
            "url",
            "--mcp-server.url",
            "https://two.example.com/mcp",
        ])
        .args([
            "--mcp-server.name",
            "two",
            "--mcp-server.authorization-token",
            "mcp-tok-1",
        ])
        .args(["--cache-control", "{type: ephemeral, ttl: 1h}"])
        .run()
        .await;
    assert_ne!(run.code, 2, "sent, whatever the platform answers: {run:#?}");
    assert_eq!(
        only_body(&platform),
        json!({
            "model": MODEL,
            "max_tokens": 256,
            "messages": [
                {"role": "user", "content": "Hello, Claude"},
                {"role": "assistant", "content": "Hi"},
                {"role": "user", "content": [{"type": "text", "text": "More"}]}
            ],
            "system": "Be terse.",
            "stop_sequences": ["END", "-STOP-"],
            "metadata": {"user_id": "user-123"},
            "service_tier": "standard_only",
            "thinking": {"type": "enabled", "budget_tokens": 1024},
            "tools": [
                {"name": "get_weather",
                 "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}}},
                {"type": "web_search_20250305", "name": "web_search", "max_uses": 3}
            ],
            "tool_choice": {"type": "auto", "disable_parallel_tool_use": true},
            "output_config": {"effort": "low"},
            "inference_geo": "us",
            "container": "cntr_011CZ",
            "context_management": {"edits": [{"type": "clear_tool_uses_20250919"}]},
            "mcp_servers": [
                {"type": "url", "url": "https://mcp.example.com/sse", "name": "docs"},
                {"type": "url", "url": "https://two.example.com/mcp", "name": "two",
                 "authorization_token": "mcp-tok-1"}
            ],
            "cache_control": {"type": "ephemeral", "ttl": "1h"}
        })
    );
    assert!(!run.stderr.contains("mcp-tok-1"), "{run:#?}");
}

/// The sampling parameters go out as typed (`1` an integer, `0.2` a float); API 2026-10-21
/// refuses them, so the platform answers 400 and the run fails as a call, not as usage.
#[tokio::test(flavor = "multi_thread")]
async fn sampling_flags_are_sent_and_the_platform_decides() {
    let platform = platform().await;
    let run = Cli::signed(&platform)
        .args(create())
        .args(["--message", HELLO, "--temperature", "0.2", "--top-k", "40"])
        .args(["--top-p", "1", "--format-error", "json"])
        .run()
        .await;
    assert_eq!(run.code, 1, "{run:#?}");
    assert_eq!(run.error_line()["error"]["type"], "invalid_request_error");
    let body = only_body(&platform);
    assert_eq!(body["temperature"], json!(0.2));
    assert_eq!(body["top_k"], json!(40));
    assert_eq!(body["top_p"], json!(1));
}

#[tokio::test(flavor = "multi_thread")]
async fn output_config_members_and_stream() {
    let platform = platform().await;
    let run = Cli::signed(&platform)
        .args(create())
        .args(["--message", HELLO, "--stream", "--format", "jsonl"])
        .args(["--output-config.effort", "high"])
        .args([
            "--output-config.format",
            "{type: json_schema, schema: {type: object, properties: {answer: {type: string}}}}",
        ])
        .args([
            "--metadata",
            "{user_id: whole}",
            "--metadata.user-id",
            "member",
        ])
        .run()
        .await;
    run.success();
    let body = only_body(&platform);
    assert_eq!(body["stream"], true);
    assert_eq!(
        body["output_config"],
        json!({"effort": "high", "format": {"type": "json_schema",
               "schema": {"type": "object", "properties": {"answer": {"type": "string"}}}}})
    );
    assert_eq!(body["metadata"], json!({"user_id": "member"}));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_turn_in_parts_and_values_from_files() {
    let platform = platform().await;
    let cli = Cli::signed(&platform);
    let tool = cli.file(
        "tool.json",
        r#"{"name": "lookup", "input_schema": {"type": "object"}}"#,
    );
    let system = cli.file("system.txt", "From a file.");
    let run = cli
        .args(create())
        .args(["--message.role", "user", "--message.content", "In parts"])
        .args(["--tool", &format!("@{}", tool.display())])
        .args(["--system", &format!("@{}", system.display())])
        .run()
        .await;
    run.success();
    let body = only_body(&platform);
    assert_eq!(
        body["messages"],
        json!([{"role": "user", "content": "In parts"}])
    );
    assert_eq!(
        body["tools"],
        json!([{"name": "lookup", "input_schema": {"type": "object"}}])
    );
    assert_eq!(body["system"], "From a file.");
}

#[tokio::test(flavor = "multi_thread")]
async fn every_count_tokens_field_goes_on_the_wire() {
    let platform = platform().await;
    let run = Cli::signed(&platform)
        .args([
            "messages",
            "count-tokens",
            "--model",
            MODEL,
            "--message",
            HELLO,
        ])
        .args([
            "--system",
            "[{type: text, text: Be terse., cache_control: {type: ephemeral}}]",
        ])
        .args([
            "--tool",
            "{name: get_weather, input_schema: {type: object}}",
        ])
        .args(["--tool-choice", "{type: any}"])
        .args(["--thinking", "{type: adaptive}"])
        .args(["--output-config", "{effort: medium}"])
        .args([
            "--context-management",
            "{edits: [{type: clear_thinking_20251015}]}",
        ])
        .args([
            "--mcp-server",
            "{type: url, url: 'https://mcp.example.com', name: m}",
        ])
        .args(["--cache-control.type", "ephemeral"])
        .args(["--inference-geo", "eu"])
        .run()
        .await;
    assert_ne!(run.code, 2, "{run:#?}");
    assert_eq!(
        only_body(&platform),
        json!({
            "model": MODEL,
            "messages": [{"role": "user", "content": "Hello, Claude"}],
            "system": [{"type": "text", "text": "Be terse.", "cache_control": {"type": "ephemeral"}}],
            "tools": [{"name": "get_weather", "input_schema": {"type": "object"}}],
            "tool_choice": {"type": "any"},
            "thinking": {"type": "adaptive"},
            "output_config": {"effort": "medium"},
            "context_management": {"edits": [{"type": "clear_thinking_20251015"}]},
            "mcp_servers": [{"type": "url", "url": "https://mcp.example.com", "name": "m"}],
            "cache_control": {"type": "ephemeral"},
            "inference_geo": "eu"
        })
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_flag_wins_over_the_same_field_on_stdin() {
    let platform = platform().await;
    let run = Cli::signed(&platform)
        .stdin(
            r#"{"model": "claude-haiku-4-5", "max_tokens": 64, "stop_sequences": ["OLD"],
                "metadata": {"user_id": "old", "tag": "kept"}, "service_tier": "auto",
                "tools": [{"name": "old", "input_schema": {"type": "object"}}],
                "messages": [{"role": "user", "content": "from stdin"}]}"#,
        )
        .args(["messages", "create", "--model", MODEL])
        .args(["--stop-sequence", "NEW", "--metadata.user-id", "new"])
        .args(["--tool", "{name: new, input_schema: {type: object}}"])
        .run()
        .await;
    run.success();
    assert_eq!(
        only_body(&platform),
        json!({
            "model": MODEL,
            "max_tokens": 64,
            "stop_sequences": ["NEW"],
            "metadata": {"user_id": "new", "tag": "kept"},
            "service_tier": "auto",
            "tools": [{"name": "new", "input_schema": {"type": "object"}}],
            "messages": [{"role": "user", "content": "from stdin"}]
        })
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn each_bad_value_is_a_usage_error_and_nothing_is_sent() {
    let platform = platform().await;
    let cases: &[(&[&str], &str)] = &[
        (
            &["--temperature", "hot"],
            "--temperature expects a number from 0 to 1",
        ),
        (
            &["--temperature", "1.5"],
            "--temperature expects a number from 0 to 1",
        ),
        (&["--top-p", "-0.1"], "--top-p expects a number from 0 to 1"),
        (&["--top-k", "-"], "--top-k expects a whole number"),
        (&["--top-k", "-1"], "--top-k expects a whole number"),
        (
            &["--max-tokens", "lots"],
            "--max-tokens expects a whole number",
        ),
        (
            &["--service-tier", "fast"],
            "--service-tier expects auto or standard_only",
        ),
        (
            &["--thinking", "{type: enabled"],
            "--thinking does not parse",
        ),
        (
            &["--thinking", "{type: enabeld}"],
            "--thinking: `type` must be one of",
        ),
        (&["--tool", "[1]"], "--tool #1 is a list, not a mapping"),
        (
            &["--tool", "{name: a, input_schema: {}}", "--tool", "{"],
            "--tool #2 does not parse",
        ),
        (
            &["--tool-choice", "{name: f}"],
            "--tool-choice: `type` is required",
        ),
        (
            &["--output-config.effort", "extreme"],
            "--output-config.effort expects one of",
        ),
        (
            &["--cache-control.ttl", "2h"],
            "--cache-control.ttl expects 5m or 1h",
        ),
        (
            &["--metadata", "user-1"],
            "--metadata is a plain string, not a mapping",
        ),
        (
            &["--message.role", "system"],
            "--message.role expects user or assistant",
        ),
        (
            &["--system", "[unclosed"],
            "--system starts with `[` but does not parse",
        ),
        (
            &["--mcp-server", "@/nonexistent/mcp.yaml"],
            "--mcp-server #1: could not read",
        ),
    ];
    for (args, expected) in cases {
        let run = Cli::signed(&platform)
            .args(create())
            .args(["--message", HELLO])
            .args(*args)
            .args(["--format-error", "json"])
            .run()
            .await;
        assert_eq!(run.code, 2, "{args:?}: {run:#?}");
        let line = run.error_line();
        assert_eq!(line["error"]["type"], "usage_error", "{args:?}");
        let message = line["error"]["message"].as_str().unwrap_or_default();
        assert!(message.starts_with(expected), "{args:?}: {message}");
    }
    // count-tokens takes only its body's fields.
    let run = Cli::signed(&platform)
        .args([
            "messages",
            "count-tokens",
            "--model",
            MODEL,
            "--message",
            HELLO,
        ])
        .args(["--temperature", "0.5"])
        .run()
        .await;
    assert_eq!(run.code, 2, "{run:#?}");
    assert!(run.stderr.contains("--temperature"), "{}", run.stderr);
    assert!(platform.requests().is_empty(), "{:#?}", platform.requests());
}

#[tokio::test(flavor = "multi_thread")]
async fn help_groups_the_flags_with_a_line_each() {
    for (command, flags, absent) in [
        (
            "create",
            &[
                "--model",
                "--max-tokens",
                "--message",
                "--system",
                "--stream",
                "--temperature",
                "--top-k",
                "--top-p",
                "--stop-sequence",
                "--metadata",
                "--metadata.user-id",
                "--service-tier",
                "--thinking",
                "--tool",
                "--tool-choice",
                "--output-config",
                "--inference-geo",
                "--container",
                "--context-management",
                "--mcp-server",
                "--cache-control",
            ][..],
            &[][..],
        ),
        (
            "count-tokens",
            &[
                "--model",
                "--message",
                "--system",
                "--tool",
                "--tool-choice",
                "--thinking",
                "--output-config",
                "--context-management",
                "--mcp-server",
                "--cache-control",
            ][..],
            &["--max-tokens", "--temperature", "--stream", "--metadata"][..],
        ),
    ] {
        let run = Cli::bare()
            .args(["messages", command, "--help"])
            .run_blocking();
        run.success();
        let body = run
            .stdout
            .split_once("Request body:")
            .and_then(|(_, rest)| rest.split_once("Global options:"))
            .map(|(body, _)| body)
            .unwrap_or_else(|| panic!("two groups: {}", run.stdout));
        let lines: Vec<&str> = body.lines().collect();
        for flag in flags {
            let at = lines
                .iter()
                .position(|l| {
                    let l = l.trim_start();
                    l == *flag || l.starts_with(&format!("{flag} "))
                })
                .unwrap_or_else(|| panic!("{command}: {flag} under Request body:\n{body}"));
            // The description: after `--flag <VALUE>` on its line, or on the next line.
            let same_line = lines[at]
                .trim_start()
                .strip_prefix(flag)
                .map(|rest| rest.trim_start())
                .map(|rest| match rest.strip_prefix('<') {
                    Some(value) => value.split_once('>').map(|(_, d)| d).unwrap_or_default(),
                    None => rest,
                })
                .unwrap_or_default()
                .trim();
            let description = if same_line.is_empty() {
                lines.get(at + 1).map(|l| l.trim()).unwrap_or_default()
            } else {
                same_line
            };
            assert!(
                !description.is_empty() && !description.starts_with("--"),
                "{command}: {flag} has a description:\n{body}"
            );
        }
        for flag in absent {
            assert!(
                !body
                    .lines()
                    .any(|l| l.trim_start().starts_with(&format!("{flag} "))),
                "{command} takes no {flag}"
            );
        }
        let global = run
            .stdout
            .split_once("Global options:")
            .map(|(_, g)| g)
            .unwrap_or_default();
        assert!(global.contains("--aws-region"), "{}", run.stdout);
    }
}
