//! Loopback tests of streamed answers, answer shapes and stream faults.

mod common;

use anthropic_aws_emulator::{Fault, StreamScript};
use common::{
    API_KEY, Req, accumulate, both_modes, hello, keyed, start, stream, streaming, without_id,
};
use serde_json::{Value, json};
use std::time::Duration;

fn delta_types(events: &[(String, Value)]) -> Vec<String> {
    events
        .iter()
        .filter(|(n, _)| n == "content_block_delta")
        .filter_map(|(_, d)| d["delta"]["type"].as_str().map(str::to_owned))
        .collect()
}

fn weather_tools() -> Value {
    json!([
        {
            "name": "get_weather",
            "description": "Weather for a city",
            "input_schema": {
                "type": "object",
                "properties": {
                    "city": {"type": "string"},
                    "days": {"type": "integer"},
                    "lat": {"type": "number"},
                    "metric": {"type": "boolean"},
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "extra": {"type": "object"},
                    "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
                    "optional_note": {"type": "string"},
                },
                "required": ["city", "days", "lat", "metric", "tags", "extra", "unit"],
            },
        },
        {
            "name": "get_time",
            "input_schema": {
                "type": "object",
                "properties": {"zone": {"type": "string"}},
                "required": ["zone"],
            },
        },
    ])
}

#[tokio::test]
async fn a_stream_accumulates_to_the_json_answer() {
    let emu = start().await;
    let (json, streamed) = both_modes(&emu, &hello()).await;

    assert_eq!(streamed.header("content-type"), Some("text/event-stream"));
    assert_eq!(streamed.header("cache-control"), Some("no-cache"));
    assert_eq!(streamed.header("transfer-encoding"), Some("chunked"));
    let request_id = streamed.header("request-id").unwrap_or_default();
    assert!(request_id.starts_with("req_"), "{streamed:?}");
    assert_eq!(streamed.header("x-amzn-requestid").map(str::len), Some(36));
    assert!(streamed.complete);

    let events = streamed.events();
    let names = streamed.names();
    let deltas = names.iter().filter(|n| *n == "content_block_delta").count();
    assert!(deltas >= 3, "{names:?}");
    let mut expected = vec!["message_start", "content_block_start", "ping"];
    expected.extend(std::iter::repeat_n("content_block_delta", deltas));
    expected.extend(["content_block_stop", "message_delta", "message_stop"]);
    assert_eq!(names, expected);
    // One event per frame, each `event: ..\ndata: ..\n\n`.
    assert_eq!(streamed.chunks.len(), names.len());
    for (chunk, name) in streamed.chunks.iter().zip(&names) {
        let chunk = String::from_utf8_lossy(chunk);
        // `"type"` first, as the API writes it (the ping keeps its space).
        let space = if name == "ping" { " " } else { "" };
        let head = format!("event: {name}\ndata: {{\"type\":{space}\"{name}\"");
        assert!(chunk.starts_with(&head), "{chunk}");
        assert!(chunk.ends_with("}\n\n"), "{chunk}");
    }
    assert!(
        streamed
            .text()
            .contains("event: ping\ndata: {\"type\": \"ping\"}\n\n")
    );

    let start_message = &events[0].1["message"];
    assert_eq!(start_message["content"], json!([]));
    assert_eq!(start_message["stop_reason"], Value::Null);
    assert_eq!(start_message["usage"]["output_tokens"], 1);
    assert_eq!(
        start_message["usage"]["input_tokens"],
        json["usage"]["input_tokens"]
    );
    assert_eq!(
        events[1].1["content_block"],
        json!({"type": "text", "text": ""})
    );

    let text: String = events
        .iter()
        .filter_map(|(_, d)| d["delta"]["text"].as_str())
        .collect();
    assert_eq!(Some(text.as_str()), json["content"][0]["text"].as_str());
    assert_eq!(
        text,
        "Hello from the local Claude Platform on AWS. You said: Ping?"
    );

    let accumulated = accumulate(&events);
    assert_ne!(accumulated["id"], json["id"]);
    assert_eq!(accumulated["id"], "msg_emu_2");
    assert_eq!(without_id(accumulated), without_id(json.clone()));

    // input_tokens agrees with count_tokens.
    let mut count = hello();
    if let Some(obj) = count.as_object_mut() {
        obj.remove("max_tokens");
    }
    let counted = Req::claude(&emu, "POST", "/v1/messages/count_tokens", count)
        .header("authorization", &format!("Bearer {API_KEY}"))
        .send(emu.addr())
        .await;
    assert_eq!(
        counted.json()["input_tokens"],
        start_message["usage"]["input_tokens"]
    );

    let recorded = emu.requests();
    assert_eq!(recorded.len(), 3);
    assert_eq!(recorded[1].status, 200);
    assert_eq!(
        recorded[1].anthropic_request_id.as_deref(),
        Some(request_id)
    );
}

