//! Errors answered by the AWS front door, before Anthropic sees the request.
//!
//! AWS JSON services name the error in an `x-amzn-errortype` header (`Type` or
//! `Type:namespace-url`) and/or in the body's `__type` (`Type` or `namespace#Type`), with the
//! text in the body's `message` (sometimes `Message`).

use http::HeaderMap;
use serde_json::Value;

use super::error_type::ErrorType;
use super::iam::Route;

/// The front door's error code and message.
pub(super) struct FrontDoorError {
    pub(super) code: String,
    message: String,
}

impl FrontDoorError {
    /// Reads the AWS error code from the `x-amzn-errortype` header, else from the body's
    /// `__type`; `None` when neither is there.
    pub(super) fn read(headers: &HeaderMap, json: Option<&Value>) -> Option<Self> {
        let from_header = headers
            .get("x-amzn-errortype")
            .and_then(|v| v.to_str().ok())
            .map(|v| v.split(':').next().unwrap_or_default());
        let from_body = json
            .and_then(|j| j.get("__type"))
            .and_then(Value::as_str)
            .map(|t| t.rsplit('#').next().unwrap_or_default())
            .map(|t| t.split(':').next().unwrap_or_default());
        let code = from_header
            .or(from_body)
            .map(str::trim)
            .filter(|c| !c.is_empty())?;
        Some(Self {
            code: code.to_owned(),
            message: json.and_then(message_field).unwrap_or_default().to_owned(),
        })
    }

    /// The taxonomy type and a message that says what to do next (for an AccessDenied answer,
    /// the IAM action `route` needs).
    pub(super) fn classify(&self, status: u16, route: Option<&Route>) -> (ErrorType, String) {
        let message = self.message.as_str();
        let lower = message.to_ascii_lowercase();
        let (error_type, advice) = match self.code.as_str() {
            _ if is_billing_denial(&self.code, &lower) => (
                ErrorType::Billing,
                "Check the account's AWS Marketplace subscription to Claude Platform on AWS and its payment method.",
            ),
            "InvalidSignatureException" if self.signature_outside_window() => (
                ErrorType::Authentication,
                "The request's signing time is outside AWS's 5-minute window: check this machine's clock (enable NTP) and try again.",
            ),
            "InvalidSignatureException" => (
                ErrorType::Authentication,
                "Check the secret access key, and that the region and the service name `aws-external-anthropic` match the endpoint.",
            ),
            "IncompleteSignatureException" | "MissingAuthenticationTokenException" => (
                ErrorType::Authentication,
                "The request was not signed, or not completely: provide AWS credentials (or an API key) to the client.",
            ),
            "UnrecognizedClientException" => (
                ErrorType::Authentication,
                "AWS does not recognise the access key or session token: check the credentials, or refresh temporary ones.",
            ),
            "ExpiredTokenException" => (
                ErrorType::Authentication,
                "The temporary credentials have expired: refresh them (for example `aws sso login`) and try again.",
            ),
            "AccessDeniedException" if lower.contains("outbound web identity federation") => (
                ErrorType::Permission,
                "Run `aws iam enable-outbound-web-identity-federation` once for this AWS account (check with `aws iam get-outbound-web-identity-federation-info`).",
            ),
            "AccessDeniedException" => {
                let advice = Route::access_denied_advice(route);
                return (ErrorType::Permission, self.describe(Some(&advice)));
            }
            "ThrottlingException" | "TooManyRequestsException" => {
                (ErrorType::RateLimit, "Slow down and retry with backoff.")
            }
            "ValidationException" | "SerializationException" => (
                ErrorType::InvalidRequest,
                "Fix the request and send it again.",
            ),
            "ResourceNotFoundException" | "UnknownOperationException" => (
                ErrorType::NotFound,
                "Check the region, the workspace ID and the path.",
            ),
            "ServiceUnavailableException" => (
                ErrorType::Overloaded,
                "The service is temporarily unavailable: retry later.",
            ),
            "InternalServerException" | "InternalFailure" => {
                (ErrorType::Api, "An error inside AWS: retry later.")
            }
            _ => return (ErrorType::from_status(status), self.describe(None)),
        };
        (error_type, self.describe(Some(advice)))
    }

    /// Whether the signature was rejected as outside the server's time window ("Signature
    /// expired: … is now earlier than …", "Signature not yet current"): a clock problem.
    /// The one place that reads this from the message.
    pub(super) fn signature_outside_window(&self) -> bool {
        let lower = self.message.to_ascii_lowercase();
        self.code == "InvalidSignatureException"
            && (lower.contains("signature expired") || lower.contains("signature not yet current"))
    }

