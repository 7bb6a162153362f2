//! What one attempt of `POST /v1/messages` costs before (and around) the network.
//!
//! * `sign_build/*`: the per-attempt work in-process, no network:
//!   - `client_replica`: a line-for-line copy of what the client does per attempt
//!     (`transport/attempt.rs` `Transport::attempt` + `auth/sigv4.rs` `SigV4::sign`, which are
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

use std::hint::black_box;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use anthropic_aws::types::MessageCreateParams;
use anthropic_aws::{Client, WireEvent};
use aws_credential_types::Credentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use bytes::Bytes;
use criterion::{Criterion, criterion_group, criterion_main};
use http::header::{ACCEPT, CONTENT_TYPE, USER_AGENT};
use http::{HeaderMap, HeaderValue, Method};
use reqwest::Url;

mod support;

use support::*;

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
        let mut headers = HeaderMap::with_capacity(self.defaults.len() + 10);
        headers.extend(
            self.defaults
                .iter()
                .map(|(name, value)| (name.clone(), value.clone())),
        );
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert(USER_AGENT, HeaderValue::from_static(USER_AGENT_VALUE));
        headers.insert("x-stainless-retry-count", HeaderValue::from(retries));
        // SigV4::authorize + SigV4::sign
        sign_like_client(&self.credentials, &method, &url, &mut headers, &body);
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
        let (aws, anthropic, json) = send_and_read(&self.http, method, url, headers, body).await;
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
