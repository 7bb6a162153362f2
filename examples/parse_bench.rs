//! What `messages().parse::<T>()` costs over `create` and a hand-written
//! `serde_json::from_str::<T>` of the same answer text, on a canned-answer loopback server.
//!
//! ```text
//! cargo run --release --example parse_bench [-- ROUNDS REQUESTS]
//! ```
//!
//! One process, one single-thread runtime, one request at a time: the client's work all runs
//! on the main thread, whose CPU time (`/proc/thread-self/schedstat`, in nanoseconds) is read
//! around each phase; the server runs on a thread of its own and is not counted. Each round
//! runs `REQUESTS` requests of each contender, in alternating order (ROUNDS 10, REQUESTS 1000
//! by default: well under a minute). Both contenders send the same body (the schema as
//! `output_config.format`) and read the same answer into the same type:
//!
//! - `hand`: `create(&params)` with the format set once beforehand, then
//!   `serde_json::from_str::<Incident>(&message.text())`;
//! - `parse`: `parse::<Incident>(&params)` on the params without a format (it adds the cached
//!   schema on every call).
//!
//! Prints each round's CPU per request, the median ratio parse/hand (target ≤ 1.05) and the
//! process's peak RSS (`VmHWM`). `parse_bench 0` prints the micro-costs instead (a params
//! clone, a schema clone, serializing the body with and without the schema, the `from_str`).
//!
//! Measured (2 shared cores under a load of ~11, release build, 10 × 1000): hand 48 µs of
//! CPU per request, parse 46 to 48 µs; median ratio 0.977 (totals 1.002), and 0.970 (totals
//! 0.966) on a second run; peak RSS 9.1 to 9.6 MiB for the whole process. Parse costs no
//! more because the serialized schema is kept per type and copied into the body, where the
//! hand-written path serializes the schema `Value` on every call (1.7 µs) and copies the text
//! out of the message; a clone of the schema `Value` alone costs 4.8 µs, which is why `parse`
//! does not clone it.

use std::time::Duration;

use anthropic_aws::Client;
use anthropic_aws::helpers::parse::output_format;
use anthropic_aws::types::MessageCreateParams;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[path = "../benches/support/mod.rs"]
mod support;

use support::{ACCESS_KEY, REGION, SECRET_KEY, SESSION_TOKEN, WORKSPACE, params};

/// What the model extracts from the incident report of `support::params()`.
#[derive(Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
struct Incident {
    /// A one-line title.
    title: String,
    severity: Severity,
    /// Minutes from the first error to recovery.
    duration_minutes: u32,
    root_cause: String,
    contributing_factors: Vec<String>,
    follow_ups: Vec<FollowUp>,
}

#[derive(Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(rename_all = "snake_case")]
enum Severity {
    Minor,
    Major,
    Critical,
}

#[derive(Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
struct FollowUp {
    action: String,
    owner: Option<String>,
}

fn incident() -> Incident {
    Incident {
        title: "Payments 5xx spike after connection-pool config push".into(),
        severity: Severity::Major,
        duration_minutes: 25,
        root_cause: "The pool size was raised beyond the database proxy's connection limit.".into(),
        contributing_factors: vec![
            "Retries from three upstream callers amplified the load.".into(),
            "The config push skipped the canary stage.".into(),
        ],
        follow_ups: vec![
            FollowUp {
                action: "Validate pool sizes against the proxy limit in CI.".into(),
                owner: Some("platform".into()),
            },
            FollowUp {
                action: "Add retry budgets to the three upstream callers.".into(),
                owner: None,
            },
        ],
    }
}

/// The canned Message whose text is `incident()` as JSON.
fn canned_answer() -> &'static str {
    let text = serde_json::to_string(&incident()).expect("incident serializes");
    let message = serde_json::json!({
        "id": "msg_01BenchParse", "type": "message", "role": "assistant",
        "model": "claude-opus-4-8", "content": [{"type": "text", "text": text}],
        "stop_reason": "end_turn", "stop_sequence": null,
        "usage": {"input_tokens": 231, "output_tokens": 120}
    });
    Box::leak(message.to_string().into_boxed_str())
}

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

async fn hand(client: &Client, params: &MessageCreateParams, n: usize) {
    for _ in 0..n {
        let message = client.messages().create(params).await.expect("create");
        let incident: Incident = serde_json::from_str(&message.text()).expect("an Incident");
        assert_eq!(incident.duration_minutes, 25);
        assert!(message.aws_request_id().is_some() && message.anthropic_request_id().is_some());
    }
}

