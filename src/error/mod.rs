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
//! | `Other(type)` | any other | | |
//!
//! An Anthropic-shaped JSON body's `error.type` wins; otherwise the AWS error code decides;
//! otherwise the status. Failures before or around the HTTP exchange have their own variants:
//! [`Error::Config`], [`Error::Credentials`], [`Error::Signing`], [`Error::Connection`],
//! [`Error::Timeout`] and [`Error::Decode`]; a Message Batches call the client refuses itself
//! (limits, `custom_id` rules, results not ready or on another origin) is an [`Error::Batch`];
//! a Files call that fails on the client's side (a local file, a download that broke off) is an
//! [`Error::File`]; a structured answer that does not deserialize into the type asked for is an
//! [`Error::Parse`].

//!
//! Whether an error is worth another attempt is the retry policy's call:
//! [`Error::is_retryable`] and [`ApiError::is_retryable`] are defined with it, in `retry.rs`.
//! Both error types also answer the AWS SDKs' traits: `RequestId` (the AWS request ID) and
//! `ProvideErrorMetadata` (`code()`, `message()`), in `metadata.rs`.

mod api_error;
mod aws;
mod batch;
mod credentials;
mod error_code;
mod error_type;
mod file;
mod iam;
mod metadata;
mod parse;

use std::fmt;
use std::time::Duration;

use aws_types::request_id::RequestId;
use http::{HeaderMap, StatusCode};

pub use api_error::ApiError;
pub(crate) use api_error::snippet;
pub use batch::BatchError;
pub use credentials::{CredentialsAttempt, CredentialsLookup};
pub use error_code::ErrorCode;
pub use error_type::ErrorType;
pub use file::FileError;
pub(crate) use iam::Route;
pub use parse::{ParseError, ParseErrorKind};

