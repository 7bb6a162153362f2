//! Under faults the client keeps working, never duplicates work, and says what happened:
//! retries that respect the server, timeouts, expired credentials, clock skew, size limits.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use anthropic_aws::types::{CountTokensParams, MessageCreateParams, MessageParam};
use anthropic_aws::{Client, Error, ErrorType, RequestOptions, TimeoutKind};
use anthropic_aws_emulator::{Emulator, EmulatorHandle, Fault};
use aws_credential_types::Credentials;
use aws_credential_types::provider::{ProvideCredentials, future};
use common::*;

fn hello() -> MessageCreateParams {
    MessageCreateParams::new(MODEL, 64, vec![MessageParam::user("Hello, Claude")])
}

async fn retrying_client(platform: &EmulatorHandle) -> Client {
    builder(platform)
        .access_key(ACCESS_KEY, SECRET)
        .build()
        .await
        .unwrap()
}

fn gap(platform: &EmulatorHandle, a: usize, b: usize) -> Duration {
    let requests = platform.requests();
    requests[b]
        .received_at
        .duration_since(requests[a].received_at)
        .unwrap_or_default()
}

#[tokio::test]
async fn overloaded_twice_then_success_takes_three_attempts() {
    let platform = platform().await;
    let client = retrying_client(&platform).await;
    for _ in 0..2 {
        platform.push_fault(
            Fault::anthropic(529, "overloaded_error", "busy").with_header("retry-after-ms", "1"),
        );
    }
    let message = client
        .messages()
        .create(&hello())
        .await
        .expect("the third attempt succeeds");
    assert_eq!(platform.request_count(), 3);
    assert_eq!(message.retries(), 2);
    let last = last_request(&platform);
    assert_eq!(message.aws_request_id(), Some(last.aws_request_id.as_str()));
    let counts: Vec<_> = platform
        .requests()
        .iter()
        .map(|r| {
            r.header("x-stainless-retry-count")
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    assert_eq!(counts, ["0", "1", "2"]);
    // Signed afresh: each attempt signs its own retry count, so the signatures all differ
    // (a signature reused from the first attempt would not cover the new count).
    let requests = platform.requests();
    let signatures: Vec<_> = requests
        .iter()
        .map(|r| {
            let auth = r.header("authorization").expect("signed");
            let at = auth.find("Signature=").expect("a signature");
            auth[at..].to_owned()
        })
        .collect();
    for (i, r) in requests.iter().enumerate() {
        assert!(
            signed_headers(r).contains(&"x-stainless-retry-count".to_owned()),
            "attempt {i} does not sign its retry count"
        );
    }
    assert_ne!(signatures[0], signatures[1]);
    assert_ne!(signatures[1], signatures[2]);
    assert_ne!(signatures[0], signatures[2]);
    assert_eq!(
        requests[2].status, 200,
        "the last attempt passed verification"
    );
}

#[tokio::test]
async fn overloaded_forever_stops_after_the_budget_with_the_last_ids() {
    let platform = platform().await;
    let client = retrying_client(&platform).await;
    for _ in 0..5 {
        platform.push_fault(
            Fault::anthropic(529, "overloaded_error", "busy").with_header("retry-after-ms", "1"),
        );
    }
    let err = client.messages().create(&hello()).await.unwrap_err();
    assert_eq!(platform.request_count(), 3, "exactly three attempts");
    let api = err.as_api().unwrap();
    assert_eq!(api.error_type(), &ErrorType::Overloaded);
    assert_eq!(api.retries(), 2);
    let last = last_request(&platform);
    assert_eq!(api.aws_request_id(), Some(last.aws_request_id.as_str()));
    assert_eq!(
        api.anthropic_request_id(),
        last.anthropic_request_id.as_deref()
    );
}

#[tokio::test]
async fn retry_after_seconds_is_respected() {
    let platform = platform().await;
    let client = retrying_client(&platform).await;
    platform.push_fault(
        Fault::anthropic(429, "rate_limit_error", "slow down").with_header("retry-after", "2"),
    );
    client.messages().create(&hello()).await.unwrap();
    let waited = gap(&platform, 0, 1);
    // A lower bound only: the wait is the behaviour, a loaded machine may add to it.
    assert!(
        waited >= Duration::from_millis(1900),
        "waited only {waited:?}"
    );
}

#[tokio::test]
async fn retry_after_ms_is_respected_and_beats_retry_after() {
    let platform = platform().await;
    let client = retrying_client(&platform).await;
    platform.push_fault(
        Fault::anthropic(529, "overloaded_error", "busy")
            .with_header("retry-after-ms", "300")
            .with_header("retry-after", "30"),
    );
    client.messages().create(&hello()).await.unwrap();
    let waited = gap(&platform, 0, 1);
    assert!(
        waited >= Duration::from_millis(290),
        "waited only {waited:?}"
    );
    // That `retry-after-ms` wins over `retry-after` is pinned without a clock in
    // `retry::tests::server_delay_prefers_milliseconds`; no upper bound on wall time here.
}

#[tokio::test]
async fn x_should_retry_false_stops_a_500() {
    let platform = platform().await;
    let client = retrying_client(&platform).await;
    platform.push_fault(
        Fault::anthropic(500, "api_error", "no").with_header("x-should-retry", "false"),
    );
    let err = client.messages().create(&hello()).await.unwrap_err();
    assert_eq!(err.error_type(), Some(&ErrorType::Api));
    assert_eq!(platform.request_count(), 1);
}

#[tokio::test]
async fn x_should_retry_true_retries_a_400() {
    let platform = platform().await;
    let client = retrying_client(&platform).await;
    platform.push_fault(
        Fault::anthropic(400, "invalid_request_error", "try again")
            .with_header("x-should-retry", "true")
            .with_header("retry-after-ms", "1"),
    );
    client.messages().create(&hello()).await.unwrap();
    assert_eq!(platform.request_count(), 2);
}

#[tokio::test]
async fn non_retryable_types_are_sent_once() {
    let platform = platform().await;
    let client = retrying_client(&platform).await;
    let cases = [
        (400, "invalid_request_error"),
        (401, "authentication_error"),
        (402, "billing_error"),
        (403, "permission_error"),
        (404, "not_found_error"),
        (413, "request_too_large"),
    ];
    for (i, (status, kind)) in cases.into_iter().enumerate() {
        platform.push_fault(Fault::anthropic(status, kind, "no"));
        let err = client.messages().create(&hello()).await.unwrap_err();
        assert_eq!(err.error_type().unwrap().as_str(), kind);
        assert_eq!(platform.request_count(), i + 1, "{kind} was retried");
    }
}

#[tokio::test]
async fn front_door_throttling_is_retried() {
    let platform = platform().await;
    let client = retrying_client(&platform).await;
    platform.push_fault(
        Fault::aws(400, "ThrottlingException", "Rate exceeded").with_header("retry-after-ms", "1"),
    );
    platform.push_fault(
        Fault::aws(503, "ServiceUnavailableException", "later").with_header("retry-after-ms", "1"),
    );
    client.messages().create(&hello()).await.unwrap();
    assert_eq!(platform.request_count(), 3);
}

#[tokio::test]
async fn the_retry_budget_can_be_set_per_request() {
    let platform = platform().await;
    let client = retrying_client(&platform).await;
    platform.push_fault(Fault::anthropic(529, "overloaded_error", "busy"));
    let err = client
        .messages()
        .with_options(RequestOptions::new().max_retries(0))
        .create(&hello())
        .await
        .unwrap_err();
    assert_eq!(err.error_type(), Some(&ErrorType::Overloaded));
    assert_eq!(platform.request_count(), 1);
}

/// Hands out expired temporary credentials first, then valid ones.
#[derive(Debug)]
struct Rotating {
    calls: Arc<AtomicUsize>,
}

impl ProvideCredentials for Rotating {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        let (id, token) = match self.calls.fetch_add(1, Ordering::SeqCst) {
            0 => (EXPIRED_ACCESS_KEY, EXPIRED_TOKEN),
            _ => (SESSION_ACCESS_KEY, SESSION_TOKEN),
        };
        let expiry = SystemTime::now() + Duration::from_secs(3600);
        future::ProvideCredentials::ready(Ok(Credentials::new(
            id,
            SESSION_SECRET,
            Some(token.to_owned()),
            Some(expiry),
            "rotating",
        )))
    }
}

#[tokio::test]
async fn an_expired_token_is_refreshed_once_and_the_call_succeeds() {
    let platform = platform().await;
    let calls = Arc::new(AtomicUsize::new(0));
    let client = builder(&platform)
        .credentials_provider(Rotating {
            calls: calls.clone(),
        })
        .max_retries(0)
        .build()
        .await
        .unwrap();
    let message = client
        .messages()
        .create(&hello())
        .await
        .expect("refreshed credentials work");
    assert_eq!(calls.load(Ordering::SeqCst), 2, "one forced refresh");
    assert_eq!(platform.request_count(), 2);
    assert_eq!(message.retries(), 0, "the refresh is not a retry");
    assert_eq!(
        last_request(&platform).header("x-amz-security-token"),
        Some(SESSION_TOKEN)
    );
    // The fresh credentials are cached from now on.
    client.messages().create(&hello()).await.unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_skewed_server_clock_is_learned_and_remembered() {
    let platform = Emulator::builder()
        .region(REGION)
        .workspace_id(WORKSPACE)
        .access_key(ACCESS_KEY, SECRET)
        .clock_ahead(Duration::from_secs(20 * 60))
        .start()
        .await
        .unwrap();
    let client = builder(&platform)
        .access_key(ACCESS_KEY, SECRET)
        .max_retries(0)
        .build()
        .await
        .unwrap();
    client
        .messages()
        .create(&hello())
        .await
        .expect("the clock is corrected");
    let requests = platform.requests();
    assert_eq!(requests.len(), 2, "one rejected attempt, one corrected");
    assert_eq!(requests[0].status, 403);
    assert_eq!(requests[1].status, 200);
    client
        .models()
        .retrieve(MODEL)
        .await
        .expect("the skew is remembered");
    assert_eq!(platform.request_count(), 3, "no rejection the second time");
}

#[tokio::test]
async fn a_slow_server_hits_the_request_timeout() {
    let platform = platform().await;
    let client = builder(&platform)
        .access_key(ACCESS_KEY, SECRET)
        .timeout(Duration::from_millis(300))
        .max_retries(0)
        .build()
        .await
        .unwrap();
    platform.push_fault(Fault::slow(Duration::from_secs(3)));
    let err = client.messages().create(&hello()).await.unwrap_err();
    match &err {
        Error::Timeout { kind, timeout, .. } => {
            assert_eq!(*kind, TimeoutKind::Request);
            assert_eq!(*timeout, Duration::from_millis(300));
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert!(err.to_string().contains("request timeout"), "{err}");
    assert!(err.is_retryable());

    // A per-request timeout overrides the client's.
    let patient = RequestOptions::new().timeout(Duration::from_secs(10));
    platform.push_fault(Fault::slow(Duration::from_millis(500)));
    client
        .messages()
        .with_options(patient)
        .create(&hello())
        .await
        .expect("the longer timeout holds");
}

#[tokio::test]
async fn a_body_cut_mid_way_is_retried_or_reported() {
    let platform = platform().await;
    let client = retrying_client(&platform).await;
    platform.push_fault(Fault::cut_body());
    client
        .messages()
        .create(&hello())
        .await
        .expect("the retry succeeds");
    assert_eq!(platform.request_count(), 2);

    let once = RequestOptions::new().max_retries(0);
    platform.push_fault(Fault::cut_body());
    let err = client
        .messages()
        .with_options(once)
        .create(&hello())
        .await
        .unwrap_err();
    let sent = last_request(&platform);
    match &err {
        Error::Connection { status, .. } => assert_eq!(status.map(|s| s.as_u16()), Some(200)),
        other => panic!("expected a connection error, got {other:?}"),
    }
    // The headers had arrived: the error carries that response's IDs.
    assert_eq!(err.aws_request_id(), Some(sent.aws_request_id.as_str()));
    assert_eq!(
        err.anthropic_request_id(),
        sent.anthropic_request_id.as_deref()
    );
    assert!(err.anthropic_request_id().is_some());
}

#[tokio::test]
async fn an_oversize_body_is_refused_locally() {
    let platform = platform().await;
    let client = retrying_client(&platform).await;
    let huge = "x".repeat(33 * 1024 * 1024);
    let params = MessageCreateParams::new(MODEL, 64, vec![MessageParam::user(huge.as_str())]);
    let err = client.messages().create(&params).await.unwrap_err();
    assert!(matches!(err, Error::RequestTooLarge { .. }), "{err:?}");
    assert_eq!(err.error_type(), Some(&ErrorType::RequestTooLarge));
    let err = client
        .messages()
        .count_tokens(&CountTokensParams::from(&params))
        .await
        .unwrap_err();
    assert_eq!(err.error_type(), Some(&ErrorType::RequestTooLarge));
    let err = client.messages().stream(&params).await.unwrap_err();
    assert_eq!(err.error_type(), Some(&ErrorType::RequestTooLarge));
    assert_eq!(platform.request_count(), 0, "nothing was sent");
}
