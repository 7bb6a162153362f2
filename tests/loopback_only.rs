//! No test reaches an address off loopback, even when it fails: every test process runs with
//! instance metadata turned off (`.cargo/config.toml`'s `[env]`) and, on Linux when asked for
//! with `ANTHROPIC_AWS_TEST_NETWORK=loopback-only` (as `.ci/run` does), in a network namespace
//! that has only loopback (`.ci/loopback-only`). These checks fail when a guard that applies is
//! missing.
//! The addresses tried are TEST-NET-1 (192.0.2.0/24, RFC 5737): reserved, never anyone's.

mod common;

use std::time::Duration;

use anthropic_aws::Error;
use anthropic_aws::types::{MessageCreateParams, MessageParam};

/// An address off loopback that belongs to nobody.
const OFF_LOOPBACK: &str = "192.0.2.1:443";

/// `loopback-only` asks the runner for the namespace (and stays so inside it); the runner sets
/// `unguarded` where it cannot make one.
const GUARD: &str = "ANTHROPIC_AWS_TEST_NETWORK";

/// Far longer than a refusal takes: only reached when the packet really left the machine.
const BOUND: Duration = Duration::from_secs(20);

fn unguarded() -> bool {
    let guard = std::env::var(GUARD).ok();
    let unguarded = guard.as_deref() != Some("loopback-only");
    if unguarded {
        eprintln!(
            "{GUARD}={guard:?}: running without the loopback-only namespace \
             (ANTHROPIC_AWS_TEST_NETWORK=loopback-only cargo test asks for it)"
        );
    }
    unguarded
}

#[test]
fn instance_metadata_is_off_in_every_test_process() {
    assert_eq!(
        std::env::var("AWS_EC2_METADATA_DISABLED").as_deref(),
        Ok("true"),
        "AWS_EC2_METADATA_DISABLED must be set for every test process (.cargo/config.toml [env])"
    );
}

#[cfg(target_os = "linux")]
#[tokio::test]
async fn a_socket_off_loopback_fails_at_once() {
    if unguarded() {
        return;
    }
    let attempt = tokio::time::timeout(BOUND, tokio::net::TcpStream::connect(OFF_LOOPBACK)).await;
    match attempt {
        Ok(Err(e)) => assert_eq!(
            e.kind(),
            std::io::ErrorKind::NetworkUnreachable,
            "{e}: the test process can reach past loopback"
        ),
        Ok(Ok(_)) => panic!("a test opened a connection to {OFF_LOOPBACK}"),
        Err(_) => panic!(
            "a connection to {OFF_LOOPBACK} was attempted on the network: run the tests through \
             the runner of .cargo/config.toml (.ci/loopback-only); {GUARD}={:?}",
            std::env::var(GUARD).ok()
        ),
    }
}

#[cfg(target_os = "linux")]
#[tokio::test]
async fn a_client_pointed_off_loopback_fails_with_a_connection_error() {
    if unguarded() {
        return;
    }
    let client = common::builder_at(format!("http://{OFF_LOOPBACK}"))
        .api_key(common::API_KEY)
        .max_retries(0)
        .build()
        .await
        .expect("client builds");
    let params = MessageCreateParams::new(common::MODEL, 16, vec![MessageParam::user("hi")]);
    let sent = tokio::time::timeout(BOUND, client.messages().create(&params)).await;
    let err = sent
        .expect("the attempt is refused locally, not sent on the network")
        .expect_err("nothing answers off loopback");
    assert!(matches!(err, Error::Connection { .. }), "{err:?}");
    let chain = format!("{err:?}").to_lowercase();
    assert!(
        chain.contains("unreachable"),
        "refused by the guard: {chain}"
    );
}

#[tokio::test]
async fn loopback_still_works() {
    let platform = common::platform().await;
    let client = common::signed_client(&platform).await;
    let models = client.models().list(&Default::default()).await;
    assert!(models.is_ok(), "{models:?}");
}
