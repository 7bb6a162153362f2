//! What one attempt of `POST /v1/messages` costs before (and around) the network.
//!
//! * `sign_build/*`: the per-attempt work in-process, no network:
//!   - `client_replica`: a line-for-line copy of what the client does per attempt
//!     (`transport.rs` `Transport::attempt` + `auth/sigv4.rs` `SigV4::sign`, which are
//!     crate-private): clone the default headers, add content-type, accept, user-agent,
//!     x-stainless-retry-count, host with port, sign with `aws-sigv4` (session token
//!     included), insert the signed headers; ~1 KB JSON body.
//!   - `client_replica_no_token`: the same with long-term keys.
//!   - `sigv4_only`: only `aws_sigv4::http_request::sign` over a ready header list.
//!   - `client_pre_network`: the real client, through the public API: the time from
//!     `messages().create()` until the `on_wire` observer sees the signed request (body
//!     serialization, URL, headers, credentials cache, signing); the rest of the call
//!     (against a local no-op server) is not counted.
//!   - `bare_signed_pre_network`: body serialization plus `client_replica`'s build + sign,
//!     timed inside whole calls of the bare signed loop against the same server, i.e. the same
//!     work as `client_pre_network` in the same cache state (a network round trip between two
//!     signings).
//! * `roundtrip_c1/*`: one whole call at a time against a local no-op HTTP server (canned
//!   JSON answer with both request IDs): the client, the bare signed limit (`aws-sigv4` +
//!   `reqwest` + `serde_json::Value`), the same unsigned.
//!
//! `cargo bench --bench signing` (add `-- --quick` for a short run).

use std::convert::Infallible;
use std::hint::black_box;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use anthropic_aws::types::{MessageCreateParams, MessageParam};
use anthropic_aws::{Client, WireEvent};
use aws_credential_types::Credentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use bytes::Bytes;
use criterion::{Criterion, criterion_group, criterion_main};
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HOST, USER_AGENT};
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use http_body_util::{BodyExt, Full};
use reqwest::Url;

const REGION: &str = "us-west-2";
const SERVICE: &str = anthropic_aws::SIGNING_SERVICE;
const WORKSPACE: &str = "wrkspc_01BenchWorkspace0000000";
const ACCESS_KEY: &str = "ASIAEXAMPLEBENCHKEY01";
const SECRET_KEY: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
/// A session token of realistic size (STS tokens run to several hundred bytes).
const SESSION_TOKEN: &str = concat!(
    "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLXdlc3QtMiJHMEUCIQDb2JlbmNobWFya3Nlc3Npb250b2tlbgIgZXhh",
    "bXBsZWV4YW1wbGVleGFtcGxlZXhhbXBsZWV4YW1wbGUqnAIIURABGgw0NTY3ODkwMTIzNDUiDHNpZ25pbmdiZW5jaG1h",
    "cmsq+QF0aGlzaXNhbm90cmVhbHRva2VuYnV0aXRpc2FzbG9uZ2FzYXJlYWxvbmV0aGlzaXNhbm90cmVhbHRva2VuYnV0",
    "aXRpc2FzbG9uZ2FzYXJlYWxvbmV0aGlzaXNhbm90cmVhbHRva2VuYnV0aXRpc2FzbG9uZ2FzYXJlYWxvbmV0aGlzaXNh",
    "bm90cmVhbHRva2VuYnV0aXRpc2FzbG9uZ2FzYXJlYWxvbmUwhvfTtgY6ngFzaWduaW5nYmVuY2htYXJrc2Vzc2lvbnRv"
);
const USER_AGENT_VALUE: &str = concat!("anthropic-aws-rust/", env!("CARGO_PKG_VERSION"));

