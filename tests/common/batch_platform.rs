//! A small loopback Message Batches server for the library's batch tests, until the local
//! platform serves batches: it keeps batches in memory, counts every request, ends a batch
//! after a set number of polls, and can fail a create, cut a results body, or name a results
//! URL on another origin. It checks no signature.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::{Request, Response, StatusCode};
use serde_json::{Value, json};

type Body = BoxBody<Bytes, std::io::Error>;

fn full(bytes: impl Into<Bytes>) -> Body {
    Full::new(bytes.into())
        .map_err(|never| match never {})
        .boxed()
}

/// What the server should do.
#[derive(Clone, Debug, Default)]
pub struct Behaviour {
    /// A batch ends on the poll after this many polls of it (0: ended at once).
    pub polls_before_end: u32,
    /// Answer the Nth create (from 1) with a 500, once.
    pub fail_create: Option<usize>,
    /// Cut the first results body in the middle of a line.
    pub cut_first_results: bool,
    /// Name results URLs on this origin instead of the server's own.
    pub results_origin: Option<String>,
}

/// One request the server received.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: String,
    pub path_and_query: String,
    pub accept: Option<String>,
}

#[derive(Default)]
struct Batch {
    id: String,
    requests: Vec<(String, String)>,
    polls: u32,
    canceled: bool,
}

#[derive(Default)]
struct Inner {
    behaviour: Behaviour,
    batches: Vec<Batch>,
    seen: Vec<Seen>,
    create_attempts: usize,
    results_served: usize,
}

/// A running batch server.
#[derive(Clone)]
pub struct BatchPlatform {
    pub base_url: String,
    inner: Arc<Mutex<Inner>>,
}

impl BatchPlatform {
    pub async fn start(behaviour: Behaviour) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base_url = format!("http://{}", listener.local_addr().expect("addr"));
        let inner = Arc::new(Mutex::new(Inner {
            behaviour,
            ..Inner::default()
        }));
        let server = Self {
            base_url: base_url.clone(),
            inner,
        };
        let shared = server.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let shared = shared.clone();
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |req| {
                        let shared = shared.clone();
                        async move { Ok::<_, Infallible>(shared.handle(req).await) }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        server
    }

    /// Every request received, in order.
    pub fn seen(&self) -> Vec<Seen> {
        self.inner.lock().unwrap().seen.clone()
    }

    /// How many `POST /v1/messages/batches` arrived (failed ones included).
    pub fn create_attempts(&self) -> usize {
        self.inner.lock().unwrap().create_attempts
    }

    /// Every custom_id of every batch created, in order.
    pub fn submitted_custom_ids(&self) -> Vec<String> {
        let inner = self.inner.lock().unwrap();
        inner
            .batches
            .iter()
            .flat_map(|b| b.requests.iter().map(|(id, _)| id.clone()))
            .collect()
    }

    /// How many requests each created batch holds.
    pub fn batch_sizes(&self) -> Vec<usize> {
        let inner = self.inner.lock().unwrap();
        inner.batches.iter().map(|b| b.requests.len()).collect()
    }

    pub fn set_behaviour(&self, behaviour: Behaviour) {
        self.inner.lock().unwrap().behaviour = behaviour;
    }

