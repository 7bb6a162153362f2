//! [`MessageStream`]: the events of one streaming Messages request, with both request IDs
//! from the moment it is open: opening, reading and bounding the events, and restarting for
//! [`final_message`](MessageStream::final_message). Its text-only view, [`TextStream`], is in
//! `text`.

use std::fmt;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use aws_types::request_id::RequestId;
use bytes::Bytes;
use futures_core::Stream;
use futures_util::StreamExt;
use tracing::Span;

use super::accumulate::{MessageAccumulator, StreamProtocolError, merge_usage};
use super::events::{Decoded, MessageStreamEvent, decode};
use super::idle::IdleTimer;
use super::sse::{SseEvent, SseParser};
use crate::error::{ApiError, Error, TimeoutKind};
use crate::response::{Response, ResponseMeta, meta_accessors};
use crate::retry::{Next, Retries};
use crate::transport::{Call, MAX_RESPONSE_BYTES, Transport, telemetry};
use crate::types::{Message, Usage};

mod text;

pub use text::TextStream;

type BodyStream = Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send>>;

/// One server-sent event may not grow beyond this many bytes: a server that never ends its
/// line cannot make the client buffer without bound.
const MAX_EVENT_BYTES: usize = 32 * 1024 * 1024;

/// The events of a streaming `POST /v1/messages`, from
/// [`Messages::stream`](crate::resources::Messages::stream).
///
/// A [`Stream`] of [`MessageStreamEvent`]s. An `error` event after the 200 ends it with the
/// same [`Error::Api`] the non-streaming call would give (carrying this response's IDs); a
/// connection that drops before `message_stop` ends it with [`Error::Stream`]: a stream never
/// ends short in silence. Events already delivered are never replayed.
///
/// ```no_run
/// # async fn run(client: anthropic_aws::Client) -> Result<(), anthropic_aws::Error> {
/// use anthropic_aws::types::{MessageCreateParams, MessageParam};
/// use futures_util::StreamExt;
///
/// let params = MessageCreateParams::new("claude-opus-4-8", 1024, vec![MessageParam::user("Hi")]);
/// let mut text = client.messages().stream(&params).await?.text_stream();
/// println!("AWS request ID: {:?}", text.aws_request_id());
/// while let Some(piece) = text.next().await {
///     print!("{}", piece?);
/// }
/// # Ok(()) }
/// ```
pub struct MessageStream {
    meta: ResponseMeta,
    body: BodyStream,
    /// Fires when the stream stays silent for longer than the request timeout.
    idle: IdleTimer,
    parser: SseParser,
    /// Bytes fed to the parser since it last gave an event.
    pending_bytes: usize,
    finished: bool,
    saw_message_stop: bool,
    /// Set when the stream broke off before `message_stop` (a restartable failure for
    /// [`final_message`](Self::final_message), which has delivered nothing yet).
    broke_off: bool,
    /// The usage so far (`message_start`'s, updated by `message_delta`), for the span.
    usage: Usage,
    restart: Restart,
}

/// What it takes to send the same request again, and what the call has spent.
struct Restart {
    transport: Arc<Transport>,
    call: Call<'static>,
    retries: Retries,
    /// The request span, the same across restarts; it closes when the stream is dropped.
    span: Span,
}

impl MessageStream {
    /// Sends `call` (retrying the initial request as any request) and opens its stream.
    pub(crate) async fn open(
        transport: Arc<Transport>,
        call: Call<'static>,
    ) -> Result<Self, Error> {
        let retries = transport.retries(&call);
        let span = telemetry::request_span(&call);
        Self::send(transport, call, retries, span).await
    }

    /// Sends `call`, continuing the budget `retries`, and opens its stream.
    async fn send(
        transport: Arc<Transport>,
        call: Call<'static>,
        mut retries: Retries,
        span: Span,
    ) -> Result<Self, Error> {
        let (meta, response) = transport.open_in(&call, &mut retries, span.clone()).await?;
        let restart = Restart {
            transport,
            call,
            retries,
            span,
        };
        Ok(Self::new(meta, response, restart))
    }

