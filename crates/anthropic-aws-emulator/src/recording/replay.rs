//! [`Replayer`]: answers from a recording, nothing sent anywhere. The
//! recording is loaded once, at start: each answer ready to send (a JSON or
//! text body as its bytes, an event stream as its events, a big body as the
//! path of its file, streamed from disk when asked for).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::header::{HeaderName, HeaderValue};
use hyper::{Request, Response, StatusCode};

use crate::error::ApiError;
use crate::server::{ResBody, api_error};
use crate::state::Shared;

use super::files::{read_chunks, spawned_body};
use super::format::{Exchange, StoredBody, StoredRequest, exchange_file_name, inside};
use super::key::{closeness, difference, match_key};
use super::{check_version, exchange_files, inbound, is_json, read_manifest, rewrite_origin};

/// Answers from a recording.
pub(crate) struct Replayer {
    entries: Vec<Entry>,
    /// The entries of each match key, in recorded order, and how many of
    /// them have been answered.
    by_key: HashMap<String, Slot>,
    /// Whether callers are verified (when the emulator was given keys).
    verify: bool,
}

struct Slot {
    entries: Vec<usize>,
    answered: AtomicUsize,
}

struct Entry {
    seq: u64,
    request: StoredRequest,
    status: StatusCode,
    headers: Vec<(HeaderName, HeaderValue)>,
    body: Body,
}

/// A body ready to send.
enum Body {
    Bytes(Bytes),
    Events(Vec<Bytes>),
    File { path: PathBuf, bytes: u64 },
}

impl Replayer {
    /// Loads the recording at `dir`, for an emulator at `own_origin`
    /// (JSON answers naming the recorded upstream's origin name it instead).
    ///
    /// # Errors
    /// When `dir` is not a recording, has another format version, or an
    /// exchange file or a body it names cannot be read.
    pub(crate) fn load(dir: &Path, own_origin: &str, verify: bool) -> std::io::Result<Self> {
        let manifest = read_manifest(dir)?;
        let mut exchanges = Vec::new();
        for (_, path) in exchange_files(dir)? {
            let invalid = |why: String| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("{}: {why}", path.display()),
                )
            };
            let text = std::fs::read(&path)?;
            let exchange: Exchange =
                serde_json::from_slice(&text).map_err(|e| invalid(e.to_string()))?;
            check_version(exchange.format_version, &path)?;
            exchanges.push(exchange);
        }
        exchanges.sort_by_key(|e| e.seq);
        for exchange in &mut exchanges {
            // Shown to a reader of the file; never matched.
            exchange.request.headers = Vec::new();
        }
        let mut entries = Vec::with_capacity(exchanges.len());
        let mut by_key: HashMap<String, Slot> = HashMap::with_capacity(exchanges.len());
        for exchange in exchanges {
            let name = exchange_file_name(
                exchange.seq,
                &exchange.request.method,
                &exchange.request.path,
            );
            let entry =
                entry(dir, exchange, &manifest.upstream_origin, own_origin).map_err(|why| {
                    std::io::Error::new(std::io::ErrorKind::InvalidData, format!("{name}: {why}"))
                })?;
            by_key
                .entry(match_key(&entry.request))
                .or_insert_with(|| Slot {
                    entries: Vec::new(),
                    answered: AtomicUsize::new(0),
                })
                .entries
                .push(entries.len());
            entries.push(entry);
        }
        tracing::info!(exchanges = entries.len(), dir = %dir.display(), "recording loaded");
        Ok(Replayer {
            entries,
            by_key,
            verify,
        })
    }

    /// How many exchanges were loaded.
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// The recorded answer to `request`, or a `404` naming the nearest.
    pub(crate) async fn handle(
        &self,
        shared: &Shared,
        request: Request<Incoming>,
    ) -> Response<ResBody> {
        let (parts, body) = request.into_parts();
        let read = match inbound::read(shared, &parts, body, None).await {
            Ok(read) => read,
            Err(answer) => return *answer,
        };
        if self.verify
            && !shared.config.fast
            && let Err(answer) = read.inbound.verify(shared)
        {
            return *answer;
        }
        let (wanted, _) = read.describe();
        let Some(slot) = self.by_key.get(&match_key(&wanted)) else {
            return self.miss(shared, &wanted);
        };
        let turn = slot.answered.fetch_add(1, Ordering::Relaxed);
        let index = slot.entries[turn.min(slot.entries.len() - 1)];
        self.answer(shared, &self.entries[index]).await
    }

    async fn answer(&self, shared: &Shared, entry: &Entry) -> Response<ResBody> {
        let mut length = None;
        let body = match &entry.body {
            Body::Bytes(bytes) => Full::new(bytes.clone())
                .map_err(|never| match never {})
                .boxed(),
            Body::Events(events) => {
                let frames = events.clone().into_iter().map(|e| Ok(Frame::data(e)));
                StreamBody::new(futures_util::stream::iter(frames)).boxed()
            }
            Body::File { path, bytes } => match tokio::fs::File::open(path).await {
                Ok(file) => {
                    length = Some(*bytes);
                    let chunks = futures_util::StreamExt::map(read_chunks(file), |chunk| {
                        chunk.map_err(|e| -> crate::stream::BodyError { Box::new(e) })
                    });
                    spawned_body(chunks)
                }
                Err(e) => {
                    return api_error(
                        shared,
                        &ApiError {
                            status: 500,
                            error_type: "api_error",
                            message: format!(
                                "the recorded body of exchange {:06} cannot be read: {e}",
                                entry.seq
                            ),
                        },
                    );
                }
            },
        };
        let mut response = Response::new(body);
        *response.status_mut() = entry.status;
        let headers = response.headers_mut();
        for (name, value) in &entry.headers {
            headers.append(name.clone(), value.clone());
        }
        if let Some(length) = length {
            headers.insert(hyper::header::CONTENT_LENGTH, HeaderValue::from(length));
        }
        if let Ok(date) = HeaderValue::from_str(&httpdate::fmt_http_date(shared.config.clock.now()))
        {
            headers.insert(hyper::header::DATE, date);
        }
        response
    }

    /// `404 not_found_error`: nothing recorded matches.
    fn miss(&self, shared: &Shared, wanted: &StoredRequest) -> Response<ResBody> {
        let mut message = format!(
            "no recorded answer matches {} {}",
            wanted.method,
            shorten(&wanted.path)
        );
        let nearest = self
            .entries
            .iter()
            .max_by_key(|e| (closeness(wanted, &e.request), std::cmp::Reverse(e.seq)));
        match nearest {
            Some(entry) => {
                let query = if entry.request.query.is_empty() {
                    ""
                } else {
                    "?…"
                };
                message.push_str(&format!(
                    "; the nearest recorded request is {} {}{query} (exchange {:06}): {}",
                    entry.request.method,
                    shorten(&entry.request.path),
                    entry.seq,
                    difference(wanted, &entry.request)
                ));
            }
            None => message.push_str(" (the recording is empty)"),
        }
        tracing::warn!(%message, "replay miss");
        api_error(shared, &ApiError::not_found(message))
    }
}

