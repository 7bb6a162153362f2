//! An incremental parser for `text/event-stream` bodies, following the WHATWG
//! HTML standard's "Parsing an event stream" rules.
//!
//! Bytes go in with [`SseParser::feed`] in chunks of any size and split
//! anywhere (inside a line ending, inside a multi-byte character, inside the
//! byte order mark); events come out of [`SseParser::next_event`]. Each line
//! is split on its bytes and then decoded as UTF-8, with U+FFFD for invalid
//! sequences, which gives the same text as decoding the whole stream first.
//!
//! The cost is linear in the number of bytes, whatever the chunking: the
//! search for a line ending resumes where it stopped, and consumed bytes are
//! dropped from the buffer when it is full and they make up at least half of
//! it (else it grows).

mod fields;

use fields::EventState;

/// One dispatched event of an event stream.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SseEvent {
    /// The event type: the value of the last `event:` line of the block, or
    /// `"message"` when there was none (or it was empty).
    pub event: String,
    /// The values of the block's `data:` lines joined with `\n` (no trailing
    /// newline).
    pub data: String,
    /// The stream's last event ID when the event was dispatched: the value of
    /// the latest `id:` line so far, in this block or an earlier one. `None`
    /// when no `id:` line came yet or the latest one was empty.
    pub id: Option<String>,
    /// The value of a valid `retry:` line (ASCII digits only) in this block.
    pub retry: Option<u64>,
}

impl SseEvent {
    /// An event of type `event` with `data`, no ID and no retry.
    ///
    /// ```
    /// use anthropic_aws::streaming::sse::SseEvent;
    ///
    /// let event = SseEvent::new("ping", r#"{"type": "ping"}"#);
    /// assert_eq!(event.event, "ping");
    /// assert_eq!(event.id, None);
    /// ```
    pub fn new(event: impl Into<String>, data: impl Into<String>) -> Self {
        Self {
            event: event.into(),
            data: data.into(),
            id: None,
            retry: None,
        }
    }
}

/// The UTF-8 byte order mark, skipped once at the start of the stream.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// An incremental WHATWG event-stream parser.
///
/// ```
/// use anthropic_aws::streaming::sse::SseParser;
///
/// let mut parser = SseParser::default();
/// // Chunks may split lines, line endings and characters anywhere.
/// parser.feed(b"event: content_block_delta\r");
/// parser.feed(b"\ndata: {\"text\": \"h\xC3");
/// parser.feed(b"\xA9\"}\n\n: a comment\ndata: unfinished");
///
/// let event = parser.next_event().unwrap();
/// assert_eq!(event.event, "content_block_delta");
/// assert_eq!(event.data, r#"{"text": "hé"}"#);
/// assert_eq!(parser.next_event(), None);
///
/// // At the end of the body, an event without its closing blank line is
/// // discarded (WHATWG); `finish` says whether that happened.
/// assert!(parser.has_partial());
/// assert!(parser.finish());
/// ```
#[derive(Debug, Clone)]
pub struct SseParser {
    /// Bytes received and not yet dropped; `buf[pos..]` is unprocessed.
    buf: Vec<u8>,
    /// Start of the first line not yet processed.
    pos: usize,
    /// `buf[scan..]` may hold a line ending; when `false`, `buf[pos..]`
    /// holds none (and `scan` is stale).
    unscanned: bool,
    /// `buf[pos..scan]` holds no line ending: the search resumes here.
    scan: usize,
    /// The last line ended with CR: a LF right after it is part of the same
    /// line ending, even when it arrives in the next chunk.
    skip_lf: bool,
    /// Nothing of the stream was processed yet: a byte order mark may come.
    at_start: bool,
    /// The state of the event being built.
    state: EventState,
}

impl Default for SseParser {
    fn default() -> Self {
        Self {
            buf: Vec::new(),
            pos: 0,
            unscanned: false,
            scan: 0,
            skip_lf: false,
            at_start: true,
            state: EventState::default(),
        }
    }
}

