//! The AWS SDKs' error-metadata trait, [`ProvideErrorMetadata`], for [`ApiError`] and [`Error`]:
//! code, message and request ID read the way every AWS SDK error reads them.
//!
//! `code()` is the AWS error code when the AWS front door answered (`AccessDeniedException`),
//! else the taxonomy type as the API spells it (`rate_limit_error`); `message()` is the error's
//! message. The metadata's extras hold `aws_request_id` (what `RequestId` reads on an
//! `ErrorMetadata`) and `anthropic_request_id`.

use aws_smithy_types::error::metadata::{
    EMPTY_ERROR_METADATA, ErrorMetadata, ProvideErrorMetadata,
};

use super::{ApiError, Error};

/// ```
/// use anthropic_aws::{ApiError, ProvideErrorMetadata, RequestId};
///
/// fn log_it(e: &ApiError) {
///     // The same three calls as on any AWS SDK error.
///     eprintln!("{:?}: {:?} (request {:?})", e.code(), ProvideErrorMetadata::message(e), e.request_id());
/// }
/// ```
impl ProvideErrorMetadata for ApiError {
    fn meta(&self) -> &ErrorMetadata {
        self.metadata()
    }
}

/// An [`Error::Api`] answers with its [`ApiError`]'s metadata. Other errors have no metadata
/// (`meta()` is empty) but still answer `code()` where the taxonomy names them
/// (`request_too_large` for a body refused before sending) and `message()` where they carry
/// one.
impl ProvideErrorMetadata for Error {
    fn meta(&self) -> &ErrorMetadata {
        match self {
            Self::Api(e) => e.meta(),
            _ => &EMPTY_ERROR_METADATA,
        }
    }

    fn code(&self) -> Option<&str> {
        match self {
            Self::Api(e) => e.code(),
            _ => self.error_type().map(|t| t.as_str()),
        }
    }

    fn message(&self) -> Option<&str> {
        match self {
            Self::Api(e) => ProvideErrorMetadata::message(e),
            Self::Config { message }
            | Self::Credentials { message, .. }
            | Self::Signing { message, .. }
            | Self::Connection { message, .. }
            | Self::Stream { message, .. } => Some(message),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use aws_types::request_id::RequestId;
    use bytes::Bytes;
    use http::{HeaderMap, StatusCode};

    use super::*;

    fn api(headers: &[(&'static str, &'static str)], body: &'static str) -> ApiError {
        let mut map = HeaderMap::new();
        for (k, v) in headers {
            map.insert(*k, v.parse().unwrap());
        }
        ApiError::from_response(
            StatusCode::FORBIDDEN,
            map,
            Bytes::from_static(body.as_bytes()),
        )
    }

    #[test]
    fn anthropic_errors_answer_with_the_taxonomy_type() {
        let e = api(
            &[("x-amzn-requestid", "aws-1"), ("request-id", "req_1")],
            r#"{"type":"error","error":{"type":"permission_error","message":"nope"}}"#,
        );
        assert_eq!(e.code(), Some("permission_error"));
        assert_eq!(ProvideErrorMetadata::message(&e), Some("nope"));
        assert_eq!(e.meta().request_id(), Some("aws-1"));
        assert_eq!(e.meta().extra("anthropic_request_id"), Some("req_1"));
        let wrapped = Error::from(e);
        assert_eq!(wrapped.code(), Some("permission_error"));
        assert_eq!(ProvideErrorMetadata::message(&wrapped), Some("nope"));
        assert_eq!(wrapped.meta().request_id(), Some("aws-1"));
    }

    #[test]
    fn front_door_errors_answer_with_the_aws_code() {
        let e = api(
            &[
                ("x-amzn-errortype", "AccessDeniedException:http://internal/"),
                ("x-amzn-requestid", "aws-2"),
            ],
            r#"{"message":"User is not authorized"}"#,
        );
        assert_eq!(e.code(), Some("AccessDeniedException"));
        let message = ProvideErrorMetadata::message(&e).unwrap();
        assert!(message.starts_with("User is not authorized"), "{message}");
        assert_eq!(e.meta().extra("anthropic_request_id"), None);
    }

    #[test]
    fn local_errors_answer_what_they_know() {
        let e = Error::RequestTooLarge { size: 2, limit: 1 };
        assert_eq!(e.code(), Some("request_too_large"));
        assert_eq!(ProvideErrorMetadata::message(&e), None);
        let e = Error::config("no region");
        assert_eq!(e.code(), None);
        assert_eq!(ProvideErrorMetadata::message(&e), Some("no region"));
        assert_eq!(e.meta().code(), None);
    }
}
