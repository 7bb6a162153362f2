//! Asking for a `T`: [`Messages::parse`], [`Messages::parse_stream`] and
//! [`BatchRequest::parse`], each sending `T`'s schema as `output_config.format`.

use schemars::JsonSchema;
use serde::de::DeserializeOwned;

use super::{ParseStream, ParsedMessage, output_format};
use crate::error::Error;
use crate::resources::Messages;
use crate::types::{BatchRequest, MessageCreateParams};

/// `params` asking for a `T`: its schema as `output_config.format`, the rest of
/// `output_config` (the effort) kept. Nothing else changes: no assistant turn is prefilled.
fn asking_for<T: JsonSchema + 'static>(params: &MessageCreateParams) -> MessageCreateParams {
    params.clone().output_format(output_format::<T>())
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
        let response = self.create(&asking_for::<T>(params)).await?;
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
        let stream = self.stream(&asking_for::<T>(params)).await?;
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
