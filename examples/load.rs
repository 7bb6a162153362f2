//! End-to-end load over loopback: this client against the bare limits, in one run.
//!
//! Three contenders send the same `POST /v1/messages` (~1 KB JSON body, the client's header
//! set, temporary credentials with a session token) to a server answering canned JSON with
//! both `x-amzn-requestid` and `request-id`:
//!
//! * `a` **client**: `client.messages().create(&params)`, reading both request IDs;
//! * `b` **bare signed**: `serde_json::to_vec(&params)`, the client's headers, `aws-sigv4`
//!   signing as the client does it, `reqwest`, `serde_json::from_slice::<Value>` and both ID
//!   headers;
//! * `c` **bare unsigned**: `b` without the signing.
//!
//! Each concurrency level runs `--rounds` rounds; every round gives each contender
//! `n / rounds` requests, in a rotating order (abc, bca, cab, ...), so machine noise hits all
//! three alike. Reported per contender: wall time, requests/s, client-process CPU per request
//! (all threads, from `/proc/self/task/*/schedstat`), the time spent before the network per
//! request (serialize + build + sign; for `a` from `create()` to the `on_wire` observer), the
//! time spent signing per request (`b`, timed around the signing code), and the ratios.
//!
//! ```text
//! cargo build --release -p anthropic-aws-cli
//! cargo run --release --example load -- -n 20000 -c 1,64
//! ```
//!
//! Options: `-n N` requests per contender and concurrency (default 20000), `-c 1,64`
//! concurrency levels, `--rounds R` (default 10), `--workers W` Tokio worker threads of this
//! process (default: the number of CPUs), `--only a|b|c` one contender (for profiling),
//! `--server-cpus LIST` runs the emulator under `taskset -c LIST`, and where the server is:
//! `--emulator-bin PATH` (default `target/release/anthropic-aws`, started as
//! `anthropic-aws emulator --port 0 --fast`), `--url http://127.0.0.1:PORT` (one already
//! running), or `--noop` (a canned-answer hyper server on a thread of this process).

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anthropic_aws::types::MessageCreateParams;
use anthropic_aws::{Client, WireEvent};
use aws_credential_types::Credentials;
use bytes::Bytes;
use http::header::{ACCEPT, CONTENT_TYPE, HOST, USER_AGENT};
use http::{HeaderMap, HeaderValue, Method};
use reqwest::Url;

#[path = "../benches/support/mod.rs"]
mod support;

use support::*;

// ---------------------------------------------------------------------------------------
// Counters

/// Sums, in nanoseconds, shared by all tasks of one contender.
#[derive(Default)]
struct Probe {
    pre_network_ns: AtomicU64,
    sign_ns: AtomicU64,
    ids_seen: AtomicU64,
}

impl Probe {
    fn add(counter: &AtomicU64, d: Duration) {
        counter.fetch_add(d.as_nanos() as u64, Ordering::Relaxed);
    }
}

tokio::task_local! {
    /// When the current task called `create()` (read by the client's `on_wire` observer).
    static CALL_START: Instant;
}

/// CPU time of this process so far (every thread), from the scheduler's nanosecond counters.
fn process_cpu() -> Duration {
    cpu_of("/proc/self/task")
}

fn cpu_of(tasks: &str) -> Duration {
    let mut ns = 0u64;
    if let Ok(dir) = std::fs::read_dir(tasks) {
        for task in dir.flatten() {
            if let Ok(text) = std::fs::read_to_string(task.path().join("schedstat"))
                && let Some(first) = text.split_whitespace().next()
            {
                ns += first.parse::<u64>().unwrap_or(0);
            }
        }
    }
    Duration::from_nanos(ns)
}

// ---------------------------------------------------------------------------------------
// The contenders

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Who {
    Client,
    BareSigned,
    BareUnsigned,
}

impl Who {
    const ALL: [Who; 3] = [Who::Client, Who::BareSigned, Who::BareUnsigned];

