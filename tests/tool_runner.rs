//! The tool runner against a scripted loopback server (`common::scripted`), for what the local
//! platform does not script: inputs that do not deserialize, handler errors and panics, calls
//! of unknown tools, exact raw-JSON inputs, containers, the step-wise mode's timing and the
//! bound. The loop itself, parallel calls, rounds, `pause_turn` and streaming mode run against
//! the local platform in `tool_runner_platform.rs`.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use anthropic_aws::helpers::tools::{Tool, ToolOutput};
use anthropic_aws::types::{MessageCreateParams, MessageParam, StopReason};
use common::scripted::{Scripted, message, text, tool_use};
use futures_util::StreamExt;
use serde_json::{Value, json};

#[derive(serde::Deserialize, schemars::JsonSchema)]
struct WeatherInput {
    /// A city name.
    city: String,
}

fn weather() -> Tool {
    Tool::new(
        "get_weather",
        "Get the weather",
        |input: WeatherInput| async move { Ok::<_, String>(format!("18 C in {}", input.city)) },
    )
}

fn params() -> MessageCreateParams {
    MessageCreateParams::new(common::MODEL, 256, vec![MessageParam::user("Weather?")])
}

/// The `tool_result` blocks of the last user turn of a request body.
fn tool_results(body: &Value) -> Vec<Value> {
    let turns = body["messages"].as_array().expect("messages");
    let last = turns.last().expect("a turn");
    assert_eq!(last["role"], "user");
    last["content"].as_array().expect("blocks").clone()
}