    fn describe(&self, advice: Option<&str>) -> String {
        let mut text = if self.message.is_empty() {
            self.code.clone()
        } else {
            self.message.trim_end().to_owned()
        };
        if let Some(advice) = advice {
            if !text.ends_with(['.', '!', '?']) {
                text.push('.');
            }
            text.push(' ');
            text.push_str(advice);
        }
        text
    }
}

/// An AWS Marketplace subscription or billing denial.
fn is_billing_denial(code: &str, lower_message: &str) -> bool {
    let code_says = ["Subscription", "Billing", "Payment"]
        .iter()
        .any(|word| code.contains(word));
    let message_says = lower_message.contains("marketplace")
        && ["subscri", "billing", "payment"]
            .iter()
            .any(|word| lower_message.contains(word))
        && !lower_message.contains("not authorized to perform");
    code_says || message_says
}

/// The `message` (or `Message`) of an AWS-shaped JSON error body.
pub(super) fn message_field(json: &Value) -> Option<&str> {
    json.get("message")
        .or_else(|| json.get("Message"))
        .and_then(Value::as_str)
}

#[cfg(test)]
mod tests {
    use super::super::ApiError;
    use super::*;
    use bytes::Bytes;
    use http::StatusCode;

    fn front_door(status: u16, code: &str, message: &str) -> ApiError {
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-amzn-errortype",
            format!("{code}:http://internal.amazon.com/coral/com.amazon.coral.service/")
                .parse()
                .unwrap(),
        );
        headers.insert("x-amzn-requestid", "aws-req".parse().unwrap());
        let body = serde_json::json!({ "message": message }).to_string();
        ApiError::from_response(
            StatusCode::from_u16(status).unwrap(),
            headers,
            Bytes::from(body),
        )
    }

    #[test]
    fn front_door_codes_map_to_the_taxonomy() {
        let cases = [
            ("InvalidSignatureException", 403, ErrorType::Authentication),
            (
                "IncompleteSignatureException",
                403,
                ErrorType::Authentication,
            ),
            (
                "MissingAuthenticationTokenException",
                403,
                ErrorType::Authentication,
            ),
            (
                "UnrecognizedClientException",
                403,
                ErrorType::Authentication,
            ),
            ("ExpiredTokenException", 403, ErrorType::Authentication),
            ("AccessDeniedException", 403, ErrorType::Permission),
            ("ThrottlingException", 400, ErrorType::RateLimit),
            ("ValidationException", 400, ErrorType::InvalidRequest),
            ("ResourceNotFoundException", 404, ErrorType::NotFound),
            ("ServiceUnavailableException", 503, ErrorType::Overloaded),
        ];
        for (code, status, expected) in cases {
            let e = front_door(status, code, "m");
            assert_eq!(*e.error_type(), expected, "{code}");
            assert_eq!(e.aws_error_code(), Some(code));
            assert_eq!(e.aws_request_id(), Some("aws-req"));
            assert_eq!(e.anthropic_request_id(), None);
        }
    }

    #[test]
    fn federation_disabled_says_what_to_run() {
        let e = front_door(
            403,
            "AccessDeniedException",
            "Outbound web identity federation is disabled for your account",
        );
        assert_eq!(*e.error_type(), ErrorType::Permission);
        assert!(
            e.message()
                .contains("aws iam enable-outbound-web-identity-federation")
        );
    }

    #[test]
    fn expired_signature_says_to_check_the_clock() {
        let e = front_door(
            403,
            "InvalidSignatureException",
            "Signature expired: 20261125T074900Z is now earlier than 20261125T080500Z (20261125T081000Z - 5 min.)",
        );
        assert!(e.message().contains("clock"), "{}", e.message());
        assert!(e.message().starts_with("Signature expired"));
    }

    #[test]
    fn marketplace_denial_is_billing() {
        let e = front_door(
            403,
            "AccessDeniedException",
            "Your AWS Marketplace subscription to this product is not active.",
        );
        assert_eq!(*e.error_type(), ErrorType::Billing);
        let e = front_door(402, "SubscriptionRequiredException", "subscribe first");
        assert_eq!(*e.error_type(), ErrorType::Billing);
    }

    #[test]
    fn type_in_body_with_namespace_is_read() {
        let body = r#"{"__type":"com.amazon.coral.service#ThrottlingException","Message":"Rate exceeded"}"#;
        let e = ApiError::from_response(
            StatusCode::BAD_REQUEST,
            HeaderMap::new(),
            Bytes::from_static(body.as_bytes()),
        );
        assert_eq!(*e.error_type(), ErrorType::RateLimit);
        assert_eq!(e.aws_error_code(), Some("ThrottlingException"));
        assert!(e.message().starts_with("Rate exceeded"));
    }

    #[test]
    fn unknown_code_falls_back_to_status() {
        let e = front_door(503, "SomethingNewException", "new");
        assert_eq!(*e.error_type(), ErrorType::Api);
        assert_eq!(e.message(), "new");
    }
}
