//! Printing answers on stdout in the chosen `--format`.

use std::borrow::Cow;
use std::io::{self, IsTerminal, Write};

use futures_util::{Stream, TryStreamExt};
use serde::Serialize;

use crate::args::{Format, Global};
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

/// How answers are printed: the `--format`, and the `--transform` / `--raw-output` applied to
/// each JSON value before it is printed.
#[derive(Debug, Clone, Copy)]
pub struct Output<'a> {
    pub format: Format,
    transform: Option<&'a str>,
    raw_output: bool,
}

impl<'a> Output<'a> {
    /// From the global options, `--format` resolved.
    pub fn new(global: &'a Global) -> Self {
        Self {
            format: resolve(global.format),
            transform: global.transform.as_deref(),
            raw_output: global.raw_output,
        }
    }

    /// The same shaping in another format (a list's items, a stream's events: `Jsonl`).
    pub fn with_format(self, format: Format) -> Self {
        Self { format, ..self }
    }

    /// One value (`raw` is handled by [`bytes`](Self::bytes), before parsing), serialized
    /// straight onto stdout: a large message is never held twice unless a `--transform`
    /// needs it as a whole.
    pub fn value<T: Serialize>(&self, value: &T) -> Result<(), CliError> {
        let mut out = io::BufWriter::with_capacity(1 << 16, io::stdout().lock());
        self.write_value(&mut out, value)?;
        out.flush().map_err(CliError::Output)
    }

    /// `value`, shaped and in this format, then a newline, onto `out`.
    pub fn write_value<W: Write, T: Serialize>(
        &self,
        out: &mut W,
        value: &T,
    ) -> Result<(), CliError> {
        if self.transform.is_none() && !self.raw_output {
            return write_formatted(out, self.format, value);
        }
        let json = serde_json::to_string(value).map_err(|e| CliError::Output(e.into()))?;
        self.write_shaped(out, &json)
    }

    /// Every item of a list, page after page, up to `max_items`: with `jsonl` one item a line
    /// as pages arrive, otherwise one `{"data": [...]}` at the end.
    pub async fn items<T, S>(&self, mut items: S, max_items: Option<u64>) -> Result<(), CliError>
    where
        T: Serialize,
        S: Stream<Item = Result<T, anthropic_aws::Error>> + Unpin,
    {
        let max = max_items.unwrap_or(u64::MAX);
        let mut kept = Vec::new();
        let mut seen = 0u64;
        while seen < max {
            let Some(item) = items.try_next().await? else {
                break;
            };
            seen += 1;
            if self.format == Format::Jsonl {
                self.value(&item)?;
            } else {
                kept.push(item);
            }
        }
        if self.format == Format::Jsonl {
            return Ok(());
        }
        self.value(&serde_json::json!({ "data": kept }))
    }

    /// The response body exactly as received (`--format raw`); with `--transform` or
    /// `--raw-output`, what they make of it.
    pub fn bytes(&self, body: &[u8]) -> Result<(), CliError> {
        if self.transform.is_none() && !self.raw_output {
            return write_all(body);
        }
        let mut out = Vec::new();
        self.write_shaped(&mut out, &String::from_utf8_lossy(body))?;
        write_all(&out)
    }

    /// `json` (one JSON text) through `--transform` (a GJSON path, `@fromstr` included: see
    /// [`transform`](crate::transform)) and `--raw-output`, then in this format.
    /// What the path selects is printed as GJSON returns it (keys in the answer's order),
    /// re-indented for `pretty` and `yaml`.
    fn write_shaped<W: Write>(&self, out: &mut W, json: &str) -> Result<(), CliError> {
        let selected = match self.transform {
            Some(path) => crate::transform::select(json, path).unwrap_or(Cow::Borrowed("null")),
            None => Cow::Borrowed(json),
        };
        let selected = selected.trim();
        if self.raw_output
            && let Ok(text) = serde_json::from_str::<String>(selected)
        {
            return write_line(out, text.as_bytes());
        }
        match self.format {
            Format::Json | Format::Jsonl | Format::Raw => write_line(out, selected.as_bytes()),
            Format::Pretty | Format::Yaml => {
                // A YAML value keeps the keys' order, which a `serde_json::Value` would sort.
                let value: serde_norway::Value = serde_json::from_str(selected)
                    .map_err(|e| CliError::Output(io::Error::new(io::ErrorKind::InvalidData, e)))?;
                write_formatted(out, self.format, &value)
            }
        }
    }
}

fn write_line<W: Write>(out: &mut W, bytes: &[u8]) -> Result<(), CliError> {
    out.write_all(bytes)
        .and_then(|()| out.write_all(b"\n"))
        .map_err(CliError::Output)
}

/// `value` in `format`, then a newline, onto `out`.
fn write_formatted<W: Write, T: Serialize>(
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

fn write_all(bytes: &[u8]) -> Result<(), CliError> {
    let mut out = io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(CliError::Output)
}

/// What a stream prints as it arrives.
pub struct StreamPrinter<'a> {
    /// One JSON event per line, shaped by this, instead of text pieces.
    events: Option<Output<'a>>,
    wrote_text: bool,
}

impl<'a> StreamPrinter<'a> {
    /// Text pieces (`events == None`) or one JSON event per line.
    pub fn new(events: Option<Output<'a>>) -> Self {
        Self {
            events,
            wrote_text: false,
        }
    }

    /// One event: its JSON line, or its text (if it carries any), flushed at once.
    pub fn event<E: Serialize>(&mut self, event: &E, text: Option<&str>) -> Result<(), CliError> {
        if let Some(output) = &self.events {
            let mut line = Vec::new();
            output.write_value(&mut line, event)?;
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
        if self.events.is_some() {
            return Ok(());
        }
        write_all(b"\n")
    }

    /// The stream broke off: end the partial text's line, so the error that follows on
    /// stderr starts on a line of its own.
    pub fn interrupted(&mut self) {
        if self.events.is_none() && self.wrote_text {
            let _ = write_all(b"\n");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shaped(format: Format, transform: Option<&str>, raw_output: bool, json: &str) -> String {
        let output = Output {
            format,
            transform,
            raw_output,
        };
        let mut out = Vec::new();
        output.write_shaped(&mut out, json).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_selection_keeps_the_answers_key_order_in_every_format() {
        let json = r#"{"content":[{"type":"text","text":"hi"}],"usage":{"z":1,"a":2}}"#;
        let content = Some("content");
        assert_eq!(
            shaped(Format::Json, content, false, json),
            "[{\"type\":\"text\",\"text\":\"hi\"}]\n"
        );
        assert_eq!(
            shaped(Format::Yaml, Some("usage"), false, json),
            "z: 1\na: 2\n"
        );
        let pretty = shaped(Format::Pretty, content, false, json);
        assert!(
            pretty.find("type").unwrap() < pretty.find("text\":").unwrap(),
            "{pretty}"
        );
    }

    #[test]
    fn raw_output_unquotes_strings_only() {
        let json = r#"{"s":"a \"quoted\" line","n":3,"o":{"k":"v"}}"#;
        assert_eq!(
            shaped(Format::Json, Some("s"), true, json),
            "a \"quoted\" line\n"
        );
        assert_eq!(
            shaped(Format::Json, Some("s"), false, json),
            "\"a \\\"quoted\\\" line\"\n"
        );
        assert_eq!(shaped(Format::Json, Some("n"), true, json), "3\n");
        assert_eq!(
            shaped(Format::Json, Some("o"), true, json),
            "{\"k\":\"v\"}\n"
        );
        assert_eq!(shaped(Format::Json, Some("missing"), true, json), "null\n");
    }
}
