//! The two request IDs of every answer, read from its headers in one place.
//!
//! | accessor | header | whose | use it for |
//! |---|---|---|---|
//! | `aws()` | `x-amzn-requestid` (else `x-amz-request-id`) | AWS (primary) | CloudTrail lookups, AWS support |
//! | `anthropic()` | `request-id` | Anthropic | Anthropic support tickets |

use std::fmt;

use aws_types::request_id::RequestId;
use http::{HeaderMap, HeaderName};

/// The header carrying the AWS request ID (primary; indexed in CloudTrail).
pub const AWS_REQUEST_ID_HEADER: &str = "x-amzn-requestid";
/// The header some AWS services use for the AWS request ID instead.
const AWS_REQUEST_ID_FALLBACK_HEADER: &str = "x-amz-request-id";
/// The header carrying Anthropic's request ID (`req_…`).
pub const ANTHROPIC_REQUEST_ID_HEADER: &str = "request-id";

/// The two request IDs of one HTTP response; either may be absent (the AWS front door, for
/// example, answers before Anthropic sees the request, so its errors carry only the AWS ID).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestIds {
    aws: Option<String>,
    anthropic: Option<String>,
}

impl RequestIds {
    /// Reads both IDs from response headers: `x-amzn-requestid` (falling back to
    /// `x-amz-request-id`, as the AWS SDKs do) and `request-id`.
    ///
    /// ```
    /// use anthropic_aws::RequestIds;
    /// let mut headers = http::HeaderMap::new();
    /// headers.insert("x-amzn-requestid", "0b1c".parse().unwrap());
    /// headers.insert("request-id", "req_011".parse().unwrap());
    /// let ids = RequestIds::from_headers(&headers);
    /// assert_eq!(ids.aws(), Some("0b1c"));
    /// assert_eq!(ids.anthropic(), Some("req_011"));
    /// ```
    pub fn from_headers(headers: &HeaderMap) -> Self {
        // Looked up by ready-made names: a `&str` would be parsed on every call.
        const AWS: HeaderName = HeaderName::from_static(AWS_REQUEST_ID_HEADER);
        const AWS_FALLBACK: HeaderName = HeaderName::from_static(AWS_REQUEST_ID_FALLBACK_HEADER);
        const ANTHROPIC: HeaderName = HeaderName::from_static(ANTHROPIC_REQUEST_ID_HEADER);
        let text = |name: &HeaderName| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        Self {
            aws: text(&AWS).or_else(|| text(&AWS_FALLBACK)),
            anthropic: text(&ANTHROPIC),
        }
    }

    /// The AWS request ID (`x-amzn-requestid`): the primary one, indexed in CloudTrail.
    pub fn aws(&self) -> Option<&str> {
        self.aws.as_deref()
    }

    /// Anthropic's request ID (`request-id`), for Anthropic support.
    pub fn anthropic(&self) -> Option<&str> {
        self.anthropic.as_deref()
    }

    /// Fills in Anthropic's ID from an error body's `request_id` when the header was missing.
    pub(crate) fn or_anthropic(mut self, from_body: Option<&str>) -> Self {
        if self.anthropic.is_none() {
            self.anthropic = from_body.map(str::to_owned);
        }
        self
    }
}

impl fmt::Display for RequestIds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "aws request id: {}, anthropic request id: {}",
            self.aws().unwrap_or("none"),
            self.anthropic().unwrap_or("none")
        )
    }
}

impl RequestId for RequestIds {
    fn request_id(&self) -> Option<&str> {
        self.aws()
    }
}
