//! `anthropic-aws messages:batches …` run as a process against the local platform: create
//! (`--request` YAML flow, repeated, and `--requests-file`), retrieve, list (every page,
//! `--max-items`, `--format jsonl`), cancel, delete, results of every type as JSON Lines, the
//! resumable runner, and usage errors that send nothing.

mod common;

use std::time::Duration;

use anthropic_aws_emulator::{Emulator, EmulatorHandle};
use common::*;
use serde_json::{Value, json};

/// A `--request` in YAML flow style; `model` may carry a `~scenario`.
fn request_flow(custom_id: &str, model: &str) -> String {
    format!(
        "{{custom_id: {custom_id}, params: {{model: '{model}', max_tokens: 64, \
         messages: [{{role: user, content: \"Hello, Claude\"}}]}}}}"
    )
}

/// A requests-file line (JSON).
fn request_line(custom_id: &str, model: &str) -> String {
    json!({"custom_id": custom_id, "params": {"model": model, "max_tokens": 64,
        "messages": [{"role": "user", "content": "Hello"}]}})
    .to_string()
}

/// A local platform whose batches stay `in_progress` for an hour.
async fn slow_platform() -> EmulatorHandle {
    Emulator::builder()
        .region(REGION)
        .workspace_id(WORKSPACE)
        .access_key(ACCESS_KEY, SECRET)
        .batch_processing_delay(Duration::from_secs(3600))
        .start()
        .await
        .expect("the local platform starts")
}

fn batches(args: &[&str]) -> Vec<String> {
    let mut all = vec!["messages:batches".to_owned()];
    all.extend(args.iter().map(|a| (*a).to_owned()));
    all
}

/// `messages:batches create` with `requests`; the batch printed.
async fn create(platform: &EmulatorHandle, requests: &[(&str, &str)]) -> Value {
    let mut args = batches(&["create", "--format", "json"]);
    for (id, model) in requests {
        args.push("--request".to_owned());
        args.push(request_flow(id, model));
    }
    let run = Cli::signed(platform).args(args).run().await;
    run.success().json()
}