#[tokio::test]
async fn a_signed_stream_works_too() {
    let emu = start().await;
    let streamed = stream(
        Req::claude(&emu, "POST", "/v1/messages", streaming(hello())).sign(),
        emu.addr(),
    )
    .await;
    assert_eq!(streamed.status, 200, "{streamed:?}");
    assert_eq!(
        streamed.names().last().map(String::as_str),
        Some("message_stop")
    );
    // Validation still comes first.
    let mut bad = streaming(hello());
    bad["top_p"] = json!(0.5);
    let rejected = keyed(&emu, bad).send(emu.addr()).await;
    assert_eq!(rejected.status, 400);
    assert_eq!(rejected.header("content-type"), Some("application/json"));
}

#[tokio::test]
async fn tool_use_in_both_modes() {
    let emu = start().await;
    let mut body = hello();
    body["tools"] = weather_tools();
    body["tool_choice"] = json!({"type": "tool", "name": "get_weather"});
    let (json, streamed) = both_modes(&emu, &body).await;

    // Every property, optional ones included; arrays get one element.
    let expected_input = json!({
        "city": "example", "days": 1, "lat": 1.5, "metric": true,
        "tags": ["example"], "extra": {}, "unit": "celsius", "optional_note": "example",
    });
    assert_eq!(json["stop_reason"], "tool_use");
    assert_eq!(json["content"].as_array().map(Vec::len), Some(1));
    let block = &json["content"][0];
    assert_eq!(block["type"], "tool_use");
    assert_eq!(block["name"], "get_weather");
    assert_eq!(block["id"], "toolu_emu_1");
    assert_eq!(block["input"], expected_input);

    let events = streamed.events();
    let start = events
        .iter()
        .find(|(n, _)| n == "content_block_start")
        .map(|(_, d)| d["content_block"].clone());
    assert_eq!(
        start,
        Some(json!({"type": "tool_use", "id": "toolu_emu_1", "name": "get_weather", "input": {}}))
    );
    let pieces: Vec<&str> = events
        .iter()
        .filter_map(|(_, d)| d["delta"]["partial_json"].as_str())
        .collect();
    assert!(pieces.len() > 3, "{pieces:?}");
    assert!(delta_types(&events).iter().all(|t| t == "input_json_delta"));
    let joined: Value = serde_json::from_str(&pieces.concat()).unwrap_or(Value::Null);
    assert_eq!(joined, expected_input);
    // The pieces are not themselves valid JSON.
    assert!(
        serde_json::from_str::<Value>(pieces[0]).is_err(),
        "{pieces:?}"
    );
    assert_eq!(without_id(accumulate(&events)), without_id(json.clone()));

    // `any` picks the first tool; a tool_use earlier in the conversation
    // moves the id on.
    let mut any = hello();
    any["tools"] = weather_tools();
    any["tool_choice"] = json!({"type": "any"});
    any["messages"] = json!([
        {"role": "user", "content": "weather?"},
        {"role": "assistant", "content": [
            {"type": "tool_use", "id": "toolu_emu_1", "name": "get_time", "input": {"zone": "x"}}
        ]},
        {"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": "toolu_emu_1", "content": "noon"}
        ]},
    ]);
    let (json, streamed) = both_modes(&emu, &any).await;
    assert_eq!(json["content"][0]["name"], "get_weather");
    assert_eq!(json["content"][0]["id"], "toolu_emu_2");
    assert_eq!(without_id(accumulate(&streamed.events())), without_id(json));

    // Naming a tool that is not offered is an error.
    let mut unknown = hello();
    unknown["tools"] = weather_tools();
    unknown["tool_choice"] = json!({"type": "tool", "name": "nope"});
    let rejected = keyed(&emu, streaming(unknown)).send(emu.addr()).await;
    assert_eq!(rejected.status, 400, "{rejected:?}");
    // `auto` calls the first tool too; `none` answers with text.
    let mut auto = hello();
    auto["tools"] = weather_tools();
    auto["tool_choice"] = json!({"type": "auto"});
    let called = keyed(&emu, auto.clone()).send(emu.addr()).await.json();
    assert_eq!(called["content"][0]["name"], "get_weather");
    assert_eq!(called["stop_reason"], "tool_use");
    auto["tool_choice"] = json!({"type": "none"});
    let text = keyed(&emu, auto).send(emu.addr()).await.json();
    assert_eq!(text["content"][0]["type"], "text");
    assert_eq!(text["stop_reason"], "end_turn");
}