/// A realistic ~1 KB Messages request.
fn params() -> MessageCreateParams {
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

fn body() -> Bytes {
    Bytes::from(serde_json::to_vec(&params()).expect("params serialize"))
}

/// What the client's resolved configuration holds: `anthropic-version` and
/// `anthropic-workspace-id`.
fn default_headers() -> HeaderMap {
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

fn credentials(session: bool) -> Credentials {
    Credentials::new(
        ACCESS_KEY,
        SECRET_KEY,
        session.then(|| SESSION_TOKEN.to_owned()),
        None,
        "bench",
    )
}

/// One attempt's request, as `Transport::attempt` builds it and `SigV4::sign` signs it.
struct Replica {
    url: Url,
    defaults: HeaderMap,
    body: Bytes,
    credentials: Credentials,
}

impl Replica {
    fn new(url: &str, session: bool) -> Self {
        Self {
            url: url.parse().expect("url"),
            defaults: default_headers(),
            body: body(),
            credentials: credentials(session),
        }
    }

    /// Build + sign one attempt of the ready body; returns what would go on the wire.
    fn attempt(&self, retries: u32) -> (Method, Url, HeaderMap, Bytes) {
        self.attempt_with(retries, self.body.clone())
    }

    /// Build + sign one attempt of `body`.
    fn attempt_with(&self, retries: u32, body: Bytes) -> (Method, Url, HeaderMap, Bytes) {
        // Transport::attempt
        let method = Method::POST;
        let url = self.url.clone();
        let mut headers = self.defaults.clone();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert(USER_AGENT, HeaderValue::from_static(USER_AGENT_VALUE));
        headers.insert("x-stainless-retry-count", HeaderValue::from(retries));
        // SigV4::authorize (the credentials cache hands out a clone) + SigV4::sign
        let credentials = self.credentials.clone();
        let host = match url.port() {
            Some(port) => format!("{}:{port}", url.host_str().expect("host")),
            None => url.host_str().expect("host").to_owned(),
        };
        headers.insert(HOST, HeaderValue::from_str(&host).expect("host header"));
        let identity = credentials.into();
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
        for (name, value) in &headers {
            list.push((name.as_str(), value.to_str().expect("ascii header")));
        }
        let signable = SignableRequest::new(
            method.as_str(),
            url.as_str(),
            list.into_iter(),
            SignableBody::Bytes(&body),
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
        (method, url, headers, body)
    }
}

/// Only `aws_sigv4::http_request::sign`, over the client's final header list.
fn sigv4_only(replica: &Replica) -> impl Fn() -> usize + '_ {
    let (_, url, mut headers, _) = replica.attempt(0);
    for name in ["authorization", "x-amz-date", "x-amz-security-token"] {
        headers.remove(name);
    }
    let list: Vec<(String, String)> = headers
        .iter()
        .map(|(n, v)| (n.as_str().to_owned(), v.to_str().unwrap_or("").to_owned()))
        .collect();
    let identity = replica.credentials.clone().into();
    move || {
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(REGION)
            .name(SERVICE)
            .time(SystemTime::now())
            .settings(SigningSettings::default())
            .build()
            .expect("signing params")
            .into();
        let signable = SignableRequest::new(
            "POST",
            url.as_str(),
            list.iter().map(|(n, v)| (n.as_str(), v.as_str())),
            SignableBody::Bytes(&replica.body),
        )
        .expect("signable");
        let (instructions, _) = sign(signable, &params).expect("sign").into_parts();
        instructions.headers().count()
    }
}

// ---------------------------------------------------------------------------------------
// A local no-op server: reads the request, answers a canned Message with both IDs.

const CANNED: &str = r#"{"id":"msg_01XFDUDYJgAACzvnptvVoYEL","type":"message","role":"assistant","model":"claude-opus-4-8","content":[{"type":"text","text":"- Payments 5xx spike 02:10-02:35 UTC after a config push oversized the connection pool.\n- Root cause: pool size above the database proxy's limit; retries from three callers amplified load.\n- Rolled back at 02:31; recovered in four minutes."}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":231,"output_tokens":64,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"service_tier":"standard"}}"#;

fn start_noop_server() -> SocketAddr {
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
            tx.send(listener.local_addr().expect("addr"))
                .expect("send addr");
            let counter = Arc::new(AtomicU64::new(0));
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let _ = stream.set_nodelay(true);
                let counter = Arc::clone(&counter);
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(
                        move |req: hyper::Request<hyper::body::Incoming>| {
                            let n = counter.fetch_add(1, Ordering::Relaxed);
                            async move {
                                let _ = req.into_body().collect().await;
                                let response = hyper::Response::builder()
                                    .header("content-type", "application/json")
                                    .header(
                                        "x-amzn-requestid",
                                        format!("0b1c2d3e-4f50-4a6b-8c7d-{n:012x}"),
                                    )
                                    .header("request-id", format!("req_011CSbench{n:016x}"))
                                    .body(Full::new(Bytes::from_static(CANNED.as_bytes())))
                                    .expect("response");
                                Ok::<_, Infallible>(response)
                            }
                        },
                    );
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                        .await;
                });
            }
        });
    });
    rx.recv().expect("server address")
}

// ---------------------------------------------------------------------------------------
// The bare loops: `aws-sigv4` + `reqwest` directly.

struct Bare {
    http: reqwest::Client,
    replica: Replica,
    params: MessageCreateParams,
    signed: bool,
}

impl Bare {
    fn new(url: &str, signed: bool) -> Self {
        Self {
            http: reqwest::Client::new(),
            replica: Replica::new(url, true),
            params: params(),
            signed,
        }
    }

