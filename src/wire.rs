//! A window on the wire, for debugging: [`WireEvent`]s reach the observer given to
//! [`ClientBuilder::on_wire`](crate::ClientBuilder::on_wire) for every attempt, after signing
//! and as the response headers arrive.

use std::fmt;
use std::sync::Arc;

use http::{HeaderMap, Method, StatusCode};
use reqwest::Url;

/// Headers whose values are secret: shown as `<redacted>` (for `authorization`, after its
/// scheme word).
const SECRET_HEADERS: &[&str] = &["authorization", "x-api-key", "x-amz-security-token"];

/// One thing that crossed the wire.
#[derive(Debug)]
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
    /// The headers with secret values redacted (`authorization` keeps its scheme word, e.g.
    /// `AWS4-HMAC-SHA256 <redacted>` or `Bearer <redacted>`), as `name: value` lines.
    ///
    /// ```
    /// use anthropic_aws::WireEvent;
    /// let mut headers = http::HeaderMap::new();
    /// headers.insert("authorization", "Bearer sk-secret".parse().unwrap());
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
            .map(|(name, value)| {
                let name = name.as_str();
                let shown = if SECRET_HEADERS.contains(&name) {
                    match (name, value.to_str().ok().and_then(|v| v.split_once(' '))) {
                        ("authorization", Some((scheme, _))) => format!("{scheme} <redacted>"),
                        _ => "<redacted>".to_owned(),
                    }
                } else {
                    String::from_utf8_lossy(value.as_bytes()).into_owned()
                };
                format!("{name}: {shown}")
            })
            .collect()
    }
}

impl fmt::Display for WireEvent<'_> {
    /// The request line or status line, then the redacted headers, one per line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Request { method, url, .. } => write!(f, "> {method} {url}")?,
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

/// The observer a client calls with every [`WireEvent`].
pub(crate) type WireObserver = Arc<dyn Fn(&WireEvent<'_>) + Send + Sync>;
