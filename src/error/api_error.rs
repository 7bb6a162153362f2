//! [`ApiError`]: an error status from the server, classified once: an Anthropic-shaped body's
//! `error.type` wins, then the AWS front door's error code ([`aws`]), then the status.

use std::fmt;

use aws_smithy_types::error::metadata::ErrorMetadata;
use aws_types::request_id::RequestId;
use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use serde_json::Value;

use super::aws;
use super::error_code::ErrorCode;
use super::error_type::ErrorType;
use super::iam::Route;
use crate::rate_limits::RateLimits;
use crate::request_id::RequestIds;

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
    /// The AWS front door rejected the signature as outside its time window.
    signature_outside_window: bool,
    /// What [`ProvideErrorMetadata`](aws_smithy_types::error::metadata::ProvideErrorMetadata)
    /// answers.
    metadata: ErrorMetadata,
}

impl ApiError {
    /// Classifies an error response whose route is not known (an `error` event in a stream,
    /// say); see [`from_route_response`](Self::from_route_response).
    pub(crate) fn from_response(status: StatusCode, headers: HeaderMap, body: Bytes) -> Self {
        Self::from_route_response(None, status, headers, body)
    }

    /// Classifies an error response: an Anthropic-shaped body's `error.type` wins, then the
    /// AWS front door's error code, then the status. `route` (what was called, and how it was
    /// authenticated) lets an AccessDenied answer name the IAM action that route needs.
    pub(crate) fn from_route_response(
        route: Option<Route>,
        status: StatusCode,
        headers: HeaderMap,
        body: Bytes,
    ) -> Self {
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
                let (error_type, message) = f.classify(status.as_u16(), route.as_ref());
                (error_type, message, None)
            }
            (None, None) => (
                ErrorType::from_status(status.as_u16()),
                fallback_message(status, &body, json.as_ref()),
                None,
            ),
        };
        let signature_outside_window = front_door
            .as_ref()
            .is_some_and(aws::FrontDoorError::signature_outside_window);
        let aws_error_code = front_door.map(|f| f.code);
        let metadata = build_metadata(
            aws_error_code.as_deref().unwrap_or(error_type.as_str()),
            &message,
            &request_ids,
        );
        Self(Box::new(ApiErrorInner {
            error_type,
            status,
            message,
            request_ids,
            aws_error_code,
            details,
            headers,
            body,
            retries: 0,
            signature_outside_window,
            metadata,
        }))
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

    /// `details.error_code`, e.g. [`ErrorCode::LinkedOrganizationSpendLimitReached`] on a 402
    /// or [`ErrorCode::EnforcedSpendLimitReached`] on a 429; a code this version does not know
    /// is [`ErrorCode::Other`].
    pub fn error_code(&self) -> Option<ErrorCode> {
        self.details()?
            .get("error_code")?
            .as_str()
            .map(ErrorCode::from)
    }

    /// The `anthropic-ratelimit-*` headers of this answer (a 429's tell when the limit resets).
    pub fn rate_limits(&self) -> RateLimits {
        RateLimits::from_headers(&self.0.headers)
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

    /// Whether the AWS front door rejected the signature as outside its time window ("Signature
    /// expired" / "not yet current"): the clock is off.
    pub(crate) fn signature_outside_window(&self) -> bool {
        self.0.signature_outside_window
    }

    pub(crate) fn metadata(&self) -> &ErrorMetadata {
        &self.0.metadata
    }

    /// The raw response body, exactly as received.
    pub fn body(&self) -> &Bytes {
        &self.0.body
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

/// The metadata of an API error, built once when it is classified.
fn build_metadata(code: &str, message: &str, request_ids: &RequestIds) -> ErrorMetadata {
    let mut builder = ErrorMetadata::builder().code(code).message(message);
    if let Some(id) = request_ids.aws() {
        builder = builder.custom("aws_request_id", id);
    }
    if let Some(id) = request_ids.anthropic() {
        builder = builder.custom("anthropic_request_id", id);
    }
    builder.build()
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

    #[test]
    fn snippet_is_short_and_char_safe() {
        let long = "é".repeat(1000);
        let s = snippet(long.as_bytes());
        assert_eq!(s.chars().count(), 201);
        assert!(s.ends_with('…'));
    }

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
        assert_eq!(*e.error_type(), ErrorType::Other("teapot_error".into()));
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
            Some(ErrorCode::LinkedOrganizationSpendLimitReached)
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
