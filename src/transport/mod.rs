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
mod exchange;
mod http_client;
mod streamed;
pub(crate) mod telemetry;

use std::borrow::{Borrow, BorrowMut};
use std::time::Duration;

use bytes::Bytes;
use reqwest::Url;
use tracing::Span;

use crate::auth::Auth;
use crate::config::Config;
use crate::error::Error;
use crate::request_id::RequestIds;
use crate::request_options::RequestOptions;
use crate::response::ResponseMeta;
use crate::retry::{Next, Retries};
use body::{BodyError, read_success_body};
pub(crate) use call::Call;
pub(crate) use exchange::Exchange;
use http_client::{HttpClients, http_client};
pub(crate) use streamed::{OpenBody, StreamedBody};
pub(crate) use telemetry::GenAi;

/// The most of one answer the client holds in memory: a successful non-streaming body (a
/// declared `Content-Length` over it is refused before a byte is read), or the content a
/// stream's [`final_message`](crate::MessageStream::final_message) accumulates. Past it the
/// call fails with [`Error::ResponseTooLarge`], never retried.
/// Plain streaming ([`MessageStream`](crate::MessageStream) events, [`TextStream`](crate::TextStream))
/// holds one event at a time and has no such bound.
pub const MAX_RESPONSE_BYTES: usize = 32 * 1024 * 1024;

/// Sends calls for one client.
pub(crate) struct Transport {
    http: reqwest::Client,
    /// Clients for per-request connect timeouts other than the client's, one per timeout.
    clients: HttpClients,
    config: Config,
    auth: Auth,
}

impl Transport {
    pub(crate) fn new(config: Config, auth: Auth) -> Result<Self, Error> {
        let http = http_client(config.connect_timeout)?;
        Ok(Self {
            http,
            clients: HttpClients::default(),
            config,
            auth,
        })
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
        let span = telemetry::request_span(&call);
        self.send_in(call, span)
    }

    /// Sends `call` and parses its answer as `T`: the one "send, then parse" every resource
    /// uses.
    pub(crate) async fn json<T: serde::de::DeserializeOwned>(
        &self,
        call: Call<'_>,
    ) -> Result<crate::response::Response<T>, Error> {
        self.raw(call).await?.parse()
    }

    /// Sends `call` and keeps its answer unparsed, typed as `T` for a later
    /// [`parse`](crate::RawResponse::parse).
    pub(crate) async fn raw<T>(&self, call: Call<'_>) -> Result<crate::RawResponse<T>, Error> {
        let (meta, body) = self.send(call).await?;
        Ok(crate::RawResponse::new(meta, body))
    }

    /// [`send`](Self::send) in `span` (from [`telemetry::request_span`]), for a caller that
    /// records the parsed answer on it.
    pub(crate) fn send_in<'a>(&'a self, call: Call<'a>, span: Span) -> Exchange<'a, Bytes> {
        let retries = self.retries(&call);
        let read = |response| read_success_body(response, MAX_RESPONSE_BYTES);
        self.exchange(call, retries, span, read)
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
        let span = telemetry::request_span(call);
        self.open_in(call, retries, span)
    }

