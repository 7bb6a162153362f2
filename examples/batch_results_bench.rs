//! Reading a batch's results: `client.messages().batches().results(id)` against a bare
//! `reqwest` + `serde_json` line loop, over the same body, in one run.
//!
//! A canned hyper server on a thread of this process (`benches/support/mod.rs`,
//! `start_results_server`) serves an ended batch and, as its results, `--bytes` of synthetic
//! `succeeded` lines (about 1 KiB each, as a real Message reads) from memory: one 1 MiB block
//! generated once and sent again and again as `Bytes` slices, so the server costs next to
//! nothing and holds no more than the block.
//!
//! * **client**: `results(id)` (retrieve the batch, check its `results_url`, open the body) and
//!   every [`BatchResult`] taken from the stream;
//! * **bare**: `reqwest` GET of the same URL, the body's chunks split at `\n` into a buffer of
//!   its own, each line parsed with `serde_json::from_slice` into a struct of the same shape
//!   written here with plain `#[derive(Deserialize)]` (internally tagged enums for the result
//!   and the content blocks), none of the crate's types.
//!
//! Both count the results and the text bytes; the run fails if they disagree. Rounds alternate
//! the order; reported are MB/s (10^6 bytes) per round and the medians, and the ratio
//! client / bare of throughput.
//!
//! ```text
//! cargo run --release --example batch_results_bench -- --bytes 200000000 --rounds 7
//! cargo run --release --example batch_results_bench -- --only client --bytes 1000000000
//! ```
//!
//! `--only client|bare` runs one contender once (for `/usr/bin/time -v` and `perf`).

use std::time::Instant;

use anthropic_aws::Client;
use anthropic_aws::types::{BatchResultKind, ContentBlock};
use bytes::Bytes;
use futures_util::{StreamExt, TryStreamExt};
use serde::Deserialize;

#[path = "../benches/support/mod.rs"]
mod support;

use support::{BENCH_BATCH_ID, start_results_server, succeeded_lines};

/// The block the body repeats: about 1 MiB of whole lines.
const BLOCK_LINES: usize = 1024;
const LINE_BYTES: usize = 1024;

// ---------------------------------------------------------------------------------------
// The bare loop's own types: the shape of a result line, nothing of the crate's.

#[derive(Deserialize)]
struct BareLine {
    custom_id: String,
    result: BareResult,
}

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[allow(clippy::large_enum_variant)] // Inline, as the crate's own.
enum BareResult {
    Succeeded {
        message: BareMessage,
    },
    #[allow(dead_code)]
    Errored {
        error: serde_json::Value,
    },
    Canceled,
    Expired,
}

