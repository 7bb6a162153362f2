//! The one attempt loop: build → authenticate (sign afresh) → send → classify → back off.
//!
//! Every call runs inside a `tracing` span named `anthropic_aws.request` that records the HTTP
//! status, the attempt count, both request IDs and the OpenTelemetry conventions' attributes
//! as soon as they are known ([`telemetry`]); every attempt is logged at debug level with both
//! IDs. The [`prepare_request`](crate::ClientBuilder::prepare_request) hook runs on every
//! attempt, just before authentication.

mod attempt;
mod body;
mod call;
mod classify;
mod http_client;
mod streamed;
pub(crate) mod telemetry;

use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;
use reqwest::Url;
use tracing::{Instrument, Span};

use crate::auth::Auth;
use crate::config::Config;
use crate::error::Error;
use crate::request_options::RequestOptions;
use crate::response::ResponseMeta;
use crate::retry::{Next, Retries};
use body::{BodyError, read_success_body};
pub(crate) use call::Call;
use http_client::http_client;
pub(crate) use streamed::{OpenBody, StreamedBody};
pub(crate) use telemetry::GenAi;

/// The most of one answer the client holds in memory: a successful non-streaming body (a
/// declared `Content-Length` over it is refused before a byte is read), or the content a
/// stream's [`final_message`](crate::MessageStream::final_message) accumulates. Past it the
/// call fails with [`Error::ResponseTooLarge`], never retried.
/// Plain streaming ([`MessageStream`](crate::MessageStream) events, [`TextStream`](crate::TextStream))
/// holds one event at a time and has no such bound.
pub const MAX_RESPONSE_BYTES: usize = 32 * 1024 * 1024;

