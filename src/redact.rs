//! What is shown of a secret: nothing. The one rule for headers (a value marked sensitive,
//! by the signer, the API-key auth or a caller's [`sensitive_header`], is never shown) and the
//! one for URLs (their userinfo, `user:password@`, is never shown), used wherever the client
//! prints, logs or reports a header or a URL.
//!
//! [`sensitive_header`]: crate::RequestOptions::sensitive_header

use std::borrow::Cow;

use http::header::{AUTHORIZATION, Entry, LOCATION};
use http::{HeaderMap, HeaderName, HeaderValue};

/// What replaces a secret.
pub(crate) const REDACTED: &str = "<redacted>";

/// Header `name`'s `value` as it may be shown: the value (lossily decoded) unless it is
/// marked sensitive ([`HeaderValue::is_sensitive`]); a sensitive one is `<redacted>`, except
/// that `authorization` keeps its scheme word (`AWS4-HMAC-SHA256 <redacted>`,
/// `Bearer <redacted>`) and a `location` (marked by [`mark_urls`]) only loses its userinfo.
pub(crate) fn header_value<'v>(name: &HeaderName, value: &'v HeaderValue) -> Cow<'v, str> {
    let text = String::from_utf8_lossy(value.as_bytes());
    if !value.is_sensitive() {
        return text;
    }
    if name == LOCATION {
        return Cow::Owned(redact_url(&text).into_owned());
    }
    let scheme = (name == AUTHORIZATION)
        .then(|| text.split_once(' '))
        .flatten()
        .map(|(scheme, _)| scheme);
    match scheme {
        Some(scheme) => Cow::Owned(format!("{scheme} {REDACTED}")),
        None => Cow::Borrowed(REDACTED),
    }
}

/// Marks sensitive every `location` of `headers` (a response's, as it arrives) whose URL
/// carries userinfo: from then on it is shown only through [`header_value`], and a header
/// map's `Debug` hides it.
pub(crate) fn mark_urls(headers: &mut HeaderMap) {
    // Looked up first: `entry` may grow the map, and most answers have no `location`.
    if !headers.contains_key(LOCATION) {
        return;
    }
    if let Entry::Occupied(mut locations) = headers.entry(LOCATION) {
        for value in locations.iter_mut() {
            let has_userinfo = matches!(
                redact_url(&String::from_utf8_lossy(value.as_bytes())),
                Cow::Owned(_)
            );
            if has_userinfo {
                value.set_sensitive(true);
            }
        }
    }
}

/// `url` with the userinfo (`user:password@`) of every URL in it replaced by `<redacted>`:
/// `https://user:secret@host/path` is shown as `https://<redacted>@host/path`. Anything else
/// (a relative `Location`, a URL without userinfo, text that is no URL) comes back as it is.
/// The client shows every URL it prints, logs or puts in an error through this function.
///
/// ```
/// assert_eq!(
///     anthropic_aws::redact_url("https://user:secret@example.com/v1?a=b"),
///     "https://<redacted>@example.com/v1?a=b"
/// );
/// assert_eq!(anthropic_aws::redact_url("/v1/messages"), "/v1/messages");
/// ```
pub fn redact_url(url: &str) -> Cow<'_, str> {
    let mut shown = String::new();
    let mut redacted = false;
    let mut rest = url;
    while let Some(start) = authority_start(rest) {
        let authority = &rest[start..];
        let end = authority
            .find(['/', '?', '#', '\\'])
            .unwrap_or(authority.len());
        match authority[..end].rfind('@') {
            Some(at) => {
                shown.push_str(&rest[..start]);
                shown.push_str(REDACTED);
                redacted = true;
                rest = &authority[at..];
            }
            None => {
                shown.push_str(&rest[..start + end]);
                rest = &authority[end..];
            }
        }
    }
    if !redacted {
        return Cow::Borrowed(url);
    }
    shown.push_str(rest);
    Cow::Owned(shown)
}

