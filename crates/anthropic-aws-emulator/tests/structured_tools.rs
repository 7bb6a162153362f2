//! Loopback tests of structured outputs (`output_config.format`) and tool
//! turns (`tool_use` answers, the answer to `tool_result`s, scripted stops),
//! in both the JSON and the streamed form.

mod common;

use anthropic_aws_emulator::EmulatorHandle;
use common::{Req, accumulate, both_modes, hello, keyed, start, without_id};
use serde_json::{Value, json};

/// Every error an independent validator finds in `value` for `schema`.
fn invalid(schema: &Value, value: &Value) -> Vec<String> {
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(schema);
    match validator {
        Ok(validator) => validator
            .iter_errors(value)
            .map(|e| e.to_string())
            .collect(),
        Err(e) => vec![format!("bad test schema: {e}")],
    }
}

fn with_schema(schema: &Value) -> Value {
    let mut body = hello();
    body["output_config"] = json!({"format": {"type": "json_schema", "schema": schema}});
    body
}

/// The text of an answer's only block.
fn only_text(message: &Value) -> &str {
    assert_eq!(
        message["content"].as_array().map(Vec::len),
        Some(1),
        "{message}"
    );
    assert_eq!(message["content"][0]["type"], "text", "{message}");
    message["content"][0]["text"].as_str().unwrap_or_default()
}

fn schemas() -> Vec<(&'static str, Value)> {
    vec![
        (
            "nested objects",
            json!({
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "born": {"type": "string", "format": "date"},
                    "address": {
                        "type": "object",
                        "properties": {"city": {"type": "string"}, "zip": {"type": "integer", "minimum": 1000}},
                        "required": ["city", "zip"],
                        "additionalProperties": false,
                    },
                },
                "required": ["name", "born", "address"],
                "additionalProperties": false,
            }),
        ),
        (
            "enums and anyOf",
            json!({
                "type": "object",
                "properties": {
                    "color": {"type": "string", "enum": ["red", "green", "blue"]},
                    "note": {"anyOf": [{"type": "null"}, {"type": "string", "format": "email"}]},
                    "score": {"anyOf": [{"type": "integer", "maximum": -3}, {"type": "string"}]},
                },
                "required": ["color", "note", "score"],
                "additionalProperties": false,
            }),
        ),
        (
            "arrays",
            json!({
                "type": "object",
                "properties": {
                    "ids": {"type": "array", "items": {"type": "string", "format": "uuid"},
                            "minItems": 3, "uniqueItems": true},
                    "points": {"type": "array", "items": {"type": "object",
                        "properties": {"x": {"type": "number"}, "y": {"type": "number"}},
                        "required": ["x", "y"], "additionalProperties": false}},
                    "counts": {"type": "object", "additionalProperties": {"type": "integer"}},
                },
                "required": ["ids", "points", "counts"],
                "additionalProperties": false,
            }),
        ),
        (
            "refs",
            json!({
                "$defs": {
                    "Tree": {
                        "type": "object",
                        "properties": {
                            "label": {"$ref": "#/$defs/Label"},
                            "children": {"type": "array", "items": {"$ref": "#/$defs/Tree"}},
                        },
                        "required": ["label", "children"],
                        "additionalProperties": false,
                    },
                    "Label": {"type": "string", "enum": ["leaf", "node"]},
                },
                "type": "object",
                "properties": {"root": {"$ref": "#/$defs/Tree"}, "when": {"type": "string", "format": "date-time"}},
                "required": ["root", "when"],
                "additionalProperties": false,
            }),
        ),
    ]
}

#[tokio::test]
async fn structured_outputs_are_valid_instances_in_both_modes() {
    let emu = start().await;
    for (what, schema) in schemas() {
        let (json, streamed) = both_modes(&emu, &with_schema(&schema)).await;
        assert_eq!(json["stop_reason"], "end_turn", "{what}");
        let text = only_text(&json);
        let parsed: Value = serde_json::from_str(text).unwrap_or(Value::Null);
        assert!(parsed.is_object(), "{what}: {text}");
        assert_eq!(
            invalid(&schema, &parsed),
            Vec::<String>::new(),
            "{what}: {text}"
        );
        let events = streamed.events();
        assert_eq!(
            without_id(accumulate(&events)),
            without_id(json.clone()),
            "{what}"
        );
        // The JSON arrives in pieces, as a parser that shows progress needs.
        let deltas = events
            .iter()
            .filter(|(_, d)| d["delta"]["type"] == "text_delta")
            .count();
        assert!(deltas > 3, "{what}: {deltas} deltas");
        // Deterministic.
        let again = keyed(&emu, with_schema(&schema))
            .send(emu.addr())
            .await
            .json();
        assert_eq!(only_text(&again), text, "{what}");
    }
    let (_, nested) = &schemas()[0];
    let answer = keyed(&emu, with_schema(nested))
        .send(emu.addr())
        .await
        .json();
    assert_eq!(
        only_text(&answer),
        r#"{"address":{"city":"example","zip":1000},"born":"2024-01-01","name":"example"}"#
    );
}

