//! Recording a session from an upstream (the emulator in its normal mode), then replaying it
//! with the upstream gone: the same answers byte for byte, both request IDs equal, repeats in
//! order, streams as streams, a miss named, and no secret of either side in the folder.

mod common;

use std::path::Path;

use anthropic_aws_emulator::{Emulator, EmulatorHandle, Fault, RECORDING_FORMAT_VERSION, Upstream};
use aws_credential_types::Credentials;
use common::{Answer, REGION, Req, SESSION_AKID, SESSION_SECRET, TOKEN, WORKSPACE};
use serde_json::{Value, json};

const RECORDER_AKID: &str = "AKIDRECORDERINBOUND";
const RECORDER_SECRET: &str = "recorder/inbound+secret";
const RECORDER_KEY: &str = "sk-recorder-inbound-key";
const BOUNDARY: &str = "recording-test-boundary-41z";

/// One request of the session, replayable against any emulator.
#[derive(Clone)]
enum Step {
    Json(&'static str, String, Value),
    Stream(Value),
    /// A GET whose answer comes chunked (batch results).
    Chunked(String),
    Multipart(&'static str, Vec<u8>),
}

impl Step {
    fn request(&self, emulator: &EmulatorHandle) -> Req {
        let req = match self {
            Step::Json(method, path, body) => Req::claude(emulator, method, path, body.clone()),
            Step::Stream(body) => Req::claude(emulator, "POST", "/v1/messages", body.clone()),
            Step::Chunked(path) => Req::claude(emulator, "GET", path, Value::Null),
            Step::Multipart(path, body) => Req::claude(emulator, "POST", path, Value::Null)
                .header(
                    "content-type",
                    &format!("multipart/form-data; boundary={BOUNDARY}"),
                )
                .with_bytes(body.clone()),
        };
        req.sign_at(
            RECORDER_AKID,
            RECORDER_SECRET,
            None,
            std::time::SystemTime::now(),
        )
    }

    /// Status, headers and the exact body bytes; for a stream, also how many chunks came.
    async fn send(&self, emulator: &EmulatorHandle) -> (Answer, usize) {
        let req = self.request(emulator);
        if let Step::Stream(_) | Step::Chunked(_) = self {
            let streamed = common::stream(req, emulator.addr()).await;
            assert!(streamed.complete, "the stream ended cleanly");
            let chunks = streamed.chunks.len();
            let answer = Answer {
                status: streamed.status,
                headers: streamed.headers.clone(),
                body: streamed.text(),
            };
            return (answer, chunks);
        }
        (req.send(emulator.addr()).await, 1)
    }
}

fn multipart(parts: &[(&str, Option<&str>, &str)]) -> Vec<u8> {
    let mut body = String::new();
    for (name, filename, content) in parts {
        body.push_str(&format!("--{BOUNDARY}\r\n"));
        match filename {
            Some(f) => body.push_str(&format!(
                "content-disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\n\
                 content-type: text/plain\r\n\r\n"
            )),
            None => body.push_str(&format!(
                "content-disposition: form-data; name=\"{name}\"\r\n\r\n"
            )),
        }
        body.push_str(content);
        body.push_str("\r\n");
    }
    body.push_str(&format!("--{BOUNDARY}--\r\n"));
    body.into_bytes()
}

fn recorder(dir: &Path, upstream: &EmulatorHandle) -> anthropic_aws_emulator::EmulatorBuilder {
    let upstream = Upstream::new(upstream.base_url()).sigv4(
        REGION,
        Credentials::new(
            SESSION_AKID,
            SESSION_SECRET,
            Some(TOKEN.to_owned()),
            None,
            "test",
        ),
    );
    Emulator::builder()
        .region(REGION)
        .workspace_id(WORKSPACE)
        .access_key(RECORDER_AKID, RECORDER_SECRET)
        .api_key(RECORDER_KEY)
        .record(dir, upstream)
}

async fn start(builder: anthropic_aws_emulator::EmulatorBuilder) -> EmulatorHandle {
    match builder.start().await {
        Ok(handle) => handle,
        Err(e) => panic!("emulator did not start: {e}"),
    }
}

/// The path of a URL (`http://host:port/path` → `/path`) and its origin.
fn split_url(url: &str) -> (String, String) {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let slash = after_scheme.find('/').unwrap_or(after_scheme.len());
    let origin_len = url.len() - after_scheme.len() + slash;
    (url[..origin_len].to_owned(), url[origin_len..].to_owned())
}

/// Every file under `dir`, as text (lossily).
fn all_text(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap_or_default();
                out.push((
                    path.display().to_string(),
                    String::from_utf8_lossy(&bytes).into_owned(),
                ));
            }
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_recorded_from_the_emulator_replays_byte_for_byte_without_it() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let rec_dir = dir.path().join("rec");
    let upstream = start(common::builder().files_downloadable(true)).await;
    let recording = start(recorder(&rec_dir, &upstream)).await;

    let hello = common::hello();
    let mut streamed = hello.clone();
    streamed["stream"] = json!(true);
    let batch = json!({"requests": [
        {"custom_id": "a", "params": hello.clone()},
        {"custom_id": "b", "params": {"model": "claude-opus-4-8", "max_tokens": 16,
            "messages": [{"role": "user", "content": "Second"}]}},
    ]});
    let skill_md = "---\nname: greet\ndescription: Says hello.\n---\nSay hello.\n";

    // The session, in order; later steps use IDs the earlier ones answered.
    let mut steps = vec![
        Step::Json("POST", "/v1/messages".into(), hello.clone()),
        Step::Stream(streamed.clone()),
        Step::Json(
            "POST",
            "/v1/messages/count_tokens".into(),
            json!({
            "model": "claude-opus-4-8", "messages": [{"role": "user", "content": "Hi"}]}),
        ),
        Step::Json("GET", "/v1/models?limit=2".into(), Value::Null),
        Step::Json("GET", "/v1/models/claude-opus-4-8".into(), Value::Null),
        Step::Json("POST", "/v1/messages/batches".into(), batch),
        Step::Multipart(
            "/v1/files",
            multipart(&[("file", Some("notes.txt"), "some notes to keep")]),
        ),
        Step::Multipart(
            "/v1/skills",
            multipart(&[
                ("display_title", None, "Greeter"),
                ("files[]", Some("greet/SKILL.md"), skill_md),
            ]),
        ),
    ];
    let mut recorded = Vec::new();
    for step in steps.clone() {
        recorded.push(step.send(&recording).await);
    }
    for (answer, _) in &recorded {
        assert_eq!(answer.status, 200, "{}", answer.body);
    }
    // A stream passes through chunk by chunk.
    assert!(recorded[1].1 > 3, "{} chunks", recorded[1].1);
    let batch_id = recorded[5].0.json()["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let file_id = recorded[6].0.json()["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let skill_id = recorded[7].0.json()["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let more = vec![
        Step::Json(
            "GET",
            format!("/v1/messages/batches/{batch_id}"),
            Value::Null,
        ),
        Step::Json("GET", format!("/v1/files/{file_id}/content"), Value::Null),
        Step::Json("GET", format!("/v1/skills/{skill_id}"), Value::Null),
    ];
    for step in more {
        let answer = step.send(&recording).await;
        assert_eq!(answer.0.status, 200, "{}", answer.0.body);
        recorded.push(answer);
        steps.push(step);
    }
    // The batch names this emulator for its results, not the upstream.
    let results_url = recorded[8].0.json()["results_url"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let (origin, results_path) = split_url(&results_url);
    assert_eq!(origin, recording.base_url(), "{results_url}");
    let results = Step::Chunked(results_path.clone());
    let answer = results.send(&recording).await;
    assert_eq!(answer.0.status, 200);
    assert_eq!(answer.0.body.lines().count(), 2, "{}", answer.0.body);
    recorded.push(answer);
    steps.push(results);
    assert_eq!(recorded[9].0.body, "some notes to keep");

    // A 529, then the 200 of the retry: the same request twice, recorded in order.
    upstream.push_fault(Fault::anthropic(529, "overloaded_error", "Overloaded"));
    let retried = Step::Json(
        "POST",
        "/v1/messages".into(),
        json!({
        "model": "claude-opus-4-8", "max_tokens": 9, "messages": [{"role": "user", "content": "Retry me"}]}),
    );
    let first = retried.send(&recording).await.0;
    let second = retried.send(&recording).await.0;
    assert_eq!((first.status, second.status), (529, 200));

    let upstream_requests = upstream.request_count();
    let recording_url = recording.base_url();
    recording.shutdown().await;
    upstream.shutdown().await;

    // Replay, with the upstream gone and without any credentials given.
    let replay = start(Emulator::builder().replay(&rec_dir)).await;
    assert_eq!(replay.replayed_exchanges(), Some(upstream_requests));
    assert_eq!(
        replay.workspace_id(),
        WORKSPACE,
        "the recording's workspace"
    );
    for (i, (step, (want, want_chunks))) in steps.iter().zip(&recorded).enumerate() {
        let (got, chunks) = step.send(&replay).await;
        assert_eq!(got.status, want.status, "step {i}");
        let (got_body, want_body) = if matches!(step, Step::Json(_, p, _) if p.starts_with("/v1/messages/batches"))
        {
            (
                got.body.replace(&replay.base_url(), "ORIGIN"),
                want.body.replace(&recording_url, "ORIGIN"),
            )
        } else {
            (got.body.clone(), want.body.clone())
        };
        assert_eq!(got_body, want_body, "step {i}: byte-identical");
        for id in ["x-amzn-requestid", "request-id", "content-type"] {
            assert_eq!(got.header(id), want.header(id), "step {i}: {id}");
        }
        if let Step::Stream(_) = step {
            assert!(chunks > 3 && *want_chunks > 3, "replayed as a stream");
        }
    }
    let (again_first, again_second) =
        (retried.send(&replay).await.0, retried.send(&replay).await.0);
    assert_eq!(
        (again_first.status, again_second.status),
        (first.status, second.status)
    );
    assert_eq!(again_first.error().1, "overloaded_error");
    assert_eq!(again_second.body, second.body);
    assert_eq!(again_first.header("request-id"), first.header("request-id"));
    // Used up: the last answer again.
    assert_eq!(retried.send(&replay).await.0.body, second.body);

    // The JSON body matches whatever its key order.
    let reordered = Req::claude(
        &replay,
        "POST",
        "/v1/messages",
        Value::Null,
    )
    .header("content-type", "application/json")
    .with_bytes(
        br#"{"messages":[{"content":"Retry me","role":"user"}],"max_tokens":9,"model":"claude-opus-4-8"}"#
            .to_vec(),
    )
    .send(replay.addr())
    .await;
    assert_eq!(reordered.body, second.body);

    // A miss names the method, the path and the nearest recorded request.
    let mut other = hello.clone();
    other["max_tokens"] = json!(65);
    let miss = Step::Json("POST", "/v1/messages".into(), other)
        .send(&replay)
        .await
        .0;
    assert_eq!(miss.error(), (404, "not_found_error".to_owned()));
    let message = miss.json()["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        message.contains("no recorded answer matches POST /v1/messages")
            && message.contains("nearest recorded request is POST /v1/messages")
            && message.contains("max_tokens"),
        "{message}"
    );
    replay.shutdown().await;

    // Nothing secret of either side, nor a credential header, anywhere in the folder.
    let files = all_text(&rec_dir);
    assert!(files.len() > steps.len(), "{} files", files.len());
    for (path, text) in &files {
        let lower = text.to_ascii_lowercase();
        for secret in [
            RECORDER_SECRET,
            RECORDER_KEY,
            SESSION_SECRET,
            TOKEN,
            common::SECRET,
            common::API_KEY,
            "signature=",
            "authorization",
            "x-api-key",
            "x-amz-security-token",
            "x-amz-date",
            "credential=",
        ] {
            assert!(
                !lower.contains(&secret.to_ascii_lowercase()),
                "{secret} in {path}"
            );
        }
    }
    // Readable: a stream is kept as its events, a JSON body as JSON.
    let stream_file = files
        .iter()
        .find(|(p, t)| p.contains("000002-POST-v1-messages") && t.contains("\"events\""));
    assert!(
        stream_file.is_some(),
        "the stream's exchange lists its events"
    );
}

#[tokio::test]
async fn a_replay_checks_the_format_version_and_verifies_callers_given_keys() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let rec_dir = dir.path().join("rec");
    let upstream = start(common::builder()).await;
    let recording = start(recorder(&rec_dir, &upstream)).await;
    let models = Step::Json("GET", "/v1/models".into(), Value::Null);
    let (answer, _) = models.send(&recording).await;
    assert_eq!(answer.status, 200);
    recording.shutdown().await;
    upstream.shutdown().await;

    // Given keys, the replay verifies callers as the emulator always does.
    let replay = start(
        Emulator::builder()
            .region(REGION)
            .api_key("sk-other")
            .replay(&rec_dir),
    )
    .await;
    let refused = models.send(&replay).await.0;
    assert_eq!(refused.error().1, "UnrecognizedClientException");
    let keyed = Req::claude(&replay, "GET", "/v1/models", Value::Null)
        .header("authorization", "Bearer sk-other")
        .send(replay.addr())
        .await;
    assert_eq!(keyed.body, answer.body);
    replay.shutdown().await;

    // Another format version is refused, naming both.
    let manifest = rec_dir.join("recording.json");
    let text = std::fs::read_to_string(&manifest).unwrap_or_default();
    let next = RECORDING_FORMAT_VERSION + 1;
    std::fs::write(
        &manifest,
        text.replace(
            &format!("\"format_version\": {RECORDING_FORMAT_VERSION}"),
            &format!("\"format_version\": {next}"),
        ),
    )
    .expect("the manifest is rewritten");
    let refused = Emulator::builder().replay(&rec_dir).start().await;
    let message = refused.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        message.contains(&format!("version {next}"))
            && message.contains(&format!("reads version {RECORDING_FORMAT_VERSION}")),
        "{message}"
    );
    // And a folder that is no recording.
    let empty = Emulator::builder().replay(dir.path()).start().await;
    assert!(
        empty
            .err()
            .is_some_and(|e| e.to_string().contains("is not a recording")),
    );
}

#[tokio::test]
async fn only_a_caller_the_recorder_accepts_reaches_the_upstream() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let upstream = start(common::builder()).await;
    let recording = start(recorder(&dir.path().join("rec"), &upstream)).await;
    let stranger = Req::claude(&recording, "GET", "/v1/models", Value::Null)
        .header("authorization", "Bearer sk-stranger")
        .send(recording.addr())
        .await;
    assert_eq!(stranger.error(), (401, "authentication_error".to_owned()));
    let unsigned = Req::claude(&recording, "GET", "/v1/models", Value::Null)
        .send(recording.addr())
        .await;
    assert_eq!(unsigned.error().1, "MissingAuthenticationTokenException");
    assert_eq!(upstream.request_count(), 0, "nothing was forwarded");
    let exchanges = std::fs::read_dir(dir.path().join("rec/exchanges"))
        .map(Iterator::count)
        .unwrap_or(usize::MAX);
    assert_eq!(exchanges, 0);
    // An upstream that is gone is a 502 naming it, and nothing is recorded.
    let gone = upstream.base_url();
    upstream.shutdown().await;
    let answer = Req::claude(&recording, "GET", "/v1/models", Value::Null)
        .header("authorization", &format!("Bearer {RECORDER_KEY}"))
        .send(recording.addr())
        .await;
    assert_eq!(answer.status, 502, "{}", answer.body);
    assert!(answer.body.contains(&gone), "{}", answer.body);
}

#[tokio::test]
async fn a_scenario_scripted_upstream_failure_is_recorded_and_replayed_in_order() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let rec_dir = dir.path().join("rec");
    let upstream = start(common::builder()).await;
    let recording = start(recorder(&rec_dir, &upstream)).await;
    let send = |emulator: &EmulatorHandle| {
        Req::claude(emulator, "GET", "/v1/models", Value::Null)
            .header("x-emulator-scenario", "status=529;times=1")
            .header("authorization", &format!("Bearer {RECORDER_KEY}"))
            .send(emulator.addr())
    };
    let first = send(&recording).await;
    let second = send(&recording).await;
    assert_eq!((first.status, second.status), (529, 200), "{}", first.body);
    recording.shutdown().await;
    upstream.shutdown().await;

    let replay = start(Emulator::builder().replay(&rec_dir)).await;
    let again = (send(&replay).await, send(&replay).await);
    assert_eq!((again.0.status, again.1.status), (529, 200));
    assert_eq!(again.0.body, first.body);
    assert_eq!(again.1.body, second.body);
}
