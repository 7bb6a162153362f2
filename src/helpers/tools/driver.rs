//! The loop itself: the conversation, the tools, what the last answer asks for next, and
//! the record of every step. [`ToolRunSteps`](super::ToolRunSteps) and
//! [`ToolRunStream`](super::ToolRunStream) drive it one item at a time.

use std::mem;

use futures_util::future::{Either, ready};
use futures_util::{StreamExt, stream};

use super::{StepInfo, Tool, ToolOutput, ToolRunResult};
use crate::error::Error;
use crate::resources::Messages;
use crate::streaming::{MessageAccumulator, MessageStream};
use crate::types::{
    ContainerParam, ContentBlockParam, Message, MessageCreateParams, MessageParam, StopReason,
    ToolUseBlock, Usage,
};
use crate::{RequestIds, Response};

/// What the last answer asks for.
enum Next {
    /// Send the conversation (the first request, or the tool results are in).
    Send,
    /// Send the conversation back as it is (`pause_turn`).
    Resume,
    /// Run these calls, then send their results.
    RunTools(Vec<ToolUseBlock>),
    /// The run is over (an answer that needs nothing more, or an error).
    Done,
}

/// What [`Driver::advance`] did.
pub(super) enum Advance {
    /// The next request is due.
    Send,
    /// The tools ran; their results are the conversation's last turn.
    ToolResults,
    /// Nothing more to send.
    Stop,
}

/// A step's open stream, in streaming mode, and the message its events build.
pub(super) struct Open {
    pub(super) stream: MessageStream,
    pub(super) accumulator: MessageAccumulator,
}

pub(super) struct Driver<'c> {
    messages: Messages<'c>,
    /// The request, its `messages` the conversation so far (the last answer excepted: it
    /// is in `last` until the loop goes on).
    pub(super) params: MessageCreateParams,
    tools: Vec<Tool>,
    max_iterations: u32,
    max_concurrency: usize,
    /// Requests sent.
    iterations: u32,
    next: Next,
    last: Option<Message>,
    pub(super) reached_max_iterations: bool,
    pub(super) steps: Vec<StepInfo>,
    pub(super) total_usage: Usage,
    /// Set when the run failed: the error's text, for a later `final_result`.
    pub(super) failed: Option<String>,
    pub(super) open: Option<Open>,
}

impl<'c> Driver<'c> {
    pub(super) fn new(
        messages: Messages<'c>,
        mut params: MessageCreateParams,
        tools: Vec<Tool>,
        max_iterations: u32,
        max_concurrency: usize,
    ) -> Self {
        if !tools.is_empty() {
            let list = params.tools.get_or_insert_with(Vec::new);
            // A definition the params already carry under a runnable tool's name is replaced.
            list.retain(|param| !tools.iter().any(|t| param.name() == Some(t.name())));
            list.extend(tools.iter().map(Tool::param));
        }
        Self {
            messages,
            params,
            tools,
            max_iterations: max_iterations.max(1),
            max_concurrency: max_concurrency.max(1),
            iterations: 0,
            next: Next::Send,
            last: None,
            reached_max_iterations: false,
            steps: Vec::new(),
            total_usage: Usage::default(),
            failed: None,
            open: None,
        }
    }

    /// The request number of the step under way (1 for the first).
    pub(super) fn iteration(&self) -> u32 {
        self.iterations
    }

    /// Moves the loop on to the next request: runs the tools the last answer called and adds
    /// their results as a user turn, or stops (no more calls, or the bound is reached).
    pub(super) async fn advance(&mut self) -> Advance {
        let resume = match mem::replace(&mut self.next, Next::Done) {
            Next::Done => return Advance::Stop,
            Next::Send => {
                self.iterations += 1;
                return Advance::Send;
            }
            Next::Resume => None,
            Next::RunTools(calls) => Some(calls),
        };
        if self.iterations >= self.max_iterations {
            tracing::debug!(
                max_iterations = self.max_iterations,
                "the tool runner reached its bound"
            );
            self.reached_max_iterations = true;
            return Advance::Stop;
        }
        if let Some(last) = self.last.take() {
            self.params.messages.push(last.into());
        }
        let Some(calls) = resume else {
            self.iterations += 1;
            return Advance::Send;
        };
        let results = run_tools(&self.tools, self.max_concurrency, calls).await;
        self.params.messages.push(MessageParam::user(results));
        self.next = Next::Send;
        Advance::ToolResults
    }

