//! Gateways and middleware: `skip_auth` sends no credentials at all, and the
//! `prepare_request` hook runs on every attempt before signing, its changes signed.

mod common;

use std::sync::{Arc, Mutex};

use anthropic_aws::types::{MessageCreateParams, MessageParam};
use anthropic_aws::{AuthSource, Error};
use anthropic_aws_emulator::{AuthOutcome, Fault, RequestAuth};
use common::*;
use http::HeaderValue;

fn hello() -> MessageCreateParams {
    MessageCreateParams::new(MODEL, 64, vec![MessageParam::user("Hello, Claude")])
}

#[tokio::test]
async fn skip_auth_sends_no_credentials_and_signs_nothing() {
    let platform = platform().await;
    // No region either: the gateway's URL is given, nothing is signed.
    let client = anthropic_aws::Client::builder()
        .env_lookup(|_| None)
        .base_url(platform.base_url())
        .workspace_id(WORKSPACE)
        .skip_auth()
        .max_retries(0)
        .build()
        .await
        .expect("builds without credentials or region");
    assert_eq!(client.auth_source(), &AuthSource::SkipAuth);
    assert!(!client.auth_source().is_sigv4());

    // The local platform wants credentials, so it refuses; what matters is what arrived.
    let err = client.messages().create(&hello()).await.unwrap_err();
    assert!(matches!(err, Error::Api(_)), "{err:?}");

    let request = last_request(&platform);
    assert_eq!(request.auth, RequestAuth::None);
    assert_eq!(request.access_key_id, None);
    for (name, _) in &request.headers {
        assert!(
            name != "authorization" && name != "x-api-key" && !name.starts_with("x-amz-"),
            "sent {name}: {:?}",
            request.headers
        );
    }
    assert_eq!(request.header("anthropic-workspace-id"), Some(WORKSPACE));
}

#[tokio::test]
async fn skip_auth_with_credentials_is_a_config_error() {
    let err = builder_at("http://127.0.0.1:9")
        .skip_auth()
        .api_key(API_KEY)
        .build()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Config { .. }), "{err:?}");
    assert!(err.to_string().contains("skip_auth"), "{err}");
    assert!(!err.to_string().contains(API_KEY), "{err}");
}

#[tokio::test]
async fn a_gateway_credential_set_by_the_hook_reaches_the_server_as_set() {
    // The pattern for a gateway that wants its own token: skip_auth plus the hook.
    let platform = platform().await;
    let client = builder(&platform)
        .skip_auth()
        .prepare_request(|request| {
            let mut token = HeaderValue::from_str(&format!("Bearer {API_KEY}")).unwrap();
            token.set_sensitive(true);
            request.headers_mut().insert("authorization", token);
        })
        .build()
        .await
        .unwrap();
    let message = client.messages().create(&hello()).await.unwrap();
    assert!(message.aws_request_id().is_some());
    let request = last_request(&platform);
    assert_eq!(request.auth, RequestAuth::ApiKey);
    assert_eq!(request.auth_outcome, AuthOutcome::Accepted);
}

#[tokio::test]
async fn the_hook_runs_on_every_attempt_before_signing() {
    let platform = platform().await;
    let seen: Arc<Mutex<Vec<(u32, bool)>>> = Arc::default();
    let log = Arc::clone(&seen);
    let client = builder(&platform)
        .access_key(ACCESS_KEY, SECRET)
        .max_retries(2)
        .prepare_request(move |request| {
            // Before signing: no authorization yet.
            let signed = request.headers().contains_key("authorization");
            log.lock().unwrap().push((request.retry_count(), signed));
            let attempt = HeaderValue::from(request.retry_count());
            request.headers_mut().insert("x-gateway-attempt", attempt);
            request
                .headers_mut()
                .insert("x-gateway-tenant", HeaderValue::from_static("team-a"));
        })
        .build()
        .await
        .unwrap();
    platform.push_fault(
        Fault::anthropic(529, "overloaded_error", "busy").with_header("retry-after-ms", "1"),
    );

    let message = client.messages().create(&hello()).await.unwrap();

    assert_eq!(message.retries(), 1);
    assert_eq!(*seen.lock().unwrap(), vec![(0, false), (1, false)]);
    let requests = platform.requests();
    assert_eq!(requests.len(), 2);
    for (attempt, request) in requests.iter().enumerate() {
        assert_eq!(
            request.header("x-gateway-attempt"),
            Some(attempt.to_string().as_str())
        );
        assert_eq!(request.header("x-gateway-tenant"), Some("team-a"));
        let signed = signed_headers(request);
        assert!(
            signed.contains(&"x-gateway-attempt".to_owned()),
            "{signed:?}"
        );
        assert!(
            signed.contains(&"x-gateway-tenant".to_owned()),
            "{signed:?}"
        );
    }
    // The fault answered the first attempt unchecked; the second was verified, hook
    // headers and all.
    let last = &requests[1];
    assert_eq!(last.auth_outcome, AuthOutcome::Accepted);
    assert_eq!(last.access_key_id.as_deref(), Some(ACCESS_KEY));
}
