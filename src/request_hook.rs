//! The request hook: [`RequestParts`] reach the function given to
//! [`ClientBuilder::prepare_request`](crate::ClientBuilder::prepare_request) on every attempt,
//! after the client has set its headers and before the request is signed, so whatever the
//! hook changes is covered by the signature.

use std::fmt;
use std::sync::Arc;

use http::{HeaderMap, Method};
use reqwest::Url;

use crate::auth::OutgoingRequest;

/// One attempt of a request, as the [`prepare_request`](crate::ClientBuilder::prepare_request)
/// hook sees it: not yet authenticated, every header the client computes already set.
///
/// ```
/// # async fn run() -> Result<(), anthropic_aws::Error> {
/// let client = anthropic_aws::Client::builder()
///     .prepare_request(|request| {
///         let tenant = http::HeaderValue::from_static("team-a");
///         request.headers_mut().insert("x-tenant", tenant);
///     })
///     .build()
///     .await?;
/// # Ok(()) }
/// ```
pub struct RequestParts<'a> {
    request: &'a mut OutgoingRequest,
    retry_count: u32,
    streamed: bool,
}

impl<'a> RequestParts<'a> {
    pub(crate) fn new(request: &'a mut OutgoingRequest, retry_count: u32, streamed: bool) -> Self {
        Self {
            request,
            retry_count,
            streamed,
        }
    }

    /// The method.
    pub fn method(&self) -> &Method {
        &self.request.method
    }

    /// The full URL.
    pub fn url(&self) -> &Url {
        &self.request.url
    }

    /// The URL, to change (a gateway's path prefix, say); the signature covers the result.
    pub fn url_mut(&mut self) -> &mut Url {
        &mut self.request.url
    }

    /// The headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.request.headers
    }

    /// The headers, to change. Headers added here are signed with the rest; the ones the
    /// signer sets (`authorization`, `x-amz-date`, `x-amz-security-token`,
    /// `x-amz-content-sha256`) are overwritten when it signs. A value that is a secret must
    /// be marked with [`HeaderValue::set_sensitive`](http::HeaderValue::set_sensitive):
    /// [`WireEvent`](crate::WireEvent)s (the CLI's `--debug`) show every value not marked.
    pub fn headers_mut(&mut self) -> &mut HeaderMap {
        &mut self.request.headers
    }

    /// The body, unless it is streamed from its source (a file upload).
    pub fn body(&self) -> Option<&[u8]> {
        (!self.streamed).then_some(&self.request.body[..])
    }

    /// Which retry this attempt is: 0 for the first attempt (as `x-stainless-retry-count`).
    pub fn retry_count(&self) -> u32 {
        self.retry_count
    }
}

impl fmt::Debug for RequestParts<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestParts")
            .field("method", &self.request.method)
            .field("url", &self.request.url.as_str())
            .field("retry_count", &self.retry_count)
            .finish_non_exhaustive()
    }
}

/// The hook a client calls on every attempt.
pub(crate) type RequestHook = Arc<dyn Fn(&mut RequestParts<'_>) + Send + Sync>;
