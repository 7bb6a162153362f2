//! The `ant` CLI's flags as the Anthropic docs paste them, run as a process against the local
//! platform: `--workspace-id`, `--inference-geo`, `--transform`, `--raw-output`,
//! `models retrieve --model-id`, `--max-items`, and the docs' own AWS example.

mod common;

use common::process::*;
use common::*;
use serde_json::{Value, json};

fn lines(run: &Run) -> Vec<&str> {
    run.stdout.lines().collect()
}

fn model_paths(platform: &anthropic_aws_emulator::EmulatorHandle) -> Vec<String> {
    platform
        .requests()
        .into_iter()
        .filter(|r| r.path_and_query.starts_with("/v1/models"))
        .map(|r| r.path_and_query)
        .collect()
}

/// Anthropic's "Claude Platform on AWS" page, CLI tab, word for word but for the first word
/// (and the endpoint, which is this test's platform). No workspace in the environment: only
/// `--workspace-id` names it.
#[tokio::test(flavor = "multi_thread")]
async fn the_docs_aws_example_runs_as_pasted() {
    let platform = platform().await;
    let run = Cli::bare()
        .env("ANTHROPIC_AWS_API_KEY", API_KEY)
        .args([
            "messages",
            "create",
            "--base-url",
            &platform.base_url(),
            "--workspace-id",
            WORKSPACE,
            "--model",
            "claude-sonnet-5",
            "--max-tokens",
            "1024",
            "--inference-geo",
            "us",
            "--message",
            r#"{role: user, content: "Hello!"}"#,
            "--transform",
            "content",
        ])
        .run()
        .await;
    let content = run.success().json();
    assert!(
        run.stdout.starts_with(r#"[{"type":"text","text":"#),
        "keys in the answer's order: {}",
        run.stdout
    );
    let blocks = content
        .as_array()
        .expect("--transform content prints the array");
    assert_eq!(blocks[0]["type"], "text", "{content}");
    assert!(
        blocks[0]["text"]
            .as_str()
            .unwrap_or_default()
            .contains("Hello!"),
        "{content}"
    );
    let sent = last_request(&platform);
    assert_eq!(sent.path_and_query, "/v1/messages");
    assert_eq!(sent.header("anthropic-workspace-id"), Some(WORKSPACE));
    let body = sent.body_json().expect("a JSON body");
    assert_eq!(body["inference_geo"], "us");
    assert_eq!(body["model"], "claude-sonnet-5");
    assert_eq!(body["max_tokens"], 1024);
}

#[tokio::test(flavor = "multi_thread")]
async fn workspace_id_is_an_alias_before_the_subcommand_too() {
    let platform = platform().await;
    let run = Cli::bare()
        .env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", SECRET)
        .env("AWS_REGION", REGION)
        .env("ANTHROPIC_AWS_BASE_URL", &platform.base_url())
        .args(["--workspace-id", WORKSPACE, "models", "get", MODEL])
        .run()
        .await;
    assert_eq!(run.success().json()["id"], MODEL);
    let sent = last_request(&platform);
    assert_eq!(sent.header("anthropic-workspace-id"), Some(WORKSPACE));
    assert!(
        sent.header("authorization")
            .unwrap_or_default()
            .starts_with("AWS4-HMAC-SHA256 ")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn inference_geo_reaches_count_tokens_and_every_batch_request() {
    let platform = platform().await;
    Cli::signed(&platform)
        .args([
            "messages",
            "count-tokens",
            "--model",
            MODEL,
            "--message",
            HELLO,
        ])
        .args(["--inference-geo", "us", "--transform", "input_tokens"])
        .run()
        .await
        .success();
    let sent = last_request(&platform);
    assert_eq!(sent.path_and_query, "/v1/messages/count_tokens");
    assert_eq!(sent.body_json().expect("JSON")["inference_geo"], "us");

    let request = |id: &str| {
        format!(
            "{{custom_id: {id}, params: {{model: {MODEL}, max_tokens: 16, messages: [{HELLO}]}}}}"
        )
    };
    let run = Cli::signed(&platform)
        .args(["messages:batches", "create", "--inference-geo", "global"])
        .args(["--request", &request("a"), "--request", &request("b")])
        .args(["--transform", "id", "--raw-output"])
        .run()
        .await;
    assert!(
        run.success().stdout.trim().starts_with("msgbatch_"),
        "{run:?}"
    );
    let sent = last_request(&platform);
    let body = sent.body_json().expect("JSON");
    let geos: Vec<&Value> = body["requests"]
        .as_array()
        .expect("requests")
        .iter()
        .map(|r| &r["params"]["inference_geo"])
        .collect();
    assert_eq!(geos, [&json!("global"), &json!("global")]);
}

#[tokio::test(flavor = "multi_thread")]
async fn transform_and_raw_output_shape_each_format() {
    let platform = platform().await;
    let get = |extra: &[&str]| {
        Cli::signed(&platform)
            .args(["models", "get", MODEL])
            .args(extra.iter().copied())
    };
    let quoted = get(&["--transform", "display_name"]).run().await;
    assert_eq!(quoted.success().stdout, "\"Claude Opus 4.8\"\n");
    let raw = get(&["--transform", "display_name", "--raw-output"])
        .run()
        .await;
    assert_eq!(raw.success().stdout, "Claude Opus 4.8\n");
    let yaml = get(&["--transform", "{id,type}", "--format", "yaml"])
        .run()
        .await;
    assert_eq!(yaml.success().stdout, format!("id: {MODEL}\ntype: model\n"));
    let body = get(&["--format", "raw", "--transform", "id"]).run().await;
    assert_eq!(body.success().stdout, format!("\"{MODEL}\"\n"));
    let missing = get(&["--transform", "no.such.field"]).run().await;
    assert_eq!(missing.success().stdout, "null\n");
    // Without --transform, --raw-output leaves an object as JSON.
    let whole = get(&["--raw-output"]).run().await;
    assert_eq!(whole.success().json()["id"], MODEL);

    let text = Cli::signed(&platform)
        .args(["messages", "create", "--model", MODEL, "--max-tokens", "64"])
        .args([
            "--message",
            HELLO,
            "--transform",
            "content.0.text",
            "--raw-output",
        ])
        .run()
        .await;
    let printed = text.success().stdout.trim_end();
    assert!(printed.contains("Hello, Claude"), "{text:?}");
    assert!(!printed.starts_with('"'), "{text:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn transform_applies_to_each_line_of_jsonl() {
    let platform = platform().await;
    let run = Cli::signed(&platform)
        .args(["models", "list", "--format", "jsonl", "--transform", "id"])
        .run()
        .await;
    assert_eq!(
        lines(run.success()),
        [
            "\"claude-opus-4-8\"",
            "\"claude-sonnet-4-6\"",
            "\"claude-haiku-4-5\""
        ]
    );

    let events = Cli::signed(&platform)
        .args(["messages", "create", "--model", MODEL, "--max-tokens", "64"])
        .args(["--message", HELLO, "--stream", "--format", "jsonl"])
        .args(["--transform", "type", "--raw-output"])
        .run()
        .await;
    let kinds = lines(events.success());
    assert_eq!(kinds.first(), Some(&"message_start"), "{events:?}");
    assert_eq!(kinds.last(), Some(&"message_stop"), "{events:?}");
    assert!(kinds.contains(&"content_block_delta"), "{events:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn models_retrieve_takes_model_id_or_a_position_like_get() {
    let platform = platform().await;
    let mut outputs = Vec::new();
    for args in [
        vec!["models", "retrieve", "--model-id", "claude-haiku-4-5"],
        vec!["models", "retrieve", "claude-haiku-4-5"],
        vec!["models", "get", "claude-haiku-4-5"],
        vec!["models", "get", "--model-id", "claude-haiku-4-5"],
    ] {
        let run = Cli::signed(&platform).args(args).run().await;
        outputs.push(run.success().json());
    }
    assert_eq!(outputs[0]["id"], "claude-haiku-4-5");
    assert!(outputs.iter().all(|o| o == &outputs[0]), "{outputs:?}");
    assert_eq!(
        model_paths(&platform),
        ["/v1/models/claude-haiku-4-5"; 4].map(str::to_owned)
    );

    let none = Cli::signed(&platform)
        .args(["models", "retrieve"])
        .run()
        .await;
    assert_eq!(none.code, 2, "{none:?}");
    let both = Cli::signed(&platform)
        .args(["models", "retrieve", "a", "--model-id", "b"])
        .run()
        .await;
    assert_eq!(both.code, 2, "{both:?}");
    assert_eq!(model_paths(&platform).len(), 4, "nothing more was sent");
}

#[tokio::test(flavor = "multi_thread")]
async fn models_list_pages_through_everything_unless_max_items_says_fewer() {
    let platform = platform().await;
    let all = Cli::signed(&platform)
        .args(["models", "list", "--limit", "1", "--transform", "data.#.id"])
        .run()
        .await;
    assert_eq!(
        all.success().json(),
        json!(["claude-opus-4-8", "claude-sonnet-4-6", "claude-haiku-4-5"])
    );
    assert_eq!(
        model_paths(&platform),
        [
            "/v1/models?limit=1",
            "/v1/models?after_id=claude-opus-4-8&limit=1",
            "/v1/models?after_id=claude-sonnet-4-6&limit=1",
        ]
    );

    let platform = common::platform().await;
    let two = Cli::signed(&platform)
        .args(["models", "list", "--limit", "1", "--max-items", "2"])
        .args(["--format", "jsonl", "--transform", "id", "--raw-output"])
        .run()
        .await;
    assert_eq!(
        lines(two.success()),
        ["claude-opus-4-8", "claude-sonnet-4-6"]
    );
    assert_eq!(
        model_paths(&platform).len(),
        2,
        "no third page was asked for"
    );

    let one_page = Cli::signed(&platform)
        .args([
            "models",
            "list",
            "--max-items",
            "1",
            "--transform",
            "data.#",
        ])
        .run()
        .await;
    assert_eq!(one_page.success().stdout, "1\n");
}

#[tokio::test(flavor = "multi_thread")]
async fn batches_list_honours_max_items_across_pages() {
    let platform = platform().await;
    let request =
        format!("{{custom_id: q, params: {{model: {MODEL}, max_tokens: 8, messages: [{HELLO}]}}}}");
    for _ in 0..3 {
        Cli::signed(&platform)
            .args(["messages:batches", "create", "--request", &request])
            .run()
            .await
            .success();
    }
    let run = Cli::signed(&platform)
        .args([
            "messages:batches",
            "list",
            "--limit",
            "1",
            "--max-items",
            "2",
        ])
        .args(["--format", "jsonl", "--transform", "id", "--raw-output"])
        .run()
        .await;
    let ids = lines(run.success());
    assert_eq!(ids.len(), 2, "{run:?}");
    assert!(ids.iter().all(|id| id.starts_with("msgbatch_")), "{run:?}");
    assert_ne!(ids[0], ids[1]);
}
