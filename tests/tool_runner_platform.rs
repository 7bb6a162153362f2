//! The tool runner against the local platform, which answers tool calls with inputs valid for
//! their schemas and quotes the results it gets back: the loop, parallel calls in order on the
//! wire, several rounds, `pause_turn`, streaming mode, and each step's IDs as the platform
//! logged them. (Failures the platform does not script, such as an input that does not
//! deserialize, are in `tool_runner.rs` against a scripted server.)

mod common;

use anthropic_aws::helpers::tools::{Tool, ToolRunEvent};
use anthropic_aws::streaming::MessageStreamEvent;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use anthropic_aws::types::{MessageCreateParams, MessageParam, StopReason, ToolChoice};
use anthropic_aws_emulator::EmulatorHandle;
use common::*;
use futures_util::StreamExt;
use serde_json::{Value, json};

#[derive(serde::Deserialize, schemars::JsonSchema)]
struct WeatherInput {
    /// A city name.
    city: String,
    /// Celsius unless told.
    unit: Option<Unit>,
}

#[derive(serde::Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
enum Unit {
    Celsius,
    Fahrenheit,
}

#[derive(serde::Deserialize, schemars::JsonSchema)]
struct TimeInput {
    /// An IANA time zone.
    zone: String,
}

fn weather() -> Tool {
    Tool::new(
        "get_weather",
        "Get the weather",
        |input: WeatherInput| async move {
            let unit = match input.unit {
                Some(Unit::Fahrenheit) => "F",
                _ => "C",
            };
            Ok::<_, String>(format!("18 {unit} in {}", input.city))
        },
    )
}

fn clock() -> Tool {
    Tool::new("get_time", "Get the time", |input: TimeInput| async move {
        Ok::<_, String>(format!("09:00 in {}", input.zone))
    })
}

/// A request whose model carries `scenario` (the platform's scripting, per request).
fn params(scenario: &str) -> MessageCreateParams {
    let model = if scenario.is_empty() {
        MODEL.to_owned()
    } else {
        format!("{MODEL}~{scenario}")
    };
    MessageCreateParams::new(model, 256, vec![MessageParam::user("Weather and time?")])
}

/// The recorded request bodies, in order.
fn bodies(platform: &EmulatorHandle) -> Vec<Value> {
    platform
        .requests()
        .iter()
        .map(|r| r.body_json().expect("a recorded body"))
        .collect()
}

fn last_turn(body: &Value) -> Value {
    body["messages"]
        .as_array()
        .and_then(|turns| turns.last())
        .cloned()
        .expect("a turn")
}

#[tokio::test]
async fn the_loop_runs_the_call_and_ends_with_the_quoted_result() {
    let platform = platform().await;
    let client = signed_client(&platform).await;
    let result = client
        .messages()
        .tool_runner(params(""))
        .tool(weather())
        .run()
        .await
        .expect("the run ends");

    assert_eq!(result.stop_reason, Some(StopReason::EndTurn));
    assert_eq!(result.steps().len(), 2);
    assert!(!result.reached_max_iterations());
    // The platform quotes what the handler answered, for the input it made from the schema.
    assert!(
        result
            .text()
            .contains("toolu_emu_1 (get_weather): 18 C in example"),
        "{}",
        result.text()
    );
    let bodies = bodies(&platform);
    assert_eq!(bodies.len(), 2);
    // The definition sent: the name, the description and the schema of the input type.
    let tool = &bodies[0]["tools"][0];
    assert_eq!(tool["name"], "get_weather");
    assert_eq!(tool["description"], "Get the weather");
    assert_eq!(tool["input_schema"]["type"], "object");
    assert_eq!(tool["input_schema"]["properties"]["city"]["type"], "string");
    assert_eq!(tool["input_schema"]["required"], json!(["city"]));
    assert!(tool["input_schema"].get("$schema").is_none());
    // In the API's subset, as structured outputs send it: the object closed.
    assert_eq!(tool["input_schema"]["additionalProperties"], false);
    // The second request: the question, the answer with its call, the result.
    assert_eq!(bodies[1]["messages"][1]["role"], "assistant");
    assert_eq!(bodies[1]["messages"][1]["content"][0]["type"], "tool_use");
    let results = last_turn(&bodies[1]);
    assert_eq!(results["role"], "user");
    assert_eq!(results["content"][0]["tool_use_id"], "toolu_emu_1");
}

