//! `anthropic-aws emulator`: serves the local Claude Platform on AWS until Ctrl-C or SIGTERM.

use std::io::Write;
use std::path::PathBuf;

use anthropic_aws_emulator::Emulator;
use clap::Args;

use crate::args::Global;
use crate::errors::CliError;

const EMULATOR_AFTER_HELP: &str = "\
The first line on stdout is `listening on http://127.0.0.1:PORT`; the next says how to point
the client (or this tool) at it. The server runs until Ctrl-C or SIGTERM.

--credentials reads an AWS shared-credentials (or config) file as the AWS SDKs parse it: every
[name] or [profile name] section with aws_access_key_id and aws_secret_access_key becomes an
accepted access key (a session one when it also has aws_session_token). Without --credentials or --api-key every request is rejected.

Failures are scripted per request, without code, with the x-emulator-scenario header or a
model-name suffix (claude-opus-4-8~status=529;times=2); see crates/anthropic-aws-emulator/README.md.

--record DIR --upstream URL forwards every request it accepts to URL, signed afresh with this
command's own credentials (--aws-api-key, --aws-profile, ANTHROPIC_AWS_API_KEY or the AWS
chain; region from --aws-region or the environment), passes the answers back as they come, and
writes each exchange to DIR as a readable JSON file (big bodies and uploads beside it). No key,
token or signature of either side is written. --replay DIR answers from such a folder with
nothing sent anywhere: by method, path, query and JSON body; repeated requests get their
recorded answers in order; a request with no recorded answer gets 404 not_found_error. Without
--credentials or --api-key a replay accepts every caller; with them it verifies callers, for the
recording's workspace unless --workspace names another.

Examples:
  anthropic-aws emulator --port 8080 --credentials ./test-credentials --log requests.jsonl
  anthropic-aws emulator --api-key sk-test --fast
  anthropic-aws --aws-region us-west-2 emulator --api-key sk-local --workspace wrkspc_01AbCdEf \\
      --record tests/recording --upstream https://aws-external-anthropic.us-west-2.api.aws
  anthropic-aws emulator --replay tests/recording --port 8080";

/// `emulator` options.
#[derive(Debug, Args)]
#[command(after_help = EMULATOR_AFTER_HELP)]
pub struct EmulatorArgs {
    /// Port on 127.0.0.1 (0 picks a free one)
    #[arg(long, value_name = "P", default_value_t = 0)]
    pub port: u16,

    /// Region requests must be signed for
    #[arg(long, value_name = "R", default_value = "us-west-2")]
    pub region: String,

    /// Workspace ID requests must name
    #[arg(long, value_name = "W", default_value = "wrkspc_emulator")]
    pub workspace: String,

    /// Accept this API key (repeatable)
    #[arg(long = "api-key", value_name = "K")]
    pub api_keys: Vec<String>,

    /// Accept the access keys of this AWS shared-credentials file (repeatable)
    #[arg(long, value_name = "FILE")]
    pub credentials: Vec<PathBuf>,

    /// Append one JSON line per request to this file
    #[arg(long, value_name = "FILE", conflicts_with_all = ["record", "replay"])]
    pub log: Option<PathBuf>,

    /// No authentication, no recording, canned answers: for load tests of clients
    #[arg(long, conflicts_with_all = ["record", "replay"])]
    pub fast: bool,

    /// Forward every accepted request to --upstream and record the exchanges in DIR
    #[arg(
        long,
        value_name = "DIR",
        requires = "upstream",
        conflicts_with = "replay"
    )]
    pub record: Option<PathBuf>,

    /// Where --record forwards to, e.g. https://aws-external-anthropic.us-west-2.api.aws
    #[arg(long, value_name = "URL", requires = "record")]
    pub upstream: Option<String>,

    /// Answer from the recording in DIR, sending nothing anywhere
    #[arg(long, value_name = "DIR")]
    pub replay: Option<PathBuf>,

    /// Bytes of request bodies held in memory at once, across connections; bodies beyond
    /// wait for room [default: 67108864, 64 MiB]
    #[arg(long, value_name = "BYTES", value_parser = clap::value_parser!(u64).range(1..))]
    pub max_body_bytes_in_flight: Option<u64>,
}

