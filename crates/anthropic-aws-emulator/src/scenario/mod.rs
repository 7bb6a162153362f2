//! Scenarios: failures and answer shapes scripted per request, without
//! code, in the `x-emulator-scenario` header or as a model-name suffix
//! (`"claude-opus-4-8~status=529;times=2"`). See the crate's README.
//!
//! Here: the parsed [`Scenario`] and what it asks for (its error, headers,
//! stream shape). The text is parsed and checked in `parse`; the error
//! tables are in `errors`.

use std::time::Duration;

use crate::faults::StreamScript;

mod errors;
mod parse;

use errors::{aws_message, aws_status, default_message};
pub(crate) use errors::{status_of_type, type_of_status};
pub(crate) use parse::parse;

/// The request header that carries a scenario.
pub(crate) const HEADER: &str = "x-emulator-scenario";

/// What separates a model name from its scenario.
pub(crate) const MODEL_SEPARATOR: char = '~';

/// The stream error of `stream-error-after` when no `type` is given.
const DEFAULT_STREAM_ERROR: &str = "overloaded_error";

/// A non-JSON body (`body=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyKind {
    /// A CDN's HTML error page, `content-type: text/html`, no request ids.
    Html,
    /// Bytes that are not JSON, under `content-type: application/json`.
    Garbage,
    /// Nothing at all (`content-length: 0`).
    Empty,
}

/// A stop reason a scenario scripts (`stop-reason=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ScriptedStop {
    /// `refusal`: a short non-JSON refusal text.
    Refusal,
    /// `max_tokens`: the text answer cut in the middle.
    MaxTokens,
    /// `pause_turn`: a paused turn, to be sent back as it is.
    PauseTurn,
}

/// What a scenario asks of a Messages answer's content (see `messages`).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct AnswerScript {
    /// `tool-use=a,b`: the tools called, in order.
    pub(crate) tool_use: Option<Vec<String>>,
    /// `tool-calls=N`: how many tool calls.
    pub(crate) tool_calls: Option<usize>,
    /// `tool-rounds=N`: answer `tool_use` until the conversation holds N
    /// assistant turns with tool calls.
    pub(crate) tool_rounds: Option<usize>,
    /// `stop-reason=`: only while the scenario's faults are active
    /// (`times`).
    pub(crate) stop_reason: Option<ScriptedStop>,
    /// `answer-text=` (percent-decoded): the text of a text answer; only
    /// while the scenario's faults are active (`times`).
    pub(crate) text: Option<String>,
}

/// A parsed scenario.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Scenario {
    /// The scenario as given (model suffix, then header, joined by `;`):
    /// the key of the `times` counter and what the log shows.
    pub(crate) text: String,
    status: Option<u16>,
    error_type: Option<String>,
    aws: Option<String>,
    message: Option<String>,
    retry_after: Option<String>,
    retry_after_ms: Option<String>,
    should_retry: Option<bool>,
    /// `times=N`: the scenario's faults hit only the first N requests.
    pub(crate) times: Option<u64>,
    /// `delay-ms`.
    pub(crate) delay: Option<Duration>,
    body: Option<BodyKind>,
    stream_error_after: Option<usize>,
    stream_cut_after: Option<usize>,
    chunk_size: Option<usize>,
    /// `stream-text-bytes`: the answer's text is exactly this many bytes.
    pub(crate) text_bytes: Option<u64>,
    /// `text-delta-bytes`: bytes of that text per streamed `text_delta`.
    pub(crate) text_delta_bytes: Option<usize>,
    /// `batch-results-bytes=N` (on a batch create): synthetic results of N
    /// bytes (see `batches`).
    pub(crate) batch_results_bytes: Option<u64>,
    /// `batch-expire=true` (on a batch create, or a batch request's model):
    /// the request(s) end `expired`.
    pub(crate) batch_expire: Option<bool>,
    /// `file-downloadable=true|false` (on `POST /v1/files`): whether the
    /// uploaded file can be downloaded, whatever the builder says.
    pub(crate) file_downloadable: Option<bool>,
    /// `file-synthetic-bytes=N` (on `POST /v1/files`): the stored file is a
    /// synthetic one of N bytes, downloadable, in place of the content sent.
    pub(crate) file_synthetic_bytes: Option<u64>,
    /// `cut-after-bytes=N` (on `GET /v1/files/{id}/content`): only the
    /// first N bytes are sent, then the connection breaks.
    pub(crate) cut_after_bytes: Option<u64>,
    /// `tool-use`, `tool-calls`, `tool-rounds` and `stop-reason`.
    answer: AnswerScript,
}

