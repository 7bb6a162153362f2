//! `--debug` names both request IDs of every response, from the one wire observer: each page
//! of a list and each attempt of a retried call gets its own pair, right after its headers.

mod common;

use anthropic_aws_emulator::Fault;
use common::*;

/// The `aws request id:` values, in the order printed.
fn printed_aws_ids(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter_map(|l| l.strip_prefix("aws request id: "))
        .collect()
}

/// The status lines, in the order printed.
fn status_lines(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.starts_with("< HTTP "))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn every_page_of_a_list_reports_its_own_ids() {
    let platform = platform().await;
    let run = Cli::signed(&platform)
        .args([
            "models",
            "list",
            "--limit",
            "1",
            "--max-items",
            "3",
            "--debug",
        ])
        .run()
        .await;
    run.success();
    let sent: Vec<String> = platform
        .requests()
        .into_iter()
        .filter(|r| r.path_and_query.starts_with("/v1/models"))
        .map(|r| r.aws_request_id)
        .collect();
    assert_eq!(sent.len(), 3, "one page a model: {}", run.stderr);
    assert_eq!(printed_aws_ids(&run.stderr), sent, "{}", run.stderr);
    assert_eq!(status_lines(&run.stderr).len(), 3, "{}", run.stderr);
    // Each pair follows its own response's headers, before the next request goes out.
    let first_pair = run.stderr.find("aws request id: ").expect("a pair");
    let second_request = run
        .stderr
        .match_indices("> GET ")
        .nth(1)
        .expect("a second page")
        .0;
    assert!(first_pair < second_request, "{}", run.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn each_attempt_of_a_retried_call_reports_its_ids() {
    let platform = platform().await;
    platform.push_fault(Fault::aws(429, "ThrottlingException", "Rate exceeded"));
    let run = Cli::signed(&platform)
        .args(["models", "get", MODEL, "--debug", "--max-retries", "1"])
        .run()
        .await;
    run.success();
    let sent: Vec<String> = platform
        .requests()
        .into_iter()
        .map(|r| r.aws_request_id)
        .collect();
    assert_eq!(sent.len(), 2, "the refusal and the retry: {}", run.stderr);
    assert_ne!(sent[0], sent[1]);
    assert_eq!(printed_aws_ids(&run.stderr), sent, "{}", run.stderr);
    let statuses = status_lines(&run.stderr);
    assert!(statuses[0].starts_with("< HTTP 429"), "{}", run.stderr);
    assert!(statuses[1].starts_with("< HTTP 200"), "{}", run.stderr);
    // The throttled answer came from the AWS front door: no Anthropic ID for it.
    let anthropic: Vec<&str> = run
        .stderr
        .lines()
        .filter_map(|l| l.strip_prefix("anthropic request id: "))
        .collect();
    assert_eq!(anthropic.len(), 2, "{}", run.stderr);
    assert_eq!(anthropic[0], "none");
    assert_ne!(anthropic[1], "none");
}
