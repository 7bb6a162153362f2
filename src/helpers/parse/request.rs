//! Asking for a `T`: [`Messages::parse`], [`Messages::parse_stream`] and
//! [`BatchRequest::parse`], each sending `T`'s schema as `output_config.format`.

use std::sync::Arc;

use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::{Serialize, Serializer};
use serde_json::value::RawValue;

use super::schema::{Built, built};
use super::{ParseStream, ParsedMessage, output_format};
use crate::error::Error;
use crate::resources::Messages;
use crate::types::{BatchRequest, MessageCreateParams};

/// `params` asking for a `T`: its schema as `output_config.format`, the rest of
/// `output_config` (the effort) kept. Nothing else changes: no assistant turn is prefilled.
fn asking_for<T: JsonSchema + 'static>(params: &MessageCreateParams) -> MessageCreateParams {
    params.clone().output_format(output_format::<T>())
}

/// The body of a request asking for a `T`: the JSON of [`asking_for`]'s params. When `params`
/// has no `output_config` (nor an `output_config` or `stream` among its extra fields), that
/// is `params` as they are with `output_config.format` added, copied from the JSON kept per
/// type: no clone of the params or the schema per call.
enum Body<'a> {
    Added {
        params: &'a MessageCreateParams,
        format: Arc<Built>,
        stream: Option<bool>,
    },
    Merged(Box<MessageCreateParams>),
}

impl<'a> Body<'a> {
    fn new<T: JsonSchema + 'static>(params: &'a MessageCreateParams, stream: bool) -> Self {
        let plain = params.output_config.is_none()
            && params.stream.is_none()
            && !params.extra.contains_key("output_config")
            && !params.extra.contains_key("stream");
        if plain {
            return Self::Added {
                params,
                format: built::<T>(),
                stream: stream.then_some(true),
            };
        }
        let mut merged = asking_for::<T>(params);
        if stream {
            merged.stream = Some(true);
        }
        Self::Merged(Box::new(merged))
    }

    /// The params the call is made of (for the long-request guard and the span).
    fn params(&self) -> &MessageCreateParams {
        match self {
            Self::Added { params, .. } => params,
            Self::Merged(params) => params,
        }
    }
}

impl Serialize for Body<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Added<'a> {
            #[serde(flatten)]
            params: &'a MessageCreateParams,
            output_config: FormatOnly<'a>,
            #[serde(skip_serializing_if = "Option::is_none")]
            stream: Option<bool>,
        }
        #[derive(Serialize)]
        struct FormatOnly<'a> {
            format: &'a RawValue,
        }
        match self {
            Self::Added {
                params,
                format,
                stream,
            } => Added {
                params,
                output_config: FormatOnly {
                    format: &format.format,
                },
                stream: *stream,
            }
            .serialize(serializer),
            Self::Merged(params) => params.serialize(serializer),
        }
    }
}

