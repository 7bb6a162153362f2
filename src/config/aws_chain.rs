//! What aws-config provides, built for this client: a named profile's credentials, the default
//! credential chain, and the profile's region.

use aws_config::BehaviorVersion;
use aws_config::meta::region::ProvideRegion;
use aws_config::profile::{ProfileFileCredentialsProvider, ProfileFileRegionProvider};
use aws_config::provider_config::ProviderConfig;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_runtime::env_config::file::EnvConfigFiles;
use aws_types::region::Region;

use crate::error::Error;

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
