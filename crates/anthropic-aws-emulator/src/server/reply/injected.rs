//! The answers a test injects rather than the API gives: a queued [`Fault`],
//! a scenario's error, an odd (non-JSON) body, and a body cut halfway. Each
//! is made from the shapes of the parent module.

use bytes::Bytes;
use hyper::StatusCode;
use serde_json::Value;

use super::{Reply, ReplyBody};
use crate::faults::{AWS_ERROR_NAMESPACE, Fault};
use crate::scenario::{self, BodyKind, Scenario, ScenarioError};
use crate::state::Shared;

impl Reply {
    /// The answer to a queued error fault.
    pub(in crate::server) fn from_fault(shared: &Shared, fault: Fault) -> Self {
        match fault {
            // Unreachable: `answer` never pops a stream fault (streaming
            // requests take theirs in `create_message`) and handles slow and
            // cut faults itself. A 500 rather than a panic, should that ever
            // change.
            Fault::Stream(_) | Fault::Slow(_) | Fault::CutBody => Reply::anthropic_error(
                shared,
                500,
                "api_error",
                "a fault answered a request it was not meant for",
                None,
            ),
            Fault::Anthropic {
                status,
                error_type,
                message,
                details,
                headers,
            } => {
                let mut reply =
                    Reply::anthropic_error(shared, status, &error_type, &message, details.as_ref());
                reply.headers.extend(headers);
                reply
            }
            Fault::AwsFrontDoor {
                status,
                error_type,
                message,
                headers,
            } => {
                let mut reply = Reply::aws_error(
                    shared,
                    status,
                    &format!("{error_type}{AWS_ERROR_NAMESPACE}"),
                    &message,
                );
                reply.headers.extend(headers);
                reply
            }
            Fault::Raw {
                status,
                headers,
                body,
            } => {
                let find = |name: &str| {
                    headers
                        .iter()
                        .find(|(n, _)| n.eq_ignore_ascii_case(name))
                        .map(|(_, v)| v.clone())
                };
                let verdict = if status < 400 {
                    "ok".to_owned()
                } else if let Some(kind) = find("x-amzn-errortype") {
                    kind.split_once(':')
                        .map_or(kind.as_str(), |(n, _)| n)
                        .to_owned()
                } else {
                    serde_json::from_slice::<Value>(&body)
                        .ok()
                        .and_then(|v| v["error"]["type"].as_str().map(str::to_owned))
                        .unwrap_or_else(|| scenario::type_of_status(status).to_owned())
                };
                Reply {
                    status,
                    aws_request_id: find("x-amzn-requestid").unwrap_or_default(),
                    anthropic_request_id: find("request-id"),
                    headers,
                    body: ReplyBody::Full(body),
                    verdict,
                    delay: None,
                }
            }
        }
    }

    /// The error answer of a scenario, with its extra headers and delay.
    pub(in crate::server) fn from_scenario(
        shared: &Shared,
        scenario: &Scenario,
        error: ScenarioError,
    ) -> Self {
        let mut reply = match error {
            ScenarioError::Anthropic {
                status,
                error_type,
                message,
            } => Reply::anthropic_error(shared, status, &error_type, &message, None),
            ScenarioError::Aws {
                status,
                exception,
                message,
            } => Reply::aws_error(
                shared,
                status,
                &format!("{exception}{AWS_ERROR_NAMESPACE}"),
                &message,
            ),
            ScenarioError::Body { status, kind } => Reply::odd_body(shared, status, kind),
        };
        reply.headers.extend(scenario.extra_headers());
        reply.delay = scenario.delay;
        reply
    }

    /// A non-JSON answer (`body=`): a CDN's HTML page without request ids,
    /// or garbage / nothing under `content-type: application/json` with
    /// both request ids.
    pub(in crate::server) fn odd_body(shared: &Shared, status: u16, kind: BodyKind) -> Self {
        let verdict = if status >= 400 {
            scenario::type_of_status(status).to_owned()
        } else {
            match kind {
                BodyKind::Html => "body_html",
                BodyKind::Garbage => "body_garbage",
                BodyKind::Empty => "body_empty",
            }
            .to_owned()
        };
        if kind == BodyKind::Html {
            let reason = StatusCode::from_u16(status)
                .ok()
                .and_then(|s| s.canonical_reason())
                .unwrap_or("Error");
            let page = format!(
                "<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n\
                 <center><h1>{status} {reason}</h1></center>\r\n<hr><center>CloudFront</center>\r\n\
                 </body>\r\n</html>\r\n"
            );
            return Reply {
                status,
                headers: vec![(
                    "content-type".to_owned(),
                    "text/html; charset=utf-8".to_owned(),
                )],
                body: ReplyBody::Full(Bytes::from(page)),
                aws_request_id: String::new(),
                anthropic_request_id: None,
                verdict,
                delay: None,
            };
        }
        let mut reply = Reply::anthropic_json(shared, status, &Value::Null);
        reply.body = ReplyBody::Full(match kind {
            BodyKind::Garbage => Bytes::from_static(b"\x00\xff<<garbage>> {\"type\":\"mess"),
            BodyKind::Html | BodyKind::Empty => Bytes::new(),
        });
        reply.verdict = verdict;
        reply
    }

    /// [`Fault::CutBody`]: a buffered body or a file's content is sent
    /// only halfway (streams are cut by their script instead).
    pub(in crate::server) fn cut_body(&mut self) {
        match &mut self.body {
            ReplyBody::Full(bytes) => {
                let declared = bytes.len();
                self.body = ReplyBody::Partial {
                    sent: bytes.slice(..declared / 2),
                    declared,
                };
            }
            ReplyBody::Content(content) if !content.is_cut() => {
                content.cut_after(content.size() / 2);
            }
            _ => return,
        }
        "body_cut".clone_into(&mut self.verdict);
    }
}