#[tokio::test]
async fn parallel_calls_are_answered_in_one_turn_in_the_order_of_the_calls() {
    let platform = platform().await;
    let client = signed_client(&platform).await;
    let result = client
        .messages()
        .tool_runner(params("tool-use=get_time,get_weather,get_time"))
        .tool(weather())
        .tool(clock())
        .run()
        .await
        .expect("the run ends");
    assert_eq!(result.steps().len(), 2);

    let bodies = bodies(&platform);
    let answer = &bodies[1]["messages"][1];
    let calls: Vec<_> = answer["content"]
        .as_array()
        .expect("blocks")
        .iter()
        .filter(|b| b["type"] == "tool_use")
        .map(|b| (b["id"].clone(), b["name"].clone()))
        .collect();
    assert_eq!(calls.len(), 3);
    let results = last_turn(&bodies[1]);
    let answered: Vec<_> = results["content"]
        .as_array()
        .expect("blocks")
        .iter()
        .map(|r| r["tool_use_id"].clone())
        .collect();
    let ids: Vec<_> = calls.iter().map(|(id, _)| id.clone()).collect();
    assert_eq!(
        answered, ids,
        "one result per call, in the order of the calls"
    );
    // Each result is its own call's (the platform varies the inputs of repeated calls).
    let text = |i: usize| {
        results["content"][i]["content"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    assert!(text(0).starts_with("09:00 in example"), "{}", text(0));
    assert!(
        text(1).starts_with("18 ") && text(1).contains(" in example"),
        "{}",
        text(1)
    );
    assert!(text(2).starts_with("09:00 in example"), "{}", text(2));
    assert_eq!(bodies[1]["messages"].as_array().map(Vec::len), Some(3));
}

#[tokio::test]
async fn several_rounds_keep_each_steps_ids_and_add_up_the_usage() {
    let platform = platform().await;
    let client = signed_client(&platform).await;
    let result = client
        .messages()
        .tool_runner(params("tool-rounds=3"))
        .tool(weather())
        .run()
        .await
        .expect("the run ends");
    assert_eq!(
        result.steps().len(),
        4,
        "three rounds of calls, then the answer"
    );

    let logged: Vec<_> = platform
        .requests()
        .iter()
        .map(|r| {
            (
                Some(r.aws_request_id.clone()),
                r.anthropic_request_id.clone(),
            )
        })
        .collect();
    let steps: Vec<_> = result
        .steps()
        .iter()
        .map(|s| {
            (
                s.aws_request_id().map(str::to_owned),
                s.anthropic_request_id().map(str::to_owned),
            )
        })
        .collect();
    assert_eq!(steps, logged);
    let input: u64 = result.steps().iter().map(|s| s.usage.input_tokens).sum();
    let output: u64 = result.steps().iter().map(|s| s.usage.output_tokens).sum();
    assert!(input > 0 && output > 0);
    assert_eq!(result.total_usage().input_tokens, input);
    assert_eq!(result.total_usage().output_tokens, output);
}

#[tokio::test]
async fn a_paused_turn_is_sent_back_as_it_is() {
    let platform = platform().await;
    let client = signed_client(&platform).await;
    let result = client
        .messages()
        .tool_runner(params("stop-reason=pause_turn;times=1"))
        .tool(weather())
        .run()
        .await
        .expect("the run ends");
    let reasons: Vec<_> = result
        .steps()
        .iter()
        .map(|s| s.stop_reason.clone())
        .collect();
    assert_eq!(
        reasons,
        [
            Some(StopReason::PauseTurn),
            Some(StopReason::ToolUse),
            Some(StopReason::EndTurn)
        ]
    );
    let bodies = bodies(&platform);
    let turns = bodies[1]["messages"].as_array().expect("messages");
    assert_eq!(turns.len(), 2, "no user turn after pause_turn");
    assert_eq!(turns[1]["role"], "assistant");
}

#[tokio::test]
async fn streaming_mode_against_the_platform() {
    let platform = platform().await;
    let client = signed_client(&platform).await;
    let mut run = client
        .messages()
        .tool_runner(params("tool-calls=2"))
        .tool(weather())
        .tool(clock())
        .stream();
    let (mut seen, mut text, mut inputs) = (Vec::new(), String::new(), 0);
    while let Some(event) = run.next().await {
        match event.expect("no error") {
            ToolRunEvent::StepStart { step, request_ids } => {
                let aws = request_ids.aws().unwrap_or("?").to_owned();
                seen.push(format!("start {step}"));
                assert!(request_ids.anthropic().is_some());
                // The IDs come as the stream opens: the platform logged this request already.
                let logged = platform.requests();
                assert_eq!(logged.last().map(|r| r.aws_request_id.clone()), Some(aws));
            }
            ToolRunEvent::Event(event) => {
                text.push_str(event.text_delta().unwrap_or_default());
                if let MessageStreamEvent::ContentBlockDelta(delta) = &event
                    && delta.delta.type_name() == Some("input_json_delta")
                {
                    inputs += 1;
                }
            }
            ToolRunEvent::Message(message) => {
                seen.push(format!("message {:?}", message.stop_reason));
            }
            ToolRunEvent::ToolResults(turn) => {
                let value = serde_json::to_value(&turn).expect("json");
                let n = value["content"].as_array().map_or(0, Vec::len);
                seen.push(format!("results {n}"));
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(
        seen,
        [
            "start 1",
            "message Some(ToolUse)",
            "results 2",
            "start 2",
            "message Some(EndTurn)"
        ]
    );
    assert!(
        inputs > 0,
        "the tool inputs streamed as input_json_delta events"
    );
    assert!(text.contains("Received 2 tool results."), "{text}");
    assert_eq!(run.steps().len(), 2);
    let bodies = bodies(&platform);
    assert!(bodies.iter().all(|b| b["stream"] == json!(true)));
    let result = run.final_result().await.expect("a result");
    assert_eq!(result.stop_reason, Some(StopReason::EndTurn));
}

#[tokio::test]
async fn calls_run_concurrently_up_to_max_concurrency() {
    for (concurrency, expected_peak) in [(8, 3), (2, 2), (1, 1)] {
        let platform = platform().await;
        let client = signed_client(&platform).await;
        let running = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let started = Arc::new(AtomicUsize::new(0));
        let finished = Arc::new(Mutex::new(Vec::new()));
        let (r, p, s, f) = (
            running.clone(),
            peak.clone(),
            started.clone(),
            finished.clone(),
        );
        // The first call started yields the most often, so it finishes last when they overlap.
        let slow = Tool::from_json_schema(
            "slow",
            "Slow",
            json!({"type": "object"}),
            move |_: Value| {
                let order = s.fetch_add(1, Ordering::SeqCst);
                let (running, peak, finished) = (r.clone(), p.clone(), f.clone());
                async move {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(now, Ordering::SeqCst);
                    for _ in 0..(3 - order) * 3 {
                        tokio::task::yield_now().await;
                    }
                    running.fetch_sub(1, Ordering::SeqCst);
                    finished.lock().expect("list").push(order);
                    Ok::<_, String>(format!("call {order}"))
                }
            },
        );
        client
            .messages()
            .tool_runner(params("tool-calls=3"))
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
            assert_eq!(
                *finished.lock().expect("list"),
                [2, 1, 0],
                "they overlapped"
            );
        }
        // Whatever order they finished in, the results follow the calls.
        let bodies = bodies(&platform);
        let results = last_turn(&bodies[1]);
        let contents: Vec<_> = results["content"]
            .as_array()
            .expect("blocks")
            .iter()
            .map(|r| r["content"].clone())
            .collect();
        assert_eq!(contents, ["call 0", "call 1", "call 2"]);
    }
}

#[tokio::test]
async fn a_failed_step_ends_the_run_with_its_error() {
    let platform = platform().await;
    let client = signed_client(&platform).await;
    let err = client
        .messages()
        .tool_runner(params("status=400"))
        .tool(weather())
        .run()
        .await
        .expect_err("the step fails");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400), "{err}");
    assert!(err.aws_request_id().is_some(), "{err}");
}

#[tokio::test]
async fn a_forced_tool_loops_until_the_bound() {
    // `tool_choice` naming a tool is answered with a call of it every time: the runner sends
    // each result back, signed, until its bound, and says it stopped there.
    let platform = platform().await;
    let client = signed_client(&platform).await;
    let params = params("").tool_choice(ToolChoice::tool("get_weather"));
    let result = client
        .messages()
        .tool_runner(params)
        .tool(weather())
        .max_iterations(3)
        .run()
        .await
        .expect("the bound is no error");
    assert!(result.reached_max_iterations());
    assert_eq!(result.stop_reason, Some(StopReason::ToolUse));
    assert_eq!(result.steps().len(), 3);
    assert_eq!(platform.requests().len(), 3);
}
