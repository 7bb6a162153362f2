//! `POST /v1/messages` (whole or streamed) and `POST /v1/messages/count_tokens`.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::Method;
use serde::Serialize;
use tracing::Span;

use crate::error::Error;
use crate::request_options::RequestOptions;
use crate::response::{RawResponse, Response};
use crate::streaming::MessageStream;
use crate::transport::{Call, Exchange, GenAi, Transport, telemetry};
use crate::types::{CountTokensParams, Message, MessageCreateParams, MessageTokensCount};

const MESSAGES: &[&str] = &["v1", "messages"];
const COUNT_TOKENS: &[&str] = &["v1", "messages", "count_tokens"];
/// The request-size limit of the Messages and Token Counting APIs: 32 MB.
pub const MESSAGES_MAX_REQUEST_BYTES: usize = 32_000_000;

/// Non-streaming requests that may take longer than this are refused under the default
/// timeout.
const NON_STREAMING_LIMIT: Duration = Duration::from_secs(10 * 60);

/// The Messages API, from [`Client::messages`](crate::Client::messages).
#[derive(Clone)]
pub struct Messages<'c> {
    raw: RawMessages<'c>,
}

impl<'c> Messages<'c> {
    pub(crate) fn new(transport: &'c Arc<Transport>) -> Self {
        Self {
            raw: RawMessages {
                transport,
                options: RequestOptions::default(),
            },
        }
    }

    /// The same API with per-request [`RequestOptions`]: timeouts, retries,
    /// extra headers, query and body fields, betas, workspace and user profile.
    pub fn with_options(mut self, options: RequestOptions) -> Self {
        self.raw.options = options;
        self
    }

    /// Sends a message and waits for the whole answer.
    ///
    /// A body over 32 MB is refused with [`Error::RequestTooLarge`] before anything is sent.
    /// Under the default timeout, a request whose `max_tokens` may take longer than 10 minutes
    /// to answer (3600 s × max_tokens / 128 000, i.e. max_tokens above 21 333) is refused
    /// with [`Error::StreamingRequired`] before anything is sent: use [`stream`](Self::stream)
    /// (with [`MessageStream::final_message`] for the whole message), or set an explicit
    /// timeout on the client.
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
        self.create_as(params, params).await
    }

    /// [`create`](Self::create) sending `body`, the JSON of `params` with more in it (the
    /// structured-output helper's schema, serialized once per type); `params` still decides
    /// the long-request guard and the span.
    pub(crate) async fn create_as(
        &self,
        params: &MessageCreateParams,
        body: &impl Serialize,
    ) -> Result<Response<Message>, Error> {
        let (exchange, span) = self.raw.create_exchange(params, body)?;
        let (meta, body) = exchange.await?;
        let message = RawResponse::new(meta, body).parse();
        match &message {
            Ok(message) => telemetry::record_message(&span, message),
            Err(err) => telemetry::record_error(&span, err),
        }
        message
    }

    /// Sends a message and streams the answer as server-sent events. The request IDs are
    /// known as soon as this returns.
    ///
    /// ```no_run
    /// # async fn run(client: anthropic_aws::Client) -> Result<(), anthropic_aws::Error> {
    /// use anthropic_aws::streaming::events::MessageStreamEvent;
    /// use anthropic_aws::types::{MessageCreateParams, MessageParam};
    /// use futures_util::StreamExt;
    ///
    /// let params = MessageCreateParams::new("claude-opus-4-8", 1024, vec![MessageParam::user("Hi")]);
    /// let mut stream = client.messages().stream(&params).await?;
    /// println!("AWS request ID: {:?}", stream.aws_request_id());
    /// while let Some(event) = stream.next().await {
    ///     if let Some(text) = event?.text_delta() {
    ///         print!("{text}");
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn stream(&self, params: &MessageCreateParams) -> Result<MessageStream, Error> {
        let mut params = params.clone();
        params.stream = Some(true);
        self.stream_as(&params, &params).await
    }

    /// [`stream`](Self::stream) sending `body`, the JSON of `params` with more in it
    /// (`"stream": true` included).
    pub(crate) async fn stream_as(
        &self,
        params: &MessageCreateParams,
        body: &impl Serialize,
    ) -> Result<MessageStream, Error> {
        let call = Call::new(Method::POST, MESSAGES, &self.raw.options)
            .json(body, MESSAGES_MAX_REQUEST_BYTES)?
            .iam("CreateInference")
            .streaming()
            .gen_ai(GenAi::chat(&params.model));
        MessageStream::open(Arc::clone(self.raw.transport), call).await
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

    /// The Message Batches API: create, retrieve, list, cancel, delete, results, and the
    /// resumable [`BatchRunner`](crate::resources::BatchRunner).
    ///
    /// ```no_run
    /// # async fn run(client: anthropic_aws::Client) -> Result<(), anthropic_aws::Error> {
    /// let batch = client.messages().batches().retrieve("msgbatch_01").await?;
    /// println!("{}", batch.processing_status);
    /// # Ok(()) }
    /// ```
    pub fn batches(&self) -> crate::resources::Batches<'c> {
        crate::resources::Batches::new(self.raw.transport, self.raw.options.clone())
    }

    /// The same calls, answered before parsing (status, headers, body bytes, both IDs).
    pub fn with_raw_response(&self) -> RawMessages<'c> {
        self.raw.clone()
    }
}

