//! [`RequestOptions`]: per-request overrides of the client's timeouts and retries, and what the
//! official SDKs call `extra_headers`, `extra_query` and `extra_body`, per-request betas,
//! `workspace_id` and user profile.

use std::borrow::Cow;
use std::fmt;
use std::sync::LazyLock;
use std::time::Duration;

use http::header::{HeaderMap, HeaderName};
use serde_json::{Map, Value};

use crate::error::Error;
use crate::headers::{self, CallerHeader, betas};

/// Overrides and additions for one request; anything unset falls back to the client's setting.
///
/// Every header added here is signed with the rest (SigV4 signs every header the client
/// sends). Headers the client computes itself (`authorization`, `host`, `x-amz-*`,
/// `content-length`, `x-api-key`, `anthropic-version`, `anthropic-workspace-id`) cannot be
/// set through [`header`](Self::header): the call fails with [`Error::Config`] and nothing is
/// sent. The workspace has its own option, [`workspace_id`](Self::workspace_id). A header
/// whose value is a secret goes through [`sensitive_header`](Self::sensitive_header), so that
/// `--debug` output and [`WireEvent`](crate::WireEvent)s never show it.
///
/// ```no_run
/// # async fn run(client: anthropic_aws::Client) -> Result<(), anthropic_aws::Error> {
/// use std::time::Duration;
/// use anthropic_aws::RequestOptions;
/// use anthropic_aws::types::{MessageCreateParams, MessageParam};
///
/// let options = RequestOptions::new()
///     .timeout(Duration::from_secs(20))
///     .max_retries(0)
///     .workspace_id("wrkspc_01OtherWorkspace")
///     .beta("context-management-2025-06-27")
///     .header("x-trace-id", "checkout-42")
///     .body_field("inference_geo", "us");
/// let params = MessageCreateParams::new("claude-opus-4-8", 256, vec![MessageParam::user("Hi")]);
/// let message = client.messages().with_options(options).create(&params).await?;
/// # Ok(()) }
/// ```
#[derive(Clone, Default, PartialEq)]
pub struct RequestOptions {
    pub(crate) timeout: Option<Duration>,
    pub(crate) connect_timeout: Option<Duration>,
    pub(crate) max_retries: Option<u32>,
    /// Boxed, and only once one is set: every call carries its options, and most set none.
    extras: Option<Box<Extras>>,
}

/// What a request adds to the wire beyond timeouts and retries.
#[derive(Clone, Default, PartialEq)]
struct Extras {
    headers: Vec<CallerHeader>,
    query: Vec<(String, String)>,
    body: Map<String, Value>,
    betas: Vec<String>,
    workspace_id: Option<String>,
    user_profile_id: Option<String>,
}

/// The extras of options that set none.
static NO_EXTRAS: LazyLock<Extras> = LazyLock::new(Extras::default);

impl RequestOptions {
    /// No overrides.
    pub fn new() -> Self {
        Self::default()
    }

