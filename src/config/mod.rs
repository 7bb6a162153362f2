//! Where and how to call: resolves the builder's options, the environment and the AWS profile
//! into one immutable [`Config`] and one authentication choice, before anything is sent.
//!
//! Every option falls back to its environment variable, as the official SDKs do: the table is
//! on [`ClientBuilder`](crate::ClientBuilder#configuration).
//!
//! Which authentication wins, and the public [`AuthSource`] that names it, are decided in
//! `auth_choice.rs`; the AWS profile and default chain are in `aws_chain.rs`, what an
//! `SdkConfig` contributes in `sdk_config.rs`.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use aws_credential_types::provider::SharedCredentialsProvider;
use aws_runtime::env_config::file::{EnvConfigFileKind, EnvConfigFiles};
use http::HeaderMap;
use reqwest::Url;
use secrecy::SecretString;

use crate::error::Error;
use crate::headers::{self, CallerHeader, betas};
use crate::redact::redact_url;
use crate::request_hook::RequestHook;
use crate::wire::WireObserver;

/// The API version sent in `anthropic-version` unless configured otherwise: the version the
/// current official SDKs send and Claude Platform on AWS serves.
pub const DEFAULT_ANTHROPIC_VERSION: &str = "2026-10-21";
/// The overall request timeout unless configured otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(600);
/// The connect timeout unless configured otherwise.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How many times a failed request is retried unless configured otherwise.
pub const DEFAULT_MAX_RETRIES: u32 = 2;
/// The SigV4 service name (also the IAM prefix) of Claude Platform on AWS.
pub const SIGNING_SERVICE: &str = "aws-external-anthropic";

pub(crate) const ENV_API_KEY: &str = "ANTHROPIC_AWS_API_KEY";
pub(crate) const ENV_WORKSPACE_ID: &str = "ANTHROPIC_AWS_WORKSPACE_ID";
pub(crate) const ENV_BASE_URL: &str = "ANTHROPIC_AWS_BASE_URL";
mod auth_choice;
mod aws_chain;
mod sdk_config;

pub(crate) use auth_choice::AuthChoice;
pub use auth_choice::AuthSource;
use auth_choice::PendingAuth;
pub(crate) use aws_chain::credentials_lookup;
use aws_chain::{default_chain, profile_provider, profile_region};
pub(crate) use sdk_config::SdkDefaults;

const ENV_REGION: &str = "AWS_REGION";
const ENV_DEFAULT_REGION: &str = "AWS_DEFAULT_REGION";
const ENV_PROFILE: &str = "AWS_PROFILE";

/// Reads an environment variable; the empty string counts as unset.
pub(crate) type EnvLookup = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

pub(crate) fn process_env() -> EnvLookup {
    Arc::new(|name| std::env::var(name).ok())
}

/// The user's options as given to the builder, before resolution.
#[derive(Default)]
pub(crate) struct Options {
    pub(crate) base_url: Option<String>,
    pub(crate) region: Option<String>,
    pub(crate) workspace_id: Option<String>,
    pub(crate) api_key: Option<SecretString>,
    pub(crate) access_key_id: Option<String>,
    pub(crate) secret_access_key: Option<SecretString>,
    pub(crate) session_token: Option<SecretString>,
    pub(crate) credentials_provider: Option<SharedCredentialsProvider>,
    pub(crate) profile: Option<String>,
    pub(crate) aws_config_file: Option<PathBuf>,
    pub(crate) aws_credentials_file: Option<PathBuf>,
    pub(crate) anthropic_version: Option<String>,
    pub(crate) betas: Vec<String>,
    pub(crate) default_headers: Vec<CallerHeader>,
    pub(crate) timeout: Option<Duration>,
    pub(crate) connect_timeout: Option<Duration>,
    pub(crate) max_retries: Option<u32>,
    pub(crate) wire_observer: Option<WireObserver>,
    pub(crate) request_hook: Option<RequestHook>,
    /// What an `SdkConfig` given to the builder says, below the builder's own options.
    pub(crate) sdk: SdkDefaults,
    pub(crate) skip_auth: bool,
}

/// The resolved, immutable configuration of a client.
#[derive(Clone)]
pub(crate) struct Config {
    pub(crate) base_url: Url,
    pub(crate) region: Option<String>,
    pub(crate) workspace_id: String,
    /// `anthropic-version`, `anthropic-workspace-id`, `anthropic-beta` and the user's headers.
    pub(crate) default_headers: HeaderMap,
    pub(crate) timeout: Duration,
    /// Whether the caller chose the timeout (the long-request guard protects only the default).
    pub(crate) timeout_is_explicit: bool,
    pub(crate) connect_timeout: Duration,
    pub(crate) max_retries: u32,
    pub(crate) auth_source: AuthSource,
    pub(crate) wire_observer: Option<WireObserver>,
    pub(crate) request_hook: Option<RequestHook>,
}

