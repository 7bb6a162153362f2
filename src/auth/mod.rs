//! Authentication: one [`Authorize`] step, two implementations, chosen once when the client is
//! built: [`SigV4`] signing with AWS credentials, or an
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

/// Adds the headers that authenticate one attempt of a request.
pub(crate) trait Authorize {
    /// Authenticates `request` in place; called afresh on every attempt.
    async fn authorize(&self, request: &mut OutgoingRequest) -> Result<(), Error>;
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

impl Authorize for Auth {
    async fn authorize(&self, request: &mut OutgoingRequest) -> Result<(), Error> {
        match self {
            Self::ApiKey(auth) => auth.authorize(request).await,
            Self::SigV4(auth) => auth.authorize(request).await,
            Self::None => Ok(()),
        }
    }
}
