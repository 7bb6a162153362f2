//! Message Batches over loopback HTTP, authenticated with an API key.

use std::time::Duration;

use anthropic_aws_emulator::time::parse_rfc3339;
use anthropic_aws_emulator::{Emulator, EmulatorBuilder, EmulatorHandle, RequestCounts};
use serde_json::{Value, json};

const KEY: &str = "sk-batches-test";

/// A client for one emulator: bearer key, workspace and version headers.
struct Api {
    http: reqwest::Client,
    base: String,
    workspace: String,
}

/// Status, headers and JSON body of an answer.
struct Answer {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: Value,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    fn error_type(&self) -> &str {
        self.body["error"]["type"].as_str().unwrap_or_default()
    }

    fn message(&self) -> &str {
        self.body["error"]["message"].as_str().unwrap_or_default()
    }
}

async fn start(builder: EmulatorBuilder) -> (EmulatorHandle, Api) {
    let emulator = builder.api_key(KEY).start().await.expect("emulator starts");
    let api = Api {
        http: reqwest::Client::new(),
        base: emulator.base_url(),
        workspace: emulator.workspace_id().to_owned(),
    };
    (emulator, api)
}

impl Api {
    fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.base))
            .header("authorization", format!("Bearer {KEY}"))
            .header("anthropic-workspace-id", &self.workspace)
            .header("anthropic-version", "2026-10-21")
            .header("content-type", "application/json")
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> Answer {
        let response = request.send().await.expect("request sent");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.expect("body read");
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Answer {
            status,
            headers,
            body,
        }
    }

    async fn get(&self, path: &str) -> Answer {
        self.send(self.request(reqwest::Method::GET, path)).await
    }

    async fn post(&self, path: &str, body: &Value) -> Answer {
        let request = self
            .request(reqwest::Method::POST, path)
            .body(body.to_string());
        self.send(request).await
    }

    async fn delete(&self, path: &str) -> Answer {
        self.send(self.request(reqwest::Method::DELETE, path)).await
    }

    async fn create(&self, requests: Value) -> Answer {
        self.post("/v1/messages/batches", &json!({ "requests": requests }))
            .await
    }

    /// The results as (status, content-type, lines parsed).
    async fn results(&self, id: &str) -> (u16, String, Vec<Value>) {
        let response = self
            .request(
                reqwest::Method::GET,
                &format!("/v1/messages/batches/{id}/results"),
            )
            .header("accept", "application/binary")
            .send()
            .await
            .expect("request sent");
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let text = response.text().await.expect("body read");
        let lines = text
            .lines()
            .map(|l| serde_json::from_str(l).expect("each line is JSON"))
            .collect();
        (status, content_type, lines)
    }
}

fn params(model: &str, text: &str) -> Value {
    json!({
        "model": model,
        "max_tokens": 64,
        "messages": [{ "role": "user", "content": text }],
    })
}

fn request(custom_id: &str, model: &str) -> Value {
    json!({ "custom_id": custom_id, "params": params(model, &format!("hi from {custom_id}")) })
}

fn id_of(answer: &Answer) -> String {
    answer.body["id"].as_str().expect("an id").to_owned()
}

fn counts(batch: &Value) -> RequestCounts {
    let n = |k: &str| batch["request_counts"][k].as_u64().expect("a count");
    RequestCounts {
        processing: n("processing"),
        succeeded: n("succeeded"),
        errored: n("errored"),
        canceled: n("canceled"),
        expired: n("expired"),
    }
}

fn by_custom_id<'a>(lines: &'a [Value], id: &str) -> &'a Value {
    lines
        .iter()
        .find(|l| l["custom_id"] == id)
        .unwrap_or_else(|| panic!("no result for {id}"))
}

