//! Structured outputs from the command line, against the local platform: `--output-config`
//! sends the schema, the answer's text is a JSON instance of it, and `--transform` picks a
//! field out of that text with GJSON's `@fromstr`.

mod common;

use common::process::*;
use common::*;
use serde_json::{Value, json};

const OUTPUT_CONFIG: &str = "{format: {type: json_schema, schema: {type: object, \
    properties: {name: {type: string}, age: {type: integer, minimum: 18}, \
    tags: {type: array, items: {type: string, enum: [a, b]}, minItems: 2}}, \
    required: [name, age, tags], additionalProperties: false}}}";

fn create(extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = [
        "messages",
        "create",
        "--model",
        MODEL,
        "--max-tokens",
        "256",
        "--message",
        HELLO,
        "--output-config",
        OUTPUT_CONFIG,
    ]
    .iter()
    .map(|a| (*a).to_owned())
    .collect();
    args.extend(extra.iter().map(|a| (*a).to_owned()));
    args
}

#[tokio::test(flavor = "multi_thread")]
async fn output_config_and_transform_through_fromstr() {
    let platform = platform().await;
    let whole = Cli::signed(&platform)
        .args(create(&["--format", "json"]))
        .run()
        .await;
    whole.success();
    let message = whole.json();
    assert_eq!(message["stop_reason"], "end_turn");
    let text = message["content"][0]["text"].as_str().unwrap_or_default();
    assert_eq!(
        serde_json::from_str::<Value>(text).ok(),
        Some(json!({"name": "example", "age": 18, "tags": ["a", "b"]}))
    );
    let sent = last_request(&platform).body_json().expect("a JSON body");
    assert_eq!(
        sent["output_config"]["format"]["schema"]["required"],
        json!(["name", "age", "tags"])
    );

    for (transform, raw, expected) in [
        ("content.0.text|@fromstr|age", false, "18"),
        ("content.0.text.@fromstr.name", true, "example"),
        ("content.0.text|@fromstr|tags.1", false, "\"b\""),
        ("content.0.text|@fromstr|tags.#", false, "2"),
        (
            "content.0.text|@fromstr",
            false,
            r#"{"age":18,"name":"example","tags":["a","b"]}"#,
        ),
    ] {
        let mut extra = vec!["--format", "json", "--transform", transform];
        if raw {
            extra.push("--raw-output");
        }
        let run = Cli::signed(&platform).args(create(&extra)).run().await;
        run.success();
        assert_eq!(run.stdout, format!("{expected}\n"), "{transform}");
    }

    // Without @fromstr the text is one string; a path into it finds nothing.
    let plain = Cli::signed(&platform)
        .args(create(&[
            "--format",
            "json",
            "--transform",
            "content.0.text.age",
        ]))
        .run()
        .await;
    plain.success();
    assert_eq!(plain.stdout, "null\n");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_output_config_is_refused() {
    let platform = platform().await;
    // Locally, before anything is sent: the flag's value is checked against the API's types.
    let run = Cli::signed(&platform)
        .args([
            "messages",
            "create",
            "--model",
            MODEL,
            "--max-tokens",
            "16",
            "--message",
            HELLO,
            "--output-config",
            "{format: {type: xml}}",
        ])
        .run()
        .await;
    assert_eq!(run.code, 2, "{run:#?}");
    assert!(run.stderr.contains("json_schema"), "{run:#?}");
    assert!(platform.requests().is_empty());
}
