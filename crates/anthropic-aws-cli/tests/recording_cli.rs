//! `anthropic-aws emulator --record DIR --upstream URL`, then `--replay DIR`, as processes: the
//! recorder signs afresh with the command's own credentials (here temporary ones from the
//! environment), the CLI's own commands get the same output from the replay with the upstream
//! gone, a 200 MB download passes both ways in flat memory, and no secret reaches DIR.

mod common;

use std::io::Read;
use std::path::Path;

use anthropic_aws_emulator::synthetic_byte;
use common::process::*;
use common::*;

const INBOUND_KEY: &str = "sk-local-inbound-recorder";
const DOWNLOAD_BYTES: u64 = 200 * 1024 * 1024;
const MEMORY_LIMIT: u64 = 64 * 1024 * 1024;

/// A client command pointed at `base_url` with the recorder's inbound key.
fn client(base_url: &str) -> Cli {
    Cli::bare()
        .env("ANTHROPIC_AWS_BASE_URL", base_url)
        .env("ANTHROPIC_AWS_WORKSPACE_ID", WORKSPACE)
        .env("ANTHROPIC_AWS_API_KEY", INBOUND_KEY)
        .env("AWS_REGION", REGION)
}

/// The commands of the session.
fn commands(file_id: &str, output: &Path) -> Vec<Vec<String>> {
    let owned = |args: &[&str]| args.iter().map(|a| (*a).to_owned()).collect::<Vec<_>>();
    vec![
        owned(&[
            "messages",
            "create",
            "--model",
            MODEL,
            "--max-tokens",
            "64",
            "--message",
            HELLO,
        ]),
        owned(&[
            "messages",
            "create",
            "--model",
            MODEL,
            "--max-tokens",
            "64",
            "--stream",
            "--format",
            "jsonl",
            "--message",
            HELLO,
        ]),
        owned(&[
            "messages",
            "count-tokens",
            "--model",
            MODEL,
            "--message",
            HELLO,
        ]),
        owned(&["models", "list"]),
        owned(&[
            "beta:files",
            "download",
            file_id,
            "--output",
            &output.to_string_lossy(),
        ]),
    ]
}

