//! The batch runner's input: the requests of a JSON Lines file, with where each ends.

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

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

impl Iterator for JsonlRequests {
    type Item = Result<(BatchRequest, u64), RunnerError>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut buf = Vec::new();
        loop {
            buf.clear();
            let read = match self.reader.read_until(b'\n', &mut buf) {
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
