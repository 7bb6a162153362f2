//! The batch runner's input: the requests of a JSON Lines file (read through `tokio::fs`),
//! with where each ends, or of an iterator.

use std::io::Write;
use std::path::{Path, PathBuf};

use tokio::fs::File;
use tokio::io::{AsyncBufReadExt, BufReader};

use super::outcome::RunnerError;
use crate::types::BatchRequest;

/// The length of `request` as JSON, without building the JSON.
pub(super) fn serialized_len(request: &BatchRequest) -> usize {
    struct Count(usize);
    impl Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    // Writing to a counter cannot fail; a type that refuses to serialize fails at create.
    let _ = serde_json::to_writer(&mut count, request);
    count.0
}

/// Where a run's requests come from, each with the byte offset just after it in the input
/// file (0 for an iterator's).
pub(super) enum Requests<I> {
    /// The lines of a JSON Lines file.
    File(JsonlRequests),
    /// The caller's requests.
    Items(I),
}

impl<I: Iterator<Item = BatchRequest>> Requests<I> {
    /// The next request, `None` after the last.
    pub(super) async fn next(&mut self) -> Option<Result<(BatchRequest, u64), RunnerError>> {
        match self {
            Self::File(lines) => lines.next().await,
            Self::Items(items) => items.next().map(|request| Ok((request, 0))),
        }
    }
}

/// The requests of a JSON Lines file, each with the byte offset just after its line.
pub(super) struct JsonlRequests {
    reader: BufReader<File>,
    path: PathBuf,
    offset: u64,
    /// Lines read in this run (line numbers in errors count from the resume point).
    line: u64,
    request: u64,
}

impl JsonlRequests {
    /// Reads `reader`, positioned at byte `offset` of `path`, whose first request is number
    /// `request`.
    pub(super) fn new(reader: BufReader<File>, path: &Path, offset: u64, request: u64) -> Self {
        Self {
            reader,
            path: path.to_owned(),
            offset,
            line: 0,
            request,
        }
    }
}

impl JsonlRequests {
    /// The next request of the file, `None` at its end.
    async fn next(&mut self) -> Option<Result<(BatchRequest, u64), RunnerError>> {
        let mut buf = Vec::new();
        loop {
            buf.clear();
            let read = match self.reader.read_until(b'\n', &mut buf).await {
                Ok(0) => return None,
                Ok(n) => n,
                Err(e) => return Some(Err(RunnerError::io(&self.path, e))),
            };
            self.offset += read as u64;
            self.line += 1;
            if buf.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let request = self.request;
            self.request += 1;
            return Some(
                serde_json::from_slice(&buf)
                    .map(|r| (r, self.offset))
                    .map_err(|e| RunnerError::Input {
                        request,
                        line: self.line,
                        message: format!("not a batch request ({{custom_id, params}}): {e}"),
                    }),
            );
        }
    }
}
