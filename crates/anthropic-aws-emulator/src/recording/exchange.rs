//! An exchange on its way: what its file needs ([`Pending`]), the streamed
//! answer passing through the sink ([`Tee`]), and the files to remove when
//! it is not recorded ([`Cleanup`]).

use std::path::PathBuf;
use std::pin::Pin;
use std::time::Instant;

use bytes::Bytes;
use futures_util::Stream;
use hyper::Response;

use crate::error::ApiError;
use crate::server::{ResBody, api_error};
use crate::state::Shared;

use super::format::{
    EXCHANGES, Exchange, FORMAT_VERSION, StoredRequest, StoredResponse, exchange_file_name,
};
use super::redact::Secrets;
use super::sink::Sink;

/// A streamed answer on its way: the upstream's body, the sink keeping it,
/// and the exchange to write at its end.
pub(super) struct Tee {
    /// The `content-length` the upstream declared, and how many bytes passed.
    pub(super) expected: Option<u64>,
    pub(super) passed: u64,
    pub(super) body: Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send>>,
    pub(super) prefix: Option<Bytes>,
    pub(super) sink: Option<Sink>,
    pub(super) pending: Option<Pending>,
}

impl Tee {
    /// Writes the exchange (once).
    pub(super) async fn complete(&mut self) {
        if let (Some(pending), Some(sink)) = (self.pending.take(), self.sink.take()) {
            pending.complete(sink).await;
        }
    }

    /// Keeps `chunk` for the recording; a failure to write abandons the
    /// recording of this exchange, not the answer.
    pub(super) async fn keep(&mut self, chunk: &[u8]) {
        let Some(sink) = self.sink.as_mut() else {
            return;
        };
        if let Err(e) = sink.push(chunk).await {
            if let Some(mut pending) = self.pending.take() {
                pending.cleanup.0.extend(sink.file_path());
                pending.abandon(&e);
            }
            self.sink = None;
        }
    }
}

impl Drop for Tee {
    fn drop(&mut self) {
        // The caller went away before the end: nothing complete to record.
        if let Some(mut pending) = self.pending.take() {
            pending
                .cleanup
                .0
                .extend(self.sink.as_ref().and_then(Sink::file_path));
            tracing::warn!(
                seq = pending.seq,
                "the answer was not read to its end: not recorded"
            );
        }
    }
}

/// Files to remove unless the exchange is written.
pub(super) struct Cleanup(pub(super) Vec<PathBuf>);

impl Drop for Cleanup {
    fn drop(&mut self) {
        for path in &self.0 {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// What the exchange file needs, known before the body has passed.
pub(super) struct Pending {
    pub(super) dir: PathBuf,
    pub(super) seq: u64,
    pub(super) request: StoredRequest,
    pub(super) status: u16,
    pub(super) headers: Vec<(String, String)>,
    pub(super) secrets: Secrets,
    pub(super) started: Instant,
    pub(super) cleanup: Cleanup,
}

impl Pending {
    /// Writes the exchange (atomically: a reader never sees half a file).
    pub(super) async fn complete(mut self, sink: Sink) {
        let spilled = sink.file_path();
        let body = match sink.finish().await {
            Ok(body) => body,
            Err(e) => {
                self.cleanup.0.extend(spilled);
                return self.abandon(&e);
            }
        };
        let exchange = Exchange {
            format_version: FORMAT_VERSION,
            seq: self.seq,
            request: self.request,
            response: StoredResponse {
                status: self.status,
                headers: self.headers,
                body,
            },
            duration_ms: u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX),
        };
        let name = exchange_file_name(self.seq, &exchange.request.method, &exchange.request.path);
        let exchanges = self.dir.join(EXCHANGES);
        let written = async {
            let text = serde_json::to_string_pretty(&exchange).map_err(std::io::Error::other)?;
            let temporary = exchanges.join(format!(".{name}.partial"));
            tokio::fs::write(&temporary, self.secrets.scrub(text) + "\n").await?;
            tokio::fs::rename(&temporary, exchanges.join(&name)).await
        };
        match written.await {
            Ok(()) => {
                self.cleanup.0.clear();
                tracing::debug!(seq = self.seq, file = %name, "exchange recorded");
            }
            Err(e) => {
                self.cleanup.0.extend(spilled);
                tracing::warn!(seq = self.seq, error = %e, "the exchange could not be written");
            }
        }
    }

    /// Gives up recording this exchange (its files are removed).
    pub(super) fn abandon(self, error: &dyn std::fmt::Display) {
        tracing::warn!(seq = self.seq, %error, "the exchange could not be recorded");
    }

    /// The answer when the upstream's body broke before it was passed on.
    pub(super) fn broken(self, shared: &Shared, error: &reqwest::Error) -> Response<ResBody> {
        let message = format!("the upstream's answer broke off: {error}");
        self.abandon(&message);
        api_error(
            shared,
            &ApiError {
                status: 502,
                error_type: "api_error",
                message,
            },
        )
    }
}
