//! `emulator --record DIR --upstream URL`: the upstream the emulator forwards to, signed with
//! this command's own credentials. The client decides where they come from (the global
//! options, the environment, the AWS profile, in its documented order); this module hands
//! that source to the emulator, which signs each forwarded request afresh.

use anthropic_aws::{AuthSource, Client};
use anthropic_aws_emulator::Upstream;
use aws_config::BehaviorVersion;
use aws_config::profile::ProfileFileCredentialsProvider;
use aws_config::provider_config::ProviderConfig;
use aws_credential_types::provider::SharedCredentialsProvider;

use crate::args::Global;
use crate::errors::CliError;

/// The upstream at `url`, authenticated as the global options say. `workspace` (the
/// emulator's) stands in when no workspace is configured: forwarded requests carry their own.
pub async fn upstream(global: &Global, url: &str, workspace: &str) -> Result<Upstream, CliError> {
    let mut builder = Client::builder().base_url(url);
    if let Some(region) = &global.aws_region {
        builder = builder.region(region);
    }
    let workspace = global
        .aws_workspace_id
        .clone()
        .or_else(|| std::env::var("ANTHROPIC_AWS_WORKSPACE_ID").ok())
        .filter(|w| !w.trim().is_empty())
        .unwrap_or_else(|| workspace.to_owned());
    builder = builder.workspace_id(workspace);
    if let Some(key) = &global.aws_api_key {
        builder = builder.api_key(key);
    }
    if let Some(profile) = &global.aws_profile {
        builder = builder.profile(profile);
    }
    // Builds nothing that is used: it resolves (and checks) the region and the source of the
    // credentials exactly as every other command does.
    let client = builder.build().await?;
    let upstream = Upstream::new(url);
    let region = client.region().map(str::to_owned);
    let provider = match client.auth_source() {
        AuthSource::ApiKey => match &global.aws_api_key {
            Some(key) => return Ok(upstream.api_key(key)),
            None => default_chain(region.as_deref()).await?,
        },
        AuthSource::ApiKeyFromEnv => match std::env::var("ANTHROPIC_AWS_API_KEY") {
            Ok(key) => return Ok(upstream.api_key(key)),
            Err(_) => default_chain(region.as_deref()).await?,
        },
        AuthSource::SkipAuth => return Ok(upstream),
        AuthSource::Profile(name) => {
            let config = ProviderConfig::without_region()
                .with_region(region.clone().map(aws_config::Region::new));
            SharedCredentialsProvider::new(
                ProfileFileCredentialsProvider::builder()
                    .configure(&config)
                    .profile_name(name)
                    .build(),
            )
        }
        _ => default_chain(region.as_deref()).await?,
    };
    let region = region.ok_or_else(|| {
        CliError::usage(
            "--record signs with SigV4 and needs a region: give --aws-region or set AWS_REGION",
        )
    })?;
    Ok(upstream.sigv4(region, provider))
}

/// The default AWS credential chain, as aws-config builds it.
async fn default_chain(region: Option<&str>) -> Result<SharedCredentialsProvider, CliError> {
    let mut loader = aws_config::defaults(BehaviorVersion::latest());
    if let Some(region) = region {
        loader = loader.region(aws_config::Region::new(region.to_owned()));
    }
    loader.load().await.credentials_provider().ok_or_else(|| {
        CliError::usage("the default AWS credential chain is not available for --record")
    })
}
