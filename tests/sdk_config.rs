//! A client built from an `aws_types::SdkConfig` takes its region, credentials provider and
//! retry budget, below the builder's own options.

mod common;

use anthropic_aws::types::{MessageCreateParams, MessageParam};
use anthropic_aws::{AuthSource, Client};
use anthropic_aws_emulator::{AuthOutcome, EmulatorHandle, Fault};
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_smithy_types::retry::RetryConfig;
use aws_types::SdkConfig;
use aws_types::region::Region;
use common::*;

fn hello() -> MessageCreateParams {
    MessageCreateParams::new(MODEL, 64, vec![MessageParam::user("Hello, Claude")])
}

fn sdk_config(access_key: &str, secret: &str, token: Option<&str>) -> SdkConfig {
    let credentials = Credentials::new(
        access_key,
        secret,
        token.map(str::to_owned),
        None,
        "sdk-config-test",
    );
    SdkConfig::builder()
        .region(Region::new(REGION))
        .credentials_provider(SharedCredentialsProvider::new(credentials))
        .retry_config(RetryConfig::standard().with_max_attempts(1))
        .build()
}

/// A builder with no region and no credentials of its own, reading no environment.
fn bare_builder(platform: &EmulatorHandle) -> anthropic_aws::ClientBuilder {
    Client::builder()
        .env_lookup(|_| None)
        .base_url(platform.base_url())
        .workspace_id(WORKSPACE)
}

#[tokio::test]
async fn a_client_from_an_sdk_config_signs_with_its_provider() {
    let platform = platform().await;
    let client = bare_builder(&platform)
        .sdk_config(&sdk_config(
            SESSION_ACCESS_KEY,
            SESSION_SECRET,
            Some(SESSION_TOKEN),
        ))
        .build()
        .await
        .unwrap();
    assert_eq!(client.auth_source(), &AuthSource::SdkConfig);
    assert_eq!(client.region(), Some(REGION));

    client.messages().create(&hello()).await.unwrap();

    let request = last_request(&platform);
    assert_eq!(request.access_key_id.as_deref(), Some(SESSION_ACCESS_KEY));
    assert_eq!(request.auth_outcome, AuthOutcome::Accepted);
    assert_eq!(request.header("x-amz-security-token"), Some(SESSION_TOKEN));
    let credential = request.header("authorization").unwrap();
    assert!(
        credential.contains(&format!("/{REGION}/aws-external-anthropic/aws4_request")),
        "{credential}"
    );
}

#[tokio::test]
async fn its_retry_budget_applies_unless_the_builder_sets_one() {
    let platform = platform().await;
    // max_attempts 1: no retries.
    let client = bare_builder(&platform)
        .sdk_config(&sdk_config(ACCESS_KEY, SECRET, None))
        .build()
        .await
        .unwrap();
    platform.push_fault(
        Fault::anthropic(529, "overloaded_error", "busy").with_header("retry-after-ms", "1"),
    );
    client.messages().create(&hello()).await.unwrap_err();
    assert_eq!(platform.request_count(), 1);

    let client = bare_builder(&platform)
        .max_retries(1)
        .sdk_config(&sdk_config(ACCESS_KEY, SECRET, None))
        .build()
        .await
        .unwrap();
    platform.push_fault(
        Fault::anthropic(529, "overloaded_error", "busy").with_header("retry-after-ms", "1"),
    );
    let message = client.messages().create(&hello()).await.unwrap();
    assert_eq!(message.retries(), 1);
    assert_eq!(platform.request_count(), 3);
}

#[tokio::test]
async fn the_builders_own_options_win_over_the_sdk_config() {
    let platform = platform().await;
    // Set before sdk_config: order does not matter, the builder's setters win.
    let client = bare_builder(&platform)
        .access_key(ACCESS_KEY, SECRET)
        .region("eu-west-1")
        .sdk_config(&sdk_config(
            SESSION_ACCESS_KEY,
            SESSION_SECRET,
            Some(SESSION_TOKEN),
        ))
        .build()
        .await
        .unwrap();
    assert_eq!(client.auth_source(), &AuthSource::AccessKeys);
    assert_eq!(client.region(), Some("eu-west-1"));
}

#[tokio::test]
async fn the_sdk_config_wins_over_the_environment() {
    let platform = platform().await;
    let client = Client::builder()
        .env_lookup(|name| match name {
            "AWS_REGION" => Some("ap-south-1".to_owned()),
            "ANTHROPIC_AWS_API_KEY" => Some(API_KEY.to_owned()),
            _ => None,
        })
        .base_url(platform.base_url())
        .workspace_id(WORKSPACE)
        .sdk_config(&sdk_config(ACCESS_KEY, SECRET, None))
        .build()
        .await
        .unwrap();
    assert_eq!(client.region(), Some(REGION));
    assert_eq!(client.auth_source(), &AuthSource::SdkConfig);
    client.messages().create(&hello()).await.unwrap();
    assert_eq!(
        last_request(&platform).access_key_id.as_deref(),
        Some(ACCESS_KEY)
    );
}
