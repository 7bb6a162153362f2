//! Scripted failures: queue one with
//! [`EmulatorHandle::push_fault`](super::EmulatorHandle::push_fault); see
//! [`Fault`] for when each is used.

use std::time::Duration;

use bytes::Bytes;

/// The namespace the AWS front door appends to `x-amzn-errortype`.
pub(crate) const AWS_ERROR_NAMESPACE: &str =
    ":http://internal.amazon.com/coral/com.amazon.coral.service/";

/// A canned answer for exactly one upcoming request.
///
/// The queue is first in, first out, and only its head is ever looked at:
///
/// * a [`Fault::Anthropic`], [`Fault::AwsFrontDoor`] or [`Fault::Raw`] at
///   the head answers the next request, whatever it is, before any
///   verification;
/// * a [`Fault::Slow`] or [`Fault::CutBody`] at the head is taken by the
///   next request, whatever it is, which then goes through the normal
///   pipeline (authentication included) and is answered late, or cut;
/// * a [`Fault::Stream`] at the head is taken only by a streaming
///   `POST /v1/messages` (`"stream": true`) that passes authentication, the
///   workspace and version checks and body validation, and shapes that
///   request's event stream. Any other request (non-streaming, another
///   endpoint, or one that fails verification) is answered normally and
///   leaves the fault, and everything queued behind it, where it is.
///
/// ```
/// use anthropic_aws_emulator::Fault;
///
/// // Claude itself is overloaded (carries `request-id`):
/// let overloaded = Fault::anthropic(529, "overloaded_error", "Overloaded");
/// // The AWS front door throttles (carries `x-amzn-errortype`, no `request-id`):
/// let throttled = Fault::aws(429, "ThrottlingException", "Rate exceeded");
/// // A CDN answers with an HTML page (no request id at all):
/// let gateway = Fault::html(502, "<html><body>Bad Gateway</body></html>");
/// // Rate limited, with the server's advice on when to come back:
/// let limited = Fault::anthropic(429, "rate_limit_error", "Slow down")
///     .with_header("retry-after-ms", "250")
///     .with_header("x-should-retry", "true");
/// // A slow server (for client timeouts), and a body that stops halfway:
/// let slow = Fault::slow(std::time::Duration::from_secs(2));
/// let cut = Fault::cut_body();
///
/// assert!(matches!(overloaded, Fault::Anthropic { status: 529, ref error_type, .. } if error_type == "overloaded_error"));
/// assert!(matches!(throttled, Fault::AwsFrontDoor { status: 429, ref error_type, .. } if error_type == "ThrottlingException"));
/// assert!(matches!(gateway, Fault::Raw { status: 502, ref headers, .. }
///     if headers == &[("content-type".to_owned(), "text/html; charset=utf-8".to_owned())]));
/// let Fault::Anthropic { headers, .. } = limited else { panic!("not an Anthropic error") };
/// assert_eq!(headers, [
///     ("retry-after-ms".to_owned(), "250".to_owned()),
///     ("x-should-retry".to_owned(), "true".to_owned()),
/// ]);
/// assert_eq!(slow, Fault::Slow(std::time::Duration::from_secs(2)));
/// // Headers only go on answers that have them.
/// assert_eq!(cut.with_header("retry-after", "1"), Fault::CutBody);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// An error from the Claude API: JSON body
    /// `{"type":"error","error":{"type":..,"message":..,"details"?:..},"request_id":..}`
    /// with `content-type: application/json`, `x-amzn-requestid` and
    /// `request-id` headers.
    Anthropic {
        /// HTTP status.
        status: u16,
        /// `error.type`, e.g. `overloaded_error`.
        error_type: String,
        /// `error.message`.
        message: String,
        /// Optional `error.details`.
        details: Option<serde_json::Value>,
        /// Extra response headers (see [`Fault::with_header`]), added after
        /// the standard ones.
        headers: Vec<(String, String)>,
    },
    /// An error from the AWS front door: `x-amzn-errortype: <type>:<namespace>`,
    /// `x-amzn-requestid`, JSON body `{"message": ..}` and no `request-id`.
    AwsFrontDoor {
        /// HTTP status.
        status: u16,
        /// The AWS error type, e.g. `ThrottlingException`.
        error_type: String,
        /// The `message` of the body.
        message: String,
        /// Extra response headers (see [`Fault::with_header`]), added after
        /// the standard ones.
        headers: Vec<(String, String)>,
    },
    /// Exactly this status, these headers and this body (hyper still adds
    /// `content-length` and `date`; a `content-length` or `transfer-encoding`
    /// given here is ignored so the framing stays valid, and headers that are
    /// not valid HTTP are skipped). A status outside 100–999 becomes 500.
    Raw {
        /// HTTP status.
        status: u16,
        /// Response headers, in order.
        headers: Vec<(String, String)>,
        /// Response body.
        body: Bytes,
    },
    /// Shapes the event stream of the next streaming `POST /v1/messages`
    /// that passes verification (see [`Fault`] for how it waits at the head
    /// of the queue). The answer is still `200` with
    /// `content-type: text/event-stream`.
    Stream(StreamScript),
    /// A slow server: the next request, whatever it is, is answered
    /// normally (authentication and all), but only after this long. The
    /// request counts as received when its headers arrive; the pause comes
    /// after its body has been read.
    Slow(Duration),
    /// A body that stops halfway. The next request, whatever it is, goes
    /// through the normal pipeline; then:
    ///
    /// * a buffered (JSON) answer is sent with its status, its headers and
    ///   the `content-length` of the whole body, but only the first half of
    ///   the body (rounded down), after which the connection is closed: the
    ///   client sees fewer bytes than `content-length` announced;
    /// * a streamed answer (`"stream": true`) sends `message_start` and is
    ///   then cut, exactly as [`StreamScript::cut_after(1)`](StreamScript::cut_after)
    ///   would (no final chunk).
    CutBody,
}

