//! The client a command talks through, built from the global options.

use anthropic_aws::{Client, Error};

use crate::args::Global;
use crate::debug;

/// A client from the options given on the command line; everything else is the library's
/// own resolution (environment, AWS profile, credential chain).
pub async fn client(global: &Global) -> Result<Client, Error> {
    let mut builder = Client::builder();
    if let Some(url) = &global.base_url {
        builder = builder.base_url(url);
    }
    if let Some(region) = &global.aws_region {
        builder = builder.region(region);
    }
    if let Some(workspace) = &global.aws_workspace_id {
        builder = builder.workspace_id(workspace);
    }
    if let Some(key) = &global.aws_api_key {
        builder = builder.api_key(key);
    }
    if let Some(profile) = &global.aws_profile {
        builder = builder.profile(profile);
    }
    if let Some(retries) = global.max_retries {
        builder = builder.max_retries(retries);
    }
    if let Some(timeout) = global.timeout {
        builder = builder.timeout(timeout);
    }
    if global.debug {
        builder = builder.on_wire(debug::wire);
    }
    builder.build().await
}
