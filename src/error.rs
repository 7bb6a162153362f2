//! One error taxonomy for every failure: Anthropic's API errors, the AWS front door's, and the
//! client's own.
//!
//! An error status from the server is always an [`Error::Api`]; its [`ErrorType`] says what kind
//! of failure it was, whoever answered:
//!
//! | [`ErrorType`] | wire type | HTTP | AWS front door (`x-amzn-errortype`) |
//! |---|---|---|---|
//! | `InvalidRequest` | `invalid_request_error` | 400, other 4xx | `ValidationException` |
//! | `Authentication` | `authentication_error` | 401 | `InvalidSignatureException`, `IncompleteSignatureException`, `MissingAuthenticationTokenException`, `UnrecognizedClientException`, `ExpiredTokenException` |
//! | `Billing` | `billing_error` | 402 | AWS Marketplace subscription / billing denials |
//! | `Permission` | `permission_error` | 403 | `AccessDeniedException` |
//! | `NotFound` | `not_found_error` | 404 | `ResourceNotFoundException` |
//! | `Conflict` | `conflict_error` | 409 | |
//! | `RequestTooLarge` | `request_too_large` | 413 | |
//! | `RateLimit` | `rate_limit_error` | 429 | `ThrottlingException` |
//! | `Api` | `api_error` | 500, other 5xx | `InternalServerException` |
//! | `Timeout` | `timeout_error` | 504 | |
//! | `Overloaded` | `overloaded_error` | 529 | `ServiceUnavailableException` |
//! | `Unknown(type)` | any other | | |
//!
//! An Anthropic-shaped JSON body's `error.type` wins; otherwise the AWS error code decides;
//! otherwise the status. Failures before or around the HTTP exchange have their own variants:
//! [`Error::Config`], [`Error::Credentials`], [`Error::Signing`], [`Error::Connection`],
//! [`Error::Timeout`] and [`Error::Decode`].

mod aws;
mod batch;
mod iam;

pub use batch::BatchError;

use std::fmt;
use std::time::Duration;

use aws_types::request_id::RequestId;
use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use serde_json::Value;

use crate::response::RequestIds;

