//! Property tests of the SSE parser: random valid event streams, serialized
//! with random line endings and split at random points, give the events of
//! a simple model of the WHATWG rules however they are chunked; random bytes
//! never panic and give the same events whole or chunked.

use anthropic_aws::streaming::sse::{SseEvent, SseParser};
use proptest::prelude::*;
use proptest::test_runner::Config;

/// One line of a generated stream.
#[derive(Debug, Clone)]
enum Line {
    Data(String),
    Event(String),
    Id(String),
    /// An `id` with a NUL character, which is ignored.
    IdWithNul(String),
    Retry(u64),
    /// A `retry` that is not all digits, which is ignored.
    BadRetry(String),
    Comment(String),
    /// A field the parser does not know.
    Unknown(String, Option<String>),
}

/// A block of lines closed by a blank line.
#[derive(Debug, Clone)]
struct Block {
    lines: Vec<Line>,
}

#[derive(Debug, Clone)]
struct Stream {
    bom: bool,
    blocks: Vec<Block>,
    /// Lines after the last blank line (an unfinished event).
    tail: Vec<Line>,
    /// Whether the tail's last line has its line ending.
    tail_terminated: bool,
    /// Index into ["\n", "\r", "\r\n"] for each line ending, cycled.
    endings: Vec<u8>,
    /// Whether to write `field:value` without the optional space, per line
    /// (cycled); values starting with a space always get one.
    tight: Vec<bool>,
}

/// Text without CR or LF: any characters, multi-byte ones included.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[^\r\n]{0,12}",
        "[a-z {}\":,]{0,20}",
        "[\u{e9}\u{4e16}\u{1F600}\u{FEFF} ]{0,6}",
    ]
}

fn line() -> impl Strategy<Value = Line> {
    prop_oneof![
        4 => text().prop_map(Line::Data),
        2 => text().prop_map(Line::Event),
        1 => "[^\r\n\u{0}]{0,8}".prop_map(Line::Id),
        1 => "[^\r\n\u{0}]{0,4}".prop_map(|s| Line::IdWithNul(format!("{s}\u{0}x"))),
        1 => any::<u64>().prop_map(Line::Retry),
        1 => "[0-9]{0,3}[^0-9\r\n][^\r\n]{0,3}".prop_map(Line::BadRetry),
        1 => text().prop_map(Line::Comment),
        1 => ("[a-zA-Z_\u{e9}]{1,6}", proptest::option::of(text()))
            .prop_filter("a known field name", |(name, _)| {
                !matches!(name.as_str(), "data" | "event" | "id" | "retry")
            })
            .prop_map(|(name, value)| Line::Unknown(name, value)),
    ]
}

fn stream() -> impl Strategy<Value = Stream> {
    (
        any::<bool>(),
        prop::collection::vec(prop::collection::vec(line(), 0..6), 0..12),
        prop::collection::vec(line(), 0..3),
        any::<bool>(),
        prop::collection::vec(0u8..3, 1..16),
        prop::collection::vec(any::<bool>(), 1..8),
    )
        .prop_map(
            |(bom, blocks, tail, tail_terminated, endings, tight)| Stream {
                bom,
                blocks: blocks.into_iter().map(|lines| Block { lines }).collect(),
                tail,
                tail_terminated,
                endings,
                tight,
            },
        )
}

/// Writes lines with cycling line endings, never a lone CR directly
/// followed by an empty line ending in LF (that would read as one CRLF).
struct Writer<'a> {
    out: Vec<u8>,
    endings: &'a [u8],
    tight: &'a [bool],
    n: usize,
    last_was_cr: bool,
}

impl Writer<'_> {
    fn end_line(&mut self, empty: bool) {
        let mut ending = self.endings[self.n % self.endings.len()];
        if empty && self.last_was_cr && ending == 0 {
            ending = 2;
        }
        self.out
            .extend_from_slice([&b"\n"[..], b"\r", b"\r\n"][usize::from(ending)]);
        self.last_was_cr = ending == 1;
        self.n += 1;
    }

    fn field(&mut self, name: &str, value: &str) {
        let tight = self.tight[self.n % self.tight.len()] && !value.starts_with(' ');
        self.out.extend_from_slice(name.as_bytes());
        self.out
            .extend_from_slice(if tight { &b":"[..] } else { b": " });
        self.out.extend_from_slice(value.as_bytes());
    }

    fn line(&mut self, line: &Line) {
        match line {
            Line::Data(v) => self.field("data", v),
            Line::Event(v) => self.field("event", v),
            Line::Id(v) | Line::IdWithNul(v) => self.field("id", v),
            Line::Retry(n) => self.field("retry", &n.to_string()),
            Line::BadRetry(v) => self.field("retry", v),
            Line::Comment(v) => {
                self.out.push(b':');
                self.out.extend_from_slice(v.as_bytes());
            }
            Line::Unknown(name, None) => self.out.extend_from_slice(name.as_bytes()),
            Line::Unknown(name, Some(v)) => self.field(name, v),
        }
    }
}

fn serialize(stream: &Stream) -> Vec<u8> {
    let mut w = Writer {
        out: Vec::new(),
        endings: &stream.endings,
        tight: &stream.tight,
        n: 0,
        last_was_cr: false,
    };
    if stream.bom {
        w.out.extend_from_slice("\u{FEFF}".as_bytes());
    }
    for block in &stream.blocks {
        for line in &block.lines {
            w.line(line);
            w.end_line(false);
        }
        w.end_line(true);
    }
    let tail_len = stream.tail.len();
    for (i, line) in stream.tail.iter().enumerate() {
        w.line(line);
        if i + 1 < tail_len || stream.tail_terminated {
            w.end_line(false);
        }
    }
    w.out
}

