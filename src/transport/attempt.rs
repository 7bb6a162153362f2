//! One attempt: the request built from the call, the hook, fresh authentication, the send, and
//! the answer's first classification (success, refused redirect, or the API's error).

use std::pin::Pin;
use std::time::Duration;

use futures_util::FutureExt;
use futures_util::future::{self, Either};
use http::header::{ACCEPT, CONTENT_LENGTH, CONTENT_TYPE, LOCATION, USER_AGENT};
use http::{HeaderMap, HeaderName, HeaderValue};
use reqwest::Url;
use tracing::Span;

use super::body::read_capped;
use super::{Call, Transport, telemetry};
use crate::auth::{Auth, OutgoingRequest};
use crate::error::{ApiError, Error, Route, TimeoutKind};
use crate::headers::betas;
use crate::redact;
use crate::request_hook::RequestParts;
use crate::request_id::RequestIds;
use crate::wire::WireEvent;

/// Error bodies are read up to this many bytes; the rest is dropped.
pub(super) const MAX_ERROR_BODY: usize = 64 * 1024;
const RETRY_COUNT_HEADER: HeaderName = HeaderName::from_static("x-stainless-retry-count");
const USER_AGENT_VALUE: &str = concat!("anthropic-aws-rust/", env!("CARGO_PKG_VERSION"));