/// A boxed error source.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Everything that can go wrong in a call.
///
/// ```no_run
/// use anthropic_aws::{Error, ErrorType};
/// # async fn run(client: anthropic_aws::Client) {
/// match client.models().list(&Default::default()).await {
///     Ok(page) => println!("{} models", page.data.len()),
///     Err(Error::Api(e)) if *e.error_type() == ErrorType::RateLimit => {
///         eprintln!("slow down: {e}");
///     }
///     Err(Error::Api(e)) => eprintln!(
///         "{} (CloudTrail: {:?}, Anthropic: {:?})",
///         e.message(),
///         e.aws_request_id(),
///         e.anthropic_request_id()
///     ),
///     Err(other) => eprintln!("{other}"),
/// }
/// # }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server (Anthropic, or the AWS front door before it) answered with an error status.
    #[error(transparent)]
    Api(#[from] ApiError),
    /// The client is not configured well enough to send anything; nothing was sent.
    #[error("configuration error: {message}")]
    Config {
        /// What is missing or wrong, and how to fix it.
        message: String,
    },
    /// AWS credentials could not be resolved; nothing was sent.
    #[error("could not load AWS credentials: {message}")]
    Credentials {
        /// Where the client looked and what to do next.
        message: String,
        /// The credential provider's own error.
        #[source]
        source: Option<BoxError>,
    },
    /// The request could not be signed; nothing was sent.
    #[error("could not sign the request: {message}")]
    Signing {
        /// What went wrong.
        message: String,
        /// The signer's own error.
        #[source]
        source: Option<BoxError>,
    },
    /// The connection failed, or broke before a complete response arrived.
    #[error("connection error: {message}")]
    Connection {
        /// What went wrong.
        message: String,
        /// The transport's own error.
        #[source]
        source: BoxError,
    },
    /// A timeout fired; [`TimeoutKind`] says which.
    #[error("the {kind} fired after {timeout:?}{}", kind.advice())]
    Timeout {
        /// Which timeout fired.
        kind: TimeoutKind,
        /// Its length.
        timeout: Duration,
        /// The transport's own error, when it reported the timeout.
        #[source]
        source: Option<BoxError>,
    },
    /// The request body exceeds the endpoint's size limit; nothing was sent.
    #[error(
        "request_too_large: the request body is {size} bytes, over this endpoint's limit of {limit} bytes; nothing was sent"
    )]
    RequestTooLarge {
        /// The body's size in bytes.
        size: usize,
        /// The endpoint's limit in bytes.
        limit: usize,
    },
    /// A non-streaming request whose `max_tokens` may take longer than 10 minutes to answer
    /// (3600 s × max_tokens / 128 000), with the default timeout; nothing was sent.
    #[error(
        "streaming is required for operations that may take longer than 10 minutes \
         (max_tokens {max_tokens} may take up to {expected:?}): use `client.messages().stream(..)` \
         (and `final_message()` for the whole message), or set an explicit timeout"
    )]
    StreamingRequired {
        /// The request's `max_tokens`.
        max_tokens: u32,
        /// How long such a request may take.
        expected: Duration,
    },
    /// A stream that broke off or broke its protocol after a 200: it ended before
    /// `message_stop`, or sent events that do not fit together. (An `error` event in a stream
    /// is an [`Error::Api`], like the same error without streaming.)
    #[error("stream error: {message} ({request_ids})")]
    Stream {
        /// What went wrong.
        message: String,
        /// Both request IDs of the streaming response.
        request_ids: RequestIds,
    },
    /// A Message Batches call refused or broken off on the client's side (limits, `custom_id`
    /// rules, results not ready or on another origin, a results body that breaks off).
    #[error(transparent)]
    Batch(#[from] BatchError),
    /// A successful response whose body is not the JSON the client expected.
    #[error(
        "could not decode the response body (HTTP {status}): {source}; body starts: {body_snippet:?} ({request_ids})"
    )]
    Decode {
        /// The HTTP status.
        status: StatusCode,
        /// Both request IDs of the response.
        request_ids: RequestIds,
        /// The first bytes of the body, for diagnosis.
        body_snippet: String,
        /// The JSON error.
        #[source]
        source: serde_json::Error,
    },
}

impl Error {
    pub(crate) fn config(message: impl Into<String>) -> Self {
        Self::Config {
            message: message.into(),
        }
    }

    /// The taxonomy type: the server's when it answered with an error, and
    /// [`ErrorType::RequestTooLarge`] for a body refused locally before sending.
    pub fn error_type(&self) -> Option<&ErrorType> {
        static REQUEST_TOO_LARGE: ErrorType = ErrorType::RequestTooLarge;
        match self {
            Self::Api(e) => Some(e.error_type()),
            Self::RequestTooLarge { .. } => Some(&REQUEST_TOO_LARGE),
            Self::Batch(e) => e.error_type(),
            _ => None,
        }
    }

    /// The HTTP status, when a response arrived.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Api(e) => Some(e.status()),
            Self::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The AWS request ID (`x-amzn-requestid`), when a response arrived.
    pub fn aws_request_id(&self) -> Option<&str> {
        self.request_ids().and_then(RequestIds::aws)
    }

    /// Anthropic's request ID (`request-id`), when a response arrived and Anthropic answered.
    pub fn anthropic_request_id(&self) -> Option<&str> {
        self.request_ids().and_then(RequestIds::anthropic)
    }

    /// Both request IDs, when a response arrived.
    pub fn request_ids(&self) -> Option<&RequestIds> {
        match self {
            Self::Api(e) => Some(e.request_ids()),
            Self::Decode { request_ids, .. } | Self::Stream { request_ids, .. } => {
                Some(request_ids)
            }
            Self::Batch(e) => e.request_ids(),
            _ => None,
        }
    }