    /// [`open`](Self::open) in `span`: a stream's, the same across its restarts.
    pub(crate) fn open_in<'a>(
        &'a self,
        call: &'a Call<'a>,
        retries: &'a mut Retries,
        span: Span,
    ) -> Exchange<'a, reqwest::Response> {
        self.exchange(call, retries, span, |response| async { Ok(response) })
    }

    /// The attempt loop in `span`, boxed. Written out here rather than in `async fn`s of its
    /// own, each of which would be built apart and then copied into it whole; what only a
    /// failure awaits (a credential refresh, a backoff) is boxed on its own.
    /// `finish` completes a successful attempt (reads the body, say); its failures keep the
    /// response's status and IDs and go to the retry policy like the attempt's own.
    fn exchange<'a, T, F, Fut>(
        &'a self,
        call: impl Borrow<Call<'a>> + Send + 'a,
        mut retries: impl BorrowMut<Retries> + Send + 'a,
        span: Span,
        finish: F,
    ) -> Exchange<'a, T>
    where
        F: Fn(reqwest::Response) -> Fut + Send + 'a,
        Fut: Future<Output = Result<T, BodyError>> + Send,
        T: Send + 'a,
    {
        let in_span = span.clone();
        let attempts = async move {
            let call = call.borrow();
            let retries = retries.borrow_mut();
            within_limit(call)?;
            let mut attempts = 0;
            loop {
                attempts += 1;
                telemetry::record_attempts(&span, attempts);
                let used = retries.used();
                // Each future awaited apart from any `match`: one awaited in a scrutinee
                // keeps its room in the state through the whole `match`.
                let attempted = self.attempt(call, used, &span).await;
                let err = match attempted {
                    Ok((response, ids)) => {
                        let (meta, response) = split_response(response, ids, used);
                        let read = finish(response).await;
                        match read {
                            Ok(done) => return Ok((meta, done)),
                            Err(e) => self.body_error(e, &call.options, &meta),
                        }
                    }
                    Err(err) => err,
                };
                match self.recovery(err, retries, used) {
                    Recovery::GiveUp(err) => return Err(err),
                    Recovery::Now => {}
                    Recovery::After(wait) => {
                        let waited = Box::pin(self.wait(wait)).await;
                        waited?;
                    }
                }
            }
        };
        Exchange::new(Box::pin(attempts), in_span)
    }

    /// What follows the failed attempt number `used + 1` (`err`), by the retry policy:
    /// nothing more, another attempt now (after correcting the clock), or after something
    /// to await.
    fn recovery(&self, mut err: Error, retries: &mut Retries, used: u32) -> Recovery {
        if let Error::Api(api) = &mut err {
            api.set_retries(used);
        }
        let signer = match &self.auth {
            Auth::SigV4(signer) => Some(signer),
            Auth::ApiKey(_) | Auth::None => None,
        };
        match retries.next(&err, signer.is_some(), false) {
            Next::GiveUp => Recovery::GiveUp(err),
            Next::RefreshCredentials => {
                tracing::debug!("credentials expired; refreshing them once and retrying");
                Recovery::After(Wait::Refresh(err))
            }
            Next::CorrectClock(skew) => {
                tracing::debug!(
                    ?skew,
                    "signature outside the server's window; correcting the clock"
                );
                if let Some(signer) = signer {
                    signer.set_clock_skew(skew);
                }
                Recovery::Now
            }
            Next::RetryAfter(delay) => {
                tracing::debug!(error = %err, ?delay, retry = used + 1, "retrying");
                Recovery::After(Wait::Backoff(delay))
            }
        }
    }

    /// Awaits what comes before the next attempt; a failed credential refresh gives back the
    /// error that asked for it.
    async fn wait(&self, wait: Wait) -> Result<(), Error> {
        match wait {
            Wait::Refresh(err) => match &self.auth {
                Auth::SigV4(signer) => match signer.refresh_credentials().await {
                    Ok(()) => Ok(()),
                    Err(refresh) => {
                        tracing::debug!(error = %refresh, "the credential refresh failed");
                        Err(err)
                    }
                },
                Auth::ApiKey(_) | Auth::None => Ok(()),
            },
            Wait::Backoff(delay) => {
                tokio::time::sleep(delay).await;
                Ok(())
            }
        }
    }

    fn url(&self, call: &Call<'_>) -> Result<Url, Error> {
        if let Some(url) = &call.url {
            return Ok(Url::clone(url));
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

/// Refuses `call` before anything is sent if its body is over the endpoint's limit.
fn within_limit(call: &Call<'_>) -> Result<(), Error> {
    let size = match (&call.body, &call.streamed) {
        (_, Some(streamed)) => usize::try_from(streamed.len).unwrap_or(usize::MAX),
        (Some(body), None) => body.len(),
        (None, None) => 0,
    };
    match call.max_body {
        Some(limit) if size > limit => Err(Error::RequestTooLarge { size, limit }),
        _ => Ok(()),
    }
}

/// What follows a failed attempt ([`Transport::recovery`]).
enum Recovery {
    /// The error is the call's.
    GiveUp(Error),
    /// Another attempt, now.
    Now,
    /// Another attempt, after this ([`Transport::wait`]).
    After(Wait),
}

/// What a failed attempt waits for before the next one.
enum Wait {
    /// Fresh credentials; if they cannot be fetched, this error is the call's.
    Refresh(Error),
    /// The backoff.
    Backoff(Duration),
}

/// A successful response's metadata, its headers moved out (the body is read without them),
/// and the response left to read.
fn split_response(
    mut response: reqwest::Response,
    ids: RequestIds,
    retries: u32,
) -> (ResponseMeta, reqwest::Response) {
    let headers = std::mem::take(response.headers_mut());
    let meta = ResponseMeta::from_parts(response.status(), headers, ids).with_retries(retries);
    (meta, response)
}