/// The error answer a scenario asks for.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ScenarioError {
    /// An Anthropic API error (`request-id` present).
    Anthropic {
        status: u16,
        error_type: String,
        message: String,
    },
    /// An AWS front-door error.
    Aws {
        status: u16,
        exception: String,
        message: String,
    },
    /// A non-JSON body.
    Body { status: u16, kind: BodyKind },
}

/// The scenario of a request: the model suffix (if any) and the header (if
/// any), joined by `;`. `None` when neither is present or both are empty.
pub(crate) fn combine(model_suffix: Option<&str>, header: Option<&str>) -> Option<String> {
    let parts: Vec<&str> = [model_suffix, header]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    if parts.is_empty() {
        None
    } else {
        Some(parts.join(";"))
    }
}

/// The model name without its scenario suffix, and the suffix.
pub(crate) fn split_model(model: &str) -> (&str, Option<&str>) {
    match model.split_once(MODEL_SEPARATOR) {
        Some((name, scenario)) => (name, Some(scenario)),
        None => (model, None),
    }
}

impl Scenario {
    /// Whether the scenario's error applies before authentication (`aws=`).
    pub(crate) fn is_front_door(&self) -> bool {
        self.aws.is_some()
    }

    /// Whether the scenario has anything `times` limits.
    pub(crate) fn has_faults(&self) -> bool {
        self.error().is_some()
            || self.delay.is_some()
            || self.stream_error_after.is_some()
            || self.stream_cut_after.is_some()
            || self.cut_after_bytes.is_some()
            || self.answer.stop_reason.is_some()
            || self.answer.text.is_some()
    }

    /// What the scenario asks of a Messages answer's content; its
    /// `stop-reason` only when `active` (the faults of `times` hit).
    pub(crate) fn answer_script(&self, active: bool) -> AnswerScript {
        let mut script = self.answer.clone();
        if !active {
            script.stop_reason = None;
            script.text = None;
        }
        script
    }

    /// The error answer, if the scenario asks for one.
    pub(crate) fn error(&self) -> Option<ScenarioError> {
        if let Some(exception) = &self.aws {
            return Some(ScenarioError::Aws {
                status: self.status.unwrap_or_else(|| aws_status(exception)),
                exception: exception.clone(),
                message: self
                    .message
                    .clone()
                    .unwrap_or_else(|| aws_message(exception)),
            });
        }
        if let Some(kind) = self.body {
            return Some(ScenarioError::Body {
                status: self.status.unwrap_or(200),
                kind,
            });
        }
        if self.stream_error_after.is_some() {
            return None;
        }
        let (status, error_type) = match (self.status, &self.error_type) {
            (None, None) => return None,
            (Some(status), None) => (status, type_of_status(status).to_owned()),
            (status, Some(error_type)) => (
                status.or_else(|| status_of_type(error_type)).unwrap_or(500),
                error_type.clone(),
            ),
        };
        Some(ScenarioError::Anthropic {
            status,
            message: self
                .message
                .clone()
                .unwrap_or_else(|| default_message(&error_type)),
            error_type,
        })
    }

    /// `retry-after`, `retry-after-ms` and `x-should-retry`, for an error
    /// answer.
    pub(crate) fn extra_headers(&self) -> Vec<(String, String)> {
        let mut headers = Vec::new();
        if let Some(v) = &self.retry_after {
            headers.push(("retry-after".to_owned(), v.clone()));
        }
        if let Some(v) = &self.retry_after_ms {
            headers.push(("retry-after-ms".to_owned(), v.clone()));
        }
        if let Some(v) = self.should_retry {
            headers.push(("x-should-retry".to_owned(), v.to_string()));
        }
        headers
    }