#[tokio::test]
async fn a_batch_ends_at_once_with_results_of_every_type() {
    let (emulator, api) = start(Emulator::builder()).await;
    let created = api
        .create(json!([
            request("ok", "claude-opus-4-8"),
            request("overloaded", "claude-opus-4-8~status=529"),
            request(
                "limited",
                "claude-opus-4-8~type=rate_limit_error;message=slow%20down"
            ),
            request("late", "claude-opus-4-8~batch-expire=true"),
        ]))
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    assert!(
        created
            .header("x-amzn-requestid")
            .is_some_and(|v| !v.is_empty())
    );
    assert!(
        created
            .header("request-id")
            .is_some_and(|v| v.starts_with("req_"))
    );
    let batch = &created.body;
    let id = id_of(&created);
    assert!(id.starts_with("msgbatch_"), "{id}");
    assert_eq!(batch["type"], "message_batch");
    assert_eq!(batch["processing_status"], "ended");
    assert_eq!(
        counts(batch),
        RequestCounts {
            succeeded: 1,
            errored: 2,
            expired: 1,
            ..RequestCounts::default()
        }
    );
    let created_at = parse_rfc3339(batch["created_at"].as_str().unwrap_or_default());
    let expires_at = parse_rfc3339(batch["expires_at"].as_str().unwrap_or_default());
    assert_eq!(
        expires_at.and_then(|e| created_at.and_then(|c| e.duration_since(c).ok())),
        Some(Duration::from_secs(24 * 3600))
    );
    assert_eq!(batch["ended_at"], batch["created_at"]);
    assert_eq!(batch["cancel_initiated_at"], Value::Null);
    assert_eq!(batch["archived_at"], Value::Null);
    assert_eq!(
        batch["results_url"],
        format!("{}/v1/messages/batches/{id}/results", emulator.base_url())
    );

    let retrieved = api.get(&format!("/v1/messages/batches/{id}")).await;
    assert_eq!(retrieved.status, 200);
    assert_eq!(&retrieved.body, batch);

    let (status, content_type, lines) = api.results(&id).await;
    assert_eq!(status, 200);
    assert_eq!(content_type, "application/binary");
    assert_eq!(lines.len(), 4);

    // The Message is the one POST /v1/messages answers to the same params.
    let direct = api
        .post("/v1/messages", &params("claude-opus-4-8", "hi from ok"))
        .await;
    assert_eq!(direct.status, 200);
    let ok = &by_custom_id(&lines, "ok")["result"];
    assert_eq!(ok["type"], "succeeded");
    let mut message = ok["message"].clone();
    let mut expected = direct.body.clone();
    for m in [&mut message, &mut expected] {
        m["id"] = Value::Null;
    }
    assert_eq!(message, expected);
    assert!(
        ok["message"]["id"]
            .as_str()
            .is_some_and(|m| m.starts_with("msg_"))
    );

    assert_eq!(
        by_custom_id(&lines, "overloaded")["result"],
        json!({"type": "errored", "error": {"type": "error",
            "error": {"type": "overloaded_error", "message": "Overloaded"}}})
    );
    assert_eq!(
        by_custom_id(&lines, "limited")["result"]["error"]["error"],
        json!({"type": "rate_limit_error", "message": "slow down"})
    );
    assert_eq!(
        by_custom_id(&lines, "late")["result"],
        json!({"type": "expired"})
    );

    let infos = emulator.batches();
    assert_eq!(infos.len(), 1);
    assert_eq!(infos[0].id, id);
    assert_eq!(infos[0].custom_ids, ["ok", "overloaded", "limited", "late"]);
    assert_eq!(emulator.batch_create_count(), 1);
    emulator.shutdown().await;
}

