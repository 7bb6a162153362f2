//! With no credentials anywhere, the first call fails with a clear error and sends nothing;
//! the default chain reads the profile files the builder names. Its own test binary: it runs
//! its checks in a copy of itself whose environment has none of the variables the AWS chain reads.

mod common;

use anthropic_aws::types::{MessageCreateParams, MessageParam};
use anthropic_aws::{AuthSource, Client, Error};

/// Set in the environment of the copy of this test binary that runs the checks.
const CHILD: &str = "ANTHROPIC_AWS_TEST_NO_CREDENTIALS_CHILD";

/// The variables the default AWS chain (and the client) would read credentials from.
const CREDENTIAL_VARIABLES: [&str; 9] = [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_PROFILE",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "ANTHROPIC_AWS_API_KEY",
];

#[test]
fn no_credentials_anywhere_sends_nothing() {
    // The process environment is changed without `unsafe` (the crates forbid it): this test
    // runs itself again, alone, in a child whose environment has no credentials.
    let Some(home) = std::env::var_os(CHILD) else {
        let home = tempfile::tempdir().unwrap();
        let missing = home.path().join("missing");
        let mut child = std::process::Command::new(std::env::current_exe().unwrap());
        child
            .args([
                "no_credentials_anywhere_sends_nothing",
                "--exact",
                "--test-threads=1",
            ])
            .env(CHILD, home.path())
            .env("HOME", home.path())
            .env("AWS_CONFIG_FILE", &missing)
            .env("AWS_SHARED_CREDENTIALS_FILE", &missing)
            .env("AWS_EC2_METADATA_DISABLED", "true");
        for name in CREDENTIAL_VARIABLES {
            child.env_remove(name);
        }
        let output = child.output().unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "the check in a clean environment failed:\n{stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        // The child really ran the checks (a filter that matched nothing passes too).
        assert!(stdout.contains("1 passed"), "{stdout}");
        return;
    };
    let home = std::path::PathBuf::from(home);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let platform = common::platform().await;
        let client = Client::builder()
            .base_url(platform.base_url())
            .region(common::REGION)
            .workspace_id(common::WORKSPACE)
            .build()
            .await
            .expect("building needs no credentials yet");
        assert_eq!(client.auth_source(), &AuthSource::DefaultChain);
        let params = MessageCreateParams::new(common::MODEL, 16, vec![MessageParam::user("hi")]);
        let err = client.messages().create(&params).await.unwrap_err();
        assert!(matches!(err, Error::Credentials { .. }), "{err:?}");
        // The message is made from the sources really consulted, in the documented order:
        // the builder, ANTHROPIC_AWS_API_KEY, then the AWS default chain's providers.
        let lookup = err
            .credentials_lookup()
            .expect("the error says what it tried");
        assert_eq!(
            lookup.sources().collect::<Vec<_>>(),
            [
                "builder",
                "ANTHROPIC_AWS_API_KEY",
                "Environment",
                "Profile",
                "WebIdentityToken",
                "EcsContainer",
                "Ec2InstanceMetadata",
            ]
        );
        let shown = err.to_string();
        let mut at = 0;
        for attempt in lookup.attempts() {
            let found = shown[at..]
                .find(attempt.source())
                .unwrap_or_else(|| panic!("{} missing or out of order: {shown}", attempt.source()));
            at += found;
            assert!(
                !attempt.outcome().is_empty() && shown[at..].contains(attempt.outcome()),
                "{}: {} not shown in {shown}",
                attempt.source(),
                attempt.outcome()
            );
        }
        // What each source said is the source's own answer, not a fixed sentence.
        let outcome = |source: &str| lookup.attempt(source).unwrap().outcome().to_owned();
        assert_eq!(outcome("ANTHROPIC_AWS_API_KEY"), "not set");
        assert_eq!(outcome("Environment"), "environment variable not set");
        assert!(
            outcome("WebIdentityToken").contains("AWS_WEB_IDENTITY_TOKEN_FILE"),
            "{shown}"
        );
        // AWS_EC2_METADATA_DISABLED=true: instance metadata is reported as turned off.
        let imds = outcome("Ec2InstanceMetadata");
        assert!(
            imds.contains("disabled") && imds.contains("AWS_EC2_METADATA_DISABLED"),
            "{imds}"
        );
        // What to do next.
        for next in [
            "set ANTHROPIC_AWS_API_KEY",
            "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
            "`aws configure`",
            "`aws sso login`",
        ] {
            assert!(shown.contains(next), "the error should say {next}: {shown}");
        }
        assert_eq!(platform.request_count(), 0, "nothing was sent");

        // The default chain reads the profile files the builder names.
        let credentials = home.join("credentials");
        std::fs::write(
            &credentials,
            format!(
                "[default]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
                common::ACCESS_KEY,
                common::SECRET
            ),
        )
        .unwrap();
        let client = Client::builder()
            .base_url(platform.base_url())
            .region(common::REGION)
            .workspace_id(common::WORKSPACE)
            .aws_credentials_file(&credentials)
            .build()
            .await
            .unwrap();
        assert_eq!(client.auth_source(), &AuthSource::DefaultChain);
        client
            .messages()
            .create(&params)
            .await
            .expect("the default chain found the named credentials file");
        let sent = platform.requests().pop().unwrap();
        assert!(
            sent.header("authorization")
                .unwrap()
                .contains(common::ACCESS_KEY)
        );
    });
}
