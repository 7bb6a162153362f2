//! CloudTrail correlation: one JSON line per call with both request IDs, then how to find the
//! CloudTrail event of a logged AWS request ID. Runs against the local platform.
//!
//! ```text
//! cargo run --example cloudtrail_ids
//! ```
//!
//! `aws_request_id` (`x-amzn-requestid`) is the `requestID` CloudTrail records;
//! `anthropic_request_id` (`request-id`) is for Anthropic support. A call the AWS front door
//! refused (signature, IAM, throttling) has only the AWS one. Inference calls are CloudTrail
//! *data events*: they appear only in a trail or CloudTrail Lake event data store that selects
//! data events of resource type `AWS::AWSExternalAnthropic::Workspace`, and never in
//! `aws cloudtrail lookup-events` (management events only).

use std::time::{SystemTime, UNIX_EPOCH};

use anthropic_aws::types::{CountTokensParams, MessageCreateParams, MessageParam};
use anthropic_aws::{Client, Error, RequestIds};
use anthropic_aws_emulator::{Emulator, Fault};
use serde_json::json;

const WORKSPACE: &str = "wrkspc_cloudtrail";

/// One JSON line for a call: what it was, how it ended and both IDs.
fn log_call(operation: &str, outcome: Result<(u16, &RequestIds), &Error>) {
    let unix_time = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (status, ids, error, aws_error) = match outcome {
        Ok((status, ids)) => (Some(status), Some(ids), None, None),
        Err(err) => (
            err.status().map(|s| s.as_u16()),
            err.request_ids(),
            Some(err.error_type().map_or("other", |t| t.as_str())),
            // CloudTrail's `errorCode` for a front-door refusal.
            err.as_api().and_then(|api| api.aws_error_code()),
        ),
    };
    let line = json!({
        "unix_time": unix_time,
        "workspace_id": WORKSPACE,
        "operation": operation,
        "status": status,
        "error_type": error,
        "aws_error_code": aws_error,
        "aws_request_id": ids.and_then(RequestIds::aws),
        "anthropic_request_id": ids.and_then(RequestIds::anthropic),
    });
    println!("{line}");
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let platform = Emulator::builder()
        .region("us-west-2")
        .workspace_id(WORKSPACE)
        .access_key("AKIDCLOUDTRAIL", "cloudtrail-example-secret-access-key")
        .start()
        .await?;
    let client = Client::builder()
        .base_url(platform.base_url())
        .region("us-west-2")
        .workspace_id(WORKSPACE)
        .access_key("AKIDCLOUDTRAIL", "cloudtrail-example-secret-access-key")
        .max_retries(0)
        .build()
        .await?;
    let messages = vec![MessageParam::user("Hello, Claude")];

    let created = client
        .messages()
        .create(&MessageCreateParams::new(
            "claude-opus-4-8",
            256,
            messages.clone(),
        ))
        .await;
    match &created {
        Ok(message) => log_call(
            "CreateInference",
            Ok((message.status().as_u16(), message.request_ids())),
        ),
        Err(err) => log_call("CreateInference", Err(err)),
    }

    let counted = client
        .messages()
        .count_tokens(&CountTokensParams::new("claude-opus-4-8", messages.clone()))
        .await;
    match &counted {
        Ok(count) => log_call(
            "CountTokens",
            Ok((count.status().as_u16(), count.request_ids())),
        ),
        Err(err) => log_call("CountTokens", Err(err)),
    }

    // The AWS front door refusing a call: only the AWS ID exists, and CloudTrail has it.
    platform.push_fault(Fault::aws(400, "ThrottlingException", "Rate exceeded"));
    let throttled = client
        .messages()
        .create(&MessageCreateParams::new("claude-opus-4-8", 256, messages))
        .await;
    if let Err(err) = &throttled {
        log_call("CreateInference", Err(err));
    }

    let aws_id = created
        .as_ref()
        .ok()
        .and_then(|m| m.aws_request_id())
        .unwrap_or("<aws request id>");
    println!();
    println!("-- To find a call's CloudTrail event, once data events are logged:");
    println!(
        "--   aws cloudtrail put-event-selectors --trail-name <trail> --advanced-event-selectors \\"
    );
    println!("--     '[{{\"Name\":\"Claude on AWS\",\"FieldSelectors\":[");
    println!("--       {{\"Field\":\"eventCategory\",\"Equals\":[\"Data\"]}},");
    println!(
        "--       {{\"Field\":\"resources.type\",\"Equals\":[\"AWS::AWSExternalAnthropic::Workspace\"]}}]}}]'"
    );
    println!(
        "-- (or the same selector on a CloudTrail Lake event data store), query CloudTrail Lake:"
    );
    println!(
        "SELECT eventTime, eventName, userIdentity.arn, sourceIPAddress, errorCode\n\
         FROM <event-data-store-id>\n\
         WHERE eventCategory = 'Data'\n  AND requestID = '{aws_id}'"
    );
    Ok(())
}