#[tokio::test]
async fn thinking_in_both_modes() {
    let emu = start().await;
    let mut body = hello();
    body["thinking"] = json!({"type": "enabled", "budget_tokens": 1024});
    let (json, streamed) = both_modes(&emu, &body).await;

    let content = json["content"].as_array().cloned().unwrap_or_default();
    assert_eq!(content.len(), 2, "{json}");
    assert_eq!(content[0]["type"], "thinking");
    assert_eq!(content[0]["thinking"], "Let me think about that.");
    let signature = content[0]["signature"].as_str().unwrap_or_default();
    assert!(signature.starts_with("sig_emu_"), "{signature}");
    assert_eq!(content[1]["type"], "text");
    assert_eq!(json["stop_reason"], "end_turn");

    let events = streamed.events();
    let starts: Vec<Value> = events
        .iter()
        .filter(|(n, _)| n == "content_block_start")
        .map(|(_, d)| d.clone())
        .collect();
    assert_eq!(
        starts[0]["content_block"],
        json!({"type": "thinking", "thinking": "", "signature": ""})
    );
    assert_eq!(starts[1]["index"], 1);
    assert_eq!(starts[1]["content_block"]["type"], "text");
    let kinds = delta_types(&events);
    let signature_at = kinds.iter().position(|t| t == "signature_delta");
    assert_eq!(kinds.iter().filter(|t| *t == "signature_delta").count(), 1);
    assert!(signature_at.is_some_and(|i| i >= 2), "{kinds:?}");
    assert!(
        kinds[..signature_at.unwrap_or_default()]
            .iter()
            .all(|t| t == "thinking_delta")
    );
    assert!(
        kinds[signature_at.unwrap_or_default() + 1..]
            .iter()
            .all(|t| t == "text_delta")
    );
    assert_eq!(without_id(accumulate(&events)), without_id(json.clone()));

    // Adaptive thinking too, with a stable signature; thinking with a forced
    // tool gives thinking then the tool call.
    let mut adaptive = hello();
    adaptive["thinking"] = json!({"type": "adaptive"});
    adaptive["tools"] = weather_tools();
    adaptive["tool_choice"] = json!({"type": "tool", "name": "get_time"});
    let (json, streamed) = both_modes(&emu, &adaptive).await;
    assert_eq!(json["content"][0]["signature"], signature);
    assert_eq!(json["content"][1]["input"], json!({"zone": "example"}));
    assert_eq!(json["stop_reason"], "tool_use");
    assert_eq!(without_id(accumulate(&streamed.events())), without_id(json));

    let mut disabled = hello();
    disabled["thinking"] = json!({"type": "disabled"});
    let plain = keyed(&emu, disabled).send(emu.addr()).await.json();
    assert_eq!(plain["content"][0]["type"], "text");
}

