//! The streaming response bodies: an answer's events frame by frame, and a
//! buffered body cut short.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use hyper::body::{Body, Frame};
use serde_json::Value;

use crate::faults::StreamScript;
use crate::messages::AnswerPlan;

use super::script::{Events, scripted_events};

/// The error type of response bodies: only a scripted cut produces one.
pub(crate) type BodyError = Box<dyn std::error::Error + Send + Sync>;

/// The body of a streamed answer: its frames, made one ahead of the one
/// being sent, and how it ends.
#[derive(Debug)]
pub(crate) struct EventStream {
    events: Events,
    eol: String,
    /// Frame size, when the events are sliced regardless of boundaries.
    chunk: Option<usize>,
    /// Serialized events not yet sliced into frames (with `chunk`).
    buffer: BytesMut,
    exhausted: bool,
    /// The next frame to send.
    next: Option<Bytes>,
    /// End with an error (a cut connection) instead of cleanly.
    abort: bool,
    delay: Option<Duration>,
}

impl EventStream {
    /// The frame after the ones already made.
    fn produce(&mut self) -> Option<Bytes> {
        match self.chunk {
            None => {
                if self.exhausted {
                    return None;
                }
                match self.events.next() {
                    Some(event) => {
                        let mut out = BytesMut::new();
                        event.write(&self.eol, &mut out);
                        Some(out.freeze())
                    }
                    None => {
                        self.exhausted = true;
                        None
                    }
                }
            }
            Some(size) => {
                while self.buffer.len() < size && !self.exhausted {
                    match self.events.next() {
                        Some(event) => event.write(&self.eol, &mut self.buffer),
                        None => self.exhausted = true,
                    }
                }
                if self.buffer.is_empty() {
                    None
                } else {
                    let n = size.min(self.buffer.len());
                    Some(self.buffer.split_to(n).freeze())
                }
            }
        }
    }

    /// The next frame, if any.
    fn next_frame(&mut self) -> Option<Bytes> {
        let current = self.next.take();
        if current.is_some() {
            self.next = self.produce();
        }
        current
    }

    fn has_frames(&self) -> bool {
        self.next.is_some()
    }
}

/// The events of `plan` as `script` shapes them. `message` is the Message
/// (only its `id`, `model` and `usage` are used); `request_id` goes
/// into a scripted `error` event.
pub(crate) fn event_stream(
    message: &Value,
    plan: &AnswerPlan,
    script: &StreamScript,
    request_id: &str,
) -> EventStream {
    let mut stream = EventStream {
        events: scripted_events(message, plan, script, request_id),
        eol: script.terminator().to_owned(),
        chunk: script.frame_size().map(|size| size.max(1)),
        buffer: BytesMut::new(),
        exhausted: false,
        next: None,
        abort: script.cut().is_some(),
        delay: script.delay(),
    };
    stream.next = stream.produce();
    stream
}

/// A response body that yields [`EventStream`]'s frames one by one,
/// pausing between them if asked, and fails at the end if the stream is
/// cut.
pub(crate) struct EventBody {
    stream: EventStream,
    sent_any: bool,
    /// Whether hyper has been given the chance to flush before the cut.
    yielded_before_cut: bool,
    sleep: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl EventBody {
    pub(crate) fn new(stream: EventStream) -> Self {
        EventBody {
            stream,
            sent_any: false,
            yielded_before_cut: false,
            sleep: None,
        }
    }
}

impl Body for EventBody {
    type Data = Bytes;
    type Error = BodyError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BodyError>>> {
        let this = self.get_mut();
        let more = this.stream.has_frames() || this.stream.abort;
        if !more {
            return Poll::Ready(None);
        }
        if let (Some(delay), true, false) =
            (this.stream.delay, this.sent_any, this.yielded_before_cut)
        {
            let sleep = this
                .sleep
                .get_or_insert_with(|| Box::pin(tokio::time::sleep(delay)));
            if sleep.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
            this.sleep = None;
        }
        this.sent_any = true;
        match this.stream.next_frame() {
            Some(frame) => Poll::Ready(Some(Ok(Frame::data(frame)))),
            None if !this.yielded_before_cut => {
                // hyper drops its write buffer when a body fails: answer
                // `Pending` once (it flushes then) before failing.
                this.yielded_before_cut = true;
                cx.waker().wake_by_ref();
                Poll::Pending
            }
            None => {
                this.stream.abort = false;
                Poll::Ready(Some(Err(Box::new(std::io::Error::other(
                    "stream cut by Fault::Stream",
                )))))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        !self.stream.has_frames() && !self.stream.abort
    }
}

/// The body of [`Fault::CutBody`](crate::faults::Fault::CutBody) for a buffered
/// answer: one frame, then (after letting hyper flush it) a failure that
/// closes the connection. Its size is unknown to hyper, so the
/// `content-length` header of the whole answer is sent as given.
pub(crate) struct PartialBody {
    frame: Option<Bytes>,
    yielded: bool,
}

impl PartialBody {
    pub(crate) fn new(frame: Bytes) -> Self {
        PartialBody {
            frame: Some(frame).filter(|f| !f.is_empty()),
            yielded: false,
        }
    }
}

impl Body for PartialBody {
    type Data = Bytes;
    type Error = BodyError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BodyError>>> {
        let this = self.get_mut();
        if let Some(frame) = this.frame.take() {
            return Poll::Ready(Some(Ok(Frame::data(frame))));
        }
        if !this.yielded {
            this.yielded = true;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        Poll::Ready(Some(Err(Box::new(std::io::Error::other(
            "body cut by Fault::CutBody",
        )))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::Block;

    /// Bytes of filler text per `text_delta` (the default of `stream-text-bytes`).
    const FILLER_BYTES_PER_DELTA: usize = 16 * 1024;
    use serde_json::json;

    #[test]
    fn filler_text_is_produced_lazily() {
        // 1 TiB of text: only the frames pulled are ever made.
        let plan = AnswerPlan {
            blocks: vec![Block::Filler {
                bytes: 1 << 40,
                per_delta: FILLER_BYTES_PER_DELTA,
            }],
            stop_reason: "end_turn",
            output_tokens: 1,
        };
        let message = json!({"id": "msg_1", "usage": {}});
        let mut stream = event_stream(&message, &plan, &StreamScript::new(), "req_1");
        let frames: Vec<Bytes> = (0..6).filter_map(|_| stream.next_frame()).collect();
        assert_eq!(frames.len(), 6);
        let text = |frame: &Bytes| String::from_utf8_lossy(frame).into_owned();
        assert!(text(&frames[0]).starts_with("event: message_start\n"));
        assert!(text(&frames[2]).starts_with("event: ping\n"));
        for frame in &frames[3..] {
            let line = text(frame);
            let data = line
                .lines()
                .find_map(|l| l.strip_prefix("data: "))
                .unwrap_or_default();
            let event: Value = serde_json::from_str(data).unwrap_or_default();
            assert_eq!(
                event["delta"]["text"].as_str().map(str::len),
                Some(FILLER_BYTES_PER_DELTA)
            );
        }
        // Consecutive deltas continue the same text.
        assert_eq!(
            crate::messages::filler(0, 90),
            format!(
                "{}{}",
                crate::messages::filler(0, 45),
                crate::messages::filler(45, 45)
            )
        );
        assert_eq!(
            crate::messages::filler(3, 4),
            crate::messages::filler(48, 4)
        );
    }
}
