//! The one attempt loop: build → authenticate (sign afresh) → send → classify → back off.
//!
//! Every call runs inside a `tracing` span named `anthropic_aws.request` that records the HTTP
//! status, the attempt count and both request IDs as soon as they are known.

use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http::header::{ACCEPT, CONTENT_TYPE, USER_AGENT};
use http::{HeaderValue, Method};
use reqwest::Url;
use tracing::{Instrument, Span, field};

use crate::auth::{Auth, Authorize, OutgoingRequest};
use crate::config::Config;
use crate::error::{ApiError, Error};
use crate::response::{RequestIds, ResponseMeta};
use crate::retry;

/// Error bodies are read up to this many bytes; the rest is dropped.
const MAX_ERROR_BODY: usize = 64 * 1024;
const RETRY_COUNT_HEADER: &str = "x-stainless-retry-count";
const USER_AGENT_VALUE: &str = concat!("anthropic-aws-rust/", env!("CARGO_PKG_VERSION"));

/// One API call, before it is sent.
pub(crate) struct Call<'a> {
    pub(crate) method: Method,
    /// Path segments below the base URL, unencoded: `["v1", "models", id]`.
    pub(crate) path: &'a [&'a str],
    pub(crate) query: Vec<(&'static str, String)>,
    pub(crate) body: Option<Bytes>,
}

impl<'a> Call<'a> {
    pub(crate) fn get(path: &'a [&'a str]) -> Self {
        Self {
            method: Method::GET,
            path,
            query: Vec::new(),
            body: None,
        }
    }

    pub(crate) fn post_json(
        path: &'a [&'a str],
        body: &impl serde::Serialize,
    ) -> Result<Self, Error> {
        let body = serde_json::to_vec(body)
            .map_err(|e| Error::config(format!("the request body cannot be serialized: {e}")))?;
        Ok(Self {
            method: Method::POST,
            path,
            query: Vec::new(),
            body: Some(Bytes::from(body)),
        })
    }
}

/// Sends calls for one client.
pub(crate) struct Transport {
    http: reqwest::Client,
    config: Config,
    auth: Auth,
}

impl Transport {
    pub(crate) fn new(config: Config, auth: Auth) -> Result<Self, Error> {
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
            .tcp_keepalive(Duration::from_secs(60))
            .tcp_keepalive_interval(Duration::from_secs(60))
            .tcp_keepalive_retries(5)
            .build()
            .map_err(|e| Error::config(format!("the HTTP client cannot be built: {e}")))?;
        Ok(Self { http, config, auth })
    }

    pub(crate) fn config(&self) -> &Config {
        &self.config
    }

    /// Sends `call` (retrying as the policy allows) and reads the whole successful body.
    pub(crate) async fn send(&self, call: Call<'_>) -> Result<(ResponseMeta, Bytes), Error> {
        let response = self.execute(&call).await?;
        let meta = ResponseMeta::new(response.status(), response.headers().clone());
        let body = response
            .bytes()
            .await
            .map_err(|e| self.transport_error(e, "reading the response body"))?;
        Ok((meta, body))
    }

    /// Runs the attempt loop and returns the first successful response, body unread.
    async fn execute(&self, call: &Call<'_>) -> Result<reqwest::Response, Error> {
        let url = self.url(call)?;
        let span = tracing::info_span!(
            "anthropic_aws.request",
            method = %call.method,
            path = url.path(),
            status = field::Empty,
            attempts = field::Empty,
            aws_request_id = field::Empty,
            anthropic_request_id = field::Empty,
        );
        async {
            let mut retries = 0;
            let mut refreshed_credentials = false;
            loop {
                let outcome = self.attempt(call, &url, retries).await;
                Span::current().record("attempts", retries + 1);
                let err = match outcome {
                    Ok(response) => return Ok(response),
                    Err(err) => err,
                };
                if let Auth::SigV4(signer) = &self.auth
                    && !refreshed_credentials
                    && retry::is_expired_token(&err)
                {
                    tracing::debug!("credentials expired; refreshing them once and retrying");
                    refreshed_credentials = true;
                    signer.refresh_credentials().await?;
                    continue;
                }
                if retries >= self.config.max_retries || !err.is_retryable() {
                    return Err(err);
                }
                let delay = retry::delay(&err, retries);
                tracing::debug!(error = %err, ?delay, retry = retries + 1, "retrying");
                tokio::time::sleep(delay).await;
                retries += 1;
            }
        }
        .instrument(span)
        .await
    }

    /// One attempt: headers, fresh authentication, send, classify.
    async fn attempt(
        &self,
        call: &Call<'_>,
        url: &Url,
        retries: u32,
    ) -> Result<reqwest::Response, Error> {
        let mut request = OutgoingRequest {
            method: call.method.clone(),
            url: url.clone(),
            headers: self.config.default_headers.clone(),
            body: call.body.clone().unwrap_or_default(),
        };
        let headers = &mut request.headers;
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert(USER_AGENT, HeaderValue::from_static(USER_AGENT_VALUE));
        headers.insert(RETRY_COUNT_HEADER, HeaderValue::from(retries));
        self.auth.authorize(&mut request).await?;

        let response = self
            .http
            .request(request.method, request.url)
            .headers(request.headers)
            .body(request.body)
            .send()
            .await
            .map_err(|e| self.transport_error(e, "sending the request"))?;

        let status = response.status();
        let ids = RequestIds::from_headers(response.headers());
        let span = Span::current();
        span.record("status", status.as_u16());
        if let Some(id) = ids.aws() {
            span.record("aws_request_id", id);
        }
        if let Some(id) = ids.anthropic() {
            span.record("anthropic_request_id", id);
        }
        tracing::debug!(
            status = status.as_u16(),
            aws_request_id = ids.aws(),
            anthropic_request_id = ids.anthropic(),
            retry = retries,
            "response"
        );
        if status.is_success() {
            return Ok(response);
        }
        let headers = response.headers().clone();
        let body = read_capped(response, MAX_ERROR_BODY).await;
        Err(ApiError::from_response(status, headers, body).into())
    }

    fn url(&self, call: &Call<'_>) -> Result<Url, Error> {
        let mut url = self.config.base_url.clone();
        url.path_segments_mut()
            .map_err(|()| Error::config("the base URL cannot carry a path"))?
            .pop_if_empty()
            .extend(call.path);
        if !call.query.is_empty() {
            url.query_pairs_mut().extend_pairs(&call.query);
        }
        Ok(url)
    }

    fn transport_error(&self, e: reqwest::Error, doing: &str) -> Error {
        if e.is_timeout() {
            Error::Timeout {
                timeout: self.config.timeout,
                source: Box::new(e),
            }
        } else {
            let message = if e.is_connect() {
                format!("could not connect to {}", self.config.base_url)
            } else {
                format!("the connection failed while {doing}")
            };
            Error::Connection {
                message,
                source: Box::new(e),
            }
        }
    }
}

/// Reads at most `cap` bytes of a body; a body that breaks off is kept as far as it came.
async fn read_capped(mut response: reqwest::Response, cap: usize) -> Bytes {
    let mut body = BytesMut::new();
    while body.len() < cap {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                let room = cap - body.len();
                body.extend_from_slice(&chunk[..chunk.len().min(room)]);
            }
            Ok(None) | Err(_) => break,
        }
    }
    body.freeze()
}
