//! Which authentication the client uses and where it came from: the public [`AuthSource`],
//! the [`AuthChoice`] the client is built with, and [`Options::auth_choice`], the one place
//! the order of precedence between API keys, AWS credentials, profiles and `skip_auth` is
//! decided.

use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use secrecy::{ExposeSecret, SecretString};

use super::{ENV_API_KEY, Options, non_empty};
use crate::error::Error;

/// How the client authenticates, and where that came from.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthSource {
    /// An API key given to the builder, sent as `Authorization: Bearer`.
    ApiKey,
    /// An API key from `ANTHROPIC_AWS_API_KEY`, sent as `Authorization: Bearer`.
    ApiKeyFromEnv,
    /// SigV4 with an access key (and maybe a session token) given to the builder.
    AccessKeys,
    /// SigV4 with a credentials provider given to the builder.
    CredentialsProvider,
    /// SigV4 with the credentials provider of the `SdkConfig` given to the builder.
    SdkConfig,
    /// SigV4 with credentials from the named AWS profile.
    Profile(String),
    /// SigV4 with credentials from the default AWS chain: environment, profile files, SSO,
    /// web identity, ECS, EC2 instance metadata.
    DefaultChain,
    /// No authentication: nothing is signed and no credentials are sent or looked up (for a
    /// gateway that authenticates on the client's behalf).
    SkipAuth,
}

impl AuthSource {
    /// Whether requests are SigV4-signed (else they carry an API key).
    pub fn is_sigv4(&self) -> bool {
        !matches!(self, Self::ApiKey | Self::ApiKeyFromEnv | Self::SkipAuth)
    }
}

/// The authentication the client will use.
pub(crate) enum AuthChoice {
    ApiKey(SecretString),
    SigV4(SharedCredentialsProvider),
    /// Nothing: a gateway authenticates.
    None,
}

/// Auth whose provider is built once the region is known.
pub(super) enum PendingAuth {
    Ready(AuthChoice),
    Profile(String),
    DefaultChain,
}

impl Options {
    /// Auth, in the official SDKs' order: explicit API key → explicit access key + secret
    /// (+ session token) → explicit credentials provider → named profile → the `SdkConfig`'s
    /// provider → `ANTHROPIC_AWS_API_KEY` → the default AWS credential chain. `skip_auth`
    /// stands alone: no credentials may be given with it, none are looked up.
    pub(super) fn auth_choice(
        &self,
        var: &impl Fn(&str) -> Option<String>,
    ) -> Result<(PendingAuth, AuthSource), Error> {
        if self.skip_auth {
            let explicit = self.api_key.is_some()
                || self.access_key_id.is_some()
                || self.secret_access_key.is_some()
                || self.session_token.is_some()
                || self.credentials_provider.is_some()
                || self.profile.is_some();
            if explicit {
                return Err(Error::config(
                    "`skip_auth()` sends no credentials, but credentials were also given to the \
                     builder: use one or the other",
                ));
            }
            return Ok((PendingAuth::Ready(AuthChoice::None), AuthSource::SkipAuth));
        }
        if let Some(key) = &self.api_key {
            if key.expose_secret().trim().is_empty() {
                return Err(Error::config("the API key given to the builder is empty"));
            }
            return Ok((
                PendingAuth::Ready(AuthChoice::ApiKey(key.clone())),
                AuthSource::ApiKey,
            ));
        }
        match (&self.access_key_id, &self.secret_access_key) {
            (Some(id), Some(secret)) => {
                let credentials = Credentials::new(
                    id,
                    secret.expose_secret(),
                    self.session_token
                        .as_ref()
                        .map(|t| t.expose_secret().to_owned()),
                    None,
                    "anthropic-aws-builder",
                );
                return Ok((
                    PendingAuth::Ready(AuthChoice::SigV4(SharedCredentialsProvider::new(
                        credentials,
                    ))),
                    AuthSource::AccessKeys,
                ));
            }
            (Some(_), None) => {
                return Err(Error::config(
                    "an access key ID was given without its secret access key: give both, or neither",
                ));
            }
            (None, Some(_)) => {
                return Err(Error::config(
                    "a secret access key was given without its access key ID: give both, or neither",
                ));
            }
            (None, None) if self.session_token.is_some() => {
                return Err(Error::config(
                    "a session token was given without an access key ID and secret access key",
                ));
            }
            (None, None) => {}
        }
        if let Some(provider) = &self.credentials_provider {
            return Ok((
                PendingAuth::Ready(AuthChoice::SigV4(provider.clone())),
                AuthSource::CredentialsProvider,
            ));
        }
        if let Some(profile) = non_empty(self.profile.clone()) {
            return Ok((
                PendingAuth::Profile(profile.clone()),
                AuthSource::Profile(profile),
            ));
        }
        if let Some(provider) = &self.sdk.credentials_provider {
            return Ok((
                PendingAuth::Ready(AuthChoice::SigV4(provider.clone())),
                AuthSource::SdkConfig,
            ));
        }
        if let Some(key) = var(ENV_API_KEY) {
            return Ok((
                PendingAuth::Ready(AuthChoice::ApiKey(SecretString::from(key))),
                AuthSource::ApiKeyFromEnv,
            ));
        }
        Ok((PendingAuth::DefaultChain, AuthSource::DefaultChain))
    }
}