    async fn handle(&self, req: Request<hyper::body::Incoming>) -> Response<Body> {
        let method = req.method().as_str().to_owned();
        let path_and_query = req
            .uri()
            .path_and_query()
            .map_or("/", |p| p.as_str())
            .to_owned();
        let accept = req
            .headers()
            .get("accept")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = req
            .into_body()
            .collect()
            .await
            .map(|b| b.to_bytes())
            .unwrap_or_default();
        let mut inner = self.inner.lock().unwrap();
        inner.seen.push(Seen {
            method: method.clone(),
            path_and_query: path_and_query.clone(),
            accept,
        });
        let n = inner.seen.len();
        let (path, query) = path_and_query
            .split_once('?')
            .unwrap_or((&path_and_query, ""));
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let mut response = match (method.as_str(), segments.as_slice()) {
            ("POST", ["v1", "messages", "batches"]) => inner.create(&body),
            ("GET", ["v1", "messages", "batches"]) => inner.list(query, &self.base_url),
            ("GET", ["v1", "messages", "batches", id]) => inner.retrieve(id, &self.base_url),
            ("POST", ["v1", "messages", "batches", id, "cancel"]) => {
                inner.cancel(id, &self.base_url)
            }
            ("DELETE", ["v1", "messages", "batches", id]) => inner.delete(id),
            ("GET", ["v1", "messages", "batches", id, "results"]) => inner.results(id),
            _ => error(404, "not_found_error", "no such route"),
        };
        let headers = response.headers_mut();
        headers.insert("x-amzn-requestid", format!("aws-{n}").parse().unwrap());
        headers.insert("request-id", format!("req_{n}").parse().unwrap());
        response
    }
}

fn json_response(status: u16, body: &Value) -> Response<Body> {
    Response::builder()
        .status(StatusCode::from_u16(status).unwrap())
        .header("content-type", "application/json")
        .body(full(body.to_string()))
        .unwrap()
}

fn error(status: u16, kind: &str, message: &str) -> Response<Body> {
    json_response(
        status,
        &json!({"type": "error", "error": {"type": kind, "message": message}}),
    )
}

impl Inner {
    fn find(&mut self, id: &str) -> Option<usize> {
        self.batches.iter().position(|b| b.id == id)
    }

    fn create(&mut self, body: &[u8]) -> Response<Body> {
        self.create_attempts += 1;
        if self.behaviour.fail_create == Some(self.create_attempts) {
            return error(500, "api_error", "create failed on purpose");
        }
        let Ok(parsed) = serde_json::from_slice::<Value>(body) else {
            return error(400, "invalid_request_error", "not JSON");
        };
        let requests = parsed["requests"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| {
                let id = r["custom_id"].as_str().unwrap_or_default().to_owned();
                let model = r["params"]["model"].as_str().unwrap_or_default().to_owned();
                (id, model)
            })
            .collect();
        let id = format!("msgbatch_{:04}", self.batches.len() + 1);
        self.batches.push(Batch {
            id: id.clone(),
            requests,
            ..Batch::default()
        });
        let i = self.batches.len() - 1;
        json_response(200, &self.batch_json(i, "unused"))
    }

    fn batch_json(&self, i: usize, base_url: &str) -> Value {
        let b = &self.batches[i];
        let ended = b.canceled || b.polls > self.behaviour.polls_before_end;
        let total = b.requests.len();
        let errored = b
            .requests
            .iter()
            .filter(|(_, m)| m.ends_with("-error"))
            .count();
        let counts = if !ended {
            json!({"processing": total, "succeeded": 0, "errored": 0, "canceled": 0, "expired": 0})
        } else if b.canceled {
            json!({"processing": 0, "succeeded": 0, "errored": 0, "canceled": total, "expired": 0})
        } else {
            json!({"processing": 0, "succeeded": total - errored, "errored": errored, "canceled": 0, "expired": 0})
        };
        let origin = self.behaviour.results_origin.as_deref().unwrap_or(base_url);
        json!({
            "id": b.id, "type": "message_batch",
            "processing_status": if ended { "ended" } else { "in_progress" },
            "request_counts": counts,
            "created_at": "2026-01-01T00:00:00Z", "expires_at": "2026-01-02T00:00:00Z",
            "ended_at": if ended { json!("2026-01-01T00:01:00Z") } else { Value::Null },
            "cancel_initiated_at": if b.canceled { json!("2026-01-01T00:00:30Z") } else { Value::Null },
            "archived_at": null,
            "results_url": if ended { json!(format!("{origin}/v1/messages/batches/{}/results", b.id)) } else { Value::Null },
        })
    }

    fn retrieve(&mut self, id: &str, base_url: &str) -> Response<Body> {
        let Some(i) = self.find(id) else {
            return error(404, "not_found_error", "no such batch");
        };
        self.batches[i].polls += 1;
        json_response(200, &self.batch_json(i, base_url))
    }