    fn label(self) -> &'static str {
        match self {
            Who::Client => "a client",
            Who::BareSigned => "b bare signed",
            Who::BareUnsigned => "c bare unsigned",
        }
    }

    fn index(self) -> usize {
        match self {
            Who::Client => 0,
            Who::BareSigned => 1,
            Who::BareUnsigned => 2,
        }
    }
}

/// The bare loops: what a hand-written caller of `aws-sigv4` + `reqwest` must do per call.
struct Bare {
    http: reqwest::Client,
    url: Url,
    host: HeaderValue,
    defaults: HeaderMap,
    params: MessageCreateParams,
    credentials: Credentials,
    signed: bool,
}

impl Bare {
    fn new(base: &str, signed: bool) -> Self {
        let url: Url = format!("{base}/v1/messages").parse().expect("url");
        let host = match url.port() {
            Some(port) => format!("{}:{port}", url.host_str().expect("host")),
            None => url.host_str().expect("host").to_owned(),
        };
        let defaults = default_headers();
        Self {
            // The client's own reqwest settings (transport.rs `http_client`).
            http: reqwest::Client::builder()
                .connect_timeout(Duration::from_secs(5))
                .tcp_keepalive(Duration::from_secs(60))
                .tcp_keepalive_interval(Duration::from_secs(60))
                .tcp_keepalive_retries(5)
                .build()
                .expect("reqwest client"),
            host: HeaderValue::from_str(&host).expect("host"),
            url,
            defaults,
            params: params(),
            credentials: Credentials::new(
                ACCESS_KEY,
                SECRET_KEY,
                Some(SESSION_TOKEN.to_owned()),
                None,
                "bench",
            ),
            signed,
        }
    }

    async fn call(&self, probe: &Probe) {
        let start = Instant::now();
        let body = Bytes::from(serde_json::to_vec(&self.params).expect("serialize"));
        let mut headers = self.defaults.clone();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert(USER_AGENT, HeaderValue::from_static(USER_AGENT_VALUE));
        headers.insert("x-stainless-retry-count", HeaderValue::from(0u32));
        headers.insert(HOST, self.host.clone());
        let url = self.url.clone();
        if self.signed {
            let sign_start = Instant::now();
            sign_like_client(&self.credentials, &Method::POST, &url, &mut headers, &body);
            Probe::add(&probe.sign_ns, sign_start.elapsed());
        }
        Probe::add(&probe.pre_network_ns, start.elapsed());
        let (aws, anthropic, json) =
            send_and_read(&self.http, Method::POST, url, headers, body).await;
        assert!(json.get("content").is_some());
        if aws.is_some() && anthropic.is_some() {
            probe.ids_seen.fetch_add(1, Ordering::Relaxed);
        }
    }
}

struct Contenders {
    client: Client,
    params: MessageCreateParams,
    signed: Bare,
    unsigned: Bare,
    probes: [Arc<Probe>; 3],
}

impl Contenders {
    async fn new(base: &str) -> Self {
        let probes: [Arc<Probe>; 3] = Default::default();
        let client_probe = Arc::clone(&probes[0]);
        let client = Client::builder()
            .base_url(base)
            .region(REGION)
            .workspace_id(WORKSPACE)
            .access_key(ACCESS_KEY, SECRET_KEY)
            .session_token(SESSION_TOKEN)
            .on_wire(move |event| {
                if let WireEvent::Request { .. } = event
                    && let Ok(start) = CALL_START.try_with(|start| *start)
                {
                    Probe::add(&client_probe.pre_network_ns, start.elapsed());
                }
            })
            .build()
            .await
            .expect("client");
        Self {
            client,
            params: params(),
            signed: Bare::new(base, true),
            unsigned: Bare::new(base, false),
            probes,
        }
    }