    /// `script` with the scenario's stream keys applied; the error and cut
    /// only when the scenario's faults are active.
    pub(crate) fn shape(&self, mut script: StreamScript, faults_active: bool) -> StreamScript {
        if let Some(size) = self.chunk_size {
            script = script.chunk_size(size);
        }
        if faults_active {
            if let Some(after) = self.stream_error_after {
                let error_type = self.error_type.as_deref().unwrap_or(DEFAULT_STREAM_ERROR);
                let message = self
                    .message
                    .clone()
                    .unwrap_or_else(|| default_message(error_type));
                script = script.error_after(after, error_type, &message);
            }
            if let Some(after) = self.stream_cut_after {
                script = script.cut_after(after);
            }
        }
        script
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(text: &str) -> Option<ScenarioError> {
        parse(text).ok().and_then(|s| s.error())
    }

    #[test]
    fn statuses_and_types_imply_each_other() {
        assert_eq!(
            error("status=529"),
            Some(ScenarioError::Anthropic {
                status: 529,
                error_type: "overloaded_error".to_owned(),
                message: "Overloaded".to_owned()
            })
        );
        assert_eq!(
            error("type=rate_limit_error;message=slow%20down%3B%3Dnow"),
            Some(ScenarioError::Anthropic {
                status: 429,
                error_type: "rate_limit_error".to_owned(),
                message: "slow down;=now".to_owned()
            })
        );
        assert_eq!(
            error("status=418;type=teapot_error"),
            Some(ScenarioError::Anthropic {
                status: 418,
                error_type: "teapot_error".to_owned(),
                message: "teapot_error".to_owned()
            })
        );
        assert_eq!(
            error("aws=ThrottlingException"),
            Some(ScenarioError::Aws {
                status: 400,
                exception: "ThrottlingException".to_owned(),
                message: "Rate exceeded".to_owned()
            })
        );
        assert!(matches!(
            error("aws=AccessDeniedException"),
            Some(ScenarioError::Aws { status: 403, .. })
        ));
        assert_eq!(
            error("body=html;status=413"),
            Some(ScenarioError::Body {
                status: 413,
                kind: BodyKind::Html
            })
        );
        assert_eq!(
            error("body=garbage"),
            Some(ScenarioError::Body {
                status: 200,
                kind: BodyKind::Garbage
            })
        );
        assert_eq!(error("delay-ms=5;times=2"), None);
        assert_eq!(error("stream-error-after=2;type=api_error"), None);
        assert_eq!(error(" ; status = 500 ; "), error("status=500"));
    }

    #[test]
    fn answer_keys_script_the_content() {
        let s = parse("tool-use=a, b;tool-rounds=2;stop-reason=pause_turn;times=1");
        let Ok(s) = s else {
            panic!("{s:?}");
        };
        let script = AnswerScript {
            tool_use: Some(vec!["a".to_owned(), "b".to_owned()]),
            tool_calls: None,
            tool_rounds: Some(2),
            stop_reason: Some(ScriptedStop::PauseTurn),
            text: None,
        };
        assert_eq!(s.answer_script(true), script);
        // The stop reason is a fault: `times` ends it, the tools stay.
        assert_eq!(
            s.answer_script(false),
            AnswerScript {
                stop_reason: None,
                ..script
            }
        );
        assert!(s.has_faults());
        assert_eq!(s.error(), None);
        let calls = parse("tool-calls=3").map(|s| (s.answer_script(true), s.has_faults()));
        assert_eq!(
            calls,
            Ok((
                AnswerScript {
                    tool_calls: Some(3),
                    ..AnswerScript::default()
                },
                false
            ))
        );
    }

    #[test]
    fn model_suffixes_and_headers_combine() {
        assert_eq!(
            split_model("claude-opus-4-8~status=529;times=2"),
            ("claude-opus-4-8", Some("status=529;times=2"))
        );
        assert_eq!(split_model("claude-opus-4-8"), ("claude-opus-4-8", None));
        assert_eq!(
            combine(Some("status=529"), Some("times=1")).as_deref(),
            Some("status=529;times=1")
        );
        assert_eq!(combine(Some(" "), None), None);
        assert_eq!(combine(None, None), None);
        let s = parse("retry-after=2;retry-after-ms=1500;should-retry=false;status=503");
        assert_eq!(
            s.map(|s| s.extra_headers()),
            Ok(vec![
                ("retry-after".to_owned(), "2".to_owned()),
                ("retry-after-ms".to_owned(), "1500".to_owned()),
                ("x-should-retry".to_owned(), "false".to_owned()),
            ])
        );
    }
}
