//! A loopback Messages server that answers from a script: the answers in turn (the last one
//! repeats), as JSON or, to a streaming request, as the server-sent events of the same
//! message. It records every request body and numbers both request IDs (`aws-N`, `req_N`,
//! from 1), so a test can check the wire and each step's IDs.

use std::convert::Infallible;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use serde_json::{Value, json};

/// A running scripted server; it stops with the test's runtime.
pub struct Scripted {
    base_url: String,
    bodies: Arc<Mutex<Vec<Value>>>,
}

impl Scripted {
    /// Starts a server answering `answers` in turn (the last one repeats).
    pub async fn start(answers: Vec<Value>) -> Self {
        assert!(!answers.is_empty(), "a script needs an answer");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base_url = format!("http://{}", listener.local_addr().expect("addr"));
        let bodies = Arc::new(Mutex::new(Vec::new()));
        let answers = Arc::new(answers);
        let seen = Arc::clone(&bodies);
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (answers, seen) = (Arc::clone(&answers), Arc::clone(&seen));
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |req| {
                        let (answers, seen) = (Arc::clone(&answers), Arc::clone(&seen));
                        async move { Ok::<_, Infallible>(answer(req, &answers, &seen).await) }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Self { base_url, bodies }
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The JSON body of every request received, in order.
    pub fn bodies(&self) -> Vec<Value> {
        self.bodies.lock().expect("bodies").clone()
    }

    /// An API-key client for this server, without retries.
    pub async fn client(&self) -> anthropic_aws::Client {
        super::builder_at(self.base_url.clone())
            .api_key(super::API_KEY)
            .max_retries(0)
            .build()
            .await
            .expect("client builds")
    }
}

async fn answer(
    req: hyper::Request<Incoming>,
    answers: &[Value],
    seen: &Mutex<Vec<Value>>,
) -> hyper::Response<Full<Bytes>> {
    let body = req
        .into_body()
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let streaming = body["stream"] == json!(true);
    let n = {
        let mut seen = seen.lock().expect("bodies");
        seen.push(body);
        seen.len()
    };
    let message = &answers[(n - 1).min(answers.len() - 1)];
    let (content_type, payload) = if streaming {
        ("text/event-stream", sse(message))
    } else {
        ("application/json", message.to_string())
    };
    hyper::Response::builder()
        .header("content-type", content_type)
        .header("x-amzn-requestid", format!("aws-{n}"))
        .header("request-id", format!("req_{n}"))
        .body(Full::new(Bytes::from(payload)))
        .expect("response")
}

/// The server-sent events of `message`, as the API streams it.
fn sse(message: &Value) -> String {
    let mut start = message.clone();
    start["content"] = json!([]);
    start["stop_reason"] = Value::Null;
    start["usage"]["output_tokens"] = json!(1);
    let mut events = vec![json!({"type": "message_start", "message": start})];
    for (index, block) in message["content"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        let (empty, delta) = match block["type"].as_str() {
            Some("text") => (
                json!({"type": "text", "text": ""}),
                json!({"type": "text_delta", "text": block["text"]}),
            ),
            Some("tool_use") => {
                let mut empty = block.clone();
                empty["input"] = json!({});
                let partial = block["input"].to_string();
                (
                    empty,
                    json!({"type": "input_json_delta", "partial_json": partial}),
                )
            }
            _ => (block.clone(), Value::Null),
        };
        events.push(json!({"type": "content_block_start", "index": index, "content_block": empty}));
        if !delta.is_null() {
            events.push(json!({"type": "content_block_delta", "index": index, "delta": delta}));
        }
        events.push(json!({"type": "content_block_stop", "index": index}));
    }
    events.push(json!({
        "type": "message_delta",
        "delta": {"stop_reason": message["stop_reason"], "stop_sequence": null},
        "usage": {"output_tokens": message["usage"]["output_tokens"]}
    }));
    events.push(json!({"type": "message_stop"}));
    events
        .iter()
        .map(|e| format!("event: {}\ndata: {e}\n\n", e["type"].as_str().unwrap_or("")))
        .collect()
}

/// A Message answer with `content` and `stop_reason`, using `input`/`output` tokens.
pub fn message(content: Value, stop_reason: &str, input: u64, output: u64) -> Value {
    json!({
        "id": "msg_scripted",
        "type": "message",
        "role": "assistant",
        "model": super::MODEL,
        "content": content,
        "stop_reason": stop_reason,
        "stop_sequence": null,
        "usage": {"input_tokens": input, "output_tokens": output}
    })
}

/// A `tool_use` block.
pub fn tool_use(id: &str, name: &str, input: Value) -> Value {
    json!({"type": "tool_use", "id": id, "name": name, "input": input})
}

/// A `text` block.
pub fn text(text: &str) -> Value {
    json!({"type": "text", "text": text})
}
