//! `Client::request`: a signed call to any route, over loopback. The platform authenticates
//! before it routes, so a route it does not know still proves the signature verified.

mod common;

use anthropic_aws::{Error, ErrorType, Method, RequestOptions};
use anthropic_aws_emulator::{AuthOutcome, Fault};
use common::*;
use serde_json::json;

#[tokio::test]
async fn an_unknown_route_is_signed_verified_and_answers_a_typed_404_with_both_ids() {
    let platform = platform().await;
    let client = signed_client(&platform).await;
    let err = client
        .request(Method::GET, "/v1/agents")
        .query("limit", "10")
        .header("anthropic-beta", "managed-agents-2026-04-01")
        .send()
        .await
        .unwrap_err();
    let sent = last_request(&platform);
    assert_eq!(sent.auth_outcome, AuthOutcome::Accepted, "{sent:?}");
    assert_eq!(sent.method, "GET");
    assert_eq!(sent.path_and_query, "/v1/agents?limit=10");
    assert!(signed_headers(&sent).iter().any(|h| h == "anthropic-beta"));

    let Error::Api(api) = &err else {
        panic!("an API error: {err:?}")
    };
    assert_eq!(api.error_type(), &ErrorType::NotFound);
    assert_eq!(api.status().as_u16(), 404);
    assert_eq!(api.aws_request_id(), Some(sent.aws_request_id.as_str()));
    assert!(api.anthropic_request_id().is_some());
    assert_eq!(
        api.anthropic_request_id(),
        sent.anthropic_request_id.as_deref()
    );
}

#[tokio::test]
async fn a_known_route_answers_with_both_ids_and_parses_as_json() {
    let platform = platform().await;
    let client = signed_client(&platform).await;
    let raw = client
        .request(Method::POST, "/v1/messages/count_tokens")
        .json(&json!({"model": MODEL, "messages": [{"role": "user", "content": "Hello"}]}))
        .options(RequestOptions::new().body_field("system", "Be brief."))
        .send()
        .await
        .unwrap();
    let sent = last_request(&platform);
    assert_eq!(sent.auth_outcome, AuthOutcome::Accepted);
    assert_eq!(raw.status().as_u16(), 200);
    assert_eq!(raw.aws_request_id(), Some(sent.aws_request_id.as_str()));
    assert_eq!(
        raw.anthropic_request_id(),
        sent.anthropic_request_id.as_deref()
    );
    assert_eq!(sent.header("content-type"), Some("application/json"));
    let body = sent.body_json().unwrap();
    assert_eq!(body["system"], "Be brief.");
    assert_eq!(body["model"], MODEL);
    let count = raw.parse().unwrap();
    assert!(count["input_tokens"].as_u64().unwrap_or(0) > 0, "{count:?}");

    // Exact bytes, and a path given without its leading slash.
    let bytes =
        br#"{"model":"claude-opus-4-8","max_tokens":8,"messages":[{"role":"user","content":"x"}]}"#;
    let raw = client
        .request(Method::POST, "v1/messages")
        .body(&bytes[..])
        .send()
        .await
        .unwrap();
    assert_eq!(raw.parse().unwrap()["type"], "message");
    let sent = last_request(&platform);
    assert_eq!(&sent.body[..], &bytes[..]);
    assert_eq!(sent.path_and_query, "/v1/messages");
}

#[tokio::test]
async fn it_is_retried_by_the_one_policy_and_signed_afresh() {
    let platform = platform().await;
    let client = builder(&platform)
        .access_key(ACCESS_KEY, SECRET)
        .max_retries(1)
        .build()
        .await
        .unwrap();
    platform.push_fault(
        Fault::anthropic(529, "overloaded_error", "Overloaded").with_header("retry-after-ms", "1"),
    );
    let raw = client
        .request(Method::GET, "/v1/models")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.retries(), 1);
    let requests = platform.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].attempt, Some(1));
    assert_eq!(requests[1].auth_outcome, AuthOutcome::Accepted);

    // No retries left: the error is the taxonomy's, with the retry count.
    let client = signed_client(&platform).await;
    platform.push_fault(Fault::anthropic(529, "overloaded_error", "Overloaded"));
    let err = client
        .request(Method::GET, "/v1/models")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.error_type(), Some(&ErrorType::Overloaded));
}

#[tokio::test]
async fn a_bad_path_or_body_is_refused_before_sending() {
    let platform = platform().await;
    let client = signed_client(&platform).await;
    for path in ["/v1/models?limit=1", "/v1/../admin", ""] {
        let err = client.request(Method::GET, path).send().await.unwrap_err();
        assert!(matches!(err, Error::Config { .. }), "{path}: {err:?}");
    }
    let err = client
        .request(Method::POST, "/v1/messages")
        .body("not json")
        .options(RequestOptions::new().body_field("a", 1))
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Config { .. }), "{err:?}");
    assert!(platform.requests().is_empty());
}
