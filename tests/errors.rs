//! The error taxonomy over loopback: every status, unknown types, non-JSON bodies and the AWS
//! front door, each with both request IDs exactly as the server sent them.

mod common;

use anthropic_aws::types::{MessageCreateParams, MessageParam};
use anthropic_aws::{ApiError, Client, ErrorType, RequestId};
use anthropic_aws_emulator::{EmulatorHandle, Fault};
use common::*;
use serde_json::json;

fn hello() -> MessageCreateParams {
    MessageCreateParams::new(MODEL, 64, vec![MessageParam::user("Hello, Claude")])
}

async fn fail_with(platform: &EmulatorHandle, client: &Client, fault: Fault) -> ApiError {
    platform.push_fault(fault);
    let err = client
        .messages()
        .create(&hello())
        .await
        .expect_err("the fault is reported");
    match err {
        anthropic_aws::Error::Api(api) => api,
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[tokio::test]
async fn the_ten_statuses_and_conflict_map_with_both_ids() {
    let platform = platform().await;
    let client = signed_client(&platform).await;
    let cases = [
        (400, "invalid_request_error", ErrorType::InvalidRequest),
        (401, "authentication_error", ErrorType::Authentication),
        (402, "billing_error", ErrorType::Billing),
        (403, "permission_error", ErrorType::Permission),
        (404, "not_found_error", ErrorType::NotFound),
        (409, "conflict_error", ErrorType::Conflict),
        (413, "request_too_large", ErrorType::RequestTooLarge),
        (429, "rate_limit_error", ErrorType::RateLimit),
        (500, "api_error", ErrorType::Api),
        (504, "timeout_error", ErrorType::Timeout),
        (529, "overloaded_error", ErrorType::Overloaded),
    ];
    let count = cases.len();
    for (status, wire, expected) in cases {
        let api = fail_with(
            &platform,
            &client,
            Fault::anthropic(status, wire, "scripted"),
        )
        .await;
        let sent = last_request(&platform);
        assert_eq!(api.error_type(), &expected, "{status}");
        assert_eq!(api.error_type().as_str(), wire);
        assert_eq!(api.status().as_u16(), status);
        assert_eq!(api.message(), "scripted");
        assert_eq!(
            api.aws_request_id(),
            Some(sent.aws_request_id.as_str()),
            "{status}"
        );
        assert_eq!(
            api.anthropic_request_id(),
            sent.anthropic_request_id.as_deref(),
            "{status}"
        );
        assert!(api.anthropic_request_id().is_some_and(|id| !id.is_empty()));
        assert_eq!(
            api.request_id(),
            api.aws_request_id(),
            "RequestId means the AWS ID"
        );
        let shown = api.to_string();
        assert!(
            shown.contains(wire) && shown.contains(&sent.aws_request_id),
            "{shown}"
        );
    }
    assert_eq!(
        platform.request_count(),
        count,
        "no retries with max_retries(0)"
    );
}

#[tokio::test]
async fn an_unknown_error_type_is_kept() {
    let platform = platform().await;
    let client = signed_client(&platform).await;
    let api = fail_with(
        &platform,
        &client,
        Fault::anthropic(422, "quota_melted_error", "new"),
    )
    .await;
    assert_eq!(
        api.error_type(),
        &ErrorType::Other("quota_melted_error".into())
    );
    assert_eq!(api.status().as_u16(), 422);
}

#[tokio::test]
async fn details_of_a_billing_error_are_kept() {
    let platform = platform().await;
    let client = signed_client(&platform).await;
    let fault = Fault::anthropic(402, "billing_error", "spend limit reached")
        .with_details(json!({"error_code": "linked_organization_spend_limit_reached"}));
    let api = fail_with(&platform, &client, fault).await;
    assert_eq!(api.error_type(), &ErrorType::Billing);
    assert_eq!(
        api.error_code(),
        Some(anthropic_aws::error::ErrorCode::LinkedOrganizationSpendLimitReached)
    );
    assert_eq!(
        api.details().unwrap()["error_code"],
        "linked_organization_spend_limit_reached"
    );
}

#[tokio::test]
async fn a_cdn_html_413_is_request_too_large_not_a_decode_error() {
    let platform = platform().await;
    let client = signed_client(&platform).await;
    let html = "<html><head><title>413 Request Entity Too Large</title></head>\
                <body><center><h1>413 Request Entity Too Large</h1></center></body></html>";
    let api = fail_with(&platform, &client, Fault::html(413, html)).await;
    assert_eq!(api.error_type(), &ErrorType::RequestTooLarge);
    assert!(
        api.message().contains("413 Request Entity Too Large"),
        "{}",
        api.message()
    );
    assert_eq!(api.body().as_ref(), html.as_bytes(), "the raw body is kept");
}

#[tokio::test]
async fn aws_front_door_types_map_with_the_aws_id_only() {
    let platform = platform().await;
    let client = signed_client(&platform).await;
    let cases = [
        (403, "InvalidSignatureException", ErrorType::Authentication),
        (
            403,
            "IncompleteSignatureException",
            ErrorType::Authentication,
        ),
        (
            403,
            "MissingAuthenticationTokenException",
            ErrorType::Authentication,
        ),
        (
            403,
            "UnrecognizedClientException",
            ErrorType::Authentication,
        ),
        (403, "ExpiredTokenException", ErrorType::Authentication),
        (403, "AccessDeniedException", ErrorType::Permission),
        (400, "ThrottlingException", ErrorType::RateLimit),
        (400, "ValidationException", ErrorType::InvalidRequest),
        (404, "ResourceNotFoundException", ErrorType::NotFound),
        (503, "ServiceUnavailableException", ErrorType::Overloaded),
    ];
    for (status, code, expected) in cases {
        // An expired token triggers one credential refresh and one more attempt.
        if code == "ExpiredTokenException" {
            platform.push_fault(Fault::aws(
                status,
                code,
                "The security token included in the request is expired",
            ));
        }
        let api = fail_with(
            &platform,
            &client,
            Fault::aws(status, code, "front door says no"),
        )
        .await;
        let sent = last_request(&platform);
        assert_eq!(api.error_type(), &expected, "{code}");
        assert_eq!(api.aws_error_code(), Some(code));
        assert_eq!(api.status().as_u16(), status);
        assert_eq!(
            api.aws_request_id(),
            Some(sent.aws_request_id.as_str()),
            "{code}"
        );
        assert_eq!(
            api.anthropic_request_id(),
            None,
            "{code}: Anthropic never saw it"
        );
        assert!(
            api.message().starts_with("front door says no"),
            "{}",
            api.message()
        );
    }
}

#[tokio::test]
async fn federation_disabled_tells_the_user_what_to_run() {
    let platform = platform().await;
    let client = signed_client(&platform).await;
    let fault = Fault::aws(
        403,
        "AccessDeniedException",
        "Outbound web identity federation is disabled for your account",
    );
    let api = fail_with(&platform, &client, fault).await;
    assert_eq!(api.error_type(), &ErrorType::Permission);
    assert!(
        api.message()
            .contains("aws iam enable-outbound-web-identity-federation")
    );
    assert!(
        api.to_string()
            .contains("aws iam enable-outbound-web-identity-federation")
    );
}

#[tokio::test]
async fn an_expired_signature_says_to_check_the_clock() {
    let platform = platform().await;
    let client = signed_client(&platform).await;
    let fault = Fault::aws(
        403,
        "InvalidSignatureException",
        "Signature expired: 20261125T074900Z is now earlier than 20261125T080500Z (20261125T081000Z - 5 min.)",
    );
    // The first rejection makes the client learn the skew from `Date` and sign again once.
    platform.push_fault(fault.clone());
    let api = fail_with(&platform, &client, fault).await;
    assert_eq!(platform.request_count(), 2, "one clock-corrected retry");
    assert_eq!(api.error_type(), &ErrorType::Authentication);
    assert!(api.message().contains("clock"), "{}", api.message());
}

#[tokio::test]
async fn a_marketplace_denial_is_a_billing_error() {
    let platform = platform().await;
    let client = signed_client(&platform).await;
    let fault = Fault::aws(
        403,
        "AccessDeniedException",
        "Your AWS Marketplace subscription for Claude Platform on AWS is not active",
    );
    let api = fail_with(&platform, &client, fault).await;
    assert_eq!(api.error_type(), &ErrorType::Billing);
    assert_eq!(api.aws_error_code(), Some("AccessDeniedException"));
}

#[tokio::test]
async fn retryable_errors_are_retried_and_the_last_ids_reported() {
    let platform = platform().await;
    let client = builder(&platform)
        .access_key(ACCESS_KEY, SECRET)
        .max_retries(2)
        .build()
        .await
        .unwrap();
    for _ in 0..3 {
        platform.push_fault(Fault::Raw {
            status: 529,
            headers: vec![
                ("retry-after-ms".into(), "10".into()),
                ("x-amzn-requestid".into(), "aws-overloaded".into()),
            ],
            body: bytes::Bytes::from_static(b""),
        });
    }
    let err = client.messages().create(&hello()).await.unwrap_err();
    assert_eq!(err.error_type(), Some(&ErrorType::Overloaded));
    assert_eq!(platform.request_count(), 3, "one attempt and two retries");
    let retry_counts: Vec<_> = platform
        .requests()
        .iter()
        .map(|r| {
            r.header("x-stainless-retry-count")
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    assert_eq!(retry_counts, ["0", "1", "2"]);

    platform.push_fault(Fault::anthropic(529, "overloaded_error", "busy"));
    let message = client
        .messages()
        .create(&hello())
        .await
        .expect("the retry succeeds");
    let sent = last_request(&platform);
    assert_eq!(message.aws_request_id(), Some(sent.aws_request_id.as_str()));
    assert_eq!(platform.request_count(), 5);
}
