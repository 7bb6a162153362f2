//! What aws-config provides, built for this client: a named profile's credentials, the default
//! credential chain, and the profile's region.

use aws_config::BehaviorVersion;
use aws_config::meta::ProviderChainError;
use aws_config::meta::region::ProvideRegion;
use aws_config::profile::{ProfileFileCredentialsProvider, ProfileFileRegionProvider};
use aws_config::provider_config::ProviderConfig;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_credential_types::provider::error::CredentialsError;
use aws_runtime::env_config::file::EnvConfigFiles;
use aws_types::region::Region;

use super::{AuthSource, ENV_API_KEY};
use crate::error::{CredentialsAttempt, CredentialsLookup, Error};

pub(super) fn profile_provider(
    name: &str,
    region: Option<&str>,
    files: Option<EnvConfigFiles>,
) -> ProfileFileCredentialsProvider {
    let mut builder = ProfileFileCredentialsProvider::builder()
        .configure(&provider_config(region))
        .profile_name(name);
    if let Some(files) = files {
        builder = builder.profile_files(files);
    }
    builder.build()
}

/// The default AWS credential chain (environment, profile files, SSO, web identity, ECS,
/// EC2 instance metadata), as aws-config's loader builds it, reading the profile files the
/// builder named, if any.
pub(super) async fn default_chain(
    region: Option<&str>,
    files: Option<EnvConfigFiles>,
) -> Result<SharedCredentialsProvider, Error> {
    let mut loader = aws_config::defaults(BehaviorVersion::latest());
    if let Some(region) = region {
        loader = loader.region(Region::new(region.to_owned()));
    }
    if let Some(files) = files {
        loader = loader.profile_files(files);
    }
    loader
        .load()
        .await
        .credentials_provider()
        .ok_or_else(|| Error::Credentials {
            message: "the default AWS credential chain is not available".to_owned(),
            source: None,
            lookup: None,
        })
}

fn provider_config(region: Option<&str>) -> ProviderConfig {
    ProviderConfig::without_region().with_region(region.map(|r| Region::new(r.to_owned())))
}

pub(super) async fn profile_region(
    profile: Option<&str>,
    files: Option<EnvConfigFiles>,
) -> Option<String> {
    let mut builder = ProfileFileRegionProvider::builder();
    if let Some(profile) = profile {
        builder = builder.profile_name(profile);
    }
    if let Some(files) = files {
        builder = builder.profile_files(files);
    }
    builder
        .build()
        .region()
        .await
        .map(|r| r.as_ref().to_owned())
        .filter(|r| !r.trim().is_empty())
}

/// What the sources behind `origin` tried before `error`: for the default chain, the
/// builder's options and `ANTHROPIC_AWS_API_KEY` (found empty when the client was built),
/// then each provider the AWS chain consulted, as the chain reports them.
pub(crate) fn credentials_lookup(
    origin: &AuthSource,
    error: &CredentialsError,
) -> CredentialsLookup {
    let attempts = match origin {
        AuthSource::DefaultChain => {
            let mut attempts = vec![
                CredentialsAttempt::new(
                    "builder",
                    "api_key, access_key, credentials_provider, profile, sdk_config",
                    "none given",
                    Some(
                        "give the builder `.api_key(…)`, `.access_key(…)`, `.profile(…)` or \
                         `.credentials_provider(…)`",
                    ),
                ),
                CredentialsAttempt::new(
                    ENV_API_KEY,
                    "environment variable",
                    "not set",
                    Some("set ANTHROPIC_AWS_API_KEY to an API key of the workspace"),
                ),
            ];
            match chain_attempts(error) {
                Some(chain) => attempts.extend(chain),
                // The chain stops at a provider that fails outright, and names none.
                None => attempts.push(CredentialsAttempt::new(
                    "default AWS chain",
                    "",
                    error_chain(error),
                    Some(
                        "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run `aws configure` \
                         (`aws sso login` for an SSO profile)",
                    ),
                )),
            }
            attempts
        }
        AuthSource::Profile(name) => vec![CredentialsAttempt::new(
            format!("profile `{name}`"),
            "AWS config and credentials files",
            error_chain(error),
            Some(
                "run `aws configure --profile NAME`, or `aws sso login --profile NAME` for an \
                 SSO profile",
            ),
        )],
        AuthSource::SdkConfig => vec![CredentialsAttempt::new(
            "SdkConfig credentials provider",
            "",
            error_chain(error),
            None,
        )],
        _ => vec![CredentialsAttempt::new(
            "credentials provider",
            "",
            error_chain(error),
            None,
        )],
    };
    CredentialsLookup::new(attempts)
}

/// Each provider the AWS default chain consulted, when it reports them (all gave nothing).
fn chain_attempts(error: &CredentialsError) -> Option<Vec<CredentialsAttempt>> {
    let chain =
        std::error::Error::source(error)?.downcast_ref::<ProviderChainError<CredentialsError>>()?;
    let attempts = chain
        .attempts()
        .iter()
        .map(|attempt| {
            let (reads, fix) = chain_source(attempt.name());
            CredentialsAttempt::new(attempt.name(), reads, error_chain(attempt.error()), fix)
        })
        .collect();
    Some(attempts)
}

/// What a provider of the AWS default chain reads, and how to make it answer.
fn chain_source(name: &str) -> (&'static str, Option<&'static str>) {
    match name {
        "Environment" => (
            "AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN",
            Some("set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"),
        ),
        "Profile" => (
            "AWS_PROFILE, ~/.aws/config, ~/.aws/credentials: keys, SSO, credential_process, roles",
            Some(
                "run `aws configure`, or `aws sso login` for an SSO profile (AWS_PROFILE names one)",
            ),
        ),
        "WebIdentityToken" => ("AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN", None),
        "EcsContainer" => (
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI, AWS_CONTAINER_CREDENTIALS_FULL_URI",
            None,
        ),
        "Ec2InstanceMetadata" => (
            "the EC2 instance role, unless AWS_EC2_METADATA_DISABLED",
            None,
        ),
        _ => ("", None),
    }
}

/// The error's most specific wording: its sources joined, or itself when it has none.
fn error_chain(error: &CredentialsError) -> String {
    let mut parts = Vec::new();
    let mut next = std::error::Error::source(error);
    while let Some(cause) = next {
        parts.push(cause.to_string());
        next = cause.source();
    }
    if parts.is_empty() {
        error.to_string()
    } else {
        parts.join(": ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chain_that_fails_outright_is_reported_as_one_step_with_its_error() {
        let error = CredentialsError::provider_error("the SSO token expired");
        let lookup = credentials_lookup(&AuthSource::DefaultChain, &error);
        assert_eq!(
            lookup.sources().collect::<Vec<_>>(),
            ["builder", "ANTHROPIC_AWS_API_KEY", "default AWS chain"]
        );
        let chain = lookup.attempt("default AWS chain").unwrap();
        assert_eq!(chain.outcome(), "the SSO token expired");
        assert!(chain.fix().unwrap().contains("aws sso login"));
    }

    #[test]
    fn a_profile_reports_only_the_profile() {
        let error = CredentialsError::not_loaded("profile `claude` not found");
        let lookup = credentials_lookup(&AuthSource::Profile("claude".into()), &error);
        assert_eq!(lookup.sources().collect::<Vec<_>>(), ["profile `claude`"]);
        assert_eq!(lookup.attempts()[0].outcome(), "profile `claude` not found");
    }
}
