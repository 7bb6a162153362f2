//! What the server received and what it answered: the record kept in
//! memory and written, as one JSON line, to the request log.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use serde::Serialize;

use crate::server::is_sensitive_header;
use crate::time;

/// What the server received and what it answered.
#[derive(Clone)]
pub struct RecordedRequest {
    /// The method, e.g. `POST`.
    pub method: String,
    /// The request target as received, e.g. `/v1/models?limit=2`.
    pub path_and_query: String,
    /// Header names (lowercased) and values (lossily decoded as UTF-8), in
    /// arrival order, except that repeated headers are grouped at the
    /// position of their first occurrence.
    pub headers: Vec<(String, String)>,
    /// The body bytes, when [recorded](crate::EmulatorBuilder::record_bodies)
    /// (empty otherwise).
    pub body: Bytes,
    /// How many body bytes arrived (also when the body is not kept; for a
    /// body over the size limit, the bytes read before giving up).
    pub body_len: usize,
    /// The hex SHA-256 of a body that was streamed to disk rather than kept
    /// (`POST /v1/files`), computed over the exact bytes received, when the
    /// whole body arrived: two uploads carried the same bytes when their
    /// hashes are equal. `None` for other requests.
    pub body_sha256: Option<String>,
    /// The status answered (`200` for a streamed answer, whatever its
    /// events; the request is recorded before they are sent).
    pub status: u16,
    /// The `x-amzn-requestid` sent back (empty if none was, as for
    /// [`Fault::html`](crate::Fault::html)).
    pub aws_request_id: String,
    /// The `request-id` sent back; `None` when the AWS front door (or a raw
    /// fault without one) answered.
    pub anthropic_request_id: Option<String>,
    /// When the request's headers arrived (the real clock, not a
    /// [shifted](crate::EmulatorBuilder::clock_ahead) one).
    pub received_at: SystemTime,
    /// How the request tried to authenticate (whether or not it succeeded).
    pub auth: RequestAuth,
    /// Whether its credentials were checked, and what came of it.
    pub auth_outcome: AuthOutcome,
    /// The access key id of a SigV4 `Authorization` header, when it names
    /// one (whether or not it is known). Never a secret.
    pub access_key_id: Option<String>,
    /// `"ok"`, or what went wrong: the Anthropic error type
    /// (`overloaded_error`, ...) or the AWS exception name
    /// (`ThrottlingException`, ...) answered. A 200 stream scripted to fail
    /// has its `error` event's type, or `stream_cut`; a body cut by
    /// [`Fault::CutBody`](crate::Fault::CutBody) has `body_cut`; a raw answer without a type has
    /// `ok` below 400 and `http_<status>` otherwise.
    pub verdict: String,
    /// The `x-stainless-retry-count` header as a number (0 for a first
    /// attempt), if the client sent one.
    pub attempt: Option<u64>,
    /// The scenario the request carried (model suffix and
    /// `x-emulator-scenario` header, joined by `;`), if any.
    pub scenario: Option<String>,
}

/// How a request tried to authenticate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestAuth {
    /// An `Authorization` header other than `Bearer` (taken as SigV4).
    SigV4,
    /// `Authorization: Bearer <key>` or `x-api-key`.
    ApiKey,
    /// Neither.
    None,
}

/// What came of a request's credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuthOutcome {
    /// Checked and accepted (the workspace and version checks may still
    /// have failed).
    Accepted,
    /// Checked and rejected: a missing, unknown, duplicated or invalid
    /// credential.
    Rejected,
    /// Not checked: a queued fault or a front-door scenario answered
    /// first, the scenario was malformed, the body was too large or too
    /// slow, or the emulator runs in [fast mode](crate::EmulatorBuilder::fast).
    Unchecked,
}

impl RequestAuth {
    /// `"sigv4"`, `"api_key"` or `"none"`, as in the request log.
    pub fn as_str(self) -> &'static str {
        match self {
            RequestAuth::SigV4 => "sigv4",
            RequestAuth::ApiKey => "api_key",
            RequestAuth::None => "none",
        }
    }
}

impl fmt::Display for RequestAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl RecordedRequest {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body parsed as JSON, if it is JSON.
    pub fn body_json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// The record as one line of the [request log](crate::EmulatorBuilder::request_log)
    /// (without the newline): a JSON object with `time` ([`received_at`](Self::received_at),
    /// RFC 3339 UTC with milliseconds), `method`, `path` (with the query),
    /// `auth` (`"sigv4"`, `"api_key"` or `"none"`), `access_key_id` (only
    /// when known from a SigV4 header), `verdict`, `status`,
    /// `aws_request_id` (`null` when none was sent), `anthropic_request_id`
    /// (or `null`), `attempt` (a number, or `null`) and `scenario` (only
    /// when the request carried one). No header values, bodies, secrets,
    /// session tokens or API keys.
    ///
    /// ```
    /// # use anthropic_aws_emulator::RecordedRequest;
    /// # fn check(request: &RecordedRequest) {
    /// let line: serde_json::Value = serde_json::from_str(&request.to_log_line()).unwrap();
    /// assert_eq!(line["verdict"], request.verdict.as_str());
    /// # }
    /// ```
    pub fn to_log_line(&self) -> String {
        line(self)
    }
}

