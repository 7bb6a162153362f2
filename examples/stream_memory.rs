//! Streaming memory and throughput: one long streamed answer read through
//! `MessageStream::final_message()` (the client's accumulator), in its own process, against an
//! emulator process.
//!
//! ```text
//! cargo build --release -p anthropic-aws-cli --example stream_memory
//! target/release/anthropic-aws emulator --port 0 --fast &      # prints `listening on http://127.0.0.1:PORT`
//! /usr/bin/time -v target/release/examples/stream_memory --url http://127.0.0.1:PORT --bytes 100000000
//! /usr/bin/time -v target/release/examples/stream_memory --baseline --bytes 100000000
//! ```
//!
//! * client mode (`--url`): asks for a `--bytes`-byte text answer (header
//!   `x-emulator-scenario: stream-text-bytes=N`, or with `--model-suffix` the model name
//!   `claude-opus-4-8~stream-text-bytes=N`), reads it with `final_message()`, and prints the
//!   text length, the time from sending to the accumulated message, the throughput (MB/s of
//!   accumulated text, MB = 10^6 bytes) and this process's peak RSS (`VmHWM`).
//! * baseline mode (`--baseline`): only builds a `String` of `--bytes` bytes the way the
//!   accumulator does (`push_str` of small pieces, so the same capacity doubling) and prints
//!   the same peak-RSS line: what holding the text itself costs.
//! * bare mode (`--bare --url ...`): the same request sent with `reqwest` alone, the body read
//!   with `bytes_stream()` and only counted: the transport's floor, for the client's ratio.
//! * `--delta-bytes N` asks for `text_delta`s of N bytes (scenario key `text-delta-bytes`;
//!   the emulator's default is 16 KiB); token-sized deltas (`--delta-bytes 16`) measure the
//!   per-event cost.

use std::time::Instant;

use anthropic_aws::Client;
use anthropic_aws::types::{ContentBlock, MessageCreateParams, MessageParam};

fn status_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

fn print_memory(label: &str) {
    println!(
        "{label}: VmHWM {} kB, VmRSS {} kB",
        status_kb("VmHWM:"),
        status_kb("VmRSS:")
    );
}

fn baseline(bytes: usize) {
    // Token-sized pieces, as text deltas arrive.
    const PIECE: &str = "stream of ";
    let mut text = String::new();
    while text.len() < bytes {
        let room = bytes - text.len();
        text.push_str(&PIECE[..room.min(PIECE.len())]);
    }
    println!(
        "baseline: a String of {} bytes (capacity {})",
        text.len(),
        text.capacity()
    );
    print_memory("baseline");
    std::hint::black_box(&text);
}

/// The emulator scenario of a `bytes`-byte answer in deltas of `delta_bytes`.
fn scenario(bytes: usize, delta_bytes: Option<usize>) -> String {
    match delta_bytes {
        Some(delta) => format!("stream-text-bytes={bytes};text-delta-bytes={delta}"),
        None => format!("stream-text-bytes={bytes}"),
    }
}

async fn client(
    url: &str,
    bytes: usize,
    delta_bytes: Option<usize>,
    model_suffix: bool,
) -> Result<(), anthropic_aws::Error> {
    let scenario = scenario(bytes, delta_bytes);
    let mut builder = Client::builder()
        .base_url(url)
        .region("us-west-2")
        .workspace_id("wrkspc_emulator")
        .access_key("AKIDSTREAMMEMORY", "stream-memory-secret-access-key");
    let model = if model_suffix {
        format!("claude-opus-4-8~{scenario}")
    } else {
        builder = builder.default_header("x-emulator-scenario", scenario);
        "claude-opus-4-8".to_owned()
    };
    let client = builder.build().await?;
    print_memory("client built");
    let params = MessageCreateParams::new(
        model,
        128_000,
        vec![MessageParam::user("Write a very long answer.")],
    );
    let start = Instant::now();
    let message = client
        .messages()
        .stream(&params)
        .await?
        .final_message()
        .await?;
    let elapsed = start.elapsed();
    let text_bytes: usize = message
        .content
        .iter()
        .map(|block| match block {
            ContentBlock::Text(text) => text.text.len(),
            _ => 0,
        })
        .sum();
    let capacity: usize = message
        .content
        .iter()
        .map(|block| match block {
            ContentBlock::Text(text) => text.text.capacity(),
            _ => 0,
        })
        .sum();
    println!(
        "client: {text_bytes} text bytes (capacity {capacity}) in {:.3} s = {:.1} MB/s; aws request id {:?}",
        elapsed.as_secs_f64(),
        text_bytes as f64 / 1e6 / elapsed.as_secs_f64(),
        message.aws_request_id(),
    );
    print_memory("client");
    std::hint::black_box(&message);
    Ok(())
}

/// The same stream through `reqwest` alone: no signing, no SSE parsing, no accumulation.
async fn bare(url: &str, bytes: usize, delta_bytes: Option<usize>) -> Result<(), reqwest::Error> {
    use futures_util::StreamExt;

    let scenario = scenario(bytes, delta_bytes);
    let body = serde_json::json!({
        "model": "claude-opus-4-8",
        "max_tokens": 128_000,
        "stream": true,
        "messages": [{"role": "user", "content": "Write a very long answer."}],
    });
    let start = Instant::now();
    let response = reqwest::Client::new()
        .post(format!("{url}/v1/messages"))
        .header("content-type", "application/json")
        .header("x-emulator-scenario", scenario)
        .body(body.to_string())
        .send()
        .await?
        .error_for_status()?;
    let mut stream = response.bytes_stream();
    let mut wire = 0usize;
    while let Some(chunk) = stream.next().await {
        wire += chunk?.len();
    }
    let elapsed = start.elapsed();
    println!(
        "bare: {wire} body bytes in {:.3} s = {:.1} MB/s of body",
        elapsed.as_secs_f64(),
        wire as f64 / 1e6 / elapsed.as_secs_f64(),
    );
    print_memory("bare");
    Ok(())
}

fn main() {
    let mut url = None;
    let mut bytes = 100_000_000usize;
    let mut baseline_mode = false;
    let mut bare_mode = false;
    let mut model_suffix = false;
    let mut delta_bytes = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--url" => url = args.next(),
            "--bytes" => {
                bytes = args.next().and_then(|v| v.parse().ok()).expect("--bytes N");
            }
            "--delta-bytes" => {
                delta_bytes = Some(
                    args.next()
                        .and_then(|v| v.parse().ok())
                        .expect("--delta-bytes N"),
                );
            }
            "--baseline" => baseline_mode = true,
            "--bare" => bare_mode = true,
            "--model-suffix" => model_suffix = true,
            other => {
                panic!("unknown argument {other}; see the header of examples/stream_memory.rs")
            }
        }
    }
    if baseline_mode {
        baseline(bytes);
        return;
    }
    let url = url.expect("--url http://127.0.0.1:PORT (an emulator) or --baseline");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    if bare_mode {
        if let Err(e) = runtime.block_on(bare(&url, bytes, delta_bytes)) {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
        return;
    }
    if let Err(e) = runtime.block_on(client(&url, bytes, delta_bytes, model_suffix)) {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