use crate::request_id::RequestIds;

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
        /// Where the client looked and what to do next: `lookup`'s `Display` when there is one.
        message: String,
        /// The credential provider's own error.
        #[source]
        source: Option<BoxError>,
        /// The sources consulted, in order, and what each said.
        lookup: Option<CredentialsLookup>,
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
    /// The connection failed, or broke before a complete response arrived. When it broke
    /// while the body was read, `status` and `request_ids` are the response's.
    #[error("connection error: {message}{}", after_headers(status.as_ref(), request_ids.as_ref()))]
    Connection {
        /// What went wrong.
        message: String,
        /// The transport's own error.
        #[source]
        source: BoxError,
        /// The response's status, when its headers had arrived.
        status: Option<StatusCode>,
        /// The response's request IDs, when its headers had arrived.
        request_ids: Option<RequestIds>,
    },
    /// A timeout fired; [`TimeoutKind`] says which. When it fired while the body was read (or
    /// a stream was silent), `status` and `request_ids` are the response's.
    #[error(
        "the {kind} fired after {timeout:?}{}{}",
        after_headers(status.as_ref(), request_ids.as_ref()),
        kind.advice()
    )]
    Timeout {
        /// Which timeout fired.
        kind: TimeoutKind,
        /// Its length.
        timeout: Duration,
        /// The transport's own error, when it reported the timeout.
        #[source]
        source: Option<BoxError>,
        /// The response's status, when its headers had arrived.
        status: Option<StatusCode>,
        /// The response's request IDs, when its headers had arrived.
        request_ids: Option<RequestIds>,
    },
    /// The server answered with a redirect (3xx). The client never follows one: the signed
    /// headers, the session token, the workspace ID and the prompt stay with the endpoint
    /// configured. Never retried.
    #[error(
        "the server answered HTTP {status} redirecting to {}; redirects are never followed ({request_ids})",
        location.as_deref().unwrap_or("no location")
    )]
    Redirect {
        /// The 3xx status.
        status: StatusCode,
        /// The `Location` header (lossily decoded), when there was one, with any userinfo
        /// (`user:password@`) replaced by `<redacted>` ([`redact_url`](crate::redact_url)).
        location: Option<String>,
        /// Both request IDs of the redirect.
        request_ids: RequestIds,
        /// All headers of the redirect, as received; a `Location` carrying userinfo is marked
        /// sensitive, so that `Debug` hides it.
        headers: Box<HeaderMap>,
    },
    /// A successful answer larger than the client buffers: its `Content-Length` (then nothing
    /// was downloaded) or the bytes received passed `limit`. Never retried.
    #[error(
        "the response body {} exceeds the client's limit of {limit} bytes; refusing to buffer it (HTTP {status}; {request_ids})",
        declared.map_or_else(|| "received".to_owned(), |n| format!("of {n} bytes (Content-Length)"))
    )]
    ResponseTooLarge {
        /// The client's limit, in bytes.
        limit: usize,
        /// The body's `Content-Length`, when it declared one.
        declared: Option<u64>,
        /// The response's status.
        status: StatusCode,
        /// Both request IDs of the response.
        request_ids: RequestIds,
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
    /// rules, results not ready or on another origin); nothing was sent, or nothing more.
    #[error(transparent)]
    Batch(#[from] BatchError),
    /// A Files call failed on the client's side: a local file could not be read or written,
    /// an upload source changed its length, a download broke off.
    #[error(transparent)]
    File(#[from] FileError),
    /// A structured answer (from
    /// [`Messages::parse`](crate::resources::Messages::parse) and the like) that does not
    /// deserialize into the type asked for: a refusal, an answer cut off at `max_tokens`, no
    /// text, or text of another shape. Carries the text, the whole message, the serde error and
    /// both request IDs.
    #[error(transparent)]
    Parse(Box<ParseError>),
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

    /// A credentials failure after `lookup`; its message is the lookup's `Display`.
    pub(crate) fn credentials(lookup: CredentialsLookup, source: BoxError) -> Self {
        Self::Credentials {
            message: lookup.to_string(),
            source: Some(source),
            lookup: Some(lookup),
        }
    }

    /// For [`Error::Credentials`]: the sources the client consulted, in order, and what each
    /// said (the error's message is made from it).
    ///
    /// ```no_run
    /// # async fn run(client: anthropic_aws::Client) {
    /// if let Err(err) = client.models().list(&Default::default()).await
    ///     && let Some(lookup) = err.credentials_lookup()
    /// {
    ///     let tried: Vec<&str> = lookup.sources().collect();
    ///     eprintln!("no credentials; tried {tried:?}");
    /// }
    /// # }
    /// ```
    pub fn credentials_lookup(&self) -> Option<&CredentialsLookup> {
        match self {
            Self::Credentials { lookup, .. } => lookup.as_ref(),
            _ => None,
        }
    }

    /// The taxonomy type: the server's when it answered with an error,
    /// [`ErrorType::RequestTooLarge`] for a body (or a batch) refused locally before sending,
    /// and [`ErrorType::InvalidRequest`] for a batch whose `custom_id`s the client refused.
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
            Self::Decode { status, .. }
            | Self::Redirect { status, .. }
            | Self::ResponseTooLarge { status, .. } => Some(*status),
            Self::Connection { status, .. } | Self::Timeout { status, .. } => *status,
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
            Self::Decode { request_ids, .. }
            | Self::Stream { request_ids, .. }
            | Self::Redirect { request_ids, .. }
            | Self::ResponseTooLarge { request_ids, .. } => Some(request_ids),
            Self::Connection { request_ids, .. } | Self::Timeout { request_ids, .. } => {
                request_ids.as_ref()
            }
            Self::Batch(e) => e.request_ids(),
            Self::File(e) => e.request_ids(),
            Self::Parse(e) => Some(e.request_ids()),
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
}

impl From<ParseError> for Error {
    fn from(e: ParseError) -> Self {
        Self::Parse(Box::new(e))
    }
}

impl RequestId for Error {
    fn request_id(&self) -> Option<&str> {
        self.aws_request_id()
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

/// Where a failure met after the response headers says whose response it was.
fn after_headers(status: Option<&StatusCode>, request_ids: Option<&RequestIds>) -> String {
    match (status, request_ids) {
        (Some(status), Some(ids)) => {
            format!(
                " (after the response headers: HTTP {}; {ids})",
                status.as_u16()
            )
        }
        (Some(status), None) => format!(" (after the response headers: HTTP {})", status.as_u16()),
        (None, Some(ids)) => format!(" ({ids})"),
        (None, None) => String::new(),
    }
}
