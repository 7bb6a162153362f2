//! [`Recorder`]: forwards each request the emulator accepts to the
//! upstream, signed afresh, passes the answer back as it comes (chunk by
//! chunk, both request IDs untouched) and writes the exchange to the
//! recording once the answer has passed in full.

use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::header::{HeaderName, HeaderValue};
use hyper::{Request, Response, StatusCode};

use crate::error::ApiError;
use crate::server::{Inbound, ResBody, api_error, is_sensitive_header};
use crate::state::Shared;

use super::exchange::{Cleanup, Pending, Tee};
use super::files::spawned_body;
use super::format::{
    BODIES, EXCHANGES, FORMAT_VERSION, INLINE_LIMIT, MANIFEST, Manifest, body_path,
};
use super::inbound;
use super::redact::{Secrets, is_unrecorded_header};
use super::sink::Sink;
use super::upstream::{Forwarder, Upstream};
use super::{is_json, rewrite_origin};

/// Records into a folder.
pub(crate) struct Recorder {
    inner: Arc<Inner>,
}

struct Inner {
    dir: PathBuf,
    forwarder: Forwarder,
    next_seq: AtomicU64,
    upstream_origin: String,
    own_origin: String,
    /// The secrets known from the start (accepted keys, the upstream's key).
    secrets: Secrets,
}

impl Recorder {
    /// Opens (or starts) the recording at `dir`: an existing one must have
    /// this format's version, and new exchanges are numbered after its last.
    pub(crate) fn open(
        dir: &Path,
        upstream: &Upstream,
        own_origin: String,
        workspace_id: &str,
        mut secrets: Secrets,
    ) -> std::io::Result<Self> {
        let forwarder = Forwarder::new(upstream)?;
        secrets = secrets.with(&upstream.secrets());
        std::fs::create_dir_all(dir.join(EXCHANGES))?;
        std::fs::create_dir_all(dir.join(BODIES))?;
        let manifest_path = dir.join(MANIFEST);
        let upstream_origin = forwarder.origin();
        if manifest_path.exists() {
            let manifest = super::read_manifest(dir)?;
            if manifest.upstream_origin != upstream_origin {
                tracing::warn!(
                    recorded = %manifest.upstream_origin,
                    now = %upstream_origin,
                    "adding to a recording made from another upstream"
                );
            }
        } else {
            let manifest = Manifest {
                format_version: FORMAT_VERSION,
                recorded_by: concat!("anthropic-aws-emulator ", env!("CARGO_PKG_VERSION"))
                    .to_owned(),
                upstream_origin: upstream_origin.clone(),
                workspace_id: workspace_id.to_owned(),
            };
            let text = serde_json::to_string_pretty(&manifest).map_err(std::io::Error::other)?;
            std::fs::write(&manifest_path, secrets.scrub(text) + "\n")?;
        }
        let last = super::exchange_files(dir)?
            .iter()
            .filter_map(|(seq, _)| *seq)
            .max()
            .unwrap_or(0);
        Ok(Recorder {
            inner: Arc::new(Inner {
                dir: dir.to_owned(),
                forwarder,
                next_seq: AtomicU64::new(last + 1),
                upstream_origin,
                own_origin,
                secrets,
            }),
        })
    }

