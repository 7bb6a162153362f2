//! [`Upstream`]: where a recording emulator forwards requests, and how it
//! signs them afresh. The signing is the AWS SDK's own (`aws-sigv4`), with
//! credentials from any [`ProvideCredentials`]; the emulator's verifier
//! never uses it, and nothing of the client crate is involved.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use reqwest::Url;
use tokio::sync::Mutex;

use super::redact::Secrets;

/// The SigV4 service name of Claude Platform on AWS.
const SERVICE: &str = crate::sigv4::SERVICE;

/// How long before their expiry cached credentials are fetched again.
const REFRESH_BEFORE_EXPIRY: Duration = Duration::from_secs(300);

/// The platform a [recording](crate::EmulatorBuilder::record) emulator
/// forwards every request to, and the credentials it signs them with (its
/// own, never the caller's): an API key (`Authorization: Bearer`), SigV4
/// with any AWS credentials provider, or nothing. Its `Debug` output never
/// shows a key.
///
/// ```
/// use anthropic_aws_emulator::Upstream;
/// use aws_credential_types::Credentials;
///
/// let with_key = Upstream::new("https://aws-external-anthropic.us-west-2.api.aws")
///     .api_key("my-api-key");
/// let signed = Upstream::new("https://aws-external-anthropic.us-west-2.api.aws").sigv4(
///     "us-west-2",
///     Credentials::new("AKIDEXAMPLE", "secret", None, None, "example"),
/// );
/// assert!(!format!("{with_key:?}").contains("my-api-key"));
/// assert_eq!(signed.url(), "https://aws-external-anthropic.us-west-2.api.aws");
/// ```
#[derive(Clone)]
pub struct Upstream {
    url: String,
    auth: UpstreamAuth,
}

#[derive(Clone)]
enum UpstreamAuth {
    None,
    ApiKey(String),
    SigV4 {
        region: String,
        credentials: Arc<CredentialsCache>,
    },
}

impl fmt::Debug for Upstream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let auth = match &self.auth {
            UpstreamAuth::None => "none".to_owned(),
            UpstreamAuth::ApiKey(_) => "api key [redacted]".to_owned(),
            UpstreamAuth::SigV4 { region, .. } => format!("sigv4 ({region})"),
        };
        f.debug_struct("Upstream")
            .field("url", &self.url)
            .field("auth", &auth)
            .finish()
    }
}

impl Upstream {
    /// Forwards to `url` (`http` or `https`, without user info; a path is
    /// kept as a prefix), unsigned until [`api_key`](Self::api_key) or
    /// [`sigv4`](Self::sigv4) says otherwise.
    pub fn new(url: impl Into<String>) -> Self {
        Upstream {
            url: url.into(),
            auth: UpstreamAuth::None,
        }
    }

    /// Sends `key` as `Authorization: Bearer <key>`.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.auth = UpstreamAuth::ApiKey(key.into());
        self
    }

    /// Signs with SigV4 for `region` (service `aws-external-anthropic`),
    /// with credentials from `provider` (fetched when first needed, cached
    /// until five minutes before they expire).
    pub fn sigv4(
        mut self,
        region: impl Into<String>,
        provider: impl ProvideCredentials + 'static,
    ) -> Self {
        self.auth = UpstreamAuth::SigV4 {
            region: region.into(),
            credentials: Arc::new(CredentialsCache {
                provider: SharedCredentialsProvider::new(provider),
                cached: Mutex::new(None),
            }),
        };
        self
    }

    /// The URL requests are forwarded to.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The secrets this upstream was given (its API key), for redaction.
    pub(crate) fn secrets(&self) -> Secrets {
        let mut secrets = Secrets::default();
        if let UpstreamAuth::ApiKey(key) = &self.auth {
            secrets.add(key);
        }
        secrets
    }
}

/// Credentials fetched once and kept until shortly before they expire.
struct CredentialsCache {
    provider: SharedCredentialsProvider,
    cached: Mutex<Option<Credentials>>,
}

impl CredentialsCache {
    async fn get(&self) -> Result<Credentials, String> {
        let mut cached = self.cached.lock().await;
        if let Some(credentials) = cached.as_ref() {
            let fresh = credentials
                .expiry()
                .is_none_or(|expiry| expiry > SystemTime::now() + REFRESH_BEFORE_EXPIRY);
            if fresh {
                return Ok(credentials.clone());
            }
        }
        let credentials = self
            .provider
            .provide_credentials()
            .await
            .map_err(|e| format!("the upstream's credentials could not be loaded: {e}"))?;
        *cached = Some(credentials.clone());
        Ok(credentials)
    }
}

/// A request body to forward: bytes in memory, or a file (an upload kept in
/// the recording) streamed from disk.
pub(crate) enum ForwardBody {
    Bytes(bytes::Bytes),
    File {
        path: std::path::PathBuf,
        len: u64,
        sha256: String,
    },
}

impl ForwardBody {
    fn sha256(&self) -> String {
        use sha2::{Digest, Sha256};
        match self {
            ForwardBody::Bytes(bytes) => hex::encode(Sha256::digest(bytes)),
            ForwardBody::File { sha256, .. } => sha256.clone(),
        }
    }
}

/// The HTTP client to the upstream, built once.
pub(crate) struct Forwarder {
    base: Url,
    auth: UpstreamAuth,
    http: reqwest::Client,
}