/// The Messages API answering [`RawResponse`]s, from [`Messages::with_raw_response`].
#[derive(Clone)]
pub struct RawMessages<'c> {
    transport: &'c Arc<Transport>,
    options: RequestOptions,
}

impl RawMessages<'_> {
    /// `POST /v1/messages`, unparsed (with the same long-request guard as
    /// [`Messages::create`]).
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
        let (exchange, _span) = self.create_exchange(params, params)?;
        let (meta, body) = exchange.await?;
        Ok(RawResponse::new(meta, body))
    }

    /// [`create`](Self::create)'s exchange sending `body` (`params`' JSON, or more), ready to
    /// await, and its request span (to record the message on). Built before anything is
    /// awaited, so that the future `create` returns holds none of it.
    fn create_exchange(
        &self,
        params: &MessageCreateParams,
        body: &impl Serialize,
    ) -> Result<(Exchange<'_, Bytes>, Span), Error> {
        if !self.transport.config().timeout_is_explicit && self.options.timeout.is_none() {
            refuse_long_requests(params.max_tokens)?;
        }
        let call = Call::new(Method::POST, MESSAGES, &self.options)
            .json(body, MESSAGES_MAX_REQUEST_BYTES)?
            .iam("CreateInference")
            .gen_ai(GenAi::chat(&params.model));
        let span = telemetry::request_span(&call);
        Ok((self.transport.send_in(call, span.clone()), span))
    }

    /// `POST /v1/messages/count_tokens`, unparsed.
    pub async fn count_tokens(
        &self,
        params: &CountTokensParams,
    ) -> Result<RawResponse<MessageTokensCount>, Error> {
        let call = Call::new(Method::POST, COUNT_TOKENS, &self.options)
            .json(params, MESSAGES_MAX_REQUEST_BYTES)?
            .iam("CountTokens")
            .gen_ai(GenAi::count_tokens(&params.model));
        self.transport.raw(call).await
    }
}

/// The official SDKs' rule: a non-streaming request is expected to take up to
/// 3600 s × max_tokens / 128 000; beyond 10 minutes it must stream.
fn refuse_long_requests(max_tokens: u32) -> Result<(), Error> {
    // An hour per 128,000 tokens, in milliseconds: integer work on every call, the
    // `Duration` only for the error.
    let expected_ms = u64::from(max_tokens) * 3_600_000 / 128_000;
    if u128::from(expected_ms) > NON_STREAMING_LIMIT.as_millis() {
        return Err(Error::StreamingRequired {
            max_tokens,
            expected: Duration::from_millis(expected_ms),
        });
    }
    Ok(())
}

impl crate::Client {
    /// The Messages API: `create` and `count_tokens`.
    pub fn messages(&self) -> Messages<'_> {
        Messages::new(self.transport())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_guard_draws_the_line_at_ten_minutes() {
        assert!(refuse_long_requests(21_333).is_ok());
        assert!(matches!(
            refuse_long_requests(21_334),
            Err(Error::StreamingRequired {
                max_tokens: 21_334,
                ..
            })
        ));
        assert!(refuse_long_requests(128_000).is_err());
    }
}