    /// Records an answer: the step's IDs and usage, and what it asks for next.
    pub(super) fn record(&mut self, request_ids: RequestIds, message: Message) {
        crate::helpers::tools::usage::add_usage(&mut self.total_usage, &message.usage);
        self.steps.push(StepInfo {
            request_ids,
            usage: message.usage.clone(),
            stop_reason: message.stop_reason.clone(),
        });
        if let Some(container) = &message.container {
            // Container-bound tools need the next request in the same container.
            match &mut self.params.container {
                None => self.params.container = Some(ContainerParam::Id(container.id.clone())),
                Some(ContainerParam::Config(config)) if config.id.is_none() => {
                    config.id = Some(container.id.clone());
                }
                Some(_) => {}
            }
        }
        self.next = match message.stop_reason {
            Some(StopReason::ToolUse) => {
                let calls: Vec<ToolUseBlock> = message.tool_uses().cloned().collect();
                if calls.is_empty() {
                    Next::Done
                } else {
                    Next::RunTools(calls)
                }
            }
            Some(StopReason::PauseTurn) => Next::Resume,
            _ => Next::Done,
        };
        tracing::debug!(
            step = self.iterations,
            stop_reason = ?message.stop_reason,
            "tool runner step answered"
        );
        self.last = Some(message);
    }

    /// Records a failure: the run is over.
    pub(super) fn fail(&mut self, error: &Error) {
        self.next = Next::Done;
        self.open = None;
        self.failed = Some(error.to_string());
    }

    /// Sends the next request, if the loop goes on (running the tools the last answer
    /// called first). The caller records the answer ([`record`](Self::record)).
    pub(super) async fn send(&mut self) -> Option<Result<Response<Message>, Error>> {
        loop {
            match self.advance().await {
                Advance::Send => break,
                Advance::ToolResults => {}
                Advance::Stop => return None,
            }
        }
        let sent = self.messages.create(&self.params).await;
        if let Err(err) = &sent {
            self.fail(err);
        }
        Some(sent)
    }

    /// One step in step-by-step mode: the next answer, whole (a copy is kept for the loop).
    pub(super) async fn next_message(&mut self) -> Option<Result<Response<Message>, Error>> {
        let sent = self.send().await?;
        if let Ok(message) = &sent {
            self.record(message.request_ids().clone(), Message::clone(message));
        }
        Some(sent)
    }

    /// Opens the next step's stream.
    pub(super) async fn open_stream(&mut self) -> Result<RequestIds, Error> {
        match self.messages.stream(&self.params).await {
            Ok(stream) => {
                let ids = stream.request_ids().clone();
                self.open = Some(Open {
                    stream,
                    accumulator: MessageAccumulator::new(),
                });
                Ok(ids)
            }
            Err(err) => {
                self.fail(&err);
                Err(err)
            }
        }
    }

    /// The run's result, once it is over; an error if it failed or never answered.
    pub(super) fn into_result(self) -> Result<ToolRunResult, Error> {
        let last = match (self.failed, self.last) {
            (None, Some(last)) => last,
            (failed, _) => {
                return Err(Error::Stream {
                    message: format!(
                        "the tool run failed: {}",
                        failed.as_deref().unwrap_or("it ended before any answer")
                    ),
                    // The failed request's IDs went with the error the stream gave.
                    request_ids: RequestIds::default(),
                });
            }
        };
        Ok(ToolRunResult {
            message: last,
            steps: self.steps,
            total_usage: self.total_usage,
            reached_max_iterations: self.reached_max_iterations,
            conversation: self.params.messages,
        })
    }
}

/// Runs `calls`, at most `max_concurrency` at a time; the results come in the order of the
/// calls. (It borrows only the tools: the driver's stream is not `Sync`.)
async fn run_tools(
    tools: &[Tool],
    max_concurrency: usize,
    calls: Vec<ToolUseBlock>,
) -> Vec<ContentBlockParam> {
    let run = |call: ToolUseBlock| {
        let output = match tools.iter().find(|t| t.name() == call.name) {
            Some(tool) => Either::Left(tool.call(call.input)),
            None => {
                tracing::debug!(tool = %call.name, "the model called an unknown tool");
                let message = format!("tool `{}` not found", call.name);
                Either::Right(ready(ToolOutput::error(message)))
            }
        };
        async move { ContentBlockParam::ToolResult(output.await.into_result(call.id)) }
    };
    if calls.len() == 1 {
        // The common case needs no scheduling.
        let mut results = Vec::with_capacity(1);
        for call in calls {
            results.push(run(call).await);
        }
        return results;
    }
    stream::iter(calls)
        .map(run)
        .buffered(max_concurrency)
        .collect()
        .await
}