impl Fault {
    /// A Claude API error (`request-id` present).
    pub fn anthropic(status: u16, error_type: &str, message: &str) -> Self {
        Fault::Anthropic {
            status,
            error_type: error_type.to_owned(),
            message: message.to_owned(),
            details: None,
            headers: Vec::new(),
        }
    }

    /// Adds `error.details` to an [`Fault::Anthropic`]; other variants are
    /// returned unchanged.
    pub fn with_details(self, details: serde_json::Value) -> Self {
        match self {
            Fault::Anthropic {
                status,
                error_type,
                message,
                headers,
                ..
            } => Fault::Anthropic {
                status,
                error_type,
                message,
                details: Some(details),
                headers,
            },
            other => other,
        }
    }

    /// An AWS front-door error (`x-amzn-errortype`, no `request-id`).
    pub fn aws(status: u16, error_type: &str, message: &str) -> Self {
        Fault::AwsFrontDoor {
            status,
            error_type: error_type.to_owned(),
            message: message.to_owned(),
            headers: Vec::new(),
        }
    }

    /// Adds a response header to a [`Fault::Anthropic`], a
    /// [`Fault::AwsFrontDoor`] or a [`Fault::Raw`] (appended after the
    /// headers already there, so repeating a name sends it twice), e.g.
    /// `retry-after`, `retry-after-ms` or `x-should-retry`. Other variants
    /// are returned unchanged. Names and values that are not valid HTTP are
    /// skipped when the answer is sent.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        match &mut self {
            Fault::Anthropic { headers, .. }
            | Fault::AwsFrontDoor { headers, .. }
            | Fault::Raw { headers, .. } => headers.push((name.to_owned(), value.to_owned())),
            Fault::Stream(_) | Fault::Slow(_) | Fault::CutBody => {}
        }
        self
    }

    /// A slow server; see [`Fault::Slow`].
    pub fn slow(delay: Duration) -> Self {
        Fault::Slow(delay)
    }

    /// A body cut halfway; see [`Fault::CutBody`].
    pub fn cut_body() -> Self {
        Fault::CutBody
    }

    /// An HTML page with `content-type: text/html` and no request-id headers
    /// at all, as a CDN or load balancer in front of the service would send.
    pub fn html(status: u16, body: &str) -> Self {
        Fault::Raw {
            status,
            headers: vec![(
                "content-type".to_owned(),
                "text/html; charset=utf-8".to_owned(),
            )],
            body: Bytes::copy_from_slice(body.as_bytes()),
        }
    }

    /// A scripted event stream; see [`Fault::Stream`] and [`StreamScript`].
    pub fn stream(script: StreamScript) -> Self {
        Fault::Stream(script)
    }

    /// Any response at all; see [`Fault::Raw`].
    pub fn raw(status: u16, headers: Vec<(String, String)>, body: impl Into<Bytes>) -> Self {
        Fault::Raw {
            status,
            headers,
            body: body.into(),
        }
    }
}

impl From<StreamScript> for Fault {
    fn from(script: StreamScript) -> Self {
        Fault::Stream(script)
    }
}

