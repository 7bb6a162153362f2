//! Structured outputs over loopback HTTP: `messages().parse::<T>()`, its stream variant, token
//! counting and batches with a schema; the request on the wire carries `T`'s transformed
//! schema, and every answer that does not read into `T` is a typed error.

mod common;

use std::collections::HashMap;

use anthropic_aws::error::{ParseError, ParseErrorKind};
use anthropic_aws::helpers::parse::{json_schema, output_format};
use anthropic_aws::types::{
    BatchCreateParams, BatchRequest, BatchResultKind, CountTokensParams, Effort,
    MessageCreateParams, MessageParam, OutputConfig, StopReason, Tool,
};
use anthropic_aws::{Error, RequestId};
use anthropic_aws_emulator::{EmulatorHandle, Fault, StreamScript};
use common::{MODEL, last_request, platform, signed_client};
use futures_util::{StreamExt, TryStreamExt};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

/// A city, as the model describes it.
#[derive(Debug, Deserialize, JsonSchema, PartialEq)]
struct City {
    /// Its name.
    name: String,
    population: u64,
    mayor: Option<Person>,
    districts: Vec<String>,
    kind: Kind,
    landmark: Landmark,
    /// Free-form facts (the API can only answer `{}`).
    facts: HashMap<String, String>,
}

#[derive(Debug, Deserialize, JsonSchema, PartialEq)]
struct Person {
    name: String,
}

#[derive(Debug, Deserialize, JsonSchema, PartialEq)]
#[serde(rename_all = "snake_case")]
enum Kind {
    Capital,
    Town,
}

#[derive(Debug, Deserialize, JsonSchema, PartialEq)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Landmark {
    Tower { height_m: f64 },
    River { name: String },
    Nothing,
}

const PARIS: &str = r#"{"name":"Paris","population":2100000,"mayor":{"name":"Anne"},
    "districts":["Marais","Montmartre"],"kind":"capital",
    "landmark":{"type":"tower","height_m":330.0},"facts":{}}"#;

fn paris() -> City {
    City {
        name: "Paris".into(),
        population: 2_100_000,
        mayor: Some(Person {
            name: "Anne".into(),
        }),
        districts: vec!["Marais".into(), "Montmartre".into()],
        kind: Kind::Capital,
        landmark: Landmark::Tower { height_m: 330.0 },
        facts: HashMap::new(),
    }
}

/// The instance the local platform builds from `City`'s schema (first enum value, first
/// non-null branch, one item per array, `"example"`, `1`, `1.5`; no key in a closed map).
fn emulated_city() -> City {
    City {
        name: "example".into(),
        population: 1,
        mayor: Some(Person {
            name: "example".into(),
        }),
        districts: vec!["example".into()],
        kind: Kind::Capital,
        landmark: Landmark::Tower { height_m: 1.5 },
        facts: HashMap::new(),
    }
}

fn params() -> MessageCreateParams {
    MessageCreateParams::new(MODEL, 1024, vec![MessageParam::user("Describe Paris.")])
}

const AWS_ID: &str = "aws-parse-1";
const ANTHROPIC_ID: &str = "req_parse_1";

fn id_headers(content_type: &str) -> Vec<(String, String)> {
    vec![
        ("content-type".into(), content_type.into()),
        ("x-amzn-requestid".into(), AWS_ID.into()),
        ("request-id".into(), ANTHROPIC_ID.into()),
    ]
}

fn message(content: Value, stop_reason: &str) -> Value {
    json!({
        "id": "msg_parse", "type": "message", "role": "assistant", "model": MODEL,
        "content": content, "stop_reason": stop_reason, "stop_sequence": null,
        "usage": {"input_tokens": 12, "output_tokens": 34}
    })
}

/// The next request is answered with this message (both request IDs set).
fn script_answer(platform: &EmulatorHandle, content: Value, stop_reason: &str) {
    let body = message(content, stop_reason).to_string();
    platform.push_fault(Fault::raw(200, id_headers("application/json"), body));
}

fn text(text: &str) -> Value {
    json!([{"type": "text", "text": text}])
}

