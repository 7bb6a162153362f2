//! The error tables scenarios use: the status an error type implies and
//! back, and the default messages.

/// The status an error type implies (the crate's error table).
pub(crate) fn status_of_type(error_type: &str) -> Option<u16> {
    Some(match error_type {
        "invalid_request_error" => 400,
        "authentication_error" => 401,
        "billing_error" => 402,
        "permission_error" => 403,
        "not_found_error" => 404,
        "conflict_error" => 409,
        "request_too_large" => 413,
        "rate_limit_error" => 429,
        "api_error" => 500,
        "timeout_error" => 504,
        "overloaded_error" => 529,
        _ => return None,
    })
}

/// The error type a status implies (the crate's error table).
pub(crate) fn type_of_status(status: u16) -> &'static str {
    match status {
        401 => "authentication_error",
        402 => "billing_error",
        403 => "permission_error",
        404 => "not_found_error",
        409 => "conflict_error",
        413 => "request_too_large",
        429 => "rate_limit_error",
        504 => "timeout_error",
        529 => "overloaded_error",
        500..=599 => "api_error",
        _ => "invalid_request_error",
    }
}

/// The default message of an Anthropic error type.
pub(super) fn default_message(error_type: &str) -> String {
    match error_type {
        "invalid_request_error" => "Invalid request",
        "authentication_error" => "Authentication failed",
        "billing_error" => "Billing error",
        "permission_error" => "Permission denied",
        "not_found_error" => "Not found",
        "conflict_error" => "Conflict",
        "request_too_large" => "Request too large",
        "rate_limit_error" => "Rate limit exceeded",
        "api_error" => "Internal server error",
        "timeout_error" => "Request timed out",
        "overloaded_error" => "Overloaded",
        other => other,
    }
    .to_owned()
}

/// The default status of an AWS exception.
pub(super) fn aws_status(exception: &str) -> u16 {
    match exception {
        "ThrottlingException" | "ValidationException" => 400,
        "ResourceNotFoundException" => 404,
        "InternalServerException" => 500,
        "ServiceUnavailableException" => 503,
        _ => 403,
    }
}

/// The default message of an AWS exception.
pub(super) fn aws_message(exception: &str) -> String {
    match exception {
        "ThrottlingException" => "Rate exceeded",
        "ServiceUnavailableException" => "Service unavailable",
        "AccessDeniedException" => "Access denied",
        "ResourceNotFoundException" => "Resource not found",
        "InternalServerException" => "Internal server error",
        other => other,
    }
    .to_owned()
}
