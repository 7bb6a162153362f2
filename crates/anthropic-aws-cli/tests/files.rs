//! `anthropic-aws beta:files …` (and its alias `files …`) as a process against the local
//! platform: upload, list (every page, --max-items, jsonl), retrieve-metadata, delete, and
//! download to a path or stdout, a broken-off download resumed, or past the retry budget
//! leaving nothing behind.

mod common;

use anthropic_aws_emulator::{Emulator, EmulatorHandle, Fault};
use common::process::*;
use common::*;
use serde_json::Value;

/// Deterministic content of `n` bytes.
fn content(n: usize) -> Vec<u8> {
    (0..n).map(|i| ((i * 13 + i / 253) % 256) as u8).collect()
}

async fn downloadable_platform() -> EmulatorHandle {
    Emulator::builder()
        .region(REGION)
        .workspace_id(WORKSPACE)
        .access_key(ACCESS_KEY, SECRET)
        .files_downloadable(true)
        .start()
        .await
        .expect("the local platform starts")
}

/// Uploads `name` holding `data` through the CLI; its metadata.
async fn upload(platform: &EmulatorHandle, name: &str, data: &[u8]) -> Value {
    let cli = Cli::signed(platform);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, data).unwrap();
    let run = cli
        .args(["beta:files", "upload", "--file", path.to_str().unwrap()])
        .run()
        .await;
    run.success().json()
}

