//! The recording layer's benchmark (run by `benches/recording.sh`):
//!
//! * `record DIR N`: an emulator in its normal mode (the upstream) and a recorder in front of
//!   it, both on loopback; N pairs of the same kind of small `POST /v1/messages`, one straight
//!   to the upstream and one through the recorder, interleaved, on one keep-alive connection
//!   each. Prints the median and mean of both and what recording adds per exchange. Leaves N
//!   exchanges in DIR.
//! * `load URL N SECONDS CONCURRENCY`: sends the requests of `record` (request i for i in
//!   0..N, round robin) to a replaying emulator at URL from CONCURRENCY tasks for SECONDS and
//!   prints the answers per second (every answer must be a 200).

use std::time::{Duration, Instant};

use anthropic_aws_emulator::{Emulator, Upstream};

const KEY: &str = "sk-bench-upstream";
const INBOUND: &str = "sk-bench-inbound";
const WORKSPACE: &str = "wrkspc_bench";

fn body(i: usize) -> String {
    format!(
        r#"{{"model":"claude-opus-4-8","max_tokens":16,"messages":[{{"role":"user","content":"request {i}"}}]}}"#
    )
}

async fn send(client: &reqwest::Client, base: &str, key: &str, i: usize) -> Duration {
    let started = Instant::now();
    let response = client
        .post(format!("{base}/v1/messages"))
        .header("authorization", format!("Bearer {key}"))
        .header("anthropic-version", "2026-10-21")
        .header("anthropic-workspace-id", WORKSPACE)
        .header("content-type", "application/json")
        .body(body(i))
        .send()
        .await;
    let status = match response {
        Ok(response) => {
            let status = response.status().as_u16();
            let _ = response.bytes().await;
            status
        }
        Err(e) => panic!("request {i}: {e}"),
    };
    assert_eq!(status, 200, "request {i}");
    started.elapsed()
}

fn summary(mut samples: Vec<Duration>) -> (f64, f64) {
    samples.sort();
    let median = samples[samples.len() / 2].as_secs_f64() * 1e3;
    let mean = samples.iter().map(Duration::as_secs_f64).sum::<f64>() / samples.len() as f64 * 1e3;
    (median, mean)
}

async fn record(dir: &str, n: usize) {
    let upstream = Emulator::builder()
        .workspace_id(WORKSPACE)
        .api_key(KEY)
        .max_recorded_requests(0)
        .start()
        .await
        .expect("the upstream starts");
    let recorder = Emulator::builder()
        .workspace_id(WORKSPACE)
        .api_key(INBOUND)
        .max_recorded_requests(0)
        .record(dir, Upstream::new(upstream.base_url()).api_key(KEY))
        .start()
        .await
        .expect("the recorder starts");
    let direct_client = reqwest::Client::new();
    let recorded_client = reqwest::Client::new();
    // Warm both connections.
    send(&direct_client, &upstream.base_url(), KEY, usize::MAX).await;
    let (mut direct, mut recorded) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for i in 0..n {
        // Alternate which goes first, so that neither always follows the other.
        if i % 2 == 0 {
            direct.push(send(&direct_client, &upstream.base_url(), KEY, i).await);
            recorded.push(send(&recorded_client, &recorder.base_url(), INBOUND, i).await);
        } else {
            recorded.push(send(&recorded_client, &recorder.base_url(), INBOUND, i).await);
            direct.push(send(&direct_client, &upstream.base_url(), KEY, i).await);
        }
    }
    let (d_median, d_mean) = summary(direct);
    let (r_median, r_mean) = summary(recorded);
    println!("pairs: {n}");
    println!("direct:    median {d_median:.3} ms, mean {d_mean:.3} ms");
    println!("recorded:  median {r_median:.3} ms, mean {r_mean:.3} ms");
    println!(
        "recording adds: median {:.3} ms, mean {:.3} ms per exchange (ratio of medians {:.2})",
        r_median - d_median,
        r_mean - d_mean,
        r_median / d_median
    );
    recorder.shutdown().await;
    upstream.shutdown().await;
}

async fn load(url: &str, n: usize, seconds: u64, concurrency: usize) {
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for t in 0..concurrency {
        let client = client.clone();
        let url = url.to_owned();
        tasks.push(tokio::spawn(async move {
            let mut done = 0usize;
            let mut i = t;
            while Instant::now() < deadline {
                send(&client, &url, INBOUND, i % n).await;
                done += 1;
                i += concurrency;
            }
            done
        }));
    }
    let mut total = 0;
    for task in tasks {
        total += task.await.unwrap_or(0);
    }
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "replay: {total} answers in {elapsed:.2} s = {:.0} answers/s ({concurrency} at once)",
        total as f64 / elapsed
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number =
        |i: usize, default: usize| args.get(i).and_then(|a| a.parse().ok()).unwrap_or(default);
    match args.first().map(String::as_str) {
        Some("record") => record(&args[1], number(2, 10_000)).await,
        Some("load") => {
            load(
                &args[1],
                number(2, 10_000),
                number(3, 10) as u64,
                number(4, 16),
            )
            .await
        }
        _ => eprintln!("usage: recording_bench record DIR N | load URL N SECONDS CONCURRENCY"),
    }
}
