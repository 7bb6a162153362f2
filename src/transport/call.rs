//! [`Call`]: one API call as a route declares it, before it is sent: method, path, query,
//! body, betas, how the answer is read and the IAM action the route needs, built in one
//! expression, e.g.
//! `Call::new(Method::GET, &["v1", "skills"], options).query(q).beta(SKILLS_BETA).iam(IamAction::ListSkills)`.

use bytes::Bytes;
use http::Method;
use reqwest::Url;

use super::StreamedBody;
use super::telemetry::GenAi;
use crate::error::{Error, IamAction};
use crate::request_options::RequestOptions;

/// One API call, before it is sent. Its fields are the transport's to read; a route says
/// what it is through the builder methods.
#[derive(Clone)]
pub(crate) struct Call<'a> {
    pub(super) method: Method,
    /// Path segments below the base URL, unencoded: `["v1", "models", id]`.
    pub(super) path: &'a [&'a str],
    pub(super) query: Vec<(&'static str, String)>,
    pub(super) body: Option<Bytes>,
    /// The endpoint's request-size limit, checked before anything is sent.
    pub(super) max_body: Option<usize>,
    /// A server-sent-events (or long body) answer: the timeout covers the wait for the
    /// response headers, then each silence in the body.
    pub(super) streaming: bool,
    /// The IAM action the route needs, named by an AccessDenied answer's advice.
    pub(super) iam: Option<IamAction>,
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
    /// The GenAI operation and model, for the request span's conventions.
    pub(super) gen_ai: Option<GenAi>,
}

impl<'a> Call<'a> {
    /// A call of `method` to `path` (segments below the base URL) with the caller's
    /// per-request `options`; no body, a JSON answer.
    pub(crate) fn new(method: Method, path: &'a [&'a str], options: &RequestOptions) -> Self {
        Self {
            method,
            path,
            query: Vec::new(),
            body: None,
            max_body: None,
            streaming: false,
            iam: None,
            options: options.clone(),
            url: None,
            accept: None,
            streamed: None,
            beta: None,
            gen_ai: None,
        }
    }

    /// `body` serialized as the JSON body, with the options' extra body fields merged in, and
    /// refused before anything is sent when over `max_body` bytes.
    pub(crate) fn json(
        mut self,
        body: &impl serde::Serialize,
        max_body: usize,
    ) -> Result<Self, Error> {
        let body = serde_json::to_vec(body)
            .map_err(|e| Error::config(format!("the request body cannot be serialized: {e}")))?;
        self.body = Some(Bytes::from(self.options.merge_body(body)?));
        self.max_body = Some(max_body);
        Ok(self)
    }

    /// These exact bytes as the body (a raw request's).
    pub(crate) fn body(mut self, body: Option<Bytes>) -> Self {
        self.body = body;
        self
    }

    /// A body streamed from its source (a multipart upload), sent with its exact length.
    pub(crate) fn streamed(mut self, body: StreamedBody) -> Self {
        self.streamed = Some(Box::new(body));
        self
    }

    /// The query parameters, before the options' extra ones.
    pub(crate) fn query(mut self, query: Vec<(&'static str, String)>) -> Self {
        self.query = query;
        self
    }

    /// A beta the route needs, merged into `anthropic-beta` with the caller's.
    pub(crate) fn beta(mut self, beta: &'static str) -> Self {
        self.beta = Some(beta);
        self
    }

    /// The IAM action the route needs.
    pub(crate) fn iam(mut self, action: IamAction) -> Self {
        self.iam = Some(action);
        self
    }

    /// The answer is streamed: the timeout covers the wait for the headers, then each
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

    /// Sent to this full URL instead of the path below the base URL (the caller has checked
    /// its origin).
    pub(crate) fn url(mut self, url: Url) -> Self {
        self.url = Some(Box::new(url));
        self
    }

    /// The GenAI operation and model, for the request span.
    pub(crate) fn gen_ai(mut self, gen_ai: GenAi) -> Self {
        self.gen_ai = Some(gen_ai);
        self
    }

    /// The caller's per-request options.
    pub(crate) fn request_options(&self) -> &RequestOptions {
        &self.options
    }
}
