//! Each way of authenticating, over loopback against the local platform's own SigV4 verifier.

mod common;

use anthropic_aws::types::{MessageCreateParams, MessageParam, ModelListParams};
use anthropic_aws::{AuthSource, Client, Error, ErrorType};
use anthropic_aws_emulator::Emulator;
use common::*;

fn hello() -> MessageCreateParams {
    MessageCreateParams::new(MODEL, 64, vec![MessageParam::user("Hello, Claude")])
}

#[tokio::test]
async fn static_keys_sign_every_header_that_matters() {
    let platform = platform().await;
    let client = signed_client(&platform).await;
    assert_eq!(client.auth_source(), &AuthSource::AccessKeys);

    let message = client
        .messages()
        .create(&hello())
        .await
        .expect("signed call succeeds");
    assert!(message.text().contains("Hello, Claude"));

    let request = last_request(&platform);
    assert_eq!(request.status, 200);
    let auth = request.header("authorization").unwrap();
    assert!(
        auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDLONGTERMEXAMPLE/"),
        "{auth}"
    );
    assert!(
        auth.contains("/us-west-2/aws-external-anthropic/aws4_request"),
        "{auth}"
    );
    let signed = signed_headers(&request);
    for header in [
        "host",
        "x-amz-date",
        "content-type",
        "anthropic-version",
        "anthropic-workspace-id",
    ] {
        assert!(
            signed.iter().any(|h| h == header),
            "{header} unsigned: {signed:?}"
        );
    }
    assert!(!signed.iter().any(|h| h == "x-amz-security-token"));
    assert_eq!(
        request.header("host"),
        Some(platform.addr().to_string().as_str())
    );
    assert_eq!(request.header("anthropic-workspace-id"), Some(WORKSPACE));
    assert_eq!(request.header("anthropic-version"), Some("2026-10-21"));
    assert_eq!(request.header("x-amz-security-token"), None);
}

#[tokio::test]
async fn gets_are_signed_too() {
    let platform = platform().await;
    let client = signed_client(&platform).await;
    let page = client
        .models()
        .list(&ModelListParams::default())
        .await
        .unwrap();
    assert!(!page.data.is_empty());
    let request = last_request(&platform);
    assert_eq!(request.method, "GET");
    assert!(
        request
            .header("authorization")
            .unwrap()
            .starts_with("AWS4-HMAC-SHA256 ")
    );
}

#[tokio::test]
async fn session_token_is_sent_and_signed() {
    let platform = platform().await;
    let client = builder(&platform)
        .access_key(SESSION_ACCESS_KEY, SESSION_SECRET)
        .session_token(SESSION_TOKEN)
        .build()
        .await
        .unwrap();
    client
        .messages()
        .create(&hello())
        .await
        .expect("temporary credentials work");
    let request = last_request(&platform);
    assert_eq!(request.header("x-amz-security-token"), Some(SESSION_TOKEN));
    assert!(
        signed_headers(&request)
            .iter()
            .any(|h| h == "x-amz-security-token")
    );
}

#[tokio::test]
async fn session_keys_without_their_token_are_rejected() {
    let platform = platform().await;
    let client = builder(&platform)
        .access_key(SESSION_ACCESS_KEY, SESSION_SECRET)
        .max_retries(0)
        .build()
        .await
        .unwrap();
    let err = client.messages().create(&hello()).await.unwrap_err();
    assert_eq!(err.error_type(), Some(&ErrorType::Authentication));
    assert_eq!(
        err.as_api().unwrap().aws_error_code(),
        Some("UnrecognizedClientException")
    );
}

#[tokio::test]
async fn profile_file_credentials_are_used() {
    let platform = platform().await;
    let dir = tempfile::tempdir().unwrap();
    let credentials = dir.path().join("credentials");
    std::fs::write(
        &credentials,
        format!(
            "[default]\naws_access_key_id = AKIDWRONG\naws_secret_access_key = wrong\n\n\
             [claude]\naws_access_key_id = {SESSION_ACCESS_KEY}\naws_secret_access_key = {SESSION_SECRET}\n\
             aws_session_token = {SESSION_TOKEN}\n"
        ),
    )
    .unwrap();
    let config = dir.path().join("config");
    std::fs::write(&config, "[profile claude]\nregion = us-west-2\n").unwrap();

    let client = Client::builder()
        .env_lookup(|_| None)
        .base_url(platform.base_url())
        .workspace_id(WORKSPACE)
        .profile("claude")
        .aws_config_file(&config)
        .aws_credentials_file(&credentials)
        .build()
        .await
        .expect("client builds from the profile");
    assert_eq!(
        client.region(),
        Some(REGION),
        "region comes from the profile"
    );
    assert_eq!(client.auth_source(), &AuthSource::Profile("claude".into()));

    client
        .messages()
        .create(&hello())
        .await
        .expect("profile credentials work");
    let request = last_request(&platform);
    assert!(
        request
            .header("authorization")
            .unwrap()
            .contains(SESSION_ACCESS_KEY)
    );
    assert_eq!(request.header("x-amz-security-token"), Some(SESSION_TOKEN));
}

