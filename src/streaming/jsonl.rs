//! [`JsonLines`]: typed items, one per line, from a JSON Lines byte stream, in bounded memory.
//!
//! The reader holds at most one chunk of the body and one partial line (capped), whatever the
//! body's size. A line that sits inside one chunk is decoded straight from that chunk, without
//! a copy; only a line split across chunks is gathered. `\r\n` endings and blank lines are
//! accepted; a last line without a newline is read; a body that ends in the middle of a line
//! is an error, never a silently short result set.

use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use bytes::{Bytes, BytesMut};
use futures_core::Stream;
use serde::de::DeserializeOwned;

use crate::error::BoxError;

/// The default cap on one line: 64 MiB (a batch result holds one message).
pub const DEFAULT_MAX_LINE_BYTES: usize = 64 * 1024 * 1024;

/// Why a [`JsonLines`] stream ended early. Line numbers count from 1, blank lines included.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum JsonLinesError {
    /// A line grew beyond the cap without ending.
    #[error("line {line} is longer than the limit of {limit} bytes")]
    LineTooLong {
        /// The line's number.
        line: u64,
        /// The cap, in bytes.
        limit: usize,
    },
    /// The body ended in the middle of a line.
    #[error("the body ended in the middle of line {line} ({bytes} bytes of it arrived)")]
    Truncated {
        /// The cut line's number.
        line: u64,
        /// How many bytes of it arrived.
        bytes: usize,
    },
    /// A line is not the JSON expected.
    #[error("line {line} is not a valid item: {source}; it starts: {snippet:?}")]
    Decode {
        /// The line's number.
        line: u64,
        /// The first bytes of the line.
        snippet: String,
        /// The JSON error.
        #[source]
        source: serde_json::Error,
    },
    /// The body itself failed (the connection broke, a timeout fired).
    #[error("the body failed before line {line} was complete: {source}")]
    Body {
        /// The line being read.
        line: u64,
        /// The body stream's error.
        #[source]
        source: BoxError,
    },
}

/// A [`Stream`] of `T`s decoded from a byte stream of JSON Lines.
///
/// ```
/// use anthropic_aws::streaming::JsonLines;
/// use bytes::Bytes;
/// use futures_util::StreamExt;
///
/// # tokio_test_block_on(async {
/// let chunks = vec![
///     Ok::<_, std::io::Error>(Bytes::from_static(b"{\"n\":1}\r\n{\"n\"")),
///     Ok(Bytes::from_static(b":2}\n\n{\"n\":3}")),
/// ];
/// let lines: Vec<serde_json::Value> = JsonLines::new(futures_util::stream::iter(chunks))
///     .map(|item| item.unwrap())
///     .collect()
///     .await;
/// assert_eq!(lines.iter().map(|v| v["n"].as_u64().unwrap()).collect::<Vec<_>>(), [1, 2, 3]);
/// # });
/// # fn tokio_test_block_on<F: std::future::Future>(f: F) -> F::Output {
/// #     tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
/// # }
/// ```
pub struct JsonLines<S, T> {
    body: S,
    /// The unread rest of the current chunk.
    chunk: Bytes,
    /// The beginning of a line that began in an earlier chunk.
    partial: BytesMut,
    max_line: usize,
    /// The number of the line being read (from 1).
    line: u64,
    done: bool,
    _item: PhantomData<fn() -> T>,
}

impl<S, T> JsonLines<S, T> {
    /// Reads `body` with the default line cap ([`DEFAULT_MAX_LINE_BYTES`]).
    pub fn new(body: S) -> Self {
        Self::with_max_line(body, DEFAULT_MAX_LINE_BYTES)
    }

    /// Reads `body`, refusing any line longer than `max_line` bytes.
    pub fn with_max_line(body: S, max_line: usize) -> Self {
        Self {
            body,
            chunk: Bytes::new(),
            partial: BytesMut::new(),
            max_line,
            line: 1,
            done: false,
            _item: PhantomData,
        }
    }

    /// How many lines have been read to their end.
    pub fn lines_read(&self) -> u64 {
        self.line - 1
    }

    fn fail(&mut self, error: JsonLinesError) -> Poll<Option<Result<T, JsonLinesError>>> {
        self.done = true;
        self.partial = BytesMut::new();
        self.chunk = Bytes::new();
        Poll::Ready(Some(Err(error)))
    }