impl Messages<'_> {
    /// Sends a message asking for a `T` and reads the answer into one.
    ///
    /// `T`'s JSON schema ([`json_schema`](crate::helpers::parse::json_schema), built once per
    /// type) goes as `output_config.format`, replacing any format in `params` and keeping its
    /// effort; the request is then sent as [`create`](Self::create) sends it (same retries,
    /// limits, long-request guard and request IDs). The answer's text is read into `T`.
    ///
    /// An answer that does not read is an [`Error::Parse`] carrying the text, the whole
    /// message, the serde error and both request IDs; its
    /// [`kind`](crate::error::ParseError::kind) says why: a refusal, `max_tokens` reached
    /// before the JSON was complete, no text, or text of another shape.
    ///
    /// ```no_run
    /// # async fn run(client: anthropic_aws::Client) -> Result<(), anthropic_aws::Error> {
    /// use anthropic_aws::types::{MessageCreateParams, MessageParam};
    ///
    /// /// One line of an invoice.
    /// #[derive(serde::Deserialize, schemars::JsonSchema)]
    /// struct Line {
    ///     item: String,
    ///     /// Cents.
    ///     amount: u64,
    /// }
    ///
    /// #[derive(serde::Deserialize, schemars::JsonSchema)]
    /// struct Invoice {
    ///     vendor: String,
    ///     lines: Vec<Line>,
    /// }
    ///
    /// let params = MessageCreateParams::new(
    ///     "claude-opus-4-8",
    ///     2048,
    ///     vec![MessageParam::user("Extract the invoice: ACME, 2 bolts at $1.50, ...")],
    /// );
    /// let invoice = client.messages().parse::<Invoice>(&params).await?;
    /// println!("{}: {} lines", invoice.vendor, invoice.lines.len());
    /// # Ok(()) }
    /// ```
    pub async fn parse<T>(&self, params: &MessageCreateParams) -> Result<ParsedMessage<T>, Error>
    where
        T: DeserializeOwned + JsonSchema + 'static,
    {
        let body = Body::new::<T>(params, false);
        let response = self.create_as(body.params(), &body).await?;
        Ok(ParsedMessage::from_response(response)?)
    }

    /// Streams a message asking for a `T`: the events (and their text) as they arrive, and
    /// the answer read into a `T` at the end with
    /// [`final_parsed`](ParseStream::final_parsed).
    ///
    /// The request is what [`parse`](Self::parse) sends, streamed as
    /// [`stream`](Self::stream) streams it.
    ///
    /// ```no_run
    /// # async fn run(client: anthropic_aws::Client) -> Result<(), anthropic_aws::Error> {
    /// use anthropic_aws::types::{MessageCreateParams, MessageParam};
    /// use futures_util::StreamExt;
    ///
    /// #[derive(serde::Deserialize, schemars::JsonSchema)]
    /// struct Summary {
    ///     title: String,
    ///     bullets: Vec<String>,
    /// }
    ///
    /// let params =
    ///     MessageCreateParams::new("claude-opus-4-8", 4096, vec![MessageParam::user("Summarize: ...")]);
    /// let mut stream = client.messages().parse_stream::<Summary>(&params).await?;
    /// while let Some(event) = stream.next().await {
    ///     if let Some(text) = event?.text_delta() {
    ///         print!("{text}"); // the JSON, as it is written
    ///     }
    /// }
    /// let summary = stream.final_parsed().await?;
    /// println!("\n{}: {} bullets", summary.title, summary.bullets.len());
    /// # Ok(()) }
    /// ```
    pub async fn parse_stream<T>(
        &self,
        params: &MessageCreateParams,
    ) -> Result<ParseStream<T>, Error>
    where
        T: DeserializeOwned + JsonSchema + 'static,
    {
        let body = Body::new::<T>(params, true);
        let stream = self.stream_as(body.params(), &body).await?;
        Ok(ParseStream::new(stream))
    }
}

impl BatchRequest {
    /// A batch request named `custom_id` asking for a `T`: `params` with `T`'s schema as
    /// `output_config.format`, as [`Messages::parse`] sends it. Read each succeeded result
    /// with [`Message::parsed`](crate::types::Message::parsed).
    ///
    /// ```
    /// use anthropic_aws::types::{BatchRequest, MessageCreateParams, MessageParam};
    ///
    /// #[derive(serde::Deserialize, schemars::JsonSchema)]
    /// struct Verdict {
    ///     approved: bool,
    /// }
    ///
    /// let params =
    ///     MessageCreateParams::new("claude-opus-4-8", 256, vec![MessageParam::user("Approve?")]);
    /// let request = BatchRequest::parse::<Verdict>("q1", params);
    /// let json = serde_json::to_value(&request).unwrap();
    /// assert_eq!(json["params"]["output_config"]["format"]["type"], "json_schema");
    /// ```
    pub fn parse<T: JsonSchema + 'static>(
        custom_id: impl Into<String>,
        params: MessageCreateParams,
    ) -> Self {
        Self::new(custom_id, params.output_format(output_format::<T>()))
    }
}
