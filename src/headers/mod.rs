//! Headers in one place: which ones a caller may set (the reserved-header check), how a
//! caller's header becomes a [`HeaderValue`] (marked sensitive when the caller says it is a
//! secret), and how `anthropic-beta` is merged ([`betas`]). How a header is *shown* is
//! decided in `redact.rs`, by the sensitive flag set here and by the signer.

pub(crate) mod betas;

use http::{HeaderName, HeaderValue};

use crate::error::Error;

/// `anthropic-beta`.
pub(crate) const BETA: HeaderName = HeaderName::from_static("anthropic-beta");
/// `anthropic-version`.
pub(crate) const VERSION: HeaderName = HeaderName::from_static("anthropic-version");
/// `anthropic-workspace-id`.
pub(crate) const WORKSPACE: HeaderName = HeaderName::from_static("anthropic-workspace-id");
/// `anthropic-user-profile-id`.
pub(crate) const USER_PROFILE: HeaderName = HeaderName::from_static("anthropic-user-profile-id");

/// Headers the client computes itself; a default or per-request header may not replace them.
const RESERVED: &[&str] = &[
    "host",
    "authorization",
    "content-length",
    "x-amz-date",
    "x-amz-security-token",
    "x-amz-content-sha256",
    "x-api-key",
    "anthropic-workspace-id",
    "anthropic-version",
];

/// A header a caller adds (a client's default header, a request's extra header), as given.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct CallerHeader {
    pub(crate) name: String,
    pub(crate) value: String,
    /// A secret: its value is never shown ([`HeaderValue::set_sensitive`]).
    pub(crate) sensitive: bool,
}

impl CallerHeader {
    pub(crate) fn new(name: impl Into<String>, value: impl Into<String>, sensitive: bool) -> Self {
        Self {
            name: name.into(),
            value: value.into(),
            sensitive,
        }
    }

    /// The header as it goes on the wire. A name or value that is not valid HTTP, or a header
    /// the client computes itself, is an [`Error::Config`].
    pub(crate) fn parse(&self) -> Result<(HeaderName, HeaderValue), Error> {
        let name = HeaderName::from_bytes(self.name.trim().as_bytes()).map_err(|_| {
            Error::config(format!(
                "header name {:?} is not a valid HTTP header name",
                self.name
            ))
        })?;
        if RESERVED.contains(&name.as_str()) {
            return Err(Error::config(format!(
                "header `{name}` is set by the client itself and cannot be given as a default or \
                 per-request header: use its option (`workspace_id`, `anthropic_version`, the \
                 credentials or API key)"
            )));
        }
        let mut value = value(name.as_str(), &self.value)?;
        value.set_sensitive(self.sensitive);
        Ok((name, value))
    }
}

/// `value` (trimmed) as the value of header `name`; not valid HTTP: an [`Error::Config`].
pub(crate) fn value(name: &str, value: &str) -> Result<HeaderValue, Error> {
    HeaderValue::from_str(value.trim()).map_err(|_| {
        Error::config(format!(
            "the value for header `{name}` is not a valid HTTP header value"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_or_invalid_caller_headers_are_configuration_errors() {
        for (name, value) in [
            ("Authorization", "x"),
            (" X-Amz-Security-Token ", "x"),
            ("x-api-key", "x"),
            ("anthropic-workspace-id", "wrkspc_x"),
            ("anthropic-version", "2023-06-01"),
            ("host", "example.com"),
            ("bad name", "x"),
            ("x-ok", "line\nbreak"),
        ] {
            let err = CallerHeader::new(name, value, false).parse().unwrap_err();
            assert!(matches!(err, Error::Config { .. }), "{name}: {err:?}");
        }
        let err = CallerHeader::new("Authorization", "x", true)
            .parse()
            .unwrap_err();
        assert!(err.to_string().contains("`authorization`"), "{err}");
    }

    #[test]
    fn a_caller_header_is_trimmed_and_sensitive_only_when_asked() {
        let (name, value) = CallerHeader::new(" X-Trace ", " t-1 ", false)
            .parse()
            .unwrap();
        assert_eq!((name.as_str(), value.to_str().unwrap()), ("x-trace", "t-1"));
        assert!(!value.is_sensitive());
        let (_, secret) = CallerHeader::new("x-gateway-key", "s3cr3t", true)
            .parse()
            .unwrap();
        assert!(secret.is_sensitive());
        // Not reserved: a caller may set these (betas are merged, the profile replaced).
        for name in [
            "anthropic-beta",
            "anthropic-user-profile-id",
            "content-type",
        ] {
            assert!(
                CallerHeader::new(name, "v", false).parse().is_ok(),
                "{name}"
            );
        }
    }
}
