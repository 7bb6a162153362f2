//! SigV4 signing with the `aws-sigv4` crate: service `aws-external-anthropic`, the client's
//! region, every request (GETs included) and every attempt.
//!
//! Signed: `host` exactly as it goes on the wire (with the port when it is not the scheme's
//! default), `x-amz-date`, `content-type`, `accept`, every `anthropic-*` header,
//! `x-amz-security-token` when the credentials carry a session token, and any other header the
//! client sends except the few AWS never signs (`user-agent`, `authorization`,
//! `x-amzn-trace-id`, `transfer-encoding`). The payload hash covers the exact body bytes sent:
//! hashed here for a body in memory, or computed beforehand in a streaming pass for a body
//! streamed from disk (a file upload), and given as `OutgoingRequest::payload_hash`.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use http::header::{AUTHORIZATION, HOST};
use http::{HeaderName, HeaderValue};
use url::Position;

use super::OutgoingRequest;
use super::credentials::CredentialsCache;
use crate::config::{AuthSource, SIGNING_SERVICE};
use crate::error::Error;

/// Signs requests with credentials from a cached provider.
pub(crate) struct SigV4 {
    credentials: CredentialsCache,
    region: String,
    /// How far the server's clock is ahead of ours, in milliseconds (negative: behind),
    /// learned from a rejected signature and applied to every later signing time.
    clock_skew_ms: AtomicI64,
}

impl SigV4 {
    /// Signs in `region` with credentials from `provider`, which came from `origin`.
    pub(crate) fn new(
        provider: SharedCredentialsProvider,
        region: String,
        origin: AuthSource,
    ) -> Self {
        Self {
            credentials: CredentialsCache::new(provider, origin),
            region,
            clock_skew_ms: AtomicI64::new(0),
        }
    }

    /// Remembers the server's clock skew for every later signature.
    pub(crate) fn set_clock_skew(&self, skew_ms: i64) {
        self.clock_skew_ms.store(skew_ms, Ordering::Relaxed);
    }

    /// Now, by the server's clock as far as the client knows it.
    fn signing_time(&self) -> SystemTime {
        let skew = self.clock_skew_ms.load(Ordering::Relaxed);
        let now = SystemTime::now();
        let shift = Duration::from_millis(skew.unsigned_abs());
        if skew >= 0 {
            now + shift
        } else {
            now.checked_sub(shift).unwrap_or(now)
        }
    }

    /// Forgets cached credentials and fetches new ones (after an `ExpiredTokenException`).
    pub(crate) async fn refresh_credentials(&self) -> Result<(), Error> {
        self.credentials.refresh().await.map(drop)
    }

    /// Signs `request` in place with `credentials` at `time`.
    pub(crate) fn sign(
        &self,
        request: &mut OutgoingRequest,
        credentials: Credentials,
        time: SystemTime,
    ) -> Result<(), Error> {
        let host = wire_host(&request.url)?;
        request.headers.insert(HOST, host);

        let identity = credentials.into();
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(&self.region)
            .name(SIGNING_SERVICE)
            .time(time)
            .settings(SigningSettings::default())
            .build()
            .map_err(|e| signing_error("invalid signing parameters", e))?
            .into();

        let mut headers = Vec::with_capacity(request.headers.len());
        for (name, value) in &request.headers {
            let value = value.to_str().map_err(|_| Error::Signing {
                message: format!("header `{name}` is not visible ASCII and cannot be signed"),
                source: None,
            })?;
            headers.push((name.as_str(), value));
        }
        let body = match &request.payload_hash {
            Some(hash) => SignableBody::Precomputed(hash.clone()),
            None => SignableBody::Bytes(&request.body),
        };
        let signable = SignableRequest::new(
            request.method.as_str(),
            request.url.as_str(),
            headers.into_iter(),
            body,
        )
        .map_err(|e| signing_error("the request cannot be signed", e))?;
        let (instructions, _signature) = sign(signable, &params)
            .map_err(|e| signing_error("SigV4 signing failed", e))?
            .into_parts();

        let (signed_headers, _query) = instructions.into_parts();
        for header in signed_headers {
            let name = HeaderName::from_static(header.name());
            let mut value = HeaderValue::from_str(header.value())
                .map_err(|e| signing_error("the signer produced an invalid header", e))?;
            // The signature and the session token never show in logs or `Debug`.
            value.set_sensitive(header.sensitive() || name == AUTHORIZATION);
            request.headers.insert(name, value);
        }
        Ok(())
    }
}

impl SigV4 {
    /// Signs `request` with the cached credentials if they are still fresh; `None` when they
    /// must be fetched first ([`authorize`](Self::authorize)).
    pub(crate) fn authorize_now(&self, request: &mut OutgoingRequest) -> Option<Result<(), Error>> {
        let credentials = self.credentials.fresh()?;
        Some(self.sign(request, credentials, self.signing_time()))
    }