/// Whether two files have the same bytes, read a MiB at a time.
fn same_content(a: &Path, b: &Path) -> bool {
    let (Ok(mut a), Ok(mut b)) = (std::fs::File::open(a), std::fs::File::open(b)) else {
        return false;
    };
    let (mut x, mut y) = (vec![0; 1 << 20], vec![0; 1 << 20]);
    loop {
        let n = a.read(&mut x).unwrap_or(usize::MAX);
        if n == usize::MAX || b.read_exact(&mut y[..n]).is_err() || x[..n] != y[..n] {
            return false;
        }
        if n == 0 {
            return b.read(&mut y).map(|m| m == 0).unwrap_or(false);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recorded_session_replays_offline_with_a_200_mb_download_in_flat_memory() {
    let upstream = platform().await;
    let file_id = upstream.add_synthetic_file("big.bin", DOWNLOAD_BYTES);
    let work = tempfile::tempdir().expect("a temporary directory");
    let dir = work.path().join("recording");
    let dir_arg = dir.to_string_lossy().into_owned();

    // The recorder signs with temporary credentials from the environment (the AWS chain).
    let recorder = Cli::bare()
        .env("AWS_ACCESS_KEY_ID", SESSION_ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", SESSION_SECRET)
        .env("AWS_SESSION_TOKEN", SESSION_TOKEN)
        .args([
            "--aws-region",
            REGION,
            "emulator",
            "--api-key",
            INBOUND_KEY,
            "--workspace",
            WORKSPACE,
            "--record",
            &dir_arg,
            "--upstream",
            &upstream.base_url(),
        ])
        .serve();
    let recorded_download = work.path().join("recorded.bin");
    let mut recorded = Vec::new();
    for args in commands(&file_id, &recorded_download) {
        let run = client(&recorder.base_url).args(&args).run().await;
        assert_eq!(run.code, 0, "{args:?}: {run:#?}");
        recorded.push(run.stdout);
    }
    let recorder_peak = recorder.peak_rss();
    let signed = upstream
        .requests()
        .iter()
        .filter(|r| r.access_key_id.as_deref() == Some(SESSION_ACCESS_KEY))
        .count();
    assert_eq!(
        signed, 5,
        "every request went upstream signed with the command's credentials"
    );
    recorder.stop();
    upstream.shutdown().await;

    assert_eq!(
        std::fs::metadata(&recorded_download).map(|m| m.len()).ok(),
        Some(DOWNLOAD_BYTES)
    );
    let mut head = vec![0; 4096];
    let mut file = std::fs::File::open(&recorded_download).expect("the download");
    file.read_exact(&mut head).expect("its first bytes");
    assert!(
        head.iter()
            .enumerate()
            .all(|(i, b)| *b == synthetic_byte(i as u64))
    );

    // Replay: no credentials given, the upstream gone.
    let replay = Cli::bare().args(["emulator", "--replay", &dir_arg]).serve();
    let replayed_download = work.path().join("replayed.bin");
    for (args, want) in commands(&file_id, &replayed_download).iter().zip(&recorded) {
        let run = client(&replay.base_url).args(args).run().await;
        assert_eq!(run.code, 0, "{args:?}: {run:#?}");
        // The download's report names where it wrote: the one difference.
        let got = run.stdout.replace("replayed.bin", "recorded.bin");
        assert_eq!(&got, want, "{args:?}: the same output");
    }
    assert!(same_content(&recorded_download, &replayed_download));
    let replay_peak = replay.peak_rss();

    // A request nothing recorded matches.
    let miss = client(&replay.base_url)
        .args(["models", "retrieve", "--model-id", "claude-unrecorded-1"])
        .run()
        .await;
    assert_eq!(miss.code, 1, "{miss:#?}");
    assert!(
        miss.stderr
            .contains("no recorded answer matches GET /v1/models/claude-unrecorded-1"),
        "{miss:#?}"
    );
    replay.stop();

    eprintln!(
        "peak RSS with a 200 MB download: recording {} KiB, replay {} KiB",
        recorder_peak >> 10,
        replay_peak >> 10
    );
    assert!(
        recorder_peak < MEMORY_LIMIT && replay_peak < MEMORY_LIMIT,
        "peak RSS: recording {} MB, replay {} MB",
        recorder_peak >> 20,
        replay_peak >> 20
    );

    // The download is a file of its own; nothing secret anywhere.
    let bodies: Vec<_> = std::fs::read_dir(dir.join("bodies"))
        .expect("the bodies folder")
        .flatten()
        .map(|e| e.metadata().map(|m| m.len()).unwrap_or(0))
        .collect();
    assert!(bodies.contains(&DOWNLOAD_BYTES), "{bodies:?}");
    for entry in std::fs::read_dir(dir.join("exchanges"))
        .expect("the exchanges folder")
        .flatten()
        .map(|e| e.path())
        .chain([dir.join("recording.json")])
    {
        let text = std::fs::read_to_string(&entry).expect("an exchange is text");
        for secret in [
            SESSION_SECRET,
            SESSION_TOKEN,
            INBOUND_KEY,
            "Signature=",
            "authorization",
            "x-amz-security-token",
            "x-api-key",
        ] {
            assert!(!text.contains(secret), "{secret} in {}", entry.display());
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_upstream_key_comes_from_aws_api_key_and_the_flags_go_together() {
    let upstream = platform().await;
    let work = tempfile::tempdir().expect("a temporary directory");
    let dir = work.path().join("recording");
    let dir_arg = dir.to_string_lossy().into_owned();
    let recorder = Cli::bare()
        .args([
            "--aws-api-key",
            API_KEY,
            "emulator",
            "--api-key",
            INBOUND_KEY,
            "--workspace",
            WORKSPACE,
            "--record",
            &dir_arg,
            "--upstream",
            &upstream.base_url(),
        ])
        .serve();
    let stream = [
        "messages",
        "create",
        "--model",
        MODEL,
        "--max-tokens",
        "32",
        "--stream",
        "--message",
        HELLO,
    ];
    let recorded = client(&recorder.base_url).args(stream).run().await;
    assert_eq!(recorded.code, 0, "{recorded:#?}");
    let forwarded = upstream.requests().pop().expect("forwarded");
    assert_eq!(forwarded.auth, anthropic_aws_emulator::RequestAuth::ApiKey);
    recorder.stop();
    upstream.shutdown().await;

    let replay = Cli::bare()
        .args(["emulator", "--replay", &dir_arg, "--api-key", INBOUND_KEY])
        .serve();
    let replayed = client(&replay.base_url).args(stream).run().await;
    assert_eq!(replayed.stdout, recorded.stdout);
    replay.stop();
    for entry in std::fs::read_dir(dir.join("exchanges"))
        .expect("exchanges")
        .flatten()
    {
        let text = std::fs::read_to_string(entry.path()).expect("text");
        assert!(text.contains("\"events\""), "kept as events");
        assert!(!text.contains(API_KEY) && !text.contains(INBOUND_KEY));
    }

    // --record needs --upstream (and the reverse); --replay goes with neither, nor --fast.
    for args in [
        vec!["emulator", "--record", "x"],
        vec!["emulator", "--upstream", "http://127.0.0.1:1"],
        vec![
            "emulator",
            "--replay",
            "x",
            "--record",
            "y",
            "--upstream",
            "http://127.0.0.1:1",
        ],
        vec!["emulator", "--replay", "x", "--fast"],
    ] {
        let run = Cli::bare().args(&args).run().await;
        assert_eq!(run.code, 2, "{args:?}: {run:#?}");
    }
    // A folder that is no recording is a usage error naming it.
    let run = Cli::bare()
        .args(["emulator", "--replay", &work.path().to_string_lossy()])
        .run()
        .await;
    assert_eq!(run.code, 2, "{run:#?}");
    assert!(run.stderr.contains("is not a recording"), "{run:#?}");
}