    /// One call; returns what it read and how long it took to serialize, build (and sign)
    /// the request, as the client's `client_pre_network` counts.
    async fn call(&self) -> ((usize, usize), Duration) {
        let start = Instant::now();
        let body = Bytes::from(serde_json::to_vec(&self.params).expect("params serialize"));
        let (method, url, headers, body) = if self.signed {
            self.replica.attempt_with(0, body)
        } else {
            let r = &self.replica;
            let mut headers = r.defaults.clone();
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
            headers.insert(USER_AGENT, HeaderValue::from_static(USER_AGENT_VALUE));
            headers.insert("x-stainless-retry-count", HeaderValue::from(0u32));
            (Method::POST, r.url.clone(), headers, body)
        };
        let built = start.elapsed();
        let response = self
            .http
            .request(method, url)
            .headers(headers)
            .body(body)
            .send()
            .await
            .expect("send");
        assert!(response.status().is_success());
        let id = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let (aws, anthropic) = (id("x-amzn-requestid"), id("request-id"));
        let bytes = response.bytes().await.expect("body");
        let json: serde_json::Value = serde_json::from_slice(&bytes).expect("json");
        let read = (
            aws.map_or(0, |s| s.len()) + anthropic.map_or(0, |s| s.len()),
            json.as_object().map_or(0, |o| o.len()),
        );
        (read, built)
    }
}

fn client_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime")
}

async fn client_for(base_url: &str, probe: Option<Arc<Mutex<Option<Instant>>>>) -> Client {
    let mut builder = Client::builder()
        .base_url(base_url)
        .region(REGION)
        .workspace_id(WORKSPACE)
        .access_key(ACCESS_KEY, SECRET_KEY)
        .session_token(SESSION_TOKEN);
    if let Some(probe) = probe {
        builder = builder.on_wire(move |event| {
            if let WireEvent::Request { .. } = event {
                *probe.lock().expect("probe") = Some(Instant::now());
            }
        });
    }
    builder.build().await.expect("client")
}

fn bench_sign_build(c: &mut Criterion) {
    let mut group = c.benchmark_group("sign_build");
    group.sample_size(50);
    group.measurement_time(Duration::from_secs(3));
    group.warm_up_time(Duration::from_secs(1));

    let url = "http://127.0.0.1:8443/v1/messages";
    let with_token = Replica::new(url, true);
    let without_token = Replica::new(url, false);
    group.bench_function("client_replica", |b| {
        b.iter(|| black_box(with_token.attempt(black_box(0))))
    });
    group.bench_function("client_replica_no_token", |b| {
        b.iter(|| black_box(without_token.attempt(black_box(0))))
    });
    let only = sigv4_only(&with_token);
    group.bench_function("sigv4_only", |b| b.iter(|| black_box(only())));

    // The real client, up to the moment its signed request is handed to reqwest.
    let addr = start_noop_server();
    let base = format!("http://{addr}");
    let rt = client_runtime();
    let probe = Arc::new(Mutex::new(None));
    let client = rt.block_on(client_for(&base, Some(Arc::clone(&probe))));
    let params = params();
    group.bench_function("client_pre_network", |b| {
        b.iter_custom(|iters| {
            rt.block_on(async {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let start = Instant::now();
                    let message = client.messages().create(&params).await.expect("create");
                    black_box((message.aws_request_id(), message.anthropic_request_id()));
                    let sent = probe.lock().expect("probe").take().expect("on_wire fired");
                    total += sent - start;
                }
                total
            })
        })
    });
    // The replica's build + sign, timed inside whole calls of the bare signed loop (the same
    // cache state as `client_pre_network`: a network round trip between two signings).
    let bare = Bare::new(&format!("{base}/v1/messages"), true);
    group.bench_function("bare_signed_pre_network", |b| {
        b.iter_custom(|iters| {
            rt.block_on(async {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let (read, built) = bare.call().await;
                    black_box(read);
                    total += built;
                }
                total
            })
        })
    });
    group.finish();
}

fn bench_roundtrip(c: &mut Criterion) {
    let addr = start_noop_server();
    let base = format!("http://{addr}");
    let url = format!("{base}/v1/messages");
    let rt = client_runtime();
    let client = rt.block_on(client_for(&base, None));
    let params = params();
    let signed = Bare::new(&url, true);
    let unsigned = Bare::new(&url, false);

    let mut group = c.benchmark_group("roundtrip_c1");
    group.sample_size(30);
    group.measurement_time(Duration::from_secs(4));
    group.warm_up_time(Duration::from_secs(1));
    group.bench_function("client", |b| {
        b.iter(|| {
            rt.block_on(async {
                let message = client.messages().create(&params).await.expect("create");
                black_box((
                    message.aws_request_id().map(str::len),
                    message.anthropic_request_id().map(str::len),
                ))
            })
        })
    });
    group.bench_function("bare_signed", |b| {
        b.iter(|| rt.block_on(async { black_box(signed.call().await) }))
    });
    group.bench_function("bare_unsigned", |b| {
        b.iter(|| rt.block_on(async { black_box(unsigned.call().await) }))
    });
    group.finish();
}

criterion_group!(benches, bench_sign_build, bench_roundtrip);
criterion_main!(benches);
