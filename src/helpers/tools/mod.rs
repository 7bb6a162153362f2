//! The tool runner: call, run each `tool_use` with a typed handler, send the `tool_result`s,
//! repeat.
//!
//! A [`Tool`] is a name, a description, an input type (its JSON schema from `schemars`, in the
//! API's subset: [`json_schema`](crate::helpers::parse::json_schema)) and an async handler; [`Messages::tool_runner`](crate::resources::Messages::tool_runner)
//! returns a [`ToolRunner`] that drives the loop with them, whole
//! ([`run`](ToolRunner::run) → [`ToolRunResult`]), one answer at a time
//! ([`steps`](ToolRunner::steps) → [`ToolRunSteps`]) or streaming
//! ([`stream`](ToolRunner::stream) → [`ToolRunStream`] of [`ToolRunEvent`]s).
//!
//! ```no_run
//! # async fn run(client: anthropic_aws::Client) -> Result<(), anthropic_aws::Error> {
//! use anthropic_aws::helpers::tools::Tool;
//! use anthropic_aws::types::{MessageCreateParams, MessageParam};
//!
//! #[derive(serde::Deserialize, schemars::JsonSchema)]
//! struct WeatherInput {
//!     /// A city name.
//!     city: String,
//! }
//!
//! let weather = Tool::new("get_weather", "Get the current weather in a city", |input: WeatherInput| async move {
//!     Ok::<_, std::io::Error>(format!("18 °C and sunny in {}", input.city))
//! });
//! let params = MessageCreateParams::new(
//!     "claude-opus-4-8",
//!     1024,
//!     vec![MessageParam::user("What should I wear in Paris today?")],
//! );
//! let result = client.messages().tool_runner(params).tool(weather).run().await?;
//! println!("{}", result.text());
//! for step in result.steps() {
//!     println!("{:?} {:?}", step.aws_request_id(), step.anthropic_request_id());
//! }
//! println!("{} output tokens", result.total_usage().output_tokens);
//! # Ok(()) }
//! ```

mod driver;
mod result;
mod runner;
mod steps;
mod stream;
mod tool;
mod usage;

pub use result::{StepInfo, ToolRunResult};
pub use runner::{DEFAULT_MAX_CONCURRENCY, DEFAULT_MAX_ITERATIONS, ToolRunner};
pub use steps::ToolRunSteps;
pub use stream::{ToolRunEvent, ToolRunStream};
pub use tool::{Tool, ToolOutput};
