//! The WHATWG event-stream field rules: what each line does to the event being built.

use std::mem;

use super::SseEvent;

/// The field buffers of the WHATWG algorithm.
#[derive(Debug, Clone, Default)]
pub(super) struct EventState {
    /// The event type buffer.
    pub(super) event_type: String,
    /// The data buffer, without the trailing LF of the last `data` line.
    pub(super) data: String,
    /// Whether a `data` line came since the last dispatch (the data buffer
    /// is "not empty" even when it holds an empty line).
    pub(super) has_data: bool,
    /// The last event ID buffer (kept across events).
    pub(super) last_event_id: String,
    /// A valid `retry` value seen since the last blank line.
    pub(super) retry: Option<u64>,
    /// The latest valid `retry` value of the stream.
    pub(super) reconnection_time: Option<u64>,
    /// A field line came since the last blank line.
    pub(super) in_event: bool,
}

impl EventState {
    /// Processes one line (without its line ending); returns the event a
    /// blank line dispatches.
    #[inline]
    pub(super) fn process_line(&mut self, line: &[u8]) -> Option<SseEvent> {
        let (name, value) = match line.iter().position(|&b| b == b':') {
            None if line.is_empty() => return self.dispatch(),
            Some(0) => return None, // a comment
            None => (line, &[][..]),
            Some(colon) => {
                let (name, rest) = line.split_at(colon);
                let value = rest.get(1..).unwrap_or_default();
                (name, value.strip_prefix(b" ").unwrap_or(value))
            }
        };
        self.in_event = true;
        match name {
            b"data" => {
                if self.has_data {
                    self.data.push('\n');
                }
                self.has_data = true;
                push_utf8_lossy(&mut self.data, value);
            }
            b"event" => {
                self.event_type.clear();
                push_utf8_lossy(&mut self.event_type, value);
            }
            // U+0000 is the byte 0 in UTF-8, and byte 0 is only ever U+0000.
            b"id" if !value.contains(&0) => {
                self.last_event_id.clear();
                push_utf8_lossy(&mut self.last_event_id, value);
            }
            b"retry" => {
                if let Some(millis) = parse_digits(value) {
                    self.retry = Some(millis);
                    self.reconnection_time = Some(millis);
                }
            }
            _ => {}
        }
        None
    }

    /// Ends the block at a blank line: dispatches it if it has data, and
    /// resets the per-event buffers either way.
    fn dispatch(&mut self) -> Option<SseEvent> {
        self.in_event = false;
        let retry = self.retry.take();
        if !self.has_data {
            self.event_type.clear();
            return None;
        }
        self.has_data = false;
        let event = if self.event_type.is_empty() {
            String::from("message")
        } else {
            mem::take(&mut self.event_type)
        };
        let id = (!self.last_event_id.is_empty()).then(|| self.last_event_id.clone());
        Some(SseEvent {
            event,
            data: mem::take(&mut self.data),
            id,
            retry,
        })
    }
}

/// Appends `bytes` decoded as UTF-8, each maximal invalid subsequence
/// replaced by U+FFFD (the WHATWG decoder's rule).
#[inline]
fn push_utf8_lossy(out: &mut String, bytes: &[u8]) {
    match std::str::from_utf8(bytes) {
        Ok(text) => out.push_str(text),
        Err(_) => {
            for chunk in bytes.utf8_chunks() {
                out.push_str(chunk.valid());
                if !chunk.invalid().is_empty() {
                    out.push(char::REPLACEMENT_CHARACTER);
                }
            }
        }
    }
}

/// A `retry` value: one or more ASCII digits, in range for `u64`.
fn parse_digits(value: &[u8]) -> Option<u64> {
    if value.is_empty() {
        return None;
    }
    value.iter().try_fold(0u64, |acc, &b| {
        let digit = b.checked_sub(b'0').filter(|d| *d <= 9)?;
        acc.checked_mul(10)?.checked_add(u64::from(digit))
    })
}
