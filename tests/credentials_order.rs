//! The authentication order, one test per step: explicit API key > explicit access key >
//! credentials provider > named profile > `ANTHROPIC_AWS_API_KEY` > the default AWS chain.
//! Each test offers its step and every step below it, and checks on the wire which one signed.

mod common;

use anthropic_aws::types::{MessageCreateParams, MessageParam};
use anthropic_aws::{AuthSource, Client, ClientBuilder};
use anthropic_aws_emulator::EmulatorHandle;
use aws_credential_types::Credentials;
use common::*;

/// A second long-term key the platform does not know; only used where it must lose.
const LOSING_KEY: &str = "AKIDSHOULDNOTBEUSED";

fn hello() -> MessageCreateParams {
    MessageCreateParams::new(MODEL, 16, vec![MessageParam::user("Hello")])
}

/// Profile files with `[claude]` holding the session key and `[default]` the long-term key.
fn profile_files() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temp dir");
    std::fs::write(
        dir.path().join("credentials"),
        format!(
            "[default]\naws_access_key_id = {ACCESS_KEY}\naws_secret_access_key = {SECRET}\n\n\
             [claude]\naws_access_key_id = {SESSION_ACCESS_KEY}\n\
             aws_secret_access_key = {SESSION_SECRET}\naws_session_token = {SESSION_TOKEN}\n"
        ),
    )
    .expect("credentials file");
    std::fs::write(
        dir.path().join("config"),
        "[default]\nregion = us-west-2\n\n[profile claude]\nregion = us-west-2\n",
    )
    .expect("config file");
    dir
}

/// A builder whose environment offers `ANTHROPIC_AWS_API_KEY` and whose profile files are
/// `files` (so the default chain finds `[default]`).
fn offered(platform: &EmulatorHandle, files: &tempfile::TempDir) -> ClientBuilder {
    Client::builder()
        .env_lookup(|name| (name == "ANTHROPIC_AWS_API_KEY").then(|| API_KEY.to_owned()))
        .base_url(platform.base_url())
        .region(REGION)
        .workspace_id(WORKSPACE)
        .aws_config_file(files.path().join("config"))
        .aws_credentials_file(files.path().join("credentials"))
        .max_retries(0)
}

fn provider() -> Credentials {
    Credentials::new(
        SESSION_ACCESS_KEY,
        SESSION_SECRET,
        Some(SESSION_TOKEN.to_owned()),
        None,
        "test-provider",
    )
}

/// Sends one message and returns the `Authorization` header the platform received.
async fn authorization(client: &Client, platform: &EmulatorHandle) -> String {
    client
        .messages()
        .create(&hello())
        .await
        .expect("the winning credentials work");
    last_request(platform)
        .header("authorization")
        .expect("an authorization header")
        .to_owned()
}

#[tokio::test]
async fn an_explicit_api_key_beats_everything() {
    let platform = platform().await;
    let files = profile_files();
    let client = offered(&platform, &files)
        .api_key(API_KEY)
        .access_key(LOSING_KEY, "wrong")
        .credentials_provider(provider())
        .profile("claude")
        .build()
        .await
        .unwrap();
    assert_eq!(client.auth_source(), &AuthSource::ApiKey);
    assert_eq!(
        authorization(&client, &platform).await,
        format!("Bearer {API_KEY}")
    );
}

#[tokio::test]
async fn an_explicit_access_key_beats_a_provider_a_profile_and_the_env_key() {
    let platform = platform().await;
    let files = profile_files();
    let client = offered(&platform, &files)
        .access_key(ACCESS_KEY, SECRET)
        .credentials_provider(provider())
        .profile("claude")
        .build()
        .await
        .unwrap();
    assert_eq!(client.auth_source(), &AuthSource::AccessKeys);
    let auth = authorization(&client, &platform).await;
    assert!(
        auth.contains(&format!("Credential={ACCESS_KEY}/")),
        "{auth}"
    );
    assert_eq!(last_request(&platform).header("x-amz-security-token"), None);
}

#[tokio::test]
async fn a_provider_beats_a_profile_and_the_env_key() {
    let platform = platform().await;
    let files = profile_files();
    // The profile would sign with the same session key: name one that does not exist, so
    // the call fails if the profile is consulted before the provider.
    let client = offered(&platform, &files)
        .credentials_provider(provider())
        .profile("no-such-profile")
        .build()
        .await
        .unwrap();
    assert_eq!(client.auth_source(), &AuthSource::CredentialsProvider);
    let auth = authorization(&client, &platform).await;
    assert!(
        auth.contains(&format!("Credential={SESSION_ACCESS_KEY}/")),
        "{auth}"
    );
    assert_eq!(
        last_request(&platform).header("x-amz-security-token"),
        Some(SESSION_TOKEN)
    );
}

#[tokio::test]
async fn a_named_profile_beats_the_env_key_and_the_default_chain() {
    let platform = platform().await;
    let files = profile_files();
    let client = offered(&platform, &files)
        .profile("claude")
        .build()
        .await
        .unwrap();
    assert_eq!(client.auth_source(), &AuthSource::Profile("claude".into()));
    let auth = authorization(&client, &platform).await;
    assert!(
        auth.contains(&format!("Credential={SESSION_ACCESS_KEY}/")),
        "{auth}"
    );
}

#[tokio::test]
async fn the_env_key_beats_the_default_chain() {
    let platform = platform().await;
    let files = profile_files();
    let client = offered(&platform, &files).build().await.unwrap();
    assert_eq!(client.auth_source(), &AuthSource::ApiKeyFromEnv);
    assert_eq!(
        authorization(&client, &platform).await,
        format!("Bearer {API_KEY}")
    );
}

#[tokio::test]
async fn the_default_chain_comes_last() {
    // Should the chain find nothing in the files, it must not go on to instance metadata
    // (169.254.169.254): `.cargo/config.toml` turns it off for every test process.
    assert_eq!(
        std::env::var("AWS_EC2_METADATA_DISABLED").as_deref(),
        Ok("true")
    );
    let platform = platform().await;
    let files = profile_files();
    let client = offered(&platform, &files)
        .env_lookup(|_| None)
        .build()
        .await
        .unwrap();
    assert_eq!(client.auth_source(), &AuthSource::DefaultChain);
    // The chain's profile step finds `[default]` in the files given to the builder.
    let auth = authorization(&client, &platform).await;
    assert!(
        auth.contains(&format!("Credential={ACCESS_KEY}/")),
        "{auth}"
    );
}
