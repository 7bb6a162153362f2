//! [`ParseStream<T>`]: a streamed structured answer, its events as they arrive and the `T`
//! at the end.

use std::fmt;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use aws_types::request_id::RequestId;
use futures_core::Stream;
use futures_util::StreamExt;
use serde::de::DeserializeOwned;

use super::ParsedMessage;
use crate::error::Error;
use crate::response::ResponseMeta;
use crate::streaming::{
    MessageAccumulator, MessageStream, MessageStreamEvent, StreamProtocolError,
};
use crate::{MAX_RESPONSE_BYTES, RequestIds, Response};

/// The events of a streamed structured answer, from
/// [`Messages::parse_stream`](crate::resources::Messages::parse_stream): a [`Stream`] of
/// [`MessageStreamEvent`]s (their [`text_delta`](MessageStreamEvent::text_delta) is the JSON as
/// it is written), then [`final_parsed`](Self::final_parsed) for the answer read into `T`.
///
/// The events read are assembled on the way (in memory, up to [`MAX_RESPONSE_BYTES`]), so
/// `final_parsed` needs no second request. Called before any event was read, it reads the
/// whole stream as [`MessageStream::final_message`] does, restarting a stream that breaks off
/// within the client's retry budget.
///
/// ```no_run
/// # async fn run(client: anthropic_aws::Client, params: anthropic_aws::types::MessageCreateParams) -> Result<(), anthropic_aws::Error> {
/// use futures_util::StreamExt;
///
/// #[derive(Debug, serde::Deserialize, schemars::JsonSchema)]
/// struct Plan {
///     steps: Vec<String>,
/// }
///
/// let mut stream = client.messages().parse_stream::<Plan>(&params).await?;
/// println!("AWS request ID: {:?}", stream.aws_request_id());
/// while let Some(event) = stream.next().await {
///     if let Some(text) = event?.text_delta() {
///         print!("{text}");
///     }
/// }
/// let plan = stream.final_parsed().await?;
/// println!("\n{:?}", plan.steps);
/// # Ok(()) }
/// ```
pub struct ParseStream<T> {
    inner: MessageStream,
    accumulator: MessageAccumulator,
    /// Whether the caller has read an event (then a restart would replay it).
    read_any: bool,
    /// Set once an error was given: the stream ends there.
    failed: bool,
    target: PhantomData<fn() -> T>,
}

impl<T> ParseStream<T> {
    pub(crate) fn new(inner: MessageStream) -> Self {
        Self {
            inner,
            accumulator: MessageAccumulator::new(),
            read_any: false,
            failed: false,
            target: PhantomData,
        }
    }

    /// The AWS request ID (`x-amzn-requestid`) of the streaming response.
    pub fn aws_request_id(&self) -> Option<&str> {
        self.inner.aws_request_id()
    }

    /// Anthropic's request ID (`request-id`) of the streaming response.
    pub fn anthropic_request_id(&self) -> Option<&str> {
        self.inner.anthropic_request_id()
    }

    /// Both request IDs.
    pub fn request_ids(&self) -> &RequestIds {
        self.inner.request_ids()
    }

    /// The text so far (the JSON as written up to now, not yet complete).
    pub fn current_text(&self) -> String {
        self.accumulator
            .message()
            .map(|message| message.text())
            .unwrap_or_default()
    }

    fn stream_error(&self, message: String) -> Error {
        Error::Stream {
            message,
            request_ids: self.inner.request_ids().clone(),
        }
    }

    /// Takes in one event read from the inner stream.
    fn take_in(&mut self, event: &MessageStreamEvent) -> Result<(), Error> {
        self.accumulator
            .push(event)
            .map_err(|e: StreamProtocolError| self.stream_error(e.to_string()))?;
        if self.accumulator.accumulated_bytes() > MAX_RESPONSE_BYTES {
            return Err(Error::ResponseTooLarge {
                limit: MAX_RESPONSE_BYTES,
                declared: None,
                status: self.inner.status(),
                request_ids: self.inner.request_ids().clone(),
            });
        }
        Ok(())
    }
}

impl<T: DeserializeOwned> ParseStream<T> {
    /// Reads the rest of the stream and the whole answer into `T`, with the whole message and
    /// both request IDs. An answer that does not read is an [`Error::Parse`], as from
    /// [`Messages::parse`](crate::resources::Messages::parse).
    pub async fn final_parsed(mut self) -> Result<ParsedMessage<T>, Error> {
        if !self.read_any {
            let response = self.inner.final_message().await?;
            return Ok(ParsedMessage::from_response(response)?);
        }
        while let Some(event) = self.next().await {
            event?;
        }
        let message = self.accumulator.finish().map_err(|e| Error::Stream {
            message: e.to_string(),
            request_ids: self.inner.request_ids().clone(),
        })?;
        let inner = &self.inner;
        let meta = ResponseMeta::from_parts(
            inner.status(),
            inner.headers().clone(),
            inner.request_ids().clone(),
        )
        .with_retries(inner.retries());
        Ok(ParsedMessage::from_response(Response::new(message, meta))?)
    }
}

impl<T> Stream for ParseStream<T> {
    type Item = Result<MessageStreamEvent, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.failed {
            return Poll::Ready(None);
        }
        let polled = ready!(this.inner.poll_next_unpin(cx));
        this.read_any = true;
        let item = match polled {
            Some(Ok(event)) => this.take_in(&event).map(|()| event),
            Some(Err(e)) => Err(e),
            None => return Poll::Ready(None),
        };
        this.failed = item.is_err();
        Poll::Ready(Some(item))
    }
}

impl<T> RequestId for ParseStream<T> {
    fn request_id(&self) -> Option<&str> {
        self.aws_request_id()
    }
}

impl<T> fmt::Debug for ParseStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ParseStream")
            .field("target", &std::any::type_name::<T>())
            .field("inner", &self.inner)
            .finish_non_exhaustive()
    }
}