/// The next streaming request is answered with these events, the text in `pieces`.
fn script_stream(platform: &EmulatorHandle, pieces: &[&str], stop_reason: &str) {
    let mut start = message(json!([]), "end_turn");
    start["stop_reason"] = Value::Null;
    let mut events = vec![
        (
            "message_start",
            json!({"type": "message_start", "message": start}),
        ),
        (
            "content_block_start",
            json!({"type": "content_block_start", "index": 0,
                   "content_block": {"type": "text", "text": ""}}),
        ),
    ];
    for piece in pieces {
        events.push((
            "content_block_delta",
            json!({"type": "content_block_delta", "index": 0,
                   "delta": {"type": "text_delta", "text": piece}}),
        ));
    }
    events.push((
        "content_block_stop",
        json!({"type": "content_block_stop", "index": 0}),
    ));
    events.push((
        "message_delta",
        json!({"type": "message_delta", "delta": {"stop_reason": stop_reason, "stop_sequence": null},
               "usage": {"output_tokens": 34}}),
    ));
    events.push(("message_stop", json!({"type": "message_stop"})));
    let body: String = events
        .iter()
        .map(|(name, data)| format!("event: {name}\ndata: {data}\n\n"))
        .collect();
    platform.push_fault(Fault::raw(200, id_headers("text/event-stream"), body));
}

fn parse_error(err: Error) -> Box<ParseError> {
    match err {
        Error::Parse(e) => e,
        other => panic!("expected Error::Parse, got {other:?}"),
    }
}

#[tokio::test]
async fn the_request_carries_the_transformed_schema_and_keeps_the_rest() {
    let platform = platform().await;
    let client = signed_client(&platform).await;
    let params = params().effort(Effort::Low);

    // The local platform checks the format and answers a valid instance of the schema.
    let city = client.messages().parse::<City>(&params).await.unwrap();
    let body = last_request(&platform).body_json().expect("a JSON body");

    let schema = &body["output_config"]["format"]["schema"];
    assert_eq!(body["output_config"]["format"]["type"], "json_schema");
    assert_eq!(*schema, *json_schema::<City>());
    assert_eq!(body["output_config"]["effort"], "low", "the effort is kept");
    assert_eq!(
        body["messages"],
        json!([{"role": "user", "content": "Describe Paris."}]),
        "nothing is prefilled"
    );
    assert!(body.get("stream").is_none());

    // The schema of nested structs, Option, Vec, enums and maps, in the API's subset.
    assert!(schema.get("$schema").is_none());
    assert_eq!(schema["type"], "object");
    assert_eq!(schema["additionalProperties"], false);
    assert_eq!(
        schema["required"],
        json!([
            "name",
            "population",
            "districts",
            "kind",
            "landmark",
            "facts"
        ])
    );
    let properties = &schema["properties"];
    assert_eq!(
        properties["name"],
        json!({"type": "string", "description": "Its name."})
    );
    assert_eq!(
        properties["population"],
        json!({"type": "integer", "description": "{format: \"uint64\", minimum: 0}"})
    );
    assert_eq!(
        properties["mayor"],
        json!({"anyOf": [{"$ref": "#/$defs/Person"}, {"type": "null"}]})
    );
    assert_eq!(
        properties["districts"],
        json!({"type": "array", "items": {"type": "string"}})
    );
    assert_eq!(
        properties["facts"],
        json!({
            "type": "object", "properties": {}, "additionalProperties": false,
            "description": "Free-form facts (the API can only answer `{}`)."
        })
    );
    let defs = &schema["$defs"];
    assert_eq!(defs["Person"]["additionalProperties"], false);
    assert_eq!(
        defs["Kind"],
        json!({"type": "string", "enum": ["capital", "town"]})
    );
    let landmarks = defs["Landmark"]["anyOf"].as_array().expect("oneOf → anyOf");
    assert_eq!(landmarks.len(), 3);
    assert_eq!(
        landmarks[0],
        json!({
            "type": "object",
            "properties": {
                "type": {"type": "string", "enum": ["tower"]},
                "height_m": {"type": "number", "description": "{format: \"double\"}"},
            },
            "required": ["type", "height_m"],
            "additionalProperties": false,
        })
    );

    assert_eq!(*city, emulated_city());
    let record = last_request(&platform);
    assert_eq!(city.aws_request_id(), Some(record.aws_request_id.as_str()));
    assert_eq!(
        city.anthropic_request_id(),
        record.anthropic_request_id.as_deref()
    );

    // Without an output_config (the schema's JSON is copied in as kept per type), the body
    // is the same as the params with the format set by hand.
    let city = client.messages().parse::<City>(&self::params()).await;
    assert_eq!(*city.unwrap(), emulated_city());
    let plain = last_request(&platform).body_json().expect("a JSON body");
    let by_hand = self::params().output_format(output_format::<City>());
    assert_eq!(plain, serde_json::to_value(&by_hand).unwrap());
}

