//! Loopback tests of the hooks for client resilience tests: shifted
//! clocks, fault headers, slow answers, cut bodies, arrival times, fast
//! mode and the request log.

mod common;

use std::time::{Duration, Instant, SystemTime};

use anthropic_aws_emulator::{Emulator, Fault, RequestAuth, StreamScript, time};
use common::{
    AKID, API_KEY, Req, SECRET, accumulate, builder, hello, keyed, start, started, stream,
    streaming,
};
use serde_json::{Value, json};

/// The `Date` header as a time.
fn date_of(headers: &[(String, String)]) -> SystemTime {
    let value = headers
        .iter()
        .find(|(n, _)| n == "date")
        .map(|(_, v)| v.as_str())
        .unwrap_or_default();
    match httpdate::parse_http_date(value) {
        Ok(t) => t,
        Err(e) => panic!("bad date {value:?}: {e}"),
    }
}

/// Asserts that `date` (an HTTP date, to the second) shows a time between
/// `before` and `after`, both shifted by `shift` (ahead when positive).
fn assert_dated_between(
    date: SystemTime,
    before: SystemTime,
    after: SystemTime,
    ahead: bool,
    shift: Duration,
) {
    let (low, high) = if ahead {
        (before + shift, after + shift)
    } else {
        (before - shift, after - shift)
    };
    // The header drops the sub-second part.
    let low = low - Duration::from_secs(1);
    assert!(
        low <= date && date <= high,
        "{date:?} not in {low:?}..={high:?}"
    );
}

#[tokio::test]
async fn a_clock_ahead_rejects_real_time_signatures_and_dates_its_answers() {
    let hour = Duration::from_secs(3600);
    let emu = started(builder().clock_ahead(hour)).await;
    let before = SystemTime::now();
    let now = emu.now();
    let after = SystemTime::now();
    assert!(before + hour <= now && now <= after + hour, "{now:?}");

    let before = SystemTime::now();
    let rejected = Req::claude(&emu, "GET", "/v1/models", Value::Null)
        .sign()
        .send(emu.addr())
        .await;
    let after = SystemTime::now();
    assert_eq!(
        rejected.error(),
        (403, "InvalidSignatureException".to_owned()),
        "{rejected:?}"
    );
    let message = rejected.json()["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        message.starts_with("Signature expired") && message.contains("earlier than"),
        "{message}"
    );
    // The Date header lets the client measure the skew: an hour.
    assert_dated_between(date_of(&rejected.headers), before, after, true, hour);
    // The emulator's date is in the HTTP-date form.
    let date = rejected.header("date").unwrap_or_default();
    assert!(date.ends_with(" GMT") && date.len() == 29, "{date}");

    // Signed with the corrected clock, the request passes; its answer is
    // dated with the shifted clock too.
    let before = SystemTime::now();
    let corrected = Req::claude(&emu, "GET", "/v1/models", Value::Null)
        .sign_at(AKID, SECRET, None, SystemTime::now() + hour)
        .send(emu.addr())
        .await;
    let after = SystemTime::now();
    assert_eq!(corrected.status, 200, "{corrected:?}");
    assert_dated_between(date_of(&corrected.headers), before, after, true, hour);
    emu.shutdown().await;
}

