//! Verification failures, named and worded as the AWS front door does.

use std::fmt;

/// The message AWS sends when the signature does not match.
pub const SIGNATURE_MISMATCH_MESSAGE: &str = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

/// The message AWS sends for an unknown access key or a bad session token.
pub const UNRECOGNIZED_CLIENT_MESSAGE: &str =
    "The security token included in the request is invalid.";

/// The message AWS sends for an expired session token.
pub const EXPIRED_TOKEN_MESSAGE: &str = "The security token included in the request is expired";

/// The kinds of SigV4 failures, named after the AWS exception types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// `MissingAuthenticationTokenException`: no `Authorization` header.
    MissingAuthenticationToken,
    /// `IncompleteSignatureException`: the header or the date is malformed or
    /// missing a part.
    IncompleteSignature,
    /// `InvalidSignatureException`: wrong scope, unsigned header, clock skew
    /// or a signature that does not match.
    InvalidSignature,
    /// `UnrecognizedClientException`: unknown access key or bad session token.
    UnrecognizedClient,
    /// `ExpiredTokenException`: the session token is known but has expired.
    ExpiredToken,
}

impl ErrorKind {
    /// The AWS error type, as sent in `x-amzn-errortype`.
    pub fn error_type(self) -> &'static str {
        match self {
            ErrorKind::MissingAuthenticationToken => "MissingAuthenticationTokenException",
            ErrorKind::IncompleteSignature => "IncompleteSignatureException",
            ErrorKind::InvalidSignature => "InvalidSignatureException",
            ErrorKind::UnrecognizedClient => "UnrecognizedClientException",
            ErrorKind::ExpiredToken => "ExpiredTokenException",
        }
    }

    /// The HTTP status AWS answers with (403 for all of them).
    pub fn status(self) -> u16 {
        403
    }
}

/// Why a request failed verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyError {
    /// The failure class.
    pub kind: ErrorKind,
    /// An AWS-style message.
    pub message: String,
}

impl VerifyError {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        VerifyError {
            kind,
            message: message.into(),
        }
    }
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.error_type(), self.message)
    }
}

impl std::error::Error for VerifyError {}

/// Shortens untrusted input echoed into messages.
pub(crate) fn truncate(s: &str, max_chars: usize) -> String {
    if s.chars().count() <= max_chars {
        s.to_owned()
    } else {
        let mut out: String = s.chars().take(max_chars).collect();
        out.push('…');
        out
    }
}
