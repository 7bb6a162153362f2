//! [`Call`]: one API call as a route declares it (method, path, query, body, beta, IAM
//! action), built before it is sent.

use bytes::Bytes;
use http::Method;
use reqwest::Url;

use super::StreamedBody;
use super::telemetry::GenAi;
use crate::error::Error;
use crate::request_options::RequestOptions;

/// One API call, before it is sent: built with [`Call::new`] and the builder methods, then
/// given to the transport ([`Transport::json`](super::Transport::json) and friends).
///
/// `Call::new(Method::GET, &["v1", "skills"], &options).beta(SKILLS_BETA).iam("ListSkills")`
#[derive(Clone)]
#[must_use = "a call does nothing until it is sent"]
pub(crate) struct Call<'a> {
    pub(super) method: Method,
    /// Path segments below the base URL, unencoded: `["v1", "models", id]`.
    pub(super) path: &'a [&'a str],
    pub(super) query: Vec<(&'static str, String)>,
    pub(super) body: Option<Bytes>,
    /// The endpoint's request-size limit, checked before anything is sent.
    pub(super) max_body: Option<usize>,
    /// A server-sent-events answer: the timeout covers the wait for the response headers,
    /// then each silence in the stream; `accept: text/event-stream`.
    pub(super) streaming: bool,
    pub(super) options: RequestOptions,
    /// A full URL to send to instead of `path` below the base URL (a batch's `results_url`;
    /// the caller checks it has the base URL's origin). Boxed, as `streamed`: every call
    /// carries the field, few use it.
    pub(super) url: Option<Box<Url>>,
    /// The `accept` header, instead of the JSON or event-stream default.
    pub(super) accept: Option<&'static str>,
    /// A body streamed from its source instead of `body` (a file upload).
    pub(super) streamed: Option<Box<StreamedBody>>,
    /// A beta this call needs, added to the `anthropic-beta` header.
    pub(super) beta: Option<&'static str>,
    /// The IAM action the route needs (`ListSkills`), named by an AccessDenied answer.
    pub(super) iam: Option<&'static str>,
    /// The GenAI operation and model, for the request span's conventions.
    pub(super) gen_ai: Option<GenAi>,
}

impl<'a> Call<'a> {
    /// A call of `method` to `path` (segments below the base URL) under `options`, with no
    /// query, no body, no beta and no IAM action yet.
    pub(crate) fn new(method: Method, path: &'a [&'a str], options: &RequestOptions) -> Self {
        Self {
            method,
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
            iam: None,
            gen_ai: None,
        }
    }

    /// The query parameters, before the options' own.
    pub(crate) fn query(mut self, query: Vec<(&'static str, String)>) -> Self {
        self.query = query;
        self
    }

    /// `body` serialized as the JSON body (the options' extra body fields merged in), refused
    /// before anything is sent when over `max_body` bytes.
    pub(crate) fn json(
        mut self,
        body: &impl serde::Serialize,
        max_body: usize,
    ) -> Result<Self, Error> {
        let body = serde_json::to_vec(body)
            .map_err(|e| Error::config(format!("the request body cannot be serialized: {e}")))?;
        let body = self.options.merge_body(body)?;
        self.body = Some(Bytes::from(body));
        self.max_body = Some(max_body);
        Ok(self)
    }

    /// These exact bytes as the body.
    pub(crate) fn body(mut self, body: Option<Bytes>) -> Self {
        self.body = body;
        self
    }

    /// A body streamed from its source (an upload).
    pub(crate) fn streamed(mut self, body: StreamedBody) -> Self {
        self.streamed = Some(Box::new(body));
        self
    }

    /// A beta the route needs, merged into `anthropic-beta`.
    pub(crate) fn beta(mut self, beta: &'static str) -> Self {
        self.beta = Some(beta);
        self
    }

    /// The IAM action the route needs (in the `aws-external-anthropic` namespace).
    pub(crate) fn iam(mut self, action: &'static str) -> Self {
        self.iam = Some(action);
        self
    }

    /// The answer is a stream: the timeout covers the wait for the headers, then each
    /// silence in the body.
    pub(crate) fn streaming(mut self) -> Self {
        self.streaming = true;
        self
    }

    /// The `accept` header, instead of the JSON or event-stream default.
    pub(crate) fn accept(mut self, accept: &'static str) -> Self {
        self.accept = Some(accept);
        self
    }

    /// Sends to this full URL instead of the path below the base URL.
    pub(crate) fn url(mut self, url: Url) -> Self {
        self.url = Some(Box::new(url));
        self
    }

    /// The GenAI operation and model, for the request span.
    pub(crate) fn gen_ai(mut self, gen_ai: GenAi) -> Self {
        self.gen_ai = Some(gen_ai);
        self
    }

    /// The call's request options.
    pub(crate) fn options(&self) -> &RequestOptions {
        &self.options
    }
}
