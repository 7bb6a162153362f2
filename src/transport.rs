//! The one attempt loop: build → authenticate (sign afresh) → send → classify → back off.
//!
//! Every call runs inside a `tracing` span named `anthropic_aws.request` that records the HTTP
//! status, the attempt count and both request IDs as soon as they are known; every attempt is
//! logged at debug level with both IDs.

use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http::header::{ACCEPT, CONTENT_TYPE, USER_AGENT};
use http::{HeaderValue, Method};
use reqwest::Url;
use tracing::{Instrument, Span, field};

use crate::auth::{Auth, Authorize, OutgoingRequest};
use crate::config::Config;
use crate::error::{ApiError, Error, TimeoutKind};
use crate::request_options::RequestOptions;
use crate::response::{RequestIds, ResponseMeta};
use crate::retry;
use crate::wire::WireEvent;

/// Error bodies are read up to this many bytes; the rest is dropped.
const MAX_ERROR_BODY: usize = 64 * 1024;
/// Successful (non-streaming) bodies larger than this are refused rather than buffered.
const MAX_SUCCESS_BODY: usize = 64 * 1024 * 1024;
const RETRY_COUNT_HEADER: &str = "x-stainless-retry-count";
const USER_AGENT_VALUE: &str = concat!("anthropic-aws-rust/", env!("CARGO_PKG_VERSION"));

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
    /// the caller checks it has the base URL's origin).
    pub(crate) url: Option<Url>,
    /// The `accept` header, instead of the JSON or event-stream default.
    pub(crate) accept: Option<&'static str>,
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
        let http = http_client(config.connect_timeout)?;
        Ok(Self { http, config, auth })
    }

    pub(crate) fn config(&self) -> &Config {
        &self.config
    }

    /// The timeout that applies to `options`.
    pub(crate) fn timeout(&self, options: &RequestOptions) -> Duration {
        options.timeout.unwrap_or(self.config.timeout)
    }

    /// The retry budget that applies to `options`.
    pub(crate) fn max_retries(&self, options: &RequestOptions) -> u32 {
        options.max_retries.unwrap_or(self.config.max_retries)
    }

    /// Sends `call` (retrying as the policy allows) and reads the whole successful body; a
    /// body that breaks off is retried like any failed attempt.
    pub(crate) async fn send(&self, call: Call<'_>) -> Result<(ResponseMeta, Bytes), Error> {
        let options = &call.options;
        let read = |response| async move {
            read_success_body(response, MAX_SUCCESS_BODY)
                .await
                .map_err(|e| match e {
                    BodyError::Transport(e) => self.transport_error(e, options),
                    BodyError::TooLarge => Error::Connection {
                        message: format!(
                            "the response body exceeds {MAX_SUCCESS_BODY} bytes; refusing to buffer it"
                        ),
                        source: "response body too large".into(),
                    },
                })
        };
        let (meta, body, _) = self.run(&call, 0, read).await?;
        Ok((meta, body))
    }

    /// Sends `call` and returns the first successful response with its body unread, and how
    /// many retries have been spent. `first_retry` is the number of retries already spent on
    /// this call (a restarted stream continues its budget).
    pub(crate) async fn open(
        &self,
        call: &Call<'_>,
        first_retry: u32,
    ) -> Result<(ResponseMeta, reqwest::Response, u32), Error> {
        self.run(call, first_retry, |response| async { Ok(response) })
            .await
    }

    /// The attempt loop, in its tracing span. `finish` completes a successful attempt (reads
    /// the body, say); its failures are retried like the attempt's own.
    async fn run<T, F, Fut>(
        &self,
        call: &Call<'_>,
        first_retry: u32,
        finish: F,
    ) -> Result<(ResponseMeta, T, u32), Error>
    where
        F: Fn(reqwest::Response) -> Fut,
        Fut: Future<Output = Result<T, Error>>,
    {
        if let (Some(body), Some(limit)) = (&call.body, call.max_body)
            && body.len() > limit
        {
            return Err(Error::RequestTooLarge {
                size: body.len(),
                limit,
            });
        }
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
            let max_retries = self.max_retries(&call.options);
            let mut retries = first_retry;
            let mut attempts = 0;
            let mut refreshed_credentials = false;
            let mut corrected_clock = false;
            loop {
                attempts += 1;
                Span::current().record("attempts", attempts);
                let outcome = match self.attempt(call, &url, retries).await {
                    Ok((mut response, ids)) => {
                        // The body is read without the headers: move them, don't copy.
                        let headers = std::mem::take(response.headers_mut());
                        let meta = ResponseMeta::from_parts(response.status(), headers, ids)
                            .with_retries(retries);
                        finish(response).await.map(|done| (meta, done))
                    }
                    Err(err) => Err(err),
                };
                let mut err = match outcome {
                    Ok((meta, done)) => return Ok((meta, done, retries)),
                    Err(err) => err,
                };
                if let Error::Api(api) = &mut err {
                    api.set_retries(retries);
                }
                if let Auth::SigV4(signer) = &self.auth {
                    if !refreshed_credentials && retry::is_expired_token(&err) {
                        refreshed_credentials = true;
                        tracing::debug!("credentials expired; refreshing them once and retrying");
                        if let Err(refresh) = signer.refresh_credentials().await {
                            tracing::debug!(error = %refresh, "the credential refresh failed");
                            return Err(err);
                        }
                        continue;
                    }
                    if !corrected_clock && let Some(skew) = retry::clock_skew(&err) {
                        corrected_clock = true;
                        tracing::debug!(
                            ?skew,
                            "signature outside the server's window; correcting the clock"
                        );
                        signer.set_clock_skew(skew);
                        continue;
                    }
                }
                if retries >= max_retries || !err.is_retryable() {
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

    /// One attempt: headers, fresh authentication, send, classify. A success comes back with
    /// its request IDs, read once here.
    async fn attempt(
        &self,
        call: &Call<'_>,
        url: &Url,
        retries: u32,
    ) -> Result<(reqwest::Response, RequestIds), Error> {
        let mut request = OutgoingRequest {
            method: call.method.clone(),
            url: url.clone(),
            headers: self.config.default_headers.clone(),
            body: call.body.clone().unwrap_or_default(),
        };
        let headers = &mut request.headers;
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        let accept = call.accept.unwrap_or(if call.streaming {
            "text/event-stream"
        } else {
            "application/json"
        });
        headers.insert(ACCEPT, HeaderValue::from_static(accept));
        headers.insert(USER_AGENT, HeaderValue::from_static(USER_AGENT_VALUE));
        headers.insert(RETRY_COUNT_HEADER, HeaderValue::from(retries));
        self.auth.authorize(&mut request).await?;

        let timeout = self.timeout(&call.options);
        let http = match call.options.connect_timeout {
            Some(connect) if connect != self.config.connect_timeout => http_client(connect)?,
            _ => self.http.clone(),
        };
        if let Some(observe) = &self.config.wire_observer {
            observe(&WireEvent::Request {
                method: &request.method,
                url: &request.url,
                headers: &request.headers,
                body_len: request.body.len(),
            });
        }
        let mut builder = http
            .request(request.method, request.url)
            .headers(request.headers)
            .body(request.body);
        let response = if call.streaming {
            // Until the headers arrive; the stream then watches its own silences.
            match tokio::time::timeout(timeout, builder.send()).await {
                Ok(sent) => sent,
                Err(_) => {
                    return Err(Error::Timeout {
                        kind: TimeoutKind::Request,
                        timeout,
                        source: None,
                    });
                }
            }
        } else {
            builder = builder.timeout(timeout);
            builder.send().await
        }
        .map_err(|e| self.transport_error(e, &call.options))?;

        let status = response.status();
        if let Some(observe) = &self.config.wire_observer {
            observe(&WireEvent::Response {
                status,
                headers: response.headers(),
            });
        }
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
            return Ok((response, ids));
        }
        let headers = response.headers().clone();
        let body = read_capped(response, MAX_ERROR_BODY).await;
        let bearer = matches!(self.auth, Auth::ApiKey(_));
        Err(ApiError::from_response(status, headers, body)
            .for_route(&call.method, url.path(), bearer)
            .into())
    }

    fn url(&self, call: &Call<'_>) -> Result<Url, Error> {
        if let Some(url) = &call.url {
            return Ok(url.clone());
        }
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

    /// Classifies a transport failure: which timeout fired, or a connection problem.
    pub(crate) fn transport_error(&self, e: reqwest::Error, options: &RequestOptions) -> Error {
        let connect_timeout = options
            .connect_timeout
            .unwrap_or(self.config.connect_timeout);
        match (e.is_timeout(), e.is_connect()) {
            (true, true) => Error::Timeout {
                kind: TimeoutKind::Connect,
                timeout: connect_timeout,
                source: Some(Box::new(e)),
            },
            (true, false) => Error::Timeout {
                kind: TimeoutKind::Request,
                timeout: self.timeout(options),
                source: Some(Box::new(e)),
            },
            (false, true) => Error::Connection {
                message: format!("could not connect to {}", self.config.base_url),
                source: Box::new(e),
            },
            (false, false) => Error::Connection {
                message: "the connection failed before a complete response arrived".to_owned(),
                source: Box::new(e),
            },
        }
    }
}

fn http_client(connect_timeout: Duration) -> Result<reqwest::Client, Error> {
    reqwest::Client::builder()
        .connect_timeout(connect_timeout)
        .tcp_keepalive(Duration::from_secs(60))
        .tcp_keepalive_interval(Duration::from_secs(60))
        .tcp_keepalive_retries(5)
        .build()
        .map_err(|e| Error::config(format!("the HTTP client cannot be built: {e}")))
}

enum BodyError {
    Transport(reqwest::Error),
    TooLarge,
}

/// Reads a whole successful body, refusing one larger than `cap`. A body that arrives in one
/// chunk (the usual case) is returned as is, without a copy.
async fn read_success_body(
    mut response: reqwest::Response,
    cap: usize,
) -> Result<Bytes, BodyError> {
    let declared = response.content_length();
    if declared.is_some_and(|n| n > cap as u64) {
        return Err(BodyError::TooLarge);
    }
    let Some(first) = response.chunk().await.map_err(BodyError::Transport)? else {
        return Ok(Bytes::new());
    };
    if first.len() > cap {
        return Err(BodyError::TooLarge);
    }
    let Some(second) = response.chunk().await.map_err(BodyError::Transport)? else {
        return Ok(first);
    };
    let expected = declared.map_or(0, |n| n as usize);
    let mut body = BytesMut::with_capacity(expected.max(first.len() + second.len()));
    let mut chunk = Some(second);
    body.extend_from_slice(&first);
    while let Some(more) = chunk {
        if body.len() + more.len() > cap {
            return Err(BodyError::TooLarge);
        }
        body.extend_from_slice(&more);
        chunk = response.chunk().await.map_err(BodyError::Transport)?;
    }
    Ok(body.freeze())
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
