//! `POST /v1/messages` and `POST /v1/messages/count_tokens`.

use crate::error::Error;
use crate::response::{RawResponse, Response};
use crate::transport::{Call, Transport};
use crate::types::{CountTokensParams, Message, MessageCreateParams, MessageTokensCount};

const MESSAGES: &[&str] = &["v1", "messages"];
const COUNT_TOKENS: &[&str] = &["v1", "messages", "count_tokens"];

/// The Messages API, from [`Client::messages`](crate::Client::messages).
#[derive(Clone, Copy)]
pub struct Messages<'c> {
    raw: RawMessages<'c>,
}

impl<'c> Messages<'c> {
    pub(crate) fn new(transport: &'c Transport) -> Self {
        Self {
            raw: RawMessages { transport },
        }
    }

    /// Sends a message and waits for the whole answer.
    ///
    /// ```no_run
    /// # async fn run(client: anthropic_aws::Client) -> Result<(), anthropic_aws::Error> {
    /// use anthropic_aws::types::{MessageCreateParams, MessageParam};
    /// let params = MessageCreateParams::new(
    ///     "claude-opus-4-8",
    ///     1024,
    ///     vec![MessageParam::user("Hello, Claude")],
    /// );
    /// let message = client.messages().create(&params).await?;
    /// println!("{} (AWS request ID {:?})", message.text(), message.aws_request_id());
    /// # Ok(()) }
    /// ```
    pub async fn create(&self, params: &MessageCreateParams) -> Result<Response<Message>, Error> {
        self.raw.create(params).await?.parse()
    }

    /// Counts the input tokens a request would use, without creating a message.
    ///
    /// ```no_run
    /// # async fn run(client: anthropic_aws::Client) -> Result<(), anthropic_aws::Error> {
    /// use anthropic_aws::types::{CountTokensParams, MessageParam};
    /// let params = CountTokensParams::new("claude-opus-4-8", vec![MessageParam::user("Hello")]);
    /// let count = client.messages().count_tokens(&params).await?;
    /// println!("{} input tokens", count.input_tokens);
    /// # Ok(()) }
    /// ```
    pub async fn count_tokens(
        &self,
        params: &CountTokensParams,
    ) -> Result<Response<MessageTokensCount>, Error> {
        self.raw.count_tokens(params).await?.parse()
    }

    /// The same calls, answered before parsing (status, headers, body bytes, both IDs).
    pub fn with_raw_response(&self) -> RawMessages<'c> {
        self.raw
    }
}

/// The Messages API answering [`RawResponse`]s, from [`Messages::with_raw_response`].
#[derive(Clone, Copy)]
pub struct RawMessages<'c> {
    transport: &'c Transport,
}

impl RawMessages<'_> {
    /// `POST /v1/messages`, unparsed.
    ///
    /// ```no_run
    /// # async fn run(client: anthropic_aws::Client) -> Result<(), anthropic_aws::Error> {
    /// use anthropic_aws::types::{MessageCreateParams, MessageParam};
    /// let params = MessageCreateParams::new("claude-opus-4-8", 64, vec![MessageParam::user("Hi")]);
    /// let raw = client.messages().with_raw_response().create(&params).await?;
    /// println!("x-amzn-requestid: {:?}", raw.headers().get("x-amzn-requestid"));
    /// let message = raw.parse()?;
    /// # Ok(()) }
    /// ```
    pub async fn create(
        &self,
        params: &MessageCreateParams,
    ) -> Result<RawResponse<Message>, Error> {
        let (meta, body) = self
            .transport
            .send(Call::post_json(MESSAGES, params)?)
            .await?;
        Ok(RawResponse::new(meta, body))
    }

    /// `POST /v1/messages/count_tokens`, unparsed.
    pub async fn count_tokens(
        &self,
        params: &CountTokensParams,
    ) -> Result<RawResponse<MessageTokensCount>, Error> {
        let (meta, body) = self
            .transport
            .send(Call::post_json(COUNT_TOKENS, params)?)
            .await?;
        Ok(RawResponse::new(meta, body))
    }
}