/// Starts the emulator, prints where it listens, and serves until Ctrl-C or SIGTERM.
pub async fn run(global: &Global, args: EmulatorArgs) -> Result<(), CliError> {
    let mut builder = Emulator::builder()
        .port(args.port)
        .region(&args.region)
        .workspace_id(&args.workspace)
        .fast(args.fast);
    let mut access_key_ids = Vec::new();
    for path in &args.credentials {
        let text = std::fs::read_to_string(path).map_err(|e| {
            CliError::usage(format!("cannot read --credentials {}: {e}", path.display()))
        })?;
        for credential in crate::credentials_file::parse(&text, path).await? {
            access_key_ids.push(credential.access_key_id.clone());
            builder = match credential.session_token {
                Some(token) => builder.session_credentials(
                    credential.access_key_id,
                    credential.secret_access_key,
                    token,
                ),
                None => builder.access_key(credential.access_key_id, credential.secret_access_key),
            };
        }
    }
    for key in &args.api_keys {
        builder = builder.api_key(key);
    }
    if let Some(bytes) = args.max_body_bytes_in_flight {
        builder = builder.max_body_bytes_in_flight(usize::try_from(bytes).unwrap_or(usize::MAX));
    }
    if let Some(log) = &args.log {
        builder = builder.request_log(log);
    }
    if let (Some(dir), Some(url)) = (&args.record, &args.upstream) {
        let upstream = crate::upstream::upstream(global, url, &args.workspace).await?;
        builder = builder.record(dir, upstream);
    }
    if let Some(dir) = &args.replay {
        builder = builder.replay(dir);
    }
    // A port in use or a --log path that cannot be opened: the command line must change.
    let emulator = builder.start().await.map_err(|e| {
        let folder = match (&args.record, &args.replay) {
            (Some(dir), _) => format!(" with --record {}", dir.display()),
            (None, Some(dir)) => format!(" with --replay {}", dir.display()),
            (None, None) => String::new(),
        };
        CliError::usage(format!(
            "could not start the emulator on 127.0.0.1:{}{}{folder}: {e}",
            args.port,
            args.log
                .as_ref()
                .map(|p| format!(" with --log {}", p.display()))
                .unwrap_or_default()
        ))
    })?;

    let stop = shutdown_signal();

    // The notes on stderr come first: once stdout's lines are out, everything has been said.
    let mut err = std::io::stderr().lock();
    if let (Some(dir), Some(url)) = (&args.record, &args.upstream) {
        let _ = writeln!(
            err,
            "recording to {}: forwarding to {}",
            dir.display(),
            anthropic_aws::redact_url(url)
        );
    }
    if let (Some(dir), Some(count)) = (&args.replay, emulator.replayed_exchanges()) {
        let _ = writeln!(
            err,
            "replaying {count} recorded exchange(s) from {}; nothing is sent anywhere",
            dir.display()
        );
    }
    let unverified_replay =
        args.replay.is_some() && access_key_ids.is_empty() && args.api_keys.is_empty();
    if unverified_replay {
        let _ = writeln!(
            err,
            "no --credentials and no --api-key: every caller is accepted (workspace {})",
            emulator.workspace_id()
        );
    } else if args.fast {
        let _ = writeln!(
            err,
            "fast mode: requests are not authenticated nor recorded; answers are canned"
        );
    } else if access_key_ids.is_empty() && args.api_keys.is_empty() {
        let _ = writeln!(
            err,
            "warning: no --credentials and no --api-key: every signed request will be rejected \
             as unrecognized (UnrecognizedClientException), and every API key as invalid"
        );
    } else {
        access_key_ids.sort();
        access_key_ids.dedup();
        let _ = writeln!(
            err,
            "accepting {} access key(s){}{} and {} API key(s)",
            access_key_ids.len(),
            if access_key_ids.is_empty() { "" } else { ": " },
            access_key_ids.join(", "),
            args.api_keys.len()
        );
    }
    if let Some(log) = &args.log {
        let _ = writeln!(err, "logging requests to {}", log.display());
    }
    let _ = writeln!(err, "press Ctrl-C to stop");
    let _ = err.flush();
    drop(err);

    let base_url = emulator.base_url();
    let mut out = std::io::stdout().lock();
    writeln!(out, "listening on {base_url}").map_err(CliError::Output)?;
    writeln!(
        out,
        "point the client at it with: ANTHROPIC_AWS_BASE_URL={base_url} \
         ANTHROPIC_AWS_WORKSPACE_ID={} AWS_REGION={}",
        emulator.workspace_id(),
        args.region
    )
    .map_err(CliError::Output)?;
    out.flush().map_err(CliError::Output)?;
    drop(out);

    stop.await;
    emulator.shutdown().await;
    Ok(())
}

/// Resolves on Ctrl-C or (on Unix) SIGTERM. On Unix the handlers are installed when this is
/// called, not when it is first awaited, so that a signal sent as soon as the address is
/// printed stops the server cleanly. A signal that cannot be listened for is ignored.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{Signal, SignalKind, signal};
        async fn recv(signal: Option<Signal>) {
            match signal {
                Some(mut signal) => {
                    signal.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        }
        let interrupt = signal(SignalKind::interrupt()).ok();
        let terminate = signal(SignalKind::terminate()).ok();
        async move {
            tokio::select! {
                () = recv(interrupt) => {}
                () = recv(terminate) => {}
            }
        }
    }
    #[cfg(not(unix))]
    async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}