    async fn one(&self, who: Who) {
        let probe = &self.probes[who.index()];
        match who {
            Who::Client => {
                let message = CALL_START
                    .scope(Instant::now(), self.client.messages().create(&self.params))
                    .await
                    .expect("create");
                if message.aws_request_id().is_some() && message.anthropic_request_id().is_some() {
                    probe.ids_seen.fetch_add(1, Ordering::Relaxed);
                }
            }
            Who::BareSigned => self.signed.call(probe).await,
            Who::BareUnsigned => self.unsigned.call(probe).await,
        }
    }
}

/// Runs `n` requests of `who` with `concurrency` tasks; returns the wall time.
async fn run(contenders: &Arc<Contenders>, who: Who, n: usize, concurrency: usize) -> Duration {
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let mut tasks = Vec::with_capacity(concurrency);
    for _ in 0..concurrency {
        let contenders = Arc::clone(contenders);
        let next = Arc::clone(&next);
        tasks.push(tokio::spawn(async move {
            while next.fetch_add(1, Ordering::Relaxed) < n {
                contenders.one(who).await;
            }
        }));
    }
    for task in tasks {
        task.await.expect("task");
    }
    start.elapsed()
}

#[derive(Default, Clone, Copy)]
struct Tally {
    wall: Duration,
    cpu: Duration,
    requests: usize,
    pre_network_ns: u64,
    sign_ns: u64,
    ids_seen: u64,
}

// ---------------------------------------------------------------------------------------
// Servers

/// Starts `anthropic-aws emulator --port 0 --fast`; returns it and its base URL.
fn spawn_emulator(bin: &str, cpus: Option<&str>) -> (Child, String) {
    let mut command = match cpus {
        Some(cpus) => {
            let mut c = Command::new("taskset");
            c.args(["-c", cpus, bin]);
            c
        }
        None => Command::new(bin),
    };
    let mut child = command
        .args(["emulator", "--port", "0", "--fast"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot start {bin} (cargo build --release -p anthropic-aws-cli): {e}")
        });
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    stdout.read_line(&mut line).expect("emulator's first line");
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line from the emulator: {line:?}"))
        .trim_end_matches('/')
        .to_owned();
    // Keep draining whatever else it prints.
    std::thread::spawn(move || {
        let mut sink = Vec::new();
        let _ = stdout.read_to_end(&mut sink);
    });
    (child, url)
}

// ---------------------------------------------------------------------------------------

struct Args {
    n: usize,
    concurrency: Vec<usize>,
    rounds: usize,
    workers: Option<usize>,
    only: Option<Who>,
    url: Option<String>,
    noop: bool,
    emulator_bin: String,
    server_cpus: Option<String>,
}

fn parse_args() -> Args {
    let mut args = Args {
        n: 20_000,
        concurrency: vec![1, 64],
        rounds: 10,
        workers: None,
        only: None,
        url: None,
        noop: false,
        emulator_bin: concat!(env!("CARGO_MANIFEST_DIR"), "/target/release/anthropic-aws")
            .to_owned(),
        server_cpus: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| panic!("{arg} needs a value"));
        match arg.as_str() {
            "-n" => args.n = value().parse().expect("-n N"),
            "-c" => {
                args.concurrency = value()
                    .split(',')
                    .map(|c| c.parse().expect("-c 1,64"))
                    .collect();
            }
            "--rounds" => args.rounds = value().parse().expect("--rounds R"),
            "--workers" => args.workers = Some(value().parse().expect("--workers W")),
            "--only" => {
                args.only = Some(match value().as_str() {
                    "a" => Who::Client,
                    "b" => Who::BareSigned,
                    "c" => Who::BareUnsigned,
                    other => panic!("--only a|b|c, not {other}"),
                });
            }
            "--url" => args.url = Some(value().trim_end_matches('/').to_owned()),
            "--noop" => args.noop = true,
            "--emulator-bin" => args.emulator_bin = value(),
            "--server-cpus" => args.server_cpus = Some(value()),
            "--bench" => {} // `cargo bench` passes it
            other => panic!("unknown argument {other}; see the header of examples/load.rs"),
        }
    }
    args
}

