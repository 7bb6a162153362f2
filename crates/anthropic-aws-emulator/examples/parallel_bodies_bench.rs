//! Peak memory of the emulator under N large unauthenticated bodies at once (each read whole
//! for the SigV4 payload hash before the credentials are checked). Run it under
//! `/usr/bin/time -v` and read "Maximum resident set size":
//!
//! ```text
//! cargo build -p anthropic-aws-emulator --example parallel_bodies_bench
//! /usr/bin/time -v target/debug/examples/parallel_bodies_bench 4 31000000 67108864
//! /usr/bin/time -v target/debug/examples/parallel_bodies_bench 4 31000000 1000000000
//! ```
//!
//! Arguments: bodies at once, bytes each, and the emulator's
//! [`max_body_bytes_in_flight`](anthropic_aws_emulator::EmulatorBuilder::max_body_bytes_in_flight)
//! (default 64 MiB). The bodies are written from one static buffer, so the client side of
//! this process holds none of them. Prints the statuses and the process's own peak (`VmHWM`).

use std::net::SocketAddr;
use std::time::Instant;

use anthropic_aws_emulator::Emulator;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const CHUNK: usize = 256 * 1024;
static SPACES: [u8; CHUNK] = [b' '; CHUNK];

/// One unauthenticated `POST /v1/messages` of `size` bytes; its status.
async fn send(addr: SocketAddr, size: usize) -> std::io::Result<u16> {
    let mut stream = TcpStream::connect(addr).await?;
    let head = format!(
        "POST /v1/messages HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\n\
         content-length: {size}\r\nconnection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await?;
    let mut left = size;
    while left > 0 {
        let n = left.min(CHUNK);
        stream.write_all(&SPACES[..n]).await?;
        left -= n;
    }
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await?;
    let status = String::from_utf8_lossy(&answer)
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Ok(status)
}

/// The process's peak resident set, from `/proc/self/status` (Linux).
fn peak_rss() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l.trim_start_matches("VmHWM:").trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".to_owned())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let count = args.first().copied().unwrap_or(4);
    let size = args.get(1).copied().unwrap_or(31_000_000);
    let budget = args.get(2).copied().unwrap_or(64 * 1024 * 1024);
    let emulator = Emulator::builder()
        .api_key("sk-bench")
        .max_body_bytes_in_flight(budget)
        .start()
        .await
        .expect("the emulator starts");
    let addr = emulator.addr();
    let started = Instant::now();
    let mut sent = tokio::task::JoinSet::new();
    for _ in 0..count {
        sent.spawn(send(addr, size));
    }
    let statuses: Vec<String> = sent
        .join_all()
        .await
        .into_iter()
        .map(|s| s.map_or_else(|e| format!("error: {e}"), |s| s.to_string()))
        .collect();
    println!(
        "{count} x {size} bytes at once, budget {budget} bytes: statuses {statuses:?} in {:.2} s; \
         peak RSS {}",
        started.elapsed().as_secs_f64(),
        peak_rss()
    );
    emulator.shutdown().await;
}