    /// The overall timeout of each attempt (for a stream: until the response headers arrive,
    /// then the longest silence between two chunks). Setting it lifts the long-request guard.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The connect timeout of each attempt.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// How many times this request is retried.
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = Some(max_retries);
        self
    }

    /// An extra header (`extra_headers`): replaces the client's header of that name; the same
    /// name given twice sends both values. Signed like every other header. An
    /// `anthropic-beta` header replaces the client's betas; the request's
    /// [`beta`](Self::beta)s and the route's own still follow it.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.extras_mut()
            .headers
            .push(CallerHeader::new(name, value, false));
        self
    }

    /// An extra header whose value is a secret: as [`header`](Self::header), but marked
    /// sensitive, so that [`WireEvent`](crate::WireEvent)s (the CLI's `--debug`) show
    /// `<redacted>` instead of the value.
    ///
    /// ```
    /// use anthropic_aws::RequestOptions;
    ///
    /// let options = RequestOptions::new().sensitive_header("x-gateway-key", "gw-s3cr3t");
    /// assert!(!format!("{options:?}").contains("gw-s3cr3t"));
    /// ```
    pub fn sensitive_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.extras_mut()
            .headers
            .push(CallerHeader::new(name, value, true));
        self
    }

    /// An extra query parameter (`extra_query`), after the call's own.
    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.extras_mut().query.push((name.into(), value.into()));
        self
    }

    /// An extra top-level field of the JSON body (`extra_body`), replacing a field of that
    /// name. Calls without a JSON body (`GET`, `DELETE`) send no body and ignore it.
    pub fn body_field(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.extras_mut().body.insert(name.into(), value.into());
        self
    }

    /// A beta for this request, sent in `anthropic-beta` after the client's own betas.
    pub fn beta(mut self, beta: impl Into<String>) -> Self {
        self.extras_mut().betas.push(beta.into());
        self
    }

    /// The workspace this request names in `anthropic-workspace-id`, instead of the client's.
    pub fn workspace_id(mut self, workspace_id: impl Into<String>) -> Self {
        self.extras_mut().workspace_id = Some(workspace_id.into());
        self
    }

    /// The `anthropic-user-profile-id` header: the user profile the request acts for.
    pub fn user_profile_id(mut self, user_profile_id: impl Into<String>) -> Self {
        self.extras_mut().user_profile_id = Some(user_profile_id.into());
        self
    }

    fn extras(&self) -> &Extras {
        self.extras.as_deref().unwrap_or(&NO_EXTRAS)
    }

    fn extras_mut(&mut self) -> &mut Extras {
        self.extras.get_or_insert_default()
    }

    /// Whether any extra body field is set.
    pub(crate) fn has_body_fields(&self) -> bool {
        !self.extras().body.is_empty()
    }

    /// The extra query parameters, in order.
    pub(crate) fn extra_query(&self) -> impl Iterator<Item = (&str, &str)> {
        self.extras()
            .query
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
    }

    /// The client's `defaults` with this request's headers over them ([`apply_headers`]):
    /// borrowed as they are when the request sets none, as most do.
    ///
    /// [`apply_headers`]: Self::apply_headers
    pub(crate) fn headers_over<'a>(
        &self,
        defaults: &'a HeaderMap,
    ) -> Result<Cow<'a, HeaderMap>, Error> {
        let extras = self.extras();
        let untouched = extras.betas.is_empty()
            && extras.workspace_id.is_none()
            && extras.user_profile_id.is_none()
            && extras.headers.is_empty();
        if untouched {
            return Ok(Cow::Borrowed(defaults));
        }
        let mut headers = defaults.clone();
        self.apply_headers(&mut headers)?;
        Ok(Cow::Owned(headers))
    }

    /// Writes this request's headers over the client's `headers`: the workspace and user
    /// profile, then the extra headers (each replacing the client's of its name), then the
    /// betas merged after those `headers` then carry. A name or value that is not valid HTTP,
    /// or a header the client computes itself, is an [`Error::Config`].
    pub(crate) fn apply_headers(&self, headers: &mut HeaderMap) -> Result<(), Error> {
        let extras = self.extras();
        if let Some(workspace_id) = &extras.workspace_id {
            headers.insert(
                headers::WORKSPACE,
                headers::value(headers::WORKSPACE.as_str(), workspace_id)?,
            );
        }
        if let Some(profile) = &extras.user_profile_id {
            headers.insert(
                headers::USER_PROFILE,
                headers::value(headers::USER_PROFILE.as_str(), profile)?,
            );
        }
        let mut replaced: Vec<HeaderName> = Vec::new();
        for header in &extras.headers {
            let (name, value) = header.parse()?;
            if replaced.contains(&name) {
                headers.append(name, value);
            } else {
                headers.insert(name.clone(), value);
                replaced.push(name);
            }
        }
        if !extras.betas.is_empty() || replaced.contains(&headers::BETA) {
            betas::add(headers, extras.betas.iter().map(String::as_str))?;
        }
        Ok(())
    }

    /// `body` (a serialized JSON object) with the extra body fields merged in at the top
    /// level; unchanged when there are none.
    pub(crate) fn merge_body(&self, body: Vec<u8>) -> Result<Vec<u8>, Error> {
        let extras = self.extras();
        if extras.body.is_empty() {
            return Ok(body);
        }
        let mut object: Map<String, Value> = serde_json::from_slice(&body).map_err(|e| {
            Error::config(format!(
                "extra body fields need a JSON object body to merge into: {e}"
            ))
        })?;
        object.extend(extras.body.iter().map(|(k, v)| (k.clone(), v.clone())));
        serde_json::to_vec(&object)
            .map_err(|e| Error::config(format!("the request body cannot be serialized: {e}")))
    }
}

