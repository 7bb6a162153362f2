//! The command line: global options and subcommands (clap derive).

use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::errors::ErrorFormat;
use crate::list_args::IdPaging;

const MAIN_AFTER_HELP: &str = "\
Configuration not given on the command line is read the way the library reads it:
  ANTHROPIC_AWS_BASE_URL, AWS_REGION / AWS_DEFAULT_REGION (then the profile's region),
  ANTHROPIC_AWS_WORKSPACE_ID, AWS_PROFILE, ANTHROPIC_AWS_API_KEY, and the AWS credential
  chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, profiles, SSO, ...).

Authentication, first match wins: --aws-api-key, --aws-profile, ANTHROPIC_AWS_API_KEY,
then the default AWS credential chain (SigV4).

Exit status:
  0  success
  1  the call failed: an API error (any taxonomy type), a network failure or timeout,
     missing credentials, a request refused as too large
  2  usage error: a bad flag, a --message or stdin body that does not parse or does not fit
     the request, missing workspace or region, a request that must be streamed

Examples:
  anthropic-aws --debug messages create --model claude-opus-4-8 --max-tokens 1024 \\
      --message '{role: user, content: \"Hello, Claude\"}'
  anthropic-aws messages count-tokens --model claude-opus-4-8 --message @turn.yaml \\
      --transform input_tokens
  anthropic-aws models list --format yaml";

const CREATE_AFTER_HELP: &str = "\
MSG is one conversation turn, as a YAML flow mapping or JSON:
  --message '{role: user, content: \"Hello, Claude\"}'
  --message '{\"role\": \"assistant\", \"content\": [{\"type\": \"text\", \"text\": \"Hi\"}]}'
  --message @turn.yaml          (the value read from a file)
Repeat --message to build the conversation, in order.

Every field of the request body is a flag, named as the ant CLI names it; mappings and lists
take YAML flow, JSON, or @path. A JSON or YAML body on stdin (read when stdin is not a terminal)
gives the rest: a flag wins over the same field there (--message and --tool replace the body's
lists; --metadata.user-id sets one member and keeps the others).

With --stream the answer's text is printed as it arrives; --format jsonl prints one event per
line instead, and an explicit --format json|pretty|yaml prints the whole message at the end.

Examples:
  anthropic-aws --debug messages create --model claude-opus-4-8 --max-tokens 1024 \\
      --message '{role: user, content: \"Hello, Claude\"}'
  anthropic-aws messages create --workspace-id wrkspc_01AbCdEf --model claude-opus-4-8 \\
      --max-tokens 1024 --inference-geo us --message '{role: user, content: \"Hello!\"}' \\
      --transform content.0.text --raw-output
  anthropic-aws messages create --model claude-opus-4-8 --max-tokens 1024 --stream \\
      --message '{role: user, content: \"Write a haiku about the sea\"}'
  echo '{metadata: {user_id: user-123}, stop_sequences: [END]}' | \\
      anthropic-aws messages create --model claude-opus-4-8 --max-tokens 256 \\
      --message '{role: user, content: Hi}'
  anthropic-aws messages create --model claude-opus-4-8 --max-tokens 2048 \\
      --thinking '{type: enabled, budget_tokens: 1024}' --stop-sequence END \\
      --tool '{name: get_weather, input_schema: {type: object}}' --tool-choice '{type: auto}' \\
      --metadata.user-id user-123 --message '{role: user, content: \"Weather in Paris?\"}'
  anthropic-aws messages create --model claude-opus-4-8 --max-tokens 1024 \\
      --message @question.yaml --format-error json";

const COUNT_AFTER_HELP: &str = "\
MSG is one conversation turn, as a YAML flow mapping or JSON, or @path to read it from a file.
Every other field of the body is a flag too (--tool, --thinking, --output-config, ...); a JSON
or YAML body on stdin gives the rest, and a flag wins over the same field there.

Examples:
  anthropic-aws messages count-tokens --model claude-opus-4-8 \\
      --message '{role: user, content: \"Hello, Claude\"}'
  anthropic-aws messages count-tokens --model claude-opus-4-8 --system @system.txt \\
      --message @turn.yaml
  anthropic-aws messages count-tokens --model claude-opus-4-8 --message @turn.yaml \\
      --tool '{name: get_weather, input_schema: {type: object}}' --thinking '{type: adaptive}'";

const MODELS_AFTER_HELP: &str = "\
Examples:
  anthropic-aws models list
  anthropic-aws models list --max-items 5 --format jsonl --transform id --raw-output
  anthropic-aws models get claude-opus-4-8 --format yaml
  anthropic-aws models retrieve --model-id claude-opus-4-8 --transform max_input_tokens";

/// Claude on Claude Platform on AWS, from the command line.
///
/// Every request is signed with AWS SigV4 (or carries an API key) and every answer and every
/// error reports both request IDs: AWS's (x-amzn-requestid, in CloudTrail) and Anthropic's
/// (request-id).
#[derive(Debug, Parser)]
#[command(
    name = "anthropic-aws",
    version,
    after_help = MAIN_AFTER_HELP,
    propagate_version = true,
    subcommand_required = true,
    arg_required_else_help = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,

    #[command(subcommand)]
    pub command: Command,
}

