//! The tool runner over loopback: the loop, parallel calls and their order on the wire, error
//! results, the bound, `pause_turn`, the step-wise and streaming modes, each step's IDs and
//! the summed usage.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use anthropic_aws::helpers::tools::{Tool, ToolOutput, ToolRunEvent};
use anthropic_aws::types::{MessageCreateParams, MessageParam, StopReason, ToolChoice};
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
async fn the_loop_sends_results_and_ends_on_end_turn() {
    let server = Scripted::start(vec![
        message(
            json!([
                text("Let me look."),
                tool_use("toolu_1", "get_weather", json!({"city": "Paris"}))
            ]),
            "tool_use",
            10,
            5,
        ),
        message(json!([text("Wear a jacket.")]), "end_turn", 30, 7),
    ])
    .await;
    let client = server.client().await;
    let result = client
        .messages()
        .tool_runner(params())
        .tool(weather())
        .run()
        .await
        .expect("the run ends");

    assert_eq!(result.text(), "Wear a jacket.");
    assert_eq!(result.stop_reason, Some(StopReason::EndTurn));
    assert!(!result.reached_max_iterations());

    let bodies = server.bodies();
    assert_eq!(bodies.len(), 2);
    // The definition sent: the name, the description and the schema of the input type.
    let tool = &bodies[0]["tools"][0];
    assert_eq!(tool["name"], "get_weather");
    assert_eq!(tool["description"], "Get the weather");
    assert_eq!(tool["input_schema"]["type"], "object");
    assert_eq!(tool["input_schema"]["properties"]["city"]["type"], "string");
    assert_eq!(tool["input_schema"]["required"], json!(["city"]));
    assert!(tool["input_schema"].get("$schema").is_none());
    // The second request: the question, the answer with its call, the result.
    let turns = bodies[1]["messages"].as_array().expect("messages");
    assert_eq!(turns.len(), 3);
    assert_eq!(turns[1]["role"], "assistant");
    assert_eq!(turns[1]["content"][1]["type"], "tool_use");
    assert_eq!(
        tool_results(&bodies[1]),
        [json!({"type": "tool_result", "tool_use_id": "toolu_1", "content": "18 C in Paris"})]
    );
    // The whole conversation, the final answer included.
    let conversation = result.into_conversation();
    assert_eq!(conversation.len(), 4);
}

#[tokio::test]
async fn each_step_keeps_its_ids_and_the_usage_adds_up() {
    let server = Scripted::start(vec![
        message(
            json!([tool_use("toolu_1", "get_weather", json!({"city": "A"}))]),
            "tool_use",
            10,
            5,
        ),
        message(
            json!([tool_use("toolu_2", "get_weather", json!({"city": "B"}))]),
            "tool_use",
            20,
            6,
        ),
        message(json!([text("done")]), "end_turn", 40, 7),
    ])
    .await;
    let client = server.client().await;
    let result = client
        .messages()
        .tool_runner(params())
        .tool(weather())
        .run()
        .await
        .expect("the run ends");

    let ids: Vec<_> = result
        .steps()
        .iter()
        .map(|s| (s.aws_request_id(), s.anthropic_request_id()))
        .collect();
    assert_eq!(
        ids,
        [
            (Some("aws-1"), Some("req_1")),
            (Some("aws-2"), Some("req_2")),
            (Some("aws-3"), Some("req_3"))
        ]
    );
    let outputs: Vec<_> = result
        .steps()
        .iter()
        .map(|s| s.usage.output_tokens)
        .collect();
    assert_eq!(outputs, [5, 6, 7]);
    assert_eq!(result.total_usage().input_tokens, 70);
    assert_eq!(result.total_usage().output_tokens, 18);
    assert_eq!(result.aws_request_id(), Some("aws-3"));
    assert_eq!(result.anthropic_request_id(), Some("req_3"));
}

