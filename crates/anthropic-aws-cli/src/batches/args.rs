//! `messages:batches …`: the command line, with the `ant` CLI's names.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Subcommand};

use crate::list_args::IdPaging;

const CREATE_AFTER_HELP: &str = "\
Examples:
  anthropic-aws messages:batches create \\
    --request '{custom_id: q1, params: {model: claude-opus-4-8, max_tokens: 1024, messages: [{role: user, content: \"Hello, Claude\"}]}}'
  anthropic-aws messages:batches create --requests-file requests.jsonl";

const RUN_AFTER_HELP: &str = "\
Any number of requests (one {custom_id, params} per line) go through as many batches as the
limits need (100,000 requests, 256 MB each). Results are appended to --output as each batch
ends. The run's state is kept beside the output (OUTPUT.batch-state.json): after a crash or
Ctrl-C, the same command continues the same batches and never submits a request twice.
Exit status 0 only when every batch ended and its results are written.

Example:
  anthropic-aws messages:batches run --input requests.jsonl --output results.jsonl";

/// `messages:batches` subcommands.
#[derive(Debug, Subcommand)]
pub enum BatchesCommand {
    /// Create a batch of Messages requests (POST /v1/messages/batches); prints the batch.
    #[command(after_help = CREATE_AFTER_HELP)]
    Create(CreateArgs),
    /// Show one batch (GET /v1/messages/batches/{id}).
    Retrieve(BatchIdArgs),
    /// List batches, newest first: every page unless --max-items says fewer.
    List(IdPaging),
    /// Cancel a batch in progress (POST /v1/messages/batches/{id}/cancel).
    Cancel(BatchIdArgs),
    /// Delete an ended batch (DELETE /v1/messages/batches/{id}).
    Delete(BatchIdArgs),
    /// Print a batch's results as JSON Lines, one result a line, as they arrive.
    Results(BatchIdArgs),
    /// Run a JSON Lines file of requests through as many batches as needed, resumably.
    #[command(after_help = RUN_AFTER_HELP)]
    Run(RunArgs),
}

/// `create`: requests on the command line or in a JSON Lines file.
#[derive(Debug, Args)]
pub struct CreateArgs {
    /// One request '{custom_id: ID, params: {...}}' (YAML flow, JSON or @path; repeatable)
    #[arg(long = "request", value_name = "REQUEST")]
    pub requests: Vec<String>,

    /// A JSON Lines file, one request a line (blank lines skipped)
    #[arg(long, value_name = "FILE")]
    pub requests_file: Option<PathBuf>,

    /// Where each request's inference runs (`inference_geo` in its params), e.g. us
    #[arg(long, value_name = "GEO")]
    pub inference_geo: Option<String>,
}

crate::id_args::id_args!(
    /// A batch ID, positional or as `--message-batch-id`.
    BatchIdArgs,
    message_batch_id,
    "The batch ID, msgbatch_…"
);

/// `run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The requests, one {custom_id, params} per line
    #[arg(long, value_name = "FILE")]
    pub input: PathBuf,

    /// Where the results go, one a line (appended as each batch ends)
    #[arg(long, value_name = "FILE")]
    pub output: PathBuf,

    /// At most this many requests per batch [default and maximum: 100000]
    #[arg(long, value_name = "N")]
    pub max_requests_per_batch: Option<usize>,

    /// First wait between polls, in seconds (doubling up to 60) [default: 5]
    #[arg(long, value_name = "SECONDS", value_parser = crate::seconds::parse_positive)]
    pub poll_interval: Option<Duration>,
}