/// One exchange in flight: its response's metadata and what was read of it. The attempt
/// loop's state (the exchange, signing, the backoff timer) runs to kilobytes, so it lives on
/// the heap: the future a caller holds, spawns, or keeps in a finished task until it is
/// joined stays a few words, whatever the call.
pub(crate) type Exchange<'a, T> =
    Pin<Box<dyn Future<Output = Result<(ResponseMeta, T), Error>> + Send + 'a>>;

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

    /// Whether requests are SigV4-signed, so that a streamed body needs its payload hash.
    pub(crate) fn signs_payload(&self) -> bool {
        matches!(self.auth, Auth::SigV4(_))
    }

    /// The retry budget that applies to `options`.
    pub(crate) fn max_retries(&self, options: &RequestOptions) -> u32 {
        options.max_retries.unwrap_or(self.config.max_retries)
    }

    /// Sends `call` (retrying as the policy allows) and reads the whole successful body; a
    /// body that breaks off is retried like any failed attempt, one over the cap is not.
    pub(crate) fn send<'a>(&'a self, call: Call<'a>) -> Exchange<'a, Bytes> {
        Box::pin(async move {
            let span = telemetry::request_span(&call);
            self.read_whole(&call, &span).await
        })
    }

    /// [`send`](Self::send) in `span` (from [`telemetry::request_span`]), for a caller that
    /// records the parsed answer on it.
    pub(crate) fn send_in<'a>(&'a self, call: Call<'a>, span: &'a Span) -> Exchange<'a, Bytes> {
        Box::pin(async move { self.read_whole(&call, span).await })
    }

    async fn read_whole(
        &self,
        call: &Call<'_>,
        span: &Span,
    ) -> Result<(ResponseMeta, Bytes), Error> {
        let mut retries = self.retries(call);
        let read = |response| read_success_body(response, MAX_RESPONSE_BYTES);
        self.run(call, &mut retries, span, read).await
    }

    /// A fresh retry budget for `call`.
    pub(crate) fn retries(&self, call: &Call<'_>) -> Retries {
        Retries::new(self.max_retries(&call.options))
    }

    /// Sends `call` and returns the first successful response with its body unread.
    /// `retries` carries what this call has already spent (a restarted stream continues its
    /// budget) and is updated.
    pub(crate) fn open<'a>(
        &'a self,
        call: &'a Call<'a>,
        retries: &'a mut Retries,
    ) -> Exchange<'a, reqwest::Response> {
        Box::pin(async move {
            let span = telemetry::request_span(call);
            self.run(call, retries, &span, |response| async { Ok(response) })
                .await
        })
    }

    /// [`open`](Self::open) in `span`: a stream's, the same across its restarts.
    pub(crate) fn open_in<'a>(
        &'a self,
        call: &'a Call<'a>,
        retries: &'a mut Retries,
        span: &'a Span,
    ) -> Exchange<'a, reqwest::Response> {
        Box::pin(self.run(call, retries, span, |response| async { Ok(response) }))
    }

    /// The attempt loop, in `span`, which records how it failed. `finish` completes a
    /// successful attempt (reads the body, say); its failures keep the response's status and
    /// IDs and go to the retry policy like the attempt's own.
    async fn run<T, F, Fut>(
        &self,
        call: &Call<'_>,
        retries: &mut Retries,
        span: &Span,
        finish: F,
    ) -> Result<(ResponseMeta, T), Error>
    where
        F: Fn(reqwest::Response) -> Fut,
        Fut: Future<Output = Result<T, BodyError>>,
    {
        let result = self.run_attempts(call, retries, span, finish).await;
        if let Err(err) = &result {
            telemetry::record_error(span, err);
        }
        result
    }

    async fn run_attempts<T, F, Fut>(
        &self,
        call: &Call<'_>,
        retries: &mut Retries,
        span: &Span,
        finish: F,
    ) -> Result<(ResponseMeta, T), Error>
    where
        F: Fn(reqwest::Response) -> Fut,
        Fut: Future<Output = Result<T, BodyError>>,
    {
        let size = match (&call.body, &call.streamed) {
            (_, Some(streamed)) => usize::try_from(streamed.len).unwrap_or(usize::MAX),
            (Some(body), None) => body.len(),
            (None, None) => 0,
        };
        if let Some(limit) = call.max_body
            && size > limit
        {
            return Err(Error::RequestTooLarge { size, limit });
        }
        let url = self.url(call)?;
        let headers = call.options.headers_over(&self.config.default_headers)?;
        telemetry::record_target(span, &url);
        async {
            let mut attempts = 0;
            loop {
                attempts += 1;
                telemetry::record_attempts(span, attempts);
                let used = retries.used();
                let outcome = match self.attempt(call, &url, &headers, used, span).await {
                    Ok((mut response, ids)) => {
                        // The body is read without the headers: move them, don't copy.
                        let headers = std::mem::take(response.headers_mut());
                        let meta = ResponseMeta::from_parts(response.status(), headers, ids)
                            .with_retries(used);
                        match finish(response).await {
                            Ok(done) => Ok((meta, done)),
                            Err(e) => Err(self.body_error(e, &call.options, &meta)),
                        }
                    }
                    Err(err) => Err(err),
                };
                let mut err = match outcome {
                    Ok(done) => return Ok(done),
                    Err(err) => err,
                };
                if let Error::Api(api) = &mut err {
                    api.set_retries(used);
                }
                let signer = match &self.auth {
                    Auth::SigV4(signer) => Some(signer),
                    Auth::ApiKey(_) | Auth::None => None,
                };
                match retries.next(&err, signer.is_some(), false) {
                    Next::GiveUp => return Err(err),
                    Next::RefreshCredentials => {
                        tracing::debug!("credentials expired; refreshing them once and retrying");
                        if let Some(signer) = signer
                            && let Err(refresh) = signer.refresh_credentials().await
                        {
                            tracing::debug!(error = %refresh, "the credential refresh failed");
                            return Err(err);
                        }
                    }
                    Next::CorrectClock(skew) => {
                        tracing::debug!(
                            ?skew,
                            "signature outside the server's window; correcting the clock"
                        );
                        if let Some(signer) = signer {
                            signer.set_clock_skew(skew);
                        }
                    }
                    Next::RetryAfter(delay) => {
                        tracing::debug!(error = %err, ?delay, retry = used + 1, "retrying");
                        tokio::time::sleep(delay).await;
                    }
                }
            }
        }
        .instrument(span.clone())
        .await
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
        let mut extra = call.options.extra_query().peekable();
        if !call.query.is_empty() || extra.peek().is_some() {
            url.query_pairs_mut()
                .extend_pairs(&call.query)
                .extend_pairs(extra);
        }
        Ok(url)
    }
}