    /// The API error, when the server answered with an error status.
    pub fn as_api(&self) -> Option<&ApiError> {
        match self {
            Self::Api(e) => Some(e),
            _ => None,
        }
    }

    /// Whether sending the same request again may succeed: connection failures, timeouts, and
    /// the API errors [`ApiError::is_retryable`] names.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Api(e) => e.is_retryable(),
            Self::Connection { .. } | Self::Timeout { .. } => true,
            _ => false,
        }
    }
}

impl RequestId for Error {
    fn request_id(&self) -> Option<&str> {
        self.aws_request_id()
    }
}

/// The kind of an API failure, as the API's `error.type` names it.
///
/// Types the client has never seen are kept in [`ErrorType::Unknown`], never lost.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorType {
    /// `invalid_request_error` (400, and other 4xx): the request's format or content is wrong.
    InvalidRequest,
    /// `authentication_error` (401): the API key, AWS credentials or SigV4 signature are wrong.
    Authentication,
    /// `billing_error` (402): billing or payment, in the Claude Console or AWS Marketplace.
    Billing,
    /// `permission_error` (403): the credentials may not use this resource.
    Permission,
    /// `not_found_error` (404): the resource does not exist.
    NotFound,
    /// `conflict_error` (409): the request conflicts with the resource's current state.
    Conflict,
    /// `request_too_large` (413): the request exceeds the endpoint's size limit.
    RequestTooLarge,
    /// `rate_limit_error` (429): the account hit a rate limit.
    RateLimit,
    /// `api_error` (500, other 5xx): an unexpected error inside Anthropic's systems.
    Api,
    /// `timeout_error` (504): processing timed out; stream long requests.
    Timeout,
    /// `overloaded_error` (529): the API is temporarily overloaded.
    Overloaded,
    /// A type this client does not know yet, kept as sent.
    Unknown(String),
}

impl ErrorType {
    /// The type as the API spells it, e.g. `"rate_limit_error"`.
    ///
    /// ```
    /// use anthropic_aws::ErrorType;
    /// assert_eq!(ErrorType::RateLimit.as_str(), "rate_limit_error");
    /// assert_eq!(ErrorType::from_wire("brand_new_error").as_str(), "brand_new_error");
    /// ```
    pub fn as_str(&self) -> &str {
        match self {
            Self::InvalidRequest => "invalid_request_error",
            Self::Authentication => "authentication_error",
            Self::Billing => "billing_error",
            Self::Permission => "permission_error",
            Self::NotFound => "not_found_error",
            Self::Conflict => "conflict_error",
            Self::RequestTooLarge => "request_too_large",
            Self::RateLimit => "rate_limit_error",
            Self::Api => "api_error",
            Self::Timeout => "timeout_error",
            Self::Overloaded => "overloaded_error",
            Self::Unknown(other) => other,
        }
    }

    /// The type named by an API error body's `error.type`.
    pub fn from_wire(wire: &str) -> Self {
        match wire {
            "invalid_request_error" => Self::InvalidRequest,
            "authentication_error" => Self::Authentication,
            "billing_error" => Self::Billing,
            "permission_error" => Self::Permission,
            "not_found_error" => Self::NotFound,
            "conflict_error" => Self::Conflict,
            "request_too_large" => Self::RequestTooLarge,
            "rate_limit_error" => Self::RateLimit,
            "api_error" => Self::Api,
            "timeout_error" => Self::Timeout,
            "overloaded_error" => Self::Overloaded,
            other => Self::Unknown(other.to_owned()),
        }
    }

