//! [`Reply`]: what the server answers, before it becomes a hyper response,
//! and the shapes every answer takes (Claude API JSON and errors, AWS
//! front-door errors, event streams, batch results, file content). The
//! answers a test injects (faults, scenario errors, odd bodies, a cut body)
//! are made in `injected`.

use std::convert::Infallible;
use std::sync::atomic::Ordering;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full};
use hyper::header::{HeaderName, HeaderValue};
use hyper::{Response, StatusCode};
use serde_json::{Value, json};

use crate::batches::ResultsBody;
use crate::error::ApiError;
use crate::faults::StreamScript;
use crate::files::ContentBody;
use crate::messages::{AnswerPlan, MessagesRequest, message_skeleton};
use crate::state::Shared;
use crate::stream::{self, BodyError, EventBody, EventStream, PartialBody};

mod injected;

/// The response body type: buffered, or a stream of server-sent events
/// (which may fail, to cut the connection).
pub(crate) type ResBody = BoxBody<Bytes, BodyError>;

/// The body of a [`Reply`].
#[derive(Debug)]
pub(crate) enum ReplyBody {
    /// A complete body.
    Full(Bytes),
    /// Server-sent events, sent frame by frame (boxed to keep `Reply`
    /// small).
    Events(Box<EventStream>),
    /// [`Fault::CutBody`](crate::faults::Fault::CutBody): `content-length:
    /// declared`, then only `sent`, then the connection is closed.
    Partial {
        /// The bytes sent.
        sent: Bytes,
        /// The length announced.
        declared: usize,
    },
    /// The JSON Lines results of a message batch, written as they are sent.
    Results(ResultsBody),
    /// A file's content, read from disk (or generated) as it is sent.
    Content(ContentBody),
}

/// What the server answers, before it becomes a hyper response.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(super) status: u16,
    pub(super) headers: Vec<(String, String)>,
    pub(super) body: ReplyBody,
    /// The `x-amzn-requestid` sent (empty when none was).
    pub(super) aws_request_id: String,
    /// The `request-id` sent, when the Claude API (not the front door)
    /// answered.
    pub(super) anthropic_request_id: Option<String>,
    /// `ok` or what went wrong (see
    /// [`RecordedRequest::verdict`](crate::RecordedRequest::verdict)).
    pub(super) verdict: String,
    /// How long to wait before answering.
    pub(super) delay: Option<Duration>,
}

impl Reply {
    /// A JSON answer from the Claude API (with both request ids).
    pub(crate) fn anthropic_json(shared: &Shared, status: u16, body: &Value) -> Self {
        let aws_id = shared.ids.aws();
        let request_id = shared.ids.anthropic();
        Reply {
            status,
            headers: vec![
                ("content-type".to_owned(), "application/json".to_owned()),
                ("x-amzn-requestid".to_owned(), aws_id.clone()),
                ("request-id".to_owned(), request_id.clone()),
            ],
            body: ReplyBody::Full(Bytes::from(body.to_string())),
            aws_request_id: aws_id,
            anthropic_request_id: Some(request_id),
            verdict: "ok".to_owned(),
            delay: None,
        }
    }

    /// A Claude API error; its body repeats the `request-id`.
    pub(super) fn anthropic_error(
        shared: &Shared,
        status: u16,
        error_type: &str,
        message: &str,
        details: Option<&Value>,
    ) -> Self {
        let mut reply = Reply::anthropic_json(shared, status, &Value::Null);
        let mut error = json!({ "type": error_type, "message": message });
        if let (Some(details), Some(obj)) = (details, error.as_object_mut()) {
            obj.insert("details".to_owned(), details.clone());
        }
        let body = json!({
            "type": "error",
            "error": error,
            "request_id": reply.anthropic_request_id,
        });
        reply.body = ReplyBody::Full(Bytes::from(body.to_string()));
        error_type.clone_into(&mut reply.verdict);
        reply
    }

    /// A `200` stream of server-sent events answering `request` with
    /// `plan`, shaped by `script`.
    pub(crate) fn event_stream(
        shared: &Shared,
        request: &MessagesRequest,
        plan: &AnswerPlan,
        script: &StreamScript,
    ) -> Self {
        let number = shared.message_counter.fetch_add(1, Ordering::SeqCst) + 1;
        let message = message_skeleton(request, plan, number);
        let aws_id = shared.ids.aws();
        let request_id = shared.ids.anthropic();
        let events = stream::event_stream(&message, plan, script, &request_id);
        let verdict = match (script.cut(), script.error()) {
            (Some(_), _) => "stream_cut".to_owned(),
            (None, Some(error)) => error.error_type.clone(),
            (None, None) => "ok".to_owned(),
        };
        Reply {
            status: 200,
            headers: vec![
                ("content-type".to_owned(), "text/event-stream".to_owned()),
                ("cache-control".to_owned(), "no-cache".to_owned()),
                ("x-amzn-requestid".to_owned(), aws_id.clone()),
                ("request-id".to_owned(), request_id.clone()),
            ],
            body: ReplyBody::Events(Box::new(events)),
            aws_request_id: aws_id,
            anthropic_request_id: Some(request_id),
            verdict,
            delay: None,
        }
    }

