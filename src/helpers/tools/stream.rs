//! [`ToolRunStream`]: the run in streaming mode, every step's events as they arrive
//! ([`ToolRunEvent`]).

use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use futures_util::StreamExt;

use super::driver::{Advance, Driver};
use super::steps::{Resumable, finish, run_accessors};
use super::{StepInfo, ToolRunResult};
use crate::RequestIds;
use crate::error::Error;
use crate::streaming::MessageStreamEvent;
use crate::types::{Message, MessageParam, Usage};

/// What a [`ToolRunStream`] yields, step after step: `StepStart`, the step's `Event`s, its
/// whole `Message`; then, when the model called tools, the `ToolResults` sent next.
#[derive(Debug, Clone)]
#[non_exhaustive]
// `Event` is the hot variant and as large as what `MessageStream` yields itself; boxing it
// would cost an allocation per event to shrink the variants that come once a step.
#[allow(clippy::large_enum_variant)]
pub enum ToolRunEvent {
    /// A step's stream is open: its request number (1 for the first) and both request IDs.
    StepStart {
        /// The request number, from 1.
        step: u32,
        /// Both request IDs of the step's response.
        request_ids: RequestIds,
    },
    /// An event of the step's stream, as [`MessageStream`](crate::MessageStream) yields it.
    Event(MessageStreamEvent),
    /// The step's whole answer, assembled from its events.
    Message(Box<Message>),
    /// The tools ran: the user turn of `tool_result`s the next step sends, in the order of
    /// the calls.
    ToolResults(MessageParam),
}

/// A tool run in streaming mode, from [`ToolRunner::stream`](super::ToolRunner::stream): a
/// [`Stream`] of [`ToolRunEvent`]s, every step's events as they arrive.
///
/// Each step is a streaming request (`messages().stream()`): the client's retry policy
/// applies until its stream opens; a stream that fails after that (an `error` event, a
/// connection that breaks off) ends the run with that error, since its events were already
/// delivered. The stream ends after the final answer, at the bound, or after an error
/// (yielded as the last item).
///
/// ```no_run
/// # async fn run(client: anthropic_aws::Client, params: anthropic_aws::types::MessageCreateParams, weather: anthropic_aws::helpers::tools::Tool) -> Result<(), anthropic_aws::Error> {
/// use anthropic_aws::helpers::tools::ToolRunEvent;
/// use futures_util::StreamExt;
///
/// let mut run = client.messages().tool_runner(params).tool(weather).stream();
/// while let Some(event) = run.next().await {
///     match event? {
///         ToolRunEvent::StepStart { step, request_ids } => println!("step {step}: {request_ids}"),
///         ToolRunEvent::Event(event) => {
///             if let Some(text) = event.text_delta() {
///                 print!("{text}");
///             }
///         }
///         ToolRunEvent::ToolResults(turn) => println!("\n(sent tool results)"),
///         _ => {}
///     }
/// }
/// # Ok(()) }
/// ```
pub struct ToolRunStream<'c> {
    inner: Resumable<'c, Driver<'c>, Result<ToolRunEvent, Error>>,
}

impl<'c> ToolRunStream<'c> {
    pub(super) fn new(driver: Driver<'c>) -> Self {
        Self {
            inner: Resumable::new(driver, |mut driver| {
                Box::pin(async move {
                    let item = next_event(&mut driver).await;
                    (driver, item)
                })
            }),
        }
    }

    run_accessors!();

    /// Runs the rest of the loop, its events unread, and returns its result (the first error
    /// met, if any).
    ///
    /// ```no_run
    /// # async fn run(client: anthropic_aws::Client, params: anthropic_aws::types::MessageCreateParams) -> Result<(), anthropic_aws::Error> {
    /// let result = client.messages().tool_runner(params).stream().final_result().await?;
    /// # Ok(()) }
    /// ```
    pub async fn final_result(mut self) -> Result<ToolRunResult, Error> {
        while let Some(item) = self.inner.next().await {
            item?;
        }
        finish(self.inner.into_state())
    }
}

/// The next event of the run: from the open step's stream, else what comes after it.
async fn next_event(driver: &mut Driver<'_>) -> Option<Result<ToolRunEvent, Error>> {
    if let Some(open) = &mut driver.open {
        let failure = match open.stream.next().await {
            Some(Ok(event)) => match open.accumulator.push(&event) {
                Ok(()) => return Some(Ok(ToolRunEvent::Event(event))),
                Err(e) => Error::Stream {
                    message: e.to_string(),
                    request_ids: open.stream.request_ids().clone(),
                },
            },
            Some(Err(err)) => err,
            None => {
                let open = driver.open.take()?;
                let request_ids = open.stream.request_ids().clone();
                match open.accumulator.finish() {
                    Ok(message) => {
                        driver.record(request_ids, message.clone());
                        return Some(Ok(ToolRunEvent::Message(Box::new(message))));
                    }
                    Err(e) => Error::Stream {
                        message: e.to_string(),
                        request_ids,
                    },
                }
            }
        };
        driver.fail(&failure);
        return Some(Err(failure));
    }
    match driver.advance().await {
        Advance::Stop => None,
        Advance::ToolResults => driver
            .params
            .messages
            .last()
            .cloned()
            .map(|turn| Ok(ToolRunEvent::ToolResults(turn))),
        Advance::Send => {
            Some(
                driver
                    .open_stream()
                    .await
                    .map(|request_ids| ToolRunEvent::StepStart {
                        step: driver.iteration(),
                        request_ids,
                    }),
            )
        }
    }
}

impl Stream for ToolRunStream<'_> {
    type Item = Result<ToolRunEvent, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.poll_next_unpin(cx)
    }
}