/// Credentials (the headers [`is_sensitive_header`] names) show as `<redacted>`.
impl fmt::Debug for RecordedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(n, v)| {
                let shown = if is_sensitive_header(n) {
                    "<redacted>"
                } else {
                    v.as_str()
                };
                (n.as_str(), shown)
            })
            .collect();
        f.debug_struct("RecordedRequest")
            .field("method", &self.method)
            .field("path_and_query", &self.path_and_query)
            .field("headers", &headers)
            .field("body", &String::from_utf8_lossy(&self.body))
            .field("body_len", &self.body_len)
            .field("body_sha256", &self.body_sha256)
            .field("status", &self.status)
            .field("aws_request_id", &self.aws_request_id)
            .field("anthropic_request_id", &self.anthropic_request_id)
            .field("received_at", &self.received_at)
            .field("auth", &self.auth)
            .field("auth_outcome", &self.auth_outcome)
            .field("access_key_id", &self.access_key_id)
            .field("verdict", &self.verdict)
            .field("attempt", &self.attempt)
            .field("scenario", &self.scenario)
            .finish()
    }
}

/// The fields of a line, in order.
#[derive(Serialize)]
struct Line<'a> {
    time: String,
    method: &'a str,
    path: &'a str,
    auth: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    access_key_id: Option<&'a str>,
    verdict: &'a str,
    status: u16,
    aws_request_id: Option<&'a str>,
    anthropic_request_id: Option<&'a str>,
    attempt: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scenario: Option<&'a str>,
}

/// RFC 3339 UTC with milliseconds: `2026-11-25T08:40:00.123Z`.
fn rfc3339_millis(t: SystemTime) -> String {
    let seconds = time::format_rfc3339(t);
    let millis = t
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_millis())
        .unwrap_or_default();
    match seconds.strip_suffix('Z') {
        Some(base) => format!("{base}.{millis:03}Z"),
        None => seconds,
    }
}

/// `record` as one JSON line (no newline).
fn line(record: &RecordedRequest) -> String {
    let line = Line {
        time: rfc3339_millis(record.received_at),
        method: &record.method,
        path: &record.path_and_query,
        auth: record.auth.as_str(),
        access_key_id: record.access_key_id.as_deref(),
        verdict: &record.verdict,
        status: record.status,
        aws_request_id: Some(record.aws_request_id.as_str()).filter(|id| !id.is_empty()),
        anthropic_request_id: record.anthropic_request_id.as_deref(),
        attempt: record.attempt,
        scenario: record.scenario.as_deref(),
    };
    // Serializing plain strings and numbers cannot fail.
    serde_json::to_string(&line).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_every_credential_header_and_shows_the_rest() {
        let record = RecordedRequest {
            method: "POST".into(),
            path_and_query: "/v1/messages".into(),
            headers: [
                ("authorization", "Bearer s3cret-key"),
                ("X-Api-Key", "s3cret-api-key"),
                ("x-amz-security-token", "s3cret-token"),
                ("proxy-authorization", "Basic s3cret-proxy"),
                ("cookie", "session=s3cret-cookie"),
                ("anthropic-beta", "files-api-2025-04-14"),
            ]
            .into_iter()
            .map(|(n, v)| (n.to_owned(), v.to_owned()))
            .collect(),
            body: Bytes::new(),
            body_len: 0,
            body_sha256: None,
            status: 200,
            aws_request_id: String::new(),
            anthropic_request_id: None,
            received_at: UNIX_EPOCH,
            auth: RequestAuth::ApiKey,
            auth_outcome: AuthOutcome::Accepted,
            access_key_id: None,
            verdict: "ok".into(),
            attempt: None,
            scenario: None,
        };
        let shown = format!("{record:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("files-api-2025-04-14"), "{shown}");
        assert_eq!(shown.matches("<redacted>").count(), 5, "{shown}");
    }

    #[test]
    fn milliseconds_are_padded() {
        let t = time::from_unix_seconds(1_440_938_160) + std::time::Duration::from_millis(7);
        assert_eq!(rfc3339_millis(t), "2015-08-30T12:36:00.007Z");
    }
}