/// Where the authority of the first URL in `text` starts: after `scheme://`, or after a
/// leading `//` (a scheme-relative reference).
fn authority_start(text: &str) -> Option<usize> {
    if text.starts_with("//") {
        return Some(2);
    }
    let mut from = 0;
    while let Some(found) = text[from..].find("://") {
        let at = from + found;
        let scheme_start = text[..at]
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
            .map_or(0, |i| i + 1);
        let scheme = &text[scheme_start..at];
        if scheme.starts_with(|c: char| c.is_ascii_alphabetic()) {
            return Some(at + 3);
        }
        from = at + 3;
    }
    None
}

/// `error` without the URL it carries (its `Display` prints it) when that URL has userinfo.
pub(crate) fn reqwest_error(error: reqwest::Error) -> reqwest::Error {
    match error.url() {
        Some(url) if matches!(redact_url(url.as_str()), Cow::Owned(_)) => error.without_url(),
        _ => error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn userinfo_is_redacted_wherever_a_url_carries_it() {
        for (url, shown) in [
            (
                "https://user:secret@host.example/v1/x?y=1#f",
                "https://<redacted>@host.example/v1/x?y=1#f",
            ),
            (
                "http://secret@127.0.0.1:9/",
                "http://<redacted>@127.0.0.1:9/",
            ),
            ("https://u:p%40ss@h/", "https://<redacted>@h/"),
            ("https://a:b@c:d@h/", "https://<redacted>@h/"),
            ("//user:secret@h/p", "//<redacted>@h/p"),
            ("https://h", "https://h"),
            ("https://h/path@not-userinfo", "https://h/path@not-userinfo"),
            ("https://h?next=a@b", "https://h?next=a@b"),
            ("/v1/messages", "/v1/messages"),
            ("", ""),
            ("not a url", "not a url"),
            ("://x:y@h/", "://x:y@h/"),
            (
                "redirecting to https://u:secret@a/ then ftp://v:secret2@b",
                "redirecting to https://<redacted>@a/ then ftp://<redacted>@b",
            ),
            (
                "https://h/next?to=https://u:secret@evil/",
                "https://h/next?to=https://<redacted>@evil/",
            ),
        ] {
            assert_eq!(redact_url(url), shown, "{url}");
        }
        assert!(matches!(redact_url("https://h/x"), Cow::Borrowed(_)));
    }

    #[test]
    fn sensitive_values_are_redacted_and_authorization_keeps_its_scheme() {
        let mut bearer = HeaderValue::from_static("Bearer sk-secret");
        let mut token = HeaderValue::from_static("token-secret");
        let plain = HeaderValue::from_static("Bearer visible");
        assert_eq!(header_value(&AUTHORIZATION, &plain), "Bearer visible");
        bearer.set_sensitive(true);
        token.set_sensitive(true);
        assert_eq!(header_value(&AUTHORIZATION, &bearer), "Bearer <redacted>");
        assert_eq!(header_value(&AUTHORIZATION, &token), "<redacted>");
        let gateway = HeaderName::from_static("x-gateway-key");
        assert_eq!(header_value(&gateway, &bearer), "<redacted>");
    }

    #[test]
    fn a_location_with_userinfo_is_marked_and_shown_without_it() {
        let mut headers = HeaderMap::new();
        headers.append(LOCATION, HeaderValue::from_static("https://u:pw@h/x"));
        headers.append(LOCATION, HeaderValue::from_static("/relative"));
        headers.insert("x-other", HeaderValue::from_static("https://u:pw@h/"));
        mark_urls(&mut headers);
        let shown: Vec<_> = headers
            .get_all(LOCATION)
            .iter()
            .map(|v| (v.is_sensitive(), header_value(&LOCATION, v).into_owned()))
            .collect();
        assert_eq!(
            shown,
            [
                (true, "https://<redacted>@h/x".to_owned()),
                (false, "/relative".to_owned())
            ]
        );
        assert!(!format!("{headers:?}").contains("u:pw@h/x"));
        // Only URLs in `location` are looked at; other headers follow their sensitive flag.
        assert!(!headers["x-other"].is_sensitive());
    }
}