    /// The results of a message batch (`200`, `application/binary`, both
    /// request ids), generated while they are sent.
    pub(crate) fn batch_results(shared: &Shared, results: ResultsBody) -> Self {
        let mut reply = Reply::anthropic_json(shared, 200, &Value::Null);
        if let Some((_, value)) = reply.headers.iter_mut().find(|(n, _)| n == "content-type") {
            "application/binary".clone_into(value);
        }
        reply.body = ReplyBody::Results(results);
        reply
    }

    /// A file's content (`200`, its MIME type, its `content-length`, both
    /// request ids), streamed.
    pub(crate) fn file_content(shared: &Shared, content: ContentBody, mime_type: &str) -> Self {
        let mut reply = Reply::anthropic_json(shared, 200, &Value::Null);
        if let Some((_, value)) = reply.headers.iter_mut().find(|(n, _)| n == "content-type") {
            mime_type.clone_into(value);
        }
        if content.is_cut() {
            "body_cut".clone_into(&mut reply.verdict);
        }
        reply.body = ReplyBody::Content(content);
        reply
    }

    /// The same reply with another status (e.g. `206` for a range).
    pub(crate) fn with_status(mut self, status: u16) -> Self {
        self.status = status;
        self
    }

    /// The same reply with one more header.
    pub(crate) fn with_header(mut self, name: &str, value: String) -> Self {
        self.headers.push((name.to_owned(), value));
        self
    }

    pub(crate) fn api_error(shared: &Shared, error: &ApiError) -> Self {
        Reply::anthropic_error(shared, error.status, error.error_type, &error.message, None)
    }

    /// An error from the AWS front door: `x-amzn-errortype`, `x-amzn-requestid`,
    /// `{"message": ..}`, no `request-id`.
    pub(super) fn aws_error(shared: &Shared, status: u16, error_type: &str, message: &str) -> Self {
        let aws_id = shared.ids.aws();
        Reply {
            status,
            headers: vec![
                ("content-type".to_owned(), "application/json".to_owned()),
                ("x-amzn-errortype".to_owned(), error_type.to_owned()),
                ("x-amzn-requestid".to_owned(), aws_id.clone()),
            ],
            body: ReplyBody::Full(Bytes::from(json!({ "message": message }).to_string())),
            aws_request_id: aws_id,
            anthropic_request_id: None,
            verdict: error_type
                .split_once(':')
                .map_or(error_type, |(name, _)| name)
                .to_owned(),
            delay: None,
        }
    }

    /// Turns the reply into a hyper response. Invalid statuses become 500;
    /// headers that are not valid HTTP, or that would break the framing
    /// (`content-length`, `transfer-encoding`), are skipped.
    ///
    /// A `date` header showing `now` is added unless the reply has one.
    pub(super) fn into_response(self, now: SystemTime) -> Response<ResBody> {
        let mut declared = None;
        let body = match self.body {
            ReplyBody::Full(bytes) => Full::new(bytes)
                .map_err(|never: Infallible| match never {})
                .boxed(),
            ReplyBody::Events(events) => EventBody::new(*events).boxed(),
            ReplyBody::Results(results) => {
                results.map_err(|never: Infallible| match never {}).boxed()
            }
            ReplyBody::Content(content) => content.boxed(),
            ReplyBody::Partial { sent, declared: n } => {
                declared = Some(n);
                PartialBody::new(sent).boxed()
            }
        };
        let mut response = Response::new(body);
        *response.status_mut() =
            StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let headers = response.headers_mut();
        for (name, value) in &self.headers {
            let (Ok(name), Ok(value)) = (
                HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(value),
            ) else {
                continue;
            };
            if name == hyper::header::CONTENT_LENGTH || name == hyper::header::TRANSFER_ENCODING {
                continue;
            }
            headers.append(name, value);
        }
        if let Some(n) = declared {
            headers.insert(hyper::header::CONTENT_LENGTH, HeaderValue::from(n));
        }
        if !headers.contains_key(hyper::header::DATE)
            && let Ok(date) = HeaderValue::from_str(&httpdate::fmt_http_date(now))
        {
            headers.insert(hyper::header::DATE, date);
        }
        response
    }
}
