//! Per-request cost of the client against the bare work, each contender in its own process
//! so that `/usr/bin/time -v` sees its own CPU and peak memory.
//!
//! ```text
//! per_request serve                                   # canned server; prints "listening on URL"
//! per_request client --url URL -n 20000 -c 1         # client.messages().create(&params)
//! per_request bare   --url URL -n 20000 -c 1         # serde + aws-sigv4 + reqwest, by hand
//! per_request sizes                                   # the size of each contender's future
//! ```
//!
//! `--keep-handles` keeps every `JoinHandle` until the end. For profiling:
//! `PER_REQUEST_RUNTIME=current` runs a single-thread runtime, and `PER_REQUEST_BARE_SPIN_NS=N`
//! adds N ns of busy work per bare request (a known difference, to calibrate the figures).
//!
//! Both contenders do the same job the same way: a multi-thread Tokio runtime, one
//! `tokio::spawn` per request behind a semaphore of `-c` permits, and per request serialize
//! the typed params, sign, send, parse the answer and read both request IDs. The run fails
//! unless every answer parsed and carried both IDs. `benches/per_request.sh` runs them side
//! by side under `/usr/bin/time -v` and prints the ratios.
//!
//! The server (`serve`, `support::start_noop_server`) costs next to nothing: one thread, a
//! fixed answer with both IDs, nothing verified.

mod bare;
mod client;

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use tokio::sync::Semaphore;

// The request, the credentials and the canned-answer server are the benchmarks' shared facts;
// nothing of the bare loop comes from there.
#[path = "../../benches/support/mod.rs"]
mod support;

pub use support::{ACCESS_KEY, REGION, SECRET_KEY, SESSION_TOKEN, WORKSPACE, params};

/// `usage.output_tokens` of the canned answer (`support::CANNED`); the contenders add them
/// up as a check.
const OUTPUT_TOKENS: u64 = 64;

/// What one request gave back, checked once per run.
#[derive(Default)]
pub struct Tally {
    pub both_ids: AtomicU64,
    pub output_tokens: AtomicU64,
}

impl Tally {
    pub fn add(&self, both_ids: bool, output_tokens: u64) {
        if both_ids {
            self.both_ids.fetch_add(1, Ordering::Relaxed);
        }
        self.output_tokens
            .fetch_add(output_tokens, Ordering::Relaxed);
    }
}

/// Runs `n` requests, `concurrency` at a time, one spawned task each. With `keep_handles`
/// the tasks' `JoinHandle`s are kept and awaited at the end, as many harnesses do (a finished
/// task's memory then lives until it is joined); otherwise the tasks are detached and the end
/// is awaited by taking back every permit.
pub async fn drive<F, Fut>(n: usize, concurrency: usize, keep_handles: bool, one: F)
where
    F: Fn() -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let permits = Arc::new(Semaphore::new(concurrency));
    let mut handles = Vec::with_capacity(if keep_handles { n } else { 0 });
    for _ in 0..n {
        let permit = Arc::clone(&permits)
            .acquire_owned()
            .await
            .expect("semaphore");
        let work = one();
        let handle = tokio::spawn(async move {
            work.await;
            drop(permit);
        });
        if keep_handles {
            handles.push(handle);
        }
    }
    for handle in handles {
        handle.await.expect("request task");
    }
    let all = u32::try_from(concurrency).expect("concurrency");
    drop(permits.acquire_many(all).await.expect("semaphore"));
}

struct Args {
    mode: String,
    url: String,
    n: usize,
    concurrency: usize,
    keep_handles: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut it = std::env::args().skip(1);
    let mode = it.next().ok_or(
        "usage: per_request serve|client|bare|sizes [--url U] [-n N] [-c C] [--keep-handles]",
    )?;
    let mut args = Args {
        mode,
        url: String::new(),
        n: 20_000,
        concurrency: 1,
        keep_handles: false,
    };
    while let Some(flag) = it.next() {
        if flag == "--keep-handles" {
            args.keep_handles = true;
            continue;
        }
        let value = it.next().ok_or(format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--url" => args.url = value.trim_end_matches('/').to_owned(),
            "-n" => args.n = value.parse().map_err(|e| format!("-n: {e}"))?,
            "-c" => args.concurrency = value.parse().map_err(|e| format!("-c: {e}"))?,
            other => return Err(format!("unknown flag {other}")),
        }
    }
    Ok(args)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    if args.mode == "sizes" {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        println!(
            "create() future: {} bytes",
            runtime.block_on(client::future_size("http://127.0.0.1:1"))
        );
        let _guard = runtime.enter();
        println!(
            "bare request future: {} bytes",
            bare::Caller::future_size("http://127.0.0.1:1")
        );
        return ExitCode::SUCCESS;
    }
    if args.mode == "serve" {
        println!("listening on http://{}", support::start_noop_server());
        loop {
            std::thread::park();
        }
    }
    // PER_REQUEST_RUNTIME=current: a single-thread runtime, to tell the work from the
    // scheduling when profiling.
    let mut runtime = match std::env::var("PER_REQUEST_RUNTIME").as_deref() {
        Ok("current") => tokio::runtime::Builder::new_current_thread(),
        _ => tokio::runtime::Builder::new_multi_thread(),
    };
    let runtime = runtime.enable_all().build().expect("runtime");
    let tally = Arc::new(Tally::default());
    let start = Instant::now();
    match args.mode.as_str() {
        "client" => runtime.block_on(client::run(
            &args.url,
            args.n,
            args.concurrency,
            args.keep_handles,
            &tally,
        )),
        "bare" => runtime.block_on(bare::run(
            &args.url,
            args.n,
            args.concurrency,
            args.keep_handles,
            &tally,
        )),
        other => {
            eprintln!("unknown mode {other}: serve, client, bare or sizes");
            return ExitCode::from(2);
        }
    }
    let wall = start.elapsed();
    let both = tally.both_ids.load(Ordering::Relaxed);
    let tokens = tally.output_tokens.load(Ordering::Relaxed);
    println!(
        "{} c={} n={}: {:.3} s, {:.1} µs/req, both IDs on {both}, output tokens {tokens}",
        args.mode,
        args.concurrency,
        args.n,
        wall.as_secs_f64(),
        wall.as_secs_f64() * 1e6 / args.n as f64,
    );
    if both != args.n as u64 || tokens != OUTPUT_TOKENS * args.n as u64 {
        eprintln!("not every answer was read whole");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
