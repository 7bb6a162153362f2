//! The runner's output file: opens it cut back to what the state says is complete, and
//! appends an ended batch's results to it, one JSON line each, cutting it back and asking again
//! when the results stream breaks off, and syncing it before the runner records the batch as
//! written. Every file operation goes through `tokio::fs` (the blocking pool), so the runtime
//! that drives the run, a current-thread one included, is never blocked on the disk.

use std::path::Path;

use futures_util::TryStreamExt;
use tokio::fs::{File, OpenOptions};
use tokio::io::{AsyncSeekExt, AsyncWriteExt, SeekFrom};

use super::outcome::RunnerError;
use super::{BatchResults, Batches};
use crate::error::Error;

/// Results are serialized into a buffer of about this size, handed to the file whole.
const WRITE_CHUNK: usize = 1 << 20;

/// Opens (or creates) `output` for appending after its first `valid_bytes` bytes.
pub(super) async fn open_output(output: &Path, valid_bytes: u64) -> Result<File, RunnerError> {
    let io = |e| RunnerError::io(output, e);
    let mut out = OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(false)
        .open(output)
        .await
        .map_err(io)?;
    // Whatever lies past the last fully written batch is a half-written one: drop it.
    cut_back(&mut out, valid_bytes).await.map_err(io)?;
    Ok(out)
}

/// Cuts `out` to `len` bytes and moves its cursor there.
async fn cut_back(out: &mut File, len: u64) -> std::io::Result<()> {
    out.set_len(len).await?;
    out.seek(SeekFrom::Start(len)).await.map(drop)
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
    let start = out.stream_position().await.map_err(io)?;
    let mut results = batches.results(id).await?;
    loop {
        match copy_results(&mut results, out).await.map_err(io)? {
            Ok(()) => break,
            Err(err) => {
                results = results.reopen(err).await?;
                cut_back(out, start).await.map_err(io)?;
            }
        }
    }
    out.sync_data().await.map_err(io)?;
    out.stream_position().await.map_err(io)
}

/// Writes every result of `results` to `out`, one a line. The outer error is the output's,
/// the inner one the results stream's. A chunk is handed to the file while the next one is
/// read from the network.
async fn copy_results(
    results: &mut BatchResults,
    out: &mut File,
) -> std::io::Result<Result<(), Error>> {
    let mut chunk = Vec::with_capacity(WRITE_CHUNK);
    loop {
        match results.try_next().await {
            Ok(Some(result)) => {
                serde_json::to_writer(&mut chunk, &result)?;
                chunk.push(b'\n');
                if chunk.len() >= WRITE_CHUNK {
                    out.write_all(&chunk).await?;
                    chunk.clear();
                }
            }
            Ok(None) => break,
            Err(err) => return Ok(Err(err)),
        }
    }
    out.write_all(&chunk).await?;
    // Waits for the file's last write and reports its error, if any.
    out.flush().await?;
    Ok(Ok(()))
}
