//! `anthropic-aws beta:skills …` and `beta:skills:versions …` as a process against the local
//! platform: create from a folder (signed, verified), list, retrieve, versions, and delete refused
//! while versions remain.

mod common;

use anthropic_aws_emulator::EmulatorHandle;
use common::process::*;
use common::*;
use serde_json::Value;

/// A skill folder `name/` with its SKILL.md and one script, in a fresh temp dir.
fn skill_folder(name: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join(name);
    std::fs::create_dir_all(root.join("scripts")).unwrap();
    std::fs::write(
        root.join("SKILL.md"),
        format!("---\nname: {name}\ndescription: Says hello.\n---\n\n# {name}\n"),
    )
    .unwrap();
    std::fs::write(root.join("scripts/run.py"), "print('hello')\n").unwrap();
    (dir, root)
}

async fn create(platform: &EmulatorHandle, folder: &std::path::Path, title: &str) -> Value {
    Cli::signed(platform)
        .args([
            "beta:skills",
            "create",
            "--file",
            folder.to_str().unwrap(),
            "--display-title",
            title,
            "--format",
            "json",
        ])
        .run()
        .await
        .success()
        .json()
}

#[tokio::test(flavor = "multi_thread")]
async fn create_list_retrieve_versions_and_delete() {
    let platform = platform().await;
    let (_dir, folder) = skill_folder("greeter");
    let skill = create(&platform, &folder, "Greeter").await;
    let id = skill["id"].as_str().expect("a skill id").to_owned();
    assert_eq!(skill["display_title"], "Greeter");
    let sent = last_request(&platform);
    assert_eq!(sent.path_and_query, "/v1/skills");
    assert_eq!(sent.status, 200, "the platform verified the signed upload");

    let (_other_dir, other) = skill_folder("farewell");
    create(&platform, &other, "Farewell").await;
    let listed = Cli::signed(&platform)
        .args(["beta:skills", "list", "--format", "jsonl", "--limit", "1"])
        .run()
        .await;
    let lines: Vec<Value> = listed
        .success()
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("one skill a line"))
        .collect();
    assert_eq!(lines.len(), 2, "every page by default: {}", listed.stdout);
    let limited = Cli::signed(&platform)
        .args([
            "beta:skills",
            "list",
            "--format",
            "jsonl",
            "--max-items",
            "1",
        ])
        .run()
        .await;
    assert_eq!(limited.success().stdout.lines().count(), 1);

    let retrieved = Cli::signed(&platform)
        .args([
            "beta:skills",
            "retrieve",
            "--skill-id",
            &id,
            "--format",
            "json",
        ])
        .run()
        .await
        .success()
        .json();
    assert_eq!(retrieved["id"], id.as_str());

    let version = Cli::signed(&platform)
        .args([
            "beta:skills:versions",
            "create",
            "--skill-id",
            &id,
            "--file",
            folder.to_str().unwrap(),
            "--format",
            "json",
        ])
        .run()
        .await
        .success()
        .json();
    let number = version["version"].as_str().expect("a version").to_owned();
    let shown = Cli::signed(&platform)
        .args([
            "beta:skills:versions",
            "retrieve",
            "--version",
            &number,
            "--skill-id",
            &id,
            "--format",
            "json",
        ])
        .run()
        .await
        .success()
        .json();
    assert_eq!(shown["version"], number.as_str());

    let refused = Cli::signed(&platform)
        .args(["beta:skills", "delete", &id, "--format-error", "json"])
        .run()
        .await;
    assert_eq!(refused.code, 1, "{}", refused.stderr);
    assert_eq!(
        refused.error_line()["error"]["type"],
        "invalid_request_error"
    );

    let versions = Cli::signed(&platform)
        .args([
            "beta:skills:versions",
            "list",
            "--skill-id",
            &id,
            "--format",
            "jsonl",
        ])
        .run()
        .await;
    assert!(versions.success().stdout.contains(&number));
    for v in versions.stdout.lines() {
        let v: Value = serde_json::from_str(v).unwrap();
        Cli::signed(&platform)
            .args([
                "beta:skills:versions",
                "delete",
                v["version"].as_str().unwrap(),
                "--skill-id",
                &id,
            ])
            .run()
            .await
            .success();
    }
    Cli::signed(&platform)
        .args(["beta:skills", "delete", &id])
        .run()
        .await
        .success();
    let gone = Cli::signed(&platform)
        .args(["beta:skills", "retrieve", &id, "--format-error", "json"])
        .run()
        .await;
    assert_eq!(gone.code, 1);
    assert_eq!(gone.error_line()["error"]["type"], "not_found_error");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_folder_without_skill_md_is_refused() {
    let platform = platform().await;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("empty_skill");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("notes.txt"), "no SKILL.md here\n").unwrap();
    let run = Cli::signed(&platform)
        .args([
            "beta:skills",
            "create",
            "--file",
            root.to_str().unwrap(),
            "--format-error",
            "json",
        ])
        .run()
        .await;
    assert_ne!(run.code, 0, "{}", run.stderr);
    let line = run.error_line();
    assert!(
        line["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("SKILL.md"),
        "{line}"
    );
}