impl Forwarder {
    /// Checks the upstream's URL and builds the client: no redirects
    /// followed, no retries (the caller's own retries are what gets
    /// recorded), a 5-second connect timeout.
    pub(crate) fn new(upstream: &Upstream) -> std::io::Result<Self> {
        let invalid = |why: String| std::io::Error::new(std::io::ErrorKind::InvalidInput, why);
        let mut base = Url::parse(&upstream.url)
            .map_err(|e| invalid(format!("the upstream URL {:?}: {e}", upstream.url)))?;
        if !matches!(base.scheme(), "http" | "https") || base.host_str().is_none() {
            return Err(invalid(format!(
                "the upstream URL {:?} must be http:// or https:// with a host",
                upstream.url
            )));
        }
        if !base.username().is_empty() || base.password().is_some() {
            return Err(invalid(
                "the upstream URL must not carry user info: credentials come from the \
                 upstream's own options"
                    .to_owned(),
            ));
        }
        base.set_query(None);
        base.set_fragment(None);
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(5))
            .tcp_nodelay(true)
            .build()
            .map_err(std::io::Error::other)?;
        Ok(Forwarder {
            base,
            auth: upstream.auth.clone(),
            http,
        })
    }

    /// The upstream's origin (`https://host[:port]`).
    pub(crate) fn origin(&self) -> String {
        self.base.origin().ascii_serialization()
    }

    /// Sends `method path_and_query` with `headers` and `body`, signed
    /// afresh; answers the response (its body not yet read) and the secrets
    /// the signing used (the signature, the credentials).
    pub(crate) async fn send(
        &self,
        method: &str,
        path_and_query: &str,
        headers: &[(String, String)],
        body: ForwardBody,
    ) -> Result<(reqwest::Response, Secrets), String> {
        let prefix = self.base.path().trim_end_matches('/');
        let url = format!("{}{prefix}{path_and_query}", self.origin());
        let url = Url::parse(&url).map_err(|e| format!("cannot forward to {url:?}: {e}"))?;
        let method = reqwest::Method::from_bytes(method.as_bytes())
            .map_err(|e| format!("cannot forward the method {method:?}: {e}"))?;
        let mut headers: Vec<(String, String)> = headers.to_vec();
        let mut secrets = Secrets::default();
        match &self.auth {
            UpstreamAuth::None => {}
            UpstreamAuth::ApiKey(key) => {
                headers.push(("authorization".to_owned(), format!("Bearer {key}")));
            }
            UpstreamAuth::SigV4 {
                region,
                credentials,
            } => {
                let credentials = credentials.get().await?;
                secrets.add(credentials.secret_access_key());
                if let Some(token) = credentials.session_token() {
                    secrets.add(token);
                }
                let signed = sign_v4(
                    method.as_str(),
                    &url,
                    &headers,
                    &body.sha256(),
                    region,
                    credentials,
                )?;
                for (name, value) in signed {
                    if name == "authorization"
                        && let Some((_, signature)) = value.rsplit_once("Signature=")
                    {
                        secrets.add(signature);
                    }
                    headers.push((name, value));
                }
            }
        }
        let mut request = self.http.request(method, url);
        for (name, value) in &headers {
            request = request.header(name.as_str(), value.as_str());
        }
        request = match body {
            ForwardBody::Bytes(bytes) => request.body(bytes),
            ForwardBody::File { path, len, .. } => {
                let file = tokio::fs::File::open(&path)
                    .await
                    .map_err(|e| format!("cannot read the upload kept at {path:?}: {e}"))?;
                request
                    .header("content-length", len.to_string())
                    .body(reqwest::Body::wrap_stream(super::files::read_chunks(file)))
            }
        };
        let response = request.send().await.map_err(|e| {
            let mut text = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(s) = source {
                text = format!("{text}: {s}");
                source = s.source();
            }
            text
        })?;
        Ok((response, secrets))
    }
}

/// The headers SigV4 adds for `url` (`x-amz-date`, `x-amz-security-token`
/// with temporary credentials, `authorization`), signing `headers`, the
/// host and the payload hash `sha256`.
fn sign_v4(
    method: &str,
    url: &Url,
    headers: &[(String, String)],
    sha256: &str,
    region: &str,
    credentials: Credentials,
) -> Result<Vec<(String, String)>, String> {
    let host = match (url.host_str(), url.port()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_owned(),
        (None, _) => return Err(format!("the upstream URL {url} has no host")),
    };
    let identity = credentials.into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(SERVICE)
        .time(SystemTime::now())
        .settings(SigningSettings::default())
        .build()
        .map_err(|e| format!("invalid signing parameters: {e}"))?
        .into();
    let mut all: Vec<(&str, &str)> = headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    all.push(("host", &host));
    let signable = SignableRequest::new(
        method,
        url.as_str(),
        all.into_iter(),
        SignableBody::Precomputed(sha256.to_owned()),
    )
    .map_err(|e| format!("the request cannot be signed: {e}"))?;
    let (instructions, _signature) = sign(signable, &params)
        .map_err(|e| format!("SigV4 signing failed: {e}"))?
        .into_parts();
    let (signed, _query) = instructions.into_parts();
    Ok(signed
        .into_iter()
        .map(|h| (h.name().to_owned(), h.value().to_owned()))
        .collect())
}
