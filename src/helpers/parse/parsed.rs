//! [`ParsedMessage<T>`]: a structured answer read into `T`, with the whole message and both
//! request IDs; [`Message::parsed`], which reads any message (a batch result's too); and the
//! one function both use to turn an answer into a `T` or a [`ParseError`].

use std::borrow::Cow;
use std::fmt;
use std::ops::Deref;

use aws_types::request_id::RequestId;
use serde::de::DeserializeOwned;

use crate::error::{ParseError, ParseErrorKind};
use crate::response::{ResponseMeta, meta_accessors};
use crate::types::{ContentBlock, Message, StopReason};
use crate::{RequestIds, Response};

/// A structured answer read into `T`: derefs to the `T`, and keeps the whole [`Message`]
/// (usage, stop reason, thinking blocks), the status, the headers and both request IDs.
///
/// From [`Messages::parse`](crate::resources::Messages::parse) and
/// [`ParseStream::final_parsed`](super::ParseStream::final_parsed).
///
/// ```no_run
/// # async fn run(client: anthropic_aws::Client) -> Result<(), anthropic_aws::Error> {
/// use anthropic_aws::types::{MessageCreateParams, MessageParam};
///
/// #[derive(serde::Deserialize, schemars::JsonSchema)]
/// struct Capital {
///     city: String,
///     population: u64,
/// }
///
/// let params = MessageCreateParams::new(
///     "claude-opus-4-8",
///     1024,
///     vec![MessageParam::user("The capital of France?")],
/// );
/// let capital = client.messages().parse::<Capital>(&params).await?;
/// println!("{} ({} people)", capital.city, capital.population); // derefs to `Capital`
/// println!("{} output tokens", capital.message().usage.output_tokens);
/// println!("AWS request ID (CloudTrail): {:?}", capital.aws_request_id());
/// let capital: Capital = capital.into_parsed();
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct ParsedMessage<T> {
    parsed: T,
    message: Message,
    meta: ResponseMeta,
}

impl<T: DeserializeOwned> ParsedMessage<T> {
    /// Reads `response`'s text into `T`, or says why it could not.
    pub(crate) fn from_response(response: Response<Message>) -> Result<Self, ParseError> {
        let (message, meta) = response.into_parts();
        match parse_message::<T>(&message) {
            Ok(parsed) => Ok(Self {
                parsed,
                message,
                meta,
            }),
            Err(failure) => Err(failure.into_error(message, meta.request_ids().clone())),
        }
    }
}

impl<T> ParsedMessage<T> {
    meta_accessors!();

    /// The answer read into `T` (as the Python SDK names it).
    pub fn parsed_output(&self) -> &T {
        &self.parsed
    }

    /// The whole answer.
    pub fn message(&self) -> &Message {
        &self.message
    }

    /// The answer read into `T`, dropping the rest.
    pub fn into_parsed(self) -> T {
        self.parsed
    }

    /// The `T` and the answer it was read from, with its metadata.
    pub fn into_parts(self) -> (T, Response<Message>) {
        (self.parsed, Response::new(self.message, self.meta))
    }
}

impl<T> Deref for ParsedMessage<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.parsed
    }
}

impl<T: fmt::Debug> fmt::Debug for ParsedMessage<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ParsedMessage")
            .field("aws_request_id", &self.aws_request_id())
            .field("anthropic_request_id", &self.anthropic_request_id())
            .field("parsed", &self.parsed)
            .field("message", &self.message)
            .finish()
    }
}

impl<T> RequestId for ParsedMessage<T> {
    fn request_id(&self) -> Option<&str> {
        self.aws_request_id()
    }
}

impl Message {
    /// This message's text read into `T`: for a structured answer met outside
    /// [`parse`](crate::resources::Messages::parse), such as a batch result of a request built
    /// with [`BatchRequest::parse`](crate::types::BatchRequest::parse). The error carries no
    /// request IDs (a batch result has none of its own).
    ///
    /// ```
    /// use anthropic_aws::types::{BatchResult, BatchResultKind};
    ///
    /// #[derive(serde::Deserialize, schemars::JsonSchema)]
    /// struct Verdict {
    ///     approved: bool,
    /// }
    ///
    /// let line = r#"{"custom_id": "q1", "result": {"type": "succeeded", "message": {
    ///     "id": "msg_1", "type": "message", "role": "assistant", "model": "claude-opus-4-8",
    ///     "content": [{"type": "text", "text": "{\"approved\": true}"}],
    ///     "stop_reason": "end_turn", "usage": {"input_tokens": 9, "output_tokens": 5}}}}"#;
    /// let result: BatchResult = serde_json::from_str(line).unwrap();
    /// if let BatchResultKind::Succeeded(succeeded) = &result.result {
    ///     let verdict: Verdict = succeeded.message.parsed().unwrap();
    ///     assert!(verdict.approved);
    /// }
    /// ```
    pub fn parsed<T: DeserializeOwned>(&self) -> Result<T, ParseError> {
        parse_message(self)
            .map_err(|failure| failure.into_error(self.clone(), RequestIds::default()))
    }
}

/// Why [`parse_message`] failed, before the message is attached.
struct Failure {
    kind: ParseErrorKind,
    target: &'static str,
    text: String,
    source: Option<serde_json::Error>,
}

impl Failure {
    fn into_error(self, message: Message, request_ids: RequestIds) -> ParseError {
        ParseError::new(
            self.kind,
            self.target,
            self.text,
            message,
            request_ids,
            self.source,
        )
    }
}

/// `message`'s text (its text blocks, in order) read into `T`. A refusal is an error even
/// when its text happens to fit: the model said it would not answer.
fn parse_message<T: DeserializeOwned>(message: &Message) -> Result<T, Failure> {
    let target = std::any::type_name::<T>();
    let text = text_of(message);
    let fail = |kind, source| Failure {
        kind,
        target,
        text: text.as_deref().unwrap_or_default().to_owned(),
        source,
    };
    if message.stop_reason == Some(StopReason::Refusal) {
        return Err(fail(ParseErrorKind::Refusal, None));
    }
    let Some(json) = text.as_deref() else {
        return Err(fail(ParseErrorKind::NoText, None));
    };
    serde_json::from_str(json).map_err(|source| {
        let kind = match message.stop_reason {
            Some(StopReason::MaxTokens | StopReason::ModelContextWindowExceeded) => {
                ParseErrorKind::Truncated
            }
            _ => ParseErrorKind::Mismatch,
        };
        fail(kind, Some(source))
    })
}

/// The text of `message`'s text blocks, borrowed when there is one; `None` when there is none.
fn text_of(message: &Message) -> Option<Cow<'_, str>> {
    let mut texts = message.content.iter().filter_map(ContentBlock::as_text);
    let first = texts.next()?;
    match texts.next() {
        None => Some(Cow::Borrowed(first)),
        Some(second) => {
            let mut all = String::from(first);
            all.push_str(second);
            texts.for_each(|text| all.push_str(text));
            Some(Cow::Owned(all))
        }
    }
}