impl SseParser {
    /// A parser at the start of a stream (same as `default()`).
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends the next bytes of the body. Parsing happens in
    /// [`next_event`](Self::next_event), which should be called until it
    /// returns `None` after each `feed`.
    #[inline]
    pub fn feed(&mut self, chunk: &[u8]) {
        // Each new byte is looked at here, so that `next_event` has nothing
        // to do until a line is complete. One byte at a time (a slow
        // network, a test) is the case to keep small and inlinable.
        if let [byte] = chunk {
            if self.buf.len() == self.buf.capacity() {
                self.make_room();
            }
            if !self.unscanned && (*byte == b'\n' || *byte == b'\r') {
                self.scan = self.buf.len();
                self.unscanned = true;
            }
            self.buf.push(*byte);
        } else {
            self.feed_slice(chunk);
        }
    }

    /// [`feed`](Self::feed) for chunks of any other size.
    fn feed_slice(&mut self, chunk: &[u8]) {
        if self.buf.capacity() - self.buf.len() < chunk.len() {
            self.make_room();
        }
        if !self.unscanned
            && let Some((offset, _)) = find_line_end(chunk)
        {
            self.scan = self.buf.len() + offset;
            self.unscanned = true;
        }
        self.buf.extend_from_slice(chunk);
    }

    /// Called when the buffer is full: drops the consumed bytes if they are
    /// at least half of it (each byte moved is then paid for by a consumed
    /// byte, so the cost stays linear), else lets the buffer grow.
    #[cold]
    fn make_room(&mut self) {
        if self.pos == self.buf.len() {
            self.buf.clear();
        } else if self.pos * 2 >= self.buf.len() {
            self.buf.drain(..self.pos);
        } else {
            return;
        }
        self.scan = self.scan.saturating_sub(self.pos);
        self.pos = 0;
    }

    /// The next complete event from the bytes fed so far, or `None` if more
    /// bytes are needed.
    ///
    /// Blocks without `data:` lines are not dispatched (but their `id:` and
    /// `retry:` lines take effect).
    #[inline]
    pub fn next_event(&mut self) -> Option<SseEvent> {
        // All bytes were scanned and hold no line ending: nothing to do.
        // (This is the common case when fed small chunks; kept inlinable.)
        if !self.unscanned {
            return None;
        }
        self.next_event_slow()
    }

    fn next_event_slow(&mut self) -> Option<SseEvent> {
        if self.at_start && !self.skip_bom() {
            return None;
        }
        if self.skip_lf && !self.take_pending_lf() {
            return None;
        }
        let found = self.find_next_line_end()?;
        self.process_lines(found)
    }

    /// Processes lines, the first ending at `found`, until one dispatches
    /// an event or no complete line is left.
    fn process_lines(&mut self, mut found: (usize, u8)) -> Option<SseEvent> {
        loop {
            let (end, terminator) = found;
            let start = self.pos;
            self.pos = end + 1;
            if terminator == b'\r' {
                // Take the LF of a CRLF now if it is here, else remember to.
                match self.buf.get(self.pos) {
                    Some(b'\n') => self.pos += 1,
                    Some(_) => {}
                    None => self.skip_lf = true,
                }
            }
            self.scan = self.pos;
            let line = self.buf.get(start..end).unwrap_or_default();
            if let Some(event) = self.state.process_line(line) {
                return Some(event);
            }
            if self.skip_lf {
                // Only set when the CR was the last byte: nothing is left.
                return None;
            }
            found = self.find_next_line_end()?;
        }
    }

    /// The position and value of the next CR or LF; when there is none,
    /// records that the bytes so far were scanned.
    #[inline]
    fn find_next_line_end(&mut self) -> Option<(usize, u8)> {
        let fresh = self.buf.get(self.scan..).unwrap_or_default();
        match find_line_end(fresh) {
            Some((offset, terminator)) => Some((self.scan + offset, terminator)),
            None => {
                self.scan = self.buf.len();
                self.unscanned = false;
                None
            }
        }
    }

