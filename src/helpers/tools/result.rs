//! What a tool run gives back: [`ToolRunResult`], and [`StepInfo`] for each request.

use std::ops::Deref;

use crate::RequestIds;
use crate::types::{Message, MessageParam, StopReason, Usage};

/// One request of a tool run: its request IDs, its usage and why it stopped.
///
/// ```no_run
/// # async fn run(client: anthropic_aws::Client, params: anthropic_aws::types::MessageCreateParams) -> Result<(), anthropic_aws::Error> {
/// let result = client.messages().tool_runner(params).run().await?;
/// for (n, step) in result.steps().iter().enumerate() {
///     println!(
///         "step {n}: {:?} (AWS {:?}, Anthropic {:?}), {} output tokens",
///         step.stop_reason,
///         step.aws_request_id(),
///         step.anthropic_request_id(),
///         step.usage.output_tokens
///     );
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct StepInfo {
    /// Both request IDs of the step's response.
    pub request_ids: RequestIds,
    /// The step's token usage.
    pub usage: Usage,
    /// Why the step's answer stopped.
    pub stop_reason: Option<StopReason>,
}

impl StepInfo {
    /// The AWS request ID (`x-amzn-requestid`) of the step: primary, indexed in CloudTrail.
    ///
    /// ```no_run
    /// # fn show(step: &anthropic_aws::helpers::tools::StepInfo) {
    /// println!("{:?}", step.aws_request_id());
    /// # }
    /// ```
    pub fn aws_request_id(&self) -> Option<&str> {
        self.request_ids.aws()
    }

    /// Anthropic's request ID (`request-id`) of the step, for Anthropic support.
    ///
    /// ```no_run
    /// # fn show(step: &anthropic_aws::helpers::tools::StepInfo) {
    /// println!("{:?}", step.anthropic_request_id());
    /// # }
    /// ```
    pub fn anthropic_request_id(&self) -> Option<&str> {
        self.request_ids.anthropic()
    }
}

/// The end of a tool run: the final [`Message`] (this derefs to it), every step's
/// [`StepInfo`], the summed usage, and whether the run stopped at
/// [`max_iterations`](super::ToolRunner::max_iterations).
///
/// ```no_run
/// # async fn run(client: anthropic_aws::Client, params: anthropic_aws::types::MessageCreateParams) -> Result<(), anthropic_aws::Error> {
/// let result = client.messages().tool_runner(params).run().await?;
/// println!("{}", result.text());
/// println!("{} steps, {} output tokens in all", result.steps().len(), result.total_usage().output_tokens);
/// if result.reached_max_iterations() {
///     println!("stopped at the bound; the model still wanted tools");
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct ToolRunResult {
    pub(super) message: Message,
    pub(super) steps: Vec<StepInfo>,
    pub(super) total_usage: Usage,
    pub(super) reached_max_iterations: bool,
    /// The conversation before the final message.
    pub(super) conversation: Vec<MessageParam>,
}

impl ToolRunResult {
    /// The last answer: the final one, or at the bound the one whose tools were not run.
    ///
    /// ```no_run
    /// # fn show(result: &anthropic_aws::helpers::tools::ToolRunResult) {
    /// println!("{:?}", result.message().stop_reason);
    /// # }
    /// ```
    pub fn message(&self) -> &Message {
        &self.message
    }

    /// The last answer, by value.
    ///
    /// ```no_run
    /// # fn show(result: anthropic_aws::helpers::tools::ToolRunResult) {
    /// let message = result.into_message();
    /// # }
    /// ```
    pub fn into_message(self) -> Message {
        self.message
    }

    /// Every request of the run, in order.
    ///
    /// ```no_run
    /// # fn show(result: &anthropic_aws::helpers::tools::ToolRunResult) {
    /// println!("{} requests", result.steps().len());
    /// # }
    /// ```
    pub fn steps(&self) -> &[StepInfo] {
        &self.steps
    }

    /// The usage of every step, added up (a count that no step reported stays absent).
    ///
    /// ```no_run
    /// # fn show(result: &anthropic_aws::helpers::tools::ToolRunResult) {
    /// println!("{} input tokens", result.total_usage().input_tokens);
    /// # }
    /// ```
    pub fn total_usage(&self) -> &Usage {
        &self.total_usage
    }

    /// Whether the run stopped because it reached `max_iterations` while the model still
    /// asked for tools (or to resume a paused turn): then the last message's tool calls were
    /// not run.
    ///
    /// ```no_run
    /// # fn show(result: &anthropic_aws::helpers::tools::ToolRunResult) {
    /// assert!(!result.reached_max_iterations());
    /// # }
    /// ```
    pub fn reached_max_iterations(&self) -> bool {
        self.reached_max_iterations
    }

    /// Both request IDs of the last step.
    ///
    /// ```no_run
    /// # fn show(result: &anthropic_aws::helpers::tools::ToolRunResult) {
    /// println!("{:?}", result.request_ids());
    /// # }
    /// ```
    pub fn request_ids(&self) -> Option<&RequestIds> {
        self.steps.last().map(|step| &step.request_ids)
    }

    /// The AWS request ID (`x-amzn-requestid`) of the last step.
    ///
    /// ```no_run
    /// # fn show(result: &anthropic_aws::helpers::tools::ToolRunResult) {
    /// println!("{:?}", result.aws_request_id());
    /// # }
    /// ```
    pub fn aws_request_id(&self) -> Option<&str> {
        self.request_ids().and_then(RequestIds::aws)
    }

    /// Anthropic's request ID (`request-id`) of the last step.
    ///
    /// ```no_run
    /// # fn show(result: &anthropic_aws::helpers::tools::ToolRunResult) {
    /// println!("{:?}", result.anthropic_request_id());
    /// # }
    /// ```
    pub fn anthropic_request_id(&self) -> Option<&str> {
        self.request_ids().and_then(RequestIds::anthropic)
    }

    /// The whole conversation, the last answer included as the last assistant turn: push a
    /// new user turn onto it to go on.
    ///
    /// ```no_run
    /// # async fn run(client: anthropic_aws::Client, params: anthropic_aws::types::MessageCreateParams, weather: anthropic_aws::helpers::tools::Tool) -> Result<(), anthropic_aws::Error> {
    /// use anthropic_aws::types::MessageParam;
    /// let first = client.messages().tool_runner(params.clone()).tool(weather.clone()).run().await?;
    /// let mut messages = first.into_conversation();
    /// messages.push(MessageParam::user("And tomorrow?"));
    /// let mut next = params;
    /// next.messages = messages;
    /// let second = client.messages().tool_runner(next).tool(weather).run().await?;
    /// # Ok(()) }
    /// ```
    pub fn into_conversation(self) -> Vec<MessageParam> {
        let mut conversation = self.conversation;
        conversation.push(self.message.into());
        conversation
    }
}

impl Deref for ToolRunResult {
    type Target = Message;

    fn deref(&self) -> &Message {
        &self.message
    }
}
