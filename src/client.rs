//! [`Client`]: the resource accessors and what the client was built with. Its
//! [`ClientBuilder`] and the configuration table are in `client/builder.rs`.

mod builder;

use std::fmt;
use std::sync::Arc;

use reqwest::Url;

use crate::config::AuthSource;
use crate::transport::Transport;

pub use builder::ClientBuilder;

/// A client for Claude Platform on AWS. Cheap to clone: clones share one connection pool and
/// one credentials cache.
///
/// ```no_run
/// use anthropic_aws::Client;
/// use anthropic_aws::types::{MessageCreateParams, MessageParam};
///
/// # async fn run() -> Result<(), anthropic_aws::Error> {
/// // Region, workspace and credentials from the environment and the AWS profile.
/// let client = Client::builder().build().await?;
/// let message = client
///     .messages()
///     .create(&MessageCreateParams::new(
///         "claude-opus-4-8",
///         1024,
///         vec![MessageParam::user("Hello, Claude")],
///     ))
///     .await?;
/// println!("{}", message.text());
/// println!("AWS request ID: {:?}", message.aws_request_id());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    transport: Arc<Transport>,
}

impl Client {
    /// A builder; every option it leaves unset is read from the environment when it builds.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The transport every call of this client goes through (for the API families'
    /// accessors, each declared beside its family in `resources/`).
    pub(crate) fn transport(&self) -> &Arc<Transport> {
        &self.transport
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &Url {
        &self.transport.config().base_url
    }

    /// The AWS region (always set in SigV4 mode).
    pub fn region(&self) -> Option<&str> {
        self.transport.config().region.as_deref()
    }

    /// The workspace every request names in `anthropic-workspace-id`.
    pub fn workspace_id(&self) -> &str {
        &self.transport.config().workspace_id
    }

    /// How the client authenticates, and where that came from.
    pub fn auth_source(&self) -> &AuthSource {
        &self.transport.config().auth_source
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let config = self.transport.config();
        f.debug_struct("Client")
            .field("base_url", &crate::redact_url(config.base_url.as_str()))
            .field("region", &config.region)
            .field("workspace_id", &config.workspace_id)
            .field("auth", &config.auth_source)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RequestOptions;
    use crate::transport::Call;
    use crate::types::{MessageCreateParams, MessageParam};

    /// The attempt loop of every call is one heap allocation; it stays small (the benchmark
    /// keeps it under glibc's 1,032-byte per-thread cache, this test only catches a blow-up).
    #[tokio::test]
    async fn the_boxed_attempt_loop_of_a_message_fits_the_small_allocation_cache() {
        let client = Client::builder()
            .base_url("http://127.0.0.1:9")
            .region("us-east-1")
            .workspace_id("wrkspc_1")
            .access_key("AKIDEXAMPLE", "secret")
            .build()
            .await
            .unwrap();
        let params =
            MessageCreateParams::new("claude-opus-4-8", 16, vec![MessageParam::user("Hi")]);
        let options = RequestOptions::new();
        let call = Call::new(http::Method::POST, &["v1", "messages"], &options)
            .json(&params, 1 << 20)
            .unwrap()
            .iam("CreateInference");
        let exchange = client.transport.send(call);
        let size = exchange.boxed_size();
        // A generous bound, not glibc's 1,032-byte cache: the exact figure changes with
        // rustc and is reported by `examples/per_request` (`per_request sizes`) instead.
        assert!(size <= 4096, "the boxed attempt loop is {size} bytes");
    }
}