impl Options {
    /// Resolves everything; nothing is sent, and any error here is [`Error::Config`].
    pub(crate) async fn resolve(self, env: &EnvLookup) -> Result<(Config, AuthChoice), Error> {
        let var = |name: &str| env(name).filter(|v| !v.trim().is_empty());
        let profile_files = self.profile_files();
        let profile_name = self.profile.clone().or_else(|| var(ENV_PROFILE));

        let (auth, auth_source) = self.auth_choice(&var)?;
        let region = match non_empty(self.region.clone())
            .or_else(|| non_empty(self.sdk.region.clone()))
            .or_else(|| var(ENV_REGION))
            .or_else(|| var(ENV_DEFAULT_REGION))
        {
            Some(region) => Some(region),
            None => profile_region(profile_name.as_deref(), profile_files.clone()).await,
        };
        let base_url = match non_empty(self.base_url.clone()).or_else(|| var(ENV_BASE_URL)) {
            Some(url) => parse_base_url(&url)?,
            None => match &region {
                Some(region) => {
                    parse_base_url(&format!("https://aws-external-anthropic.{region}.api.aws"))?
                }
                None => return Err(missing_region("build the endpoint URL")),
            },
        };
        if auth_source.is_sigv4() && region.is_none() {
            return Err(missing_region("sign requests with SigV4"));
        }
        let workspace_id = non_empty(self.workspace_id.clone())
            .or_else(|| var(ENV_WORKSPACE_ID))
            .ok_or_else(|| {
                Error::config(format!(
                    "no workspace ID: call `.workspace_id(\"wrkspc_…\")` on the builder or set \
                     {ENV_WORKSPACE_ID}; every request to Claude Platform on AWS names its workspace"
                ))
            })?;
        let default_headers = self.default_headers(&workspace_id)?;

        let auth = match auth {
            PendingAuth::Ready(choice) => choice,
            PendingAuth::Profile(name) => AuthChoice::SigV4(SharedCredentialsProvider::new(
                profile_provider(&name, region.as_deref(), profile_files),
            )),
            PendingAuth::DefaultChain => {
                AuthChoice::SigV4(default_chain(region.as_deref(), profile_files).await?)
            }
        };
        let timeout = self.timeout.or(self.sdk.timeout);
        let config = Config {
            base_url,
            region,
            workspace_id,
            default_headers,
            timeout: timeout.unwrap_or(DEFAULT_TIMEOUT),
            timeout_is_explicit: timeout.is_some(),
            connect_timeout: self
                .connect_timeout
                .or(self.sdk.connect_timeout)
                .unwrap_or(DEFAULT_CONNECT_TIMEOUT),
            max_retries: self
                .max_retries
                .or(self.sdk.max_retries)
                .unwrap_or(DEFAULT_MAX_RETRIES),
            auth_source,
            wire_observer: self.wire_observer.clone(),
            request_hook: self.request_hook.clone(),
        };
        Ok((config, auth))
    }

    fn default_headers(&self, workspace_id: &str) -> Result<HeaderMap, Error> {
        let mut map = HeaderMap::new();
        let version = non_empty(self.anthropic_version.clone())
            .unwrap_or_else(|| DEFAULT_ANTHROPIC_VERSION.to_owned());
        map.insert(
            headers::VERSION,
            headers::value(headers::VERSION.as_str(), &version)?,
        );
        map.insert(
            headers::WORKSPACE,
            headers::value(headers::WORKSPACE.as_str(), workspace_id)?,
        );
        for header in &self.default_headers {
            let (name, value) = header.parse()?;
            map.append(name, value);
        }
        // The client's betas: the builder's, then any given as a raw default header.
        let merged = betas::merge(self.betas.iter().map(String::as_str), betas::current(&map));
        betas::set(&mut map, merged)?;
        Ok(map)
    }

    /// The AWS config/credentials files: the defaults (`~/.aws/…`, `AWS_CONFIG_FILE`,
    /// `AWS_SHARED_CREDENTIALS_FILE`) unless the builder named others.
    fn profile_files(&self) -> Option<EnvConfigFiles> {
        if self.aws_config_file.is_none() && self.aws_credentials_file.is_none() {
            return None;
        }
        let mut files = EnvConfigFiles::builder();
        if let Some(path) = &self.aws_config_file {
            files = files.with_file(EnvConfigFileKind::Config, path);
        } else {
            files = files.include_default_config_file(true);
        }
        if let Some(path) = &self.aws_credentials_file {
            files = files.with_file(EnvConfigFileKind::Credentials, path);
        } else {
            files = files.include_default_credentials_file(true);
        }
        Some(files.build())
    }
}

fn missing_region(to: &str) -> Error {
    Error::config(format!(
        "no AWS region to {to}: call `.region(\"us-west-2\")` on the builder, set AWS_REGION or \
         AWS_DEFAULT_REGION, or set `region` in the AWS profile (there is no default region)"
    ))
}

