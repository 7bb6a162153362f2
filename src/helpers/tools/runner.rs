//! [`ToolRunner`]: the builder `client.messages().tool_runner(params)` returns, and its three
//! ways to run: whole ([`run`](ToolRunner::run)), one answer at a time
//! ([`steps`](ToolRunner::steps)), or streaming ([`stream`](ToolRunner::stream)).

use super::driver::Driver;
use super::{Tool, ToolRunResult, ToolRunSteps, ToolRunStream};
use crate::error::Error;
use crate::resources::Messages;
use crate::types::MessageCreateParams;

/// How many requests a run makes at most, unless told otherwise.
pub const DEFAULT_MAX_ITERATIONS: u32 = 10;

/// How many tool calls of one answer run at once, unless told otherwise.
pub const DEFAULT_MAX_CONCURRENCY: usize = 8;

impl<'c> Messages<'c> {
    /// A [`ToolRunner`]: sends `params`, runs every `tool_use` of the answer with the
    /// matching [`Tool`], sends the `tool_result`s back, and repeats until the model stops
    /// calling tools (or [`max_iterations`](ToolRunner::max_iterations) requests).
    ///
    /// Every request is this API's [`create`](Messages::create) (or
    /// [`stream`](Messages::stream) in streaming mode), with its options
    /// ([`with_options`](Messages::with_options)), retry policy and request IDs.
    ///
    /// ```no_run
    /// # async fn run(client: anthropic_aws::Client) -> Result<(), anthropic_aws::Error> {
    /// use anthropic_aws::helpers::tools::Tool;
    /// use anthropic_aws::types::{MessageCreateParams, MessageParam};
    ///
    /// #[derive(serde::Deserialize, schemars::JsonSchema)]
    /// struct WeatherInput { city: String }
    ///
    /// let weather = Tool::new("get_weather", "Get the current weather in a city", |input: WeatherInput| async move {
    ///     Ok::<_, std::io::Error>(format!("18 °C and sunny in {}", input.city))
    /// });
    /// let params = MessageCreateParams::new(
    ///     "claude-opus-4-8",
    ///     1024,
    ///     vec![MessageParam::user("What should I wear in Paris today?")],
    /// );
    /// let result = client.messages().tool_runner(params).tool(weather).run().await?;
    /// println!("{}", result.text());
    /// # Ok(()) }
    /// ```
    pub fn tool_runner(&self, params: MessageCreateParams) -> ToolRunner<'c> {
        ToolRunner {
            messages: self.clone(),
            params,
            tools: Vec::new(),
            max_iterations: DEFAULT_MAX_ITERATIONS,
            max_concurrency: DEFAULT_MAX_CONCURRENCY,
        }
    }
}

/// The tool-use loop, from [`Messages::tool_runner`]: the request, the tools, the bounds.
///
/// The loop sends the conversation; an answer that stops with `tool_use` has its calls run
/// (concurrently, at most [`max_concurrency`](Self::max_concurrency) at once) and their
/// results sent back as one user turn, in the order of the calls; an answer that stops with
/// `pause_turn` is sent back as it is, to continue; any other stop reason (`end_turn`,
/// `max_tokens`, `refusal`, ...) ends the run. A call of a tool the runner does not have, a
/// handler's error, an input that does not deserialize and a handler's panic each become a
/// `tool_result` with `is_error: true` and the message, and the loop goes on. A container an
/// answer reports is reused by the next request.
///
/// **The bound**: at most [`max_iterations`](Self::max_iterations) requests (default
/// [`DEFAULT_MAX_ITERATIONS`]). When the bound is reached while the model still asks for
/// tools, the run ends as the official SDKs' runners do, without an error: the result is the
/// last answer (its tool calls not run) and
/// [`ToolRunResult::reached_max_iterations`] says so.
///
/// A failed request (after the client's retries) ends the run with its [`Error`].
///
/// ```no_run
/// # async fn run(client: anthropic_aws::Client, params: anthropic_aws::types::MessageCreateParams, weather: anthropic_aws::helpers::tools::Tool, clock: anthropic_aws::helpers::tools::Tool) -> Result<(), anthropic_aws::Error> {
/// let result = client
///     .messages()
///     .tool_runner(params)
///     .tool(weather)
///     .tool(clock)
///     .max_iterations(5)
///     .max_concurrency(4)
///     .run()
///     .await?;
/// for step in result.steps() {
///     println!("{:?} {:?}", step.aws_request_id(), step.usage);
/// }
/// # Ok(()) }
/// ```
#[derive(Clone)]
#[must_use = "a tool runner does nothing until it is run"]
pub struct ToolRunner<'c> {
    messages: Messages<'c>,
    params: MessageCreateParams,
    tools: Vec<Tool>,
    max_iterations: u32,
    max_concurrency: usize,
}

