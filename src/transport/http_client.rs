//! The reqwest client every call goes through.

use std::sync::Mutex;
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

/// The most distinct per-request connect timeouts that keep a client of their own; past it
/// the oldest is dropped (its pooled connections with it).
const MAX_CLIENTS: usize = 4;

/// The HTTP clients of per-request connect timeouts, kept so that requests with the same
/// timeout share one connection pool (and TLS sessions) instead of building a client per
/// attempt. A `reqwest::Client` is an `Arc` inside: cloning one out is cheap.
#[derive(Default)]
pub(super) struct HttpClients {
    clients: Mutex<Vec<(Duration, reqwest::Client)>>,
}

impl HttpClients {
    /// The client for `connect_timeout`, built on first use.
    pub(super) fn get(&self, connect_timeout: Duration) -> Result<reqwest::Client, Error> {
        let mut clients = self
            .clients
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((_, client)) = clients.iter().find(|(t, _)| *t == connect_timeout) {
            return Ok(client.clone());
        }
        let client = http_client(connect_timeout)?;
        if clients.len() == MAX_CLIENTS {
            clients.remove(0);
        }
        clients.push((connect_timeout, client.clone()));
        Ok(client)
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.clients.lock().map_or(0, |c| c.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_client_per_connect_timeout_and_a_bounded_few() {
        let clients = HttpClients::default();
        clients.get(Duration::from_secs(1)).unwrap();
        clients.get(Duration::from_secs(1)).unwrap();
        assert_eq!(clients.len(), 1);
        for secs in 2..10 {
            clients.get(Duration::from_secs(secs)).unwrap();
        }
        assert_eq!(clients.len(), MAX_CLIENTS);
    }
}