    fn new(meta: ResponseMeta, response: reqwest::Response, restart: Restart) -> Self {
        let idle_timeout = restart.transport.timeout(restart.call.options());
        Self {
            meta,
            body: Box::pin(response.bytes_stream()),
            idle: IdleTimer::new(idle_timeout),
            parser: SseParser::default(),
            pending_bytes: 0,
            finished: false,
            saw_message_stop: false,
            broke_off: false,
            usage: Usage::default(),
            restart,
        }
    }

    meta_accessors!();

    /// Reads the whole stream and returns the accumulated [`Message`]: content blocks
    /// assembled, tool-use input JSON parsed, usage merged, with the IDs of the response it
    /// came from.
    ///
    /// Nothing reaches the caller until the end, so a retryable failure met on the way (an
    /// `overloaded_error` or `api_error` event, or a connection that breaks off) sends the
    /// request again, within the client's retry budget (the retries the initial request took
    /// count against it). The message is held in memory: past
    /// [`MAX_RESPONSE_BYTES`] of content it fails with
    /// [`Error::ResponseTooLarge`] (read the events instead to handle any size).
    ///
    /// ```no_run
    /// # async fn run(client: anthropic_aws::Client) -> Result<(), anthropic_aws::Error> {
    /// use anthropic_aws::types::{MessageCreateParams, MessageParam};
    /// let params = MessageCreateParams::new(
    ///     "claude-opus-4-8",
    ///     128_000,
    ///     vec![MessageParam::user("Write a detailed analysis...")],
    /// );
    /// let message = client.messages().stream(&params).await?.final_message().await?;
    /// println!("{} ({:?})", message.text(), message.aws_request_id());
    /// # Ok(()) }
    /// ```
    pub async fn final_message(mut self) -> Result<Response<Message>, Error> {
        loop {
            let err = match self.accumulate().await {
                Ok(message) => return Ok(Response::new(message, self.meta)),
                Err(err) => err,
            };
            // The answer was authenticated already: only the budget can buy a restart.
            let Next::RetryAfter(delay) = self.restart.retries.next(&err, false, self.broke_off)
            else {
                return Err(err);
            };
            let retry = self.restart.retries.used();
            tracing::debug!(error = %err, ?delay, retry, "restarting the stream");
            tokio::time::sleep(delay).await;
            let Restart {
                transport,
                call,
                retries,
                span,
            } = self.restart;
            self = Self::send(transport, call, retries, span).await?;
        }
    }

    async fn accumulate(&mut self) -> Result<Message, Error> {
        let mut accumulator = MessageAccumulator::default();
        while let Some(event) = self.next().await {
            accumulator
                .push(&event?)
                .map_err(|e| self.protocol_error(e))?;
            if accumulator.accumulated_bytes() > MAX_RESPONSE_BYTES {
                return Err(Error::ResponseTooLarge {
                    limit: MAX_RESPONSE_BYTES,
                    declared: None,
                    status: self.meta.status(),
                    request_ids: self.meta.request_ids().clone(),
                });
            }
        }
        accumulator.finish().map_err(|e| self.protocol_error(e))
    }

    fn protocol_error(&self, e: StreamProtocolError) -> Error {
        Error::Stream {
            message: e.to_string(),
            request_ids: self.meta.request_ids().clone(),
        }
    }

    /// Turns one SSE event into what the caller sees; `None` for events that carry nothing.
    fn deliver(&mut self, event: &SseEvent) -> Option<Result<MessageStreamEvent, Error>> {
        match decode(event) {
            Ok(Decoded::Event(event)) => {
                let span = &self.restart.span;
                match &event {
                    MessageStreamEvent::MessageStop(_) => self.saw_message_stop = true,
                    MessageStreamEvent::MessageStart(start) => {
                        telemetry::record_message(span, &start.message);
                        self.usage = start.message.usage.clone();
                    }
                    MessageStreamEvent::MessageDelta(delta) => {
                        merge_usage(&mut self.usage, &delta.usage);
                        telemetry::record_usage(span, &self.usage);
                    }
                    _ => {}
                }
                Some(Ok(event))
            }
            Ok(Decoded::Error(_)) => {
                self.finished = true;
                let data = Bytes::from(event.data.clone());
                let error =
                    ApiError::from_response(self.meta.status(), self.meta.headers().clone(), data);
                Some(Err(error.into()))
            }
            Err(source) => {
                self.finished = true;
                Some(Err(Error::Decode {
                    status: self.meta.status(),
                    request_ids: self.meta.request_ids().clone(),
                    body_snippet: crate::error::snippet(event.data.as_bytes()),
                    source,
                }))
            }
        }
    }