    /// Skips the LF of a CRLF split across chunks. Returns `false` if no
    /// byte came after the CR yet.
    fn take_pending_lf(&mut self) -> bool {
        match self.buf.get(self.pos) {
            None => false,
            Some(&byte) => {
                if byte == b'\n' {
                    self.pos += 1;
                    self.scan = self.pos;
                }
                self.skip_lf = false;
                true
            }
        }
    }

    /// Skips a byte order mark at the start of the stream. Returns `false`
    /// while the bytes so far are a strict prefix of one (more are needed).
    fn skip_bom(&mut self) -> bool {
        let head = self.buf.get(self.pos..).unwrap_or_default();
        let n = head.len().min(BOM.len());
        if head.get(..n) != BOM.get(..n) {
            self.at_start = false;
            return true;
        }
        if n < BOM.len() {
            return false;
        }
        self.pos += BOM.len();
        self.scan = self.scan.max(self.pos);
        self.at_start = false;
        true
    }

    /// Whether bytes of an unfinished event are pending: a line without its
    /// line ending, or field lines without the blank line that dispatches
    /// them. Call it after [`next_event`](Self::next_event) returned `None`;
    /// at the end of the body, `true` means the stream was cut off mid-event.
    pub fn has_partial(&self) -> bool {
        let pending = self.buf.get(self.pos..).unwrap_or_default();
        // A byte order mark (or the start of one) is not part of an event.
        let bom = self.at_start && BOM.starts_with(pending);
        self.state.in_event || !(pending.is_empty() || bom)
    }

    /// The stream's last event ID (the value of the latest `id:` line, or
    /// empty), to send as `Last-Event-ID` when reconnecting.
    pub fn last_event_id(&self) -> &str {
        &self.state.last_event_id
    }

    /// The latest valid `retry:` value of the stream (the reconnection time
    /// in milliseconds the server asks for).
    pub fn reconnection_time(&self) -> Option<u64> {
        self.state.reconnection_time
    }

    /// Ends the stream: discards whatever is pending, as the WHATWG rules
    /// require at end of file (an event without its closing blank line is
    /// never dispatched), and resets the parser for a new stream.
    ///
    /// Returns whether an unfinished event was discarded (what
    /// [`has_partial`](Self::has_partial) said). Take the complete events
    /// with [`next_event`](Self::next_event) first: they are discarded too.
    pub fn finish(&mut self) -> bool {
        let partial = self.has_partial();
        *self = Self::default();
        partial
    }
}

