//! [`RawRequest`]: a signed call to any route, for what the client does not model yet (Agents,
//! Workspaces, a new beta): the same signing, retry policy, error taxonomy and both request
//! IDs as every modelled call.

use std::sync::Arc;

use bytes::Bytes;
use http::Method;
use serde_json::Value;

use crate::error::Error;
use crate::request_options::RequestOptions;
use crate::response::RawResponse;
use crate::transport::{Call, Transport};

/// A call to any route below the base URL, from [`Client::request`](crate::Client::request).
///
/// The answer is a [`RawResponse`] (status, headers, body bytes, both request IDs) whose
/// [`parse`](RawResponse::parse) gives a [`serde_json::Value`]; an error status is an
/// [`Error::Api`] in the one taxonomy, as for every other call. The body is sent as
/// `content-type: application/json` unless a `content-type` header says otherwise.
///
/// ```no_run
/// # async fn run(client: anthropic_aws::Client) -> Result<(), anthropic_aws::Error> {
/// use anthropic_aws::Method;
///
/// let agents = client
///     .request(Method::GET, "/v1/agents")
///     .query("limit", "10")
///     .header("anthropic-beta", "managed-agents-2026-04-01")
///     .send()
///     .await?;
/// println!("AWS request ID {:?}", agents.aws_request_id());
/// let agents = agents.parse()?; // a serde_json::Value
/// # Ok(()) }
/// ```
#[derive(Clone)]
#[must_use = "a request does nothing until it is sent"]
pub struct RawRequest<'c> {
    transport: &'c Arc<Transport>,
    method: Method,
    path: String,
    query: Vec<(String, String)>,
    /// Name, value, and whether the value is a secret.
    headers: Vec<(String, String, bool)>,
    body: Option<Result<Bytes, String>>,
    options: RequestOptions,
    iam: Option<&'static str>,
}

impl<'c> RawRequest<'c> {
    pub(crate) fn new(transport: &'c Arc<Transport>, method: Method, path: &str) -> Self {
        Self {
            transport,
            method,
            path: path.to_owned(),
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
            options: RequestOptions::default(),
            iam: None,
        }
    }

    /// A query parameter (repeatable; sent in the order given).
    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }

    /// A header, signed like every other (see [`RequestOptions::header`] for the ones the
    /// client sets itself).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into(), false));
        self
    }

    /// A header whose value is a secret: as [`header`](Self::header), but never shown (see
    /// [`RequestOptions::sensitive_header`]).
    ///
    /// ```no_run
    /// # async fn run(client: anthropic_aws::Client) -> Result<(), anthropic_aws::Error> {
    /// let answer = client
    ///     .request(anthropic_aws::Method::GET, "/v1/agents")
    ///     .sensitive_header("x-gateway-key", "gw-s3cr3t")
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn sensitive_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into(), true));
        self
    }

    /// `body` serialized as the JSON body.
    pub fn json(mut self, body: &impl serde::Serialize) -> Self {
        self.body = Some(
            serde_json::to_vec(body)
                .map(Bytes::from)
                .map_err(|e| e.to_string()),
        );
        self
    }

    /// These exact bytes as the body (set a `content-type` header if they are not JSON).
    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = Some(Ok(body.into()));
        self
    }

    /// The IAM action this route needs (`"GetWorkspace"`, in the `aws-external-anthropic`
    /// namespace): an AccessDenied answer then names it instead of giving generic advice.
    ///
    /// ```no_run
    /// # async fn run(client: anthropic_aws::Client) -> Result<(), anthropic_aws::Error> {
    /// let workspace = client
    ///     .request(anthropic_aws::Method::GET, "/v1/organizations/workspaces/wrkspc_01")
    ///     .iam_action("GetWorkspace")
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn iam_action(mut self, action: &'static str) -> Self {
        self.iam = Some(action);
        self
    }

    /// Timeouts, retries, betas, workspace and the rest for this call; the query parameters
    /// and headers given on this builder go after the options' own.
    pub fn options(mut self, options: RequestOptions) -> Self {
        self.options = options;
        self
    }

    /// Sends the request (signed afresh on each attempt, retried as the retry policy allows)
    /// and reads the whole answer.
    pub async fn send(self) -> Result<RawResponse<Value>, Error> {
        let segments = path_segments(&self.path)?;
        let body = match self.body {
            None => None,
            Some(Ok(bytes)) => Some(bytes),
            Some(Err(e)) => {
                return Err(Error::config(format!(
                    "the request body cannot be serialized: {e}"
                )));
            }
        };
        let mut options = self.options;
        for (name, value) in self.query {
            options = options.query(name, value);
        }
        for (name, value, sensitive) in self.headers {
            options = if sensitive {
                options.sensitive_header(name, value)
            } else {
                options.header(name, value)
            };
        }
        let body = match body {
            Some(bytes) if options.has_body_fields() => {
                Some(Bytes::from(options.merge_body(bytes.to_vec())?))
            }
            other => other,
        };
        let mut call = Call::new(self.method, &segments, &options).body(body);
        if let Some(action) = self.iam {
            call = call.iam(action);
        }
        self.transport.raw(call).await
    }
}

/// The segments of `path` (`/v1/agents/agent_01`), unencoded; the query goes in
/// [`RawRequest::query`], and `.`, `..` or empty segments would leave the route named.
fn path_segments(path: &str) -> Result<Vec<&str>, Error> {
    if path.contains(['?', '#']) {
        return Err(Error::config(format!(
            "the path {path:?} carries a query or fragment: give query parameters with .query(name, value)"
        )));
    }
    let trimmed = path.strip_prefix('/').unwrap_or(path);
    let segments: Vec<&str> = trimmed.split('/').collect();
    if trimmed.is_empty() || segments.iter().any(|s| matches!(*s, "" | "." | "..")) {
        return Err(Error::config(format!(
            "the path {path:?} must name a route such as /v1/agents, without empty, `.` or `..` segments"
        )));
    }
    Ok(segments)
}

impl crate::Client {
    /// A signed call to any route, for what this client does not model yet (Agents,
    /// Workspaces, ...): signed, retried and classified like every other call, answered with
    /// both request IDs.
    ///
    /// ```no_run
    /// # async fn run(client: anthropic_aws::Client) -> Result<(), anthropic_aws::Error> {
    /// use anthropic_aws::Method;
    /// use serde_json::json;
    ///
    /// let created = client
    ///     .request(Method::POST, "/v1/agents")
    ///     .header("anthropic-beta", "managed-agents-2026-04-01")
    ///     .json(&json!({"name": "triage", "model": "claude-opus-4-8"}))
    ///     .send()
    ///     .await?;
    /// println!("{} (AWS request ID {:?})", created.status(), created.aws_request_id());
    /// # Ok(()) }
    /// ```
    pub fn request(&self, method: Method, path: &str) -> RawRequest<'_> {
        RawRequest::new(self.transport(), method, path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_split_into_segments() {
        assert_eq!(path_segments("/v1/agents").unwrap(), ["v1", "agents"]);
        assert_eq!(
            path_segments("v1/skills/skill_01/versions").unwrap(),
            ["v1", "skills", "skill_01", "versions"]
        );
    }

    #[test]
    fn paths_that_leave_their_route_are_refused() {
        for bad in [
            "",
            "/",
            "/v1//agents",
            "/v1/agents/",
            "/v1/../x",
            "/v1/./x",
            "/v1/a?b=c",
            "/v1/a#f",
        ] {
            assert!(
                matches!(path_segments(bad), Err(Error::Config { .. })),
                "{bad:?}"
            );
        }
    }
}
