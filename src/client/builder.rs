//! [`ClientBuilder`]: the options of a [`Client`], the one table of every option and where
//! each comes from, and [`build`](ClientBuilder::build), which resolves them into a client.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use secrecy::SecretString;

use super::Client;
use crate::auth::Auth;
use crate::config::{EnvLookup, Options, SdkDefaults, process_env};
use crate::error::Error;
use crate::headers::CallerHeader;
use crate::transport::Transport;

/// Options for a [`Client`]. Whatever is left unset comes from the environment, as the
/// official SDKs resolve it; nothing is sent while building.
///
/// # Configuration
///
/// The one table of every option (the crate docs, the `config` module and the README link
/// here). An environment variable set to the empty string counts as unset.
///
/// Each option is looked up left to right: the builder's own setter (whenever it was called),
/// then an [`sdk_config`](Self::sdk_config) given to the builder, then the environment, then
/// the default.
///
/// | option | builder | `SdkConfig` | environment | otherwise |
/// |---|---|---|---|---|
/// | endpoint | [`base_url`](Self::base_url) | | `ANTHROPIC_AWS_BASE_URL` | `https://aws-external-anthropic.{region}.api.aws` |
/// | region | [`region`](Self::region) | `region()` | `AWS_REGION`, then `AWS_DEFAULT_REGION` | the AWS profile's `region`; else an error (no silent default) |
/// | workspace | [`workspace_id`](Self::workspace_id) | | `ANTHROPIC_AWS_WORKSPACE_ID` | an error; nothing is sent |
/// | API key | [`api_key`](Self::api_key) | | `ANTHROPIC_AWS_API_KEY` (after explicit keys, providers and profile) | SigV4 |
/// | AWS credentials | [`access_key`](Self::access_key), [`credentials_provider`](Self::credentials_provider) | `credentials_provider()` | the default chain | |
/// | profile | [`profile`](Self::profile) | | `AWS_PROFILE` (through the default chain) | `default` |
/// | no auth (gateway) | [`skip_auth`](Self::skip_auth) | | | |
/// | API version | [`anthropic_version`](Self::anthropic_version) | | | `2026-10-21` ([`DEFAULT_ANTHROPIC_VERSION`](crate::DEFAULT_ANTHROPIC_VERSION)) |
/// | betas, headers | [`beta`](Self::beta), [`default_header`](Self::default_header), [`sensitive_default_header`](Self::sensitive_default_header), [`prepare_request`](Self::prepare_request) | | | |
/// | timeout (per attempt) | [`timeout`](Self::timeout) | `timeout_config()`: operation attempt timeout, else operation timeout | | 600 s |
/// | connect timeout | [`connect_timeout`](Self::connect_timeout) | `timeout_config()`: connect timeout | | 5 s |
/// | retries | [`max_retries`](Self::max_retries) | `retry_config()`: max attempts − 1 | | 2 |
///
/// Authentication, first match wins: [`api_key`](Self::api_key) →
/// [`access_key`](Self::access_key) (+ [`session_token`](Self::session_token)) →
/// [`credentials_provider`](Self::credentials_provider) → [`profile`](Self::profile) → the
/// [`sdk_config`](Self::sdk_config)'s credentials provider → `ANTHROPIC_AWS_API_KEY` → the
/// default AWS credential chain (environment, profile files, SSO, web identity, ECS, EC2
/// instance metadata). Giving only one of access key and secret is a configuration error; with
/// no credentials anywhere, the first call fails with an error naming where the client looked,
/// and nothing is sent. [`skip_auth`](Self::skip_auth) stands apart: nothing is looked up or
/// sent, and giving credentials with it is a configuration error.
///
/// ```no_run
/// use std::time::Duration;
/// use anthropic_aws::Client;
///
/// # async fn run() -> Result<(), anthropic_aws::Error> {
/// let client = Client::builder()
///     .region("us-west-2")
///     .workspace_id("wrkspc_01AbCdEf")
///     .profile("claude")
///     .timeout(Duration::from_secs(120))
///     .max_retries(3)
///     .build()
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Default)]
pub struct ClientBuilder {
    options: Options,
    env: Option<EnvLookup>,
}