/// At most 200 characters of a path, for a message.
fn shorten(path: &str) -> String {
    if path.chars().count() > 200 {
        path.chars().take(200).chain(['…']).collect()
    } else {
        path.to_owned()
    }
}

/// An exchange made ready to answer.
fn entry(
    dir: &Path,
    exchange: Exchange,
    upstream_origin: &str,
    own_origin: &str,
) -> Result<Entry, String> {
    let response = exchange.response;
    let status = StatusCode::from_u16(response.status)
        .map_err(|_| format!("status {} is not valid", response.status))?;
    let content_type = response
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-type"))
        .map(|(_, v)| v.as_str());
    let json = is_json(content_type);
    let mut headers = Vec::with_capacity(response.headers.len());
    for (name, value) in &response.headers {
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| format!("header name {name:?} is not valid"))?;
        let value = HeaderValue::from_str(value)
            .map_err(|_| format!("the value of header {name} is not valid"))?;
        headers.push((name, value));
    }
    let body = match response.body {
        StoredBody::Empty => Body::Bytes(Bytes::new()),
        StoredBody::Json(raw) => {
            let bytes = raw.get().as_bytes();
            let rewritten = json
                .then(|| rewrite_origin(bytes, upstream_origin, own_origin))
                .flatten();
            Body::Bytes(rewritten.unwrap_or_else(|| Bytes::copy_from_slice(bytes)))
        }
        StoredBody::JsonLines(lines) => {
            let mut text = String::new();
            for line in &lines {
                text.push_str(line.get());
                text.push('\n');
            }
            Body::Bytes(Bytes::from(text))
        }
        StoredBody::Text(text) => Body::Bytes(Bytes::from(text)),
        StoredBody::Events(events) => {
            Body::Events(events.iter().map(|e| Bytes::from(e.wire())).collect())
        }
        StoredBody::File { path, bytes, .. } => {
            let full = inside(dir, &path)
                .ok_or_else(|| format!("the body path {path:?} leaves the recording"))?;
            let on_disk = std::fs::metadata(&full)
                .map_err(|e| format!("the body file {path}: {e}"))?
                .len();
            if on_disk != bytes {
                return Err(format!(
                    "the body file {path} has {on_disk} bytes, the exchange says {bytes}"
                ));
            }
            Body::File { path: full, bytes }
        }
    };
    Ok(Entry {
        seq: exchange.seq,
        request: exchange.request,
        status,
        headers,
        body,
    })
}