#[tokio::test(flavor = "multi_thread")]
async fn upload_prints_the_metadata() {
    let platform = platform().await;
    let data = content(200_003);
    let file = upload(&platform, "report.pdf", &data).await;
    assert!(file["id"].as_str().unwrap().starts_with("file_"), "{file}");
    assert_eq!(file["filename"], "report.pdf");
    assert_eq!(file["mime_type"], "application/pdf");
    assert_eq!(file["size_bytes"], 200_003);
    assert_eq!(platform.file_upload_count(), 1);
    let stored = platform.files();
    assert_eq!(stored[0].size_bytes, 200_003);

    // The alias, and flags for the name and the type.
    let cli = Cli::signed(&platform);
    let path = cli.file("notes", "plain words");
    let run = cli
        .args(["files", "upload", "--file", path.to_str().unwrap()])
        .args(["--filename", "notes.md", "--mime-type", "text/markdown"])
        .run()
        .await;
    let file = run.success().json();
    assert_eq!(file["filename"], "notes.md");
    assert_eq!(file["mime_type"], "text/markdown");
    assert_eq!(file["size_bytes"], 11);
    assert_eq!(platform.file_upload_count(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn upload_of_a_missing_file_is_a_usage_error_with_nothing_sent() {
    let platform = platform().await;
    let run = Cli::signed(&platform)
        .args(["beta:files", "upload", "--file", "/nonexistent/x.pdf"])
        .args(["--format-error", "json"])
        .run()
        .await;
    assert_eq!(run.code, 2, "{run:#?}");
    assert!(run.stderr.contains("/nonexistent/x.pdf"), "{run:#?}");
    assert_eq!(platform.request_count(), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn list_reads_every_page_unless_max_items_says_fewer() {
    let platform = platform().await;
    let mut ids = Vec::new();
    for i in 0..3 {
        let file = upload(&platform, &format!("f{i}.txt"), b"x").await;
        ids.push(file["id"].as_str().unwrap().to_owned());
    }
    let run = Cli::signed(&platform)
        .args(["beta:files", "list", "--limit", "2"])
        .run()
        .await;
    let all = run.success().json();
    let mut listed: Vec<String> = all["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_owned())
        .collect();
    listed.sort();
    ids.sort();
    assert_eq!(listed, ids);
    let pages = platform
        .requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path_and_query.starts_with("/v1/files?limit=2"))
        .count();
    assert_eq!(pages, 2);

    let run = Cli::signed(&platform)
        .args(["files", "list", "--limit", "1", "--max-items", "2"])
        .run()
        .await;
    assert_eq!(run.success().json()["data"].as_array().unwrap().len(), 2);

    let run = Cli::signed(&platform)
        .args(["beta:files", "list", "--format", "jsonl"])
        .run()
        .await;
    let lines: Vec<Value> = run
        .success()
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert!(
        lines
            .iter()
            .all(|f| f["id"].as_str().unwrap().starts_with("file_"))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn retrieve_metadata_and_delete_take_the_id_either_way() {
    let platform = platform().await;
    let file = upload(&platform, "a.txt", b"hello").await;
    let id = file["id"].as_str().unwrap();
    for args in [vec![id], vec!["--file-id", id]] {
        let run = Cli::signed(&platform)
            .args(["beta:files", "retrieve-metadata"])
            .args(&args)
            .run()
            .await;
        let meta = run.success().json();
        assert_eq!(meta["id"], id);
        assert_eq!(meta["size_bytes"], 5);
    }
    let run = Cli::signed(&platform)
        .args(["files", "delete", "--file-id", id])
        .run()
        .await;
    let deleted = run.success().json();
    assert_eq!(
        (deleted["id"].as_str(), deleted["type"].as_str()),
        (Some(id), Some("file_deleted"))
    );
    assert!(platform.files().is_empty());
    let run = Cli::signed(&platform)
        .args([
            "beta:files",
            "retrieve-metadata",
            id,
            "--format-error",
            "json",
        ])
        .run()
        .await;
    assert_eq!(run.code, 1, "{run:#?}");
    assert_eq!(
        run.error_line()["error"]["type"],
        "not_found_error",
        "{run:#?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn download_writes_the_content_to_a_path_or_stdout() {
    let platform = downloadable_platform().await;
    let data = content(1_234_567);
    let file = upload(&platform, "data.bin", &data).await;
    let id = file["id"].as_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("out.bin");
    let run = Cli::signed(&platform)
        .args([
            "beta:files",
            "download",
            id,
            "--output",
            output.to_str().unwrap(),
        ])
        .run()
        .await;
    let summary = run.success().json();
    assert_eq!(summary["bytes"], 1_234_567);
    assert!(std::fs::read(&output).unwrap() == data);

    let run = Cli::signed(&platform)
        .args(["files", "download", "--file-id", id, "--output", "-"])
        .run()
        .await;
    run.success();
    assert!(
        run.stdout_bytes == data,
        "stdout has {} bytes",
        run.stdout_bytes.len()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_download_that_breaks_off_resumes_and_past_the_budget_leaves_nothing() {
    let platform = downloadable_platform().await;
    let data = content(2_000_000);
    let file = upload(&platform, "big.bin", &data).await;
    let id = file["id"].as_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("big.bin");
    let download = |retries: &str| {
        Cli::signed(&platform)
            .args([
                "beta:files",
                "download",
                id,
                "--output",
                output.to_str().unwrap(),
            ])
            .args(["--max-retries", retries, "--format-error", "json"])
    };
    // Cut halfway once: resumed from the bytes written, with `Range`.
    platform.push_fault(Fault::cut_body());
    let run = download("1").run().await;
    assert_eq!(run.success().json()["bytes"], 2_000_000);
    assert!(std::fs::read(&output).unwrap() == data);
    let resumed = platform.requests().pop().unwrap();
    assert_eq!(resumed.header("range"), Some("bytes=1000000-"));
    assert_eq!(resumed.status, 206);
    std::fs::remove_file(&output).unwrap();

    // Cut twice with one retry: past the budget, an error and nothing left.
    platform.push_fault(Fault::cut_body());
    platform.push_fault(Fault::cut_body());
    let run = download("1").run().await;
    assert_eq!(run.code, 1, "{run:#?}");
    let error = run.error_line();
    assert_eq!(error["error"]["type"], "file_error", "{run:#?}");
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("broke off after 1500000 bytes of 2000000"),
        "{error}"
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}
