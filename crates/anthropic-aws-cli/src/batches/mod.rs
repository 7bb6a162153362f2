//! `messages:batches …`: Message Batches from the shell, and the resumable batch runner.

mod args;

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;

use anthropic_aws::resources::RunnerError;
use anthropic_aws::types::{BatchCreateParams, BatchRequest};
use futures_util::TryStreamExt;
use serde_json::Value;

pub use self::args::BatchesCommand;
use self::args::{CreateArgs, RunArgs};
use crate::args::{Format, Global};
use crate::connect::client;
use crate::errors::CliError;
use crate::input;
use crate::list_args::IdPaging;
use crate::output::Output;
use crate::progress::Progress;

const REQUEST_EXAMPLE: &str = "{custom_id: q1, params: {model: claude-opus-4-8, max_tokens: 1024, \
                               messages: [{role: user, content: \"Hello, Claude\"}]}}";

/// Runs one `messages:batches` subcommand.
pub async fn run(global: &Global, command: BatchesCommand) -> Result<(), CliError> {
    let out = Output::new(global);
    match command {
        BatchesCommand::Create(args) => {
            let params = create_params(&args)?;
            let client = client(global).await?;
            let batch = client.messages().batches().create(&params).await?;
            out.value(&*batch)
        }
        BatchesCommand::Retrieve(args) => {
            let client = client(global).await?;
            let batch = client.messages().batches().retrieve(args.id()).await?;
            out.value(&*batch)
        }
        BatchesCommand::Cancel(args) => {
            let client = client(global).await?;
            let batch = client.messages().batches().cancel(args.id()).await?;
            out.value(&*batch)
        }
        BatchesCommand::Delete(args) => {
            let client = client(global).await?;
            let deleted = client.messages().batches().delete(args.id()).await?;
            out.value(&*deleted)
        }
        BatchesCommand::List(args) => list(global, out, &args).await,
        BatchesCommand::Results(args) => results(global, out, args.id()).await,
        BatchesCommand::Run(args) => run_file(global, out, &args).await,
    }
}

/// `list`: every page (or `--max-items` batches); `jsonl` prints a batch a line as pages
/// arrive, other formats print one `{"data": [...]}` at the end.
async fn list(global: &Global, out: Output<'_>, args: &IdPaging) -> Result<(), CliError> {
    let params = args.params();
    let client = client(global).await?;
    out.items(
        client.messages().batches().list_all(&params),
        args.max.max_items,
    )
    .await
}

/// `results`: one result a line on stdout (each through `--transform`), written as they
/// arrive, in bounded memory.
async fn results(global: &Global, out: Output<'_>, id: &str) -> Result<(), CliError> {
    let client = client(global).await?;
    let mut results = client.messages().batches().results(id).await?;
    let progress = Progress::new(None, false);
    let stdout = std::io::stdout();
    let lines_out = out.with_format(Format::Jsonl);
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut lines = 0u64;
    while let Some(result) = results.try_next().await? {
        lines_out.write_value(&mut out, &result)?;
        lines += 1;
        if lines.is_multiple_of(1024) {
            progress.update(None, format!("{lines} results"));
        }
    }
    out.flush().map_err(CliError::Output)?;
    progress.finish(format!("{lines} results"));
    Ok(())
}

/// `run`: the library's resumable runner with a progress bar; the counts at the end.
async fn run_file(global: &Global, out: Output<'_>, args: &RunArgs) -> Result<(), CliError> {
    if !args.input.is_file() {
        return Err(CliError::usage(format!(
            "--input {}: no such file (one {{custom_id, params}} request a line)",
            args.input.display()
        )));
    }
    let client = client(global).await?;
    let progress = std::sync::Arc::new(Progress::new(None, false));
    let mut runner = client.messages().batches().runner();
    if let Some(max) = args.max_requests_per_batch {
        runner = runner.max_requests_per_batch(max);
    }
    if let Some(first) = args.poll_interval {
        runner = runner.poll_interval(first, first.max(std::time::Duration::from_secs(60)));
    }
    let shown = std::sync::Arc::clone(&progress);
    let runner = runner.on_progress(move |p| {
        shown.update(
            None,
            format!(
                "{} batches submitted ({} requests{}), {} ended, {} written; {} succeeded, {} errored",
                p.batches_submitted,
                p.requests_submitted,
                if p.input_done { ", all" } else { "" },
                p.batches_ended,
                p.batches_written,
                p.counts.succeeded,
                p.counts.errored,
            ),
        );
    });
    let report = runner
        .run_jsonl(&args.input, &args.output)
        .await
        .map_err(runner_error)?;
    let counts = &report.progress.counts;
    progress.finish(format!(
        "done: {} batches, {} requests",
        report.batch_ids.len(),
        report.progress.requests_submitted
    ));
    out.value(&serde_json::json!({
        "batches": report.batch_ids,
        "output": report.output,
        "request_counts": counts,
    }))
}

fn runner_error(e: RunnerError) -> CliError {
    match e {
        RunnerError::Api(e) => CliError::Call(e),
        RunnerError::Io { path, source } => CliError::Output(std::io::Error::new(
            source.kind(),
            format!("{}: {source}", path.display()),
        )),
        other => CliError::usage(other.to_string()),
    }
}

/// The batch to create: `--request`s, then the lines of `--requests-file`.
fn create_params(args: &CreateArgs) -> Result<BatchCreateParams, CliError> {
    if args.requests.is_empty() && args.requests_file.is_none() {
        return Err(CliError::usage(format!(
            "no requests: pass --request '{REQUEST_EXAMPLE}' (repeatable) or --requests-file FILE.jsonl"
        )));
    }
    let tail = format!("; write a request as '{REQUEST_EXAMPLE}', as JSON, or as @path");
    let mut requests = Vec::with_capacity(args.requests.len());
    for (n, raw) in args.requests.iter().enumerate() {
        let what = format!("--request #{}", n + 1);
        let (value, source) = input::document_arg(raw, &what, &tail)?;
        requests.push(batch_request(value, &format!("{what}{source}"))?);
    }
    if let Some(path) = &args.requests_file {
        read_requests_file(path, &mut requests)?;
    }
    if let Some(geo) = &args.inference_geo {
        for request in &mut requests {
            request
                .params
                .extra
                .insert("inference_geo".into(), Value::String(geo.clone()));
        }
    }
    Ok(BatchCreateParams::new(requests))
}

fn read_requests_file(path: &Path, requests: &mut Vec<BatchRequest>) -> Result<(), CliError> {
    let file = std::fs::File::open(path)
        .map_err(|e| CliError::usage(format!("--requests-file {}: {e}", path.display())))?;
    for (n, line) in BufReader::new(file).lines().enumerate() {
        let line =
            line.map_err(|e| CliError::usage(format!("--requests-file {}: {e}", path.display())))?;
        if line.trim().is_empty() {
            continue;
        }
        let what = format!("{} line {}", path.display(), n + 1);
        let value: Value = serde_json::from_str(&line)
            .map_err(|e| CliError::usage(format!("{what} is not JSON: {e}")))?;
        requests.push(batch_request(value, &what)?);
    }
    Ok(())
}

fn batch_request(value: Value, what: &str) -> Result<BatchRequest, CliError> {
    serde_json::from_value(value).map_err(|e| {
        CliError::usage(format!(
            "{what} is not a batch request ({{custom_id, params: {{model, max_tokens, messages}}}}): {e}"
        ))
    })
}