    /// Signs `request`, fetching credentials first when none are cached fresh.
    pub(crate) async fn authorize(&self, request: &mut OutgoingRequest) -> Result<(), Error> {
        let credentials = self.credentials.get().await?;
        self.sign(request, credentials, self.signing_time())
    }
}

/// The `Host` header exactly as it goes on the wire: the host, plus `:port` when the port is
/// not the scheme's default (`Url::port` is `None` for a default port).
fn wire_host(url: &reqwest::Url) -> Result<HeaderValue, Error> {
    if url.host_str().is_none() {
        return Err(Error::Signing {
            message: format!(
                "the URL {} has no host to sign",
                crate::redact::redact_url(url.as_str())
            ),
            source: None,
        });
    }
    // The URL's own text from the host to the port: the port is there only when it is not
    // the scheme's default, exactly as the header goes on the wire.
    let host = &url[Position::BeforeHost..Position::AfterPort];
    HeaderValue::from_str(host).map_err(|e| signing_error("the host is not a valid header", e))
}

fn signing_error(message: &str, source: impl std::error::Error + Send + Sync + 'static) -> Error {
    Error::Signing {
        message: message.to_owned(),
        source: Some(Box::new(source)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use http::{HeaderMap, Method};

    fn request(url: &str) -> OutgoingRequest {
        let mut headers = HeaderMap::new();
        headers.insert("content-type", HeaderValue::from_static("application/json"));
        headers.insert("anthropic-version", HeaderValue::from_static("2026-10-21"));
        headers.insert(
            "anthropic-workspace-id",
            HeaderValue::from_static("wrkspc_1"),
        );
        headers.insert("user-agent", HeaderValue::from_static("anthropic-aws/test"));
        OutgoingRequest {
            method: Method::POST,
            url: url.parse().unwrap(),
            headers,
            body: Bytes::from_static(b"{}"),
            payload_hash: None,
        }
    }

    fn signer() -> SigV4 {
        SigV4::new(
            SharedCredentialsProvider::new(Credentials::for_tests()),
            "us-west-2".into(),
            AuthSource::CredentialsProvider,
        )
    }

    fn signed_headers(request: &OutgoingRequest) -> String {
        let auth = request.headers["authorization"].to_str().unwrap();
        let start = auth.find("SignedHeaders=").unwrap() + "SignedHeaders=".len();
        auth[start..].split(',').next().unwrap().to_owned()
    }

    /// The `Signature=` part of the `authorization` header.
    fn signature(request: &OutgoingRequest) -> String {
        let auth = request.headers["authorization"].to_str().unwrap();
        auth.rsplit("Signature=").next().unwrap().to_owned()
    }

    #[test]
    fn a_precomputed_payload_hash_signs_like_the_bytes() {
        let time = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let url = "https://aws-external-anthropic.us-west-2.api.aws/v1/files";
        let mut by_bytes = request(url);
        signer()
            .sign(&mut by_bytes, Credentials::for_tests(), time)
            .unwrap();
        // SHA-256 of `{}`.
        let mut precomputed = request(url);
        precomputed.body = Bytes::new();
        precomputed.payload_hash =
            Some("44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a".into());
        signer()
            .sign(&mut precomputed, Credentials::for_tests(), time)
            .unwrap();
        assert_eq!(signature(&by_bytes), signature(&precomputed));
        let mut other = request(url);
        other.payload_hash = Some("0".repeat(64));
        signer()
            .sign(&mut other, Credentials::for_tests(), time)
            .unwrap();
        assert_ne!(signature(&by_bytes), signature(&other));
    }

    #[test]
    fn host_keeps_a_non_default_port() {
        let mut req = request("http://127.0.0.1:8443/v1/messages");
        signer()
            .sign(&mut req, Credentials::for_tests(), SystemTime::now())
            .unwrap();
        assert_eq!(req.headers["host"], "127.0.0.1:8443");

        let mut req = request("https://aws-external-anthropic.us-west-2.api.aws:443/v1/messages");
        signer()
            .sign(&mut req, Credentials::for_tests(), SystemTime::now())
            .unwrap();
        assert_eq!(
            req.headers["host"],
            "aws-external-anthropic.us-west-2.api.aws"
        );
    }

    #[test]
    fn signs_the_anthropic_headers_and_the_session_token() {
        let mut req = request("https://aws-external-anthropic.us-west-2.api.aws/v1/messages");
        signer()
            .sign(
                &mut req,
                Credentials::for_tests_with_session_token(),
                SystemTime::now(),
            )
            .unwrap();
        let signed = signed_headers(&req);
        assert_eq!(
            signed,
            "anthropic-version;anthropic-workspace-id;content-type;host;x-amz-date;x-amz-security-token"
        );
        let auth = req.headers["authorization"].to_str().unwrap();
        assert!(
            auth.contains("/us-west-2/aws-external-anthropic/aws4_request"),
            "{auth}"
        );
        assert!(req.headers["authorization"].is_sensitive());
        assert!(req.headers["x-amz-security-token"].is_sensitive());
    }
}