    /// The type an HTTP status implies when the body does not say.
    ///
    /// ```
    /// use anthropic_aws::ErrorType;
    /// assert_eq!(ErrorType::from_status(529), ErrorType::Overloaded);
    /// assert_eq!(ErrorType::from_status(503), ErrorType::Api);
    /// assert_eq!(ErrorType::from_status(418), ErrorType::InvalidRequest);
    /// ```
    pub fn from_status(status: u16) -> Self {
        match status {
            401 => Self::Authentication,
            402 => Self::Billing,
            403 => Self::Permission,
            404 => Self::NotFound,
            409 => Self::Conflict,
            413 => Self::RequestTooLarge,
            429 => Self::RateLimit,
            504 => Self::Timeout,
            529 => Self::Overloaded,
            500..=599 => Self::Api,
            _ => Self::InvalidRequest,
        }
    }
}

impl fmt::Display for ErrorType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which timeout fired.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TimeoutKind {
    /// No connection could be made within the connect timeout.
    Connect,
    /// The whole attempt (for a stream: until the response headers) took longer than the
    /// request timeout.
    Request,
    /// A stream went silent for longer than the request timeout.
    StreamIdle,
}

impl TimeoutKind {
    fn advice(self) -> &'static str {
        match self {
            Self::Connect => "; check the endpoint and the network, or raise the connect timeout",
            Self::Request => "; stream long requests (`messages().stream`), or raise the timeout",
            Self::StreamIdle => "; the stream sent nothing for that long",
        }
    }
}

impl fmt::Display for TimeoutKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Connect => "connect timeout",
            Self::Request => "request timeout",
            Self::StreamIdle => "stream idle timeout",
        })
    }
}

/// An error status from the server, with everything a caller needs to act on it and to
/// correlate it: taxonomy type, status, message, both request IDs, the AWS error code when the
/// AWS front door answered, the error's `details`, headers and the raw body.
#[derive(Clone)]
pub struct ApiError(Box<ApiErrorInner>);

#[derive(Clone)]
struct ApiErrorInner {
    error_type: ErrorType,
    status: StatusCode,
    message: String,
    request_ids: RequestIds,
    aws_error_code: Option<String>,
    details: Option<Value>,
    headers: HeaderMap,
    body: Bytes,
    retries: u32,
}

impl ApiError {
    /// Classifies an error response: an Anthropic-shaped body's `error.type` wins, then the
    /// AWS front door's error code, then the status.
    pub(crate) fn from_response(status: StatusCode, headers: HeaderMap, body: Bytes) -> Self {
        let json: Option<Value> = serde_json::from_slice(&body).ok();
        let anthropic = json.as_ref().and_then(AnthropicBody::read);
        let front_door = aws::FrontDoorError::read(&headers, json.as_ref());
        let request_ids = RequestIds::from_headers(&headers)
            .or_anthropic(anthropic.as_ref().and_then(|a| a.request_id));

        let (error_type, message, details) = match (&anthropic, &front_door) {
            (Some(a), _) => (
                ErrorType::from_wire(a.error_type),
                a.message.to_owned(),
                a.details.cloned(),
            ),
            (None, Some(f)) => {
                let (error_type, message) = f.classify(status.as_u16());
                (error_type, message, None)
            }
            (None, None) => (
                ErrorType::from_status(status.as_u16()),
                fallback_message(status, &body, json.as_ref()),
                None,
            ),
        };
        Self(Box::new(ApiErrorInner {
            error_type,
            status,
            message,
            request_ids,
            aws_error_code: front_door.map(|f| f.code),
            details,
            headers,
            body,
            retries: 0,
        }))
    }

    /// Names the IAM action the route needs in an AccessDenied answer's advice (and
    /// `CallWithBearerToken` when the caller used an API key).
    pub(crate) fn for_route(mut self, method: &http::Method, path: &str, bearer: bool) -> Self {
        if let Some(action) = iam::action_for(method, path)
            && self.0.message.contains(iam::GENERIC_ADVICE)
        {
            let advice = iam::advice(action, bearer);
            self.0.message = self.0.message.replace(iam::GENERIC_ADVICE, &advice);
        }
        self
    }

