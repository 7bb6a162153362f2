//! [`Call`]: one API call as the resources describe it, before it is sent.

use bytes::Bytes;
use http::Method;
use reqwest::Url;

use super::StreamedBody;
use super::telemetry::GenAi;
use crate::error::Error;
use crate::request_options::RequestOptions;

/// One API call, before it is sent.
#[derive(Clone)]
pub(crate) struct Call<'a> {
    pub(crate) method: Method,
    /// Path segments below the base URL, unencoded: `["v1", "models", id]`.
    pub(crate) path: &'a [&'a str],
    pub(crate) query: Vec<(&'static str, String)>,
    pub(crate) body: Option<Bytes>,
    /// The endpoint's request-size limit, checked before anything is sent.
    pub(crate) max_body: Option<usize>,
    /// A server-sent-events answer: the timeout covers the wait for the response headers,
    /// then each silence in the stream; `accept: text/event-stream`.
    pub(crate) streaming: bool,
    pub(crate) options: RequestOptions,
    /// A full URL to send to instead of `path` below the base URL (a batch's `results_url`;
    /// the caller checks it has the base URL's origin). Boxed, as `streamed`: every call
    /// carries the field, few use it.
    pub(crate) url: Option<Box<Url>>,
    /// The `accept` header, instead of the JSON or event-stream default.
    pub(crate) accept: Option<&'static str>,
    /// A body streamed from its source instead of `body` (a file upload).
    pub(crate) streamed: Option<Box<StreamedBody>>,
    /// A beta this call needs, added to the `anthropic-beta` header.
    pub(crate) beta: Option<&'static str>,
    /// The GenAI operation and model, for the request span's conventions.
    pub(crate) gen_ai: Option<GenAi>,
}

impl<'a> Call<'a> {
    pub(crate) fn get(path: &'a [&'a str], options: &RequestOptions) -> Self {
        Self {
            method: Method::GET,
            path,
            query: Vec::new(),
            body: None,
            max_body: None,
            streaming: false,
            options: options.clone(),
            url: None,
            accept: None,
            streamed: None,
            beta: None,
            gen_ai: None,
        }
    }

    pub(crate) fn post_json(
        path: &'a [&'a str],
        body: &impl serde::Serialize,
        max_body: usize,
        options: &RequestOptions,
    ) -> Result<Self, Error> {
        let body = serde_json::to_vec(body)
            .map_err(|e| Error::config(format!("the request body cannot be serialized: {e}")))?;
        let body = options.merge_body(body)?;
        Ok(Self {
            method: Method::POST,
            path,
            query: Vec::new(),
            body: Some(Bytes::from(body)),
            max_body: Some(max_body),
            streaming: false,
            options: options.clone(),
            url: None,
            accept: None,
            streamed: None,
            beta: None,
            gen_ai: None,
        })
    }
}
