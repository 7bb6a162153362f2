//! What the README's "Retries, timeouts, limits" section promises, over loopback HTTP: which
//! statuses are retried, a timeout retried, a server clock behind corrected, the 32,000,000-byte
//! request limit (MB, not MiB), the 64 KiB error-body cap, the connect timeout, and a pending
//! call's small future.

mod common;

use std::time::Duration;

use anthropic_aws::types::{MessageCreateParams, MessageParam};
use anthropic_aws::{Error, TimeoutKind};
use anthropic_aws_emulator::{Emulator, Fault};
use common::*;

fn hello() -> MessageCreateParams {
    MessageCreateParams::new(MODEL, 64, vec![MessageParam::user("Hello, Claude")])
}

fn with_text(text: &str) -> MessageCreateParams {
    MessageCreateParams::new(MODEL, 64, vec![MessageParam::user(text)])
}

/// A bare answer with this status: no body, no error type, no `x-should-retry`; only the
/// status can make it retryable.
fn bare(status: u16) -> Fault {
    Fault::raw(status, Vec::new(), "").with_header("retry-after-ms", "1")
}

#[tokio::test]
async fn status_408_409_and_plain_5xx_are_retried_over_the_wire() {
    let platform = platform().await;
    let client = builder(&platform)
        .access_key(ACCESS_KEY, SECRET)
        .build()
        .await
        .unwrap();
    for (i, status) in [408u16, 409, 500, 502, 503, 504].into_iter().enumerate() {
        platform.push_fault(bare(status));
        let message = client
            .messages()
            .create(&hello())
            .await
            .unwrap_or_else(|e| panic!("{status} was not retried: {e:?}"));
        assert_eq!(message.retries(), 1, "{status}");
        let requests = platform.requests();
        assert_eq!(requests.len(), 2 * (i + 1), "{status}");
        assert_eq!(requests[2 * i].status, status);
        assert_eq!(requests[2 * i + 1].status, 200);
    }
}

#[tokio::test]
async fn a_bare_4xx_is_not_retried() {
    // The counterpart of the test above: the same bare answer with a non-retryable status.
    let platform = platform().await;
    let client = builder(&platform)
        .access_key(ACCESS_KEY, SECRET)
        .build()
        .await
        .unwrap();
    platform.push_fault(bare(400));
    let err = client.messages().create(&hello()).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(platform.request_count(), 1);
}

#[tokio::test]
async fn a_request_timeout_is_retried_and_the_retry_succeeds() {
    let platform = platform().await;
    let client = builder(&platform)
        .access_key(ACCESS_KEY, SECRET)
        .timeout(Duration::from_secs(1))
        .build()
        .await
        .unwrap();
    platform.push_fault(Fault::slow(Duration::from_secs(3600)));
    let message = client
        .messages()
        .create(&hello())
        .await
        .expect("the second attempt is answered at once");
    assert_eq!(message.retries(), 1);
    assert_eq!(platform.request_count(), 2);
    assert_eq!(
        message.aws_request_id(),
        Some(last_request(&platform).aws_request_id.as_str())
    );
}

#[tokio::test]
async fn a_server_clock_behind_is_learned_and_remembered() {
    let platform = Emulator::builder()
        .region(REGION)
        .workspace_id(WORKSPACE)
        .access_key(ACCESS_KEY, SECRET)
        .clock_behind(Duration::from_secs(20 * 60))
        .start()
        .await
        .unwrap();
    let client = signed_client(&platform).await;
    let message = client
        .messages()
        .create(&hello())
        .await
        .expect("the clock is corrected");
    assert_eq!(message.retries(), 0, "the correction is not a retry");
    let requests = platform.requests();
    assert_eq!(requests.len(), 2, "one rejected attempt, one corrected");
    assert_eq!(requests[0].status, 403);
    assert_eq!(requests[1].status, 200);
    client
        .models()
        .retrieve(MODEL)
        .await
        .expect("the skew is kept");
    assert_eq!(platform.request_count(), 3, "no rejection the second time");
}

#[tokio::test]
async fn exactly_32_000_000_bytes_are_sent_and_one_more_is_refused_unsent() {
    const LIMIT: usize = 32_000_000;
    let platform = platform().await;
    let client = signed_client(&platform).await;
    let overhead = serde_json::to_vec(&with_text("")).unwrap().len();
    let fits = "x".repeat(LIMIT - overhead);

    let over = format!("{fits}x");
    let err = client
        .messages()
        .create(&with_text(&over))
        .await
        .unwrap_err();
    match err {
        Error::RequestTooLarge { size, limit } => {
            assert_eq!(size, LIMIT + 1);
            assert_eq!(limit, LIMIT);
        }
        other => panic!("expected RequestTooLarge, got {other:?}"),
    }
    assert_eq!(platform.request_count(), 0, "nothing was sent");
    drop(over);

    client
        .messages()
        .create(&with_text(&fits))
        .await
        .expect("exactly the limit is sent");
    let sent = last_request(&platform);
    assert_eq!(sent.body_len, LIMIT);
}

#[tokio::test]
async fn an_error_body_is_read_up_to_64_kib() {
    const CAP: usize = 64 * 1024;
    let platform = platform().await;
    let client = signed_client(&platform).await;
    let body: Vec<u8> = (0..CAP * 3).map(|i| b'a' + (i % 26) as u8).collect();
    platform.push_fault(Fault::raw(
        400,
        vec![("content-type".into(), "text/plain".into())],
        body.clone(),
    ));
    let err = client.messages().create(&hello()).await.unwrap_err();
    let api = err.as_api().expect("an API error");
    assert_eq!(api.status().as_u16(), 400);
    assert_eq!(api.body().len(), CAP);
    assert_eq!(&api.body()[..], &body[..CAP]);
}

#[tokio::test]
async fn an_endpoint_that_never_completes_the_handshake_hits_the_connect_timeout() {
    let (_held, url) = unconnectable_address();
    let client = builder_at(url)
        .access_key(ACCESS_KEY, SECRET)
        .connect_timeout(Duration::from_millis(200))
        .max_retries(0)
        .build()
        .await
        .unwrap();
    let err = client.models().retrieve(MODEL).await.unwrap_err();
    match &err {
        Error::Timeout {
            kind,
            timeout,
            status,
            request_ids,
            ..
        } => {
            assert_eq!(*kind, TimeoutKind::Connect);
            assert_eq!(*timeout, Duration::from_millis(200));
            assert_eq!(*status, None);
            assert!(request_ids.is_none());
        }
        other => panic!("expected a connect timeout, got {other:?}"),
    }
    assert!(err.is_retryable());
}

#[tokio::test]
async fn a_pending_call_holds_under_one_kib_until_it_is_polled_and_after() {
    // Sizes are fixed at compile time: no request is sent. The attempt loop's state
    // lives on the heap, so that spawned calls and finished tasks not yet joined stay small.
    let platform = platform().await;
    let client = builder(&platform)
        .access_key(ACCESS_KEY, SECRET)
        .build()
        .await
        .unwrap();
    let params = hello();
    let messages = client.messages();
    let create = messages.create(&params);
    let size = std::mem::size_of_val(&create);
    assert!(size < 1024, "the future create() returns is {size} bytes");
    drop(create);
    let models = client.models();
    let get = models.retrieve(MODEL);
    let size = std::mem::size_of_val(&get);
    assert!(
        size < 1024,
        "the future models().retrieve() returns is {size} bytes"
    );
    assert_eq!(platform.request_count(), 0, "nothing was sent");
}
