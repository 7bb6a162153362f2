//! Loopback tests of scenarios: every key, in the `x-emulator-scenario`
//! header and as a model suffix.

mod common;

use std::time::{Duration, Instant};

use anthropic_aws_emulator::{EmulatorHandle, Fault, StreamScript};
use common::{API_KEY, Answer, Req, Streamed, accumulate, hello, keyed, start, stream, streaming};
use serde_json::{Value, json};

/// Bytes of filler text per `text_delta` of a `stream-text-bytes` answer,
/// as the emulator's README documents it.
const FILLER_BYTES_PER_DELTA: usize = 16 * 1024;

/// `hello()` with `model` set to `model`.
fn with_model(model: &str) -> Value {
    let mut body = hello();
    body["model"] = json!(model);
    body
}

/// A keyed request carrying `scenario` in the header.
async fn header_form(emu: &EmulatorHandle, scenario: &str, body: Value) -> Answer {
    keyed(emu, body)
        .header("x-emulator-scenario", scenario)
        .send(emu.addr())
        .await
}

/// A keyed request naming the model `claude-opus-4-8~<scenario>`.
async fn model_form(emu: &EmulatorHandle, scenario: &str) -> Answer {
    keyed(emu, with_model(&format!("claude-opus-4-8~{scenario}")))
        .send(emu.addr())
        .await
}

/// Both forms of `scenario` on a fresh emulator each.
async fn both_forms(scenario: &str) -> [Answer; 2] {
    let one = start().await;
    let two = start().await;
    [
        header_form(&one, scenario, hello()).await,
        model_form(&two, scenario).await,
    ]
}

async fn stream_with(emu: &EmulatorHandle, scenario: &str) -> [Streamed; 2] {
    let header = stream(
        keyed(emu, streaming(hello())).header("x-emulator-scenario", scenario),
        emu.addr(),
    )
    .await;
    let model = stream(
        keyed(
            emu,
            streaming(with_model(&format!("claude-opus-4-8~{scenario}"))),
        ),
        emu.addr(),
    )
    .await;
    [header, model]
}