#[tokio::test]
async fn an_answer_reads_into_the_type_with_the_message_and_both_ids() {
    let platform = platform().await;
    let client = signed_client(&platform).await;
    script_answer(&platform, text(PARIS), "end_turn");

    // The call can be spawned (its future is Send).
    let spawned = client.clone();
    let city = tokio::spawn(async move { spawned.messages().parse::<City>(&params()).await })
        .await
        .unwrap()
        .unwrap();
    assert_eq!(*city, paris());
    assert_eq!(city.population, 2_100_000, "derefs to the type");
    assert_eq!(city.message().usage.output_tokens, 34);
    assert_eq!(city.message().stop_reason, Some(StopReason::EndTurn));
    assert_eq!(city.aws_request_id(), Some(AWS_ID));
    assert_eq!(city.request_id(), Some(AWS_ID));
    assert_eq!(city.anthropic_request_id(), Some(ANTHROPIC_ID));
    assert_eq!(city.status(), 200);
    let (parsed, response) = city.into_parts();
    assert_eq!(parsed, paris());
    assert_eq!(response.id, "msg_parse");
    assert_eq!(response.aws_request_id(), Some(AWS_ID));
}

#[tokio::test]
async fn thinking_and_several_text_blocks_are_read_as_one_text() {
    let platform = platform().await;
    let client = signed_client(&platform).await;
    let (head, tail) = PARIS.split_at(40);
    script_answer(
        &platform,
        json!([
            {"type": "thinking", "thinking": "Paris...", "signature": "sig"},
            {"type": "text", "text": head},
            {"type": "text", "text": tail},
        ]),
        "end_turn",
    );
    let city = client.messages().parse::<City>(&params()).await.unwrap();
    assert_eq!(*city, paris());
}

