//! API-key mode: `Authorization: Bearer <key>`, as AWS's docs and the current official SDKs
//! send it; nothing is SigV4-signed.

use http::HeaderValue;
use http::header::AUTHORIZATION;
use secrecy::{ExposeSecret, SecretString};

use super::OutgoingRequest;
use crate::error::Error;

/// Sends the API key as a bearer token.
pub(crate) struct ApiKey {
    key: SecretString,
}

impl ApiKey {
    pub(crate) fn new(key: SecretString) -> Self {
        Self { key }
    }

    /// Adds `Authorization: Bearer <key>`, marked sensitive.
    pub(crate) fn authorize(&self, request: &mut OutgoingRequest) -> Result<(), Error> {
        let mut value =
            HeaderValue::from_str(&format!("Bearer {}", self.key.expose_secret().trim())).map_err(
                |_| Error::config("the API key contains characters not allowed in an HTTP header"),
            )?;
        value.set_sensitive(true);
        request.headers.insert(AUTHORIZATION, value);
        Ok(())
    }
}