#[tokio::test]
async fn malformed_output_configs_are_400s_and_schemas_count_as_input() {
    let emu = start().await;
    for (output_config, needle) in [
        (json!("json"), "output_config: Input should be an object"),
        (
            json!({"format": "json"}),
            "output_config.format: Input should be an object",
        ),
        (
            json!({"format": {"schema": {}}}),
            "output_config.format.type: Field required",
        ),
        (
            json!({"format": {"type": "xml", "schema": {}}}),
            "'json_schema', not \"xml\"",
        ),
        (
            json!({"format": {"type": "json_schema"}}),
            "output_config.format.schema: Field required",
        ),
        (
            json!({"format": {"type": "json_schema", "schema": true}}),
            "schema: Input should be an object",
        ),
    ] {
        let mut body = hello();
        body["output_config"] = output_config.clone();
        for path in ["/v1/messages", "/v1/messages/count_tokens"] {
            let answer = Req::claude(&emu, "POST", path, body.clone())
                .header("authorization", &format!("Bearer {}", common::API_KEY))
                .send(emu.addr())
                .await;
            assert_eq!(
                answer.error(),
                (400, "invalid_request_error".to_owned()),
                "{output_config}"
            );
            let message = answer.json()["error"]["message"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            assert!(
                message.contains(needle),
                "{path} {output_config}: {message}"
            );
        }
    }
    // `effort` alone is no structured output.
    let mut effort = hello();
    effort["output_config"] = json!({"effort": "low"});
    let answer = keyed(&emu, effort).send(emu.addr()).await.json();
    assert!(
        only_text(&answer).starts_with("Hello from the local"),
        "{answer}"
    );

    let count = |body: Value| async {
        let answer = Req::claude(&emu, "POST", "/v1/messages/count_tokens", body)
            .header("authorization", &format!("Bearer {}", common::API_KEY))
            .send(emu.addr())
            .await;
        answer.json()["input_tokens"].as_u64().unwrap_or_default()
    };
    let (_, schema) = &schemas()[2];
    let plain = count(hello()).await;
    let structured = count(with_schema(schema)).await;
    assert!(structured > plain + 50, "{plain} -> {structured}");
}

fn tools() -> Value {
    json!([
        {
            "name": "get_weather",
            "description": "Weather for a city",
            "input_schema": {
                "type": "object",
                "properties": {
                    "city": {"type": "string"},
                    "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
                    "days": {"type": "integer", "minimum": 1, "maximum": 7},
                },
                "required": ["city", "unit"],
                "additionalProperties": false,
            },
        },
        {"type": "web_search_20250305", "name": "web_search", "max_uses": 2},
        {
            "name": "get_time",
            "input_schema": {
                "type": "object",
                "properties": {"zone": {"type": "string"}, "at": {"type": "string", "format": "date-time"}},
                "required": ["zone"],
            },
        },
    ])
}

fn with_tools(scenario_model_suffix: &str) -> Value {
    let mut body = hello();
    body["tools"] = tools();
    if !scenario_model_suffix.is_empty() {
        body["model"] = json!(format!("claude-opus-4-8~{scenario_model_suffix}"));
    }
    body
}

/// `(id, name)` of each tool_use block, after checking its input against
/// its tool's schema.
fn calls(message: &Value) -> Vec<(String, String)> {
    let tools = tools();
    message["content"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|b| b["type"] == "tool_use")
        .map(|b| {
            let name = b["name"].as_str().unwrap_or_default();
            let schema = tools
                .as_array()
                .into_iter()
                .flatten()
                .find(|t| t["name"] == name)
                .map(|t| t.get("input_schema").cloned().unwrap_or(json!({})))
                .unwrap_or(Value::Null);
            assert!(b["input"].is_object(), "{b}");
            assert_eq!(invalid(&schema, &b["input"]), Vec::<String>::new(), "{b}");
            (
                b["id"].as_str().unwrap_or_default().to_owned(),
                name.to_owned(),
            )
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

/// Both modes agree and the answer is a `tool_use` turn; its calls.
async fn tool_turn(emu: &EmulatorHandle, body: &Value) -> Vec<(String, String)> {
    let (json, streamed) = both_modes(emu, body).await;
    assert_eq!(json["stop_reason"], "tool_use", "{json}");
    let events = streamed.events();
    assert!(
        events
            .iter()
            .any(|(_, d)| d["delta"]["type"] == "input_json_delta"),
        "{events:?}"
    );
    assert_eq!(without_id(accumulate(&events)), without_id(json.clone()));
    calls(&json)
}

#[tokio::test]
async fn tools_are_called_with_valid_inputs() {
    let emu = start().await;
    // The default: one call of the first custom tool.
    assert_eq!(
        tool_turn(&emu, &with_tools("")).await,
        pairs(&[("toolu_emu_1", "get_weather")])
    );
    // Chosen by the scenario (model suffix or header), several, in order.
    assert_eq!(
        tool_turn(&emu, &with_tools("tool-use=get_time,get_weather")).await,
        pairs(&[("toolu_emu_1", "get_time"), ("toolu_emu_2", "get_weather")])
    );
    let header = keyed(&emu, with_tools(""))
        .header("x-emulator-scenario", "tool-calls=3")
        .send(emu.addr())
        .await
        .json();
    assert_eq!(
        calls(&header),
        pairs(&[
            ("toolu_emu_1", "get_weather"),
            ("toolu_emu_2", "get_time"),
            ("toolu_emu_3", "get_weather")
        ])
    );
    // Two calls of one tool get different inputs.
    assert_ne!(header["content"][0]["input"], header["content"][2]["input"]);
    // Forced by tool_choice, even a server tool; limited by disable_parallel_tool_use.
    let mut forced = with_tools("tool-calls=2");
    forced["tool_choice"] = json!({"type": "tool", "name": "get_time"});
    assert_eq!(
        tool_turn(&emu, &forced).await,
        pairs(&[("toolu_emu_1", "get_time"), ("toolu_emu_2", "get_time")])
    );
    forced["tool_choice"] = json!({"type": "any", "disable_parallel_tool_use": true});
    assert_eq!(
        tool_turn(&emu, &forced).await,
        pairs(&[("toolu_emu_1", "get_weather")])
    );
    // `none`: text.
    forced["tool_choice"] = json!({"type": "none"});
    let text = keyed(&emu, forced).send(emu.addr()).await.json();
    assert_eq!(text["stop_reason"], "end_turn");
    // A scenario naming a tool the request lacks, or one tool_choice forbids.
    for (suffix, choice, needle) in [
        (
            "tool-use=nope",
            json!(null),
            "tool-use names `nope`, which is not in tools",
        ),
        (
            "tool-use=get_weather",
            json!({"type": "tool", "name": "get_time"}),
            "forces `get_time`",
        ),
    ] {
        let mut body = with_tools(suffix);
        body["tool_choice"] = choice;
        let answer = keyed(&emu, body).send(emu.addr()).await;
        assert_eq!(answer.status, 400, "{answer:?}");
        assert!(answer.body.contains(needle), "{}", answer.body);
    }
}

/// The conversation after the answer `calls` got these results.
fn answered(calls: &[(&str, &str, &str, bool)]) -> Value {
    let mut body = with_tools("");
    let uses: Vec<Value> = calls
        .iter()
        .map(|(id, name, _, _)| json!({"type": "tool_use", "id": id, "name": name, "input": {}}))
        .collect();
    let results: Vec<Value> = calls
        .iter()
        .map(|(id, _, content, is_error)| {
            json!({"type": "tool_result", "tool_use_id": id, "content": content, "is_error": is_error})
        })
        .collect();
    body["messages"] = json!([
        {"role": "user", "content": "Weather and time in Paris?"},
        {"role": "assistant", "content": uses},
        {"role": "user", "content": results},
    ]);
    body
}

#[tokio::test]
async fn tool_results_are_quoted_in_an_end_turn() {
    let emu = start().await;
    let body = answered(&[
        ("toolu_emu_1", "get_weather", "18°C, sunny", false),
        ("toolu_emu_2", "get_time", "clock unavailable", true),
    ]);
    let (json, streamed) = both_modes(&emu, &body).await;
    assert_eq!(json["stop_reason"], "end_turn");
    assert_eq!(
        only_text(&json),
        "Received 2 tool results.\n- toolu_emu_1 (get_weather): 18°C, sunny\n\
         - toolu_emu_2 (get_time, is_error): clock unavailable"
    );
    assert_eq!(without_id(accumulate(&streamed.events())), without_id(json));

    // tool-rounds=2: one more round of calls, ids numbered on, then the quote.
    let mut more = body.clone();
    more["model"] = json!("claude-opus-4-8~tool-rounds=2");
    assert_eq!(
        tool_turn(&emu, &more).await,
        pairs(&[("toolu_emu_3", "get_weather")])
    );
    let mut messages = more["messages"].as_array().cloned().unwrap_or_default();
    messages.push(json!({"role": "assistant", "content": [
        {"type": "tool_use", "id": "toolu_emu_3", "name": "get_weather", "input": {}}]}));
    messages.push(json!({"role": "user", "content": [
        {"type": "tool_result", "tool_use_id": "toolu_emu_3", "content": [{"type": "text", "text": "rain"}]}]}));
    more["messages"] = json!(messages);
    let last = keyed(&emu, more).send(emu.addr()).await.json();
    assert_eq!(last["stop_reason"], "end_turn");
    assert_eq!(
        only_text(&last),
        "Received 1 tool result.\n- toolu_emu_3 (get_weather): rain"
    );

    // With an output schema, the final answer is the structured one.
    let schema = json!({"type": "object", "properties": {"summary": {"type": "string"}},
                        "required": ["summary"], "additionalProperties": false});
    let mut structured = body;
    structured["output_config"] = json!({"format": {"type": "json_schema", "schema": schema}});
    let answer = keyed(&emu, structured).send(emu.addr()).await.json();
    assert_eq!(only_text(&answer), r#"{"summary":"example"}"#);
}

#[tokio::test]
async fn scripted_stop_reasons() {
    let emu = start().await;
    // pause_turn once, then the normal answer to the same request.
    let paused = with_tools("stop-reason=pause_turn;times=1");
    let (json, streamed) = both_modes(&emu, &paused).await;
    assert_eq!(json["stop_reason"], "pause_turn");
    assert!(
        only_text(&json).contains("send the conversation back"),
        "{json}"
    );
    // The streamed request was the second: times=1 is spent.
    assert_eq!(accumulate(&streamed.events())["stop_reason"], "tool_use");
    let third = keyed(&emu, paused).send(emu.addr()).await.json();
    assert_eq!(third["stop_reason"], "tool_use");

    let refusal = keyed(&emu, with_tools("stop-reason=refusal"))
        .send(emu.addr())
        .await
        .json();
    assert_eq!(refusal["stop_reason"], "refusal");
    assert!(serde_json::from_str::<Value>(only_text(&refusal)).is_err());

    // max_tokens cuts a structured answer mid-JSON, in both modes.
    let (_, schema) = &schemas()[0];
    let mut cut = with_schema(schema);
    cut["model"] = json!("claude-opus-4-8~stop-reason=max_tokens");
    let (json, streamed) = both_modes(&emu, &cut).await;
    assert_eq!(json["stop_reason"], "max_tokens");
    let text = only_text(&json);
    assert!(text.starts_with("{\"address\":{"), "{text}");
    assert!(serde_json::from_str::<Value>(text).is_err(), "{text}");
    assert_eq!(
        without_id(accumulate(&streamed.events())),
        without_id(json.clone())
    );

    // answer-text: a wrong shape once (valid JSON, not the schema's), then the instance.
    let wrong = || {
        keyed(&emu, with_schema(schema)).header(
            "x-emulator-scenario",
            r#"answer-text={"name": 7, "x": null};times=1"#,
        )
    };
    let first = wrong().send(emu.addr()).await.json();
    assert_eq!(first["stop_reason"], "end_turn");
    assert_eq!(only_text(&first), r#"{"name": 7, "x": null}"#);
    let second = wrong().send(emu.addr()).await.json();
    let parsed: Value = serde_json::from_str(only_text(&second)).unwrap_or_default();
    assert!(
        parsed.is_object() && invalid(schema, &parsed).is_empty(),
        "{second}"
    );

    let bad = keyed(&emu, with_tools("stop-reason=end_turn"))
        .send(emu.addr())
        .await;
    assert_eq!(bad.status, 400);
    assert!(
        bad.body
            .contains("stop-reason is refusal, max_tokens or pause_turn"),
        "{}",
        bad.body
    );
}
