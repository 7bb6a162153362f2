//! What a family declares of each of its endpoints ([`Route`], in the
//! `ROUTES` of its `routes.rs`) and what the endpoint's handler gets
//! ([`Call`]): the request and what every handler reads of it the same way
//! (path parameters, query, `limit` and pages, the JSON body) and how it
//! answers JSON.

use std::cell::OnceCell;
use std::time::SystemTime;

use serde::Deserialize;
use serde_json::Value;

use crate::error::ApiError;
use crate::pages::{self, CursorPage, IdPage};
use crate::sigv4::percent_decode;
use crate::state::Shared;

use super::effects::Effects;
use super::received::{MAX_BODY_BYTES, Received};
use super::reply::Reply;

/// A handler: answers a [`Call`].
pub(crate) type Handler = fn(&Call<'_>) -> Reply;

/// How a route's request body is read, before authentication.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyRule {
    /// Kept in memory, at most this many bytes.
    Buffered(usize),
    /// `multipart/form-data` parsed as it arrives, the file written to
    /// disk, the body hashed for SigV4 on the way; at most the file size
    /// limit plus the multipart overhead (`server/upload_body.rs`).
    FileUpload,
}

/// One endpoint: `Route::get("/v1/files/{file_id}", get)`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Route {
    /// The method, e.g. `POST`.
    pub(super) method: &'static str,
    /// The path: literal segments, and `{name}` for one non-empty segment.
    pub(super) pattern: &'static str,
    pub(super) handler: Handler,
    /// How its body is read.
    pub(super) body: BodyRule,
}

impl Route {
    /// `method` `pattern`, answered by `handler`; its body is buffered up
    /// to the Messages API's limit unless [`body`](Self::body) says otherwise.
    pub(crate) const fn new(method: &'static str, pattern: &'static str, handler: Handler) -> Self {
        Route {
            method,
            pattern,
            handler,
            body: BodyRule::Buffered(MAX_BODY_BYTES),
        }
    }

    /// `GET pattern`.
    pub(crate) const fn get(pattern: &'static str, handler: Handler) -> Self {
        Route::new("GET", pattern, handler)
    }

    /// `POST pattern`.
    pub(crate) const fn post(pattern: &'static str, handler: Handler) -> Self {
        Route::new("POST", pattern, handler)
    }

    /// `DELETE pattern`.
    pub(crate) const fn delete(pattern: &'static str, handler: Handler) -> Self {
        Route::new("DELETE", pattern, handler)
    }

    /// The same route, its body read as `body` says.
    pub(crate) const fn body(self, body: BodyRule) -> Self {
        Route { body, ..self }
    }
}

/// A request to a route, as its handler sees it.
pub(crate) struct Call<'a> {
    pub(crate) shared: &'a Shared,
    pub(crate) request: &'a Received,
    /// What the scenario and the fault queue ask of the answer.
    pub(crate) effects: &'a Effects<'a>,
    /// The `{name}` segments of the pattern, in order, still percent-encoded.
    params: &'a [&'a str],
    /// The decoded query, read when first asked for.
    query: OnceCell<Vec<(String, String)>>,
}

impl<'a> Call<'a> {
    pub(super) fn new(
        shared: &'a Shared,
        request: &'a Received,
        effects: &'a Effects<'a>,
        params: &'a [&'a str],
    ) -> Self {
        Call {
            shared,
            request,
            effects,
            params,
            query: OnceCell::new(),
        }
    }

    /// Path parameter `i` (the `i`-th `{name}` of the pattern), decoded.
    pub(crate) fn param(&self, i: usize) -> String {
        let raw = self.params.get(i).copied().unwrap_or_default();
        String::from_utf8_lossy(&percent_decode(raw, false)).into_owned()
    }

    /// The decoded query pairs.
    fn pairs(&self) -> &[(String, String)] {
        self.query.get_or_init(|| self.request.query_pairs())
    }

    /// The last value of query parameter `name`, decoded.
    pub(crate) fn query(&self, name: &str) -> Option<&str> {
        pages::query(self.pairs(), name)
    }

    /// The page asked by `limit` (at most `max_limit`), `after_id` and
    /// `before_id`.
    pub(crate) fn id_page(&self, max_limit: usize) -> Result<IdPage<'_>, ApiError> {
        IdPage::parse(self.pairs(), max_limit)
    }

    /// The page asked by `limit` (at most `max_limit`) and `page`.
    pub(crate) fn cursor_page(&self, max_limit: usize) -> Result<CursorPage<'_>, ApiError> {
        CursorPage::parse(self.pairs(), max_limit)
    }

    /// The request body, parsed as JSON.
    pub(crate) fn json_body<'b, T: Deserialize<'b>>(&'b self) -> Result<T, ApiError> {
        serde_json::from_slice(&self.request.body).map_err(|e| ApiError::invalid_json(&e))
    }

    /// The emulator's clock, now.
    pub(crate) fn now(&self) -> SystemTime {
        self.shared.config.clock.now()
    }

    /// `200` with the JSON `answer`, or the error.
    pub(crate) fn json(&self, answer: Result<Value, ApiError>) -> Reply {
        match answer {
            Ok(body) => Reply::anthropic_json(self.shared, 200, &body),
            Err(error) => self.error(&error),
        }
    }

    /// The error answer.
    pub(crate) fn error(&self, error: &ApiError) -> Reply {
        Reply::api_error(self.shared, error)
    }
}