async fn parse(client: &Client, params: &MessageCreateParams, n: usize) {
    for _ in 0..n {
        let incident = client
            .messages()
            .parse::<Incident>(params)
            .await
            .expect("parse");
        assert_eq!(incident.duration_minutes, 25);
        assert!(incident.aws_request_id().is_some() && incident.anthropic_request_id().is_some());
    }
}

fn micro() {
    use std::hint::black_box;
    use std::time::Instant;
    let n = 100_000;
    let plain = params();
    let time = |what: &str, f: &dyn Fn()| {
        let start = Instant::now();
        for _ in 0..n {
            f();
        }
        println!(
            "{what}: {:.2} µs",
            start.elapsed().as_secs_f64() * 1e6 / n as f64
        );
    };
    time("params clone", &|| drop(black_box(plain.clone())));
    time("output_format", &|| {
        drop(black_box(output_format::<Incident>()))
    });
    time("json_schema", &|| {
        drop(black_box(anthropic_aws::helpers::parse::json_schema::<
            Incident,
        >()))
    });
    let with = params().output_format(output_format::<Incident>());
    time("serialize plain", &|| {
        drop(black_box(serde_json::to_vec(&plain).unwrap()))
    });
    time("serialize with", &|| {
        drop(black_box(serde_json::to_vec(&with).unwrap()))
    });
    let text = serde_json::to_string(&incident()).unwrap();
    time("from_str", &|| {
        drop(black_box(serde_json::from_str::<Incident>(&text).unwrap()))
    });
    println!(
        "schema bytes {}",
        serde_json::to_vec(&*anthropic_aws::helpers::parse::json_schema::<Incident>())
            .unwrap()
            .len()
    );
}

fn main() {
    let mut args = std::env::args().skip(1);
    let rounds: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(10);
    let requests: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1000);

    if rounds == 0 {
        micro();
        return;
    }
    let addr = support::start_canned_server(canned_answer());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let client = Client::builder()
            .base_url(format!("http://{addr}"))
            .region(REGION)
            .workspace_id(WORKSPACE)
            .access_key(ACCESS_KEY, SECRET_KEY)
            .session_token(SESSION_TOKEN)
            .max_retries(0)
            .build()
            .await
            .expect("client");
        let plain = params();
        let with_format = params().output_format(output_format::<Incident>());
        // Warm up: the connection, the schema cache, the allocator.
        hand(&client, &with_format, 100).await;
        parse(&client, &plain, 100).await;

        let mut ratios = Vec::with_capacity(rounds);
        let (mut hand_total, mut parse_total) = (Duration::ZERO, Duration::ZERO);
        println!("round  hand µs/req  parse µs/req  parse/hand");
        for round in 0..rounds {
            let measure = async |parse_first: bool| {
                let start = Duration::from_nanos(support::thread_cpu_ns());
                if parse_first {
                    parse(&client, &plain, requests).await;
                } else {
                    hand(&client, &with_format, requests).await;
                }
                Duration::from_nanos(support::thread_cpu_ns()) - start
            };
            let parse_first = round % 2 == 1;
            let first = measure(parse_first).await;
            let second = measure(!parse_first).await;
            let (parse_cpu, hand_cpu) = if parse_first {
                (first, second)
            } else {
                (second, first)
            };
            hand_total += hand_cpu;
            parse_total += parse_cpu;
            let per = |d: Duration| d.as_secs_f64() * 1e6 / requests as f64;
            let ratio = parse_cpu.as_secs_f64() / hand_cpu.as_secs_f64();
            ratios.push(ratio);
            println!(
                "{round:>5}  {:>11.1}  {:>12.1}  {ratio:>10.3}",
                per(hand_cpu),
                per(parse_cpu)
            );
        }
        println!(
            "median parse/hand CPU ratio {:.3} over {rounds} rounds of {requests} requests \
             (totals: hand {:.3} s, parse {:.3} s, ratio {:.3}); peak RSS {} KiB",
            support::median(ratios),
            hand_total.as_secs_f64(),
            parse_total.as_secs_f64(),
            parse_total.as_secs_f64() / hand_total.as_secs_f64(),
            peak_rss_kib().map_or_else(|| "?".to_owned(), |k| k.to_string()),
        );
    });
}