#[tokio::test]
async fn every_answer_that_does_not_read_is_a_typed_error() {
    let platform = platform().await;
    let client = signed_client(&platform).await;
    let cases: [(Value, &str, ParseErrorKind, &str); 5] = [
        (
            text("I can't help with that."),
            "refusal",
            ParseErrorKind::Refusal,
            "declined",
        ),
        // A refusal is one even if its text happens to read.
        (text(PARIS), "refusal", ParseErrorKind::Refusal, "declined"),
        (
            text(&PARIS[..50]),
            "max_tokens",
            ParseErrorKind::Truncated,
            "raise max_tokens",
        ),
        (
            json!([{"type": "tool_use", "id": "toolu_1", "name": "lookup", "input": {}}]),
            "tool_use",
            ParseErrorKind::NoText,
            "called a tool",
        ),
        (
            text(r#"{"town": "Paris"}"#),
            "end_turn",
            ParseErrorKind::Mismatch,
            "serde attributes disagree",
        ),
    ];
    for (content, stop_reason, kind, advice) in cases {
        script_answer(&platform, content.clone(), stop_reason);
        let err = client
            .messages()
            .parse::<City>(&params())
            .await
            .unwrap_err();
        assert_eq!(err.aws_request_id(), Some(AWS_ID));
        assert_eq!(err.anthropic_request_id(), Some(ANTHROPIC_ID));
        assert!(!err.is_retryable());
        let shown = err.to_string();
        let err = parse_error(err);
        assert_eq!(err.kind(), kind, "{shown}");
        assert_eq!(err.stop_reason().map(|r| r.as_str()), Some(stop_reason));
        let expected_text = content[0]["text"].as_str().unwrap_or_default();
        assert_eq!(err.text(), expected_text);
        assert_eq!(
            err.serde_error().is_some(),
            matches!(kind, ParseErrorKind::Truncated | ParseErrorKind::Mismatch)
        );
        assert_eq!(err.message().content.len(), 1);
        assert!(err.target().ends_with("City"), "{}", err.target());
        assert!(shown.contains(advice), "{shown}");
        assert!(shown.contains(AWS_ID), "{shown}");
        assert!(
            shown.contains(&format!("stop_reason {stop_reason}")),
            "{shown}"
        );
    }
}

#[tokio::test]
async fn the_stream_variant_gives_the_text_as_it_comes_and_the_type_at_the_end() {
    let platform = platform().await;
    let client = signed_client(&platform).await;
    let pieces: Vec<&str> = PARIS
        .as_bytes()
        .chunks(16)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();

    // Read event by event, then the type.
    script_stream(&platform, &pieces, "end_turn");
    let mut stream = client
        .messages()
        .parse_stream::<City>(&params())
        .await
        .unwrap();
    assert_eq!(stream.aws_request_id(), Some(AWS_ID));
    let mut seen = Vec::new();
    while let Some(event) = stream.next().await {
        if let Some(text) = event.unwrap().text_delta() {
            seen.push(text.to_owned());
        }
        if seen.len() == 2 {
            assert_eq!(stream.current_text(), pieces[..2].concat());
        }
    }
    assert_eq!(seen, pieces);
    let city = stream.final_parsed().await.unwrap();
    assert_eq!(*city, paris());
    assert_eq!(city.anthropic_request_id(), Some(ANTHROPIC_ID));
    assert_eq!(city.message().usage.output_tokens, 34);

    // Straight to the type, partway, and a truncated stream.
    script_stream(&platform, &pieces, "end_turn");
    let stream = client
        .messages()
        .parse_stream::<City>(&params())
        .await
        .unwrap();
    assert_eq!(*stream.final_parsed().await.unwrap(), paris());

    script_stream(&platform, &pieces, "end_turn");
    let mut stream = client
        .messages()
        .parse_stream::<City>(&params())
        .await
        .unwrap();
    stream.next().await.unwrap().unwrap();
    assert_eq!(*stream.final_parsed().await.unwrap(), paris());

    script_stream(&platform, &pieces[..3], "max_tokens");
    let mut stream = client
        .messages()
        .parse_stream::<City>(&params())
        .await
        .unwrap();
    stream.next().await.unwrap().unwrap();
    let err = parse_error(stream.final_parsed().await.unwrap_err());
    assert_eq!(err.kind(), ParseErrorKind::Truncated);
    assert_eq!(err.text(), pieces[..3].concat());
    assert_eq!(err.aws_request_id(), Some(AWS_ID));
}

#[tokio::test]
async fn the_stream_variant_sends_the_schema_streamed() {
    let platform = platform().await;
    let client = signed_client(&platform).await;
    let stream = client
        .messages()
        .parse_stream::<City>(&params())
        .await
        .unwrap();
    assert_eq!(*stream.final_parsed().await.unwrap(), emulated_city());
    let body = last_request(&platform).body_json().unwrap();
    let mut by_hand =
        serde_json::to_value(params().output_format(output_format::<City>())).unwrap();
    by_hand["stream"] = json!(true);
    assert_eq!(body, by_hand);

    // With an effort, the format joins it.
    let params = params().effort(Effort::Max);
    let stream = client
        .messages()
        .parse_stream::<City>(&params)
        .await
        .unwrap();
    assert_eq!(*stream.final_parsed().await.unwrap(), emulated_city());
    let body = last_request(&platform).body_json().unwrap();
    assert_eq!(body["stream"], true);
    assert_eq!(body["output_config"]["effort"], "max");
    assert_eq!(
        body["output_config"]["format"]["schema"],
        *json_schema::<City>()
    );
}

#[tokio::test]
async fn token_counts_carry_the_schema() {
    let platform = platform().await;
    let client = signed_client(&platform).await;
    let params = CountTokensParams::new(MODEL, vec![MessageParam::user("Describe Paris.")])
        .output_config(OutputConfig::new().effort(Effort::High))
        .output_format(output_format::<City>());
    let count = client.messages().count_tokens(&params).await.unwrap();
    assert!(count.input_tokens > 0);
    let body = last_request(&platform).body_json().unwrap();
    assert_eq!(body["output_config"]["format"]["type"], "json_schema");
    assert_eq!(
        body["output_config"]["format"]["schema"],
        *json_schema::<City>()
    );
    assert_eq!(
        body["output_config"]["effort"], "high",
        "the effort is kept"
    );
}

#[tokio::test]
async fn batch_requests_carry_the_schema_and_results_read_with_the_same_type() {
    let platform = platform().await;
    let client = signed_client(&platform).await;
    let batches = client.messages().batches();
    let created = batches
        .create(&BatchCreateParams::new(vec![BatchRequest::parse::<City>(
            "paris",
            params().effort(Effort::Medium),
        )]))
        .await
        .unwrap();
    let body = last_request(&platform).body_json().unwrap();
    let sent = &body["requests"][0]["params"]["output_config"];
    assert_eq!(sent["format"]["schema"], *json_schema::<City>());
    assert_eq!(sent["effort"], "medium");

    let results: Vec<_> = batches
        .results(&created.id)
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    let BatchResultKind::Succeeded(succeeded) = &results[0].result else {
        panic!("a succeeded result: {:?}", results[0]);
    };
    assert_eq!(succeeded.message.parsed::<City>().unwrap(), emulated_city());

    // A result of another shape: the same typed error, without request IDs of its own.
    let err = succeeded.message.parsed::<Vec<String>>().unwrap_err();
    assert_eq!(err.kind(), ParseErrorKind::Mismatch);
    assert_eq!(err.aws_request_id(), None);
    assert!(Error::from(err).to_string().contains("Vec<"));
}

/// The README's "Structured outputs" example, verbatim (checked below), compiled and run.
#[allow(dead_code)] // The example reads only some fields.
mod readme {
    // README: begin
    use anthropic_aws::error::ParseErrorKind;
    use anthropic_aws::types::{MessageCreateParams, MessageParam};
    use anthropic_aws::{Client, Error};

    /// An invoice, as the model reads it.
    #[derive(Debug, serde::Deserialize, schemars::JsonSchema)]
    struct Invoice {
        vendor: String,
        /// The total, in cents.
        total_cents: u64,
        lines: Vec<Line>,
        due: Option<String>,
    }

    #[derive(Debug, serde::Deserialize, schemars::JsonSchema)]
    struct Line {
        item: String,
        quantity: u32,
    }

    async fn extract(client: &Client) -> Result<(), Error> {
        let params = MessageCreateParams::new(
            "claude-opus-4-8",
            1024,
            vec![MessageParam::user(
                "ACME invoice: 2 bolts, 3 nuts, $4.50, due June 1",
            )],
        );
        match client.messages().parse::<Invoice>(&params).await {
            // Derefs to the `Invoice`; the whole `Message` and both request IDs come with it.
            Ok(invoice) => println!(
                "{} asks {} cents for {} lines (AWS request ID {:?})",
                invoice.vendor,
                invoice.total_cents,
                invoice.lines.len(),
                invoice.aws_request_id()
            ),
            Err(Error::Parse(e)) if e.kind() == ParseErrorKind::Truncated => {
                eprintln!("cut off: raise max_tokens ({e})")
            }
            Err(e) => return Err(e),
        }
        Ok(())
    }
    // README: end

    pub async fn run(client: &Client) -> Result<(), Error> {
        extract(client).await
    }
}

#[tokio::test]
async fn the_readme_example_compiles_runs_and_is_the_readme_s() {
    let readme = include_str!("../README.md");
    let section = &readme[readme.find("## Structured outputs").expect("the section")..];
    let start = section.find("```rust,no_run\n").expect("a rust block") + "```rust,no_run\n".len();
    let block = &section[start..start + section[start..].find("```\n").expect("its end")];
    let here = include_str!("parse.rs");
    let begin = here.find("// README: begin\n").expect("begin") + "// README: begin\n".len();
    let end = here.find("    // README: end").expect("end");
    let copied: String = here[begin..end]
        .lines()
        .map(|line| format!("{}\n", line.strip_prefix("    ").unwrap_or(line)))
        .collect();
    assert_eq!(
        copied, block,
        "tests/parse.rs holds the README's example as it is"
    );

    let platform = platform().await;
    let client = signed_client(&platform).await;
    script_answer(
        &platform,
        text(
            r#"{"vendor":"ACME","total_cents":450,"lines":[{"item":"bolt","quantity":2}],"due":null}"#,
        ),
        "end_turn",
    );
    readme::run(&client).await.unwrap();
    script_answer(&platform, text(r#"{"vendor":"AC"#), "max_tokens");
    readme::run(&client).await.unwrap();
    script_answer(&platform, text("no"), "end_turn");
    assert!(matches!(readme::run(&client).await, Err(Error::Parse(_))));
    let body = last_request(&platform);
    assert_eq!(body.path_and_query, "/v1/messages");
}

#[tokio::test]
async fn parse_goes_through_the_retry_policy_and_the_stream_restarts() {
    let platform = platform().await;
    let client = common::builder(&platform)
        .access_key(common::ACCESS_KEY, common::SECRET)
        .max_retries(2)
        .build()
        .await
        .unwrap();

    // An overloaded answer, retried, then the structured one.
    platform.push_fault(
        Fault::anthropic(529, "overloaded_error", "busy").with_header("retry-after-ms", "1"),
    );
    script_answer(&platform, text(PARIS), "end_turn");
    let city = client.messages().parse::<City>(&params()).await.unwrap();
    assert_eq!(*city, paris());
    assert_eq!(city.retries(), 1);

    // A stream cut before message_stop, read straight to the type: sent again.
    platform.push_fault(Fault::stream(StreamScript::new().cut_after(2)));
    let pieces = [&PARIS[..30], &PARIS[30..]];
    script_stream(&platform, &pieces, "end_turn");
    let stream = client
        .messages()
        .parse_stream::<City>(&params())
        .await
        .unwrap();
    assert_eq!(*stream.final_parsed().await.unwrap(), paris());
    let statuses: Vec<u16> = platform.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [529, 200, 200, 200]);
}

/// `params()` for the local platform's scenario `scenario` (put after the model name).
fn scripted(scenario: &str) -> MessageCreateParams {
    let mut params = params();
    params.model = format!("{MODEL}~{scenario}");
    params
}

#[tokio::test]
async fn the_local_platform_s_failures_are_typed_with_the_answer_s_ids() {
    let platform = platform().await;
    let client = signed_client(&platform).await;
    let with_tool = params().tool(Tool::new(
        "lookup",
        json!({"type": "object", "properties": {"q": {"type": "string"}}, "required": ["q"]}),
    ));
    let whole = client.messages().parse::<City>(&params()).await.unwrap();
    let full = whole.message().text();
    let cases = [
        (scripted("stop-reason=refusal"), ParseErrorKind::Refusal),
        (
            scripted("stop-reason=max_tokens"),
            ParseErrorKind::Truncated,
        ),
        (
            scripted("answer-text={\"name\": 7}"),
            ParseErrorKind::Mismatch,
        ),
        (scripted("answer-text=not%20JSON"), ParseErrorKind::Mismatch),
        (with_tool, ParseErrorKind::NoText),
    ];
    for (params, kind) in cases {
        for streamed in [false, true] {
            let result = if streamed {
                let stream = client
                    .messages()
                    .parse_stream::<City>(&params)
                    .await
                    .unwrap();
                stream.final_parsed().await
            } else {
                client.messages().parse::<City>(&params).await
            };
            let err = parse_error(result.unwrap_err());
            assert_eq!(err.kind(), kind, "{err}");
            let record = last_request(&platform);
            assert_eq!(err.aws_request_id(), Some(record.aws_request_id.as_str()));
            assert_eq!(
                err.anthropic_request_id(),
                record.anthropic_request_id.as_deref()
            );
            if kind == ParseErrorKind::Truncated {
                // The first half of the valid instance's JSON.
                assert!(full.starts_with(err.text()) && err.text().len() < full.len());
                assert!(err.serde_error().is_some_and(|e| e.is_eof()), "{err}");
            }
        }
    }
}

#[tokio::test]
async fn the_schema_counts_in_a_token_count() {
    let platform = platform().await;
    let client = signed_client(&platform).await;
    let plain = CountTokensParams::new(MODEL, vec![MessageParam::user("Describe Paris.")]);
    let without = client.messages().count_tokens(&plain).await.unwrap();
    let with = client
        .messages()
        .count_tokens(&plain.clone().output_format(output_format::<City>()))
        .await
        .unwrap();
    assert!(
        with.input_tokens > without.input_tokens + 100,
        "{} vs {}",
        with.input_tokens,
        without.input_tokens
    );
}
