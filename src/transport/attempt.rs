//! One attempt: the request built from the call, the hook, fresh authentication, the send, and
//! the answer's first classification (success, refused redirect, or the API's error).

use std::time::Duration;

use http::header::{ACCEPT, CONTENT_LENGTH, CONTENT_TYPE, LOCATION, USER_AGENT};
use http::{HeaderMap, HeaderName, HeaderValue};
use reqwest::Url;
use tracing::Span;

use super::body::read_capped;
use super::http_client::http_client;
use super::{Call, Transport, telemetry};
use crate::auth::{Auth, OutgoingRequest};
use crate::error::{ApiError, Error, Route, TimeoutKind};
use crate::request_hook::RequestParts;
use crate::request_id::RequestIds;
use crate::wire::WireEvent;

/// Error bodies are read up to this many bytes; the rest is dropped.
pub(super) const MAX_ERROR_BODY: usize = 64 * 1024;
const RETRY_COUNT_HEADER: HeaderName = HeaderName::from_static("x-stainless-retry-count");
const USER_AGENT_VALUE: &str = concat!("anthropic-aws-rust/", env!("CARGO_PKG_VERSION"));

impl Transport {
    /// One attempt: the call's `headers` (the client's, with the request's options over them)
    /// and its own, fresh authentication, send, classify. A success comes back with
    /// its request IDs, read once here.
    pub(super) async fn attempt(
        &self,
        call: &Call<'_>,
        url: &Url,
        headers: &HeaderMap,
        retries: u32,
        span: &Span,
    ) -> Result<(reqwest::Response, RequestIds), Error> {
        let timeout = self.timeout(&call.options);
        let own_connect_timeout;
        let http = match call.options.connect_timeout {
            Some(connect) if connect != self.config.connect_timeout => {
                own_connect_timeout = http_client(connect)?;
                &own_connect_timeout
            }
            _ => &self.http,
        };
        let outgoing = match self.prepare(call, url, headers, retries)? {
            Prepared::Ready(outgoing) => outgoing,
            // Credentials to fetch first (the first request, or expired ones) or a body to
            // open (an upload): in a future of its own, so that the usual attempt's state
            // carries neither.
            Prepared::Later {
                request,
                authorized,
            } => Box::pin(self.outgoing_later(call, request, authorized)).await?,
        };
        let response = if call.streaming {
            // Until the headers arrive; the stream then watches its own silences.
            match tokio::time::timeout(timeout, http.execute(outgoing)).await {
                Ok(sent) => sent,
                Err(_) => {
                    return Err(Error::Timeout {
                        kind: TimeoutKind::Request,
                        timeout,
                        source: None,
                        status: None,
                        request_ids: None,
                    });
                }
            }
        } else {
            http.execute(with_timeout(outgoing, timeout)).await
        }
        .map_err(|e| self.transport_error(e, &call.options, None))?;

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
        if status.is_redirection() {
            let headers = response.headers().clone();
            let location = headers
                .get(LOCATION)
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
            tracing::debug!(status = status.as_u16(), ?location, "redirect refused");
            return Err(Error::Redirect {
                status,
                location,
                request_ids: ids,
                headers: Box::new(headers),
            });
        }
        let headers = response.headers().clone();
        // Boxed: the error path's reading stays out of every attempt's state.
        let body = Box::pin(read_capped(response, MAX_ERROR_BODY)).await;
        let route = Route {
            method: &call.method,
            path: url.path(),
            bearer: matches!(self.auth, Auth::ApiKey(_)),
        };
        Err(ApiError::from_route_response(Some(route), status, headers, body).into())
    }

    /// The request as it will be signed: the call's method, URL and body, `headers` with the
    /// attempt's own over them, then the `prepare_request` hook.
    fn request(
        &self,
        call: &Call<'_>,
        url: &Url,
        headers: &HeaderMap,
        retries: u32,
    ) -> OutgoingRequest {
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
            url: url.clone(),
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
            add_beta(headers, beta);
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
        request
    }

    /// The request built and, when nothing has to be awaited for it, authenticated: all of it
    /// synchronous, so that an attempt holds none of it while it awaits.
    fn prepare(
        &self,
        call: &Call<'_>,
        url: &Url,
        headers: &HeaderMap,
        retries: u32,
    ) -> Result<Prepared, Error> {
        let mut request = self.request(call, url, headers, retries);
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

/// A request [`prepare`](Transport::prepare)d: ready to send, or with something to await
/// first.
enum Prepared {
    Ready(reqwest::Request),
    Later {
        request: OutgoingRequest,
        authorized: bool,
    },
}

/// `request` with its whole-exchange timeout (a move, not a borrow: a local borrowed in an
/// `async fn` keeps its room in the future's state until its scope ends).
fn with_timeout(mut request: reqwest::Request, timeout: Duration) -> reqwest::Request {
    *request.timeout_mut() = Some(timeout);
    request
}

/// Adds `beta` to the `anthropic-beta` header (a comma-separated list), unless it is there.
fn add_beta(headers: &mut http::HeaderMap, beta: &'static str) {
    let current = headers
        .get("anthropic-beta")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let value = match current {
        Some(list) if list.split(',').any(|b| b.trim() == beta) => return,
        Some(list) if !list.trim().is_empty() => HeaderValue::from_str(&format!("{list},{beta}")),
        _ => Ok(HeaderValue::from_static(beta)),
    };
    if let Ok(value) = value {
        headers.insert("anthropic-beta", value);
    }
}
