//! What a layer in front of the routes (`crate::recording`) borrows from the
//! server: reading a request's body within its route's limit, the inbound
//! checks (authentication, workspace and version, exactly as for the routes),
//! and the error answers in the platform's shapes.

use bytes::Bytes;
use hyper::Response;
use hyper::body::Incoming;
use hyper::http::request::Parts;

use crate::error::ApiError;
use crate::state::Shared;

use super::auth::authenticate;
use super::pipeline::check_headers;
use super::received::{MAX_BODY_BYTES, ReadError, Received};
use super::reply::{Reply, ResBody};
use super::route::BodyRule;
use super::router::body_rule;

/// A request seen by a layer: its head, and its body once read.
pub(crate) struct Inbound {
    received: Received,
}

impl Inbound {
    /// The head of the request, without its body (for a layer that streams
    /// the body itself, then gives its hash with [`Inbound::set_body_sha256`]).
    pub(crate) fn head(parts: &Parts) -> Self {
        Inbound {
            received: Received::head(parts),
        }
    }

    /// The request with its body read in full, within the limit of its
    /// route, for at most the body timeout; or the answer to a body that
    /// could not be read. (A file upload's body is streamed, never read
    /// here: one that is not a form gets the Messages API's limit.)
    pub(crate) async fn read(
        shared: &Shared,
        parts: &Parts,
        body: Incoming,
    ) -> Result<Self, Box<Response<ResBody>>> {
        let limit = match body_rule(parts.method.as_str(), parts.uri.path()) {
            BodyRule::Buffered(limit) => limit,
            BodyRule::FileUpload => MAX_BODY_BYTES,
        };
        let timeout = shared.config.limits.body_read_timeout;
        let budget = &shared.body_budget;
        let (received, read) = Received::read(parts, body, timeout, limit, budget).await;
        match read {
            Ok(()) => Ok(Inbound { received }),
            Err(error) => Err(Box::new(unread(shared, &error))),
        }
    }

    /// The largest body a streamed (multipart) request may have.
    pub(crate) fn streamed_body_limit(shared: &Shared) -> u64 {
        shared.files.options.max_body_bytes()
    }

    /// Sets the SHA-256 of a body streamed elsewhere, and its length, for
    /// the SigV4 check.
    pub(crate) fn set_body_sha256(&mut self, sha256: String, len: usize) {
        self.received.body_sha256 = Some(sha256);
        self.received.body_len = len;
    }

    /// Authentication, then the workspace and version headers, as for every
    /// route; the answer to send instead when they fail.
    pub(crate) fn verify(&self, shared: &Shared) -> Result<(), Box<Response<ResBody>>> {
        let now = shared.config.clock.now();
        authenticate(shared, &self.received)
            .and_then(|()| check_headers(shared, &self.received))
            .map_err(|reply| Box::new(reply.into_response(now)))
    }

    pub(crate) fn method(&self) -> &str {
        &self.received.method
    }

    pub(crate) fn path_and_query(&self) -> &str {
        &self.received.path_and_query
    }

    pub(crate) fn path(&self) -> &str {
        self.received.path()
    }

    /// The decoded query pairs, in order.
    pub(crate) fn query_pairs(&self) -> Vec<(String, String)> {
        self.received.query_pairs()
    }

    /// Header names (lowercase) and values, one entry per value.
    pub(crate) fn headers(&self) -> &[(String, String)] {
        &self.received.headers
    }

    /// The body, when it was read in full ([`Inbound::read`]).
    pub(crate) fn body(&self) -> &Bytes {
        &self.received.body
    }
}

/// A Claude API error (with both request IDs), as a response.
pub(crate) fn api_error(shared: &Shared, error: &ApiError) -> Response<ResBody> {
    Reply::api_error(shared, error).into_response(shared.config.clock.now())
}

/// The answer to a body that was not read in full (the connection is closed
/// after it).
pub(crate) fn unread(shared: &Shared, error: &ReadError) -> Response<ResBody> {
    super::unread_body(shared, error).into_response(shared.config.clock.now())
}