/// The events the WHATWG rules dispatch for `stream`, computed from the
/// lines rather than the bytes.
fn model(stream: &Stream) -> Vec<SseEvent> {
    let mut last_id = String::new();
    let mut events = Vec::new();
    for block in &stream.blocks {
        let mut event_type = String::new();
        let mut data: Option<String> = None;
        let mut retry = None;
        for line in &block.lines {
            match line {
                Line::Data(v) => match &mut data {
                    Some(d) => {
                        d.push('\n');
                        d.push_str(v);
                    }
                    None => data = Some(v.clone()),
                },
                Line::Event(v) => event_type.clone_from(v),
                Line::Id(v) => last_id.clone_from(v),
                Line::Retry(n) => retry = Some(*n),
                Line::IdWithNul(_) | Line::BadRetry(_) | Line::Comment(_) | Line::Unknown(..) => {}
            }
        }
        if let Some(data) = data {
            events.push(SseEvent {
                event: if event_type.is_empty() {
                    "message".to_owned()
                } else {
                    event_type
                },
                data,
                id: (!last_id.is_empty()).then(|| last_id.clone()),
                retry,
            });
        }
    }
    events
}

/// Whether the model says the stream ends mid-event.
fn model_partial(stream: &Stream) -> bool {
    let field_line = stream.tail.iter().any(|l| !matches!(l, Line::Comment(_)));
    field_line || (!stream.tail.is_empty() && !stream.tail_terminated)
}

/// Feeds `chunks` and collects the events; also returns `has_partial` at
/// the end.
fn run<'a>(chunks: impl IntoIterator<Item = &'a [u8]>) -> (Vec<SseEvent>, bool) {
    let mut parser = SseParser::new();
    let mut events = Vec::new();
    for chunk in chunks {
        parser.feed(chunk);
        while let Some(event) = parser.next_event() {
            events.push(event);
        }
    }
    let partial = parser.has_partial();
    assert_eq!(parser.finish(), partial);
    (events, partial)
}

/// `bytes` cut at `cuts` (positions taken modulo the length, any order).
fn split<'a>(bytes: &'a [u8], cuts: &[usize]) -> Vec<&'a [u8]> {
    let mut cuts: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
    cuts.sort_unstable();
    let mut chunks = Vec::new();
    let mut start = 0;
    for cut in cuts {
        chunks.push(&bytes[start..cut]);
        start = cut;
    }
    chunks.push(&bytes[start..]);
    chunks
}

fn config() -> Config {
    Config {
        cases: 512,
        failure_persistence: None,
        ..Config::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn chunking_never_changes_the_events(
        stream in stream(),
        cuts in prop::collection::vec(any::<usize>(), 0..40),
    ) {
        let bytes = serialize(&stream);
        let expected = model(&stream);
        let partial = model_partial(&stream);

        let whole = run([&bytes[..]]);
        prop_assert_eq!(&whole.0, &expected);
        prop_assert_eq!(whole.1, partial);

        let chunked = run(split(&bytes, &cuts));
        prop_assert_eq!(&chunked.0, &expected);
        prop_assert_eq!(chunked.1, partial);

        let bytewise = run(bytes.chunks(1));
        prop_assert_eq!(&bytewise.0, &expected);
        prop_assert_eq!(bytewise.1, partial);
    }

    #[test]
    fn random_bytes_never_panic_and_chunking_does_not_matter(
        bytes in prop::collection::vec(
            prop_oneof![
                4 => prop::sample::select(&b"\r\n: data\xEF\xBB\xBFeventidretry0\x00"[..]),
                1 => any::<u8>(),
            ],
            0..400,
        ),
        cuts in prop::collection::vec(any::<usize>(), 0..40),
    ) {
        let whole = run([&bytes[..]]);
        prop_assert_eq!(&run(split(&bytes, &cuts)), &whole);
        prop_assert_eq!(&run(bytes.chunks(1)), &whole);
        // Per line, the text is the UTF-8 decoding with replacement.
        let lossy = String::from_utf8_lossy(&bytes);
        for event in &whole.0 {
            for line in event.data.split('\n') {
                prop_assert!(lossy.contains(line));
            }
        }
    }
}

#[test]
fn model_agrees_on_a_handwritten_stream() {
    let stream = Stream {
        bom: true,
        blocks: vec![
            Block {
                lines: vec![
                    Line::Event("content_block_delta".into()),
                    Line::Comment(" x".into()),
                    Line::Data(" {\"a\": 1}".into()),
                    Line::Data("\u{1F600}".into()),
                    Line::Id("7".into()),
                ],
            },
            Block {
                lines: vec![Line::Retry(10), Line::Unknown("foo".into(), None)],
            },
            Block {
                lines: vec![Line::Data(String::new()), Line::IdWithNul("y\u{0}z".into())],
            },
        ],
        tail: vec![Line::Comment("c".into())],
        tail_terminated: true,
        endings: vec![1, 0, 2],
        tight: vec![true, false],
    };
    let bytes = serialize(&stream);
    let (events, partial) = run([&bytes[..]]);
    assert_eq!(events, model(&stream));
    assert!(!partial);
    assert_eq!(events.len(), 2);
    assert_eq!(events[0].data, " {\"a\": 1}\n\u{1F600}");
    assert_eq!(events[1].id.as_deref(), Some("7"));
}
