//! The reqwest client every call goes through.

use std::time::Duration;

use reqwest::redirect;

use crate::error::Error;

/// The one HTTP client: never follows a redirect (a 3xx becomes [`Error::Redirect`]), keeps
/// connections alive as the official SDKs do.
pub(super) fn http_client(connect_timeout: Duration) -> Result<reqwest::Client, Error> {
    reqwest::Client::builder()
        .redirect(redirect::Policy::none())
        .connect_timeout(connect_timeout)
        .tcp_keepalive(Duration::from_secs(60))
        .tcp_keepalive_interval(Duration::from_secs(60))
        .tcp_keepalive_retries(5)
        .build()
        .map_err(|e| Error::config(format!("the HTTP client cannot be built: {e}")))
}