fn parse_base_url(raw: &str) -> Result<Url, Error> {
    let shown = redact_url(raw);
    let url = Url::parse(raw.trim())
        .map_err(|e| Error::config(format!("base URL {shown:?} is not a valid URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(Error::config(format!(
            "base URL {shown:?} must be an http:// or https:// URL with a host"
        )));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::config(format!(
            "base URL {shown:?} may not carry a query or fragment"
        )));
    }
    Ok(url)
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> EnvLookup {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Arc::new(move |name| map.get(name).cloned())
    }

    fn keys() -> Options {
        Options {
            access_key_id: Some("AKID".into()),
            secret_access_key: Some(SecretString::from("secret")),
            ..Options::default()
        }
    }

    #[tokio::test]
    async fn region_and_workspace_come_from_the_environment() {
        let (config, _) = keys()
            .resolve(&env(&[
                ("AWS_REGION", ""),
                ("AWS_DEFAULT_REGION", "eu-west-1"),
                ("ANTHROPIC_AWS_WORKSPACE_ID", "wrkspc_env"),
            ]))
            .await
            .unwrap();
        assert_eq!(config.region.as_deref(), Some("eu-west-1"));
        assert_eq!(config.workspace_id, "wrkspc_env");
        assert_eq!(
            config.base_url.as_str(),
            "https://aws-external-anthropic.eu-west-1.api.aws/"
        );
        assert_eq!(config.auth_source, AuthSource::AccessKeys);
        assert_eq!(config.default_headers["anthropic-version"], "2026-10-21");
    }

    #[tokio::test]
    async fn builder_beats_environment() {
        let options = Options {
            region: Some("us-east-1".into()),
            workspace_id: Some("wrkspc_builder".into()),
            base_url: Some("http://127.0.0.1:9".into()),
            ..keys()
        };
        let (config, _) = options
            .resolve(&env(&[
                ("AWS_REGION", "eu-west-1"),
                ("ANTHROPIC_AWS_WORKSPACE_ID", "wrkspc_env"),
                ("ANTHROPIC_AWS_BASE_URL", "http://127.0.0.1:1"),
            ]))
            .await
            .unwrap();
        assert_eq!(config.region.as_deref(), Some("us-east-1"));
        assert_eq!(config.workspace_id, "wrkspc_builder");
        assert_eq!(config.base_url.as_str(), "http://127.0.0.1:9/");
    }

    #[tokio::test]
    async fn missing_workspace_is_a_config_error() {
        let options = Options {
            region: Some("us-east-1".into()),
            ..keys()
        };
        let err = options
            .resolve(&env(&[("ANTHROPIC_AWS_WORKSPACE_ID", "")]))
            .await
            .err()
            .unwrap();
        assert!(matches!(err, Error::Config { .. }));
        assert!(
            err.to_string().contains("ANTHROPIC_AWS_WORKSPACE_ID"),
            "{err}"
        );
    }

    #[tokio::test]
    async fn half_an_access_key_is_a_config_error() {
        let options = Options {
            access_key_id: Some("AKID".into()),
            region: Some("us-east-1".into()),
            workspace_id: Some("w".into()),
            ..Options::default()
        };
        let err = options.resolve(&env(&[])).await.err().unwrap();
        assert!(err.to_string().contains("without its secret"), "{err}");
    }

    #[tokio::test]
    async fn env_api_key_comes_after_explicit_keys() {
        let options = Options {
            region: Some("us-east-1".into()),
            workspace_id: Some("w".into()),
            ..keys()
        };
        let (config, _) = options
            .resolve(&env(&[("ANTHROPIC_AWS_API_KEY", "k")]))
            .await
            .unwrap();
        assert_eq!(config.auth_source, AuthSource::AccessKeys);

        let options = Options {
            region: Some("us-east-1".into()),
            workspace_id: Some("w".into()),
            ..Options::default()
        };
        let (config, auth) = options
            .resolve(&env(&[("ANTHROPIC_AWS_API_KEY", "k")]))
            .await
            .unwrap();
        assert_eq!(config.auth_source, AuthSource::ApiKeyFromEnv);
        assert!(matches!(auth, AuthChoice::ApiKey(_)));
    }

    #[tokio::test]
    async fn api_key_needs_a_region_or_a_base_url() {
        let options = Options {
            api_key: Some(SecretString::from("k")),
            workspace_id: Some("w".into()),
            aws_config_file: Some("/nonexistent/config".into()),
            aws_credentials_file: Some("/nonexistent/credentials".into()),
            ..Options::default()
        };
        let err = options.resolve(&env(&[])).await.err().unwrap();
        assert!(err.to_string().contains("no AWS region"), "{err}");
    }

    #[tokio::test]
    async fn reserved_default_headers_are_refused() {
        let options = Options {
            region: Some("us-east-1".into()),
            workspace_id: Some("w".into()),
            default_headers: vec![CallerHeader::new("Authorization", "x", false)],
            ..keys()
        };
        let err = options.resolve(&env(&[])).await.err().unwrap();
        assert!(err.to_string().contains("authorization"), "{err}");
    }
}
