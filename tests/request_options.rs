//! Per-request options over loopback: extra headers, query and body fields, betas, workspace
//! and user profile reach the platform, signed, and the platform's own verifier accepts them.

mod common;

use anthropic_aws::types::{MessageCreateParams, MessageParam, ModelListParams};
use anthropic_aws::{Error, RequestOptions};
use anthropic_aws_emulator::{AuthOutcome, RecordedRequest};
use common::*;
use futures_util::StreamExt;
use serde_json::json;

fn hello() -> MessageCreateParams {
    MessageCreateParams::new(MODEL, 64, vec![MessageParam::user("Hello, Claude")])
}

#[track_caller]
fn assert_verified(sent: &RecordedRequest) {
    assert_eq!(sent.auth_outcome, AuthOutcome::Accepted, "{sent:?}");
    assert_eq!(sent.status, 200, "{sent:?}");
}

#[tokio::test]
async fn headers_query_and_body_fields_reach_the_platform_signed() {
    let platform = platform().await;
    let client = builder(&platform)
        .access_key(ACCESS_KEY, SECRET)
        .beta("client-beta-1")
        .max_retries(0)
        .build()
        .await
        .unwrap();
    let options = RequestOptions::new()
        .header("x-trace-id", "trace-42")
        .header("anthropic-beta", "replaced-by-header")
        .query("debug_flag", "a b&c")
        .body_field("inference_geo", "us")
        .body_field("metadata", json!({"user_id": "u-1"}))
        .user_profile_id("uprof_01");
    let message = client
        .messages()
        .with_options(options)
        .create(&hello())
        .await
        .unwrap();
    let sent = last_request(&platform);
    assert_verified(&sent);
    assert_eq!(message.aws_request_id(), Some(sent.aws_request_id.as_str()));

    assert_eq!(sent.path_and_query, "/v1/messages?debug_flag=a+b%26c");
    assert_eq!(sent.header("x-trace-id"), Some("trace-42"));
    assert_eq!(sent.header("anthropic-beta"), Some("replaced-by-header"));
    assert_eq!(sent.header("anthropic-user-profile-id"), Some("uprof_01"));
    let body = sent.body_json().unwrap();
    assert_eq!(body["inference_geo"], "us");
    assert_eq!(body["metadata"], json!({"user_id": "u-1"}));
    assert_eq!(body["model"], MODEL);
    let signed = signed_headers(&sent);
    for name in ["x-trace-id", "anthropic-beta", "anthropic-user-profile-id"] {
        assert!(signed.iter().any(|s| s == name), "{name} in {signed:?}");
    }
}

#[tokio::test]
async fn betas_add_to_the_clients_and_workspace_replaces_it() {
    let platform = platform().await;
    // The client names a workspace the platform does not know; the request names the right one.
    let client = builder(&platform)
        .workspace_id("wrkspc_unknown")
        .access_key(ACCESS_KEY, SECRET)
        .beta("client-beta-1")
        .max_retries(0)
        .build()
        .await
        .unwrap();
    let options = RequestOptions::new()
        .workspace_id(WORKSPACE)
        .beta("request-beta-2")
        .query("extra", "1");
    let page = client
        .models()
        .with_options(options.clone())
        .list(&ModelListParams::new().limit(2))
        .await
        .unwrap();
    assert_eq!(page.data.len(), 2);
    let sent = last_request(&platform);
    assert_verified(&sent);
    assert_eq!(sent.header("anthropic-workspace-id"), Some(WORKSPACE));
    assert_eq!(
        sent.header("anthropic-beta"),
        Some("client-beta-1,request-beta-2")
    );
    assert_eq!(sent.path_and_query, "/v1/models?limit=2&extra=1");

    // Without the option, the client's workspace is sent (and refused).
    let err = client.models().retrieve(MODEL).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404), "{err}");
    assert_eq!(
        last_request(&platform).header("anthropic-workspace-id"),
        Some("wrkspc_unknown")
    );

    // Batches inherit the options of the Messages API they come from.
    client
        .messages()
        .with_options(options)
        .batches()
        .list(&Default::default())
        .await
        .unwrap();
    let sent = last_request(&platform);
    assert_verified(&sent);
    assert_eq!(sent.header("anthropic-workspace-id"), Some(WORKSPACE));
}

#[tokio::test]
async fn a_stream_and_an_api_key_carry_them_too() {
    let platform = platform().await;
    let client = builder(&platform)
        .api_key(API_KEY)
        .max_retries(0)
        .build()
        .await
        .unwrap();
    let options = RequestOptions::new()
        .header("x-trace-id", "stream-1")
        .body_field("inference_geo", "global");
    let mut stream = client
        .messages()
        .with_options(options)
        .stream(&hello())
        .await
        .unwrap();
    while let Some(event) = stream.next().await {
        event.unwrap();
    }
    let sent = last_request(&platform);
    assert_verified(&sent);
    assert_eq!(sent.header("x-trace-id"), Some("stream-1"));
    let body = sent.body_json().unwrap();
    assert_eq!(body["inference_geo"], "global");
    assert_eq!(body["stream"], true);
}

#[tokio::test]
async fn a_header_the_client_computes_is_refused_before_sending() {
    let platform = platform().await;
    let client = signed_client(&platform).await;
    for name in [
        "authorization",
        "x-amz-date",
        "anthropic-workspace-id",
        "host",
    ] {
        let err = client
            .messages()
            .with_options(RequestOptions::new().header(name, "x"))
            .create(&hello())
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Config { .. }), "{name}: {err:?}");
        assert!(err.to_string().contains(name), "{err}");
    }
    assert!(platform.requests().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn betas_merge_client_request_and_route_once_each_in_that_order() {
    let platform = platform().await;
    // The client's betas: the builder's, then a raw default header repeating one of them.
    let client = builder(&platform)
        .access_key(ACCESS_KEY, SECRET)
        .beta("client-1")
        .default_header("anthropic-beta", "client-1, raw-2")
        .max_retries(0)
        .build()
        .await
        .unwrap();
    // The request names the route's own beta too, and one of its own.
    let options = RequestOptions::new()
        .beta(" files-api-2025-04-14 ")
        .beta("request-3");
    client
        .files()
        .with_options(options)
        .list(&anthropic_aws::types::FileListParams::new())
        .await
        .unwrap();
    let sent = last_request(&platform);
    assert_verified(&sent);
    let betas: Vec<&str> = sent
        .headers
        .iter()
        .filter(|(n, _)| n == "anthropic-beta")
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(betas, ["client-1,raw-2,files-api-2025-04-14,request-3"]);

    // Without request betas the route's still follows the client's (none lost to the raw one).
    client.files().list(&Default::default()).await.unwrap();
    assert_eq!(
        last_request(&platform).header("anthropic-beta"),
        Some("client-1,raw-2,files-api-2025-04-14")
    );
}