#[tokio::test]
async fn api_key_is_a_bearer_token_and_nothing_is_signed() {
    let platform = platform().await;
    let client = builder(&platform).api_key(API_KEY).build().await.unwrap();
    assert_eq!(client.auth_source(), &AuthSource::ApiKey);
    client
        .messages()
        .create(&hello())
        .await
        .expect("API key works");

    let request = last_request(&platform);
    assert_eq!(
        request.header("authorization"),
        Some(format!("Bearer {API_KEY}").as_str())
    );
    for sigv4_header in ["x-amz-date", "x-amz-security-token", "x-amz-content-sha256"] {
        assert_eq!(
            request.header(sigv4_header),
            None,
            "{sigv4_header} sent in API-key mode"
        );
    }
}

#[tokio::test]
async fn api_key_from_the_environment_ranks_below_explicit_keys() {
    let platform = platform().await;
    let from_env = |name: &str| (name == "ANTHROPIC_AWS_API_KEY").then(|| API_KEY.to_owned());
    let client = builder(&platform)
        .env_lookup(from_env)
        .build()
        .await
        .unwrap();
    assert_eq!(client.auth_source(), &AuthSource::ApiKeyFromEnv);
    client.messages().create(&hello()).await.unwrap();
    assert!(
        last_request(&platform)
            .header("authorization")
            .unwrap()
            .starts_with("Bearer ")
    );

    let client = builder(&platform)
        .env_lookup(from_env)
        .access_key(ACCESS_KEY, SECRET)
        .build()
        .await
        .unwrap();
    assert_eq!(client.auth_source(), &AuthSource::AccessKeys);
}

#[tokio::test]
async fn a_wrong_secret_is_rejected_by_the_verifier() {
    let platform = platform().await;
    let client = builder(&platform)
        .access_key(ACCESS_KEY, "not-the-secret")
        .max_retries(0)
        .build()
        .await
        .unwrap();
    let err = client.messages().create(&hello()).await.unwrap_err();
    let api = err.as_api().expect("an API error");
    assert_eq!(api.error_type(), &ErrorType::Authentication);
    assert_eq!(api.status().as_u16(), 403);
    assert_eq!(api.aws_error_code(), Some("InvalidSignatureException"));
    let request = last_request(&platform);
    assert_eq!(api.aws_request_id(), Some(request.aws_request_id.as_str()));
    assert_eq!(api.anthropic_request_id(), None);
    assert_eq!(platform.request_count(), 1);
}

#[tokio::test]
async fn a_wrong_region_is_rejected() {
    let platform = platform().await;
    let client = builder(&platform)
        .region("eu-central-1")
        .access_key(ACCESS_KEY, SECRET)
        .max_retries(0)
        .build()
        .await
        .unwrap();
    let err = client.messages().create(&hello()).await.unwrap_err();
    assert_eq!(
        err.as_api().unwrap().aws_error_code(),
        Some("InvalidSignatureException")
    );
}

#[tokio::test]
async fn an_unknown_access_key_is_unrecognized() {
    let platform = platform().await;
    let client = builder(&platform)
        .access_key("AKIDNOBODYKNOWS", SECRET)
        .max_retries(0)
        .build()
        .await
        .unwrap();
    let err = client.messages().create(&hello()).await.unwrap_err();
    assert_eq!(err.error_type(), Some(&ErrorType::Authentication));
    assert_eq!(
        err.as_api().unwrap().aws_error_code(),
        Some("UnrecognizedClientException")
    );
}

#[tokio::test]
async fn an_expired_token_is_refreshed_once_then_reported() {
    let platform = platform().await;
    let client = builder(&platform)
        .access_key(EXPIRED_ACCESS_KEY, SESSION_SECRET)
        .session_token(EXPIRED_TOKEN)
        .max_retries(0)
        .build()
        .await
        .unwrap();
    let err = client.messages().create(&hello()).await.unwrap_err();
    let api = err.as_api().unwrap();
    assert_eq!(api.aws_error_code(), Some("ExpiredTokenException"));
    assert_eq!(api.error_type(), &ErrorType::Authentication);
    assert!(api.message().contains("refresh"), "{}", api.message());
    // One refresh from the (static) provider, one more attempt, then the error.
    assert_eq!(platform.request_count(), 2);
}

#[tokio::test]
async fn a_missing_workspace_sends_nothing() {
    let platform = platform().await;
    let err = Client::builder()
        .env_lookup(|_| None)
        .base_url(platform.base_url())
        .region(REGION)
        .access_key(ACCESS_KEY, SECRET)
        .build()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Config { .. }), "{err:?}");
    assert!(err.to_string().contains("ANTHROPIC_AWS_WORKSPACE_ID"));
}

#[tokio::test]
async fn half_a_key_pair_is_a_config_error() {
    let platform = platform().await;
    let err = builder(&platform)
        .secret_access_key(SECRET)
        .build()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Config { .. }), "{err:?}");
    // The message names the missing half, and never the half that was given.
    let text = err.to_string();
    assert!(
        text.contains("a secret access key was given without its access key ID"),
        "{text}"
    );
    assert!(!text.contains(SECRET) && !format!("{err:?}").contains(SECRET));
}

#[tokio::test]
async fn a_platform_that_knows_no_keys_rejects_signed_requests() {
    let platform = Emulator::builder().region(REGION).start().await.unwrap();
    let client = builder(&platform)
        .access_key(ACCESS_KEY, SECRET)
        .max_retries(0)
        .build()
        .await
        .unwrap();
    let err = client.models().retrieve(MODEL).await.unwrap_err();
    assert_eq!(
        err.as_api().unwrap().aws_error_code(),
        Some("UnrecognizedClientException")
    );
}
