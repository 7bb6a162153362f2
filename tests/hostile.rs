//! A hostile server cannot crash the client, pull a credential to another origin, or make it
//! buffer without bound; every error after the response headers keeps both request IDs.

mod common;

use std::time::Duration;

use anthropic_aws::types::{MessageCreateParams, MessageParam};
use anthropic_aws::{Client, Error, ErrorType, RequestOptions, TimeoutKind};
use common::hostile::{Hostile, Mode, ids};
use common::*;
use http::StatusCode;

fn hello() -> MessageCreateParams {
    MessageCreateParams::new(MODEL, 64, vec![MessageParam::user("Hello, Claude")])
}

/// A SigV4 client with a session token, the default retry budget (2) and a long timeout.
async fn client(server: &Hostile) -> Client {
    builder_at(server.base_url())
        .access_key(SESSION_ACCESS_KEY, SESSION_SECRET)
        .session_token(SESSION_TOKEN)
        .build()
        .await
        .expect("client builds")
}

/// Both IDs of the `n`-th answer are on `err`.
fn assert_ids(err: &Error, n: usize) {
    let (aws, anthropic) = ids(n);
    assert_eq!(err.aws_request_id(), Some(aws.as_str()), "{err:?}");
    assert_eq!(
        err.anthropic_request_id(),
        Some(anthropic.as_str()),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_redirect_is_a_typed_error_never_followed_never_retried() {
    let elsewhere = Hostile::start(Mode::Message).await;
    for status in [301, 302, 303, 307, 308] {
        let location = format!("{}/v1/messages", elsewhere.base_url());
        let origin = Hostile::start(Mode::Redirect {
            status,
            location: location.clone(),
        })
        .await;
        let client = client(&origin).await;
        let err = client.messages().create(&hello()).await.unwrap_err();
        match &err {
            Error::Redirect {
                status: got,
                location: got_location,
                headers,
                ..
            } => {
                assert_eq!(got.as_u16(), status);
                assert_eq!(got_location.as_deref(), Some(location.as_str()));
                assert_eq!(
                    headers.get("location").map(|v| v.as_bytes()),
                    Some(location.as_bytes())
                );
            }
            other => panic!("expected a redirect error, got {other:?}"),
        }
        assert_eq!(err.status(), StatusCode::from_u16(status).ok());
        assert_ids(&err, 1);
        assert!(!err.is_retryable());
        let shown = err.to_string();
        assert!(shown.contains(&location), "{shown}");
        assert!(!shown.contains(SESSION_TOKEN) && !shown.contains(SESSION_SECRET));
        assert_eq!(origin.requests(), 1, "{status} was retried");

        // A stream's opening request is refused the same way.
        let err = client.messages().stream(&hello()).await.unwrap_err();
        assert!(matches!(err, Error::Redirect { .. }), "{err:?}");
        assert_eq!(origin.requests(), 2);
    }
    assert_eq!(elsewhere.requests(), 0, "nothing reached the other origin");
}

#[tokio::test]
async fn no_retry_header_value_can_panic_the_client() {
    let values = [
        ("retry-after", "1e20"),
        ("retry-after-ms", "1e23"),
        ("retry-after", "-5"),
        ("retry-after-ms", "-5000"),
        ("retry-after", "NaN"),
        ("retry-after-ms", "inf"),
        ("retry-after", "18446744073709551616"),
        ("retry-after", "Fri, 31 Dec 9999 23:59:59 GMT"),
        ("retry-after", "soon, I promise"),
    ];
    let runs = values.iter().map(|&(name, value)| async move {
        let server = Hostile::start(Mode::Status {
            status: 529,
            error_type: "overloaded_error",
            headers: vec![(name.to_owned(), value.to_owned())],
        })
        .await;
        let err = client(&server)
            .await
            .messages()
            .with_options(RequestOptions::new().max_retries(1))
            .create(&hello())
            .await
            .unwrap_err();
        (name, value, server.requests(), err)
    });
    for (name, value, requests, err) in futures_util::future::join_all(runs).await {
        let api = err
            .as_api()
            .unwrap_or_else(|| panic!("{name}: {value}: {err:?}"));
        assert_eq!(api.error_type(), &ErrorType::Overloaded, "{name}: {value}");
        assert_eq!(api.retries(), 1, "{name}: {value}");
        assert_eq!(requests, 2, "{name}: {value}: one retry, with backoff");
        assert_ids(&err, 2);
    }
}

/// The client's cap on a successful body.
const CAP: usize = anthropic_aws::MAX_RESPONSE_BYTES;

#[tokio::test]
async fn a_declared_content_length_over_the_cap_is_refused_unread_and_sent_once() {
    let server = Hostile::start(Mode::HugeContentLength {
        declared: 2_000_000_000,
    })
    .await;
    let err = client(&server)
        .await
        .messages()
        .create(&hello())
        .await
        .unwrap_err();
    match &err {
        Error::ResponseTooLarge {
            limit,
            declared,
            status,
            ..
        } => {
            assert_eq!(*limit, CAP);
            assert_eq!(*declared, Some(2_000_000_000));
            assert_eq!(*status, StatusCode::OK);
        }
        other => panic!("expected ResponseTooLarge, got {other:?}"),
    }
    assert!(!err.is_retryable());
    assert_ids(&err, 1);
    assert_eq!(server.requests(), 1, "never retried");
}

#[tokio::test]
async fn a_body_over_the_cap_without_a_length_is_a_typed_error_sent_once() {
    for mode in [Mode::HugeBody { bytes: CAP + 1 }, Mode::EndlessBody] {
        let server = Hostile::start(mode.clone()).await;
        let err = client(&server)
            .await
            .models()
            .retrieve(MODEL)
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                Error::ResponseTooLarge {
                    limit: CAP,
                    declared: None,
                    ..
                }
            ),
            "{mode:?}: {err:?}"
        );
        assert_eq!(err.status(), Some(StatusCode::OK));
        assert_ids(&err, 1);
        assert_eq!(server.requests(), 1, "{mode:?} was retried");
    }
}