    fn cancel(&mut self, id: &str, base_url: &str) -> Response<Body> {
        let Some(i) = self.find(id) else {
            return error(404, "not_found_error", "no such batch");
        };
        self.batches[i].canceled = true;
        json_response(200, &self.batch_json(i, base_url))
    }

    fn delete(&mut self, id: &str) -> Response<Body> {
        let Some(i) = self.find(id) else {
            return error(404, "not_found_error", "no such batch");
        };
        let b = &self.batches[i];
        if !(b.canceled || b.polls > self.behaviour.polls_before_end) {
            return error(
                400,
                "invalid_request_error",
                "cancel the batch before deleting it",
            );
        }
        self.batches.remove(i);
        json_response(200, &json!({"id": id, "type": "message_batch_deleted"}))
    }

    fn list(&self, query: &str, base_url: &str) -> Response<Body> {
        let params: HashMap<&str, &str> =
            query.split('&').filter_map(|p| p.split_once('=')).collect();
        let limit: usize = params
            .get("limit")
            .and_then(|l| l.parse().ok())
            .unwrap_or(20);
        // Newest first.
        let order: Vec<usize> = (0..self.batches.len()).rev().collect();
        let start = match params.get("after_id") {
            Some(after) => order
                .iter()
                .position(|&i| self.batches[i].id == *after)
                .map_or(order.len(), |p| p + 1),
            None => 0,
        };
        let page: Vec<usize> = order[start..].iter().take(limit).copied().collect();
        let data: Vec<Value> = page.iter().map(|&i| self.batch_json(i, base_url)).collect();
        let ids = |i: Option<&usize>| i.map(|&i| json!(self.batches[i].id)).unwrap_or(Value::Null);
        json_response(
            200,
            &json!({
                "data": data,
                "has_more": start + page.len() < order.len(),
                "first_id": ids(page.first()),
                "last_id": ids(page.last()),
            }),
        )
    }

    fn results(&mut self, id: &str) -> Response<Body> {
        let Some(i) = self.find(id) else {
            return error(404, "not_found_error", "no such batch");
        };
        let b = &self.batches[i];
        let mut body = String::new();
        for (custom_id, model) in &b.requests {
            let result = if b.canceled {
                json!({"type": "canceled"})
            } else if model.ends_with("-error") {
                json!({"type": "errored", "error": {"type": "error",
                    "error": {"type": "invalid_request_error", "message": "bad request"}, "request_id": "req_inner"}})
            } else if model.ends_with("-expired") {
                json!({"type": "expired"})
            } else {
                json!({"type": "succeeded", "message": {
                    "id": format!("msg_{custom_id}"), "type": "message", "role": "assistant",
                    "content": [{"type": "text", "text": format!("answer to {custom_id}")}],
                    "model": model, "stop_reason": "end_turn", "stop_sequence": null,
                    "usage": {"input_tokens": 1, "output_tokens": 2}}})
            };
            body.push_str(&json!({"custom_id": custom_id, "result": result}).to_string());
            body.push('\n');
        }
        self.results_served += 1;
        let declared = body.len();
        let cut = self.behaviour.cut_first_results && self.results_served == 1;
        let body = if cut {
            // Declare the whole length, send a little more than half, then break the
            // connection: the client sees it end in the middle of a line.
            body.truncate(declared / 2 + 7);
            // The body pauses once after the data (so hyper flushes it), then fails.
            let data =
                futures_util::stream::iter([Ok(hyper::body::Frame::data(Bytes::from(body)))]);
            let cut = futures_util::stream::once(async {
                tokio::task::yield_now().await;
                Err(std::io::Error::other("cut on purpose"))
            });
            BodyExt::boxed(StreamBody::new(futures_util::StreamExt::chain(data, cut)))
        } else {
            full(body)
        };
        Response::builder()
            .status(200)
            .header("content-type", "application/binary")
            .header("content-length", declared)
            .body(body)
            .unwrap()
    }
}
