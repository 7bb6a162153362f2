//! What a client takes from an `aws_types::SdkConfig`: the one place that reads one.

use std::time::Duration;

use aws_credential_types::provider::SharedCredentialsProvider;
use aws_types::SdkConfig;

/// The settings of an `SdkConfig` that apply to this client. Each ranks below the builder's
/// own option and above the environment (the table on
/// [`ClientBuilder`](crate::ClientBuilder#configuration)).
#[derive(Clone, Default)]
pub(crate) struct SdkDefaults {
    pub(crate) region: Option<String>,
    pub(crate) credentials_provider: Option<SharedCredentialsProvider>,
    /// The attempt timeout, else the operation timeout (an attempt cannot outlast it).
    pub(crate) timeout: Option<Duration>,
    pub(crate) connect_timeout: Option<Duration>,
    /// `max_attempts - 1`.
    pub(crate) max_retries: Option<u32>,
}

impl SdkDefaults {
    pub(crate) fn from_sdk_config(config: &SdkConfig) -> Self {
        let timeouts = config.timeout_config();
        Self {
            region: config.region().map(|r| r.as_ref().to_owned()),
            credentials_provider: config.credentials_provider(),
            timeout: timeouts.and_then(|t| {
                t.operation_attempt_timeout()
                    .or_else(|| t.operation_timeout())
            }),
            connect_timeout: timeouts.and_then(|t| t.connect_timeout()),
            max_retries: config
                .retry_config()
                .map(|r| r.max_attempts().saturating_sub(1)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_credential_types::Credentials;
    use aws_smithy_types::retry::RetryConfig;
    use aws_smithy_types::timeout::TimeoutConfig;
    use aws_types::region::Region;

    #[test]
    fn takes_region_provider_timeouts_and_retries() {
        let config = SdkConfig::builder()
            .region(Region::new("eu-central-1"))
            .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
                "AKID", "secret", None, None, "test",
            )))
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(Duration::from_millis(3100))
                    .operation_timeout(Duration::from_secs(90))
                    .build(),
            )
            .retry_config(RetryConfig::standard().with_max_attempts(5))
            .build();
        let defaults = SdkDefaults::from_sdk_config(&config);
        assert_eq!(defaults.region.as_deref(), Some("eu-central-1"));
        assert!(defaults.credentials_provider.is_some());
        assert_eq!(defaults.timeout, Some(Duration::from_secs(90)));
        assert_eq!(defaults.connect_timeout, Some(Duration::from_millis(3100)));
        assert_eq!(defaults.max_retries, Some(4));
    }

    #[test]
    fn the_attempt_timeout_beats_the_operation_timeout() {
        let config = SdkConfig::builder()
            .timeout_config(
                TimeoutConfig::builder()
                    .operation_timeout(Duration::from_secs(90))
                    .operation_attempt_timeout(Duration::from_secs(30))
                    .build(),
            )
            .build();
        let defaults = SdkDefaults::from_sdk_config(&config);
        assert_eq!(defaults.timeout, Some(Duration::from_secs(30)));
        assert_eq!(defaults.region, None);
        assert!(defaults.credentials_provider.is_none());
        assert_eq!(defaults.max_retries, None);
    }
}