    /// Verifies, forwards, answers, records.
    pub(crate) async fn handle(
        &self,
        shared: &Shared,
        request: Request<Incoming>,
    ) -> Response<ResBody> {
        let inner = &self.inner;
        let seq = inner.next_seq.fetch_add(1, Ordering::SeqCst);
        let (parts, body) = request.into_parts();
        let upload = inner.dir.join(body_path(seq, "request", "multipart"));
        let read = match inbound::read(shared, &parts, body, Some(upload.clone())).await {
            Ok(read) => read,
            Err(answer) => return *answer,
        };
        let keeps_upload = matches!(read.forward, super::upstream::ForwardBody::File { .. });
        let cleanup = Cleanup(keeps_upload.then(|| upload.clone()).into_iter().collect());
        if !shared.config.fast
            && let Err(answer) = read.inbound.verify(shared)
        {
            return *answer;
        }
        let mut secrets = inner.secrets.with(&inbound_secrets(&read.inbound));
        let (stored_request, path_and_query) = read.describe();
        let headers = forwarded_headers(&read.inbound);
        let started = Instant::now();
        let sent = inner
            .forwarder
            .send(
                &stored_request.method,
                &path_and_query,
                &headers,
                read.forward,
            )
            .await;
        let (response, signing) = match sent {
            Ok(sent) => sent,
            Err(why) => {
                tracing::warn!(%why, "the upstream could not be reached");
                return api_error(
                    shared,
                    &ApiError {
                        status: 502,
                        error_type: "api_error",
                        message: format!(
                            "the upstream {} could not be reached: {}",
                            inner.upstream_origin,
                            secrets.scrub(why)
                        ),
                    },
                );
            }
        };
        secrets = secrets.with(&signing);
        let status = response.status().as_u16();
        let upstream_headers: Vec<(String, String)> = response
            .headers()
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let stored_headers = upstream_headers
            .iter()
            .filter(|(n, v)| !is_unrecorded_header(n) && !secrets.found_in(v))
            .cloned()
            .collect();
        let content_type = response
            .headers()
            .get(hyper::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let pending = Pending {
            dir: inner.dir.clone(),
            seq,
            request: stored_request,
            status,
            headers: stored_headers,
            secrets,
            started,
            cleanup,
        };
        let mut body: Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send>> =
            Box::pin(response.bytes_stream());
        let mut sink = Sink::new(&inner.dir, seq, content_type.as_deref());

        // A JSON answer is read whole first (it is never streamed), so that the upstream's
        // origin in it (a batch's `results_url`) can name this emulator instead.
        let mut prefix = Vec::new();
        if is_json(content_type.as_deref()) {
            loop {
                match body.next().await {
                    Some(Ok(chunk)) => {
                        prefix.extend_from_slice(&chunk);
                        if prefix.len() > INLINE_LIMIT {
                            break;
                        }
                    }
                    Some(Err(e)) => return pending.broken(shared, &e),
                    None => {
                        if let Err(e) = sink.push(&prefix).await {
                            pending.abandon(&e);
                        } else {
                            pending.complete(sink).await;
                        }
                        let bytes =
                            rewrite_origin(&prefix, &inner.upstream_origin, &inner.own_origin)
                                .unwrap_or_else(|| Bytes::from(prefix));
                        let full = http_body_util::Full::new(bytes)
                            .map_err(|never| match never {})
                            .boxed();
                        return response_with(status, &upstream_headers, full, true);
                    }
                }
            }
        }
        let expected = upstream_headers
            .iter()
            .find(|(n, _)| n == "content-length")
            .and_then(|(_, v)| v.trim().parse().ok());
        let state = Tee {
            expected,
            passed: 0,
            body,
            prefix: (!prefix.is_empty()).then(|| Bytes::from(prefix)),
            sink: Some(sink),
            pending: Some(pending),
        };
        let stream = futures_util::stream::unfold(state, |mut state| async move {
            let chunk = match state.prefix.take() {
                Some(prefix) => Some(Ok(prefix)),
                None => state.body.next().await,
            };
            match chunk {
                Some(Ok(chunk)) => {
                    state.keep(&chunk).await;
                    state.passed += chunk.len() as u64;
                    // With a declared length the caller knows the body is complete at its last
                    // byte: the exchange is written before that byte is passed on.
                    if state.expected == Some(state.passed) {
                        state.complete().await;
                    }
                    Some((Ok(chunk), state))
                }
                Some(Err(e)) => {
                    if let Some(pending) = state.pending.take() {
                        pending.abandon(&e);
                    }
                    let error: crate::stream::BodyError = Box::new(e);
                    Some((Err(error), state))
                }
                None => {
                    state.complete().await;
                    None
                }
            }
        });
        response_with(status, &upstream_headers, spawned_body(stream), false)
    }
}

/// The answer to the caller: the upstream's status and headers (without
/// hop-by-hop ones; without `content-length` when the body was rewritten).
fn response_with(
    status: u16,
    headers: &[(String, String)],
    body: ResBody,
    recomputed_length: bool,
) -> Response<ResBody> {
    let mut response = Response::new(body);
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
    for (name, value) in headers {
        let lower = name.to_ascii_lowercase();
        let hop = matches!(
            lower.as_str(),
            "connection" | "keep-alive" | "transfer-encoding" | "te" | "trailer" | "upgrade"
        );
        if hop || (recomputed_length && lower == "content-length") {
            continue;
        }
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            response.headers_mut().append(name, value);
        }
    }
    response
}

/// The request headers forwarded: `anthropic-*`, `content-type`, `accept`
/// and the scenario header (so that an emulator upstream can script
/// failures to record), in the order received. Credentials are the
/// upstream's own.
fn forwarded_headers(inbound: &Inbound) -> Vec<(String, String)> {
    inbound
        .headers()
        .iter()
        .filter(|(name, _)| {
            name.starts_with("anthropic-")
                || matches!(name.as_str(), "content-type" | "accept")
                || name == crate::scenario::HEADER
        })
        .cloned()
        .collect()
}

/// What the caller authenticated with (every header [`is_sensitive_header`] names), to keep
/// out of the recording: the whole value, and for `authorization` its signature or key too.
fn inbound_secrets(inbound: &Inbound) -> Secrets {
    let mut secrets = Secrets::default();
    for (name, value) in inbound.headers() {
        if !is_sensitive_header(name) {
            continue;
        }
        if name == "authorization" {
            match value.rsplit_once("Signature=") {
                Some((_, signature)) => secrets.add(signature),
                None => secrets.add(value.split_once(' ').map_or(value.as_str(), |(_, k)| k)),
            }
        }
        secrets.add(value);
    }
    secrets
}
