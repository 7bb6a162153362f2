//! [`ToolRunSteps`]: the run as a [`Stream`] of each step's whole answer, and the
//! [`Resumable`] stream both step-wise views are built on.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use futures_core::Stream;
use futures_util::StreamExt;

use super::driver::Driver;
use super::{StepInfo, ToolRunResult};
use crate::Response;
use crate::error::Error;
use crate::types::{Message, MessageParam, Usage};

type Step<'c, S, T> = Pin<Box<dyn Future<Output = (S, Option<T>)> + Send + 'c>>;

/// A stream whose state is handed to one future per item and handed back when the item is
/// ready, so that it can be read between items (`futures_util::stream::unfold` keeps it out
/// of reach).
pub(super) struct Resumable<'c, S, T> {
    state: Option<S>,
    running: Option<Step<'c, S, T>>,
    step: fn(S) -> Step<'c, S, T>,
    done: bool,
}

impl<'c, S, T> Resumable<'c, S, T> {
    pub(super) fn new(state: S, step: fn(S) -> Step<'c, S, T>) -> Self {
        Self {
            state: Some(state),
            running: None,
            step,
            done: false,
        }
    }

    /// The state, unless an item is being made (a `next()` dropped half-way).
    pub(super) fn state(&self) -> Option<&S> {
        self.state.as_ref()
    }

    pub(super) fn into_state(self) -> Option<S> {
        self.state
    }
}

impl<S, T> Unpin for Resumable<'_, S, T> {}

impl<S, T> Stream for Resumable<'_, S, T> {
    type Item = T;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let this = self.get_mut();
        if this.done {
            return Poll::Ready(None);
        }
        let running = match &mut this.running {
            Some(running) => running,
            None => match this.state.take() {
                Some(state) => this.running.insert((this.step)(state)),
                None => return Poll::Ready(None),
            },
        };
        let (state, item) = ready!(running.as_mut().poll(cx));
        this.running = None;
        this.state = Some(state);
        this.done = item.is_none();
        Poll::Ready(item)
    }
}

/// The accessors both step-wise views share, read between items.
macro_rules! run_accessors {
    () => {
        /// The steps answered so far (empty while an item is being made).
        pub fn steps(&self) -> &[StepInfo] {
            self.inner.state().map_or(&[], |d| d.steps.as_slice())
        }

        /// The usage of the steps answered so far, added up.
        pub fn total_usage(&self) -> Usage {
            self.inner
                .state()
                .map(|d| d.total_usage.clone())
                .unwrap_or_default()
        }

        /// Whether the run stopped at `max_iterations` while the model still asked for tools.
        pub fn reached_max_iterations(&self) -> bool {
            self.inner.state().is_some_and(|d| d.reached_max_iterations)
        }

        /// The conversation sent so far (the latest answer joins it when the loop goes on).
        pub fn messages(&self) -> &[MessageParam] {
            self.inner
                .state()
                .map_or(&[], |d| d.params.messages.as_slice())
        }
    };
}
pub(super) use run_accessors;

/// A tool run, one answer at a time: a [`Stream`] of each step's [`Message`] (with its
/// request IDs), from [`ToolRunner::steps`](super::ToolRunner::steps).
///
/// An answer is yielded before its tools run: they run when the next item is asked for. The
/// stream ends after the final answer, at the bound, or after an error (yielded as the last
/// item).
///
/// ```no_run
/// # async fn run(client: anthropic_aws::Client, params: anthropic_aws::types::MessageCreateParams, weather: anthropic_aws::helpers::tools::Tool) -> Result<(), anthropic_aws::Error> {
/// use futures_util::StreamExt;
///
/// let mut steps = client.messages().tool_runner(params).tool(weather).steps();
/// while let Some(message) = steps.next().await {
///     let message = message?;
///     for call in message.tool_uses() {
///         println!("calling {} ({:?})", call.name, message.aws_request_id());
///     }
/// }
/// println!("{} output tokens in all", steps.total_usage().output_tokens);
/// # Ok(()) }
/// ```
pub struct ToolRunSteps<'c> {
    inner: Resumable<'c, Driver<'c>, Result<Response<Message>, Error>>,
}

impl<'c> ToolRunSteps<'c> {
    pub(super) fn new(driver: Driver<'c>) -> Self {
        Self {
            inner: Resumable::new(driver, |mut driver| {
                Box::pin(async move {
                    let item = driver.next_message().await;
                    (driver, item)
                })
            }),
        }
    }

    run_accessors!();

    /// Runs the rest of the loop and returns its result (the first error met, if any).
    ///
    /// ```no_run
    /// # async fn run(client: anthropic_aws::Client, params: anthropic_aws::types::MessageCreateParams) -> Result<(), anthropic_aws::Error> {
    /// use futures_util::StreamExt;
    /// let mut steps = client.messages().tool_runner(params).steps();
    /// let first = steps.next().await;
    /// let result = steps.final_result().await?;
    /// # Ok(()) }
    /// ```
    pub async fn final_result(mut self) -> Result<ToolRunResult, Error> {
        while let Some(item) = self.inner.next().await {
            item?;
        }
        finish(self.inner.into_state())
    }
}

/// The result of a run whose stream has ended.
pub(super) fn finish(driver: Option<Driver<'_>>) -> Result<ToolRunResult, Error> {
    match driver {
        Some(driver) => driver.into_result(),
        None => Err(Error::Stream {
            message: "the tool run was interrupted while making a step".to_owned(),
            request_ids: crate::RequestIds::default(),
        }),
    }
}

impl Stream for ToolRunSteps<'_> {
    type Item = Result<Response<Message>, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.poll_next_unpin(cx)
    }
}