#[derive(Deserialize)]
#[allow(dead_code)] // Read to be parsed, as a caller would.
struct BareMessage {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    role: String,
    content: Vec<BareBlock>,
    model: String,
    stop_reason: Option<String>,
    stop_sequence: Option<String>,
    usage: BareUsage,
}

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[allow(dead_code)]
enum BareBlock {
    Text {
        text: String,
    },
    Thinking {
        thinking: String,
        signature: String,
    },
    RedactedThinking {
        data: String,
    },
    ToolUse {
        id: String,
        name: String,
        input: serde_json::Value,
    },
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct BareUsage {
    input_tokens: u64,
    output_tokens: u64,
    cache_creation_input_tokens: Option<u64>,
    cache_read_input_tokens: Option<u64>,
    service_tier: Option<String>,
}

// ---------------------------------------------------------------------------------------

/// What a contender read: results and text bytes.
#[derive(Debug, Default, PartialEq, Eq, Clone, Copy)]
struct Tally {
    results: u64,
    text_bytes: u64,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Who {
    Client,
    Bare,
}

async fn client_read(client: &Client) -> Tally {
    let mut results = client
        .messages()
        .batches()
        .results(BENCH_BATCH_ID)
        .await
        .expect("results");
    let mut tally = Tally::default();
    while let Some(result) = results.try_next().await.expect("a result") {
        tally.results += 1;
        if let BatchResultKind::Succeeded(ok) = &result.result {
            for block in &ok.message.content {
                if let ContentBlock::Text(text) = block {
                    tally.text_bytes += text.text.len() as u64;
                }
            }
        }
    }
    tally
}

async fn bare_read(http: &reqwest::Client, url: &str) -> Tally {
    let response = http
        .get(url)
        .header("accept", "application/binary")
        .send()
        .await
        .expect("send");
    assert!(response.status().is_success(), "{}", response.status());
    let mut body = response.bytes_stream();
    let mut tally = Tally::default();
    let mut pending: Vec<u8> = Vec::new();
    let take = |line: &[u8], tally: &mut Tally| {
        if line.iter().all(u8::is_ascii_whitespace) {
            return;
        }
        let parsed: BareLine = serde_json::from_slice(line).expect("a line");
        std::hint::black_box(&parsed.custom_id);
        tally.results += 1;
        if let BareResult::Succeeded { message } = &parsed.result {
            for block in &message.content {
                if let BareBlock::Text { text } = block {
                    tally.text_bytes += text.len() as u64;
                }
            }
        }
    };
    while let Some(chunk) = body.next().await {
        let chunk = chunk.expect("chunk");
        let mut rest = &chunk[..];
        while let Some(end) = memchr::memchr(b'\n', rest) {
            if pending.is_empty() {
                take(&rest[..end], &mut tally);
            } else {
                pending.extend_from_slice(&rest[..end]);
                take(&pending, &mut tally);
                pending.clear();
            }
            rest = &rest[end + 1..];
        }
        pending.extend_from_slice(rest);
    }
    take(&pending, &mut tally);
    tally
}

struct Args {
    bytes: u64,
    rounds: usize,
    only: Option<Who>,
}

fn parse_args() -> Args {
    let mut args = Args {
        bytes: 200_000_000,
        rounds: 7,
        only: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--bytes" => args.bytes = value().parse().expect("--bytes N"),
            "--rounds" => args.rounds = value().parse().expect("--rounds N"),
            "--only" => {
                args.only = Some(match value().as_str() {
                    "client" => Who::Client,
                    "bare" => Who::Bare,
                    other => panic!("--only client|bare, not {other}"),
                });
            }
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
    let base = format!("http://{addr}");
    let url = format!("{base}/v1/messages/batches/{BENCH_BATCH_ID}/results");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let client = runtime
        .block_on(
            Client::builder()
                .base_url(base.as_str())
                .region("us-west-2")
                .workspace_id("wrkspc_bench")
                .access_key("AKIDBATCHRESULTSBENCH", "batch-results-bench-secret-key")
                .build(),
        )
        .expect("client");
    let http = reqwest::Client::new();
    let expected = Tally {
        results: (BLOCK_LINES * repeats) as u64,
        text_bytes: 0,
    };
    let run = |who: Who| {
        let start = Instant::now();
        let tally = runtime.block_on(async {
            match who {
                Who::Client => client_read(&client).await,
                Who::Bare => bare_read(&http, &url).await,
            }
        });
        let secs = start.elapsed().as_secs_f64();
        assert_eq!(tally.results, expected.results, "{who:?} read every line");
        (tally, total / secs / 1e6, secs)
    };
    println!(
        "body: {total:.0} bytes, {} lines of about {LINE_BYTES} bytes (one {} KiB block repeated)",
        expected.results,
        BLOCK_LINES * LINE_BYTES / 1024
    );

    if let Some(who) = args.only {
        let (tally, mbps, secs) = run(who);
        println!(
            "{who:?}: {} results, {} text bytes in {secs:.3} s: {mbps:.1} MB/s",
            tally.results, tally.text_bytes
        );
        return;
    }

    // Warm up: the connection pools, the allocator.
    let (a, _, _) = run(Who::Client);
    let (b, _, _) = run(Who::Bare);
    assert_eq!(a, b, "client and bare loop read the same");
    let (mut client_mbps, mut bare_mbps, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..args.rounds {
        let order = if round % 2 == 0 {
            [Who::Client, Who::Bare]
        } else {
            [Who::Bare, Who::Client]
        };
        let mut speeds = [0.0; 2];
        for who in order {
            let (_, mbps, _) = run(who);
            speeds[usize::from(who == Who::Bare)] = mbps;
        }
        println!(
            "round {round}: client {:7.1} MB/s, bare {:7.1} MB/s, client / bare {:.3}",
            speeds[0],
            speeds[1],
            speeds[0] / speeds[1]
        );
        client_mbps.push(speeds[0]);
        bare_mbps.push(speeds[1]);
        ratios.push(speeds[0] / speeds[1]);
    }
    let (lo, hi) = ratios
        .iter()
        .fold((f64::MAX, f64::MIN), |(lo, hi), r| (lo.min(*r), hi.max(*r)));
    println!(
        "median of {} rounds: client {:.1} MB/s, bare {:.1} MB/s, client / bare {:.3} (rounds {lo:.3}..{hi:.3})",
        args.rounds,
        support::median(client_mbps),
        support::median(bare_mbps),
        support::median(ratios)
    );
}