/// The JSON objects of a JSON Lines text.
fn json_lines(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l:?}")))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn create_with_repeated_yaml_flow_requests_and_a_requests_file() {
    let platform = platform().await;
    let batch = create(
        &platform,
        &[("a", MODEL), ("b", &format!("{MODEL}~status=529"))],
    )
    .await;
    assert!(batch["id"].as_str().unwrap().starts_with("msgbatch_"));
    assert_eq!(batch["type"], "message_batch");
    assert_eq!(batch["processing_status"], "ended");
    assert_eq!(batch["request_counts"]["succeeded"], 1);
    assert_eq!(batch["request_counts"]["errored"], 1);
    let sent: Value = serde_json::from_slice(&last_request(&platform).body).unwrap();
    assert_eq!(
        sent,
        json!({"requests": [
            {"custom_id": "a", "params": {"model": MODEL, "max_tokens": 64,
                "messages": [{"role": "user", "content": "Hello, Claude"}]}},
            {"custom_id": "b", "params": {"model": format!("{MODEL}~status=529"), "max_tokens": 64,
                "messages": [{"role": "user", "content": "Hello, Claude"}]}},
        ]})
    );

    // --requests-file (blank lines skipped), after a --request.
    let cli = Cli::signed(&platform);
    let file = cli.file(
        "requests.jsonl",
        &format!(
            "{}\n\n{}\n{}\n",
            request_line("f1", MODEL),
            request_line("f2", MODEL),
            request_line("f3", MODEL)
        ),
    );
    let run = cli
        .args(batches(&[
            "create",
            "--request",
            &request_flow("first", MODEL),
            "--requests-file",
            file.to_str().unwrap(),
        ]))
        .run()
        .await;
    let batch = run.success().json();
    assert_eq!(batch["request_counts"]["succeeded"], 4);
    let created = platform.batches();
    assert_eq!(created.len(), 2);
    assert_eq!(created[1].custom_ids, ["first", "f1", "f2", "f3"]);
    assert_eq!(platform.batch_create_count(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn retrieve_by_positional_id_or_flag() {
    let platform = platform().await;
    let id = create(&platform, &[("a", MODEL)]).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let positional = Cli::signed(&platform)
        .args(batches(&["retrieve", &id, "--format", "json"]))
        .run()
        .await;
    let flag = Cli::signed(&platform)
        .args(batches(&["retrieve", "--message-batch-id", &id]))
        .args(["--format", "json"])
        .run()
        .await;
    assert_eq!(positional.success().json()["id"], id.as_str());
    assert_eq!(flag.success().json(), positional.json());
    let record = last_request(&platform);
    assert_eq!(
        (record.method.as_str(), record.path_and_query.as_str()),
        ("GET", format!("/v1/messages/batches/{id}").as_str())
    );

    // An unknown ID is the platform's not_found, exit 1.
    let run = Cli::signed(&platform)
        .args(batches(&[
            "retrieve",
            "msgbatch_nope",
            "--format-error",
            "json",
        ]))
        .run()
        .await;
    assert_eq!(run.code, 1, "{run:#?}");
    assert_eq!(run.error_line()["error"]["type"], "not_found_error");
}

#[tokio::test(flavor = "multi_thread")]
async fn list_reads_every_page_stops_at_max_items_and_prints_jsonl() {
    let platform = platform().await;
    let mut ids = Vec::new();
    for n in 0..5 {
        let batch = create(&platform, &[(&format!("r{n}"), MODEL)]).await;
        ids.push(batch["id"].as_str().unwrap().to_owned());
    }
    // Newest first.
    ids.reverse();
    let before = platform.request_count();
    let run = Cli::signed(&platform)
        .args(batches(&["list", "--limit", "2", "--format", "json"]))
        .run()
        .await;
    let listed: Vec<String> = run.success().json()["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(listed, ids);
    let pages: Vec<String> = platform.requests()[before..]
        .iter()
        .map(|r| r.path_and_query.clone())
        .collect();
    assert_eq!(
        pages,
        [
            "/v1/messages/batches?limit=2".to_owned(),
            format!("/v1/messages/batches?after_id={}&limit=2", ids[1]),
            format!("/v1/messages/batches?after_id={}&limit=2", ids[3]),
        ]
    );

    let run = Cli::signed(&platform)
        .args(batches(&["list", "--limit", "2", "--max-items", "3"]))
        .args(["--format", "json"])
        .run()
        .await;
    assert_eq!(run.success().json()["data"].as_array().unwrap().len(), 3);

    let run = Cli::signed(&platform)
        .args(batches(&["list", "--limit", "2", "--format", "jsonl"]))
        .run()
        .await;
    let lines = json_lines(&run.success().stdout);
    let listed: Vec<&str> = lines.iter().map(|b| b["id"].as_str().unwrap()).collect();
    assert_eq!(listed, ids);
    assert!(lines.iter().all(|b| b["type"] == "message_batch"));
}

#[tokio::test(flavor = "multi_thread")]
async fn cancel_then_delete_and_an_in_progress_batch_cannot_be_deleted() {
    let platform = slow_platform().await;
    let id = create(&platform, &[("x", MODEL), ("y", MODEL)]).await["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let run = Cli::signed(&platform)
        .args(batches(&["delete", &id, "--format-error", "json"]))
        .run()
        .await;
    assert_eq!(run.code, 1, "{run:#?}");
    assert_eq!(run.error_line()["error"]["type"], "invalid_request_error");

    let run = Cli::signed(&platform)
        .args(batches(&["cancel", &id, "--format", "json"]))
        .run()
        .await;
    let canceling = run.success().json();
    assert_eq!(canceling["processing_status"], "canceling");
    let record = last_request(&platform);
    assert_eq!(
        (record.method.as_str(), record.path_and_query.as_str()),
        ("POST", format!("/v1/messages/batches/{id}/cancel").as_str())
    );

    let ended = Cli::signed(&platform)
        .args(batches(&["retrieve", &id, "--format", "json"]))
        .run()
        .await;
    let ended = ended.success().json();
    assert_eq!(ended["processing_status"], "ended");
    assert_eq!(ended["request_counts"]["canceled"], 2);

    let run = Cli::signed(&platform)
        .args(batches(&["delete", "--message-batch-id", &id]))
        .args(["--format", "json"])
        .run()
        .await;
    assert_eq!(
        run.success().json(),
        json!({"id": id, "type": "message_batch_deleted"})
    );
    assert!(platform.batches().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn results_print_one_result_a_line_of_every_type() {
    let platform = platform().await;
    let id = create(
        &platform,
        &[
            ("ok", MODEL),
            ("busy", &format!("{MODEL}~status=529")),
            ("late", &format!("{MODEL}~batch-expire=true")),
        ],
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let run = Cli::signed(&platform)
        .args(batches(&["results", &id]))
        .run()
        .await;
    let lines = json_lines(&run.success().stdout);
    assert_eq!(run.stdout.lines().count(), 3);
    let ids: Vec<&str> = lines
        .iter()
        .map(|l| l["custom_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["ok", "busy", "late"]);
    let types: Vec<&str> = lines
        .iter()
        .map(|l| l["result"]["type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["succeeded", "errored", "expired"]);
    assert_eq!(lines[0]["result"]["message"]["model"], MODEL);
    assert!(
        !lines[0]["result"]["message"]["content"][0]["text"]
            .as_str()
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        lines[1]["result"]["error"]["error"]["type"],
        "overloaded_error"
    );
    let record = last_request(&platform);
    assert_eq!(
        record.path_and_query,
        format!("/v1/messages/batches/{id}/results")
    );
    assert_eq!(record.header("accept"), Some("application/binary"));

    // Canceled results, and a batch still in progress has none yet (exit 1, nothing asked).
    let slow = slow_platform().await;
    let id = create(&slow, &[("x", MODEL)]).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let run = Cli::signed(&slow)
        .args(batches(&["results", &id]))
        .run()
        .await;
    assert_eq!(run.code, 1, "{run:#?}");
    assert!(run.stdout.is_empty());
    assert!(
        !slow
            .requests()
            .iter()
            .any(|r| r.path_and_query.ends_with("/results"))
    );
    Cli::signed(&slow)
        .args(batches(&["cancel", &id]))
        .run()
        .await
        .success();
    let run = Cli::signed(&slow)
        .args(batches(&["results", &id]))
        .run()
        .await;
    assert_eq!(
        json_lines(&run.success().stdout),
        [json!({"custom_id": "x", "result": {"type": "canceled"}})]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn run_splits_writes_counts_and_resumes_without_resubmitting() {
    let platform = platform().await;
    // Files outside the runs' temporary HOMEs, which go with each run.
    let dir = tempfile::tempdir().unwrap();
    let models = [
        MODEL.to_owned(),
        MODEL.to_owned(),
        format!("{MODEL}~status=529"),
        MODEL.to_owned(),
        MODEL.to_owned(),
    ];
    let input: String = models
        .iter()
        .enumerate()
        .map(|(n, model)| request_line(&format!("q{n}"), model) + "\n")
        .collect();
    let input_path = dir.path().join("requests.jsonl");
    std::fs::write(&input_path, input).unwrap();
    let input = input_path;
    let output = dir.path().join("results.jsonl");
    let args = batches(&[
        "run",
        "--input",
        input.to_str().unwrap(),
        "--output",
        output.to_str().unwrap(),
        "--max-requests-per-batch",
        "2",
        "--format",
        "json",
    ]);
    let run = Cli::signed(&platform).args(&args).run().await;
    let report = run.success().json();
    assert_eq!(report["batches"].as_array().unwrap().len(), 3);
    assert_eq!(report["request_counts"]["succeeded"], 4);
    assert_eq!(report["request_counts"]["errored"], 1);
    assert_eq!(platform.batch_create_count(), 3);
    let sizes: Vec<usize> = platform
        .batches()
        .iter()
        .map(|b| b.custom_ids.len())
        .collect();
    assert_eq!(sizes, [2, 2, 1]);
    let written = std::fs::read_to_string(&output).unwrap();
    let lines = json_lines(&written);
    let mut ids: Vec<&str> = lines
        .iter()
        .map(|l| l["custom_id"].as_str().unwrap())
        .collect();
    ids.sort_unstable();
    assert_eq!(ids, ["q0", "q1", "q2", "q3", "q4"]);
    let errored: Vec<&str> = lines
        .iter()
        .filter(|l| l["result"]["type"] == "errored")
        .map(|l| l["custom_id"].as_str().unwrap())
        .collect();
    assert_eq!(errored, ["q2"]);

    // The same command again: nothing submitted, nothing written twice.
    let again = Cli::signed(&platform).args(&args).run().await;
    assert_eq!(again.success().json()["batches"], report["batches"]);
    assert_eq!(platform.batch_create_count(), 3);
    assert_eq!(std::fs::read_to_string(&output).unwrap(), written);
}

#[tokio::test(flavor = "multi_thread")]
async fn usage_errors_exit_2_with_nothing_sent() {
    let platform = platform().await;
    let missing = std::env::temp_dir().join("anthropic-aws-no-such-requests.jsonl");
    let missing = missing.to_str().unwrap();
    let cases: Vec<Vec<String>> = vec![
        batches(&["create"]),
        batches(&["create", "--request", "{custom_id: a, params: [unclosed"]),
        batches(&["create", "--request", "{custom_id: a}"]),
        batches(&["create", "--requests-file", missing]),
        batches(&["retrieve"]),
        batches(&["retrieve", "msgbatch_a", "--message-batch-id", "msgbatch_b"]),
        batches(&["cancel"]),
        batches(&["delete"]),
        batches(&["results"]),
        batches(&["list", "--limit", "many"]),
        batches(&["run", "--input", missing, "--output", "out.jsonl"]),
        batches(&["run", "--output", "out.jsonl"]),
        batches(&["explode"]),
    ];
    for args in cases {
        let run = Cli::signed(&platform).args(&args).run().await;
        assert_eq!(run.code, 2, "{args:?}: {run:#?}");
        assert!(run.stdout.is_empty(), "{args:?}: {run:#?}");
        assert!(!run.stderr.is_empty(), "{args:?}");
    }
    assert_eq!(platform.request_count(), 0);

    // A requests file with a line that is not a request names the line.
    let cli = Cli::signed(&platform);
    let file = cli.file(
        "bad.jsonl",
        &format!("{}\n{{\"custom_id\": 5}}\n", request_line("ok", MODEL)),
    );
    let run = cli
        .args(batches(&[
            "create",
            "--requests-file",
            file.to_str().unwrap(),
        ]))
        .run()
        .await;
    assert_eq!(run.code, 2, "{run:#?}");
    assert!(run.stderr.contains("line 2"), "{run:#?}");
    assert_eq!(platform.request_count(), 0);
}
