//! The batch runner's output path: `BatchRunner::run` writing a batch's results to a file,
//! against a bare loop that writes the same results with blocking `std::fs` calls (a 1 MiB
//! `BufWriter`, then `sync_data`), as the runner did before it moved to `tokio::fs`, in one
//! run, on a current-thread runtime as the CLI's.
//!
//! The canned server of `benches/support/mod.rs` (`start_results_server`) answers the
//! create with an ended batch and its results with `--bytes` of synthetic lines. Beside each
//! contender a ticker task asks to wake every millisecond; the worst lateness it sees is how
//! long the contender kept the runtime's one thread from everything else (blocking calls show
//! up there; the parsing between awaits does too, equally for both).
//!
//! Rounds alternate the order; reported are MB/s and the worst stall per round, the medians,
//! and the ratio runner / bare of throughput. The files go to `--dir` (default: a temporary
//! folder under `target/`, on disk rather than a RAM-backed `/tmp`, so `sync_data` has work).
//!
//! ```text
//! cargo run --release --example batch_runner_bench -- --bytes 100000000 --rounds 11
//! ```
//!
//! Measured 2026-12-04 on the shared 2-core VM (100 MB, 11 rounds): runner/bare throughput
//! median 1.046 (rounds 0.87 to 1.48: the machine is noisy), 206 against 194 MB/s; worst
//! stall medians 7.6 against 7.8 ms. On this disk blocking writes are short, so the stall
//! floor (about 5 ms for both) is the parsing between awaits; the one large bare stall seen
//! (96 ms, a 200 MB `sync_data`) is what the runner no longer does on the runtime's thread.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anthropic_aws::Client;
use anthropic_aws::types::BatchRequest;
use bytes::Bytes;
use futures_util::TryStreamExt;

#[path = "../benches/support/mod.rs"]
mod support;

use support::{BENCH_BATCH_ID, start_results_server, succeeded_lines};

const BLOCK_LINES: usize = 1024;
const LINE_BYTES: usize = 1024;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Who {
    Runner,
    Bare,
}

/// The runner, from submitting the one request to the synced output.
async fn runner_write(client: &Client, dir: &Path) -> u64 {
    let request: BatchRequest = serde_json::from_value(serde_json::json!({
        "custom_id": "r0",
        "params": {"model": "claude-opus-4-8", "max_tokens": 16,
                   "messages": [{"role": "user", "content": "Hello"}]}
    }))
    .expect("a batch request");
    let output = dir.join("runner.jsonl");
    client
        .messages()
        .batches()
        .runner()
        .run([request], &output)
        .await
        .expect("the run");
    std::fs::metadata(&output).expect("the output").len()
}

/// The same results, written with blocking calls from the async task.
async fn bare_write(client: &Client, dir: &Path) -> u64 {
    let output = dir.join("bare.jsonl");
    let file = std::fs::File::create(&output).expect("the output");
    let mut results = client
        .messages()
        .batches()
        .results(BENCH_BATCH_ID)
        .await
        .expect("results");
    let mut writer = std::io::BufWriter::with_capacity(1 << 20, file);
    while let Some(result) = results.try_next().await.expect("a result") {
        serde_json::to_writer(&mut writer, &result).expect("write");
        writer.write_all(b"\n").expect("write");
    }
    let file = writer.into_inner().expect("flush");
    file.sync_data().expect("sync");
    file.metadata().expect("metadata").len()
}

/// Wakes every millisecond until `stop`, keeping the worst lateness in microseconds.
async fn ticker(worst: Arc<AtomicU64>, stop: Arc<tokio::sync::Notify>) {
    loop {
        let due = tokio::time::Instant::now() + Duration::from_millis(1);
        tokio::select! {
            () = tokio::time::sleep_until(due) => {
                let late = tokio::time::Instant::now().saturating_duration_since(due);
                worst.fetch_max(late.as_micros() as u64, Ordering::Relaxed);
            }
            () = stop.notified() => return,
        }
    }
}

struct Args {
    bytes: u64,
    rounds: usize,
    dir: Option<PathBuf>,
}

fn parse_args() -> Args {
    let mut args = Args {
        bytes: 200_000_000,
        rounds: 5,
        dir: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--bytes" => args.bytes = value().parse().expect("--bytes N"),
            "--rounds" => args.rounds = value().parse().expect("--rounds N"),
            "--dir" => args.dir = Some(PathBuf::from(value())),
            other => panic!("unknown argument {other}"),
        }
    }
    args
}

fn main() {
    let args = parse_args();
    let block = Bytes::from(succeeded_lines(0, BLOCK_LINES, LINE_BYTES));
    let repeats = usize::try_from(args.bytes.div_ceil(block.len() as u64)).expect("repeats");
    let total = (block.len() * repeats) as f64;
    let addr = start_results_server(block, repeats);
    let parent = args
        .dir
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"));
    std::fs::create_dir_all(&parent).expect("the files' folder");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let client = runtime
        .block_on(
            Client::builder()
                .base_url(format!("http://{addr}").as_str())
                .region("us-west-2")
                .workspace_id("wrkspc_bench")
                .access_key("AKIDBATCHRUNNERBENCH", "batch-runner-bench-secret-key")
                .build(),
        )
        .expect("client");
    let run = |who: Who| {
        let dir = tempfile::tempdir_in(&parent).expect("a folder");
        let worst = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(tokio::sync::Notify::new());
        let start = Instant::now();
        let written = runtime.block_on(async {
            let tick = tokio::spawn(ticker(Arc::clone(&worst), Arc::clone(&stop)));
            let written = match who {
                Who::Runner => runner_write(&client, dir.path()).await,
                Who::Bare => bare_write(&client, dir.path()).await,
            };
            stop.notify_one();
            tick.await.expect("the ticker");
            written
        });
        let secs = start.elapsed().as_secs_f64();
        (
            written,
            total / secs / 1e6,
            worst.load(Ordering::Relaxed) as f64 / 1000.0,
        )
    };
    println!(
        "body: {total:.0} bytes of results, written to files under {}",
        parent.display()
    );

    // Warm up, and check both wrote the same bytes.
    let (a, _, _) = run(Who::Runner);
    let (b, _, _) = run(Who::Bare);
    assert_eq!(a, b, "the runner and the bare loop wrote the same length");
    let (mut runner, mut bare, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    let (mut runner_stall, mut bare_stall) = (Vec::new(), Vec::new());
    for round in 0..args.rounds {
        let order = if round % 2 == 0 {
            [Who::Runner, Who::Bare]
        } else {
            [Who::Bare, Who::Runner]
        };
        let mut got = [(0.0, 0.0); 2];
        for who in order {
            let (_, mbps, stall) = run(who);
            got[usize::from(who == Who::Bare)] = (mbps, stall);
        }
        let [(r, rs), (b, bs)] = got;
        println!(
            "round {round}: runner {r:.1} MB/s (worst stall {rs:.1} ms), \
             bare {b:.1} MB/s (worst stall {bs:.1} ms), runner/bare {:.3}",
            r / b
        );
        runner.push(r);
        bare.push(b);
        ratios.push(r / b);
        runner_stall.push(rs);
        bare_stall.push(bs);
    }
    println!(
        "median: runner {:.1} MB/s, bare {:.1} MB/s, runner/bare {:.3}; worst stall runner {:.1} ms, bare {:.1} ms",
        support::median(runner),
        support::median(bare),
        support::median(ratios),
        support::median(runner_stall),
        support::median(bare_stall)
    );
}