impl<'c> ToolRunner<'c> {
    /// Adds a tool: its definition is sent in `tools` (replacing a definition of the same
    /// name the params carry), and its handler answers its calls. A tool added under a name
    /// already added replaces it.
    ///
    /// ```no_run
    /// # fn build(runner: anthropic_aws::helpers::tools::ToolRunner<'_>, weather: anthropic_aws::helpers::tools::Tool) {
    /// let runner = runner.tool(weather);
    /// # }
    /// ```
    pub fn tool(mut self, tool: Tool) -> Self {
        self.tools.retain(|t| t.name() != tool.name());
        self.tools.push(tool);
        self
    }

    /// Adds several tools, as [`tool`](Self::tool) does.
    ///
    /// ```no_run
    /// # fn build(runner: anthropic_aws::helpers::tools::ToolRunner<'_>, loaded: Vec<anthropic_aws::helpers::tools::Tool>) {
    /// let runner = runner.tools(loaded);
    /// # }
    /// ```
    pub fn tools(self, tools: impl IntoIterator<Item = Tool>) -> Self {
        tools.into_iter().fold(self, Self::tool)
    }

    /// At most `max_iterations` requests (at least 1; default [`DEFAULT_MAX_ITERATIONS`]).
    ///
    /// ```no_run
    /// # fn build(runner: anthropic_aws::helpers::tools::ToolRunner<'_>) {
    /// let runner = runner.max_iterations(3);
    /// # }
    /// ```
    pub fn max_iterations(mut self, max_iterations: u32) -> Self {
        self.max_iterations = max_iterations.max(1);
        self
    }

    /// At most `max_concurrency` tool calls of one answer run at once (at least 1; default
    /// [`DEFAULT_MAX_CONCURRENCY`]). They run on the task driving the runner: a handler with
    /// blocking work should hand it to `tokio::task::spawn_blocking`.
    ///
    /// ```no_run
    /// # fn build(runner: anthropic_aws::helpers::tools::ToolRunner<'_>) {
    /// let one_at_a_time = runner.max_concurrency(1);
    /// # }
    /// ```
    pub fn max_concurrency(mut self, max_concurrency: usize) -> Self {
        self.max_concurrency = max_concurrency.max(1);
        self
    }

    /// Runs the whole loop and returns the final message, every step's IDs and usage, and
    /// the summed usage.
    ///
    /// ```no_run
    /// # async fn run(client: anthropic_aws::Client, params: anthropic_aws::types::MessageCreateParams, weather: anthropic_aws::helpers::tools::Tool) -> Result<(), anthropic_aws::Error> {
    /// let result = client.messages().tool_runner(params).tool(weather).run().await?;
    /// println!("{} ({} steps)", result.text(), result.steps().len());
    /// # Ok(()) }
    /// ```
    pub async fn run(self) -> Result<ToolRunResult, Error> {
        let mut driver = self.into_driver();
        while let Some(sent) = driver.send().await {
            // Nobody else sees the answer: the loop keeps it without a copy.
            let (message, meta) = sent?.into_parts();
            driver.record(meta.request_ids().clone(), message);
        }
        driver.into_result()
    }

    /// The loop one answer at a time: a `Stream` of each step's whole message.
    ///
    /// ```no_run
    /// # async fn run(client: anthropic_aws::Client, params: anthropic_aws::types::MessageCreateParams, weather: anthropic_aws::helpers::tools::Tool) -> Result<(), anthropic_aws::Error> {
    /// use futures_util::StreamExt;
    /// let mut steps = client.messages().tool_runner(params).tool(weather).steps();
    /// while let Some(message) = steps.next().await {
    ///     println!("{:?}", message?.stop_reason);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn steps(self) -> ToolRunSteps<'c> {
        ToolRunSteps::new(self.into_driver())
    }

    /// The loop in streaming mode: a `Stream` of every step's events as they arrive.
    ///
    /// ```no_run
    /// # async fn run(client: anthropic_aws::Client, params: anthropic_aws::types::MessageCreateParams, weather: anthropic_aws::helpers::tools::Tool) -> Result<(), anthropic_aws::Error> {
    /// use anthropic_aws::helpers::tools::ToolRunEvent;
    /// use futures_util::StreamExt;
    /// let mut run = client.messages().tool_runner(params).tool(weather).stream();
    /// while let Some(event) = run.next().await {
    ///     if let ToolRunEvent::Event(event) = event? {
    ///         if let Some(text) = event.text_delta() {
    ///             print!("{text}");
    ///         }
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub fn stream(self) -> ToolRunStream<'c> {
        ToolRunStream::new(self.into_driver())
    }

    fn into_driver(self) -> Driver<'c> {
        Driver::new(
            self.messages,
            self.params,
            self.tools,
            self.max_iterations,
            self.max_concurrency,
        )
    }
}

impl std::fmt::Debug for ToolRunner<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ToolRunner")
            .field("model", &self.params.model)
            .field(
                "tools",
                &self.tools.iter().map(Tool::name).collect::<Vec<_>>(),
            )
            .field("max_iterations", &self.max_iterations)
            .field("max_concurrency", &self.max_concurrency)
            .finish_non_exhaustive()
    }
}
