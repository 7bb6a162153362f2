//! Throughput of the SSE parser on a realistic Messages stream (~2 MB of
//! `content_block_delta` text events), fed whole, in 1 KiB chunks and one
//! byte per `feed` (`chunks_1`: `body.chunks(1)`; `bytes_1`: `for byte in
//! body`); and of the whole pipeline (parse, decode, accumulate).
//!
//! `cargo bench --bench sse` (add `-- --quick` for a short run).

use std::hint::black_box;
use std::time::Duration;

use anthropic_aws::streaming::accumulate::MessageAccumulator;
use anthropic_aws::streaming::events::{Decoded, decode};
use anthropic_aws::streaming::sse::SseParser;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// Words the generated answer is made of (some with multi-byte characters,
/// some needing JSON escapes).
const WORDS: &[&str] = &[
    "the",
    "stream",
    "of",
    "tokens",
    "arrives",
    "in",
    "small",
    "pieces,",
    "each",
    "one",
    "a",
    "server-sent",
    "event",
    "with",
    "JSON",
    "data",
    "caf\u{e9}",
    "na\u{ef}ve",
    "\u{4e16}\u{754c}",
    "\u{1F600}",
    "\"quoted\"",
    "line\\nbreak",
    "and",
    "so",
    "on.",
];

/// A Messages stream of about `target` bytes, as the API sends it.
fn anthropic_stream(target: usize) -> Vec<u8> {
    let mut out = String::with_capacity(target + 4096);
    out.push_str(
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_01XFDUDYJgAACzvnptvVoYEL\",\
         \"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"model\":\"claude-opus-4-8\",\"stop_reason\":null,\
         \"stop_sequence\":null,\"usage\":{\"input_tokens\":472,\"cache_creation_input_tokens\":0,\
         \"cache_read_input_tokens\":0,\"output_tokens\":1,\"service_tier\":\"standard\"}}}\n\n\
         event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n\
         event: ping\ndata: {\"type\": \"ping\"}\n\n",
    );
    let mut word = 0usize;
    let mut events = 0usize;
    while out.len() < target {
        // 1 to 6 words per delta, as tokens come.
        let mut text = String::new();
        for _ in 0..(1 + events % 6) {
            text.push_str(WORDS[word % WORDS.len()]);
            text.push(' ');
            word += 7;
        }
        let text = serde_json::to_string(&text).unwrap_or_default();
        out.push_str("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":");
        out.push_str(&text);
        out.push_str("}}\n\n");
        events += 1;
        if events.is_multiple_of(1000) {
            out.push_str("event: ping\ndata: {\"type\": \"ping\"}\n\n");
        }
    }
    out.push_str(
        "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n\
         event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\
         \"stop_sequence\":null},\"usage\":{\"output_tokens\":15000}}\n\n\
         event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
    );
    out.into_bytes()
}

/// Parses `body` fed in `chunk`-byte pieces; returns the number of events
/// and the total data length (so nothing is optimized away).
fn parse(body: &[u8], chunk: usize) -> (usize, usize) {
    let mut parser = SseParser::new();
    let (mut events, mut bytes) = (0, 0);
    for piece in body.chunks(chunk) {
        parser.feed(piece);
        while let Some(event) = parser.next_event() {
            events += 1;
            bytes += event.data.len();
        }
    }
    (events, bytes)
}

/// Like `parse(body, 1)`, iterating over the bytes rather than over
/// 1-byte chunks: the same work for the parser, less for the loop around it.
fn parse_bytewise(body: &[u8]) -> (usize, usize) {
    let mut parser = SseParser::new();
    let (mut events, mut bytes) = (0, 0);
    for byte in body {
        parser.feed(std::slice::from_ref(byte));
        while let Some(event) = parser.next_event() {
            events += 1;
            bytes += event.data.len();
        }
    }
    (events, bytes)
}

fn bench_parse(c: &mut Criterion) {
    let body = anthropic_stream(2 << 20);
    let mut group = c.benchmark_group("sse_parse");
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(5));
    group.bench_function("whole", |b| b.iter(|| parse(black_box(&body), body.len())));
    group.bench_function("chunks_1024", |b| b.iter(|| parse(black_box(&body), 1024)));
    group.bench_function("chunks_1", |b| b.iter(|| parse(black_box(&body), 1)));
    group.bench_function("bytes_1", |b| b.iter(|| parse_bytewise(black_box(&body))));
    group.finish();
}

fn bench_pipeline(c: &mut Criterion) {
    let body = anthropic_stream(2 << 20);
    let mut group = c.benchmark_group("sse_decode_accumulate");
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(5));
    group.bench_function("chunks_1024", |b| {
        b.iter(|| {
            let mut parser = SseParser::new();
            let mut acc = MessageAccumulator::new();
            for piece in black_box(&body).chunks(1024) {
                parser.feed(piece);
                while let Some(sse) = parser.next_event() {
                    if let Ok(Decoded::Event(event)) = decode(&sse) {
                        let _ = acc.push(&event);
                    }
                }
            }
            acc.finish().map(|m| m.content.len()).unwrap_or(0)
        });
    });
    group.finish();
}

criterion_group!(benches, bench_parse, bench_pipeline);
criterion_main!(benches);