    fn broke_off_error(&mut self, why: String) -> Error {
        self.finished = true;
        self.broke_off = true;
        Error::Stream {
            message: why,
            request_ids: self.meta.request_ids().clone(),
        }
    }
}

impl Stream for MessageStream {
    type Item = Result<MessageStreamEvent, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let polled = self.poll_event(cx);
        if let Poll::Ready(Some(Err(err))) = &polled {
            telemetry::record_error(&self.restart.span, err);
        }
        polled
    }
}

impl MessageStream {
    /// The next event, or how the stream failed.
    fn poll_event(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<MessageStreamEvent, Error>>> {
        let this = self;
        loop {
            if this.finished {
                return Poll::Ready(None);
            }
            if let Some(event) = this.parser.next_event() {
                this.pending_bytes = 0;
                if let Some(item) = this.deliver(&event) {
                    return Poll::Ready(Some(item));
                }
                continue;
            }
            let next = match this.body.as_mut().poll_next(cx) {
                Poll::Ready(next) => next,
                Poll::Pending => {
                    ready!(this.idle.poll_expired(cx));
                    this.finished = true;
                    this.broke_off = true;
                    return Poll::Ready(Some(Err(Error::Timeout {
                        kind: TimeoutKind::StreamIdle,
                        timeout: this.idle.timeout(),
                        source: None,
                        status: Some(this.meta.status()),
                        request_ids: Some(this.meta.request_ids().clone()),
                    })));
                }
            };
            this.idle.touch();
            match next {
                Some(Ok(chunk)) => {
                    this.pending_bytes += chunk.len();
                    if this.pending_bytes > MAX_EVENT_BYTES && this.parser.has_partial() {
                        let why = format!("an event grew beyond {MAX_EVENT_BYTES} bytes");
                        this.finished = true;
                        return Poll::Ready(Some(Err(Error::Stream {
                            message: why,
                            request_ids: this.meta.request_ids().clone(),
                        })));
                    }
                    this.parser.feed(&chunk);
                }
                Some(Err(e)) if this.saw_message_stop => {
                    // Everything arrived; a transport hiccup after `message_stop` loses nothing.
                    tracing::debug!(error = %e, "the stream's connection closed after message_stop");
                    this.finished = true;
                }
                Some(Err(e)) => {
                    let why = if e.is_timeout() {
                        format!("no data arrived within the timeout before message_stop: {e}")
                    } else {
                        format!("the connection broke before message_stop: {e}")
                    };
                    return Poll::Ready(Some(Err(this.broke_off_error(why))));
                }
                None => {
                    // Every complete event was taken above; an unterminated one is dropped,
                    // as the event-stream rules say.
                    let partial = this.parser.finish();
                    if this.saw_message_stop {
                        this.finished = true;
                        return Poll::Ready(None);
                    }
                    let why = if partial {
                        "the stream ended in the middle of an event, before message_stop"
                    } else {
                        "the stream ended before message_stop"
                    };
                    return Poll::Ready(Some(Err(this.broke_off_error(why.to_owned()))));
                }
            }
        }
    }
}

impl RequestId for MessageStream {
    fn request_id(&self) -> Option<&str> {
        self.aws_request_id()
    }
}

impl fmt::Debug for MessageStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MessageStream")
            .field("status", &self.meta.status())
            .field("aws_request_id", &self.aws_request_id())
            .field("anthropic_request_id", &self.anthropic_request_id())
            .field("finished", &self.finished)
            .finish_non_exhaustive()
    }
}
