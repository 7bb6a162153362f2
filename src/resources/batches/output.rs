//! The runner's output file: opens it cut back to what the state says is complete, and
//! appends an ended batch's results to it, one JSON line each, cutting it back and asking again
//! when the results stream breaks off, and syncing it before the runner records the batch as
//! written.

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::Path;

use futures_util::TryStreamExt;

use super::outcome::RunnerError;
use super::{BatchResults, Batches};
use crate::error::Error;

/// Opens (or creates) `output` for appending after its first `valid_bytes` bytes.
pub(super) fn open_output(output: &Path, valid_bytes: u64) -> Result<File, RunnerError> {
    let mut out = OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(false)
        .open(output)
        .map_err(|e| RunnerError::io(output, e))?;
    // Whatever lies past the last fully written batch is a half-written one: drop it.
    out.set_len(valid_bytes)
        .and_then(|()| out.seek(SeekFrom::Start(valid_bytes)).map(drop))
        .map_err(|e| RunnerError::io(output, e))?;
    Ok(out)
}

/// Appends batch `id`'s results to `out` (at its current end), syncs it, and returns the
/// output's new length. A results body that breaks off or goes silent is asked for again from
/// its first line, after the output is cut back, when the retry policy allows.
pub(super) async fn write_results(
    batches: &Batches<'_>,
    id: &str,
    out: &mut File,
    output: &Path,
) -> Result<u64, RunnerError> {
    let io = |e: std::io::Error| RunnerError::io(output, e);
    let start = out.stream_position().map_err(io)?;
    let mut results = batches.results(id).await?;
    loop {
        match copy_results(&mut results, out).await.map_err(io)? {
            Ok(()) => break,
            Err(err) => {
                results = results.reopen(err).await?;
                out.set_len(start)
                    .and_then(|()| out.seek(SeekFrom::Start(start)).map(drop))
                    .map_err(io)?;
            }
        }
    }
    out.sync_data().map_err(io)?;
    out.stream_position().map_err(io)
}

/// Writes every result of `results` to `out`, one a line. The outer error is the output's,
/// the inner one the results stream's.
async fn copy_results(
    results: &mut BatchResults,
    out: &mut File,
) -> std::io::Result<Result<(), Error>> {
    let mut writer = BufWriter::with_capacity(1 << 20, out);
    loop {
        match results.try_next().await {
            Ok(Some(result)) => {
                serde_json::to_writer(&mut writer, &result)?;
                writer.write_all(b"\n")?;
            }
            Ok(None) => break,
            Err(err) => return Ok(Err(err)),
        }
    }
    writer.flush()?;
    Ok(Ok(()))
}
