//! The bare work, written here from the crates' own documentation: serialize the typed params
//! with serde, build the headers the API needs, sign them with `aws-sigv4`, send with
//! `reqwest`, parse the JSON answer, read both request IDs. Nothing of the client's internals.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use anthropic_aws::types::MessageCreateParams;
use aws_credential_types::Credentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use crate::{ACCESS_KEY, REGION, SECRET_KEY, SESSION_TOKEN, Tally, WORKSPACE, drive, params};

/// What a hand-written caller keeps between requests.
pub struct Caller {
    http: reqwest::Client,
    url: String,
    host: String,
    credentials: Credentials,
    params: MessageCreateParams,
    /// A calibration (`PER_REQUEST_BARE_SPIN_NS`): this much busy work more per request, to see
    /// how a known difference shows in the figures. Read once, off the measured path.
    spin: Option<Duration>,
}

pub async fn run(url: &str, n: usize, concurrency: usize, keep_handles: bool, tally: &Arc<Tally>) {
    let caller = Arc::new(Caller::new(url));
    drive(n, concurrency, keep_handles, || {
        let (caller, tally) = (Arc::clone(&caller), Arc::clone(tally));
        async move {
            let (both, tokens) = caller.one().await;
            tally.add(both, tokens);
        }
    })
    .await;
}

impl Caller {
    fn new(url: &str) -> Self {
        let base: reqwest::Url = url.parse().expect("url");
        let host = match base.port() {
            Some(port) => format!("{}:{port}", base.host_str().expect("host")),
            None => base.host_str().expect("host").to_owned(),
        };
        Caller {
            // The same request timeout the client arms (its default, 10 minutes).
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(600))
                .build()
                .expect("reqwest"),
            url: format!("{url}/v1/messages"),
            host,
            credentials: Credentials::new(
                ACCESS_KEY,
                SECRET_KEY,
                Some(SESSION_TOKEN.to_owned()),
                None,
                "bare",
            ),
            params: params(),
            spin: std::env::var("PER_REQUEST_BARE_SPIN_NS")
                .ok()
                .and_then(|v| v.parse().ok())
                .map(Duration::from_nanos),
        }
    }

    /// The size of one request's future (what a spawned task holds).
    pub fn future_size(url: &str) -> usize {
        let caller = Caller::new(url);
        std::mem::size_of_val(&caller.one())
    }

    async fn one(&self) -> (bool, u64) {
        if let Some(spin) = self.spin {
            let start = std::time::Instant::now();
            while start.elapsed() < spin {
                std::hint::spin_loop();
            }
        }
        let body = serde_json::to_vec(&self.params).expect("serialize");
        let mut headers = vec![
            ("anthropic-version", "2023-06-01".to_owned()),
            ("anthropic-workspace-id", WORKSPACE.to_owned()),
            ("content-type", "application/json".to_owned()),
            ("host", self.host.clone()),
        ];
        let identity = self.credentials.clone().into();
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(REGION)
            .name("aws-external-anthropic")
            .time(SystemTime::now())
            .settings(SigningSettings::default())
            .build()
            .expect("signing params")
            .into();
        let signable = SignableRequest::new(
            "POST",
            &self.url,
            headers.iter().map(|(k, v)| (*k, v.as_str())),
            SignableBody::Bytes(&body),
        )
        .expect("signable");
        let (instructions, _) = sign(signable, &params).expect("sign").into_parts();
        let (signed, _) = instructions.into_parts();
        for header in signed {
            headers.push((header.name(), header.value().to_owned()));
        }
        let mut map = HeaderMap::with_capacity(headers.len());
        for (name, value) in headers {
            map.insert(
                HeaderName::from_static(name),
                HeaderValue::from_str(&value).expect("header value"),
            );
        }
        let response = self
            .http
            .post(&self.url)
            .headers(map)
            .body(body)
            .send()
            .await
            .expect("send");
        assert!(response.status().is_success(), "{}", response.status());
        let id = |name| {
            response
                .headers()
                .get(name)
                .and_then(|v: &HeaderValue| v.to_str().ok())
                .map(str::to_owned)
        };
        let (aws, anthropic) = (id("x-amzn-requestid"), id("request-id"));
        let bytes = response.bytes().await.expect("body");
        let json: serde_json::Value = serde_json::from_slice(&bytes).expect("json");
        let tokens = json["usage"]["output_tokens"].as_u64().expect("usage");
        (aws.is_some() && anthropic.is_some(), tokens)
    }
}
