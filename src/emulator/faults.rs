//! Scripted failures: queue one with
//! [`EmulatorHandle::push_fault`](super::EmulatorHandle::push_fault) and the
//! next request is answered with it, before any verification.

use bytes::Bytes;

/// The namespace the AWS front door appends to `x-amzn-errortype`.
pub(crate) const AWS_ERROR_NAMESPACE: &str =
    ":http://internal.amazon.com/coral/com.amazon.coral.service/";

/// A canned answer for exactly one upcoming request.
///
/// ```
/// use anthropic_aws::emulator::Fault;
///
/// // Claude itself is overloaded (carries `request-id`):
/// let overloaded = Fault::anthropic(529, "overloaded_error", "Overloaded");
/// // The AWS front door throttles (carries `x-amzn-errortype`, no `request-id`):
/// let throttled = Fault::aws(429, "ThrottlingException", "Rate exceeded");
/// // A CDN answers with an HTML page (no request id at all):
/// let gateway = Fault::html(502, "<html><body>Bad Gateway</body></html>");
/// # let _ = (overloaded, throttled, gateway);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// An error from the Claude API: JSON body
    /// `{"type":"error","error":{"type":..,"message":..,"details"?:..},"request_id":..}`
    /// with `content-type: application/json`, `x-amzn-requestid` and
    /// `request-id` headers.
    Anthropic {
        /// HTTP status.
        status: u16,
        /// `error.type`, e.g. `overloaded_error`.
        error_type: String,
        /// `error.message`.
        message: String,
        /// Optional `error.details`.
        details: Option<serde_json::Value>,
    },
    /// An error from the AWS front door: `x-amzn-errortype: <type>:<namespace>`,
    /// `x-amzn-requestid`, JSON body `{"message": ..}` and no `request-id`.
    AwsFrontDoor {
        /// HTTP status.
        status: u16,
        /// The AWS error type, e.g. `ThrottlingException`.
        error_type: String,
        /// The `message` of the body.
        message: String,
    },
    /// Exactly this status, these headers and this body (hyper still adds
    /// `content-length` and `date`; a `content-length` or `transfer-encoding`
    /// given here is ignored so the framing stays valid, and headers that are
    /// not valid HTTP are skipped). A status outside 100–999 becomes 500.
    Raw {
        /// HTTP status.
        status: u16,
        /// Response headers, in order.
        headers: Vec<(String, String)>,
        /// Response body.
        body: Bytes,
    },
}

impl Fault {
    /// A Claude API error (`request-id` present).
    pub fn anthropic(status: u16, error_type: &str, message: &str) -> Self {
        Fault::Anthropic {
            status,
            error_type: error_type.to_owned(),
            message: message.to_owned(),
            details: None,
        }
    }

    /// Adds `error.details` to an [`Fault::Anthropic`]; other variants are
    /// returned unchanged.
    pub fn with_details(self, details: serde_json::Value) -> Self {
        match self {
            Fault::Anthropic {
                status,
                error_type,
                message,
                ..
            } => Fault::Anthropic {
                status,
                error_type,
                message,
                details: Some(details),
            },
            other => other,
        }
    }

    /// An AWS front-door error (`x-amzn-errortype`, no `request-id`).
    pub fn aws(status: u16, error_type: &str, message: &str) -> Self {
        Fault::AwsFrontDoor {
            status,
            error_type: error_type.to_owned(),
            message: message.to_owned(),
        }
    }

    /// An HTML page with `content-type: text/html` and no request-id headers
    /// at all, as a CDN or load balancer in front of the service would send.
    pub fn html(status: u16, body: &str) -> Self {
        Fault::Raw {
            status,
            headers: vec![(
                "content-type".to_owned(),
                "text/html; charset=utf-8".to_owned(),
            )],
            body: Bytes::copy_from_slice(body.as_bytes()),
        }
    }

    /// Any response at all; see [`Fault::Raw`].
    pub fn raw(status: u16, headers: Vec<(String, String)>, body: impl Into<Bytes>) -> Self {
        Fault::Raw {
            status,
            headers,
            body: body.into(),
        }
    }
}