impl ClientBuilder {
    /// The endpoint, instead of `https://aws-external-anthropic.{region}.api.aws`
    /// (env `ANTHROPIC_AWS_BASE_URL`).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.options.base_url = Some(url.into());
        self
    }

    /// The AWS region (env `AWS_REGION`, then `AWS_DEFAULT_REGION`, then the profile's).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.options.region = Some(region.into());
        self
    }

    /// The workspace, `wrkspc_…` (env `ANTHROPIC_AWS_WORKSPACE_ID`); required.
    pub fn workspace_id(mut self, workspace_id: impl Into<String>) -> Self {
        self.options.workspace_id = Some(workspace_id.into());
        self
    }

    /// Authenticate with an API key, sent as `Authorization: Bearer` (env
    /// `ANTHROPIC_AWS_API_KEY`, which ranks below explicit AWS credentials and profiles).
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.options.api_key = Some(SecretString::from(key.into()));
        self
    }

    /// Sign with this access key ID and secret access key.
    pub fn access_key(
        mut self,
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
    ) -> Self {
        self.options.access_key_id = Some(access_key_id.into());
        self.options.secret_access_key = Some(SecretString::from(secret_access_key.into()));
        self
    }

    /// Sign with this access key ID (give the secret with
    /// [`secret_access_key`](Self::secret_access_key); one without the other is an error).
    pub fn access_key_id(mut self, access_key_id: impl Into<String>) -> Self {
        self.options.access_key_id = Some(access_key_id.into());
        self
    }

    /// Sign with this secret access key (with [`access_key_id`](Self::access_key_id)).
    pub fn secret_access_key(mut self, secret_access_key: impl Into<String>) -> Self {
        self.options.secret_access_key = Some(SecretString::from(secret_access_key.into()));
        self
    }

    /// The session token of temporary credentials, sent as `x-amz-security-token`.
    pub fn session_token(mut self, session_token: impl Into<String>) -> Self {
        self.options.session_token = Some(SecretString::from(session_token.into()));
        self
    }

    /// Sign with credentials from any provider, for example an `SdkConfig`'s
    /// (`sdk_config.credentials_provider()`) or an assumed role's.
    pub fn credentials_provider(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.options.credentials_provider = Some(SharedCredentialsProvider::new(provider));
        self
    }

    /// Takes what applies from an AWS SDK configuration, as every aws-sdk-rust client does:
    /// its region, credentials provider, timeouts and retry budget (its endpoint URL, meant for
    /// AWS services, is not used). The builder's own setters win over it, whenever they are
    /// called; it wins over the environment (the table above).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), anthropic_aws::Error> {
    /// let sdk_config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    /// let client = anthropic_aws::Client::builder()
    ///     .sdk_config(&sdk_config)
    ///     .workspace_id("wrkspc_01AbCdEf")
    ///     .build()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn sdk_config(mut self, config: &aws_types::SdkConfig) -> Self {
        self.options.sdk = SdkDefaults::from_sdk_config(config);
        self
    }

    /// Sends no credentials and signs nothing, and looks no credentials up: for a gateway or
    /// proxy that authenticates requests on the client's behalf (point
    /// [`base_url`](Self::base_url) at it). No region is needed unless the endpoint is built
    /// from it. Giving credentials as well is a configuration error.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), anthropic_aws::Error> {
    /// let client = anthropic_aws::Client::builder()
    ///     .base_url("https://llm-gateway.internal.example")
    ///     .workspace_id("wrkspc_01AbCdEf")
    ///     .skip_auth()
    ///     .build()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn skip_auth(mut self) -> Self {
        self.options.skip_auth = true;
        self
    }

    /// Calls `prepare` on every attempt of every request, after the client has set its
    /// headers and just before the request is authenticated: what it adds or changes (a
    /// header, the URL) is covered by the SigV4 signature, and it runs again, on a fresh
    /// request, for each retry. The official SDKs' middleware, in one function.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), anthropic_aws::Error> {
    /// let client = anthropic_aws::Client::builder()
    ///     .prepare_request(|request| {
    ///         let retry = http::HeaderValue::from(request.retry_count());
    ///         request.headers_mut().insert("x-tenant-attempt", retry);
    ///     })
    ///     .build()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn prepare_request(
        mut self,
        prepare: impl Fn(&mut crate::RequestParts<'_>) + Send + Sync + 'static,
    ) -> Self {
        self.options.request_hook = Some(Arc::new(prepare));
        self
    }

    /// Sign with credentials from this AWS profile (static keys, SSO, `credential_process`,
    /// role assumption: whatever the profile says).
    pub fn profile(mut self, profile: impl Into<String>) -> Self {
        self.options.profile = Some(profile.into());
        self
    }

    /// Read profiles from this config file instead of `~/.aws/config` / `AWS_CONFIG_FILE`.
    pub fn aws_config_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.options.aws_config_file = Some(path.into());
        self
    }

    /// Read profiles from this credentials file instead of `~/.aws/credentials` /
    /// `AWS_SHARED_CREDENTIALS_FILE`.
    pub fn aws_credentials_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.options.aws_credentials_file = Some(path.into());
        self
    }

    /// The `anthropic-version` header (default
    /// [`DEFAULT_ANTHROPIC_VERSION`](crate::DEFAULT_ANTHROPIC_VERSION)).
    pub fn anthropic_version(mut self, version: impl Into<String>) -> Self {
        self.options.anthropic_version = Some(version.into());
        self
    }

    /// Adds a beta to the `anthropic-beta` header of every request.
    pub fn beta(mut self, beta: impl Into<String>) -> Self {
        self.options.betas.push(beta.into());
        self
    }

    /// Adds a header to every request (signed like the others in SigV4 mode). Headers the
    /// client computes itself (`authorization`, `host`, `x-amz-*`, `anthropic-version`,
    /// `anthropic-workspace-id`) cannot be set this way. An `anthropic-beta` header adds its
    /// betas after the [`beta`](Self::beta)s. For a secret, use
    /// [`sensitive_default_header`](Self::sensitive_default_header).
    pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.options
            .default_headers
            .push(CallerHeader::new(name, value, false));
        self
    }

    /// Adds a header whose value is a secret (a gateway's key, say) to every request: as
    /// [`default_header`](Self::default_header), but its value is marked sensitive, so that
    /// [`WireEvent`](crate::WireEvent) (the CLI's `--debug`) and `Debug` output show
    /// `<redacted>` instead.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), anthropic_aws::Error> {
    /// let client = anthropic_aws::Client::builder()
    ///     .sensitive_default_header("x-gateway-key", "gw-s3cr3t")
    ///     .on_wire(|event| eprintln!("{event}")) // x-gateway-key: <redacted>
    ///     .build()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn sensitive_default_header(
        mut self,
        name: impl Into<String>,
        value: impl Into<String>,
    ) -> Self {
        self.options
            .default_headers
            .push(CallerHeader::new(name, value, true));
        self
    }

    /// The overall timeout of one attempt (default 10 minutes). Setting it also lifts the
    /// long-request guard for non-streaming calls.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = Some(timeout);
        self
    }

    /// The connect timeout (default 5 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.options.connect_timeout = Some(timeout);
        self
    }

    /// How many times a failed request is retried (default 2).
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.options.max_retries = Some(max_retries);
        self
    }

    /// Calls `observer` with every request as it goes on the wire (signed) and every
    /// response's status and headers as they arrive: for `--debug` output. Use
    /// [`WireEvent::redacted_headers`](crate::WireEvent::redacted_headers) or its `Display`
    /// to print them without secrets.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), anthropic_aws::Error> {
    /// let client = anthropic_aws::Client::builder()
    ///     .on_wire(|event| eprintln!("{event}"))
    ///     .build()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn on_wire(
        mut self,
        observer: impl Fn(&crate::WireEvent<'_>) + Send + Sync + 'static,
    ) -> Self {
        self.options.wire_observer = Some(Arc::new(observer));
        self
    }

    /// Reads "environment variables" from `lookup` instead of the process environment (for
    /// tests, and for apps that keep their settings elsewhere). Affects the `ANTHROPIC_AWS_*`,
    /// `AWS_REGION`, `AWS_DEFAULT_REGION` and `AWS_PROFILE` lookups this crate makes itself;
    /// the default AWS credential chain still reads the process environment.
    pub fn env_lookup(
        mut self,
        lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
    ) -> Self {
        self.env = Some(Arc::new(lookup));
        self
    }

    /// Resolves the configuration and builds the client. Fails with [`Error::Config`] when the
    /// workspace or region is missing, or when the options contradict each other; nothing is
    /// sent either way.
    pub async fn build(self) -> Result<Client, Error> {
        let env = self.env.unwrap_or_else(process_env);
        let (config, auth) = self.options.resolve(&env).await?;
        let auth = Auth::new(auth, &config);
        Ok(Client {
            transport: Arc::new(Transport::new(config, auth)?),
        })
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let o = &self.options;
        f.debug_struct("ClientBuilder")
            .field("base_url", &o.base_url.as_deref().map(crate::redact_url))
            .field("region", &o.region)
            .field("workspace_id", &o.workspace_id)
            .field("api_key", &o.api_key.as_ref().map(|_| "<redacted>"))
            .field("access_key_id", &o.access_key_id)
            .field(
                "secret_access_key",
                &o.secret_access_key.as_ref().map(|_| "<redacted>"),
            )
            .field(
                "session_token",
                &o.session_token.as_ref().map(|_| "<redacted>"),
            )
            .field("profile", &o.profile)
            .field("skip_auth", &o.skip_auth)
            .finish_non_exhaustive()
    }
}