fn main() {
    let args = parse_args();
    let mut runtime = tokio::runtime::Builder::new_multi_thread();
    runtime.enable_all();
    if let Some(workers) = args.workers {
        runtime.worker_threads(workers);
    }
    let runtime = runtime.build().expect("runtime");

    let mut child = None;
    let (base, server) = if let Some(url) = &args.url {
        (url.clone(), format!("already running at {url}"))
    } else if args.noop {
        let addr = start_noop_server();
        (
            format!("http://{addr}"),
            "in-process canned-answer hyper server (--noop)".to_owned(),
        )
    } else {
        let (c, url) = spawn_emulator(&args.emulator_bin, args.server_cpus.as_deref());
        let pid = c.id();
        child = Some(c);
        (
            url,
            format!(
                "`anthropic-aws emulator --port 0 --fast` (pid {pid}{})",
                args.server_cpus
                    .as_deref()
                    .map(|c| format!(", cpus {c}"))
                    .unwrap_or_default()
            ),
        )
    };
    let server_tasks = child.as_ref().map(|c| format!("/proc/{}/task", c.id()));

    let contenders: Vec<Who> = match args.only {
        Some(who) => vec![who],
        None => Who::ALL.to_vec(),
    };
    println!(
        "server: {server}; n = {} per contender and concurrency, {} rounds, {} client worker threads",
        args.n,
        args.rounds,
        args.workers
            .map_or_else(|| "default".to_owned(), |w| w.to_string())
    );

    let cs = runtime.block_on(async { Arc::new(Contenders::new(&base).await) });
    for &concurrency in &args.concurrency {
        // Warm up: connections opened, allocator and caches settled.
        for &who in &contenders {
            runtime.block_on(run(
                &cs,
                who,
                (args.n / 10).max(concurrency * 4),
                concurrency,
            ));
        }
        let mut tallies = [Tally::default(); 3];
        let mut round_ratios: Vec<(f64, f64)> = Vec::new();
        let mut server_cpu = [Duration::ZERO; 3];
        for p in &cs.probes {
            p.pre_network_ns.store(0, Ordering::Relaxed);
            p.sign_ns.store(0, Ordering::Relaxed);
            p.ids_seen.store(0, Ordering::Relaxed);
        }
        let per_round = args.n / args.rounds;
        for round in 0..args.rounds {
            let mut walls = [Duration::ZERO; 3];
            for i in 0..contenders.len() {
                let who = contenders[(i + round) % contenders.len()];
                let cpu0 = process_cpu();
                let scpu0 = server_tasks.as_deref().map(cpu_of);
                let wall = runtime.block_on(run(&cs, who, per_round, concurrency));
                let t = &mut tallies[who.index()];
                t.cpu += process_cpu().saturating_sub(cpu0);
                if let (Some(tasks), Some(before)) = (server_tasks.as_deref(), scpu0) {
                    server_cpu[who.index()] += cpu_of(tasks).saturating_sub(before);
                }
                t.wall += wall;
                t.requests += per_round;
                walls[who.index()] = wall;
            }
            if contenders.len() == 3 {
                let s = |d: Duration| d.as_secs_f64();
                round_ratios.push((s(walls[0]) / s(walls[1]), s(walls[1]) / s(walls[2])));
            }
        }
        for (t, p) in tallies.iter_mut().zip(&cs.probes) {
            t.pre_network_ns = p.pre_network_ns.load(Ordering::Relaxed);
            t.sign_ns = p.sign_ns.load(Ordering::Relaxed);
            t.ids_seen = p.ids_seen.load(Ordering::Relaxed);
        }
        report(
            concurrency,
            &contenders,
            &tallies,
            &server_cpu,
            server_tasks.is_some(),
            &round_ratios,
        );
    }
    if let Some(mut child) = child {
        let _ = child.kill();
        let _ = child.wait();
    }
}

