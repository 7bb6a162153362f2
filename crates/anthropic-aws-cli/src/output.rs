//! Printing answers on stdout in the chosen `--format`.

use std::io::{self, IsTerminal, Write};

use serde::Serialize;

use crate::args::Format;
use crate::errors::CliError;

/// The format when `--format` is not given: indented JSON for a person at a terminal,
/// compact JSON for a program.
pub fn resolve(flag: Option<Format>) -> Format {
    flag.unwrap_or_else(|| {
        if io::stdout().is_terminal() {
            Format::Pretty
        } else {
            Format::Json
        }
    })
}

/// One value (`raw` is handled by [`bytes`], before parsing), serialized straight onto
/// stdout: a large message is never held twice.
pub fn value<T: Serialize>(format: Format, value: &T) -> Result<(), CliError> {
    let mut out = io::BufWriter::with_capacity(1 << 16, io::stdout().lock());
    write_value(&mut out, format, value)?;
    out.flush().map_err(CliError::Output)
}

/// `value` in `format`, then a newline, onto `out`.
pub fn write_value<W: Write, T: Serialize>(
    out: &mut W,
    format: Format,
    value: &T,
) -> Result<(), CliError> {
    let written = match format {
        Format::Json | Format::Jsonl | Format::Raw => {
            serde_json::to_writer(&mut *out, value).map_err(io::Error::from)
        }
        Format::Pretty => serde_json::to_writer_pretty(&mut *out, value).map_err(io::Error::from),
        Format::Yaml => {
            // YAML ends its document with a newline of its own.
            return serde_norway::to_writer(&mut *out, value)
                .map_err(|e| CliError::Output(io::Error::new(io::ErrorKind::InvalidData, e)));
        }
    };
    written
        .and_then(|()| out.write_all(b"\n"))
        .map_err(CliError::Output)
}

/// A page of a list: with `jsonl` one item per line, otherwise the whole page.
pub fn page<P: Serialize, T: Serialize>(
    format: Format,
    page: &P,
    items: &[T],
) -> Result<(), CliError> {
    if format != Format::Jsonl {
        return value(format, page);
    }
    let mut out = io::BufWriter::with_capacity(1 << 16, io::stdout().lock());
    for item in items {
        write_value(&mut out, Format::Jsonl, item)?;
    }
    out.flush().map_err(CliError::Output)
}

/// The response body exactly as received.
pub fn bytes(body: &[u8]) -> Result<(), CliError> {
    write_all(body)
}

fn write_all(bytes: &[u8]) -> Result<(), CliError> {
    let mut out = io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(CliError::Output)
}

/// What a stream prints as it arrives.
pub struct StreamPrinter {
    events: bool,
    wrote_text: bool,
}

impl StreamPrinter {
    /// Text pieces (`events == false`) or one JSON event per line.
    pub fn new(events: bool) -> Self {
        Self {
            events,
            wrote_text: false,
        }
    }

    /// One event: its JSON line, or its text (if it carries any), flushed at once.
    pub fn event<E: Serialize>(&mut self, event: &E, text: Option<&str>) -> Result<(), CliError> {
        if self.events {
            let mut line = Vec::new();
            write_value(&mut line, Format::Jsonl, event)?;
            return write_all(&line);
        }
        match text {
            Some(piece) if !piece.is_empty() => {
                self.wrote_text = true;
                write_all(piece.as_bytes())
            }
            _ => Ok(()),
        }
    }

    /// The stream is complete: the text ends with a newline.
    pub fn finish(&mut self) -> Result<(), CliError> {
        if self.events {
            return Ok(());
        }
        write_all(b"\n")
    }

    /// The stream broke off: end the partial text's line, so the error that follows on
    /// stderr starts on a line of its own.
    pub fn interrupted(&mut self) {
        if !self.events && self.wrote_text {
            let _ = write_all(b"\n");
        }
    }
}