#[tokio::test]
async fn parallel_calls_run_concurrently_and_answer_in_the_order_of_the_calls() {
    let calls = json!([
        tool_use("toolu_a", "slow", json!({"n": 3})),
        tool_use("toolu_b", "slow", json!({"n": 2})),
        tool_use("toolu_c", "slow", json!({"n": 1})),
    ]);
    for (concurrency, expected_peak) in [(8, 3), (2, 2), (1, 1)] {
        let server = Scripted::start(vec![
            message(calls.clone(), "tool_use", 1, 1),
            message(json!([text("ok")]), "end_turn", 1, 1),
        ])
        .await;
        let client = server.client().await;
        let running = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let finished = Arc::new(Mutex::new(Vec::new()));
        let (r, p, f) = (running.clone(), peak.clone(), finished.clone());
        // The first call yields the most often, so it finishes last when they overlap.
        let slow = Tool::from_json_schema(
            "slow",
            "Slow",
            json!({"type": "object"}),
            move |input: Value| {
                let (running, peak, finished) = (r.clone(), p.clone(), f.clone());
                async move {
                    let n = input["n"].as_u64().unwrap_or(0);
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(now, Ordering::SeqCst);
                    for _ in 0..n * 3 {
                        tokio::task::yield_now().await;
                    }
                    running.fetch_sub(1, Ordering::SeqCst);
                    finished.lock().unwrap().push(n);
                    Ok::<_, String>(format!("result {n}"))
                }
            },
        );
        client
            .messages()
            .tool_runner(params())
            .tool(slow)
            .max_concurrency(concurrency)
            .run()
            .await
            .expect("the run ends");

        assert_eq!(
            peak.load(Ordering::SeqCst),
            expected_peak,
            "max_concurrency {concurrency}"
        );
        if concurrency == 8 {
            assert_eq!(*finished.lock().unwrap(), [1, 2, 3], "they overlapped");
        }
        let bodies = server.bodies();
        let results = tool_results(&bodies[1]);
        let order: Vec<_> = results.iter().map(|r| r["tool_use_id"].clone()).collect();
        assert_eq!(order, ["toolu_a", "toolu_b", "toolu_c"]);
        assert_eq!(results[0]["content"], "result 3");
        // One user turn holds them all.
        assert_eq!(bodies[1]["messages"].as_array().map(Vec::len), Some(3));
    }
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
async fn pause_turn_sends_the_conversation_back_as_it_is() {
    let paused = message(
        json!([
            {"type": "server_tool_use", "id": "srvtoolu_1", "name": "web_search", "input": {"query": "weather"}},
            text("Searching...")
        ]),
        "pause_turn",
        3,
        2,
    );
    let server = Scripted::start(vec![
        paused,
        message(json!([text("Sunny.")]), "end_turn", 5, 4),
    ])
    .await;
    let client = server.client().await;
    let result = client
        .messages()
        .tool_runner(params())
        .tool(weather())
        .run()
        .await
        .expect("the run ends");
    assert_eq!(result.text(), "Sunny.");
    assert_eq!(result.steps().len(), 2);
    assert_eq!(result.steps()[0].stop_reason, Some(StopReason::PauseTurn));

    let bodies = server.bodies();
    let turns = bodies[1]["messages"].as_array().expect("messages");
    assert_eq!(turns.len(), 2, "no user turn is added after pause_turn");
    assert_eq!(turns[1]["role"], "assistant");
    assert_eq!(turns[1]["content"][0]["type"], "server_tool_use");
    assert_eq!(turns[1]["content"][1]["text"], "Searching...");
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
async fn streaming_mode_yields_every_steps_events_then_its_message() {
    let server = Scripted::start(vec![
        message(
            json!([
                text("Checking."),
                tool_use("toolu_1", "get_weather", json!({"city": "Oslo"}))
            ]),
            "tool_use",
            10,
            5,
        ),
        message(json!([text("Bring a coat.")]), "end_turn", 20, 6),
    ])
    .await;
    let client = server.client().await;
    let mut run = client
        .messages()
        .tool_runner(params())
        .tool(weather())
        .stream();
    let mut seen = Vec::new();
    let mut text = String::new();
    while let Some(event) = run.next().await {
        match event.expect("no error") {
            ToolRunEvent::StepStart { step, request_ids } => {
                seen.push(format!("start {step} {}", request_ids.aws().unwrap_or("?")));
            }
            ToolRunEvent::Event(event) => {
                if let Some(delta) = event.text_delta() {
                    text.push_str(delta);
                }
            }
            ToolRunEvent::Message(message) => {
                seen.push(format!("message {:?}", message.stop_reason));
            }
            ToolRunEvent::ToolResults(turn) => {
                let value = serde_json::to_value(&turn).expect("json");
                seen.push(format!("results {}", value["content"][0]["content"]));
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(
        seen,
        [
            "start 1 aws-1",
            "message Some(ToolUse)",
            r#"results "18 C in Oslo""#,
            "start 2 aws-2",
            "message Some(EndTurn)",
        ]
    );
    assert_eq!(text, "Checking.Bring a coat.");
    assert_eq!(run.steps().len(), 2);
    assert_eq!(run.steps()[1].anthropic_request_id(), Some("req_2"));
    assert_eq!(run.total_usage().output_tokens, 11);

    let bodies = server.bodies();
    assert_eq!(bodies[0]["stream"], true);
    assert_eq!(bodies[1]["stream"], true);
    assert_eq!(
        tool_results(&bodies[1]),
        [json!({"type": "tool_result", "tool_use_id": "toolu_1", "content": "18 C in Oslo"})]
    );
    let result = run.final_result().await.expect("a result");
    assert_eq!(result.text(), "Bring a coat.");
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
async fn a_failed_step_ends_the_run_with_its_error() {
    // A scenario in the model name: the local platform answers a 400.
    let platform = common::platform().await;
    let client = common::signed_client(&platform).await;
    let model = format!("{}~status=400", common::MODEL);
    let params = MessageCreateParams::new(model, 64, vec![MessageParam::user("Hi")]);
    let err = client
        .messages()
        .tool_runner(params)
        .tool(weather())
        .run()
        .await
        .expect_err("the step fails");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400), "{err}");
    assert!(err.aws_request_id().is_some(), "{err}");
}

#[tokio::test]
async fn against_the_local_platform_a_forced_tool_loops_until_the_bound() {
    // The local platform answers a forced `tool_choice` with a call of that tool, every
    // time: the runner sends each result back, signed, until its bound.
    let platform = common::platform().await;
    let client = common::signed_client(&platform).await;
    let params = params().tool_choice(ToolChoice::tool("get_weather"));
    let result = client
        .messages()
        .tool_runner(params)
        .tool(weather())
        .max_iterations(3)
        .run()
        .await
        .expect("the run ends");
    assert!(result.reached_max_iterations());
    assert_eq!(result.steps().len(), 3);
    for step in result.steps() {
        assert!(step.aws_request_id().is_some() && step.anthropic_request_id().is_some());
    }
    let requests = platform.requests();
    assert_eq!(requests.len(), 3);
    let last = requests[2].body_json().expect("a recorded body");
    let results = tool_results(&last);
    assert_eq!(results.len(), 1);
    assert_eq!(results[0]["content"], "18 C in example");
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