/// Names only: a header or body value may be a secret.
impl fmt::Debug for RequestOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let extras = self.extras();
        let headers: Vec<&str> = extras.headers.iter().map(|h| h.name.as_str()).collect();
        let query: Vec<&str> = extras.query.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("RequestOptions")
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("max_retries", &self.max_retries)
            .field("headers", &headers)
            .field("query", &query)
            .field("body_fields", &extras.body.keys().collect::<Vec<_>>())
            .field("betas", &extras.betas)
            .field("workspace_id", &extras.workspace_id)
            .field("user_profile_id", &extras.user_profile_id.is_some())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    const BETA_HEADER: &str = "anthropic-beta";
    const WORKSPACE_HEADER: &str = "anthropic-workspace-id";
    const USER_PROFILE_HEADER: &str = "anthropic-user-profile-id";

    fn client_headers() -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(WORKSPACE_HEADER, HeaderValue::from_static("wrkspc_client"));
        headers.insert(BETA_HEADER, HeaderValue::from_static("a-1,b-2"));
        headers.insert("x-default", HeaderValue::from_static("client"));
        headers
    }

    #[test]
    fn headers_over_borrows_the_defaults_until_a_header_option_is_set() {
        let defaults = client_headers();
        let untouched = RequestOptions::new()
            .timeout(Duration::from_secs(5))
            .headers_over(&defaults)
            .unwrap();
        assert!(matches!(untouched, Cow::Borrowed(_)));
        for options in [
            RequestOptions::new().header("x-extra", "1"),
            RequestOptions::new().beta("c-3"),
            RequestOptions::new().workspace_id("wrkspc_request"),
            RequestOptions::new().user_profile_id("prof_1"),
        ] {
            let over = options.headers_over(&defaults).unwrap();
            assert!(matches!(over, Cow::Owned(_)), "{options:?}");
            let mut expected = client_headers();
            options.apply_headers(&mut expected).unwrap();
            assert_eq!(*over, expected, "{options:?}");
            assert_ne!(*over, defaults, "{options:?}");
        }
    }

    #[test]
    fn request_headers_go_over_the_clients() {
        let mut headers = client_headers();
        RequestOptions::new()
            .beta("c-3")
            .workspace_id("wrkspc_request")
            .user_profile_id("uprof_1")
            .header("x-default", "one")
            .header("x-default", "two")
            .apply_headers(&mut headers)
            .unwrap();
        assert_eq!(headers[BETA_HEADER], "a-1,b-2,c-3");
        assert_eq!(headers[WORKSPACE_HEADER], "wrkspc_request");
        assert_eq!(headers[USER_PROFILE_HEADER], "uprof_1");
        let values: Vec<_> = headers.get_all("x-default").iter().collect();
        assert_eq!(values, ["one", "two"]);
    }

    #[test]
    fn nothing_set_changes_nothing() {
        let mut headers = client_headers();
        RequestOptions::new().apply_headers(&mut headers).unwrap();
        assert_eq!(headers, client_headers());
        assert_eq!(
            RequestOptions::new().merge_body(b"{}".to_vec()).unwrap(),
            b"{}"
        );
    }

    #[test]
    fn reserved_or_invalid_headers_are_configuration_errors() {
        for (name, value) in [
            ("Authorization", "x"),
            ("x-amz-security-token", "x"),
            ("anthropic-workspace-id", "wrkspc_x"),
            ("bad name", "x"),
            ("x-ok", "line\nbreak"),
        ] {
            let err = RequestOptions::new()
                .header(name, value)
                .apply_headers(&mut HeaderMap::new())
                .unwrap_err();
            assert!(matches!(err, Error::Config { .. }), "{name}: {err:?}");
        }
    }

    #[test]
    fn body_fields_merge_at_the_top_level() {
        let merged = RequestOptions::new()
            .body_field("inference_geo", "us")
            .body_field("max_tokens", 9)
            .merge_body(br#"{"model":"m","max_tokens":1}"#.to_vec())
            .unwrap();
        let merged: Value = serde_json::from_slice(&merged).unwrap();
        assert_eq!(
            merged,
            serde_json::json!({"model": "m", "max_tokens": 9, "inference_geo": "us"})
        );
    }

    #[test]
    fn debug_shows_names_never_values() {
        let options = RequestOptions::new()
            .header("x-secret", "s3cr3t-header")
            .query("token", "s3cr3t-query")
            .body_field("key", "s3cr3t-body")
            .user_profile_id("s3cr3t-profile");
        let shown = format!("{options:?}");
        assert!(
            shown.contains("x-secret") && shown.contains("token"),
            "{shown}"
        );
        assert!(!shown.contains("s3cr3t"), "{shown}");
    }
}