    /// The taxonomy type.
    pub fn error_type(&self) -> &ErrorType {
        &self.0.error_type
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.0.status
    }

    /// What went wrong and, where the client knows, what to do next.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// The AWS request ID (`x-amzn-requestid`): primary, indexed in CloudTrail.
    pub fn aws_request_id(&self) -> Option<&str> {
        self.0.request_ids.aws()
    }

    /// Anthropic's request ID (`request-id`, or the body's `request_id`). `None` when the AWS
    /// front door answered before Anthropic saw the request.
    pub fn anthropic_request_id(&self) -> Option<&str> {
        self.0.request_ids.anthropic()
    }

    /// Both request IDs.
    pub fn request_ids(&self) -> &RequestIds {
        &self.0.request_ids
    }

    /// The AWS error code (e.g. `AccessDeniedException`) when the AWS front door answered,
    /// from `x-amzn-errortype` or the body's `__type`, without its namespace.
    pub fn aws_error_code(&self) -> Option<&str> {
        self.0.aws_error_code.as_deref()
    }

    /// The error's `details` object, when the API sent one.
    pub fn details(&self) -> Option<&Value> {
        self.0.details.as_ref()
    }

    /// `details.error_code`, e.g. `linked_organization_spend_limit_reached` on a 402.
    pub fn error_code(&self) -> Option<&str> {
        self.details()?.get("error_code")?.as_str()
    }

    /// All response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.0.headers
    }

    /// How many retries were spent before this (last) answer.
    pub fn retries(&self) -> u32 {
        self.0.retries
    }

    pub(crate) fn set_retries(&mut self, retries: u32) {
        self.0.retries = retries;
    }

    /// The raw response body, exactly as received.
    pub fn body(&self) -> &Bytes {
        &self.0.body
    }

    /// Whether the same request may succeed later: the server's `x-should-retry` header when
    /// present, else 408, 409, 429, every 5xx (529 included), and any error whose type says
    /// the same: the AWS front door's throttling and unavailable answers (which may come as a
    /// 400), and an `overloaded_error` or `api_error` event in a stream (after a 200).
    pub fn is_retryable(&self) -> bool {
        match self
            .headers()
            .get("x-should-retry")
            .and_then(|v| v.to_str().ok())
        {
            Some("true") => true,
            Some("false") => false,
            _ => {
                matches!(self.status().as_u16(), 408 | 409 | 429 | 500..)
                    || matches!(
                        self.error_type(),
                        ErrorType::RateLimit
                            | ErrorType::Overloaded
                            | ErrorType::Api
                            | ErrorType::Timeout
                            | ErrorType::Conflict
                    )
            }
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (HTTP {})", self.0.error_type, self.0.status.as_u16())?;
        if let Some(code) = self.aws_error_code() {
            write!(f, " [{code}]")?;
        }
        write!(f, ": {} ({})", self.0.message, self.0.request_ids)
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("error_type", &self.0.error_type)
            .field("status", &self.0.status)
            .field("message", &self.0.message)
            .field("aws_request_id", &self.aws_request_id())
            .field("anthropic_request_id", &self.anthropic_request_id())
            .field("aws_error_code", &self.0.aws_error_code)
            .field("details", &self.0.details)
            .finish_non_exhaustive()
    }
}

impl std::error::Error for ApiError {}

impl RequestId for ApiError {
    fn request_id(&self) -> Option<&str> {
        self.aws_request_id()
    }
}

/// The fields of an Anthropic error body:
/// `{"type":"error","error":{"type":…,"message":…,"details":…},"request_id":…}`.
struct AnthropicBody<'a> {
    error_type: &'a str,
    message: &'a str,
    details: Option<&'a Value>,
    request_id: Option<&'a str>,
}

