//! Failures: exit codes, and the error report on stderr (text for a person, or one JSON line).

use std::fmt::Write as _;

use anthropic_aws::Error;
use clap::ValueEnum;
use serde::Serialize;
use serde_json::{Map, Value};

/// Exit status of a failed call (API, network, credentials).
pub const EXIT_FAILURE: u8 = 1;
/// Exit status of a usage error.
pub const EXIT_USAGE: u8 = 2;

/// How a failure is reported on stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ErrorFormat {
    /// For a person: what failed, both request IDs, what to do.
    Text,
    /// One JSON object on the last line of stderr.
    Json,
}

/// Everything that can end a run unsuccessfully.
#[derive(Debug)]
pub enum CliError {
    /// The command line, a `--message`, or the body on stdin is wrong; nothing was sent.
    Usage(String),
    /// The library failed (before sending, or the server answered with an error).
    Call(Error),
    /// Writing the answer failed (other than a closed pipe).
    Output(std::io::Error),
}

impl From<Error> for CliError {
    fn from(e: Error) -> Self {
        Self::Call(e)
    }
}

impl CliError {
    pub fn usage(message: impl Into<String>) -> Self {
        Self::Usage(message.into())
    }

    /// 2 for usage errors (including the library's configuration errors and the
    /// must-stream guard, which only a different command line fixes), 1 otherwise.
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Usage(_) => EXIT_USAGE,
            Self::Call(Error::Config { .. } | Error::StreamingRequired { .. }) => EXIT_USAGE,
            Self::Call(_) | Self::Output(_) => EXIT_FAILURE,
        }
    }

    /// Writes the report in `format`; with JSON the report is the last line.
    pub fn report(&self, format: ErrorFormat) -> String {
        match format {
            ErrorFormat::Text => self.text(),
            ErrorFormat::Json => {
                let mut line = self.json_line();
                line.push('\n');
                line
            }
        }
    }

    /// The JSON error object, on one line: `{"type":"error","error":{"type","message",
    /// ..details},"request_id","aws_request_id"[,"aws_error_code"][,"retries"]}`.
    pub fn json_line(&self) -> String {
        let (error_type, message) = self.type_and_message();
        let (aws_request_id, request_id) = self.request_ids();
        let api = match self {
            Self::Call(Error::Api(api)) => Some(api),
            _ => None,
        };
        let mut details = Map::new();
        match api.and_then(|api| api.details()) {
            Some(Value::Object(fields)) => {
                for (key, value) in fields {
                    if key != "type" && key != "message" {
                        details.insert(key.clone(), value.clone());
                    }
                }
            }
            Some(other) => {
                details.insert("details".into(), other.clone());
            }
            None => {}
        }
        let report = JsonReport {
            kind: "error",
            error: JsonError {
                kind: error_type,
                message,
                details,
            },
            request_id,
            aws_request_id,
            aws_error_code: api.and_then(|api| api.aws_error_code()),
            retries: api.map(|api| api.retries()),
        };
        serde_json::to_string(&report).unwrap_or_else(|e| {
            format!(
                r#"{{"type":"error","error":{{"type":"output_error","message":{}}},"request_id":null,"aws_request_id":null}}"#,
                Value::String(e.to_string())
            )
        })
    }

    /// The report for a person: what failed, both IDs, what to do.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let (error_type, message) = self.type_and_message();
        match self {
            Self::Call(Error::Api(api)) => {
                let _ = write!(out, "error: {error_type} (HTTP {})", api.status().as_u16());
                if let Some(code) = api.aws_error_code() {
                    let _ = write!(out, " [{code}]");
                }
                let _ = writeln!(out, ": {message}");
                if let Some(details) = api.details() {
                    let _ = writeln!(out, "  details: {details}");
                }
                if api.retries() > 0 {
                    let _ = writeln!(out, "  retries: {}", api.retries());
                }
            }
            _ => {
                let _ = writeln!(out, "error: {error_type}: {message}");
            }
        }
        if let Some(hint) = self.hint() {
            let _ = writeln!(out, "  hint: {hint}");
        }
        if self.responded() {
            let (aws, anthropic) = self.request_ids();
            let _ = writeln!(
                out,
                "  aws request id:       {} (CloudTrail requestID)",
                aws.unwrap_or("none")
            );
            let _ = writeln!(
                out,
                "  anthropic request id: {}",
                anthropic.unwrap_or(if aws.is_some() {
                    "none (the AWS front door answered; Anthropic never saw the request)"
                } else {
                    "none"
                })
            );
        } else if matches!(self, Self::Call(_)) {
            let _ = writeln!(out, "  request ids: none (no response arrived)");
        }
        out
    }

    /// Whether a response arrived (so there are request IDs to report).
    fn responded(&self) -> bool {
        matches!(self, Self::Call(e) if e.request_ids().is_some())
    }

    fn request_ids(&self) -> (Option<&str>, Option<&str>) {
        match self {
            Self::Call(e) => (e.aws_request_id(), e.anthropic_request_id()),
            _ => (None, None),
        }
    }

    /// The taxonomy type and the message.
    fn type_and_message(&self) -> (String, String) {
        let e = match self {
            Self::Usage(message) => return ("usage_error".into(), message.clone()),
            Self::Output(io) => {
                return (
                    "output_error".into(),
                    format!("could not write the answer: {io}"),
                );
            }
            Self::Call(e) => e,
        };
        let (kind, message) = match e {
            Error::Api(api) => (api.error_type().as_str(), api.message().to_owned()),
            Error::Config { message } => ("configuration_error", message.clone()),
            // The lookup's message already holds what every source said.
            Error::Credentials {
                message,
                lookup: Some(_),
                ..
            } => ("credentials_error", message.clone()),
            Error::Credentials {
                message, source, ..
            } => ("credentials_error", with_source(message, source.as_deref())),
            Error::Signing { message, source } => {
                ("signing_error", with_source(message, source.as_deref()))
            }
            Error::Connection {
                message, source, ..
            } => (
                "connection_error",
                with_source(message, Some(source.as_ref())),
            ),
            Error::Timeout { .. } => ("timeout_error", e.to_string()),
            Error::RequestTooLarge { .. } => ("request_too_large", e.to_string()),
            Error::StreamingRequired { .. } => ("invalid_request_error", e.to_string()),
            Error::Stream { message, .. } => ("stream_error", message.clone()),
            Error::Decode { .. } => ("decode_error", e.to_string()),
            Error::Redirect { .. } => ("redirect_error", e.to_string()),
            Error::ResponseTooLarge { .. } => ("response_too_large", e.to_string()),
            Error::File(_) => ("file_error", e.to_string()),
            other => ("client_error", other.to_string()),
        };
        (kind.to_owned(), message)
    }

    /// What to do on the command line, where the library's message speaks of the builder.
    fn hint(&self) -> Option<&'static str> {
        match self {
            Self::Call(Error::Config { message }) if message.contains("workspace") => {
                Some("pass --aws-workspace-id wrkspc_… or set ANTHROPIC_AWS_WORKSPACE_ID")
            }
            Self::Call(Error::Config { message }) if message.contains("region") => {
                Some("pass --aws-region us-west-2 (for example) or set AWS_REGION")
            }
            Self::Call(Error::StreamingRequired { .. }) => {
                Some("add --stream, or pass --timeout SECONDS")
            }
            Self::Call(Error::ResponseTooLarge { .. }) => Some(
                "add --stream without --format to print the text as it arrives, or --stream --format jsonl for the events",
            ),
            Self::Call(Error::Credentials { .. }) => Some(
                "pass --aws-profile or --aws-api-key, or set ANTHROPIC_AWS_API_KEY or AWS credentials",
            ),
            _ => None,
        }
    }
}

/// `message`, then the source chain when it adds something.
fn with_source(message: &str, source: Option<&(dyn std::error::Error + Send + Sync)>) -> String {
    let mut out = message.to_owned();
    let mut next: Option<&dyn std::error::Error> = source.map(|s| s as &dyn std::error::Error);
    while let Some(err) = next {
        let shown = err.to_string();
        if !shown.is_empty() && !out.contains(&shown) {
            out.push_str(": ");
            out.push_str(&shown);
        }
        next = err.source();
    }
    out
}

/// The JSON error line, fields in the documented order.
#[derive(Serialize)]
struct JsonReport<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    error: JsonError,
    request_id: Option<&'a str>,
    aws_request_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    aws_error_code: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    retries: Option<u32>,
}

#[derive(Serialize)]
struct JsonError {
    #[serde(rename = "type")]
    kind: String,
    message: String,
    #[serde(flatten)]
    details: Map<String, Value>,
}