/// The offset and value of the first CR or LF in `hay`.
///
/// Scans eight bytes at a time: `haszero(x) = (x - 0x01..) & !x & 0x80..`
/// flags a zero byte exactly at the lowest flagged position, so XOR-ing the
/// word with each terminator and taking the lowest flagged byte finds the
/// first terminator.
#[inline]
fn find_line_end(hay: &[u8]) -> Option<(usize, u8)> {
    const LO: u64 = u64::from_ne_bytes([0x01; 8]);
    const HI: u64 = u64::from_ne_bytes([0x80; 8]);
    const LF: u64 = u64::from_ne_bytes([b'\n'; 8]);
    const CR: u64 = u64::from_ne_bytes([b'\r'; 8]);

    if hay.len() < 16 {
        return hay
            .iter()
            .position(|&b| b == b'\n' || b == b'\r')
            .and_then(|at| hay.get(at).map(|&b| (at, b)));
    }
    let (words, tail) = hay.as_chunks::<8>();
    for (i, word) in words.iter().enumerate() {
        let w = u64::from_le_bytes(*word);
        let (lf, cr) = (w ^ LF, w ^ CR);
        let found = (lf.wrapping_sub(LO) & !lf | cr.wrapping_sub(LO) & !cr) & HI;
        if found != 0 {
            let at = (found.trailing_zeros() / 8) as usize;
            return word.get(at).map(|&b| (i * 8 + at, b));
        }
    }
    let base = words.len() * 8;
    tail.iter()
        .position(|&b| b == b'\n' || b == b'\r')
        .and_then(|at| tail.get(at).map(|&b| (base + at, b)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// All events of `input` fed in one chunk.
    fn parse(input: &[u8]) -> Vec<SseEvent> {
        parse_chunks(&[input])
    }

    fn parse_chunks(chunks: &[&[u8]]) -> Vec<SseEvent> {
        let mut parser = SseParser::new();
        let mut events = Vec::new();
        for chunk in chunks {
            parser.feed(chunk);
            while let Some(event) = parser.next_event() {
                events.push(event);
            }
        }
        events
    }

    fn ev(event: &str, data: &str) -> SseEvent {
        SseEvent::new(event, data)
    }

    #[test]
    fn every_line_ending() {
        for input in [
            &b"event: a\ndata: x\n\n"[..],
            b"event: a\r\ndata: x\r\n\r\n",
            b"event: a\rdata: x\r\r",
            b"event: a\r\ndata: x\n\r",
            b"event: a\rdata: x\r\n\n",
        ] {
            assert_eq!(parse(input), [ev("a", "x")], "{input:?}");
        }
    }

    #[test]
    fn crlf_split_across_chunks_is_one_line_ending() {
        let chunks: [&[u8]; 4] = [b"data: x\r", b"\n", b"\r", b"\ndata: y\r\n\r\n"];
        assert_eq!(
            parse_chunks(&chunks),
            [ev("message", "x"), ev("message", "y")]
        );
        // A CR at the end of a chunk followed by another line: two lines.
        let chunks: [&[u8]; 2] = [b"data: x\r", b"\rdata: y\n\n"];
        assert_eq!(
            parse_chunks(&chunks),
            [ev("message", "x"), ev("message", "y")]
        );
        // An empty chunk between the CR and the LF changes nothing.
        let chunks: [&[u8]; 4] = [b"data: x\r", b"", b"\n\r", b"\n"];
        assert_eq!(parse_chunks(&chunks), [ev("message", "x")]);
    }

    #[test]
    fn every_split_point_gives_the_same_events() {
        let input =
            "\u{FEFF}event: a\r\ndata: h\u{e9}\u{1F600}\rdata:\r\n: c\n\nid: 7\ndata: z\r\r"
                .as_bytes();
        let expected = parse(input);
        assert_eq!(expected.len(), 2);
        for i in 0..=input.len() {
            for j in i..=input.len() {
                let chunks = [&input[..i], &input[i..j], &input[j..]];
                assert_eq!(parse_chunks(&chunks), expected, "split at {i}, {j}");
            }
        }
        let bytes: Vec<&[u8]> = input.chunks(1).collect();
        assert_eq!(parse_chunks(&bytes), expected);
    }

    #[test]
    fn leading_bom_is_skipped_once() {
        assert_eq!(parse(b"\xEF\xBB\xBFdata: x\n\n"), [ev("message", "x")]);
        let chunks: [&[u8]; 3] = [b"\xEF", b"\xBB", b"\xBFdata: x\n\n"];
        assert_eq!(parse_chunks(&chunks), [ev("message", "x")]);
        // A second BOM is part of the line: the field name is "\u{FEFF}data".
        assert_eq!(parse(b"\xEF\xBB\xBF\xEF\xBB\xBFdata: x\n\n"), []);
        // A BOM later in the stream is an ordinary character.
        assert_eq!(
            parse(b"data: \xEF\xBB\xBFx\n\n"),
            [ev("message", "\u{FEFF}x")]
        );
        // Bytes that only start like a BOM are kept.
        assert_eq!(
            parse(b"\xEF\xBBdata: x\n\n"),
            [],
            "field name \\u{{FFFD}}data is unknown"
        );
        let chunks: [&[u8]; 2] = [b"\xEF", b"\n\ndata: x\n\n"];
        assert_eq!(parse_chunks(&chunks), [ev("message", "x")]);
    }

    #[test]
    fn comments_are_ignored() {
        assert_eq!(
            parse(b": hello\n:\ndata: x\n: inside\ndata: y\n\n: ping\n\n"),
            [ev("message", "x\ny")]
        );
    }

    #[test]
    fn multi_line_data_and_space_handling() {
        assert_eq!(
            parse(b"data: a\ndata:b\ndata:  c\ndata:\ndata\ndata: \n\n"),
            [ev("message", "a\nb\n c\n\n\n")]
        );
        // Only the first colon separates name and value.
        assert_eq!(parse(b"data: a: b:c\n\n"), [ev("message", "a: b:c")]);
    }

    #[test]
    fn empty_data_buffer_is_not_dispatched_but_empty_data_line_is() {
        assert_eq!(parse(b"event: a\n\nid: 1\n\nretry: 5\n\n\n\n"), []);
        assert_eq!(parse(b"event: a\ndata\n\n"), [ev("a", "")]);
        assert_eq!(parse(b"data:\n\n"), [ev("message", "")]);
        // The event type of an undispatched block does not leak into the next.
        assert_eq!(parse(b"event: a\n\ndata: x\n\n"), [ev("message", "x")]);
    }

    #[test]
    fn field_without_colon_has_empty_value() {
        // `event` alone sets an empty type, which reads as "message".
        assert_eq!(parse(b"event: a\nevent\ndata: x\n\n"), [ev("message", "x")]);
        // Unknown fields, with or without a value, and wrong case are ignored.
        assert_eq!(
            parse(b"foo: bar\nfoo\nData: y\nEVENT: e\ndata: x\n\n"),
            [ev("message", "x")]
        );
    }

    #[test]
    fn id_rules() {
        let events = parse(
            b"id: 1\ndata: a\n\ndata: b\n\nid: 2\0\ndata: c\n\nid\ndata: d\n\nid: 3\n\ndata: e\n\n",
        );
        let ids: Vec<_> = events.iter().map(|e| e.id.as_deref()).collect();
        // Kept across events; one with NUL is ignored; empty resets; a block
        // without data still sets it.
        assert_eq!(ids, [Some("1"), Some("1"), Some("1"), None, Some("3")]);
        let mut parser = SseParser::new();
        parser.feed(b"id: abc\n\n");
        assert_eq!(parser.next_event(), None);
        assert_eq!(parser.last_event_id(), "abc");
    }

    #[test]
    fn retry_rules() {
        let events = parse(
            b"retry: 1500\ndata: a\n\nretry: 15x\ndata: b\n\nretry:\ndata: c\n\nretry: 99999999999999999999999\ndata: d\n\nretry:  7\ndata: e\n\n",
        );
        let retries: Vec<_> = events.iter().map(|e| e.retry).collect();
        assert_eq!(retries, [Some(1500), None, None, None, None]);
        let mut parser = SseParser::new();
        parser.feed(b"retry: 30\n\ndata: x\n\n");
        assert_eq!(parser.next_event().map(|e| e.retry), Some(None));
        assert_eq!(parser.reconnection_time(), Some(30));
    }

    #[test]
    fn utf8_split_across_chunks_and_invalid_bytes() {
        let text = "h\u{e9}llo \u{4e16}\u{754c} \u{1F600}";
        let input = format!("data: {text}\n\n");
        let bytes: Vec<&[u8]> = input.as_bytes().chunks(1).collect();
        assert_eq!(parse_chunks(&bytes), [ev("message", text)]);
        // Invalid sequences become U+FFFD, per line: a truncated sequence at
        // the end of a line does not swallow the line ending.
        assert_eq!(
            parse(b"data: a\xF0\x9F\x98\ndata: \xFFb\xC3\n\n"),
            [ev("message", "a\u{FFFD}\n\u{FFFD}b\u{FFFD}")]
        );
        assert_eq!(
            parse(b"event: \xE4\xB8\xAD\xE4\ndata: x\n\n"),
            [ev("\u{4e2d}\u{FFFD}", "x")]
        );
    }

    #[test]
    fn end_of_stream_discards_unfinished_event() {
        let mut parser = SseParser::new();
        parser.feed(b"data: a\n\ndata: b\n");
        assert_eq!(parser.next_event(), Some(ev("message", "a")));
        assert_eq!(parser.next_event(), None);
        assert!(parser.has_partial());
        assert!(parser.finish());
        assert!(!parser.has_partial());

        // Reusable after finish, and a clean end reports nothing.
        parser.feed(b"data: c\r\n\r\n");
        assert_eq!(parser.next_event(), Some(ev("message", "c")));
        assert!(!parser.has_partial());
        assert!(!parser.finish());

        // A line without its ending is pending too; a trailing comment line
        // or CR is not.
        parser.feed(b"data: x");
        assert_eq!(parser.next_event(), None);
        assert!(parser.has_partial());
        parser.finish();
        parser.feed(b": keep-alive\n\r");
        assert_eq!(parser.next_event(), None);
        assert!(!parser.has_partial());
    }

    #[test]
    fn long_line_fed_byte_by_byte_is_found_once() {
        let mut input = b"data: ".to_vec();
        input.extend(std::iter::repeat_n(b'x', 100_000));
        input.extend_from_slice(b"\n\n");
        let mut parser = SseParser::new();
        let mut events = Vec::new();
        for byte in &input {
            parser.feed(std::slice::from_ref(byte));
            events.extend(std::iter::from_fn(|| parser.next_event()));
        }
        assert_eq!(events.len(), 1);
        assert_eq!(events.first().map(|e| e.data.len()), Some(100_000));
        // The buffer grew to hold the line, no more.
        assert!(parser.buf.capacity() <= 256 * 1024);
        // Consumed bytes are dropped when the buffer is full.
        let comment = vec![b':'; parser.buf.capacity() + 1];
        parser.feed(&comment);
        assert_eq!(parser.buf.len(), comment.len());
    }

    #[test]
    fn compaction_keeps_unprocessed_bytes() {
        let mut parser = SseParser::new();
        let mut events = 0;
        for i in 0..2000 {
            // Chunks that end mid-line, so the buffer is never fully consumed.
            parser.feed(format!("x\ndata: {i}\n\nda").as_bytes());
            parser.feed(b"ta: ");
            while let Some(event) = parser.next_event() {
                // The first event is `data: 0`; every later one starts with the `data: x`
                // line the previous chunk's tail and this chunk's head make together.
                let expected = if events == 0 {
                    "0".to_owned()
                } else {
                    format!("x\n{events}")
                };
                assert_eq!(event.data, expected);
                events += 1;
            }
            assert!(parser.buf.capacity() <= 256, "{}", parser.buf.capacity());
        }
        assert_eq!(events, 2000);
    }

    #[test]
    fn find_line_end_matches_a_naive_scan() {
        let mut hay = vec![b'a'; 40];
        assert_eq!(find_line_end(&hay), None);
        for at in 0..40 {
            for term in [b'\n', b'\r'] {
                hay.fill(b'a');
                if let Some(b) = hay.get_mut(at) {
                    *b = term;
                }
                // Bytes that differ from CR/LF by one bit or a borrow.
                if let Some(b) = hay.get_mut(at + 1) {
                    *b = 0x0B;
                }
                assert_eq!(find_line_end(&hay), Some((at, term)));
                assert_eq!(find_line_end(&hay[..at]), None);
            }
        }
        let tricky = [0x0C, 0x0E, 0x09, 0x8A, 0x8D, 0x00, 0xFF, 0x0B, 0x0A];
        assert_eq!(find_line_end(&tricky), Some((8, b'\n')));
    }

    #[test]
    fn anthropic_stream() {
        let body = "event: message_start\ndata: {\"type\":\"message_start\"}\n\n\
                    event: ping\ndata: {\"type\": \"ping\"}\n\n\
                    event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
        let names: Vec<_> = parse(body.as_bytes())
            .into_iter()
            .map(|e| e.event)
            .collect();
        assert_eq!(names, ["message_start", "ping", "message_stop"]);
    }
}
