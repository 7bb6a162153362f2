//! `anthropic-aws`: Claude on Claude Platform on AWS from the command line, built only on the
//! `anthropic_aws` library's public API.
//!
//! ```text
//! anthropic-aws [GLOBAL] messages create --model M --max-tokens N --message MSG [...] [--stream] [any body field as a flag]
//! anthropic-aws [GLOBAL] messages count-tokens --model M --message MSG [...] [--tool T ...] [--thinking T] ...
//! anthropic-aws [GLOBAL] models list [--max-items N] | models get ID | models retrieve --model-id ID
//! anthropic-aws [GLOBAL] messages:batches create|retrieve|list|cancel|delete|results|run ...
//! anthropic-aws emulator [--port P] [--credentials FILE] [--api-key K] [--log FILE] [--fast]
//!                        [--record DIR --upstream URL | --replay DIR]
//! ```
//!
//! Exit status: 0 success, 1 a failed call, 2 a usage error. With `--format-error json` the
//! last line on stderr is one JSON error object.

mod args;
mod batches;
mod commands;
mod connect;
mod credentials_file;
mod debug;
mod emulator;
mod errors;
mod files;
mod id_args;
mod input;
mod list_args;
mod messages;
mod output;
mod progress;
mod seconds;
mod skills;
mod transform;
mod upstream;

use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use clap::error::ErrorKind;

use crate::args::{Cli, Command, Global};
use crate::errors::{CliError, EXIT_FAILURE, EXIT_USAGE, ErrorFormat};

fn main() -> ExitCode {
    let raw_args: Vec<OsString> = std::env::args_os().collect();
    let cli = match Cli::try_parse_from(&raw_args) {
        Ok(cli) => cli,
        Err(e) => return clap_failure(&e, args::error_format_from_raw_args(&raw_args)),
    };
    let error_format = cli.global.format_error;

    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            let mut err = std::io::stderr().lock();
            let _ = writeln!(err, "error: could not start the async runtime: {e}");
            return ExitCode::from(EXIT_FAILURE);
        }
    };
    let Cli { global, command } = cli;
    match runtime.block_on(run(&global, command)) {
        Ok(()) => ExitCode::SUCCESS,
        // A reader that stopped reading (`| head`) is not a failure.
        Err(CliError::Output(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            let mut err = std::io::stderr().lock();
            let _ = err.write_all(e.report(error_format).as_bytes());
            let _ = err.flush();
            ExitCode::from(e.exit_code())
        }
    }
}

/// Runs the command, in the module of its family (adding a family: its module above, its
/// `Command` variant in `args.rs`, its arm here).
async fn run(global: &Global, command: Command) -> Result<(), CliError> {
    match command {
        Command::Messages(command) => commands::run_messages(global, command).await,
        Command::Models(command) => commands::run_models(global, command).await,
        Command::MessagesBatches(command) => batches::run(global, command).await,
        Command::BetaFiles(command) => files::run(global, command).await,
        Command::BetaSkills(command) => skills::run(global, command).await,
        Command::BetaSkillsVersions(command) => skills::run_versions(global, command).await,
        Command::Emulator(args) => emulator::run(global, args).await,
    }
}

/// `--help` and `--version` go to stdout with status 0; a bad command line (a missing
/// subcommand included) is a usage error, reported by clap and, with `--format-error json`,
/// followed by the JSON error line.
fn clap_failure(e: &clap::Error, format: ErrorFormat) -> ExitCode {
    let _ = e.print();
    if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        return ExitCode::SUCCESS;
    }
    if format == ErrorFormat::Json {
        let first = first_line(&e.to_string());
        let message = if first.is_empty() {
            e.kind()
                .as_str()
                .unwrap_or("invalid command line")
                .to_owned()
        } else {
            first
        };
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(
            CliError::usage(message)
                .report(ErrorFormat::Json)
                .as_bytes(),
        );
        let _ = err.flush();
    }
    ExitCode::from(EXIT_USAGE)
}

/// The first line of clap's report, without its `error: ` prefix.
fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default();
    line.strip_prefix("error: ")
        .unwrap_or(line)
        .trim()
        .to_owned()
}