#[tokio::test]
async fn errors_bad_input_panics_and_unknown_tools_become_error_results() {
    let server = Scripted::start(vec![
        message(
            json!([
                tool_use("toolu_err", "fails", json!({"city": "X"})),
                tool_use("toolu_bad", "get_weather", json!({"town": "Paris"})),
                tool_use("toolu_panic", "panics", json!({"city": "X"})),
                tool_use("toolu_unknown", "nobody", json!({})),
                tool_use("toolu_ok", "get_weather", json!({"city": "Paris"})),
                tool_use("toolu_blocks", "structured_error", json!({})),
            ]),
            "tool_use",
            1,
            1,
        ),
        message(json!([text("ok")]), "end_turn", 1, 1),
    ])
    .await;
    let client = server.client().await;
    let fails = Tool::new("fails", "Fails", |_: WeatherInput| async {
        Err::<String, _>(std::io::Error::other("the weather service is down"))
    });
    let panics = Tool::new("panics", "Panics", |input: WeatherInput| async move {
        if input.city == "X" {
            panic!("boom in {}", input.city);
        }
        Ok::<_, String>(String::new())
    });
    let structured = Tool::from_json_schema(
        "structured_error",
        "",
        json!({"type": "object"}),
        |_: Value| async {
            Ok::<_, String>(ToolOutput::error(vec![
                anthropic_aws::types::ContentBlockParam::text("offline"),
            ]))
        },
    );
    let result = client
        .messages()
        .tool_runner(params())
        .tools([weather(), fails, panics, structured])
        .run()
        .await
        .expect("the run goes on past failed tools");
    assert_eq!(result.text(), "ok");

    let results = tool_results(&server.bodies()[1]);
    let by_id = |id: &str| {
        results
            .iter()
            .find(|r| r["tool_use_id"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("no result for {id}"))
    };
    assert_eq!(
        by_id("toolu_err"),
        json!({"type": "tool_result", "tool_use_id": "toolu_err", "content": "the weather service is down", "is_error": true})
    );
    let bad = by_id("toolu_bad");
    assert_eq!(bad["is_error"], true);
    let bad_text = bad["content"].as_str().expect("text");
    assert!(
        bad_text.contains("invalid input for tool `get_weather`"),
        "{bad_text}"
    );
    assert!(bad_text.contains("missing field `city`"), "{bad_text}");
    assert_eq!(
        by_id("toolu_panic"),
        json!({"type": "tool_result", "tool_use_id": "toolu_panic", "content": "tool `panics` panicked: boom in X", "is_error": true})
    );
    assert_eq!(
        by_id("toolu_unknown"),
        json!({"type": "tool_result", "tool_use_id": "toolu_unknown", "content": "tool `nobody` not found", "is_error": true})
    );
    assert_eq!(by_id("toolu_ok")["content"], "18 C in Paris");
    assert!(by_id("toolu_ok").get("is_error").is_none());
    assert_eq!(
        by_id("toolu_blocks"),
        json!({"type": "tool_result", "tool_use_id": "toolu_blocks", "content": [{"type": "text", "text": "offline"}], "is_error": true})
    );
}

#[tokio::test]
async fn the_bound_ends_the_run_with_the_last_message_and_its_tools_not_run() {
    let server = Scripted::start(vec![message(
        json!([tool_use("toolu_1", "count", json!({}))]),
        "tool_use",
        1,
        1,
    )])
    .await;
    let client = server.client().await;
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let count = Tool::from_json_schema(
        "count",
        "Count",
        json!({"type": "object"}),
        move |_: Value| {
            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
            async move { Ok::<_, String>(n.to_string()) }
        },
    );

    let result = client
        .messages()
        .tool_runner(params())
        .tool(count.clone())
        .max_iterations(3)
        .run()
        .await
        .expect("the bound is no error");
    assert!(result.reached_max_iterations());
    assert_eq!(result.stop_reason, Some(StopReason::ToolUse));
    assert_eq!(result.steps().len(), 3);
    assert_eq!(server.bodies().len(), 3);
    assert_eq!(
        calls.load(Ordering::SeqCst),
        2,
        "the last answer's call is not run"
    );

    // The default bound: 10 requests.
    let before = server.bodies().len();
    let result = client
        .messages()
        .tool_runner(params())
        .tool(count)
        .run()
        .await
        .expect("the bound is no error");
    assert!(result.reached_max_iterations());
    assert_eq!(server.bodies().len() - before, 10);
}

#[tokio::test]
async fn steps_yield_each_answer_before_its_tools_run() {
    let server = Scripted::start(vec![
        message(
            json!([tool_use("toolu_1", "count", json!({}))]),
            "tool_use",
            1,
            1,
        ),
        message(json!([text("done")]), "end_turn", 1, 1),
    ])
    .await;
    let client = server.client().await;
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let count = Tool::from_json_schema(
        "count",
        "Count",
        json!({"type": "object"}),
        move |_: Value| {
            counter.fetch_add(1, Ordering::SeqCst);
            async { Ok::<_, String>("1") }
        },
    );
    let mut steps = client.messages().tool_runner(params()).tool(count).steps();

    let first = steps.next().await.expect("a first step").expect("answered");
    assert_eq!(first.stop_reason, Some(StopReason::ToolUse));
    assert_eq!(first.aws_request_id(), Some("aws-1"));
    assert_eq!(
        calls.load(Ordering::SeqCst),
        0,
        "the tools run when the next step is asked for"
    );
    assert_eq!(steps.steps().len(), 1);

    let second = steps
        .next()
        .await
        .expect("a second step")
        .expect("answered");
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert_eq!(second.text(), "done");
    assert_eq!(second.anthropic_request_id(), Some("req_2"));
    assert!(steps.next().await.is_none());
    assert_eq!(steps.total_usage().output_tokens, 2);
    let result = steps.final_result().await.expect("a result");
    assert_eq!(result.text(), "done");
}

#[tokio::test]
async fn a_raw_json_tool_gets_its_schema_sent_and_the_input_as_json() {
    let server = Scripted::start(vec![
        message(
            json!([tool_use("toolu_1", "lookup", json!({"key": "k1", "n": 2}))]),
            "tool_use",
            1,
            1,
        ),
        message(json!([text("ok")]), "end_turn", 1, 1),
    ])
    .await;
    let client = server.client().await;
    let schema = json!({
        "type": "object",
        "properties": {"key": {"type": "string"}, "n": {"type": "integer"}},
        "required": ["key"],
        "x-custom": true
    });
    let lookup = Tool::from_json_schema(
        "lookup",
        "Look up a key",
        schema.clone(),
        |input: Value| async move { Ok::<_, String>(json!({"echo": input})) },
    )
    .strict(true);
    client
        .messages()
        .tool_runner(params())
        .tool(lookup)
        .run()
        .await
        .expect("the run ends");
    let bodies = server.bodies();
    assert_eq!(
        bodies[0]["tools"],
        json!([{"name": "lookup", "description": "Look up a key", "input_schema": schema, "strict": true}])
    );
    assert_eq!(
        tool_results(&bodies[1])[0]["content"],
        r#"{"echo":{"key":"k1","n":2}}"#
    );
}

#[tokio::test]
async fn the_answers_container_is_reused_and_a_same_named_definition_replaced() {
    let mut first = message(
        json!([tool_use("toolu_1", "get_weather", json!({"city": "Rome"}))]),
        "tool_use",
        1,
        1,
    );
    first["container"] = json!({"id": "cntr_01", "expires_at": "2026-12-07T00:00:00Z"});
    let server = Scripted::start(vec![first, message(json!([text("ok")]), "end_turn", 1, 1)]).await;
    let client = server.client().await;
    // The params already list a definition named get_weather: the runner's replaces it.
    let stale = anthropic_aws::types::Tool::new("get_weather", json!({"type": "object"}));
    let params = params().tool(stale);
    client
        .messages()
        .tool_runner(params)
        .tool(weather())
        .run()
        .await
        .expect("the run ends");
    let bodies = server.bodies();
    let tools = bodies[0]["tools"].as_array().expect("tools");
    assert_eq!(tools.len(), 1);
    assert_eq!(tools[0]["description"], "Get the weather");
    assert!(bodies[0].get("container").is_none());
    assert_eq!(bodies[1]["container"], "cntr_01");
}

/// The runner's types can move to another task.
#[test]
fn the_runner_and_its_streams_are_send() {
    fn send<T: Send>() {}
    send::<anthropic_aws::helpers::tools::ToolRunner<'static>>();
    send::<anthropic_aws::helpers::tools::ToolRunSteps<'static>>();
    send::<anthropic_aws::helpers::tools::ToolRunStream<'static>>();
    send::<anthropic_aws::helpers::tools::ToolRunResult>();
    send::<Tool>();
}
