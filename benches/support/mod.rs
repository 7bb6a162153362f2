//! What the signing bench (`benches/signing.rs`) and the examples that compare the client with
//! a bare loop share: the request, the credentials, a canned-answer server and the client's way of signing.

#![allow(dead_code)] // Each user takes a different part.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

use anthropic_aws::types::{MessageCreateParams, MessageParam};
use aws_credential_types::Credentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use bytes::Bytes;
use http::header::{AUTHORIZATION, HOST};
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use reqwest::Url;

pub const REGION: &str = "us-west-2";
pub const SERVICE: &str = anthropic_aws::SIGNING_SERVICE;
pub const WORKSPACE: &str = "wrkspc_01BenchWorkspace0000000";
pub const ACCESS_KEY: &str = "ASIAEXAMPLEBENCHKEY01";
pub const SECRET_KEY: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
/// A session token of realistic size (STS tokens run to several hundred bytes).
pub const SESSION_TOKEN: &str = concat!(
    "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLXdlc3QtMiJHMEUCIQDb2JlbmNobWFya3Nlc3Npb250b2tlbgIgZXhh",
    "bXBsZWV4YW1wbGVleGFtcGxlZXhhbXBsZWV4YW1wbGUqnAIIURABGgw0NTY3ODkwMTIzNDUiDHNpZ25pbmdiZW5jaG1h",
    "cmsq+QF0aGlzaXNhbm90cmVhbHRva2VuYnV0aXRpc2FzbG9uZ2FzYXJlYWxvbmV0aGlzaXNhbm90cmVhbHRva2VuYnV0",
    "aXRpc2FzbG9uZ2FzYXJlYWxvbmV0aGlzaXNhbm90cmVhbHRva2VuYnV0aXRpc2FzbG9uZ2FzYXJlYWxvbmV0aGlzaXNh",
    "bm90cmVhbHRva2VuYnV0aXRpc2FzbG9uZ2FzYXJlYWxvbmUwhvfTtgY6ngFzaWduaW5nYmVuY2htYXJrc2Vzc2lvbnRv"
);
pub const USER_AGENT_VALUE: &str = concat!("anthropic-aws-rust/", env!("CARGO_PKG_VERSION"));

/// A realistic ~1 KB Messages request.
pub fn params() -> MessageCreateParams {
    MessageCreateParams::new(
        "claude-opus-4-8",
        1024,
        vec![MessageParam::user(
            "Here is a short incident report from last night's on-call shift. The payments \
             service returned elevated 5xx rates between 02:10 and 02:35 UTC after a config \
             push raised the connection pool size beyond what the database proxy allows. \
             Retries from three upstream callers amplified the load. The push was rolled back \
             at 02:31 and error rates recovered within four minutes. Please summarize the \
             incident in three bullet points for the weekly reliability review, name the \
             root cause and the contributing factors, and suggest two follow-up actions that \
             would have prevented or shortened the outage. Keep it under 120 words.",
        )],
    )
    .system(
        "You are a concise site-reliability assistant. Answer in plain English, prefer \
         bullet points, never invent facts that are not in the report, and say so when \
         something is unknown.",
    )
}

pub fn body() -> Bytes {
    Bytes::from(serde_json::to_vec(&params()).expect("params serialize"))
}

/// What the client's resolved configuration holds: `anthropic-version` and
/// `anthropic-workspace-id`.
pub fn default_headers() -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(
        "anthropic-version",
        HeaderValue::from_static(anthropic_aws::DEFAULT_ANTHROPIC_VERSION),
    );
    headers.insert(
        "anthropic-workspace-id",
        HeaderValue::from_static(WORKSPACE),
    );
    headers
}

pub fn credentials(session: bool) -> Credentials {
    Credentials::new(
        ACCESS_KEY,
        SECRET_KEY,
        session.then(|| SESSION_TOKEN.to_owned()),
        None,
        "bench",
    )
}

