//! A window on the wire, for debugging: [`WireEvent`]s reach the observer given to
//! [`ClientBuilder::on_wire`](crate::ClientBuilder::on_wire) for every attempt, after signing
//! and as the response headers arrive.

use std::fmt;
use std::sync::Arc;

use http::{HeaderMap, Method, StatusCode};
use reqwest::Url;

use crate::redact::{self, redact_url};

/// One thing that crossed the wire. Its `Display` and `Debug` show no secret: sensitive
/// header values and URL userinfo are redacted.
#[non_exhaustive]
pub enum WireEvent<'a> {
    /// A request, as sent (signed, with every header the client set).
    Request {
        /// The method.
        method: &'a Method,
        /// The full URL.
        url: &'a Url,
        /// The headers.
        headers: &'a HeaderMap,
        /// How many body bytes follow.
        body_len: usize,
    },
    /// A response's status line and headers, as received.
    Response {
        /// The status.
        status: StatusCode,
        /// The headers.
        headers: &'a HeaderMap,
    },
}

impl WireEvent<'_> {
    /// The headers with secret values redacted, as `name: value` lines. A value is secret when
    /// it is marked sensitive ([`HeaderValue::is_sensitive`](http::HeaderValue::is_sensitive)):
    /// the signature, the session token and the API key are, and so is every header given with
    /// [`RequestOptions::sensitive_header`](crate::RequestOptions::sensitive_header) or
    /// [`ClientBuilder::sensitive_default_header`](crate::ClientBuilder::sensitive_default_header).
    /// `authorization` keeps its scheme word (`AWS4-HMAC-SHA256 <redacted>`,
    /// `Bearer <redacted>`).
    ///
    /// ```
    /// use anthropic_aws::WireEvent;
    /// let mut headers = http::HeaderMap::new();
    /// let mut key = http::HeaderValue::from_static("Bearer sk-secret");
    /// key.set_sensitive(true);
    /// headers.insert("authorization", key);
    /// headers.insert("request-id", "req_1".parse().unwrap());
    /// let event = WireEvent::Response { status: http::StatusCode::OK, headers: &headers };
    /// let lines = event.redacted_headers();
    /// assert!(lines.contains(&"authorization: Bearer <redacted>".to_owned()));
    /// assert!(lines.contains(&"request-id: req_1".to_owned()));
    /// ```
    pub fn redacted_headers(&self) -> Vec<String> {
        let headers = match self {
            Self::Request { headers, .. } | Self::Response { headers, .. } => headers,
        };
        headers
            .iter()
            .map(|(name, value)| format!("{name}: {}", redact::header_value(name, value)))
            .collect()
    }
}

impl fmt::Display for WireEvent<'_> {
    /// The request line (its URL's userinfo redacted) or status line, then the redacted
    /// headers, one per line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Request { method, url, .. } => {
                write!(f, "> {method} {}", redact_url(url.as_str()))?;
            }
            Self::Response { status, .. } => write!(f, "< HTTP {status}")?,
        }
        let arrow = if matches!(self, Self::Request { .. }) {
            ">"
        } else {
            "<"
        };
        for line in self.redacted_headers() {
            write!(f, "\n{arrow} {line}")?;
        }
        Ok(())
    }
}

/// As `Display` shows them: the URL's userinfo and sensitive header values redacted.
impl fmt::Debug for WireEvent<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Request {
                method,
                url,
                body_len,
                ..
            } => f
                .debug_struct("Request")
                .field("method", method)
                .field("url", &redact_url(url.as_str()))
                .field("headers", &self.redacted_headers())
                .field("body_len", body_len)
                .finish(),
            Self::Response { status, .. } => f
                .debug_struct("Response")
                .field("status", status)
                .field("headers", &self.redacted_headers())
                .finish(),
        }
    }
}

/// The observer a client calls with every [`WireEvent`].
pub(crate) type WireObserver = Arc<dyn Fn(&WireEvent<'_>) + Send + Sync>;