#[tokio::test]
async fn a_body_cut_after_the_headers_keeps_both_ids() {
    let server = Hostile::start(Mode::CutBody).await;
    let client = client(&server).await;
    let err = client
        .messages()
        .with_options(RequestOptions::new().max_retries(0))
        .create(&hello())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Connection {
                status: Some(StatusCode::OK),
                ..
            }
        ),
        "{err:?}"
    );
    assert_ids(&err, 1);
    assert!(err.to_string().contains("hostile-aws-1"), "{err}");
    assert!(err.is_retryable());
    assert_eq!(server.requests(), 1);

    // Retried within the budget; the error names the last answer.
    let err = client.messages().create(&hello()).await.unwrap_err();
    assert!(matches!(err, Error::Connection { .. }), "{err:?}");
    assert_eq!(server.requests(), 4);
    assert_ids(&err, 4);
}

#[tokio::test]
async fn a_timeout_while_the_body_is_read_keeps_both_ids() {
    let server = Hostile::start(Mode::StalledBody).await;
    let err = builder_at(server.base_url())
        .access_key(ACCESS_KEY, SECRET)
        .timeout(Duration::from_millis(300))
        .max_retries(0)
        .build()
        .await
        .unwrap()
        .messages()
        .create(&hello())
        .await
        .unwrap_err();
    match &err {
        Error::Timeout {
            kind,
            status,
            request_ids,
            ..
        } => {
            assert_eq!(*kind, TimeoutKind::Request);
            assert_eq!(*status, Some(StatusCode::OK));
            assert!(request_ids.is_some());
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert_ids(&err, 1);
    assert_eq!(server.requests(), 1);
}