impl<'a> AnthropicBody<'a> {
    fn read(json: &'a Value) -> Option<Self> {
        let error = json.get("error")?;
        Some(Self {
            error_type: error.get("type")?.as_str()?,
            message: error
                .get("message")
                .and_then(Value::as_str)
                .unwrap_or_default(),
            details: error.get("details").filter(|d| !d.is_null()),
            request_id: json.get("request_id").and_then(Value::as_str),
        })
    }
}

/// A message for an error body that names no error: JSON with some `message`, an HTML page
/// from a CDN, or nothing at all.
fn fallback_message(status: StatusCode, body: &[u8], json: Option<&Value>) -> String {
    let reason = status.canonical_reason().unwrap_or("error");
    let code = status.as_u16();
    if let Some(message) = json.and_then(aws::message_field) {
        return message.to_owned();
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return format!("HTTP {code} {reason} with an empty body");
    }
    let what = if json.is_some() {
        "an unrecognised JSON"
    } else {
        "a non-JSON"
    };
    let hint = if code == 413 {
        " (likely a proxy or CDN limit; the Messages and Token Counting APIs take at most 32 MB)"
    } else {
        ""
    };
    format!(
        "HTTP {code} {reason} with {what} body{hint}: {}",
        snippet(body)
    )
}

/// At most 200 characters of a body, whitespace collapsed, for messages and `Debug`.
pub(crate) fn snippet(body: &[u8]) -> String {
    const MAX_CHARS: usize = 200;
    let text = String::from_utf8_lossy(&body[..body.len().min(4 * MAX_CHARS)]);
    let mut out = String::new();
    for (i, word) in text.split_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(word);
    }
    if out.chars().count() > MAX_CHARS {
        out = out.chars().take(MAX_CHARS).collect();
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16, headers: &[(&str, &str)], body: &str) -> ApiError {
        let mut map = HeaderMap::new();
        for (k, v) in headers {
            map.append(
                http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                v.parse().unwrap(),
            );
        }
        ApiError::from_response(
            StatusCode::from_u16(status).unwrap(),
            map,
            Bytes::from(body.to_owned()),
        )
    }

    #[test]
    fn anthropic_body_type_wins_over_status() {
        let e = api(
            400,
            &[("request-id", "req_1"), ("x-amzn-requestid", "aws-1")],
            r#"{"type":"error","error":{"type":"overloaded_error","message":"busy"},"request_id":"req_1"}"#,
        );
        assert_eq!(*e.error_type(), ErrorType::Overloaded);
        assert_eq!(e.message(), "busy");
        assert_eq!(e.aws_request_id(), Some("aws-1"));
        assert_eq!(e.anthropic_request_id(), Some("req_1"));
        assert_eq!(e.aws_error_code(), None);
    }

    #[test]
    fn every_status_maps_without_a_body() {
        let cases = [
            (400, ErrorType::InvalidRequest),
            (401, ErrorType::Authentication),
            (402, ErrorType::Billing),
            (403, ErrorType::Permission),
            (404, ErrorType::NotFound),
            (409, ErrorType::Conflict),
            (413, ErrorType::RequestTooLarge),
            (429, ErrorType::RateLimit),
            (500, ErrorType::Api),
            (502, ErrorType::Api),
            (504, ErrorType::Timeout),
            (529, ErrorType::Overloaded),
            (422, ErrorType::InvalidRequest),
        ];
        for (status, expected) in cases {
            let e = api(status, &[], "");
            assert_eq!(*e.error_type(), expected, "status {status}");
            assert!(e.message().contains("empty body"), "{}", e.message());
        }
    }

    #[test]
    fn body_request_id_fills_a_missing_header() {
        let e = api(
            404,
            &[],
            r#"{"type":"error","error":{"type":"not_found_error","message":"no"},"request_id":"req_body"}"#,
        );
        assert_eq!(e.anthropic_request_id(), Some("req_body"));
    }

    #[test]
    fn unknown_type_is_kept() {
        let e = api(
            418,
            &[],
            r#"{"type":"error","error":{"type":"teapot_error","message":"short and stout"}}"#,
        );
        assert_eq!(*e.error_type(), ErrorType::Unknown("teapot_error".into()));
        assert_eq!(e.error_type().as_str(), "teapot_error");
    }

    #[test]
    fn html_413_is_request_too_large_with_a_snippet() {
        let e = api(
            413,
            &[("content-type", "text/html")],
            "<html>\n<head><title>413 Request Entity Too Large</title></head>\n<body>nginx</body></html>",
        );
        assert_eq!(*e.error_type(), ErrorType::RequestTooLarge);
        assert!(
            e.message()
                .contains("<head><title>413 Request Entity Too Large</title></head>"),
            "{}",
            e.message()
        );
        assert_eq!(e.anthropic_request_id(), None);
    }

    #[test]
    fn details_and_error_code_are_kept() {
        let e = api(
            402,
            &[],
            r#"{"type":"error","error":{"type":"billing_error","message":"limit","details":{"error_code":"linked_organization_spend_limit_reached"}}}"#,
        );
        assert_eq!(*e.error_type(), ErrorType::Billing);
        assert_eq!(
            e.error_code(),
            Some("linked_organization_spend_limit_reached")
        );
    }

    #[test]
    fn display_shows_type_message_and_both_ids() {
        let e = api(
            429,
            &[("request-id", "req_9"), ("x-amzn-requestid", "aws-9")],
            r#"{"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}"#,
        );
        let shown = e.to_string();
        for part in ["rate_limit_error", "429", "slow down", "req_9", "aws-9"] {
            assert!(shown.contains(part), "{shown} lacks {part}");
        }
    }

    #[test]
    fn retryable_follows_x_should_retry() {
        assert!(api(529, &[], "").is_retryable());
        assert!(api(409, &[], "").is_retryable());
        assert!(!api(400, &[], "").is_retryable());
        assert!(!api(500, &[("x-should-retry", "false")], "").is_retryable());
        assert!(api(400, &[("x-should-retry", "true")], "").is_retryable());
    }

    #[test]
    fn snippet_is_short_and_char_safe() {
        let long = "é".repeat(1000);
        let s = snippet(long.as_bytes());
        assert_eq!(s.chars().count(), 201);
        assert!(s.ends_with('…'));
    }

    proptest::proptest! {
        #[test]
        fn any_error_body_is_classified_without_panicking(
            status in 400u16..600,
            body in proptest::collection::vec(proptest::num::u8::ANY, 0..512),
            aws_type in proptest::option::of("[A-Za-z:#./]{0,40}"),
        ) {
            let mut headers = HeaderMap::new();
            if let Some(t) = aws_type.and_then(|t| http::HeaderValue::from_str(&t).ok()) {
                headers.insert("x-amzn-errortype", t);
            }
            let e = ApiError::from_response(
                StatusCode::from_u16(status).unwrap(),
                headers,
                Bytes::from(body.clone()),
            );
            proptest::prop_assert_eq!(e.status().as_u16(), status);
            proptest::prop_assert_eq!(e.body().as_ref(), &body[..]);
            proptest::prop_assert!(!e.to_string().is_empty());
        }

        #[test]
        fn json_shaped_garbage_is_classified_too(
            status in 400u16..600,
            error_type in proptest::option::of(".{0,20}"),
            message in proptest::option::of(proptest::arbitrary::any::<i64>()),
        ) {
            let body = serde_json::json!({"type": "error", "error": {"type": error_type, "message": message}});
            let e = ApiError::from_response(
                StatusCode::from_u16(status).unwrap(),
                HeaderMap::new(),
                Bytes::from(body.to_string()),
            );
            if let Some(t) = &error_type {
                proptest::prop_assert_eq!(e.error_type().as_str(), t.as_str());
            } else {
                proptest::prop_assert_eq!(e.error_type(), &ErrorType::from_status(status));
            }
        }
    }
}
