//! What comes back: [`Response<T>`], the [`RawResponse`] before parsing, and the two request IDs.
//!
//! Claude Platform on AWS answers every request with two IDs:
//!
//! | accessor | header | whose | use it for |
//! |---|---|---|---|
//! | `aws_request_id()` | `x-amzn-requestid` | AWS (primary) | CloudTrail lookups, AWS support |
//! | `anthropic_request_id()` | `request-id` | Anthropic | Anthropic support tickets |
//!
//! Both types here also implement [`aws_types::request_id::RequestId`], which everywhere in the
//! AWS SDKs means the AWS ID, so generic AWS tooling reads the right one.

use std::fmt;
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};

use aws_types::request_id::RequestId;
use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

use crate::error::{Error, snippet};
use crate::request_id::RequestIds;

/// The accessors every answer shares, read from its `meta: ResponseMeta` field: both request
/// IDs, the status, the headers and the retry count.
macro_rules! meta_accessors {
    () => {
        /// The AWS request ID (`x-amzn-requestid`): primary, indexed in CloudTrail.
        pub fn aws_request_id(&self) -> Option<&str> {
            self.meta.request_ids().aws()
        }

        /// Anthropic's request ID (`request-id`), for Anthropic support.
        pub fn anthropic_request_id(&self) -> Option<&str> {
            self.meta.request_ids().anthropic()
        }

        /// Both request IDs.
        pub fn request_ids(&self) -> &$crate::RequestIds {
            self.meta.request_ids()
        }

        /// The HTTP status.
        pub fn status(&self) -> http::StatusCode {
            self.meta.status()
        }

        /// All response headers, as received.
        pub fn headers(&self) -> &http::HeaderMap {
            self.meta.headers()
        }

        /// How many retries were spent before this answer.
        pub fn retries(&self) -> u32 {
            self.meta.retries()
        }

        /// The `anthropic-ratelimit-*` headers of this answer.
        pub fn rate_limits(&self) -> $crate::RateLimits {
            self.meta.rate_limits()
        }
    };
}
pub(crate) use meta_accessors;

/// Status, headers and request IDs of a response: what every [`Response`] and
/// [`RawResponse`] carries besides its body.
#[derive(Clone, Debug)]
pub struct ResponseMeta {
    status: StatusCode,
    headers: HeaderMap,
    request_ids: RequestIds,
    retries: u32,
}

impl ResponseMeta {
    /// From an answer whose request IDs were already read off `headers`.
    pub(crate) fn from_parts(
        status: StatusCode,
        headers: HeaderMap,
        request_ids: RequestIds,
    ) -> Self {
        Self {
            status,
            headers,
            request_ids,
            retries: 0,
        }
    }

    pub(crate) fn with_retries(mut self, retries: u32) -> Self {
        self.retries = retries;
        self
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// All response headers, as received.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// Both request IDs.
    pub fn request_ids(&self) -> &RequestIds {
        &self.request_ids
    }

    /// How many retries were spent before this answer.
    pub fn retries(&self) -> u32 {
        self.retries
    }

    /// The `anthropic-ratelimit-*` headers of this answer.
    pub fn rate_limits(&self) -> crate::RateLimits {
        crate::RateLimits::from_headers(&self.headers)
    }
}

/// A successful, parsed answer: derefs to the body `T` and keeps the response's status,
/// headers and both request IDs.
///
/// ```no_run
/// # async fn run(client: anthropic_aws::Client) -> Result<(), anthropic_aws::Error> {
/// use anthropic_aws::types::{MessageCreateParams, MessageParam};
/// let message = client
///     .messages()
///     .create(&MessageCreateParams::new("claude-opus-4-8", 1024, vec![MessageParam::user("Hi")]))
///     .await?;
/// println!("{}", message.text()); // derefs to `Message`
/// println!("AWS request ID (CloudTrail): {:?}", message.aws_request_id());
/// println!("Anthropic request ID: {:?}", message.anthropic_request_id());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Response<T> {
    body: T,
    meta: ResponseMeta,
}

impl<T> Response<T> {
    pub(crate) fn new(body: T, meta: ResponseMeta) -> Self {
        Self { body, meta }
    }

    meta_accessors!();

    /// The parsed body, dropping the metadata.
    pub fn into_inner(self) -> T {
        self.body
    }

    /// The parsed body and the metadata, apart.
    pub fn into_parts(self) -> (T, ResponseMeta) {
        (self.body, self.meta)
    }
}

impl<T> Deref for Response<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.body
    }
}

impl<T> DerefMut for Response<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.body
    }
}

impl<T: fmt::Debug> fmt::Debug for Response<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.meta.status)
            .field("aws_request_id", &self.aws_request_id())
            .field("anthropic_request_id", &self.anthropic_request_id())
            .field("body", &self.body)
            .finish()
    }
}

impl<T> RequestId for Response<T> {
    fn request_id(&self) -> Option<&str> {
        self.aws_request_id()
    }
}

/// A successful answer before parsing: status, headers, body bytes and both request IDs.
/// [`parse`](RawResponse::parse) turns it into a [`Response<T>`].
///
/// Error statuses never reach a `RawResponse`: they become [`Error::Api`], which keeps the
/// same status, headers, body and IDs.
///
/// ```no_run
/// # async fn run(client: anthropic_aws::Client) -> Result<(), anthropic_aws::Error> {
/// let raw = client.models().with_raw_response().list(&Default::default()).await?;
/// println!("{} bytes, AWS request ID {:?}", raw.body().len(), raw.aws_request_id());
/// let models = raw.parse()?;
/// # Ok(()) }
/// ```
pub struct RawResponse<T> {
    meta: ResponseMeta,
    body: Bytes,
    target: PhantomData<fn() -> T>,
}

impl<T> RawResponse<T> {
    pub(crate) fn new(meta: ResponseMeta, body: Bytes) -> Self {
        Self {
            meta,
            body,
            target: PhantomData,
        }
    }

    meta_accessors!();

    /// The body bytes, exactly as received.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The body bytes and the metadata, apart.
    pub fn into_parts(self) -> (Bytes, ResponseMeta) {
        (self.body, self.meta)
    }
}

impl<T: DeserializeOwned> RawResponse<T> {
    /// Parses the body as `T`; a body that is not the expected JSON is an [`Error::Decode`]
    /// carrying both request IDs and a snippet of the body.
    pub fn parse(self) -> Result<Response<T>, Error> {
        match serde_json::from_slice(&self.body) {
            Ok(body) => Ok(Response::new(body, self.meta)),
            Err(source) => Err(Error::Decode {
                status: self.meta.status,
                request_ids: self.meta.request_ids,
                body_snippet: snippet(&self.body),
                source,
            }),
        }
    }
}

impl<T> fmt::Debug for RawResponse<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawResponse")
            .field("status", &self.meta.status)
            .field("aws_request_id", &self.aws_request_id())
            .field("anthropic_request_id", &self.anthropic_request_id())
            .field("body_len", &self.body.len())
            .finish()
    }
}

impl<T> RequestId for RawResponse<T> {
    fn request_id(&self) -> Option<&str> {
        self.aws_request_id()
    }
}
