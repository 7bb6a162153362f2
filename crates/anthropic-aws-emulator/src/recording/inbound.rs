//! Reading a request in front of the routes: a `multipart/form-data` body
//! (an upload, of any size) is streamed, hashed for SigV4 and described part
//! by part (and, when recording, written to the recording as it arrives);
//! any other body is read in full within its route's limit.

use std::path::PathBuf;

use bytes::Bytes;
use hyper::Response;
use hyper::body::Incoming;
use hyper::http::request::Parts;
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::server::{Inbound, ResBody, Tap, api_error, unread};
use crate::state::Shared;

use super::format::{Part, RequestBody, StoredRequest};
use super::key::request_body;
use super::upstream::ForwardBody;

/// A request read in full (or its upload on disk).
pub(crate) struct Request {
    pub(crate) inbound: Inbound,
    /// Its body as matched.
    pub(crate) body: RequestBody,
    /// Its body as forwarded.
    pub(crate) forward: ForwardBody,
}

impl Request {
    /// The request as recorded and matched, and the target to forward.
    pub(crate) fn describe(&self) -> (StoredRequest, String) {
        describe(&self.inbound, self.body.clone())
    }
}

/// Reads the request whose head is `parts`; an upload goes to `keep_upload`
/// when given (else only hashed). The answer to send instead when the body
/// cannot be read.
pub(crate) async fn read(
    shared: &Shared,
    parts: &Parts,
    body: Incoming,
    keep_upload: Option<PathBuf>,
) -> Result<Request, Box<Response<ResBody>>> {
    let boundary = parts
        .headers
        .get(hyper::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
        })
        .and_then(|v| multer::parse_boundary(v).ok());
    let Some(boundary) = boundary else {
        let inbound = Inbound::read(shared, parts, body).await?;
        let bytes = inbound.body().clone();
        return Ok(Request {
            body: request_body(&bytes),
            forward: ForwardBody::Bytes(bytes),
            inbound,
        });
    };
    let mut tap = Tap::new(
        body,
        Inbound::streamed_body_limit(shared),
        shared.config.limits.body_read_timeout,
    );
    if let Some(path) = &keep_upload {
        match tokio::fs::File::create(path).await {
            Ok(file) => tap.copy_to(file),
            Err(e) => {
                return Err(Box::new(api_error(
                    shared,
                    &ApiError {
                        status: 500,
                        error_type: "api_error",
                        message: format!("the recording cannot keep the upload: {e}"),
                    },
                )));
            }
        }
    }
    let described = {
        let stream = futures_util::stream::unfold(&mut tap, |tap| async move {
            let item = tap.next().await;
            item.map(|item| (item, tap))
        });
        describe_parts(stream, boundary).await
    };
    let (sha256, len) = match tap.finish().await {
        Ok(done) => done,
        Err(failure) => {
            if let Some(path) = &keep_upload {
                let _ = tokio::fs::remove_file(path).await;
            }
            return Err(Box::new(unread(shared, &failure)));
        }
    };
    let mut inbound = Inbound::head(parts);
    inbound.set_body_sha256(sha256.clone(), usize::try_from(len).unwrap_or(usize::MAX));
    let body = match described {
        Ok(parts) => RequestBody::Multipart(parts),
        // A malformed form is forwarded all the same: the upstream says what is wrong.
        Err(_) => RequestBody::Sha256(sha256.clone()),
    };
    let forward = match keep_upload {
        Some(path) => ForwardBody::File { path, len, sha256 },
        None => ForwardBody::Bytes(Bytes::new()),
    };
    Ok(Request {
        inbound,
        body,
        forward,
    })
}

/// The parts of a form: name, file name, type, size and hash of each.
async fn describe_parts(
    stream: impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> + Send,
    boundary: String,
) -> Result<Vec<Part>, multer::Error> {
    let mut multipart = multer::Multipart::new(stream, boundary);
    let mut parts = Vec::new();
    while let Some(mut field) = multipart.next_field().await? {
        let name = field.name().unwrap_or_default().to_owned();
        let filename = field.file_name().map(str::to_owned);
        let content_type = field.content_type().map(ToString::to_string);
        let mut hasher = Sha256::new();
        let mut bytes = 0u64;
        while let Some(chunk) = field.chunk().await? {
            bytes += chunk.len() as u64;
            hasher.update(&chunk);
        }
        parts.push(Part {
            name,
            filename,
            content_type,
            bytes,
            sha256: hex::encode(hasher.finalize()),
        });
    }
    Ok(parts)
}

/// The request as recorded (without `X-Amz-*` query parameters), and the
/// target to forward (the path and query as received, minus those).
fn describe(inbound: &Inbound, body: RequestBody) -> (StoredRequest, String) {
    let is_secret = |name: &str| name.to_ascii_lowercase().starts_with("x-amz-");
    let all = inbound.query_pairs();
    let query: Vec<(String, String)> = all.iter().filter(|(n, _)| !is_secret(n)).cloned().collect();
    let target = if query.len() == all.len() {
        inbound.path_and_query().to_owned()
    } else {
        let raw = inbound
            .path_and_query()
            .split_once('?')
            .map_or("", |(_, q)| q);
        let kept: Vec<&str> = raw
            .split('&')
            .filter(|pair| !pair.is_empty() && !is_secret(pair.split('=').next().unwrap_or("")))
            .collect();
        if kept.is_empty() {
            inbound.path().to_owned()
        } else {
            format!("{}?{}", inbound.path(), kept.join("&"))
        }
    };
    let headers = recorded_request_headers(inbound);
    let request = StoredRequest {
        method: inbound.method().to_owned(),
        path: inbound.path().to_owned(),
        query,
        headers,
        body,
    };
    (request, target)
}

/// The request headers written to the recording: the `anthropic-*` ones.
fn recorded_request_headers(inbound: &Inbound) -> Vec<(String, String)> {
    inbound
        .headers()
        .iter()
        .filter(|(name, _)| name.starts_with("anthropic-"))
        .cloned()
        .collect()
}