#[tokio::test]
async fn error_after_ends_the_body_with_an_error_event() {
    let emu = start().await;
    emu.push_fault(Fault::stream(StreamScript::new().error_after(
        2,
        "overloaded_error",
        "Overloaded",
    )));
    let streamed = stream(keyed(&emu, streaming(hello())), emu.addr()).await;
    assert_eq!(streamed.status, 200);
    assert!(streamed.complete, "the body ends cleanly");
    let names = streamed.names();
    assert_eq!(
        names,
        [
            "message_start",
            "content_block_start",
            "ping",
            "content_block_delta",
            "content_block_delta",
            "error",
        ]
    );
    let events = streamed.events();
    let error = &events[5].1;
    assert_eq!(error["error"]["type"], "overloaded_error");
    assert_eq!(error["error"]["message"], "Overloaded");
    assert_eq!(error["request_id"].as_str(), streamed.header("request-id"));
    assert_eq!(emu.pending_faults(), 0);
    assert_eq!(emu.requests()[0].status, 200);

    // More deltas than the answer has: the error replaces message_stop.
    emu.push_fault(Fault::stream(StreamScript::new().error_after(
        1000,
        "api_error",
        "late",
    )));
    let late = stream(keyed(&emu, streaming(hello())), emu.addr()).await;
    let names = late.names();
    assert_eq!(names.last().map(String::as_str), Some("error"));
    assert_eq!(
        names.iter().rev().nth(1).map(String::as_str),
        Some("message_delta")
    );
    assert!(!names.iter().any(|n| n == "message_stop"));
}

#[tokio::test]
async fn cut_after_aborts_the_body() {
    let emu = start().await;
    emu.push_fault(Fault::stream(StreamScript::new().cut_after(4)));
    let streamed = stream(keyed(&emu, streaming(hello())), emu.addr()).await;
    assert_eq!(streamed.status, 200);
    assert!(!streamed.complete, "no terminating chunk: {streamed:?}");
    assert_eq!(
        streamed.names(),
        [
            "message_start",
            "content_block_start",
            "ping",
            "content_block_delta"
        ]
    );

    // A cut beyond the end still comes before message_stop.
    emu.push_fault(Fault::stream(StreamScript::new().cut_after(10_000)));
    let late = stream(keyed(&emu, streaming(hello())), emu.addr()).await;
    assert!(!late.complete);
    assert_eq!(
        late.names().last().map(String::as_str),
        Some("message_delta")
    );

    // The server is still fine.
    let next = stream(keyed(&emu, streaming(hello())), emu.addr()).await;
    assert!(next.complete);
    assert_eq!(
        next.names().last().map(String::as_str),
        Some("message_stop")
    );
}

#[tokio::test]
async fn chunk_size_one_writes_single_bytes() {
    let emu = start().await;
    let mut body = hello();
    body["messages"] = json!([{"role": "user", "content": "héllo ✓ wörld"}]);
    let normal = stream(keyed(&emu, streaming(body.clone())), emu.addr()).await;
    emu.push_fault(Fault::stream(StreamScript::new().chunk_size(1)));
    let bytewise = stream(keyed(&emu, streaming(body)), emu.addr()).await;
    assert!(bytewise.complete);
    assert!(bytewise.chunks.iter().all(|c| c.len() == 1));
    assert_eq!(bytewise.chunks.len(), bytewise.body().len());
    // Same bytes as the normal stream, apart from the message number.
    let expected = normal.text().replace("msg_emu_1", "msg_emu_2");
    assert_eq!(bytewise.body(), expected.into_bytes());
    assert!(bytewise.text().contains("✓"));

    // chunk_size(5): frames of exactly 5 bytes, the last one shorter.
    emu.push_fault(Fault::stream(StreamScript::new().chunk_size(5)));
    let fives = stream(keyed(&emu, streaming(hello())), emu.addr()).await;
    let Some((last, rest)) = fives.chunks.split_last() else {
        panic!("no chunks: {fives:?}");
    };
    assert!(rest.len() > 10);
    assert!(rest.iter().all(|c| c.len() == 5));
    assert!((1..=5).contains(&last.len()));
    assert_eq!(
        fives.names().last().map(String::as_str),
        Some("message_stop")
    );
}

