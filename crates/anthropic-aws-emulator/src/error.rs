//! The errors the Claude API answers with.

/// An error the Claude API would answer with.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ApiError {
    pub(crate) status: u16,
    pub(crate) error_type: &'static str,
    pub(crate) message: String,
}

impl ApiError {
    pub(crate) fn invalid_request(message: impl Into<String>) -> Self {
        ApiError {
            status: 400,
            error_type: "invalid_request_error",
            message: message.into(),
        }
    }

    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        ApiError {
            status: 404,
            error_type: "not_found_error",
            message: message.into(),
        }
    }

    /// `413 request_too_large`.
    pub(crate) fn too_large(message: impl Into<String>) -> Self {
        ApiError {
            status: 413,
            error_type: "request_too_large",
            message: message.into(),
        }
    }

    pub(crate) fn method_not_allowed(method: &str, path: &str) -> Self {
        ApiError {
            status: 405,
            error_type: "invalid_request_error",
            message: format!("Method {method} is not allowed for {path}"),
        }
    }
}
