//! The `anthropic-aws` command-line tool, run as a process against the local platform: every
//! auth mode, every error type in the JSON error line with the IDs the platform recorded,
//! `--debug` without secrets, streaming, stdin bodies, `@file`, formats and exit codes.
//!
//! Every run gets a cleared environment (temp HOME, empty AWS config files, no instance
//! metadata), so nothing from the developer's machine leaks in, and every run's output is
//! checked for the test secrets.

mod common;

use anthropic_aws_emulator::{Fault, StreamScript};
use common::process::*;
use common::*;
use serde_json::{Value, json};

fn create_args() -> Vec<String> {
    [
        "messages",
        "create",
        "--model",
        MODEL,
        "--max-tokens",
        "1024",
        "--message",
        HELLO,
    ]
    .map(str::to_owned)
    .to_vec()
}

fn reply_text(message: &Value) -> String {
    message["content"]
        .as_array()
        .expect("content blocks")
        .iter()
        .filter(|b| b["type"] == "text")
        .filter_map(|b| b["text"].as_str())
        .collect()
}

// ---------------------------------------------------------------- success in each auth mode

#[tokio::test(flavor = "multi_thread")]
async fn api_key_flag() {
    let platform = platform().await;
    let run = Cli::at(&platform)
        .args(create_args())
        .args(["--aws-api-key", API_KEY])
        .run()
        .await;
    let message = run.success().json();
    assert_eq!(message["type"], "message");
    assert!(reply_text(&message).contains("Hello, Claude"), "{message}");
    let sent = last_request(&platform);
    assert_eq!(
        sent.header("authorization"),
        Some(format!("Bearer {API_KEY}").as_str())
    );
    assert_eq!(sent.header("anthropic-workspace-id"), Some(WORKSPACE));
    assert!(
        !run.stdout.trim_end().contains('\n'),
        "compact JSON off a terminal"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn api_key_env_with_flags_for_the_rest() {
    let platform = platform().await;
    // Region, workspace and endpoint as flags this time, after the subcommand.
    let run = Cli::bare()
        .env("ANTHROPIC_AWS_API_KEY", API_KEY)
        .args(create_args())
        .args(["--base-url", &platform.base_url()])
        .args(["--aws-region", REGION, "--aws-workspace-id", WORKSPACE])
        .run()
        .await;
    run.success();
    let sent = last_request(&platform);
    assert_eq!(
        sent.header("authorization"),
        Some(format!("Bearer {API_KEY}").as_str())
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn access_keys_from_the_environment() {
    let platform = platform().await;
    let run = Cli::signed(&platform).args(create_args()).run().await;
    run.success();
    let sent = last_request(&platform);
    let auth = sent.header("authorization").unwrap_or_default();
    assert!(
        auth.starts_with(&format!("AWS4-HMAC-SHA256 Credential={ACCESS_KEY}/")),
        "{auth}"
    );
    assert!(auth.contains(&format!("/{REGION}/aws-external-anthropic/aws4_request")));
    assert_eq!(sent.header("x-amz-security-token"), None);
}

#[tokio::test(flavor = "multi_thread")]
async fn session_credentials_from_the_environment() {
    let platform = platform().await;
    let run = Cli::at(&platform)
        .env("AWS_ACCESS_KEY_ID", SESSION_ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", SESSION_SECRET)
        .env("AWS_SESSION_TOKEN", SESSION_TOKEN)
        .args(create_args())
        .run()
        .await;
    run.success();
    let sent = last_request(&platform);
    assert_eq!(sent.header("x-amz-security-token"), Some(SESSION_TOKEN));
    assert!(
        sent.header("authorization")
            .unwrap_or_default()
            .contains(SESSION_ACCESS_KEY)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn profile_flag_with_a_credentials_file_and_the_profiles_region() {
    let platform = platform().await;
    let cli = Cli::bare()
        .env("ANTHROPIC_AWS_BASE_URL", &platform.base_url())
        .env("ANTHROPIC_AWS_WORKSPACE_ID", WORKSPACE);
    let credentials = cli.file(
        "profile-credentials",
        &format!(
            "[default]\naws_access_key_id = AKIDWRONGDEFAULT\naws_secret_access_key = nope\n\n\
             [cli-test]\naws_access_key_id = {ACCESS_KEY}\naws_secret_access_key = {SECRET}\n"
        ),
    );
    let config = cli.file(
        "profile-config",
        &format!("[profile cli-test]\nregion = {REGION}\n"),
    );
    let run = cli
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            &credentials.to_string_lossy(),
        )
        .env("AWS_CONFIG_FILE", &config.to_string_lossy())
        .args(["--aws-profile", "cli-test"])
        .args(create_args())
        .run()
        .await;
    run.success();
    let sent = last_request(&platform);
    let auth = sent.header("authorization").unwrap_or_default();
    assert!(
        auth.contains(&format!("Credential={ACCESS_KEY}/")),
        "the named profile's key, not the default one: {auth}"
    );
    assert!(auth.contains(&format!("/{REGION}/")), "{auth}");
}

// ------------------------------------------------------------------- the other subcommands

#[tokio::test(flavor = "multi_thread")]
async fn count_tokens_and_models() {
    let platform = platform().await;
    let count = Cli::signed(&platform)
        .args([
            "messages",
            "count-tokens",
            "--model",
            MODEL,
            "--message",
            HELLO,
        ])
        .run()
        .await;
    assert!(count.success().json()["input_tokens"].as_u64().unwrap_or(0) > 0);
    assert_eq!(
        last_request(&platform).path_and_query,
        "/v1/messages/count_tokens"
    );

    let model = Cli::signed(&platform)
        .args(["models", "get", MODEL])
        .run()
        .await;
    assert_eq!(model.success().json()["id"], MODEL);

    let list = Cli::signed(&platform)
        .args(["models", "list", "--limit", "2"])
        .run()
        .await;
    // Every page, as `messages:batches list` does: two of two, then one.
    let all = list.success().json();
    assert_eq!(all["data"].as_array().map(Vec::len), Some(3), "{all}");
    assert_eq!(
        last_request(&platform).path_and_query,
        "/v1/models?after_id=claude-sonnet-4-6&limit=2"
    );
}

// ------------------------------------------------------------------------------- formats

#[tokio::test(flavor = "multi_thread")]
async fn yaml_pretty_and_jsonl_formats() {
    let platform = platform().await;
    let yaml = Cli::signed(&platform)
        .args(create_args())
        .args(["--format", "yaml"])
        .run()
        .await;
    yaml.success();
    let parsed: Value = serde_norway::from_str(&yaml.stdout).expect("the output is YAML");
    assert_eq!(parsed["type"], "message");
    assert!(
        !yaml.stdout.trim_start().starts_with('{'),
        "{}",
        yaml.stdout
    );

    let pretty = Cli::signed(&platform)
        .args(["--format", "pretty", "models", "get", MODEL])
        .run()
        .await;
    assert!(
        pretty.success().stdout.contains("\n  \"id\""),
        "{}",
        pretty.stdout
    );

    let all = Cli::signed(&platform)
        .args(["models", "list", "--format", "json"])
        .run()
        .await
        .json();
    let jsonl = Cli::signed(&platform)
        .args(["models", "list", "--format", "jsonl"])
        .run()
        .await;
    let lines: Vec<Value> = jsonl
        .success()
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(Some(&lines), all["data"].as_array(), "one model per line");
}

#[tokio::test(flavor = "multi_thread")]
async fn raw_prints_the_body_exactly_as_received() {
    let platform = platform().await;
    let body = "{\"odd\":   \"spacing\",\n \"kept\": true}\n\n";
    platform.push_fault(Fault::raw(
        200,
        vec![
            ("content-type".into(), "application/json".into()),
            ("x-amzn-requestid".into(), "aws-raw-1".into()),
            ("request-id".into(), "req_raw_1".into()),
        ],
        body,
    ));
    let run = Cli::signed(&platform)
        .args(create_args())
        .args(["--format", "raw"])
        .run()
        .await;
    assert_eq!(run.success().stdout, body);

    let normal = Cli::signed(&platform)
        .args(["--format", "raw", "models", "get", MODEL])
        .run()
        .await;
    assert_eq!(normal.success().json()["id"], MODEL);
}

// ------------------------------------------------------------------- input: stdin, @file

#[tokio::test(flavor = "multi_thread")]
async fn a_body_on_stdin_is_merged_under_the_flags() {
    let platform = platform().await;
    let run = Cli::signed(&platform)
        .stdin(
            "{model: some-other-model, max_tokens: 9, metadata: {user_id: user-123}, \
             stop_sequences: [END], messages: [{role: user, content: replaced}]}",
        )
        .args(create_args())
        .run()
        .await;
    run.success();
    let sent: Value = serde_json::from_slice(&last_request(&platform).body).expect("JSON body");
    assert_eq!(sent["metadata"], json!({"user_id": "user-123"}));
    assert_eq!(sent["stop_sequences"], json!(["END"]));
    assert_eq!(sent["model"], MODEL, "the flag wins");
    assert_eq!(sent["max_tokens"], 1024, "the flag wins");
    assert_eq!(
        sent["messages"],
        json!([{"role": "user", "content": "Hello, Claude"}]),
        "--message replaces the body's messages"
    );

    // Without --message the body's messages stay; JSON works as well as YAML.
    let run = Cli::signed(&platform)
        .stdin(r#"{"messages": [{"role": "user", "content": "from stdin"}], "max_tokens": 32}"#)
        .args(["messages", "create", "--model", MODEL])
        .run()
        .await;
    assert!(reply_text(&run.success().json()).contains("from stdin"));
    let sent: Value = serde_json::from_slice(&last_request(&platform).body).expect("JSON body");
    assert_eq!(sent["max_tokens"], 32);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_message_from_a_file_and_a_conversation() {
    let platform = platform().await;
    let cli = Cli::signed(&platform);
    let turn = cli.file("turn.yaml", "role: user\ncontent: from a file\n");
    let run = cli
        .args(["messages", "create", "--model", MODEL, "--max-tokens", "64"])
        .args(["--message", "{role: user, content: first}"])
        .args(["--message", r#"{"role": "assistant", "content": "ok"}"#])
        .args(["--message", &format!("@{}", turn.display())])
        .args(["--system", "Be terse."])
        .run()
        .await;
    assert!(reply_text(&run.success().json()).contains("from a file"));
    let sent: Value = serde_json::from_slice(&last_request(&platform).body).expect("JSON body");
    assert_eq!(
        sent["messages"],
        json!([
            {"role": "user", "content": "first"},
            {"role": "assistant", "content": "ok"},
            {"role": "user", "content": "from a file"}
        ])
    );
    assert_eq!(sent["system"], "Be terse.");
}

// --------------------------------------------------------------------------- exit codes

#[tokio::test(flavor = "multi_thread")]
async fn usage_errors_exit_2_and_send_nothing() {
    let platform = platform().await;

    let bad_flag = Cli::signed(&platform)
        .args(create_args())
        .args(["--temperature", "hot", "--format-error", "json"])
        .run()
        .await;
    assert_eq!(bad_flag.code, 2, "{bad_flag:#?}");
    let line = bad_flag.error_line();
    assert_eq!(line["error"]["type"], "usage_error");
    assert!(
        line["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("--temperature")
    );

    let bad_message = Cli::signed(&platform)
        .args(["messages", "create", "--model", MODEL, "--max-tokens", "8"])
        .args(["--message", "{role: user, content: [unclosed"])
        .run()
        .await;
    assert_eq!(bad_message.code, 2, "{bad_message:#?}");
    assert!(
        bad_message.stderr.contains("--message #1"),
        "{}",
        bad_message.stderr
    );

    let not_a_turn = Cli::signed(&platform)
        .args(["messages", "create", "--model", MODEL, "--max-tokens", "8"])
        .args(["--message", "{role: user}", "--format-error", "json"])
        .run()
        .await;
    assert_eq!(not_a_turn.code, 2);
    assert_eq!(not_a_turn.error_line()["error"]["type"], "usage_error");

    let body_does_not_fit = Cli::signed(&platform)
        .stdin("{max_tokens: lots}")
        .args(["messages", "create", "--model", MODEL, "--message", HELLO])
        .run()
        .await;
    assert_eq!(body_does_not_fit.code, 2, "{body_does_not_fit:#?}");

    let no_workspace = Cli::bare()
        .env("AWS_REGION", REGION)
        .args(["--base-url", &platform.base_url(), "--aws-api-key", API_KEY])
        .args(create_args())
        .args(["--format-error", "json"])
        .run()
        .await;
    assert_eq!(no_workspace.code, 2, "{no_workspace:#?}");
    let line = no_workspace.error_line();
    assert_eq!(line["error"]["type"], "configuration_error");
    assert!(
        line["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("ANTHROPIC_AWS_WORKSPACE_ID")
    );
    assert_eq!(line["request_id"], Value::Null);
    assert_eq!(line["aws_request_id"], Value::Null);
    assert!(no_workspace.stderr.starts_with('{'), "only the JSON line");

    // The 10-minute guard: only --stream or --timeout fixes it.
    let must_stream = Cli::signed(&platform)
        .args([
            "messages",
            "create",
            "--model",
            MODEL,
            "--max-tokens",
            "128000",
        ])
        .args(["--message", HELLO, "--format-error", "json"])
        .run()
        .await;
    assert_eq!(must_stream.code, 2, "{must_stream:#?}");
    assert_eq!(
        must_stream.error_line()["error"]["type"],
        "invalid_request_error"
    );

    assert_eq!(platform.request_count(), 0, "nothing was sent");
}

#[tokio::test(flavor = "multi_thread")]
async fn text_errors_name_both_ids_and_the_remedy() {
    let platform = platform().await;
    platform.push_fault(Fault::aws(
        403,
        "AccessDeniedException",
        "Outbound web identity federation is disabled for your account",
    ));
    let run = Cli::signed(&platform)
        .args(create_args())
        .args(["--max-retries", "0"])
        .run()
        .await;
    assert_eq!(run.code, 1, "{run:#?}");
    let sent = last_request(&platform);
    assert!(run.stderr.contains("permission_error"), "{}", run.stderr);
    assert!(run.stderr.contains("AccessDeniedException"));
    assert!(
        run.stderr
            .contains("aws iam enable-outbound-web-identity-federation")
    );
    assert!(run.stderr.contains(&sent.aws_request_id), "{}", run.stderr);
    assert!(
        run.stderr.contains("anthropic request id: none"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty());
}

// ------------------------------------------------------------------ the JSON error line

#[tokio::test(flavor = "multi_thread")]
async fn every_anthropic_error_type_in_the_json_error_line() {
    let platform = platform().await;
    let cases = [
        (400, "invalid_request_error"),
        (401, "authentication_error"),
        (402, "billing_error"),
        (403, "permission_error"),
        (404, "not_found_error"),
        (409, "conflict_error"),
        (413, "request_too_large"),
        (429, "rate_limit_error"),
        (500, "api_error"),
        (504, "timeout_error"),
        (529, "overloaded_error"),
        (422, "brand_new_error"),
    ];
    for (status, wire) in cases {
        platform.push_fault(Fault::anthropic(status, wire, "scripted"));
        let run = Cli::signed(&platform)
            .args(create_args())
            .args(["--max-retries", "0", "--format-error", "json"])
            .run()
            .await;
        assert_eq!(run.code, 1, "{wire}: {run:#?}");
        assert!(run.stdout.is_empty(), "{wire}");
        let sent = last_request(&platform);
        let line = run.error_line();
        assert_eq!(line["type"], "error");
        assert_eq!(line["error"]["type"], wire);
        assert_eq!(line["error"]["message"], "scripted");
        assert_eq!(
            line["aws_request_id"],
            sent.aws_request_id.as_str(),
            "{wire}"
        );
        assert_eq!(
            line["request_id"].as_str(),
            sent.anthropic_request_id.as_deref(),
            "{wire}"
        );
        assert!(line["request_id"].as_str().is_some_and(|id| !id.is_empty()));
        assert_eq!(line["retries"], 0);
        assert!(
            line.get("aws_error_code").is_none(),
            "{wire}: Anthropic answered"
        );
    }
    assert_eq!(platform.request_count(), cases.len(), "no retries");
}

#[tokio::test(flavor = "multi_thread")]
async fn details_are_merged_into_the_error_object() {
    let platform = platform().await;
    platform.push_fault(
        Fault::anthropic(402, "billing_error", "spend limit reached")
            .with_details(json!({"error_code": "linked_organization_spend_limit_reached"})),
    );
    let run = Cli::signed(&platform)
        .args(create_args())
        .args(["--max-retries", "0", "--format-error", "json"])
        .run()
        .await;
    assert_eq!(run.code, 1);
    let line = run.error_line();
    assert_eq!(line["error"]["type"], "billing_error");
    assert_eq!(
        line["error"]["error_code"],
        "linked_organization_spend_limit_reached"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn every_aws_front_door_type_in_the_json_error_line() {
    let platform = platform().await;
    let cases = [
        (403, "InvalidSignatureException", "authentication_error"),
        (403, "IncompleteSignatureException", "authentication_error"),
        (
            403,
            "MissingAuthenticationTokenException",
            "authentication_error",
        ),
        (403, "UnrecognizedClientException", "authentication_error"),
        (403, "ExpiredTokenException", "authentication_error"),
        (403, "AccessDeniedException", "permission_error"),
        (400, "ThrottlingException", "rate_limit_error"),
        (400, "ValidationException", "invalid_request_error"),
        (404, "ResourceNotFoundException", "not_found_error"),
        (503, "ServiceUnavailableException", "overloaded_error"),
        (500, "InternalServerException", "api_error"),
    ];
    for (status, code, expected) in cases {
        if code == "ExpiredTokenException" {
            // An expired token is refreshed once and tried again, retries or not.
            platform.push_fault(Fault::aws(status, code, "front door says no"));
        }
        platform.push_fault(Fault::aws(status, code, "front door says no"));
        let run = Cli::signed(&platform)
            .args(create_args())
            .args(["--max-retries", "0", "--format-error", "json"])
            .run()
            .await;
        assert_eq!(run.code, 1, "{code}: {run:#?}");
        let sent = last_request(&platform);
        let line = run.error_line();
        assert_eq!(line["error"]["type"], expected, "{code}");
        assert_eq!(line["aws_error_code"], code);
        assert_eq!(
            line["aws_request_id"],
            sent.aws_request_id.as_str(),
            "{code}"
        );
        assert_eq!(
            line["request_id"],
            Value::Null,
            "{code}: Anthropic never saw it"
        );
        assert_eq!(line["retries"], 0, "{code}: --max-retries 0");
        assert!(
            line["error"]["message"]
                .as_str()
                .unwrap_or_default()
                .starts_with("front door says no"),
            "{line}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn retries_are_counted_in_the_error_line() {
    let platform = platform().await;
    for _ in 0..2 {
        platform.push_fault(Fault::raw(
            529,
            vec![("retry-after-ms".into(), "10".into())],
            "",
        ));
    }
    platform.push_fault(Fault::anthropic(529, "overloaded_error", "Overloaded"));
    let run = Cli::signed(&platform)
        .args(create_args())
        .args(["--max-retries", "2", "--format-error", "json"])
        .run()
        .await;
    assert_eq!(run.code, 1);
    let line = run.error_line();
    assert_eq!(line["retries"], 2);
    assert_eq!(line["error"]["type"], "overloaded_error");
    assert_eq!(
        line["aws_request_id"],
        last_request(&platform).aws_request_id.as_str()
    );
    assert_eq!(platform.request_count(), 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn local_failures_in_the_json_error_line() {
    let platform = platform().await;

    // No credentials anywhere: nothing is sent.
    let no_credentials = Cli::at(&platform)
        .args(create_args())
        .args(["--format-error", "json"])
        .run()
        .await;
    assert_eq!(no_credentials.code, 1, "{no_credentials:#?}");
    let line = no_credentials.error_line();
    assert_eq!(line["error"]["type"], "credentials_error");
    assert_eq!(line["aws_request_id"], Value::Null);

    // Over 32 MB: refused before sending.
    let cli = Cli::signed(&platform);
    let huge = cli.file(
        "huge.json",
        &json!({"role": "user", "content": "x".repeat(32_000_001)}).to_string(),
    );
    let too_large = cli
        .args(["messages", "create", "--model", MODEL, "--max-tokens", "8"])
        .args(["--message", &format!("@{}", huge.display())])
        .args(["--format-error", "json"])
        .run()
        .await;
    assert_eq!(too_large.code, 1, "{}", too_large.stderr);
    assert_eq!(too_large.error_line()["error"]["type"], "request_too_large");

    // A success status whose body is not a message.
    platform.push_fault(Fault::raw(
        200,
        vec![
            ("x-amzn-requestid".into(), "aws-decode-1".into()),
            ("request-id".into(), "req_decode_1".into()),
        ],
        "<html>not a message</html>",
    ));
    let decode = Cli::signed(&platform)
        .args(create_args())
        .args(["--format-error", "json"])
        .run()
        .await;
    assert_eq!(decode.code, 1);
    let line = decode.error_line();
    assert_eq!(line["error"]["type"], "decode_error");
    assert_eq!(line["aws_request_id"], "aws-decode-1");
    assert_eq!(line["request_id"], "req_decode_1");

    assert_eq!(platform.request_count(), 1, "only the decode case was sent");

    // Nobody listening.
    let (_reserved, closed_url) = refusing_address();
    let connection = Cli::signed(&platform)
        .args(create_args())
        .args([
            "--base-url",
            &closed_url,
            "--max-retries",
            "0",
            "--format-error",
            "json",
        ])
        .run()
        .await;
    assert_eq!(connection.code, 1);
    assert_eq!(connection.error_line()["error"]["type"], "connection_error");

    // A server that accepts and never answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let silent_url = format!("http://{}", silent.local_addr().expect("addr"));
    let timeout = Cli::signed(&platform)
        .args(create_args())
        .args([
            "--base-url",
            &silent_url,
            "--max-retries",
            "0",
            "--timeout",
            "0.5",
        ])
        .args(["--format-error", "json"])
        .run()
        .await;
    drop(silent);
    assert_eq!(timeout.code, 1, "{timeout:#?}");
    assert_eq!(timeout.error_line()["error"]["type"], "timeout_error");
}

// ---------------------------------------------------------------------------------- debug

#[tokio::test(flavor = "multi_thread")]
async fn debug_shows_the_wire_and_both_ids_and_no_secret() {
    let platform = platform().await;
    let run = Cli::at(&platform)
        .env("AWS_ACCESS_KEY_ID", SESSION_ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", SESSION_SECRET)
        .env("AWS_SESSION_TOKEN", SESSION_TOKEN)
        .args(["--debug"])
        .args(create_args())
        .run()
        .await;
    run.success();
    let sent = last_request(&platform);
    let anthropic_id = sent.anthropic_request_id.clone().expect("an Anthropic ID");
    for line in [
        format!("> POST {}/v1/messages", platform.base_url()),
        "> authorization: AWS4-HMAC-SHA256 <redacted>".to_owned(),
        "> x-amz-security-token: <redacted>".to_owned(),
        "< HTTP 200 OK".to_owned(),
        format!("< x-amzn-requestid: {}", sent.aws_request_id),
        format!("< request-id: {anthropic_id}"),
        format!("aws request id: {}", sent.aws_request_id),
        format!("anthropic request id: {anthropic_id}"),
    ] {
        assert!(
            run.stderr.lines().any(|l| l == line),
            "stderr lacks {line:?}:\n{}",
            run.stderr
        );
    }
    assert_eq!(run.json()["type"], "message", "stdout is only the answer");

    let with_key = Cli::at(&platform)
        .args(["models", "get", MODEL, "--debug", "--aws-api-key", API_KEY])
        .run()
        .await;
    with_key.success();
    assert!(
        with_key
            .stderr
            .lines()
            .any(|l| l == "> authorization: Bearer <redacted>"),
        "{}",
        with_key.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_password_in_a_redirect_location_never_reaches_the_terminal() {
    const PASSWORD: &str = "l0cation-s3cret";
    let platform = platform().await;
    for extra in [&[][..], &["--debug"], &["--format-error", "json"]] {
        platform.push_fault(Fault::raw(
            307,
            vec![(
                "location".to_owned(),
                format!("https://user:{PASSWORD}@elsewhere.example/v1/models"),
            )],
            "",
        ));
        let run = Cli::signed(&platform)
            .args(["models", "get", MODEL, "--max-retries", "0"])
            .args(extra)
            .run()
            .await;
        assert_eq!(run.code, 1, "{run:#?}");
        assert!(
            run.stderr
                .contains("https://<redacted>@elsewhere.example/v1/models"),
            "{extra:?}: the destination is still named: {run:#?}"
        );
        assert!(
            !run.stderr.contains(PASSWORD) && !run.stdout.contains(PASSWORD),
            "{extra:?}: {run:#?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn debug_prints_the_ids_of_a_failure_too() {
    let platform = platform().await;
    platform.push_fault(Fault::aws(429, "ThrottlingException", "Rate exceeded"));
    let run = Cli::signed(&platform)
        .args(create_args())
        .args(["--debug", "--max-retries", "0", "--format-error", "json"])
        .run()
        .await;
    assert_eq!(run.code, 1);
    let sent = last_request(&platform);
    assert!(run.stderr.contains("< HTTP 429"), "{}", run.stderr);
    assert!(
        run.stderr
            .lines()
            .any(|l| l == format!("aws request id: {}", sent.aws_request_id)),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .lines()
            .any(|l| l == "anthropic request id: none")
    );
    assert_eq!(run.error_line()["aws_error_code"], "ThrottlingException");
}

// ------------------------------------------------------------------------------ streaming

#[tokio::test(flavor = "multi_thread")]
async fn a_streamed_answer_is_the_same_text() {
    let platform = platform().await;
    let whole = Cli::signed(&platform).args(create_args()).run().await;
    let expected = reply_text(&whole.success().json());

    let streamed = Cli::signed(&platform)
        .args(create_args())
        .args(["--stream"])
        .run()
        .await;
    assert_eq!(streamed.success().stdout, format!("{expected}\n"));
    let sent: Value = serde_json::from_slice(&last_request(&platform).body).expect("JSON body");
    assert_eq!(sent["stream"], true);

    let events = Cli::signed(&platform)
        .args(create_args())
        .args(["--stream", "--format", "jsonl"])
        .run()
        .await;
    let events: Vec<Value> = events
        .success()
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is an event"))
        .collect();
    assert_eq!(
        events.first().map(|e| e["type"].clone()),
        Some(json!("message_start"))
    );
    assert_eq!(
        events.last().map(|e| e["type"].clone()),
        Some(json!("message_stop"))
    );
    let text: String = events
        .iter()
        .filter(|e| e["delta"]["type"] == "text_delta")
        .filter_map(|e| e["delta"]["text"].as_str())
        .collect();
    assert_eq!(text, expected);

    let final_message = Cli::signed(&platform)
        .args(create_args())
        .args(["--stream", "--format", "json"])
        .run()
        .await;
    assert_eq!(reply_text(&final_message.success().json()), expected);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stream_that_fails_midway_exits_1_with_the_error_line() {
    let platform = platform().await;
    platform.push_fault(Fault::Stream(StreamScript::new().error_after(
        2,
        "overloaded_error",
        "Overloaded",
    )));
    let run = Cli::signed(&platform)
        .args(create_args())
        .args(["--stream", "--max-retries", "0", "--format-error", "json"])
        .run()
        .await;
    assert_eq!(run.code, 1, "{run:#?}");
    assert!(!run.stdout.trim().is_empty(), "the text so far was printed");
    assert!(run.stdout.ends_with('\n'));
    let sent = last_request(&platform);
    let line = run.error_line();
    assert_eq!(line["error"]["type"], "overloaded_error");
    assert_eq!(line["error"]["message"], "Overloaded");
    assert_eq!(line["aws_request_id"], sent.aws_request_id.as_str());
    assert_eq!(
        line["request_id"].as_str(),
        sent.anthropic_request_id.as_deref()
    );

    platform.push_fault(Fault::Stream(StreamScript::new().cut_after(3)));
    let cut = Cli::signed(&platform)
        .args(create_args())
        .args(["--stream", "--max-retries", "0", "--format-error", "json"])
        .run()
        .await;
    assert_eq!(cut.code, 1, "{cut:#?}");
    let line = cut.error_line();
    assert_eq!(line["error"]["type"], "stream_error");
    assert_eq!(
        line["aws_request_id"],
        last_request(&platform).aws_request_id.as_str()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn help_reads_well() {
    let run = Cli::bare()
        .args(["messages", "create", "--help"])
        .run()
        .await;
    run.success();
    assert!(
        run.stdout
            .contains(r#"--message '{role: user, content: "Hello, Claude"}'"#),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("--aws-workspace-id"),
        "global options are listed"
    );
    let top = Cli::bare().args(["--help"]).run().await;
    assert!(top.success().stdout.contains("Exit status"));
    let none = Cli::bare().run().await;
    assert_eq!(none.code, 2, "no subcommand is a usage error: {none:#?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_streamed_message_past_the_cap_with_format_json_is_response_too_large() {
    let platform = platform().await;
    let bytes = anthropic_aws::MAX_RESPONSE_BYTES + 1024 * 1024;
    let model = format!("{MODEL}~stream-text-bytes={bytes}");
    let run = Cli::signed(&platform)
        .args([
            "messages",
            "create",
            "--model",
            &model,
            "--max-tokens",
            "1024",
            "--message",
            HELLO,
            "--stream",
            "--format",
            "json",
            "--format-error",
            "json",
        ])
        .run()
        .await;
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stdout.is_empty(), "no partial message is printed");
    let sent = last_request(&platform);
    let line = run.error_line();
    assert_eq!(line["error"]["type"], "response_too_large");
    assert_eq!(line["aws_request_id"], sent.aws_request_id.as_str());
    assert_eq!(
        line["request_id"].as_str(),
        sent.anthropic_request_id.as_deref()
    );
    assert_eq!(platform.request_count(), 1, "never retried");
}