/// Signs `headers` (which must hold everything but `host`) as `auth/sigv4.rs` `SigV4::sign`
/// does: `host` with its port, `aws-sigv4` with the client's service and region, the signed
/// headers inserted, the secret ones marked sensitive.
pub fn sign_like_client(
    credentials: &Credentials,
    method: &Method,
    url: &Url,
    headers: &mut HeaderMap,
    body: &[u8],
) {
    let host = &url[url::Position::BeforeHost..url::Position::AfterPort];
    headers.insert(HOST, HeaderValue::from_str(host).expect("host header"));
    let identity = credentials.clone().into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(REGION)
        .name(SERVICE)
        .time(SystemTime::now())
        .settings(SigningSettings::default())
        .build()
        .expect("signing params")
        .into();
    let mut list = Vec::with_capacity(headers.len());
    for (name, value) in headers.iter() {
        list.push((name.as_str(), value.to_str().expect("ascii header")));
    }
    let signable = SignableRequest::new(
        method.as_str(),
        url.as_str(),
        list.into_iter(),
        SignableBody::Bytes(body),
    )
    .expect("signable");
    let (instructions, _signature) = sign(signable, &params).expect("sign").into_parts();
    let (signed, _query) = instructions.into_parts();
    for header in signed {
        let name = HeaderName::from_static(header.name());
        let mut value = HeaderValue::from_str(header.value()).expect("signed header");
        value.set_sensitive(header.sensitive() || name == AUTHORIZATION);
        headers.insert(name, value);
    }
}

/// What a bare caller does with a request: send it with `reqwest`, check the status, read
/// both request IDs and parse the body as JSON.
pub async fn send_and_read(
    http: &reqwest::Client,
    method: Method,
    url: Url,
    headers: HeaderMap,
    body: Bytes,
) -> (Option<String>, Option<String>, serde_json::Value) {
    let response = http
        .request(method, url)
        .headers(headers)
        .body(body)
        .send()
        .await
        .expect("send");
    assert!(response.status().is_success(), "{}", response.status());
    let id = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let (aws, anthropic) = (id("x-amzn-requestid"), id("request-id"));
    let bytes = response.bytes().await.expect("body");
    let json = serde_json::from_slice(&bytes).expect("json");
    (aws, anthropic, json)
}

// ---------------------------------------------------------------------------------------
// A local no-op server: reads the request, answers a canned Message with both IDs.

pub const CANNED: &str = r#"{"id":"msg_01XFDUDYJgAACzvnptvVoYEL","type":"message","role":"assistant","model":"claude-opus-4-8","content":[{"type":"text","text":"- Payments 5xx spike 02:10-02:35 UTC after a config push oversized the connection pool.\n- Root cause: pool size above the database proxy's limit; retries from three callers amplified load.\n- Rolled back at 02:31; recovered in four minutes."}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":231,"output_tokens":64,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"service_tier":"standard"}}"#;

/// Serves HTTP/1 on a loopback port from a thread of its own (a one-thread runtime, so the
/// server stays off the contenders' workers); returns the address. `make` gets that address
/// and returns the handler every request goes to.
fn serve_on_thread<M, H, Fut, B>(make: M) -> SocketAddr
where
    M: FnOnce(SocketAddr) -> H + Send + 'static,
    H: Fn(hyper::Request<Incoming>) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = hyper::Response<B>> + Send + 'static,
    B: hyper::body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("server runtime");
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            let addr = listener.local_addr().expect("addr");
            let handler = make(addr);
            tx.send(addr).expect("send addr");
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let _ = stream.set_nodelay(true);
                let handler = handler.clone();
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |req| {
                        let answer = handler(req);
                        async move { Ok::<_, Infallible>(answer.await) }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                        .await;
                });
            }
        });
    });
    rx.recv().expect("server address")
}

/// A canned-answer server on its own thread, answering [`CANNED`]; returns its address.
pub fn start_noop_server() -> SocketAddr {
    start_canned_server(CANNED)
}

/// A server on its own thread answering every request with `answer` (a Message's JSON) and
/// both request IDs; returns its address.
pub fn start_canned_server(answer: &'static str) -> SocketAddr {
    serve_on_thread(move |_| {
        let counter = Arc::new(AtomicU64::new(0));
        move |req: hyper::Request<Incoming>| {
            let n = counter.fetch_add(1, Ordering::Relaxed);
            async move {
                let _ = req.into_body().collect().await;
                hyper::Response::builder()
                    .header("content-type", "application/json")
                    .header(
                        "x-amzn-requestid",
                        format!("0b1c2d3e-4f50-4a6b-8c7d-{n:012x}"),
                    )
                    .header("request-id", format!("req_011CSbench{n:016x}"))
                    .body(Full::new(Bytes::from_static(answer.as_bytes())))
                    .expect("response")
            }
        }
    })
}

// ---------------------------------------------------------------------------------------
// A local tool-use server: a call of `get_weather` to a conversation without a tool result,
// the final answer to one with.

/// The answer that calls `get_weather` (`stop_reason: tool_use`).
pub const CANNED_TOOL_USE: &str = r#"{"id":"msg_01ToolUseBench000000000000","type":"message","role":"assistant","model":"claude-opus-4-8","content":[{"type":"text","text":"Let me check the weather there."},{"type":"tool_use","id":"toolu_01BenchCall0000000000000","name":"get_weather","input":{"city":"Paris","unit":"celsius"}}],"stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":412,"output_tokens":58,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"service_tier":"standard"}}"#;

