//! Authentication, chosen once when the client is built and run afresh on every attempt
//! ([`Auth::authorize_now`], else [`Auth::authorize`]): [`SigV4`] signing with AWS credentials, or an
//! [`ApiKey`] sent as `Authorization: Bearer`; or, for a gateway that
//! authenticates on the client's behalf, nothing at all ([`Auth::None`]).

mod api_key;
mod credentials;
mod sigv4;

use bytes::Bytes;
use http::{HeaderMap, Method};
use reqwest::Url;

use crate::config::{AuthChoice, Config};
use crate::error::Error;

pub(crate) use api_key::ApiKey;
pub(crate) use sigv4::SigV4;

/// A request as it will go on the wire, before authentication adds its headers.
pub(crate) struct OutgoingRequest {
    pub(crate) method: Method,
    pub(crate) url: Url,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    /// The lowercase hex SHA-256 of a body streamed apart from `body` (then empty), computed
    /// beforehand: signing uses it instead of hashing `body`.
    pub(crate) payload_hash: Option<String>,
}

/// The authentication a client was built with.
pub(crate) enum Auth {
    ApiKey(ApiKey),
    SigV4(SigV4),
    /// `skip_auth`: nothing is added, nothing is signed.
    None,
}

impl Auth {
    pub(crate) fn new(choice: AuthChoice, config: &Config) -> Self {
        match choice {
            AuthChoice::ApiKey(key) => Self::ApiKey(ApiKey::new(key)),
            AuthChoice::SigV4(provider) => Self::SigV4(SigV4::new(
                provider,
                config.region.clone().unwrap_or_default(),
                config.auth_source.clone(),
            )),
            AuthChoice::None => Self::None,
        }
    }
}

impl Auth {
    /// Adds the headers that authenticate `request`, when nothing has to be awaited first: an
    /// API key, no authentication, or SigV4 with cached credentials still fresh (every
    /// request but the first, usually). `None` when credentials must be fetched first: then
    /// [`authorize`](Self::authorize). Kept apart so that the attempt awaits nothing, and
    /// holds no fetch in its state, on the usual path.
    pub(crate) fn authorize_now(&self, request: &mut OutgoingRequest) -> Option<Result<(), Error>> {
        match self {
            Self::ApiKey(auth) => Some(auth.authorize(request)),
            Self::SigV4(auth) => auth.authorize_now(request),
            Self::None => Some(Ok(())),
        }
    }

    /// Adds the headers that authenticate `request`, fetching credentials first if the cache
    /// has none fresh.
    pub(crate) async fn authorize(&self, request: &mut OutgoingRequest) -> Result<(), Error> {
        match self {
            Self::ApiKey(auth) => auth.authorize(request),
            Self::SigV4(auth) => auth.authorize(request).await,
            Self::None => Ok(()),
        }
    }
}