    fn too_long(&self) -> JsonLinesError {
        JsonLinesError::LineTooLong {
            line: self.line,
            limit: self.max_line,
        }
    }
}

impl<S, T: DeserializeOwned> JsonLines<S, T> {
    /// Decodes one complete line; `None` for a blank one.
    fn decode(&self, line: &[u8]) -> Option<Result<T, JsonLinesError>> {
        if line.iter().all(u8::is_ascii_whitespace) {
            return None;
        }
        Some(
            serde_json::from_slice(line).map_err(|source| JsonLinesError::Decode {
                line: self.line,
                snippet: crate::error::snippet(line),
                source,
            }),
        )
    }
}

impl<S, E, T> Stream for JsonLines<S, T>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: Into<BoxError>,
    T: DeserializeOwned,
{
    type Item = Result<T, JsonLinesError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if this.done {
                return Poll::Ready(None);
            }
            if !this.chunk.is_empty() {
                let Some(end) = memchr::memchr(b'\n', &this.chunk) else {
                    if this.partial.len() + this.chunk.len() > this.max_line {
                        let error = this.too_long();
                        return this.fail(error);
                    }
                    this.partial.extend_from_slice(&this.chunk);
                    this.chunk = Bytes::new();
                    continue;
                };
                if this.partial.len() + end > this.max_line {
                    let error = this.too_long();
                    return this.fail(error);
                }
                let line = this.chunk.split_to(end + 1);
                let decoded = if this.partial.is_empty() {
                    // The whole line is in this chunk: decode it in place.
                    this.decode(&line[..end])
                } else {
                    this.partial.extend_from_slice(&line[..end]);
                    let decoded = this.decode(&this.partial);
                    this.partial.clear();
                    decoded
                };
                this.line += 1;
                match decoded {
                    None => continue,
                    Some(Err(error)) => return this.fail(error),
                    Some(Ok(item)) => return Poll::Ready(Some(Ok(item))),
                }
            }
            match ready!(Pin::new(&mut this.body).poll_next(cx)) {
                Some(Ok(chunk)) => this.chunk = chunk,
                Some(Err(source)) => {
                    let error = JsonLinesError::Body {
                        line: this.line,
                        source: source.into(),
                    };
                    return this.fail(error);
                }
                None => {
                    this.done = true;
                    let last = std::mem::take(&mut this.partial);
                    return match this.decode(&last) {
                        None => Poll::Ready(None),
                        Some(Ok(item)) => Poll::Ready(Some(Ok(item))),
                        Some(Err(JsonLinesError::Decode { source, .. })) if source.is_eof() => {
                            Poll::Ready(Some(Err(JsonLinesError::Truncated {
                                line: this.line,
                                bytes: last.len(),
                            })))
                        }
                        Some(Err(error)) => Poll::Ready(Some(Err(error))),
                    };
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;
    use serde_json::{Value, json};

    type Chunks = futures_util::stream::Iter<std::vec::IntoIter<Result<Bytes, std::io::Error>>>;

    fn chunks(parts: &[&[u8]]) -> Chunks {
        let parts: Vec<_> = parts
            .iter()
            .map(|p| Ok(Bytes::copy_from_slice(p)))
            .collect();
        futures_util::stream::iter(parts)
    }

    fn read_all(reader: JsonLines<Chunks, Value>) -> Vec<Result<Value, JsonLinesError>> {
        futures_executor_block_on(reader.collect())
    }

    fn futures_executor_block_on<F: Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime")
            .block_on(f)
    }

    fn values(items: Vec<Result<Value, JsonLinesError>>) -> Vec<Value> {
        items.into_iter().map(|i| i.expect("a value")).collect()
    }

    #[test]
    fn lines_split_anywhere_read_the_same() {
        let body = b"{\"a\":1}\n{\"a\":2}\r\n\n  \r\n{\"a\":3}\n";
        let expected = vec![json!({"a":1}), json!({"a":2}), json!({"a":3})];
        for split in 0..body.len() {
            let (x, y) = body.split_at(split);
            assert_eq!(
                values(read_all(JsonLines::new(chunks(&[x, y])))),
                expected,
                "split at {split}"
            );
        }
        let bytes: Vec<&[u8]> = body.chunks(1).collect();
        assert_eq!(values(read_all(JsonLines::new(chunks(&bytes)))), expected);
    }

    #[test]
    fn a_last_line_without_newline_is_read() {
        let items = read_all(JsonLines::new(chunks(&[b"{\"a\":1}\n{\"a\"", b":2}"])));
        assert_eq!(values(items), vec![json!({"a":1}), json!({"a":2})]);
    }

    #[test]
    fn a_body_cut_mid_line_is_an_error() {
        let mut items = read_all(JsonLines::new(chunks(&[b"{\"a\":1}\n{\"a\":[1,", b"2"])));
        assert_eq!(items.len(), 2);
        assert!(matches!(
            items.pop(),
            Some(Err(JsonLinesError::Truncated { line: 2, bytes: 9 }))
        ));
    }

    #[test]
    fn a_line_over_the_cap_is_an_error_even_without_newline() {
        let items = read_all(JsonLines::with_max_line(
            chunks(&[b"{\"a\":1}\n", b"{\"a\":\"0123456789", b"0123456789\"}\n"]),
            16,
        ));
        assert_eq!(items.len(), 2);
        assert!(matches!(
            items[1],
            Err(JsonLinesError::LineTooLong { line: 2, limit: 16 })
        ));
        // Exactly at the cap is fine.
        let items = read_all(JsonLines::with_max_line(chunks(&[b"{\"a\":12}\n"]), 8));
        assert_eq!(values(items), vec![json!({"a":12})]);
        let items = read_all(JsonLines::with_max_line(chunks(&[b"{\"a\":123}\n"]), 8));
        assert!(matches!(items[0], Err(JsonLinesError::LineTooLong { .. })));
    }

    #[test]
    fn a_bad_line_names_its_number_and_ends_the_stream() {
        let items = read_all(JsonLines::new(chunks(&[b"{}\n\nnot json\n{}\n"])));
        assert_eq!(items.len(), 2);
        let Err(JsonLinesError::Decode { line, snippet, .. }) = &items[1] else {
            panic!("{:?}", items[1]);
        };
        assert_eq!((*line, snippet.as_str()), (3, "not json"));
    }

    #[test]
    fn a_body_error_ends_the_stream_with_it() {
        let parts = vec![
            Ok(Bytes::from_static(b"{}\n{")),
            Err(std::io::Error::other("reset")),
            Ok(Bytes::from_static(b"}\n")),
        ];
        let items: Vec<Result<Value, _>> =
            futures_executor_block_on(JsonLines::new(futures_util::stream::iter(parts)).collect());
        assert_eq!(items.len(), 2);
        assert!(
            matches!(&items[1], Err(JsonLinesError::Body { line: 2, source }) if source.to_string() == "reset")
        );
    }

    #[test]
    fn an_empty_body_has_no_items() {
        assert!(read_all(JsonLines::new(chunks(&[]))).is_empty());
        assert!(read_all(JsonLines::new(chunks(&[b"\r\n\n"]))).is_empty());
    }

    proptest::proptest! {
        #[test]
        fn random_bytes_never_panic(
            parts in proptest::collection::vec(proptest::collection::vec(proptest::num::u8::ANY, 0..64), 0..8),
            cap in 1usize..128,
        ) {
            let refs: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
            let items = read_all(JsonLines::with_max_line(chunks(&refs), cap));
            // Every error ends the stream.
            let errors = items.iter().filter(|i| i.is_err()).count();
            proptest::prop_assert!(errors <= 1);
            if errors == 1 {
                proptest::prop_assert!(items.last().is_some_and(Result::is_err));
            }
        }

        #[test]
        fn any_chunking_of_valid_lines_gives_every_line(
            numbers in proptest::collection::vec(proptest::num::i64::ANY, 0..20),
            cuts in proptest::collection::vec(0usize..400, 0..6),
            crlf in proptest::bool::ANY,
        ) {
            let eol = if crlf { "\r\n" } else { "\n" };
            let body: String = numbers.iter().map(|n| format!("{{\"n\":{n}}}{eol}")).collect();
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(body.len())).collect();
            cuts.sort_unstable();
            let mut parts = Vec::new();
            let mut start = 0;
            for cut in cuts.into_iter().chain([body.len()]) {
                parts.push(&body.as_bytes()[start..cut]);
                start = cut;
            }
            let got: Vec<i64> = values(read_all(JsonLines::new(chunks(&parts))))
                .iter()
                .map(|v| v["n"].as_i64().expect("n"))
                .collect();
            proptest::prop_assert_eq!(got, numbers);
        }
    }
}