/// The final answer (`stop_reason: end_turn`), once the conversation holds a tool result.
pub const CANNED_FINAL: &str = r#"{"id":"msg_01ToolFinalBench00000000000","type":"message","role":"assistant","model":"claude-opus-4-8","content":[{"type":"text","text":"It is 18 degrees and sunny in Paris: a light jacket will do."}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":503,"output_tokens":21,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"service_tier":"standard"}}"#;

/// A tool-use server on its own thread; returns its address. A request whose body holds a
/// `tool_result` gets [`CANNED_FINAL`], any other [`CANNED_TOOL_USE`]; both with both IDs.
pub fn start_tool_server() -> SocketAddr {
    serve_on_thread(|_| {
        let counter = Arc::new(AtomicU64::new(0));
        move |req: hyper::Request<Incoming>| {
            let n = counter.fetch_add(1, Ordering::Relaxed);
            async move {
                let body = req
                    .into_body()
                    .collect()
                    .await
                    .map(|b| b.to_bytes())
                    .unwrap_or_default();
                let answered = memchr::memmem::find(&body, b"\"tool_result\"").is_some();
                let answer = if answered {
                    CANNED_FINAL
                } else {
                    CANNED_TOOL_USE
                };
                hyper::Response::builder()
                    .header("content-type", "application/json")
                    .header(
                        "x-amzn-requestid",
                        format!("0b1c2d3e-4f50-4a6b-8c7d-{n:012x}"),
                    )
                    .header("request-id", format!("req_011CSbench{n:016x}"))
                    .body(Full::new(Bytes::from_static(answer.as_bytes())))
                    .expect("response")
            }
        }
    })
}

// ---------------------------------------------------------------------------------------
// A local batch-results server: one batch whose results are `repeats` copies of `block`.

/// The batch the results server knows.
pub const BENCH_BATCH_ID: &str = "msgbatch_01BenchResults000000";

/// How many bytes of the block each body frame holds.
const RESULTS_FRAME_BYTES: usize = 64 * 1024;

/// `lines` succeeded result lines, each about `line_bytes` long (text padded to fit), as the
/// API writes them: `{"custom_id":"r<i>","result":{"type":"succeeded","message":{…}}}\n`.
pub fn succeeded_lines(first: usize, lines: usize, line_bytes: usize) -> Vec<u8> {
    const TEXT: &str = "The quick brown fox jumps over the lazy dog; caf\u{e9} \u{4e16}\u{754c} \\\"quoted\\\" line\\nbreak. ";
    let mut out = Vec::with_capacity(lines * (line_bytes + 64));
    for i in first..first + lines {
        let head = format!(
            "{{\"custom_id\":\"r{i}\",\"result\":{{\"type\":\"succeeded\",\"message\":{{\
             \"id\":\"msg_bench_{i:010}\",\"type\":\"message\",\"role\":\"assistant\",\
             \"model\":\"claude-opus-4-8\",\"content\":[{{\"type\":\"text\",\"text\":\""
        );
        let tail = "\"}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null,\"usage\":{\
                    \"input_tokens\":10,\"output_tokens\":256,\"cache_creation_input_tokens\":0,\
                    \"cache_read_input_tokens\":0,\"service_tier\":\"standard\"}}}}\n";
        out.extend_from_slice(head.as_bytes());
        let mut room = line_bytes.saturating_sub(head.len() + tail.len());
        while room > 0 {
            // Whole pieces only, so escapes and multi-byte characters stay intact.
            let piece = if room >= TEXT.len() {
                TEXT
            } else {
                &"x".repeat(room)
            };
            out.extend_from_slice(piece.as_bytes());
            room -= piece.len();
        }
        out.extend_from_slice(tail.as_bytes());
    }
    out
}

