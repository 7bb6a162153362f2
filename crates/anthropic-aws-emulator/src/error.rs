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

    /// A request body that is not JSON (or not the JSON expected).
    pub(crate) fn invalid_json(error: &serde_json::Error) -> Self {
        ApiError::invalid_request(format!("request body is not valid JSON: {error}"))
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

    /// `416`: a `Range` no byte of the file satisfies.
    pub(crate) fn range_not_satisfiable(message: impl Into<String>) -> Self {
        ApiError {
            status: 416,
            error_type: "invalid_request_error",
            message: message.into(),
        }
    }

    /// `500 api_error`: the emulator itself failed.
    pub(crate) fn internal(message: impl Into<String>) -> Self {
        ApiError {
            status: 500,
            error_type: "api_error",
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
