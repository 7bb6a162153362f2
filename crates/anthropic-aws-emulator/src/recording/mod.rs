//! Record a real session, replay it offline: a layer in front of the
//! routes.
//!
//! * **Record** ([`EmulatorBuilder::record`](crate::EmulatorBuilder::record)):
//!   each request the emulator accepts (verified as always: credentials,
//!   workspace, version) is forwarded to the [`Upstream`], signed afresh with
//!   the upstream's own credentials, keeping its method, path, query, body and
//!   `anthropic-*` headers. The answer is passed back as it comes (an event
//!   stream chunk by chunk, a download in flat memory), both request IDs
//!   untouched, and the exchange is written to the recording folder once it
//!   has passed in full (see `format` for the layout). Nothing secret is
//!   written.
//! * **Replay** ([`EmulatorBuilder::replay`](crate::EmulatorBuilder::replay)):
//!   the recording answers, nothing is sent anywhere. A request matches a
//!   recorded one by method, path, query and body (JSON key order ignored);
//!   the same request made again gets the next recorded answer, in the order
//!   recorded, and the last one once they are used up; a stream is replayed
//!   as a stream. A request nothing matches is a `404 not_found_error`
//!   naming its method and path and the nearest recorded request.
//!
//! Only the upstream side signs here, with the AWS SDK's `aws-sigv4`; the
//! emulator's verifier (`crate::sigv4`) is not involved, and no code of the
//! client crate is.

use std::path::{Path, PathBuf};

use bytes::Bytes;
use hyper::body::Incoming;
use hyper::{Request, Response};

use crate::server::ResBody;
use crate::state::Shared;

mod exchange;
mod files;
mod format;
mod inbound;
mod key;
mod recorder;
mod redact;
mod replay;
mod sink;
mod upstream;

pub use format::FORMAT_VERSION;
pub use upstream::Upstream;

pub(crate) use recorder::Recorder;
pub(crate) use redact::Secrets;
pub(crate) use replay::Replayer;

use format::{EXCHANGES, FORMAT_VERSION as VERSION, MANIFEST, Manifest};

/// What the builder asked for.
#[derive(Clone, Debug)]
pub(crate) enum Mode {
    Record { dir: PathBuf, upstream: Upstream },
    Replay { dir: PathBuf },
}

/// The layer of a running emulator.
pub(crate) enum Layer {
    Record(Recorder),
    Replay(Replayer),
}

impl Layer {
    /// Answers `request` in place of the routes.
    pub(crate) async fn handle(
        &self,
        shared: &Shared,
        request: Request<Incoming>,
    ) -> Response<ResBody> {
        match self {
            Layer::Record(recorder) => recorder.handle(shared, request).await,
            Layer::Replay(replayer) => replayer.handle(shared, request).await,
        }
    }
}

/// The workspace a recording at `dir` was made for, if it says.
pub(crate) fn recorded_workspace(dir: &Path) -> Option<String> {
    read_manifest(dir)
        .ok()
        .map(|m| m.workspace_id)
        .filter(|w| !w.is_empty())
}

/// `recording.json`, its version checked.
fn read_manifest(dir: &Path) -> std::io::Result<Manifest> {
    let path = dir.join(MANIFEST);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        std::io::Error::new(
            e.kind(),
            format!(
                "{} is not a recording (no readable {MANIFEST}: {e})",
                dir.display()
            ),
        )
    })?;
    let manifest: Manifest = serde_json::from_str(&text).map_err(|e| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("{}: {e}", path.display()),
        )
    })?;
    check_version(manifest.format_version, &path)?;
    Ok(manifest)
}

/// Refuses a format this emulator does not read.
fn check_version(version: u32, path: &Path) -> std::io::Result<()> {
    if version == VERSION {
        return Ok(());
    }
    Err(std::io::Error::new(
        std::io::ErrorKind::InvalidData,
        format!(
            "{} has recording format version {version}; this emulator ({}) reads version {VERSION}",
            path.display(),
            env!("CARGO_PKG_VERSION")
        ),
    ))
}

/// The exchange files of the recording at `dir` and their numbers (from
/// their names), in no particular order.
fn exchange_files(dir: &Path) -> std::io::Result<Vec<(Option<u64>, PathBuf)>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir.join(EXCHANGES))? {
        let path = entry?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if name.starts_with('.') || !name.ends_with(".json") {
            continue;
        }
        let seq = name.split('-').next().and_then(|n| n.parse().ok());
        files.push((seq, path));
    }
    Ok(files)
}

/// Whether `content_type` is JSON.
fn is_json(content_type: Option<&str>) -> bool {
    content_type
        .and_then(|c| c.split(';').next())
        .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
}

/// `body` with URLs under origin `from` (`from/…`) under `to` instead;
/// `None` when it names none.
fn rewrite_origin(body: &[u8], from: &str, to: &str) -> Option<Bytes> {
    if from.is_empty() || from == to {
        return None;
    }
    let text = std::str::from_utf8(body).ok()?;
    let from = format!("{from}/");
    text.contains(&from)
        .then(|| Bytes::from(text.replace(&from, &format!("{to}/"))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_rewritten_whole() {
        let body =
            br#"{"results_url":"http://127.0.0.1:5000/v1/x","other":"http://127.0.0.1:50001/y"}"#;
        let out = rewrite_origin(body, "http://127.0.0.1:5000", "http://127.0.0.1:7");
        assert_eq!(
            out.as_deref(),
            Some(
                &br#"{"results_url":"http://127.0.0.1:7/v1/x","other":"http://127.0.0.1:50001/y"}"#
                    [..]
            )
        );
        assert!(rewrite_origin(b"{}", "http://a", "http://b").is_none());
        assert!(is_json(Some("application/json; charset=utf-8")));
        assert!(!is_json(Some("text/event-stream")));
    }

    #[test]
    fn other_versions_are_refused_with_both_named() {
        let error = check_version(VERSION + 1, Path::new("r/recording.json"))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            error.contains(&format!("version {}", VERSION + 1))
                && error.contains(&format!("reads version {VERSION}")),
            "{error}"
        );
    }
}
