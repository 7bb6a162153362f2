//! Parsing a scenario's `key=value;key=value` text into a [`Scenario`], and
//! rejecting combinations that cannot mean anything. Every error names the
//! bad item.

use std::time::Duration;

use hyper::header::HeaderValue;

use super::errors::status_of_type;
use super::{BodyKind, Scenario, ScriptedStop};
use crate::sigv4;

/// Every key a scenario may use, for error messages.
const KEYS: &str = "status, type, aws, message, retry-after, retry-after-ms, should-retry, \
                    times, delay-ms, body, stream-error-after, stream-cut-after, chunk-size, \
                    stream-text-bytes, text-delta-bytes, batch-results-bytes, batch-expire, \
                    file-downloadable, file-synthetic-bytes, cut-after-bytes, tool-use, \
                    tool-calls, tool-rounds, stop-reason, answer-text";

fn number<T: std::str::FromStr>(item: &str, value: &str) -> Result<T, String> {
    value
        .parse()
        .map_err(|_| format!("bad scenario item `{item}`: `{value}` is not a whole number"))
}

/// A percent-decoded value (`%3B` is `;`, `%3D` is `=`, `%20` a space).
fn decoded(value: &str) -> String {
    String::from_utf8_lossy(&sigv4::percent_decode(value, false)).into_owned()
}

fn at_least_one(item: &str, value: &str) -> Result<usize, String> {
    match number(item, value)? {
        0 => Err(format!(
            "bad scenario item `{item}`: the count is at least 1"
        )),
        n => Ok(n),
    }
}

fn header_value(item: &str, value: &str) -> Result<String, String> {
    if value.is_empty() || HeaderValue::from_str(value).is_err() {
        return Err(format!(
            "bad scenario item `{item}`: the value must be a non-empty, valid header value"
        ));
    }
    Ok(value.to_owned())
}

fn flag(item: &str, key: &str, value: &str) -> Result<bool, String> {
    match value {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(format!(
            "bad scenario item `{item}`: {key} is true or false"
        )),
    }
}

fn set<T>(slot: &mut Option<T>, key: &str, value: T) -> Result<(), String> {
    if slot.is_some() {
        return Err(format!("bad scenario: `{key}` is given twice"));
    }
    *slot = Some(value);
    Ok(())
}

/// Parses `key=value;key=value`. The error names the bad item.
pub(crate) fn parse(text: &str) -> Result<Scenario, String> {
    let mut s = Scenario {
        text: text.to_owned(),
        ..Scenario::default()
    };
    for item in text.split(';').map(str::trim).filter(|i| !i.is_empty()) {
        let Some((key, value)) = item.split_once('=') else {
            return Err(format!(
                "bad scenario item `{item}`: expected key=value (keys: {KEYS})"
            ));
        };
        let (key, value) = (key.trim(), value.trim());
        match key {
            "status" => {
                let status: u16 = number(item, value)?;
                if !(100..=999).contains(&status) {
                    return Err(format!(
                        "bad scenario item `{item}`: a status is between 100 and 999"
                    ));
                }
                set(&mut s.status, key, status)?;
            }
            "type" => {
                if value.is_empty()
                    || !value
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_')
                {
                    return Err(format!(
                        "bad scenario item `{item}`: an error type is letters, digits and `_`"
                    ));
                }
                set(&mut s.error_type, key, value.to_owned())?;
            }
            "aws" => {
                if value.is_empty() || !value.bytes().all(|b| b.is_ascii_alphanumeric()) {
                    return Err(format!(
                        "bad scenario item `{item}`: an AWS exception name is letters and digits, \
                         e.g. ThrottlingException"
                    ));
                }
                set(&mut s.aws, key, value.to_owned())?;
            }
            "message" => set(&mut s.message, key, decoded(value))?,
            "answer-text" => set(&mut s.answer.text, key, decoded(value))?,
            "retry-after" => set(&mut s.retry_after, key, header_value(item, value)?)?,
            "retry-after-ms" => set(&mut s.retry_after_ms, key, header_value(item, value)?)?,
            "should-retry" => set(&mut s.should_retry, key, flag(item, key, value)?)?,
            "times" => set(&mut s.times, key, number(item, value)?)?,
            "delay-ms" => set(
                &mut s.delay,
                key,
                Duration::from_millis(number(item, value)?),
            )?,
            "body" => {
                let kind = match value {
                    "html" => BodyKind::Html,
                    "garbage" => BodyKind::Garbage,
                    "empty" => BodyKind::Empty,
                    _ => {
                        return Err(format!(
                            "bad scenario item `{item}`: body is html, garbage or empty"
                        ));
                    }
                };
                set(&mut s.body, key, kind)?;
            }
            "stream-error-after" => set(&mut s.stream_error_after, key, number(item, value)?)?,
            "stream-cut-after" => set(&mut s.stream_cut_after, key, number(item, value)?)?,
            "chunk-size" => {
                let size: usize = number(item, value)?;
                if size == 0 {
                    return Err(format!(
                        "bad scenario item `{item}`: chunk-size is at least 1"
                    ));
                }
                set(&mut s.chunk_size, key, size)?;
            }
            "stream-text-bytes" => set(&mut s.text_bytes, key, number(item, value)?)?,
            "text-delta-bytes" => {
                let size: usize = number(item, value)?;
                if size == 0 {
                    return Err(format!(
                        "bad scenario item `{item}`: text-delta-bytes is at least 1"
                    ));
                }
                set(&mut s.text_delta_bytes, key, size)?;
            }
            "batch-results-bytes" => set(&mut s.batch_results_bytes, key, number(item, value)?)?,
            "batch-expire" => set(&mut s.batch_expire, key, flag(item, key, value)?)?,
            "file-downloadable" => {
                set(&mut s.file_downloadable, key, flag(item, key, value)?)?;
            }
            "file-synthetic-bytes" => set(&mut s.file_synthetic_bytes, key, number(item, value)?)?,
            "cut-after-bytes" => set(&mut s.cut_after_bytes, key, number(item, value)?)?,
            "tool-use" => {
                let names: Vec<String> = value.split(',').map(|n| n.trim().to_owned()).collect();
                if names.iter().any(String::is_empty) {
                    return Err(format!(
                        "bad scenario item `{item}`: tool-use is a comma-separated list of tool \
                         names, e.g. tool-use=get_weather,get_time"
                    ));
                }
                set(&mut s.answer.tool_use, key, names)?;
            }
            "tool-calls" => set(&mut s.answer.tool_calls, key, at_least_one(item, value)?)?,
            "tool-rounds" => set(&mut s.answer.tool_rounds, key, at_least_one(item, value)?)?,
            "stop-reason" => {
                let stop = match value {
                    "refusal" => ScriptedStop::Refusal,
                    "max_tokens" => ScriptedStop::MaxTokens,
                    "pause_turn" => ScriptedStop::PauseTurn,
                    _ => {
                        return Err(format!(
                            "bad scenario item `{item}`: stop-reason is refusal, max_tokens or \
                             pause_turn"
                        ));
                    }
                };
                set(&mut s.answer.stop_reason, key, stop)?;
            }
            _ => {
                return Err(format!(
                    "bad scenario item `{item}`: unknown key `{key}` (keys: {KEYS})"
                ));
            }
        }
    }
    s.check()?;
    Ok(s)
}

