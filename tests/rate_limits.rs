//! `anthropic-ratelimit-*` headers and `details.error_code` over loopback: read from a
//! successful answer, from an error, and ignored when malformed.

mod common;

use std::time::{Duration, UNIX_EPOCH};

use anthropic_aws::error::ErrorCode;
use anthropic_aws::{Error, ErrorType, Method};
use anthropic_aws_emulator::Fault;
use common::*;
use serde_json::json;

fn limit_headers(remaining: &str) -> Vec<(String, String)> {
    [
        ("anthropic-ratelimit-requests-limit", "50"),
        ("anthropic-ratelimit-requests-remaining", remaining),
        ("anthropic-ratelimit-requests-reset", "2026-10-21T12:00:01Z"),
        ("anthropic-ratelimit-output-tokens-limit", "8000"),
        (
            "anthropic-ratelimit-output-tokens-remaining",
            "not-a-number",
        ),
    ]
    .map(|(n, v)| (n.to_owned(), v.to_owned()))
    .to_vec()
}

#[tokio::test]
async fn a_successful_answer_carries_its_rate_limits() {
    let platform = platform().await;
    let client = signed_client(&platform).await;
    let mut headers = limit_headers("49");
    headers.push(("content-type".into(), "application/json".into()));
    headers.push(("x-amzn-requestid".into(), "aws-rl-1".into()));
    let page = json!({"data": [], "has_more": false, "first_id": null, "last_id": null});
    platform.push_fault(Fault::raw(200, headers, page.to_string()));
    let page = client.models().list(&Default::default()).await.unwrap();
    let limits = page.rate_limits();
    assert_eq!(limits.requests.limit, Some(50));
    assert_eq!(limits.requests.remaining, Some(49));
    assert_eq!(
        limits.requests.reset,
        Some(UNIX_EPOCH + Duration::from_secs(1_792_584_001))
    );
    assert_eq!(limits.output_tokens.limit, Some(8000));
    assert_eq!(limits.output_tokens.remaining, None, "malformed: ignored");
    assert!(limits.tokens.is_empty() && limits.input_tokens.is_empty());
    assert_eq!(page.aws_request_id(), Some("aws-rl-1"));

    // The same on a raw call, and nothing where the platform sent none.
    let raw = client
        .request(Method::GET, "/v1/models")
        .send()
        .await
        .unwrap();
    assert!(raw.rate_limits().is_empty());
}

#[tokio::test]
async fn an_error_carries_its_rate_limits_and_error_code() {
    let platform = platform().await;
    let client = signed_client(&platform).await;
    let mut fault = Fault::anthropic(429, "rate_limit_error", "monthly spend cap reached")
        .with_details(json!({"error_code": "enforced_spend_limit_reached"}))
        .with_header("x-should-retry", "false");
    for (name, value) in limit_headers("0") {
        fault = fault.with_header(&name, &value);
    }
    platform.push_fault(fault);
    let err = client.models().retrieve(MODEL).await.unwrap_err();
    let Error::Api(api) = &err else {
        panic!("an API error: {err:?}")
    };
    assert_eq!(api.error_type(), &ErrorType::RateLimit);
    assert_eq!(api.error_code(), Some(ErrorCode::EnforcedSpendLimitReached));
    assert_eq!(api.rate_limits().requests.remaining, Some(0));
    assert_eq!(api.rate_limits().requests.limit, Some(50));
    assert!(api.aws_request_id().is_some() && api.anthropic_request_id().is_some());

    platform.push_fault(
        Fault::anthropic(402, "billing_error", "on hold")
            .with_details(json!({"error_code": "a_cause_from_next_year"})),
    );
    let Error::Api(api) = client.models().retrieve(MODEL).await.unwrap_err() else {
        panic!("an API error")
    };
    assert_eq!(
        api.error_code(),
        Some(ErrorCode::Other("a_cause_from_next_year".into()))
    );
    assert!(api.rate_limits().is_empty());
}
