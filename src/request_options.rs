//! [`RequestOptions`]: per-request overrides of the client's timeouts and retries.

use std::time::Duration;

/// Overrides for one request; anything unset falls back to the client's setting.
///
/// ```no_run
/// # async fn run(client: anthropic_aws::Client) -> Result<(), anthropic_aws::Error> {
/// use std::time::Duration;
/// use anthropic_aws::RequestOptions;
/// use anthropic_aws::types::{MessageCreateParams, MessageParam};
///
/// let quick = RequestOptions::new().timeout(Duration::from_secs(20)).max_retries(0);
/// let params = MessageCreateParams::new("claude-opus-4-8", 256, vec![MessageParam::user("Hi")]);
/// let message = client.messages().with_options(quick).create(&params).await?;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestOptions {
    pub(crate) timeout: Option<Duration>,
    pub(crate) connect_timeout: Option<Duration>,
    pub(crate) max_retries: Option<u32>,
}

impl RequestOptions {
    /// No overrides.
    pub fn new() -> Self {
        Self::default()
    }

    /// The overall timeout of each attempt (for a stream: until the response headers arrive,
    /// then the longest silence between two chunks). Setting it lifts the long-request guard.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The connect timeout of each attempt.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// How many times this request is retried.
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = Some(max_retries);
        self
    }
}