fn report(
    concurrency: usize,
    contenders: &[Who],
    tallies: &[Tally; 3],
    server_cpu: &[Duration; 3],
    have_server_cpu: bool,
    round_ratios: &[(f64, f64)],
) {
    println!();
    println!("concurrency {concurrency}");
    println!(
        "| contender | requests | wall s | req/s | µs/req (wall) | client CPU µs/req | server CPU µs/req | pre-network µs/req | signing µs/req | signing share of wall | signing share of client CPU | both IDs |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    // The client signs with the same code as `b` (auth/sigv4.rs); its per-request signing
    // time is taken from `b`, measured in the same run.
    let sign_per_req_b = {
        let b = &tallies[Who::BareSigned.index()];
        (b.requests > 0).then(|| b.sign_ns as f64 / b.requests as f64 / 1e3)
    };
    for &who in contenders {
        let t = &tallies[who.index()];
        let n = t.requests as f64;
        let wall = t.wall.as_secs_f64();
        let per_req = |d: f64| d / n * 1e6;
        let (sign_us, estimated) = match who {
            Who::Client => (sign_per_req_b, true),
            Who::BareSigned => (Some(t.sign_ns as f64 / n / 1e3), false),
            Who::BareUnsigned => (Some(0.0), false),
        };
        let mark = if estimated { " (from b)" } else { "" };
        let fmt_sign = sign_us.map_or("n/a".to_owned(), |s| format!("{s:.2}{mark}"));
        let share_wall = sign_us.map_or("n/a".to_owned(), |s| {
            format!("{:.1}%", s * n / 1e6 / wall * 100.0)
        });
        let share_cpu = sign_us.map_or("n/a".to_owned(), |s| {
            format!("{:.1}%", s * n / 1e6 / t.cpu.as_secs_f64() * 100.0)
        });
        let server = if have_server_cpu {
            format!("{:.1}", per_req(server_cpu[who.index()].as_secs_f64()))
        } else {
            "n/a".to_owned()
        };
        println!(
            "| {} | {} | {:.3} | {:.0} | {:.1} | {:.1} | {} | {:.2} | {} | {} | {} | {} |",
            who.label(),
            t.requests,
            wall,
            n / wall,
            per_req(wall),
            per_req(t.cpu.as_secs_f64()),
            server,
            t.pre_network_ns as f64 / n / 1e3,
            fmt_sign,
            share_wall,
            share_cpu,
            t.ids_seen,
        );
    }
    if contenders.len() == 3 {
        let wall = |w: Who| tallies[w.index()].wall.as_secs_f64();
        let cpu = |w: Who| tallies[w.index()].cpu.as_secs_f64();
        let (a, b, c) = (Who::Client, Who::BareSigned, Who::BareUnsigned);
        // The spread of the per-round ratios, and their median: one round disturbed by the
        // machine moves the total but hardly the median.
        let min_max = |f: fn(&(f64, f64)) -> f64| {
            let mut v: Vec<f64> = round_ratios.iter().map(f).collect();
            v.sort_by(f64::total_cmp);
            let (Some(min), Some(max)) = (v.first(), v.last()) else {
                return "no rounds".to_owned();
            };
            let median = if v.len() % 2 == 1 {
                v[v.len() / 2]
            } else {
                (v[v.len() / 2 - 1] + v[v.len() / 2]) / 2.0
            };
            format!("median {median:.3}, {min:.3}..{max:.3}")
        };
        println!();
        println!(
            "ratios (wall): a/b = {:.3} (rounds {}), b/c = {:.3} (rounds {})",
            wall(a) / wall(b),
            min_max(|r| r.0),
            wall(b) / wall(c),
            min_max(|r| r.1),
        );
        println!(
            "ratios (client CPU): a/b = {:.3}, b/c = {:.3}",
            cpu(a) / cpu(b),
            cpu(b) / cpu(c)
        );
    }
}
