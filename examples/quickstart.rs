//! Quickstart: one SigV4-signed call against the local Claude Platform on AWS, printing the
//! answer and both request IDs.
//!
//! ```text
//! cargo run --example quickstart
//! ```
//!
//! Against the real service, drop the local platform and let the client read the environment:
//! `AWS_REGION`, `ANTHROPIC_AWS_WORKSPACE_ID` and your usual AWS credentials.

use anthropic_aws::Client;
use anthropic_aws::types::{MessageCreateParams, MessageParam};
use anthropic_aws_emulator::Emulator;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // A local stand-in for https://aws-external-anthropic.us-west-2.api.aws that verifies
    // SigV4 signatures with its own verifier.
    let platform = Emulator::builder()
        .region("us-west-2")
        .workspace_id("wrkspc_quickstart")
        .access_key("AKIDQUICKSTART", "quickstart-secret-access-key")
        .start()
        .await?;
    println!("local platform: {}", platform.base_url());

    let client = Client::builder()
        .base_url(platform.base_url())
        .region("us-west-2")
        .workspace_id("wrkspc_quickstart")
        .access_key("AKIDQUICKSTART", "quickstart-secret-access-key")
        .build()
        .await?;

    let message = client
        .messages()
        .create(&MessageCreateParams::new(
            "claude-opus-4-8",
            1024,
            vec![MessageParam::user("Hello, Claude")],
        ))
        .await?;

    println!("answer: {}", message.text());
    println!(
        "AWS request ID (x-amzn-requestid, CloudTrail): {}",
        message.aws_request_id().unwrap_or("none")
    );
    println!(
        "Anthropic request ID (request-id): {}",
        message.anthropic_request_id().unwrap_or("none")
    );
    Ok(())
}