impl Transport {
    /// One attempt: the request built (the client's headers, the request's options over
    /// them, the attempt's own), freshly authenticated, sent, and its answer classified. A
    /// success comes back with its request IDs, read once here.
    ///
    /// Not an `async fn`: the usual attempt, whose authentication awaits nothing, is the send
    /// alone; one that must fetch credentials or open a streamed body first runs in a future
    /// of its own. Either way nothing built for the request is held while the answer is
    /// awaited.
    pub(super) fn attempt<'a>(
        &'a self,
        call: &'a Call<'a>,
        retries: u32,
        span: &'a Span,
    ) -> impl Future<Output = Result<(reqwest::Response, RequestIds), Error>> + Send + 'a {
        match self.prepare(call, retries, span) {
            Err(err) => Either::Left(future::ready(Err(err))),
            Ok(Prepared::Ready(outgoing)) => {
                let sending = self.sending(call, outgoing);
                Either::Right(Either::Left(self.answer(call, sending, retries, span)))
            }
            Ok(Prepared::Later {
                request,
                authorized,
            }) => Either::Right(Either::Right(Box::pin(async move {
                let outgoing = self.outgoing_later(call, request, authorized).await?;
                let sending = self.sending(call, outgoing);
                self.answer(call, sending, retries, span).await
            }))),
        }
    }

    /// `outgoing` handed to `reqwest` (nothing is sent before the future is polled), under
    /// the call's timeout: the whole exchange's, or for a stream the wait for its headers.
    fn sending<'a>(
        &'a self,
        call: &'a Call<'a>,
        outgoing: reqwest::Request,
    ) -> impl Future<Output = Result<reqwest::Response, Error>> + Send + 'a {
        let timeout = self.timeout(&call.options);
        let outgoing = with_timeout(outgoing, call.streaming, timeout);
        // A request with its own connect timeout goes through the client kept for that
        // timeout (one per distinct timeout, its pool reused); the send keeps what it needs.
        let execute = match call.options.connect_timeout {
            Some(connect) if connect != self.config.connect_timeout => match self
                .clients
                .get(connect)
            {
                Ok(http) => http.execute(outgoing),
                Err(err) => return Either::Left(Box::pin(future::ready(Err(err))) as Boxed<'a, _>),
            },
            _ => self.http.execute(outgoing),
        };
        let sent = move |sent: Result<reqwest::Response, reqwest::Error>| {
            sent.map_err(|e| self.transport_error(e, &call.options, None))
        };
        if call.streaming {
            // Boxed: only a stream waits under a timer of its own.
            Either::Left(Box::pin(async move {
                match tokio::time::timeout(timeout, execute).await {
                    Ok(response) => sent(response),
                    Err(_) => Err(Error::Timeout {
                        kind: TimeoutKind::Request,
                        timeout,
                        source: None,
                        status: None,
                        request_ids: None,
                    }),
                }
            }))
        } else {
            Either::Right(execute.map(sent))
        }
    }

    /// The answer to the attempt number `retries + 1` of `call`, once `sending` has it,
    /// classified.
    async fn answer(
        &self,
        call: &Call<'_>,
        sending: impl Future<Output = Result<reqwest::Response, Error>>,
        retries: u32,
        span: &Span,
    ) -> Result<(reqwest::Response, RequestIds), Error> {
        let mut response = sending.await?;
        // A `Location` with a password is marked before anything can show it.
        redact::mark_urls(response.headers_mut());
        let status = response.status();
        if let Some(observe) = &self.config.wire_observer {
            observe(&WireEvent::Response {
                status,
                headers: response.headers(),
            });
        }
        let ids = RequestIds::from_headers(response.headers());
        telemetry::record_response(span, status.as_u16(), &ids);
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
        // Boxed: what only a refusal reads stays out of every attempt's state.
        Err(Box::pin(self.refused(call, status, response, ids)).await)
    }

    /// The error for a response that is not a success: a refused redirect, or the API's
    /// error with the first [`MAX_ERROR_BODY`] bytes of its body.
    async fn refused(
        &self,
        call: &Call<'_>,
        status: http::StatusCode,
        response: reqwest::Response,
        ids: RequestIds,
    ) -> Error {
        if status.is_redirection() {
            let headers = response.headers().clone();
            let location = headers
                .get(LOCATION)
                .map(|v| redact::header_value(&LOCATION, v).into_owned());
            tracing::debug!(status = status.as_u16(), ?location, "redirect refused");
            return Error::Redirect {
                status,
                location,
                request_ids: ids,
                headers: Box::new(headers),
            };
        }
        let headers = response.headers().clone();
        let body = read_capped(response, MAX_ERROR_BODY).await;
        let route = Route {
            action: call.iam,
            bearer: matches!(self.auth, Auth::ApiKey(_)),
        };
        ApiError::from_route_response(Some(route), status, headers, body).into()
    }

    /// The request as it will be signed: the call's method, URL and body, `headers` with the
    /// attempt's own over them, then the `prepare_request` hook.
    fn request(
        &self,
        call: &Call<'_>,
        url: Url,
        headers: &HeaderMap,
        retries: u32,
    ) -> Result<OutgoingRequest, Error> {
        // Sized for what the attempt adds (content type, accept, user agent, retry count,
        // host, date, token, signature, a beta), so that it never grows.
        let mut own = HeaderMap::with_capacity(headers.len() + 10);
        own.extend(
            headers
                .iter()
                .map(|(name, value)| (name.clone(), value.clone())),
        );
        let mut request = OutgoingRequest {
            method: call.method.clone(),
            url,
            headers: own,
            body: call.body.clone().unwrap_or_default(),
            payload_hash: None,
        };
        let headers = &mut request.headers;
        match &call.streamed {
            Some(streamed) => {
                headers.insert(CONTENT_TYPE, streamed.content_type.clone());
                // Sent as declared, never chunked; signed like every other header.
                headers.insert(CONTENT_LENGTH, HeaderValue::from(streamed.len));
                request.payload_hash = streamed.payload_hash.clone();
            }
            None => {
                // A raw call's own content-type stays; every other body is JSON.
                headers
                    .entry(CONTENT_TYPE)
                    .or_insert(HeaderValue::from_static("application/json"));
            }
        }
        if let Some(beta) = call.beta {
            betas::add(headers, Some(beta))?;
        }
        let accept = call.accept.unwrap_or(if call.streaming {
            "text/event-stream"
        } else {
            "application/json"
        });
        headers.insert(ACCEPT, HeaderValue::from_static(accept));
        headers.insert(USER_AGENT, HeaderValue::from_static(USER_AGENT_VALUE));
        headers.insert(RETRY_COUNT_HEADER, HeaderValue::from(retries));
        if let Some(prepare) = &self.config.request_hook {
            prepare(&mut RequestParts::new(
                &mut request,
                retries,
                call.streamed.is_some(),
            ));
        }
        Ok(request)
    }

    /// The request built and, when nothing has to be awaited for it, authenticated: all of it
    /// synchronous. Where it goes is recorded on `span`.
    fn prepare(&self, call: &Call<'_>, retries: u32, span: &Span) -> Result<Prepared, Error> {
        let url = self.url(call)?;
        telemetry::record_target(span, &url);
        let headers = call.options.headers_over(&self.config.default_headers)?;
        let mut request = self.request(call, url, &headers, retries)?;
        let authorized = self.auth.authorize_now(&mut request).transpose()?.is_some();
        Ok(if authorized && call.streamed.is_none() {
            Prepared::Ready(self.outgoing(call, request, None))
        } else {
            Prepared::Later {
                request,
                authorized,
            }
        })
    }

    /// [`outgoing`](Self::outgoing) after what has to be awaited first: authentication that
    /// fetches credentials (unless `authorized` already), and a streamed body's opening.
    async fn outgoing_later(
        &self,
        call: &Call<'_>,
        mut request: OutgoingRequest,
        authorized: bool,
    ) -> Result<reqwest::Request, Error> {
        if !authorized {
            self.auth.authorize(&mut request).await?;
        }
        let body = match &call.streamed {
            Some(streamed) => Some((streamed.open)().await?),
            None => None,
        };
        Ok(self.outgoing(call, request, body))
    }

    /// The authenticated `request` as `reqwest` sends it, with `streamed` as its body if the
    /// call streams one; shown to the wire observer first.
    fn outgoing(
        &self,
        call: &Call<'_>,
        request: OutgoingRequest,
        streamed: Option<reqwest::Body>,
    ) -> reqwest::Request {
        if let Some(observe) = &self.config.wire_observer {
            observe(&WireEvent::Request {
                method: &request.method,
                url: &request.url,
                headers: &request.headers,
                body_len: call.streamed.as_ref().map_or(request.body.len(), |s| {
                    usize::try_from(s.len).unwrap_or(usize::MAX)
                }),
            });
        }
        let body = streamed.unwrap_or_else(|| request.body.into());
        // Built whole, so that the signed header map moves into it as it is (a builder would
        // insert its headers one by one into a map of its own).
        let mut outgoing = reqwest::Request::new(request.method, request.url);
        *outgoing.headers_mut() = request.headers;
        *outgoing.body_mut() = Some(body);
        outgoing
    }
}

/// A future of its own, on the heap: for what only some attempts await.
type Boxed<'a, T> = Pin<Box<dyn Future<Output = Result<T, Error>> + Send + 'a>>;

/// A request [`prepare`](Transport::prepare)d: ready to send, or with something to await
/// first.
enum Prepared {
    Ready(reqwest::Request),
    Later {
        request: OutgoingRequest,
        authorized: bool,
    },
}

/// `request` with `timeout` over its whole exchange, unless it is `streaming`: a stream's
/// timeout covers the wait for its headers, then each silence.
fn with_timeout(
    mut request: reqwest::Request,
    streaming: bool,
    timeout: Duration,
) -> reqwest::Request {
    if !streaming {
        *request.timeout_mut() = Some(timeout);
    }
    request
}