#[tokio::test]
async fn line_endings_and_unknown_events() {
    let emu = start().await;
    emu.push_fault(Fault::stream(
        StreamScript::new().line_ending("\r").unknown_event(),
    ));
    let cr = stream(keyed(&emu, streaming(hello())), emu.addr()).await;
    let text = cr.text();
    assert!(!text.contains('\n'), "{text:?}");
    assert!(
        text.starts_with("event: message_start\rdata: {"),
        "{text:?}"
    );
    assert!(text.ends_with("\r\r"));
    let names = cr.names();
    assert_eq!(names[2..4], ["ping", "future_thing"]);
    assert_eq!(cr.events()[3].1, json!({"type": "future_thing", "x": 1}));
    assert_eq!(names.last().map(String::as_str), Some("message_stop"));

    emu.push_fault(Fault::stream(StreamScript::new().line_ending("\r\n")));
    let crlf = stream(keyed(&emu, streaming(hello())), emu.addr()).await;
    let text = crlf.text();
    assert!(text.contains("event: ping\r\ndata: {\"type\": \"ping\"}\r\n\r\n"));
    assert_eq!(text.matches('\n').count(), text.matches("\r\n").count());
    assert_eq!(
        crlf.names(),
        names
            .iter()
            .filter(|n| *n != "future_thing")
            .cloned()
            .collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn delays_pace_the_frames() {
    let emu = start().await;
    let delay = Duration::from_millis(40);
    emu.push_fault(Fault::stream(
        StreamScript::new().delay_between_events(delay),
    ));
    let paced = stream(keyed(&emu, streaming(hello())), emu.addr()).await;
    let frames = paced.chunks.len();
    assert!(frames >= 8);
    let minimum = delay * u32::try_from(frames - 1).unwrap_or(u32::MAX);
    assert!(
        paced.ended_at >= minimum,
        "{:?} < {minimum:?}",
        paced.ended_at
    );
    // Frames are flushed as they are produced: the first one arrived
    // before the others had been written.
    assert!(paced.chunks_with_first < frames, "{paced:?}");
}

#[tokio::test]
async fn stream_faults_wait_at_the_head_for_a_streaming_request() {
    let emu = start().await;
    let addr = emu.addr();
    emu.push_fault(Fault::stream(StreamScript::new().cut_after(2)));
    emu.push_fault(Fault::anthropic(529, "overloaded_error", "Overloaded"));

    // Neither a non-streaming request, nor a streaming one that fails
    // authentication, takes it (nor the fault behind it).
    let plain = keyed(&emu, hello()).send(addr).await;
    assert_eq!(plain.status, 200);
    let unauthenticated = stream(
        Req::claude(&emu, "POST", "/v1/messages", streaming(hello())),
        addr,
    )
    .await;
    assert_eq!(unauthenticated.status, 403);
    assert_eq!(emu.pending_faults(), 2);

    let cut = stream(keyed(&emu, streaming(hello())), addr).await;
    assert!(!cut.complete);
    assert_eq!(cut.names().len(), 2);
    assert_eq!(emu.pending_faults(), 1);

    // An error fault at the head answers a streaming request as JSON.
    let overloaded = keyed(&emu, streaming(hello())).send(addr).await;
    assert_eq!(overloaded.status, 529);
    assert_eq!(overloaded.json()["error"]["type"], "overloaded_error");
    assert_eq!(emu.pending_faults(), 0);

    let statuses: Vec<u16> = emu.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [200, 403, 200, 529]);
}