impl Scenario {
    /// Rejects combinations that cannot mean anything.
    fn check(&self) -> Result<(), String> {
        if self.aws.is_some() && self.error_type.is_some() {
            return Err(
                "bad scenario: `aws` and `type` cannot be combined (an AWS error has no error \
                 type)"
                    .to_owned(),
            );
        }
        if self.stream_error_after.is_some()
            && (self.status.is_some() || self.aws.is_some() || self.body.is_some())
        {
            return Err(
                "bad scenario: `stream-error-after` (a 200 stream with an error event) cannot be \
                 combined with `status`, `aws` or `body`"
                    .to_owned(),
            );
        }
        if self.answer.tool_use.is_some() && self.answer.tool_calls.is_some() {
            return Err(
                "bad scenario: `tool-use` (which tools) and `tool-calls` (how many calls of the \
                 first tools) cannot be combined"
                    .to_owned(),
            );
        }
        if let (Some(status), None, None) = (self.status, self.body, &self.aws)
            && !(400..=599).contains(&status)
        {
            return Err(format!(
                "bad scenario item `status={status}`: an error status is between 400 and 599 \
                 (add body=garbage|html|empty for another status)"
            ));
        }
        if let (None, None, Some(error_type), None) = (
            self.status,
            &self.aws,
            &self.error_type,
            self.stream_error_after,
        ) && status_of_type(error_type).is_none()
        {
            return Err(format!(
                "bad scenario item `type={error_type}`: unknown error type, give its status too \
                 (status=N)"
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_scenarios_name_the_bad_item() {
        for (text, needle) in [
            ("status", "`status`"),
            ("statuz=500", "unknown key `statuz`"),
            ("status=abc", "`status=abc`"),
            ("status=200", "`status=200`"),
            ("status=500;status=502", "`status` is given twice"),
            ("type=brand_new", "`type=brand_new`"),
            ("type=a b", "`type=a b`"),
            ("aws=Throttling-Exception", "`aws=Throttling-Exception`"),
            ("aws=ThrottlingException;type=api_error", "`aws` and `type`"),
            ("stream-error-after=1;status=500", "stream-error-after"),
            ("should-retry=yes", "`should-retry=yes`"),
            ("file-downloadable=1", "`file-downloadable=1`"),
            ("cut-after-bytes=-5", "`cut-after-bytes=-5`"),
            ("file-synthetic-bytes=x", "`file-synthetic-bytes=x`"),
            ("body=xml", "`body=xml`"),
            ("chunk-size=0", "`chunk-size=0`"),
            ("times=-1", "`times=-1`"),
            ("retry-after=", "`retry-after=`"),
            ("tool-use=a,,b", "`tool-use=a,,b`"),
            ("tool-use=", "`tool-use=`"),
            ("tool-calls=0", "`tool-calls=0`"),
            ("tool-rounds=x", "`tool-rounds=x`"),
            ("tool-use=a;tool-calls=2", "`tool-use` (which tools)"),
            ("stop-reason=end_turn", "`stop-reason=end_turn`"),
        ] {
            match parse(text) {
                Ok(s) => panic!("{text:?} parsed: {s:?}"),
                Err(e) => assert!(e.contains(needle), "{text:?}: {e}"),
            }
        }
    }
}
