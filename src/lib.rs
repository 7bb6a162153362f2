//! Rust client for Claude on **Claude Platform on AWS**.
//!
//! - Every request is signed with AWS SigV4 (service `aws-external-anthropic`, the client's
//!   region) using credentials from the standard AWS chain or given explicitly, or carries an
//!   API key as `Authorization: Bearer`.
//! - Every answer carries both request IDs: [`Response::aws_request_id`] (`x-amzn-requestid`,
//!   primary, indexed in CloudTrail) and [`Response::anthropic_request_id`] (`request-id`).
//! - Every failure lands on one [`Error`] enum; API failures carry an [`ErrorType`] from one
//!   taxonomy, whether Anthropic or the AWS front door answered.
//!
//! ```no_run
//! use anthropic_aws::Client;
//! use anthropic_aws::types::{MessageCreateParams, MessageParam};
//!
//! # async fn run() -> Result<(), anthropic_aws::Error> {
//! let client = Client::builder()
//!     .region("us-west-2")
//!     .workspace_id("wrkspc_01AbCdEf")
//!     .build()
//!     .await?;
//! let message = client
//!     .messages()
//!     .create(&MessageCreateParams::new(
//!         "claude-opus-4-8",
//!         1024,
//!         vec![MessageParam::user("Hello, Claude")],
//!     ))
//!     .await?;
//! println!("{}", message.text());
//! println!("AWS request ID (CloudTrail): {:?}", message.aws_request_id());
//! println!("Anthropic request ID: {:?}", message.anthropic_request_id());
//! # Ok(()) }
//! ```
//!
//! # Configuration
//!
//! Every option, its environment variable and its default are in one table, on
//! [`ClientBuilder`](ClientBuilder#configuration).
// `unsafe_code` is forbidden for every crate of the workspace, in Cargo.toml.
#![warn(missing_docs)]

mod auth;
mod client;
mod config;
pub mod error;
mod headers;
pub mod helpers;
mod rate_limits;
mod redact;
mod request_hook;
mod request_id;
mod request_options;
pub mod resources;
mod response;
mod retry;
pub mod streaming;
mod transport;
pub mod types;
mod wire;

pub use client::{Client, ClientBuilder};
pub use config::{
    AuthSource, DEFAULT_ANTHROPIC_VERSION, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT, SIGNING_SERVICE,
};
pub use error::{ApiError, Error, ErrorType, TimeoutKind};
pub use rate_limits::{RateLimit, RateLimits};
pub use redact::redact_url;
pub use request_hook::RequestParts;
pub use request_id::{ANTHROPIC_REQUEST_ID_HEADER, AWS_REQUEST_ID_HEADER, RequestIds};
pub use request_options::RequestOptions;
pub use response::{RawResponse, Response, ResponseMeta};
pub use streaming::{MessageStream, TextStream};
pub use transport::MAX_RESPONSE_BYTES;
pub use wire::WireEvent;

/// The HTTP method of a [`Client::request`] call (the `http` crate's, as reqwest uses).
pub use http::Method;

/// The AWS SDKs' request-ID trait, implemented by [`Response`], [`RawResponse`], [`Error`],
/// [`ApiError`], [`MessageStream`] and [`TextStream`] (it reads the AWS request ID,
/// `x-amzn-requestid`).
pub use aws_types::request_id::RequestId;

/// The AWS SDKs' error-metadata trait (`code()`, `message()`), implemented by [`Error`] and
/// [`ApiError`].
pub use aws_smithy_types::error::metadata::ProvideErrorMetadata;