#[tokio::test]
async fn scenario_times_in_a_batch_count_like_requests_do() {
    let (emulator, api) = start(Emulator::builder()).await;
    let created = api
        .create(json!([
            request("first", "claude-opus-4-8~status=500;times=1"),
            request("second", "claude-opus-4-8~status=500;times=1"),
        ]))
        .await;
    assert_eq!(counts(&created.body).errored, 1);
    let (_, _, lines) = api.results(&id_of(&created)).await;
    assert_eq!(by_custom_id(&lines, "first")["result"]["type"], "errored");
    assert_eq!(
        by_custom_id(&lines, "second")["result"]["type"],
        "succeeded"
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn batch_requests_get_structured_outputs_and_tool_calls() {
    let (emulator, api) = start(Emulator::builder()).await;
    let schema = json!({"type": "object", "properties": {"n": {"type": "integer", "minimum": 5}},
                        "required": ["n"], "additionalProperties": false});
    let mut structured = params("claude-opus-4-8", "count");
    structured["output_config"] = json!({"format": {"type": "json_schema", "schema": schema}});
    let mut tools = params(
        "claude-opus-4-8~tool-calls=2;stop-reason=max_tokens;times=0",
        "go",
    );
    tools["tools"] = json!([{"name": "f", "input_schema": {"type": "object"}}]);
    let mut unknown = params("claude-opus-4-8~tool-use=nope", "go");
    unknown["tools"] = tools["tools"].clone();
    let refused = api
        .create(json!([{"custom_id": "bad", "params": unknown}]))
        .await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(
        refused
            .message()
            .starts_with("requests.0.params.model: emulator scenario: tool-use names `nope`"),
        "{}",
        refused.message()
    );
    let created = api
        .create(json!([
            {"custom_id": "structured", "params": structured},
            {"custom_id": "tools", "params": tools},
        ]))
        .await;
    assert_eq!(counts(&created.body).succeeded, 2, "{}", created.body);
    let (_, _, lines) = api.results(&id_of(&created)).await;
    let message = |id: &str| by_custom_id(&lines, id)["result"]["message"].clone();
    assert_eq!(message("structured")["content"][0]["text"], r#"{"n":5}"#);
    // times=0: the scripted stop never hits; the tool calls are shapes and always do.
    let called = message("tools");
    assert_eq!(called["stop_reason"], "tool_use");
    assert_eq!(called["content"][1]["id"], "toolu_emu_2");
    emulator.shutdown().await;
}

#[tokio::test]
async fn a_header_can_expire_a_whole_batch() {
    let (emulator, api) = start(Emulator::builder()).await;
    let created = api
        .send(
            api.request(reqwest::Method::POST, "/v1/messages/batches")
                .header("x-emulator-scenario", "batch-expire=true")
                .body(json!({"requests": [request("a", "m"), request("b", "m")]}).to_string()),
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    assert_eq!(counts(&created.body).expired, 2);
    let (_, _, lines) = api.results(&id_of(&created)).await;
    assert!(lines.iter().all(|l| l["result"]["type"] == "expired"));
    emulator.shutdown().await;
}

#[tokio::test]
async fn an_unfinished_batch_is_canceled_then_deleted() {
    let (emulator, api) =
        start(Emulator::builder().batch_processing_delay(Duration::from_secs(3600))).await;
    let created = api
        .create(json!([
            request("a", "m"),
            request("b", "m~batch-expire=true"),
            request("c", "m")
        ]))
        .await;
    let id = id_of(&created);
    assert_eq!(created.body["processing_status"], "in_progress");
    assert_eq!(
        counts(&created.body),
        RequestCounts {
            processing: 3,
            ..RequestCounts::default()
        }
    );
    assert_eq!(created.body["results_url"], Value::Null);
    assert_eq!(created.body["ended_at"], Value::Null);

    let early = api.get(&format!("/v1/messages/batches/{id}/results")).await;
    assert_eq!(
        (early.status, early.error_type()),
        (400, "invalid_request_error")
    );
    assert!(
        early.message().contains("in_progress"),
        "{}",
        early.message()
    );
    let refused = api.delete(&format!("/v1/messages/batches/{id}")).await;
    assert_eq!(
        (refused.status, refused.error_type()),
        (400, "invalid_request_error")
    );
    assert!(refused.header("request-id").is_some());

    let canceled = api
        .post(&format!("/v1/messages/batches/{id}/cancel"), &json!({}))
        .await;
    assert_eq!(canceled.status, 200);
    assert_eq!(canceled.body["processing_status"], "canceling");
    assert!(canceled.body["cancel_initiated_at"].is_string());

    // The cancel delay is 0: by the next read it has ended.
    let ended = api.get(&format!("/v1/messages/batches/{id}")).await;
    assert_eq!(ended.body["processing_status"], "ended");
    assert_eq!(
        counts(&ended.body),
        RequestCounts {
            canceled: 3,
            ..RequestCounts::default()
        }
    );
    assert_eq!(ended.body["ended_at"], ended.body["cancel_initiated_at"]);
    assert!(ended.body["results_url"].is_string());
    let again = api
        .post(&format!("/v1/messages/batches/{id}/cancel"), &json!({}))
        .await;
    assert_eq!(again.body, ended.body);

    let (status, _, lines) = api.results(&id).await;
    assert_eq!(status, 200);
    let kinds: Vec<(&str, &str)> = lines
        .iter()
        .map(|l| {
            (
                l["custom_id"].as_str().unwrap_or_default(),
                l["result"]["type"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [("a", "canceled"), ("b", "canceled"), ("c", "canceled")]
    );

    let deleted = api.delete(&format!("/v1/messages/batches/{id}")).await;
    assert_eq!(deleted.status, 200);
    assert_eq!(
        deleted.body,
        json!({"id": id, "type": "message_batch_deleted"})
    );
    let gone = api.get(&format!("/v1/messages/batches/{id}")).await;
    assert_eq!((gone.status, gone.error_type()), (404, "not_found_error"));
    assert!(emulator.batches().is_empty());
    emulator.shutdown().await;
}

#[tokio::test]
async fn a_canceling_batch_cannot_be_deleted() {
    let (emulator, api) = start(
        Emulator::builder()
            .batch_processing_delay(Duration::from_secs(3600))
            .batch_cancel_delay(Duration::from_secs(3600)),
    )
    .await;
    let id = id_of(&api.create(json!([request("a", "m")])).await);
    api.post(&format!("/v1/messages/batches/{id}/cancel"), &json!({}))
        .await;
    let batch = api.get(&format!("/v1/messages/batches/{id}")).await;
    assert_eq!(batch.body["processing_status"], "canceling");
    assert_eq!(counts(&batch.body).processing, 1);
    let refused = api.delete(&format!("/v1/messages/batches/{id}")).await;
    assert_eq!(refused.status, 400);
    assert!(
        refused.message().contains("canceling"),
        "{}",
        refused.message()
    );
    assert_eq!(emulator.batches()[0].processing_status, "canceling");
    emulator.shutdown().await;
}

#[tokio::test]
async fn unknown_batches_are_not_found_on_every_route() {
    let (emulator, api) = start(Emulator::builder()).await;
    let id = "msgbatch_01nothere";
    for answer in [
        api.get(&format!("/v1/messages/batches/{id}")).await,
        api.get(&format!("/v1/messages/batches/{id}/results")).await,
        api.post(&format!("/v1/messages/batches/{id}/cancel"), &json!({}))
            .await,
        api.delete(&format!("/v1/messages/batches/{id}")).await,
    ] {
        assert_eq!(
            (answer.status, answer.error_type()),
            (404, "not_found_error")
        );
        assert!(answer.message().contains(id));
        assert!(answer.body["request_id"].is_string());
    }
    emulator.shutdown().await;
}

#[tokio::test]
async fn the_list_pages_newest_first_across_pages() {
    let (emulator, api) = start(Emulator::builder()).await;
    let mut created = Vec::new();
    for i in 0..21 {
        created.push(id_of(
            &api.create(json!([request(&format!("r{i}"), "m")])).await,
        ));
    }
    let newest_first: Vec<String> = created.iter().rev().cloned().collect();

    let first = api.get("/v1/messages/batches").await;
    assert_eq!(first.body["data"].as_array().map(Vec::len), Some(20));
    assert_eq!(first.body["has_more"], true);
    assert_eq!(first.body["first_id"], newest_first[0].as_str());

    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    let mut pages = 0;
    loop {
        let path = match &after {
            Some(id) => format!("/v1/messages/batches?limit=8&after_id={id}"),
            None => "/v1/messages/batches?limit=8".to_owned(),
        };
        let page = api.get(&path).await;
        assert_eq!(page.status, 200, "{}", page.body);
        pages += 1;
        let ids: Vec<String> = page.body["data"]
            .as_array()
            .expect("data")
            .iter()
            .map(|b| b["id"].as_str().unwrap_or_default().to_owned())
            .collect();
        assert_eq!(page.body["first_id"], ids[0].as_str());
        assert_eq!(page.body["last_id"], ids[ids.len() - 1].as_str());
        seen.extend(ids);
        if page.body["has_more"] == false {
            break;
        }
        after = page.body["last_id"].as_str().map(str::to_owned);
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, newest_first);

    // before_id: the page just newer than a batch, still newest first.
    let before = api
        .get(&format!(
            "/v1/messages/batches?limit=3&before_id={}",
            newest_first[10]
        ))
        .await;
    let ids: Vec<&str> = before.body["data"]
        .as_array()
        .expect("data")
        .iter()
        .filter_map(|b| b["id"].as_str())
        .collect();
    assert_eq!(
        ids,
        newest_first[7..10]
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
    );
    assert_eq!(before.body["has_more"], true);
    let newest = api
        .get(&format!(
            "/v1/messages/batches?before_id={}",
            newest_first[2]
        ))
        .await;
    assert_eq!(newest.body["data"].as_array().map(Vec::len), Some(2));
    assert_eq!(newest.body["has_more"], false);

    // A deleted batch still works as a cursor.
    api.delete(&format!("/v1/messages/batches/{}", newest_first[5]))
        .await;
    let after_deleted = api
        .get(&format!(
            "/v1/messages/batches?limit=1&after_id={}",
            newest_first[5]
        ))
        .await;
    assert_eq!(after_deleted.body["first_id"], newest_first[6].as_str());

    for bad in [
        "limit=0",
        "limit=1001",
        "limit=x",
        "after_id=msgbatch_01nope",
    ] {
        let answer = api.get(&format!("/v1/messages/batches?{bad}")).await;
        assert_eq!(
            (answer.status, answer.error_type()),
            (400, "invalid_request_error"),
            "{bad}"
        );
    }
    let both = api
        .get(&format!(
            "/v1/messages/batches?after_id={0}&before_id={0}",
            newest_first[0]
        ))
        .await;
    assert_eq!(both.status, 400);
    let max = api.get("/v1/messages/batches?limit=1000").await;
    assert_eq!(max.body["data"].as_array().map(Vec::len), Some(20));
    assert_eq!(max.body["has_more"], false);
    emulator.shutdown().await;
}

#[tokio::test]
async fn progress_is_visible_while_a_batch_processes() {
    // A delay so long that no request finishes during the test.
    let (emulator, api) =
        start(Emulator::builder().batch_processing_delay(Duration::from_secs(86_000))).await;
    let listed = {
        api.create(json!([request("a", "m"), request("b", "m")]))
            .await;
        api.get("/v1/messages/batches").await
    };
    assert_eq!(listed.body["data"][0]["processing_status"], "in_progress");
    assert_eq!(counts(&listed.body["data"][0]).processing, 2);
    let info = &emulator.batches()[0];
    assert_eq!(info.request_counts.total(), 2);
    assert_eq!(info.ended_at, None);
    emulator.shutdown().await;
}

#[tokio::test]
async fn invalid_creates_are_refused_and_store_nothing() {
    let (emulator, api) = start(Emulator::builder()).await;
    let long = "x".repeat(65);
    let cases: Vec<(Value, &str)> = vec![
        (json!({}), "requests: Field required"),
        (json!({"requests": []}), "at least one request"),
        (json!({"requests": "no"}), "requests"),
        (
            json!({"requests": [{"params": params("m", "x")}]}),
            "requests.0.custom_id: Field required",
        ),
        (
            json!({"requests": [{"custom_id": "", "params": params("m", "x")}]}),
            "requests.0.custom_id",
        ),
        (
            json!({"requests": [{"custom_id": long, "params": params("m", "x")}]}),
            "requests.0.custom_id",
        ),
        (
            json!({"requests": [{"custom_id": "a b", "params": params("m", "x")}]}),
            "requests.0.custom_id",
        ),
        (
            json!({"requests": [request("a", "m"), request("a", "m")]}),
            "requests.1.custom_id: 'a'",
        ),
        (
            json!({"requests": [request("a", "m"), {"custom_id": "b"}]}),
            "requests.1.params: Field required",
        ),
        (
            json!({"requests": [request("a", "m"), {"custom_id": "b", "params": {"model": "m", "messages": []}}]}),
            "requests.1.params.max_tokens",
        ),
        (
            json!({"requests": [{"custom_id": "t", "params": {"model": "m", "max_tokens": 5, "temperature": 1,
                "messages": [{"role": "user", "content": "x"}]}}]}),
            "requests.0.params.temperature",
        ),
        (
            json!({"requests": [{"custom_id": "s", "params": {"model": "m", "max_tokens": 5, "stream": true,
                "messages": [{"role": "user", "content": "x"}]}}]}),
            "requests.0.params.stream",
        ),
        (
            json!({"requests": [request("a", "m~statuz=1")]}),
            "requests.0.params.model: emulator scenario",
        ),
    ];
    for (body, needle) in &cases {
        let answer = api.post("/v1/messages/batches", body).await;
        assert_eq!(
            (answer.status, answer.error_type()),
            (400, "invalid_request_error"),
            "{body}"
        );
        assert!(
            answer.message().contains(needle),
            "{body}: {}",
            answer.message()
        );
    }
    let id_64 = "y".repeat(64);
    let fine = api
        .create(json!([request(&id_64, "m"), request("A-z_0-9", "m")]))
        .await;
    assert_eq!(fine.status, 200, "{}", fine.body);
    assert_eq!(emulator.batches().len(), 1);
    assert_eq!(emulator.batch_create_count(), cases.len() + 1);
    emulator.shutdown().await;
}

#[tokio::test]
async fn a_batch_holds_at_most_100_000_requests() {
    let (emulator, api) = start(Emulator::builder()).await;
    let mut body = String::from("{\"requests\":[");
    for i in 0..100_001 {
        if i > 0 {
            body.push(',');
        }
        body.push_str(&format!(
            "{{\"custom_id\":\"r{i}\",\"params\":{{\"model\":\"m\",\"max_tokens\":1,\
             \"messages\":[{{\"role\":\"user\",\"content\":\"x\"}}]}}}}"
        ));
    }
    body.push_str("]}");
    let answer = api
        .send(
            api.request(reqwest::Method::POST, "/v1/messages/batches")
                .body(body),
        )
        .await;
    assert_eq!(
        (answer.status, answer.error_type()),
        (400, "invalid_request_error")
    );
    assert!(answer.message().contains("100000"), "{}", answer.message());
    assert!(emulator.batches().is_empty());
    emulator.shutdown().await;
}

#[tokio::test]
async fn a_body_over_256_mb_is_request_too_large() {
    let (emulator, api) = start(Emulator::builder()).await;
    const CHUNK: usize = 1024 * 1024;
    // 256 MiB and one more chunk, streamed: the client never holds it.
    let chunks = 256 + 1;
    let stream =
        futures_util::stream::iter((0..chunks).map(|_| Ok::<_, std::io::Error>(bytes_of(CHUNK))));
    let answer = api
        .send(
            api.request(reqwest::Method::POST, "/v1/messages/batches")
                .body(reqwest::Body::wrap_stream(stream)),
        )
        .await;
    assert_eq!(
        (answer.status, answer.error_type()),
        (413, "request_too_large")
    );
    assert!(answer.message().contains(&(256 * CHUNK).to_string()));
    assert_eq!(emulator.batch_create_count(), 0);
    emulator.shutdown().await;
}

#[tokio::test]
async fn a_batch_body_over_the_messages_limit_is_accepted() {
    let (emulator, api) = start(Emulator::builder()).await;
    // 40 MiB: over the 32 MiB of `POST /v1/messages`, under the batch limit.
    let mut body = json!({"requests": [request("big", "claude-opus-4-8")]})
        .to_string()
        .into_bytes();
    body.extend(bytes_of(40 * 1024 * 1024));
    let created = api
        .send(
            api.request(reqwest::Method::POST, "/v1/messages/batches")
                .body(body.clone()),
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    assert_eq!(counts(&created.body).succeeded, 1);
    assert_eq!(emulator.batches()[0].custom_ids, ["big"]);
    // The same size on `POST /v1/messages` is over its limit.
    let message = api
        .send(
            api.request(reqwest::Method::POST, "/v1/messages")
                .body(body),
        )
        .await;
    assert_eq!(
        (message.status, message.error_type()),
        (413, "request_too_large")
    );
    assert!(message.message().contains(&(32 * 1024 * 1024).to_string()));
    emulator.shutdown().await;
}

fn bytes_of(n: usize) -> Vec<u8> {
    vec![b' '; n]
}

#[tokio::test]
async fn synthetic_results_stream_n_bytes_of_json_lines() {
    let (emulator, api) = start(Emulator::builder()).await;
    const BYTES: u64 = 48 * 1024 * 1024 + 77;
    let created = api
        .send(
            api.request(reqwest::Method::POST, "/v1/messages/batches")
                .header(
                    "x-emulator-scenario",
                    format!("batch-results-bytes={BYTES}"),
                )
                .body(json!({"requests": [request("seed", "claude-opus-4-8")]}).to_string()),
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    let lines_expected = BYTES / 1024;
    assert_eq!(counts(&created.body).succeeded, lines_expected);
    assert_eq!(emulator.batches()[0].synthetic_results_bytes, Some(BYTES));

    let id = id_of(&created);
    let mut response = api
        .request(
            reqwest::Method::GET,
            &format!("/v1/messages/batches/{id}/results"),
        )
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.content_length(), Some(BYTES));
    // Read chunk by chunk, counting bytes and lines; parse a line now and then.
    let (mut total, mut lines) = (0u64, 0u64);
    let mut partial: Vec<u8> = Vec::new();
    while let Some(chunk) = response.chunk().await.expect("chunk") {
        total += chunk.len() as u64;
        for piece in chunk.split_inclusive(|b| *b == b'\n') {
            partial.extend_from_slice(piece);
            if partial.last() == Some(&b'\n') {
                if lines % 10_000 == 0 || lines + 1 == lines_expected {
                    let line: Value = serde_json::from_slice(&partial).expect("JSON line");
                    assert_eq!(line["custom_id"], format!("r{lines}"));
                    assert_eq!(line["result"]["type"], "succeeded");
                    assert_eq!(line["result"]["message"]["model"], "claude-opus-4-8");
                }
                lines += 1;
                partial.clear();
            }
        }
    }
    assert!(partial.is_empty());
    assert_eq!(total, BYTES);
    assert_eq!(lines, lines_expected);

    let too_small = api
        .send(
            api.request(reqwest::Method::POST, "/v1/messages/batches")
                .header("x-emulator-scenario", "batch-results-bytes=10")
                .body(json!({"requests": [request("seed", "m")]}).to_string()),
        )
        .await;
    assert_eq!(too_small.status, 400);
    assert!(too_small.message().contains("batch-results-bytes"));
    emulator.shutdown().await;
}

#[tokio::test]
async fn batch_routes_authenticate_like_every_route() {
    let (emulator, api) = start(Emulator::builder()).await;
    let anonymous = reqwest::Client::new()
        .get(format!("{}/v1/messages/batches", emulator.base_url()))
        .header("anthropic-workspace-id", emulator.workspace_id())
        .header("anthropic-version", "2026-10-21")
        .send()
        .await
        .expect("sent");
    assert_eq!(anonymous.status().as_u16(), 403);
    assert_eq!(
        anonymous
            .headers()
            .get("x-amzn-errortype")
            .and_then(|v| v.to_str().ok()),
        Some("MissingAuthenticationTokenException")
    );
    // The workspace must be the emulator's.
    let other = reqwest::Client::new()
        .post(format!("{}/v1/messages/batches", emulator.base_url()))
        .header("authorization", format!("Bearer {KEY}"))
        .header("anthropic-workspace-id", "wrkspc_other")
        .header("anthropic-version", "2026-10-21")
        .body(json!({"requests": [request("a", "m")]}).to_string())
        .send()
        .await
        .expect("sent");
    assert_eq!(other.status().as_u16(), 404);
    assert_eq!(emulator.batch_create_count(), 0);
    let method = api
        .send(api.request(reqwest::Method::PUT, "/v1/messages/batches"))
        .await;
    assert_eq!(
        (method.status, method.error_type()),
        (405, "invalid_request_error")
    );
    emulator.shutdown().await;
}