#[tokio::test]
async fn a_clock_behind_rejects_signatures_from_its_future() {
    let behind = Duration::from_secs(600);
    let emu = started(builder().clock_behind(behind)).await;
    let before = SystemTime::now();
    let rejected = Req::claude(&emu, "GET", "/v1/models", Value::Null)
        .sign()
        .send(emu.addr())
        .await;
    let after = SystemTime::now();
    assert_eq!(rejected.error().1, "InvalidSignatureException");
    let message = rejected.json()["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(message.contains("later than"), "{message}");
    assert_dated_between(date_of(&rejected.headers), before, after, false, behind);
    // Within the window the shift does not matter.
    let emu = started(builder().clock_behind(Duration::from_secs(60))).await;
    let ok = Req::claude(&emu, "GET", "/v1/models", Value::Null)
        .sign()
        .send(emu.addr())
        .await;
    assert_eq!(ok.status, 200, "{ok:?}");
    // The real clock's answers are dated now.
    let real = start().await;
    let before = SystemTime::now();
    let answer = Req::claude(&real, "GET", "/v1/models", Value::Null)
        .sign()
        .send(real.addr())
        .await;
    let after = SystemTime::now();
    assert_dated_between(
        date_of(&answer.headers),
        before,
        after,
        true,
        Duration::ZERO,
    );
}

#[tokio::test]
async fn faults_carry_extra_headers() {
    let emu = start().await;
    emu.push_fault(
        Fault::anthropic(429, "rate_limit_error", "Slow down")
            .with_header("retry-after-ms", "250")
            .with_header("x-should-retry", "true"),
    );
    emu.push_fault(
        Fault::aws(429, "ThrottlingException", "Rate exceeded").with_header("retry-after", "3"),
    );
    emu.push_fault(
        Fault::raw(
            503,
            vec![("content-type".to_owned(), "text/plain".to_owned())],
            "busy",
        )
        .with_header("retry-after", "7"),
    );
    let claude = keyed(&emu, hello()).send(emu.addr()).await;
    assert_eq!(claude.error(), (429, "rate_limit_error".to_owned()));
    assert_eq!(claude.header("retry-after-ms"), Some("250"));
    assert_eq!(claude.header("x-should-retry"), Some("true"));
    assert!(claude.header("request-id").is_some());

    let aws = keyed(&emu, hello()).send(emu.addr()).await;
    assert_eq!(aws.status, 429);
    assert_eq!(aws.header("retry-after"), Some("3"));
    assert!(aws.header("request-id").is_none());

    let raw = keyed(&emu, hello()).send(emu.addr()).await;
    assert_eq!(raw.status, 503);
    assert_eq!(raw.header("content-type"), Some("text/plain"));
    assert_eq!(raw.header("retry-after"), Some("7"));

    // Other faults are unchanged.
    assert_eq!(Fault::cut_body().with_header("a", "b"), Fault::CutBody);
    let verdicts: Vec<String> = emu.requests().into_iter().map(|r| r.verdict).collect();
    assert_eq!(
        verdicts,
        ["rate_limit_error", "ThrottlingException", "api_error"]
    );
}

#[tokio::test]
async fn a_slow_fault_delays_a_normal_answer() {
    let emu = start().await;
    let delay = Duration::from_millis(300);
    emu.push_fault(Fault::slow(delay));
    let began = Instant::now();
    let answer = keyed(&emu, hello()).send(emu.addr()).await;
    let took = began.elapsed();
    assert_eq!(answer.status, 200, "{answer:?}");
    assert!(took >= delay, "{took:?}");
    assert_eq!(emu.pending_faults(), 0);
    let record = &emu.requests()[0];
    // Arrival is stamped before the pause.
    let answered_after = SystemTime::now()
        .duration_since(record.received_at)
        .unwrap_or_default();
    assert!(answered_after >= delay, "{answered_after:?}");

    // A slow request still goes through authentication.
    emu.push_fault(Fault::slow(Duration::from_millis(50)));
    let unsigned = Req::claude(&emu, "POST", "/v1/messages", hello())
        .send(emu.addr())
        .await;
    assert_eq!(unsigned.error().1, "MissingAuthenticationTokenException");
    // And the next one is not paused: it overtakes a request the scenario
    // pauses for far longer.
    let paused = tokio::spawn(
        keyed(&emu, hello())
            .header("x-emulator-scenario", "delay-ms=60000")
            .send(emu.addr()),
    );
    assert_eq!(keyed(&emu, hello()).send(emu.addr()).await.status, 200);
    assert!(!paused.is_finished(), "the unpaused request came second");
    paused.abort();

    // One fault per request: a stream fault behind a slow one waits for the
    // next streaming request.
    emu.push_fault(Fault::slow(Duration::from_millis(10)));
    emu.push_fault(Fault::stream(StreamScript::new().cut_after(2)));
    let slow = stream(keyed(&emu, streaming(hello())), emu.addr()).await;
    assert!(slow.complete);
    let cut = stream(keyed(&emu, streaming(hello())), emu.addr()).await;
    assert!(!cut.complete);
    assert_eq!(emu.pending_faults(), 0);
}

#[tokio::test]
async fn a_cut_body_stops_halfway_through_the_announced_length() {
    let emu = start().await;
    emu.push_fault(Fault::cut_body());
    let cut = stream(keyed(&emu, hello()), emu.addr()).await;
    assert_eq!(cut.status, 200);
    let declared: usize = cut
        .header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or_default();
    let received = cut.body().len();
    assert!(declared > 100, "{cut:?}");
    assert_eq!(received, declared / 2, "{cut:?}");
    assert!(cut.header("request-id").is_some());
    let record = &emu.requests()[0];
    assert_eq!(record.verdict, "body_cut");
    assert_eq!(record.status, 200);

    // The same request answered in full has exactly the announced length.
    let whole = stream(keyed(&emu, hello()), emu.addr()).await;
    assert_eq!(
        whole.header("content-length").and_then(|v| v.parse().ok()),
        Some(whole.body().len())
    );
    assert_eq!(whole.body().len(), declared);

    // A stream is cut after message_start.
    emu.push_fault(Fault::cut_body());
    let events = stream(keyed(&emu, streaming(hello())), emu.addr()).await;
    assert!(!events.complete);
    assert_eq!(events.names(), ["message_start"]);
}

#[tokio::test]
async fn arrival_times_are_recorded_in_order() {
    let emu = start().await;
    let before = SystemTime::now();
    for _ in 0..3 {
        assert_eq!(keyed(&emu, hello()).send(emu.addr()).await.status, 200);
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let after = SystemTime::now();
    let times: Vec<SystemTime> = emu.requests().iter().map(|r| r.received_at).collect();
    assert_eq!(times.len(), 3);
    assert!(times[0] >= before && times[2] <= after);
    for pair in times.windows(2) {
        let gap = pair[1].duration_since(pair[0]).unwrap_or_default();
        assert!(gap >= Duration::from_millis(25), "{gap:?}");
    }
}

#[tokio::test]
async fn fast_mode_answers_anything() {
    let emu = started(Emulator::builder().fast(true)).await;
    assert!(emu.is_fast());
    // No credentials, no workspace, no version, no signature.
    let answer = Req::new(&emu, "POST", "/v1/messages")
        .header("content-type", "application/json")
        .header("x-emulator-scenario", "")
        .header("authorization", "AWS4-HMAC-SHA256 nonsense")
        .with_body(&json!({"model": "claude-haiku-4-5", "max_tokens": 1, "messages": []}))
        .send(emu.addr())
        .await;
    assert_eq!(answer.status, 200, "{answer:?}");
    let message = answer.json();
    assert_eq!(message["model"], "claude-haiku-4-5");
    assert_eq!(
        message["content"][0]["text"],
        "Hello from the local Claude Platform on AWS."
    );
    assert!(answer.header("request-id").is_some());

    let events = stream(
        Req::new(&emu, "POST", "/v1/messages").with_body(&json!({"model": "m", "stream": true})),
        emu.addr(),
    )
    .await;
    assert!(events.complete);
    assert_eq!(
        accumulate(&events.events())["content"][0]["text"],
        "Hello from the local Claude Platform on AWS."
    );

    // Scenarios still apply, in both forms.
    let long = stream(
        Req::new(&emu, "POST", "/v1/messages")
            .with_body(&json!({"model": "m~stream-text-bytes=40000", "stream": true})),
        emu.addr(),
    )
    .await;
    let message = accumulate(&long.events());
    assert_eq!(message["model"], "m");
    assert_eq!(
        message["content"][0]["text"].as_str().map(str::len),
        Some(40_000)
    );
    // Token-sized deltas on request.
    let small = stream(
        Req::new(&emu, "POST", "/v1/messages").with_body(
            &json!({"model": "m~stream-text-bytes=1000;text-delta-bytes=7", "stream": true}),
        ),
        emu.addr(),
    )
    .await;
    let deltas: Vec<usize> = small
        .events()
        .iter()
        .filter(|(name, _)| name == "content_block_delta")
        .map(|(_, d)| d["delta"]["text"].as_str().map_or(0, str::len))
        .collect();
    assert_eq!(deltas.len(), 1000usize.div_ceil(7));
    assert!(
        deltas[..deltas.len() - 1].iter().all(|&n| n == 7),
        "{deltas:?}"
    );
    assert_eq!(deltas.iter().sum::<usize>(), 1000);
    let failed = Req::new(&emu, "GET", "/v1/models")
        .header("x-emulator-scenario", "status=529")
        .send(emu.addr())
        .await;
    assert_eq!(failed.error(), (529, "overloaded_error".to_owned()));

    // Counted, not recorded.
    assert_eq!(emu.request_count(), 5);
    assert!(emu.requests().is_empty());
}

#[tokio::test]
async fn the_request_log_has_one_json_line_per_request_and_no_secrets() {
    let dir = match tempfile::tempdir() {
        Ok(dir) => dir,
        Err(e) => panic!("temp dir: {e}"),
    };
    let path = dir.path().join("requests.jsonl");
    let began = SystemTime::now();
    let emu = started(builder().request_log(&path)).await;
    assert_eq!(emu.request_log_path(), Some(path.as_path()));

    let signed = Req::claude(&emu, "POST", "/v1/messages", hello())
        .header("x-stainless-retry-count", "2")
        .sign()
        .send(emu.addr())
        .await;
    assert_eq!(signed.status, 200);
    let keyed_answer = keyed(&emu, hello())
        .header("x-emulator-scenario", "status=529;times=1")
        .send(emu.addr())
        .await;
    assert_eq!(keyed_answer.status, 529);
    let session = Req::claude(&emu, "GET", "/v1/models?limit=1", Value::Null)
        .sign_at(
            "ASIASESSION",
            "session-secret",
            Some("session-token-123"),
            SystemTime::now(),
        )
        .send(emu.addr())
        .await;
    assert_eq!(session.status, 200, "{session:?}");
    let unsigned = Req::claude(&emu, "GET", "/v1/models", Value::Null)
        .send(emu.addr())
        .await;
    assert_eq!(unsigned.status, 403);

    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) => panic!("read log: {e}"),
    };
    for secret in [SECRET, API_KEY, "session-secret", "session-token-123"] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or(Value::Null))
        .collect();
    assert_eq!(lines.len(), 4, "{text}");
    let records = emu.requests();
    // Every line, written out (the time is checked on its own below).
    let expected = [
        json!({
            "time": lines[0]["time"], "method": "POST", "path": "/v1/messages", "auth": "sigv4",
            "access_key_id": AKID, "verdict": "ok", "status": 200,
            "aws_request_id": signed.header("x-amzn-requestid"),
            "anthropic_request_id": signed.header("request-id"), "attempt": 2,
        }),
        json!({
            "time": lines[1]["time"], "method": "POST", "path": "/v1/messages", "auth": "api_key",
            "verdict": "overloaded_error", "status": 529,
            "aws_request_id": keyed_answer.header("x-amzn-requestid"),
            "anthropic_request_id": keyed_answer.header("request-id"), "attempt": null,
            "scenario": "status=529;times=1",
        }),
        json!({
            "time": lines[2]["time"], "method": "GET", "path": "/v1/models?limit=1",
            "auth": "sigv4", "access_key_id": "ASIASESSION", "verdict": "ok", "status": 200,
            "aws_request_id": session.header("x-amzn-requestid"),
            "anthropic_request_id": session.header("request-id"), "attempt": null,
        }),
        json!({
            "time": lines[3]["time"], "method": "GET", "path": "/v1/models", "auth": "none",
            "verdict": "MissingAuthenticationTokenException", "status": 403,
            "aws_request_id": unsigned.header("x-amzn-requestid"),
            "anthropic_request_id": null, "attempt": null,
        }),
    ];
    assert_eq!(records.len(), expected.len());
    for ((line, record), expected) in lines.iter().zip(&records).zip(&expected) {
        assert_eq!(line, expected);
        assert_eq!(
            serde_json::from_str::<Value>(&record.to_log_line())
                .ok()
                .as_ref(),
            Some(expected)
        );
        let time = line["time"].as_str().unwrap_or_default();
        assert!(time.len() == 24 && time.ends_with('Z'), "{time}");
        let at = time::parse_rfc3339(time);
        assert!(
            at.is_some_and(|at| at + Duration::from_secs(1) >= began && at <= SystemTime::now()),
            "{time}"
        );
        for field in [
            "method",
            "path",
            "auth",
            "verdict",
            "status",
            "aws_request_id",
            "anthropic_request_id",
            "attempt",
        ] {
            assert!(line.get(field).is_some(), "{field} missing in {line}");
        }
    }

    assert_eq!(lines[0]["method"], "POST");
    assert_eq!(lines[0]["path"], "/v1/messages");
    assert_eq!(lines[0]["auth"], "sigv4");
    assert_eq!(lines[0]["access_key_id"], AKID);
    assert_eq!(lines[0]["verdict"], "ok");
    assert_eq!(lines[0]["status"], 200);
    assert_eq!(lines[0]["attempt"], 2);
    assert_eq!(
        lines[0]["aws_request_id"].as_str(),
        signed.header("x-amzn-requestid")
    );
    assert_eq!(
        lines[0]["anthropic_request_id"].as_str(),
        signed.header("request-id")
    );
    assert!(lines[0].get("scenario").is_none());

    assert_eq!(lines[1]["auth"], "api_key");
    assert!(lines[1].get("access_key_id").is_none());
    assert_eq!(lines[1]["verdict"], "overloaded_error");
    assert_eq!(lines[1]["status"], 529);
    assert_eq!(lines[1]["attempt"], Value::Null);
    assert_eq!(lines[1]["scenario"], "status=529;times=1");

    assert_eq!(lines[2]["path"], "/v1/models?limit=1");
    assert_eq!(lines[2]["access_key_id"], "ASIASESSION");

    assert_eq!(lines[3]["auth"], "none");
    assert_eq!(lines[3]["verdict"], "MissingAuthenticationTokenException");
    assert_eq!(lines[3]["anthropic_request_id"], Value::Null);
    assert!(lines[3]["aws_request_id"].is_string());

    // The same records in process.
    assert_eq!(records[0].auth, RequestAuth::SigV4);
    assert_eq!(records[0].attempt, Some(2));
    assert_eq!(records[1].auth, RequestAuth::ApiKey);
    assert_eq!(records[1].scenario.as_deref(), Some("status=529;times=1"));
    assert_eq!(records[3].auth, RequestAuth::None);
    assert_eq!(records[3].verdict, "MissingAuthenticationTokenException");
    emu.shutdown().await;

    // A second emulator appends to the same file.
    let emu = started(builder().fast(true).request_log(&path)).await;
    let fast = Req::new(&emu, "POST", "/v1/messages")
        .header("authorization", &format!("Bearer {API_KEY}"))
        .with_body(&json!({"model": "m"}))
        .send(emu.addr())
        .await;
    assert_eq!(fast.status, 200);
    emu.shutdown().await;
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(text.lines().count(), 5);
    assert!(!text.contains(API_KEY));
    let last: Value = text
        .lines()
        .last()
        .and_then(|l| serde_json::from_str(l).ok())
        .unwrap_or_default();
    assert_eq!(last["auth"], "api_key");
    assert_eq!(
        last["anthropic_request_id"].as_str(),
        fast.header("request-id")
    );
}

#[test]
fn builder_debug_shows_the_new_settings() {
    let debug = format!(
        "{:?}",
        builder()
            .clock_ahead(Duration::from_secs(5))
            .fast(true)
            .port(0)
    );
    assert!(
        debug.contains("Ahead(5s)") && debug.contains("fast: true"),
        "{debug}"
    );
    assert!(!debug.contains(SECRET) && !debug.contains(API_KEY));
}
