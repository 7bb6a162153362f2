//! The batch runner's state file: what was submitted and what was written, saved atomically
//! (temporary file, sync, rename) before the runner moves on. It is read through `tokio::fs`
//! and saved on the blocking pool, so the runtime is never blocked on the disk.
//!
//! # Format (version 1)
//!
//! A JSON object, in `<output>.batch-state.json` beside the output file:
//!
//! ```json
//! {
//!   "version": 1,
//!   "input": "requests.jsonl",
//!   "next_request": 150000,
//!   "input_offset": 73400320,
//!   "output_bytes": 52428800,
//!   "batches": [
//!     {"id": "msgbatch_01…", "first_request": 0, "end_request": 100000,
//!      "ended": true, "results_written": true,
//!      "request_counts": {"processing": 0, "succeeded": 99998, "errored": 2, "canceled": 0, "expired": 0}},
//!     {"id": "msgbatch_02…", "first_request": 100000, "end_request": 150000,
//!      "ended": false, "results_written": false, "request_counts": {…}}
//!   ]
//! }
//! ```
//!
//! - `next_request`: requests `0 .. next_request` of the input (blank lines not counted) are
//!   in submitted batches; a resumed run starts after them, so none is submitted twice.
//! - `input_offset`: the byte offset in the input file just after request `next_request - 1`
//!   (a resumed run over a file seeks there; over an iterator it skips `next_request` items).
//! - `output_bytes`: the output's length after the last batch whose results were written in
//!   full; a resumed run cuts the output back to it, dropping a half-written batch, then
//!   writes that batch again.
//! - each batch covers requests `first_request .. end_request`; `ended` and
//!   `results_written` record how far it got; `request_counts` are the last ones seen.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::outcome::RunnerError;
use crate::types::RequestCounts;

/// The state file's name is the output's with this appended.
pub const STATE_FILE_SUFFIX: &str = ".batch-state.json";
const VERSION: u32 = 1;

/// Where the runner keeps its state for `output`: `<output>.batch-state.json`.
///
/// ```
/// use std::path::Path;
/// use anthropic_aws::resources::state_path_for;
/// assert_eq!(
///     state_path_for(Path::new("out/results.jsonl")),
///     Path::new("out/results.jsonl.batch-state.json")
/// );
/// ```
pub fn state_path_for(output: &Path) -> PathBuf {
    let mut name = output.as_os_str().to_owned();
    name.push(STATE_FILE_SUFFIX);
    PathBuf::from(name)
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub(super) struct State {
    pub(super) version: u32,
    #[serde(default)]
    pub(super) input: Option<String>,
    pub(super) next_request: u64,
    #[serde(default)]
    pub(super) input_offset: u64,
    pub(super) output_bytes: u64,
    pub(super) batches: Vec<BatchEntry>,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub(super) struct BatchEntry {
    pub(super) id: String,
    pub(super) first_request: u64,
    pub(super) end_request: u64,
    pub(super) ended: bool,
    pub(super) results_written: bool,
    #[serde(default)]
    pub(super) request_counts: RequestCounts,
}

impl State {
    pub(super) fn new(input: Option<String>) -> Self {
        Self {
            version: VERSION,
            input,
            ..Self::default()
        }
    }

    /// The saved state, or `None` when there is none yet.
    pub(super) async fn load(path: &Path) -> Result<Option<Self>, RunnerError> {
        let text = match tokio::fs::read(path).await {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(RunnerError::io(path, e)),
        };
        let state: Self = serde_json::from_slice(&text).map_err(|e| RunnerError::State {
            path: path.to_owned(),
            message: format!("not a batch runner state file: {e}"),
        })?;
        if state.version != VERSION {
            return Err(RunnerError::State {
                path: path.to_owned(),
                message: format!(
                    "state version {} is not {VERSION}, the one this runner writes",
                    state.version
                ),
            });
        }
        Ok(Some(state))
    }

    /// Writes the state to a temporary file beside `path`, syncs it, and renames it over
    /// `path`: a crash leaves the old state or the new one, never half of one. The writes,
    /// syncs and rename run as one job on the blocking pool.
    pub(super) async fn save(&self, path: &Path) -> Result<(), RunnerError> {
        let json = serde_json::to_vec_pretty(self).map_err(|e| RunnerError::State {
            path: path.to_owned(),
            message: format!("cannot serialize the state: {e}"),
        })?;
        let target = path.to_owned();
        tokio::task::spawn_blocking(move || write_atomically(&target, &json))
            .await
            .unwrap_or_else(|e| Err(RunnerError::io(path, std::io::Error::other(e))))
    }

    /// The sum of every batch's last-seen counts.
    pub(super) fn counts(&self) -> RequestCounts {
        let mut sum = RequestCounts::default();
        for b in &self.batches {
            let c = &b.request_counts;
            sum.processing += c.processing;
            sum.succeeded += c.succeeded;
            sum.errored += c.errored;
            sum.canceled += c.canceled;
            sum.expired += c.expired;
        }
        sum
    }
}

/// `json` into `path` through `<path>.tmp`: written, synced, renamed over `path`, and the
/// folder synced so that the rename itself is durable where the platform allows it.
fn write_atomically(path: &Path, json: &[u8]) -> Result<(), RunnerError> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    let mut file = fs::File::create(&tmp).map_err(|e| RunnerError::io(&tmp, e))?;
    file.write_all(json)
        .and_then(|()| file.sync_all())
        .map_err(|e| RunnerError::io(&tmp, e))?;
    drop(file);
    fs::rename(&tmp, path).map_err(|e| RunnerError::io(path, e))?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        && let Ok(dir) = fs::File::open(dir)
    {
        let _ = dir.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    // A current-thread runtime, as the CLI's: the blocking pool still takes the save.
    #[tokio::test(flavor = "current_thread")]
    async fn state_saves_and_loads_atomically() {
        let dir = tempfile::tempdir().unwrap();
        let path = state_path_for(&dir.path().join("out.jsonl"));
        assert_eq!(State::load(&path).await.unwrap(), None);
        let mut state = State::new(Some("in.jsonl".into()));
        state.next_request = 3;
        state.batches.push(BatchEntry {
            id: "msgbatch_1".into(),
            first_request: 0,
            end_request: 3,
            ended: false,
            results_written: false,
            request_counts: RequestCounts {
                processing: 3,
                ..Default::default()
            },
        });
        state.save(&path).await.unwrap();
        assert_eq!(State::load(&path).await.unwrap(), Some(state.clone()));
        assert_eq!(state.counts().processing, 3);
        let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary file is left behind");
        fs::write(
            &path,
            b"{\"version\": 9, \"next_request\": 0, \"output_bytes\": 0, \"batches\": []}",
        )
        .unwrap();
        assert!(matches!(
            State::load(&path).await,
            Err(RunnerError::State { .. })
        ));
    }
}