fn message_of(answer: &Answer) -> String {
    answer.json()["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn status_and_type() {
    for answer in both_forms("status=529").await {
        assert_eq!(
            answer.error(),
            (529, "overloaded_error".to_owned()),
            "{answer:?}"
        );
        assert_eq!(message_of(&answer), "Overloaded");
        let request_id = answer.header("request-id").map(str::to_owned);
        assert!(request_id.is_some());
        assert_eq!(answer.json()["request_id"].as_str(), request_id.as_deref());
        assert!(answer.header("x-amzn-requestid").is_some());
        assert!(answer.header("x-amzn-errortype").is_none());
    }
    for answer in both_forms("type=rate_limit_error").await {
        assert_eq!(answer.error(), (429, "rate_limit_error".to_owned()));
    }
    for answer in both_forms("status=418;type=teapot_error;message=short%20and%3Bstout%3D").await {
        assert_eq!(answer.error(), (418, "teapot_error".to_owned()));
        assert_eq!(message_of(&answer), "short and;stout=");
    }
    for answer in both_forms("status=503").await {
        assert_eq!(answer.error(), (503, "api_error".to_owned()));
    }
}

#[tokio::test]
async fn aws_front_door_errors() {
    for answer in both_forms("aws=ThrottlingException").await {
        assert_eq!(answer.status, 400, "{answer:?}");
        assert!(
            answer
                .header("x-amzn-errortype")
                .is_some_and(|t| t.starts_with("ThrottlingException:")),
            "{answer:?}"
        );
        assert_eq!(answer.json(), json!({"message": "Rate exceeded"}));
        assert!(answer.header("x-amzn-requestid").is_some());
        assert!(answer.header("request-id").is_none());
    }
    for (scenario, status) in [
        ("aws=AccessDeniedException", 403),
        ("aws=ValidationException", 400),
        ("aws=ResourceNotFoundException", 404),
        ("aws=ServiceUnavailableException", 503),
        ("aws=ThrottlingException;status=429;message=slow", 429),
    ] {
        for answer in both_forms(scenario).await {
            assert_eq!(answer.status, status, "{scenario}: {answer:?}");
        }
    }
    // A front-door error comes before authentication.
    let emu = start().await;
    let unsigned = Req::claude(&emu, "GET", "/v1/models", Value::Null)
        .header(
            "x-emulator-scenario",
            "aws=ThrottlingException;message=Too%20many",
        )
        .send(emu.addr())
        .await;
    assert_eq!(unsigned.status, 400);
    assert_eq!(unsigned.json(), json!({"message": "Too many"}));
    assert_eq!(emu.requests()[0].verdict, "ThrottlingException");
}

#[tokio::test]
async fn retry_headers() {
    let scenario = "status=529;retry-after=2;retry-after-ms=1500;should-retry=false";
    for answer in both_forms(scenario).await {
        assert_eq!(answer.status, 529);
        assert_eq!(answer.header("retry-after"), Some("2"));
        assert_eq!(answer.header("retry-after-ms"), Some("1500"));
        assert_eq!(answer.header("x-should-retry"), Some("false"));
    }
    for answer in both_forms("aws=ThrottlingException;retry-after=1;should-retry=true").await {
        assert_eq!(answer.header("retry-after"), Some("1"));
        assert_eq!(answer.header("x-should-retry"), Some("true"));
    }
}

#[tokio::test]
async fn times_n_fails_n_requests_then_succeeds() {
    let emu = start().await;
    for scenario in ["status=529;times=2", "aws=ThrottlingException;times=2"] {
        let statuses = [
            header_form(&emu, scenario, hello()).await.status,
            header_form(&emu, scenario, hello()).await.status,
            header_form(&emu, scenario, hello()).await.status,
        ];
        assert_eq!(statuses[2], 200, "{scenario}: {statuses:?}");
        assert!(statuses[..2].iter().all(|s| *s != 200), "{statuses:?}");
    }

    // The model-suffix form: the answer's model has no suffix.
    let statuses = [
        model_form(&emu, "status=500;times=1").await.status,
        model_form(&emu, "status=500;times=1").await.status,
    ];
    assert_eq!(statuses, [500, 200]);
    let ok = model_form(&emu, "status=500;times=1").await;
    assert_eq!(ok.json()["model"], "claude-opus-4-8");

    // Counted per scenario string.
    let other = header_form(&emu, "status=529;times=2;message=other", hello()).await;
    assert_eq!(other.status, 529);

    // A request that fails authentication is not counted.
    let emu = start().await;
    let unsigned = Req::claude(&emu, "POST", "/v1/messages", hello())
        .header("x-emulator-scenario", "status=529;times=1")
        .send(emu.addr())
        .await;
    assert_eq!(unsigned.error().1, "MissingAuthenticationTokenException");
    let first = header_form(&emu, "status=529;times=1", hello()).await;
    assert_eq!(first.status, 529);
    assert_eq!(
        header_form(&emu, "status=529;times=1", hello())
            .await
            .status,
        200
    );
    let verdicts: Vec<String> = emu.requests().into_iter().map(|r| r.verdict).collect();
    assert_eq!(
        verdicts,
        [
            "MissingAuthenticationTokenException",
            "overloaded_error",
            "ok"
        ]
    );
}

#[tokio::test]
async fn delay_ms_slows_any_answer() {
    let delay = Duration::from_millis(200);
    let emu = start().await;
    for (scenario, status) in [("delay-ms=200", 200), ("delay-ms=200;status=529", 529)] {
        let began = Instant::now();
        let answer = header_form(&emu, scenario, hello()).await;
        assert!(began.elapsed() >= delay, "{scenario}");
        assert_eq!(answer.status, status, "{scenario}");
        let began = Instant::now();
        let answer = model_form(&emu, scenario).await;
        assert!(began.elapsed() >= delay, "{scenario}");
        assert_eq!(answer.status, status, "{scenario}");
    }
    // With times=1 only the first one is slow.
    let began = Instant::now();
    assert_eq!(
        header_form(&emu, "delay-ms=200;times=1", hello())
            .await
            .status,
        200
    );
    assert!(began.elapsed() >= delay);
    // The second one overtakes a request paused for far longer.
    let paused = tokio::spawn({
        let emu = emu.clone();
        async move { header_form(&emu, "delay-ms=60000", hello()).await }
    });
    assert_eq!(
        header_form(&emu, "delay-ms=200;times=1", hello())
            .await
            .status,
        200
    );
    assert!(!paused.is_finished(), "the unpaused request came second");
    paused.abort();
}

#[tokio::test]
async fn non_json_bodies() {
    for answer in both_forms("body=html;status=413").await {
        assert_eq!(answer.status, 413);
        assert_eq!(
            answer.header("content-type"),
            Some("text/html; charset=utf-8")
        );
        assert!(answer.body.contains("413 Payload Too Large"), "{answer:?}");
        assert!(answer.header("request-id").is_none());
        assert!(answer.header("x-amzn-requestid").is_none());
    }
    for answer in both_forms("body=garbage").await {
        assert_eq!(answer.status, 200);
        assert_eq!(answer.header("content-type"), Some("application/json"));
        assert!(serde_json::from_str::<Value>(&answer.body).is_err());
        assert!(answer.header("request-id").is_some());
    }
    for answer in both_forms("body=empty;status=502").await {
        assert_eq!(answer.status, 502);
        assert_eq!(answer.header("content-length"), Some("0"));
        assert!(answer.body.is_empty());
    }
    let emu = start().await;
    assert_eq!(header_form(&emu, "body=garbage", hello()).await.status, 200);
    let html = header_form(&emu, "body=html;status=502", hello()).await;
    assert_eq!(html.status, 502);
    assert_eq!(
        html.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let verdicts: Vec<String> = emu.requests().into_iter().map(|r| r.verdict).collect();
    assert_eq!(verdicts, ["body_garbage", "api_error"]);
}

#[tokio::test]
async fn stream_errors_and_cuts() {
    let emu = start().await;
    for streamed in stream_with(&emu, "stream-error-after=1;type=api_error;message=boom").await {
        assert_eq!(streamed.status, 200);
        assert!(streamed.complete);
        let names = streamed.names();
        assert_eq!(
            names.iter().filter(|n| *n == "content_block_delta").count(),
            1
        );
        assert_eq!(names.last().map(String::as_str), Some("error"), "{names:?}");
        let events = streamed.events();
        let error = &events.last().map(|(_, d)| d.clone()).unwrap_or_default();
        assert_eq!(
            error["error"],
            json!({"type": "api_error", "message": "boom"})
        );
    }
    // Without a type: overloaded_error.
    let [streamed, _] = stream_with(&emu, "stream-error-after=0").await;
    let events = streamed.events();
    assert_eq!(
        events.last().map(|(_, d)| d["error"]["type"].clone()),
        Some(json!("overloaded_error"))
    );
    // A non-streaming request with a stream key is answered normally.
    assert_eq!(
        header_form(&emu, "stream-error-after=0", hello())
            .await
            .status,
        200
    );

    for streamed in stream_with(&emu, "stream-cut-after=3").await {
        assert!(!streamed.complete);
        assert_eq!(
            streamed.names(),
            ["message_start", "content_block_start", "ping"]
        );
    }
    let verdicts: Vec<String> = emu.requests().into_iter().map(|r| r.verdict).collect();
    assert_eq!(
        verdicts,
        [
            "api_error",
            "api_error",
            "overloaded_error",
            "overloaded_error",
            "ok",
            "stream_cut",
            "stream_cut"
        ]
    );

    // times=1: the second stream is whole.
    let emu = start().await;
    let [cut, whole] = [
        stream(
            keyed(&emu, streaming(hello()))
                .header("x-emulator-scenario", "stream-cut-after=2;times=1"),
            emu.addr(),
        )
        .await,
        stream(
            keyed(&emu, streaming(hello()))
                .header("x-emulator-scenario", "stream-cut-after=2;times=1"),
            emu.addr(),
        )
        .await,
    ];
    assert!(!cut.complete);
    assert!(whole.complete);
}

#[tokio::test]
async fn chunk_size_frames() {
    let emu = start().await;
    for streamed in stream_with(&emu, "chunk-size=1").await {
        assert!(streamed.complete);
        assert!(streamed.chunks.len() > 100);
        assert!(streamed.chunks.iter().all(|c| c.len() == 1));
        assert_eq!(
            streamed.names().last().map(String::as_str),
            Some("message_stop")
        );
    }
    // Combined with a queued stream fault, both apply.
    emu.push_fault(Fault::stream(StreamScript::new().line_ending("\r\n")));
    let [combined, _] = stream_with(&emu, "chunk-size=7").await;
    assert!(combined.text().contains("\r\n"));
    let Some((last, rest)) = combined.chunks.split_last() else {
        panic!("no chunks: {combined:?}");
    };
    assert!(rest.iter().all(|c| c.len() == 7) && last.len() <= 7);
}

#[tokio::test]
async fn stream_text_bytes_makes_long_answers() {
    let emu = start().await;
    let n = 3 * FILLER_BYTES_PER_DELTA + 123;
    for streamed in stream_with(&emu, &format!("stream-text-bytes={n}")).await {
        assert!(streamed.complete);
        let events = streamed.events();
        let deltas: Vec<usize> = events
            .iter()
            .filter(|(name, _)| name == "content_block_delta")
            .map(|(_, d)| d["delta"]["text"].as_str().map_or(0, str::len))
            .collect();
        assert_eq!(
            deltas,
            [
                FILLER_BYTES_PER_DELTA,
                FILLER_BYTES_PER_DELTA,
                FILLER_BYTES_PER_DELTA,
                123
            ]
        );
        let message = accumulate(&events);
        assert_eq!(message["model"], "claude-opus-4-8");
        let text = message["content"][0]["text"].as_str().unwrap_or_default();
        assert_eq!(text.len(), n);
        assert!(text.starts_with("The quick brown fox"));
        assert_eq!(message["stop_reason"], "end_turn");
        assert_eq!(message["usage"]["output_tokens"], json!(n.div_ceil(4)));
    }
    // The same text without streaming.
    for answer in [
        header_form(&emu, &format!("stream-text-bytes={n}"), hello()).await,
        model_form(&emu, &format!("stream-text-bytes={n}")).await,
    ] {
        assert_eq!(answer.status, 200);
        let text = answer.json()["content"][0]["text"]
            .as_str()
            .map(str::to_owned)
            .unwrap_or_default();
        assert_eq!(text.len(), n);
    }
    // Zero bytes: an empty text block.
    let [empty, _] = stream_with(&emu, "stream-text-bytes=0").await;
    assert_eq!(accumulate(&empty.events())["content"][0]["text"], "");
    // Combined with chunk-size and a cut.
    let [cut, _] = stream_with(
        &emu,
        "stream-text-bytes=100000;chunk-size=1000;stream-cut-after=5",
    )
    .await;
    assert!(!cut.complete);
    assert_eq!(cut.names().len(), 5);
    // Smaller deltas, in both forms; zero is refused.
    for streamed in stream_with(&emu, "stream-text-bytes=100;text-delta-bytes=30").await {
        let deltas: Vec<usize> = streamed
            .events()
            .iter()
            .filter(|(name, _)| name == "content_block_delta")
            .map(|(_, d)| d["delta"]["text"].as_str().map_or(0, str::len))
            .collect();
        assert_eq!(deltas, [30, 30, 30, 10]);
    }
    let zero = header_form(&emu, "stream-text-bytes=100;text-delta-bytes=0", hello()).await;
    assert_eq!(zero.status, 400);
    // Too long to buffer.
    let refused = header_form(&emu, "stream-text-bytes=1000000000000", hello()).await;
    assert_eq!(refused.error(), (400, "invalid_request_error".to_owned()));
}

#[tokio::test]
async fn a_big_stream_is_generated_lazily() {
    let emu = start().await;
    let n: usize = 20 * 1024 * 1024;
    let [streamed, _] = stream_with(&emu, &format!("stream-text-bytes={n}")).await;
    assert!(streamed.complete);
    assert!(streamed.body().len() > n);
    let text_bytes: usize = streamed
        .events()
        .iter()
        .filter(|(name, _)| name == "content_block_delta")
        .map(|(_, d)| d["delta"]["text"].as_str().map_or(0, str::len))
        .sum();
    assert_eq!(text_bytes, n);
    assert_eq!(
        streamed.names().last().map(String::as_str),
        Some("message_stop")
    );
}

#[tokio::test]
async fn malformed_scenarios_are_rejected_naming_the_item() {
    let emu = start().await;
    for scenario in ["statuz=500", "status=abc", "body=xml;status=500", "times"] {
        for answer in [
            header_form(&emu, scenario, hello()).await,
            model_form(&emu, scenario).await,
        ] {
            assert_eq!(
                answer.error(),
                (400, "invalid_request_error".to_owned()),
                "{scenario}"
            );
            let message = message_of(&answer);
            assert!(
                message.starts_with("emulator scenario: bad scenario"),
                "{message}"
            );
            let item = scenario.split(';').next().unwrap_or_default();
            assert!(message.contains(&format!("`{item}`")), "{message}");
        }
    }
}

#[tokio::test]
async fn scenarios_apply_after_authentication_to_every_endpoint() {
    let emu = start().await;
    let unsigned = Req::claude(&emu, "POST", "/v1/messages", hello())
        .header("x-emulator-scenario", "status=529")
        .send(emu.addr())
        .await;
    assert_eq!(unsigned.error().1, "MissingAuthenticationTokenException");
    let models = Req::claude(&emu, "GET", "/v1/models", Value::Null)
        .header("x-emulator-scenario", "status=500")
        .sign()
        .send(emu.addr())
        .await;
    assert_eq!(models.error(), (500, "api_error".to_owned()));
    let count = Req::claude(
        &emu,
        "POST",
        "/v1/messages/count_tokens",
        with_model("m~type=not_found_error"),
    )
    .header("authorization", &format!("Bearer {}", API_KEY))
    .send(emu.addr())
    .await;
    assert_eq!(count.error(), (404, "not_found_error".to_owned()));
    // Header and suffix combine, and are recorded together.
    let both = keyed(&emu, with_model("claude-opus-4-8~status=529"))
        .header("x-emulator-scenario", "retry-after=4")
        .send(emu.addr())
        .await;
    assert_eq!(both.status, 529);
    assert_eq!(both.header("retry-after"), Some("4"));
    assert_eq!(
        emu.requests()
            .last()
            .and_then(|r| r.scenario.clone())
            .as_deref(),
        Some("status=529;retry-after=4")
    );
    // A signed request with a model suffix works: the body is signed as sent.
    let signed = Req::claude(
        &emu,
        "POST",
        "/v1/messages",
        with_model("claude-opus-4-8~delay-ms=1"),
    )
    .sign()
    .send(emu.addr())
    .await;
    assert_eq!(signed.status, 200, "{signed:?}");
    assert_eq!(signed.json()["model"], "claude-opus-4-8");
}
