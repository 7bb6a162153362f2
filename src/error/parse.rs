//! A structured answer that does not deserialize into the caller's type: [`ParseError`], and
//! [`ParseErrorKind`], which says why and what to do next.

use std::fmt;

use super::snippet;
use crate::request_id::RequestIds;
use crate::types::{Message, StopReason};

/// Why a structured answer did not deserialize into the type asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// The model refused (`stop_reason: "refusal"`): its text need not follow the schema.
    Refusal,
    /// The answer was cut off (`stop_reason: "max_tokens"` or
    /// `"model_context_window_exceeded"`) before the JSON was complete.
    Truncated,
    /// The answer has no text block (e.g. `stop_reason: "tool_use"`).
    NoText,
    /// The text is not JSON of the type's shape.
    Mismatch,
}

/// A structured answer (`output_config.format` with a JSON schema) that did not deserialize
/// into the type asked for: the answer itself, why it failed, the serde error and both
/// request IDs. An [`Error::Parse`](super::Error::Parse) holds it, boxed.
///
/// ```no_run
/// # async fn run(client: anthropic_aws::Client, params: anthropic_aws::types::MessageCreateParams) {
/// use anthropic_aws::Error;
/// use anthropic_aws::error::ParseErrorKind;
///
/// #[derive(serde::Deserialize, schemars::JsonSchema)]
/// struct Verdict {
///     approved: bool,
/// }
///
/// match client.messages().parse::<Verdict>(&params).await {
///     Ok(verdict) => println!("approved: {}", verdict.approved),
///     Err(Error::Parse(e)) if e.kind() == ParseErrorKind::Truncated => {
///         eprintln!("cut off after {} tokens: raise max_tokens", e.message().usage.output_tokens);
///     }
///     Err(Error::Parse(e)) => eprintln!("{e}; the text was {:?}", e.text()),
///     Err(e) => eprintln!("{e}"),
/// }
/// # }
/// ```
#[derive(Debug, thiserror::Error)]
pub struct ParseError {
    kind: ParseErrorKind,
    target: &'static str,
    text: String,
    /// Boxed: the error stays small on the way up.
    message: Box<Message>,
    request_ids: RequestIds,
    #[source]
    source: Option<serde_json::Error>,
}

impl ParseError {
    /// `message`'s `text`, which failed to become a `target` for `kind` (with `source`, when
    /// serde said why).
    pub(crate) fn new(
        kind: ParseErrorKind,
        target: &'static str,
        text: String,
        message: Message,
        request_ids: RequestIds,
        source: Option<serde_json::Error>,
    ) -> Self {
        Self {
            kind,
            target,
            text,
            message: Box::new(message),
            request_ids,
            source,
        }
    }

    /// Why it failed.
    pub fn kind(&self) -> ParseErrorKind {
        self.kind
    }

    /// The answer's text (its text blocks, concatenated), as received.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Why the model stopped.
    pub fn stop_reason(&self) -> Option<&StopReason> {
        self.message.stop_reason.as_ref()
    }

    /// The serde error, when the text was tried (not for a refusal or an answer with no text).
    pub fn serde_error(&self) -> Option<&serde_json::Error> {
        self.source.as_ref()
    }

    /// The whole answer (content, usage, `stop_details` of a refusal).
    pub fn message(&self) -> &Message {
        &self.message
    }

    /// The whole answer, owned.
    pub fn into_message(self) -> Message {
        *self.message
    }

    /// The name of the Rust type the text was read into.
    pub fn target(&self) -> &'static str {
        self.target
    }

    /// Both request IDs of the answer (none for a message read from a batch's results).
    pub fn request_ids(&self) -> &RequestIds {
        &self.request_ids
    }

    /// The AWS request ID (`x-amzn-requestid`) of the answer.
    pub fn aws_request_id(&self) -> Option<&str> {
        self.request_ids.aws()
    }

    /// Anthropic's request ID (`request-id`) of the answer.
    pub fn anthropic_request_id(&self) -> Option<&str> {
        self.request_ids.anthropic()
    }

    /// What to do next, for the message.
    fn advice(&self) -> &'static str {
        match (self.kind, self.stop_reason()) {
            (ParseErrorKind::Refusal, _) => {
                "the model declined to answer; see message().stop_details for why, and change \
                 the request rather than sending it again"
            }
            (ParseErrorKind::Truncated, Some(StopReason::ModelContextWindowExceeded)) => {
                "the context window filled up before the JSON was complete; shorten the \
                 conversation or ask for less"
            }
            (ParseErrorKind::Truncated, _) => {
                "max_tokens was reached before the JSON was complete; raise max_tokens (stream \
                 above 21,333) or ask for less"
            }
            (ParseErrorKind::NoText, Some(StopReason::ToolUse)) => {
                "the model called a tool instead; answer its tool_use (the tool runner does) or \
                 leave tools out"
            }
            (ParseErrorKind::NoText, _) => "the answer has nothing to read",
            (ParseErrorKind::Mismatch, _) => {
                "text that is not JSON at all was not asked for with output_config.format; JSON \
                 of another shape means the type's serde attributes disagree with its \
                 JsonSchema (renames, untagged enums, a custom Deserialize)"
            }
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "could not parse the answer as `{}`", self.target)?;
        match self.stop_reason() {
            Some(reason) => write!(f, " (stop_reason {reason})")?,
            None => f.write_str(" (no stop_reason)")?,
        }
        if let Some(source) = &self.source {
            write!(f, ": {source}")?;
        }
        if !self.text.is_empty() {
            write!(f, "; text starts: {:?}", snippet(self.text.as_bytes()))?;
        }
        write!(f, "; {} ({})", self.advice(), self.request_ids)
    }
}