/// Options every subcommand takes, before or after it.
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct Global {
    /// Endpoint [env: ANTHROPIC_AWS_BASE_URL] [default: https://aws-external-anthropic.{region}.api.aws]
    #[arg(long, global = true, value_name = "URL")]
    pub base_url: Option<String>,

    /// AWS region [env: AWS_REGION, AWS_DEFAULT_REGION; else the profile's]
    #[arg(long, global = true, value_name = "R")]
    pub aws_region: Option<String>,

    /// Workspace ID, wrkspc_… [env: ANTHROPIC_AWS_WORKSPACE_ID]
    #[arg(long, global = true, value_name = "W", visible_alias = "workspace-id")]
    pub aws_workspace_id: Option<String>,

    /// API key, sent as a Bearer token instead of signing [env: ANTHROPIC_AWS_API_KEY]
    #[arg(long, global = true, value_name = "K")]
    pub aws_api_key: Option<String>,

    /// AWS profile whose credentials sign the requests [env: AWS_PROFILE]
    #[arg(long, global = true, value_name = "P")]
    pub aws_profile: Option<String>,

    /// Retries of a failed request [default: 2]
    #[arg(long, global = true, value_name = "N")]
    pub max_retries: Option<u32>,

    /// Timeout of each attempt [default: 600]; lifts the 10-minute non-streaming guard
    #[arg(long, global = true, value_name = "SECONDS", value_parser = crate::seconds::parse_positive)]
    pub timeout: Option<Duration>,

    /// Print requests, responses and both request IDs on stderr (secrets redacted)
    #[arg(long, global = true)]
    pub debug: bool,

    /// Output format [default: pretty on a terminal, json otherwise]
    #[arg(
        long,
        global = true,
        value_enum,
        value_name = "FORMAT",
        hide_possible_values = false
    )]
    pub format: Option<Format>,

    /// Print only what this GJSON path selects from the JSON output (each line's, with
    /// --format jsonl), e.g. `content`, `content.0.text`, `data.#.id`
    #[arg(long, global = true, value_name = "PATH")]
    pub transform: Option<String>,

    /// Print a string result as it is, without JSON quotes
    #[arg(long, global = true)]
    pub raw_output: bool,

    /// Error format on stderr (json: the last line on stderr is one JSON object)
    #[arg(
        long,
        global = true,
        value_enum,
        value_name = "FORMAT",
        default_value_t = ErrorFormat::Text
    )]
    pub format_error: ErrorFormat,
}

/// How a successful answer is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Compact JSON on one line.
    Json,
    /// Indented JSON.
    Pretty,
    /// One JSON object per line: a list's items, a stream's events.
    Jsonl,
    /// YAML.
    Yaml,
    /// The response body exactly as received.
    Raw,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The Messages API: create a message, count tokens.
    #[command(subcommand)]
    Messages(MessagesCommand),
    /// The Models API: list models, get one.
    #[command(subcommand)]
    Models(ModelsCommand),
    /// Message Batches: create, retrieve, list, cancel, delete, results, and a resumable runner.
    #[command(name = "messages:batches", subcommand)]
    MessagesBatches(crate::batches::BatchesCommand),
    /// Files: upload, list, retrieve-metadata, delete, download (alias: files).
    #[command(name = "beta:files", visible_alias = "files", subcommand)]
    BetaFiles(crate::files::FilesCommand),
    /// Agent Skills: create (from a folder or files), list, retrieve, delete.
    #[command(name = "beta:skills", subcommand)]
    BetaSkills(crate::skills::SkillsCommand),
    /// Versions of a skill: create, list, retrieve, delete.
    #[command(name = "beta:skills:versions", subcommand)]
    BetaSkillsVersions(crate::skills::VersionsCommand),
    /// Serve a local Claude Platform on AWS to point apps and CI at.
    Emulator(crate::emulator::EmulatorArgs),
}

#[derive(Debug, Subcommand)]
pub enum MessagesCommand {
    /// Send a conversation and print Claude's answer (POST /v1/messages).
    #[command(after_help = CREATE_AFTER_HELP)]
    Create(CreateArgs),
    /// Count the input tokens a conversation would use (POST /v1/messages/count_tokens).
    #[command(after_help = COUNT_AFTER_HELP)]
    CountTokens(CountTokensArgs),
}

/// `messages create`: every field of the request body as a flag (see `crate::messages`).
pub type CreateArgs = crate::messages::BodyFlags<crate::messages::Create>;

/// `messages count-tokens`: every field of its body as a flag.
pub type CountTokensArgs = crate::messages::BodyFlags<crate::messages::CountTokens>;

#[derive(Debug, Subcommand)]
pub enum ModelsCommand {
    /// List the models available, newest first: every page unless --max-items says fewer
    /// (GET /v1/models).
    #[command(after_help = MODELS_AFTER_HELP)]
    List(IdPaging),
    /// Show one model, by ID or alias (GET /v1/models/{id}); `retrieve` is the same.
    #[command(after_help = MODELS_AFTER_HELP, visible_alias = "retrieve")]
    Get(GetArgs),
}

crate::id_args::id_args!(
    /// A model, positional or as `--model-id`.
    GetArgs,
    model_id,
    "Model ID or alias, e.g. claude-opus-4-8"
);

/// The `--format-error` given on the command line, looked up by hand so that even a command
/// line clap rejects is reported in the requested shape.
pub fn error_format_from_raw_args(args: &[std::ffi::OsString]) -> ErrorFormat {
    let mut chosen = ErrorFormat::Text;
    let mut iter = args.iter().skip(1).map(|a| a.to_string_lossy());
    while let Some(arg) = iter.next() {
        if arg == "--" {
            break;
        }
        let value = if arg == "--format-error" {
            iter.next().map(|v| v.into_owned())
        } else {
            arg.strip_prefix("--format-error=").map(str::to_owned)
        };
        match value.as_deref() {
            Some("json") => chosen = ErrorFormat::Json,
            Some("text") => chosen = ErrorFormat::Text,
            _ => {}
        }
    }
    chosen
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::Cli;

    /// Every subcommand's arguments are consistent (unique names, valid defaults, known
    /// conflicts): clap checks the whole tree here instead of panicking on first use.
    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }
}