/// A results server on its own thread: `GET /v1/messages/batches/{BENCH_BATCH_ID}` answers an
/// ended batch whose `results_url` is this server's `…/results`, which answers `repeats`
/// copies of `block` (each sent as 64 KiB `Bytes` slices of it: nothing is copied or
/// generated per request). Returns its address.
pub fn start_results_server(block: Bytes, repeats: usize) -> SocketAddr {
    serve_on_thread(move |addr| {
        let batch = Bytes::from(format!(
            "{{\"id\":\"{BENCH_BATCH_ID}\",\"type\":\"message_batch\",\"processing_status\":\"ended\",\
             \"request_counts\":{{\"processing\":0,\"succeeded\":1,\"errored\":0,\"canceled\":0,\"expired\":0}},\
             \"created_at\":\"2026-01-01T00:00:00Z\",\"expires_at\":\"2026-01-02T00:00:00Z\",\
             \"ended_at\":\"2026-01-01T00:10:00Z\",\"cancel_initiated_at\":null,\"archived_at\":null,\
             \"results_url\":\"http://{addr}/v1/messages/batches/{BENCH_BATCH_ID}/results\"}}"
        ));
        let frames: Arc<[Bytes]> = (0..block.len())
            .step_by(RESULTS_FRAME_BYTES)
            .map(|start| block.slice(start..(start + RESULTS_FRAME_BYTES).min(block.len())))
            .collect();
        move |req: hyper::Request<Incoming>| {
            let (batch, frames) = (batch.clone(), Arc::clone(&frames));
            async move {
                let body = if req.uri().path().ends_with("/results") {
                    let all = (0..repeats).flat_map(move |_| {
                        let frames = Arc::clone(&frames);
                        (0..frames.len()).map(move |i| {
                            Ok::<_, Infallible>(hyper::body::Frame::data(frames[i].clone()))
                        })
                    });
                    http_body_util::StreamBody::new(futures_util::stream::iter(all)).boxed()
                } else {
                    Full::new(batch).map_err(|e| match e {}).boxed()
                };
                hyper::Response::builder()
                    .header("x-amzn-requestid", "0b1c2d3e-4f50-4a6b-8c7d-000000000001")
                    .header("request-id", "req_011CSbenchresults")
                    .body(body)
                    .expect("response")
            }
        }
    })
}

// ---------------------------------------------------------------------------------------
// A local Files server for `examples/files_bench.rs`: drains uploads, streams downloads.

/// The canned metadata of an upload of `size` bytes.
fn file_metadata(size: u64) -> String {
    format!(
        r#"{{"id":"file_011CBench000000000000000","type":"file","filename":"bench.bin","mime_type":"application/octet-stream","size_bytes":{size},"created_at":"2026-11-28T00:00:00Z","downloadable":true}}"#
    )
}

/// A Files server on its own thread: `POST /v1/files` reads the whole body (counting it, never
/// keeping it) and answers canned metadata; `GET …/content` streams `download_bytes` bytes
/// (one static 256 KiB chunk repeated) with a `Content-Length`. Both IDs on every answer.
pub fn start_files_server(download_bytes: u64) -> SocketAddr {
    use futures_util::stream;
    use http_body_util::{Either, StreamBody};

    const CHUNK: usize = 256 * 1024;
    static PATTERN: std::sync::OnceLock<Bytes> = std::sync::OnceLock::new();
    let pattern = PATTERN
        .get_or_init(|| Bytes::from((0..CHUNK).map(|i| (i % 251) as u8).collect::<Vec<_>>()))
        .clone();
    serve_on_thread(move |_| {
        move |req: hyper::Request<Incoming>| {
            let pattern = pattern.clone();
            async move {
                let builder = hyper::Response::builder()
                    .header("x-amzn-requestid", "0b1c2d3e-4f50-4a6b-8c7d-000000000001")
                    .header("request-id", "req_011CSbenchfiles0000000");
                let response = if req.method() == Method::POST {
                    let mut body = req.into_body();
                    let mut size = 0u64;
                    while let Some(frame) = body.frame().await {
                        let Ok(frame) = frame else { break };
                        if let Some(data) = frame.data_ref() {
                            size += data.len() as u64;
                        }
                    }
                    builder
                        .header("content-type", "application/json")
                        .body(Either::Left(Full::new(Bytes::from(file_metadata(size)))))
                } else {
                    let chunks = download_bytes.div_ceil(CHUNK as u64);
                    let frames = stream::iter((0..chunks).map(move |i| {
                        let left = download_bytes - i * CHUNK as u64;
                        let n = left.min(CHUNK as u64) as usize;
                        Ok::<_, Infallible>(hyper::body::Frame::data(pattern.slice(..n)))
                    }));
                    builder
                        .header("content-type", "application/octet-stream")
                        .header("content-length", download_bytes)
                        .body(Either::Right(StreamBody::new(frames)))
                };
                response.expect("response")
            }
        }
    })
}

/// The median of `values` (the mean of the middle two for an even count).
pub fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

/// The calling thread's CPU time so far, in nanoseconds (Linux: `/proc/thread-self/schedstat`).
pub fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .expect("/proc/thread-self/schedstat (Linux) gives this thread's CPU time")
}