/// How a streamed answer misbehaves, for [`Fault::Stream`].
///
/// The default script changes nothing: the events are those of a normal
/// stream, one event per body frame, `\n` line ends, no pause. Each method
/// changes one aspect; they combine.
///
/// The events of a normal stream are `message_start`, then for each content
/// block `content_block_start`, its `content_block_delta`s and
/// `content_block_stop`, then `message_delta` and `message_stop`; one `ping`
/// follows the first `content_block_start`.
///
/// ```
/// use std::time::Duration;
/// use anthropic_aws_emulator::{Fault, StreamScript};
///
/// // Overloaded in the middle of the answer: an `error` event after two
/// // deltas, then the body ends (the status stays 200).
/// let overloaded = Fault::stream(StreamScript::new().error_after(2, "overloaded_error", "Overloaded"));
/// // The connection drops after three events.
/// let cut = Fault::stream(StreamScript::new().cut_after(3));
/// // One byte per frame, `\r\n` line ends, an event type from the future.
/// let awkward = Fault::stream(
///     StreamScript::new()
///         .chunk_size(1)
///         .line_ending("\r\n")
///         .unknown_event()
///         .delay_between_events(Duration::from_millis(5)),
/// );
///
/// // Each method sets its own aspect and leaves the others alone, in any order.
/// let script = StreamScript::new().cut_after(3).chunk_size(1);
/// assert_eq!(script, StreamScript::new().chunk_size(1).cut_after(3));
/// assert_eq!(cut, Fault::Stream(StreamScript::new().cut_after(3)));
/// assert_ne!(overloaded, Fault::stream(StreamScript::new()));
/// let Fault::Stream(awkward) = awkward else { panic!("not a stream fault") };
/// let shown = format!("{awkward:?}");
/// for aspect in ["chunk_size: Some(1)", r#"line_ending: "\r\n""#, "unknown_event: true", "delay: Some(5ms)"] {
///     assert!(shown.contains(aspect), "{shown}");
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamScript {
    error_after: Option<StreamError>,
    cut_after: Option<usize>,
    unknown_event: bool,
    chunk_size: Option<usize>,
    line_ending: String,
    delay: Option<Duration>,
}

/// The `error` event of [`StreamScript::error_after`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StreamError {
    /// Content deltas sent before the error.
    pub(crate) after_deltas: usize,
    /// `error.type`.
    pub(crate) error_type: String,
    /// `error.message`.
    pub(crate) message: String,
}

impl Default for StreamScript {
    fn default() -> Self {
        StreamScript {
            error_after: None,
            cut_after: None,
            unknown_event: false,
            chunk_size: None,
            line_ending: "\n".to_owned(),
            delay: None,
        }
    }
}

impl StreamScript {
    /// A script that changes nothing (same as `Default`).
    pub fn new() -> Self {
        StreamScript::default()
    }

    /// After `deltas` `content_block_delta` events (of any kind: text,
    /// thinking, signature, tool input), sends
    /// `event: error` with
    /// `{"type":"error","error":{"type":<error_type>,"message":<message>},"request_id":<the request-id header>}`
    /// and ends the body cleanly; nothing else follows (no `message_stop`).
    /// When the answer has `deltas` or fewer deltas, the error takes the
    /// place of `message_stop`. The HTTP status stays 200.
    pub fn error_after(mut self, deltas: usize, error_type: &str, message: &str) -> Self {
        self.error_after = Some(StreamError {
            after_deltas: deltas,
            error_type: error_type.to_owned(),
            message: message.to_owned(),
        });
        self
    }

    /// Aborts the body after the first `events` events (`ping` and the
    /// [unknown event](Self::unknown_event) count): hyper closes the
    /// connection without the final empty chunk, so the client sees the
    /// body fail rather than end. The cut always comes before
    /// `message_stop`: when the stream has `events` events or fewer, it is
    /// cut before its last one.
    pub fn cut_after(mut self, events: usize) -> Self {
        self.cut_after = Some(events);
        self
    }

    /// Sends `event: future_thing` with `{"type":"future_thing","x":1}` right
    /// after the `ping`, as a newer API version might.
    pub fn unknown_event(mut self) -> Self {
        self.unknown_event = true;
        self
    }

    /// Writes the serialized stream in body frames (HTTP chunks) of exactly
    /// `bytes` bytes, the last one possibly shorter, regardless of event,
    /// line and UTF-8 character boundaries. `1` gives one byte per frame; `0`
    /// is taken as `1`. Without it, each event is one frame.
    pub fn chunk_size(mut self, bytes: usize) -> Self {
        self.chunk_size = Some(bytes.max(1));
        self
    }

    /// The line terminator of the events: `"\n"` (the default), `"\r\n"`
    /// or `"\r"`. Any other string is written verbatim, to imitate a broken
    /// server.
    pub fn line_ending(mut self, ending: &str) -> Self {
        ending.clone_into(&mut self.line_ending);
        self
    }

    /// Pauses for `delay` before every body frame but the first (and before
    /// a [cut](Self::cut_after)). With [`chunk_size`](Self::chunk_size) the
    /// pause is between chunks, not between events.
    pub fn delay_between_events(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }

    pub(crate) fn error(&self) -> Option<&StreamError> {
        self.error_after.as_ref()
    }

    pub(crate) fn cut(&self) -> Option<usize> {
        self.cut_after
    }

    pub(crate) fn has_unknown_event(&self) -> bool {
        self.unknown_event
    }

    pub(crate) fn frame_size(&self) -> Option<usize> {
        self.chunk_size
    }

    pub(crate) fn terminator(&self) -> &str {
        &self.line_ending
    }

    pub(crate) fn delay(&self) -> Option<Duration> {
        self.delay
    }
}
