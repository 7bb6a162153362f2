//! Nothing secret is written to a recording: the secrets known to the
//! emulator (its accepted API keys, secret keys and session tokens, the
//! upstream's API key or credentials, the signatures of each exchange) are
//! replaced by `[redacted]` wherever they would appear, and the headers that
//! carry credentials are never kept.

use crate::server::is_sensitive_header;

/// What replaces a secret.
pub(crate) const REDACTED: &str = "[redacted]";

/// Secrets shorter than this are not looked for (they would redact common
/// words; no real key is this short).
const MIN_SECRET_LEN: usize = 4;

/// Request and response headers never written, whatever their value: those that carry
/// credentials ([`is_sensitive_header`], decided where requests arrive), `set-cookie`, the
/// hop-by-hop ones, and `x-amz-*` but the request IDs.
pub(crate) fn is_unrecorded_header(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    is_sensitive_header(&name)
        || matches!(
            name.as_str(),
            "set-cookie"
                | "connection"
                | "keep-alive"
                | "transfer-encoding"
                | "te"
                | "trailer"
                | "upgrade"
                | "host"
                | "content-length"
                | "date"
        )
        || name.starts_with("x-amz-")
            && !matches!(name.as_str(), "x-amz-request-id" | "x-amz-cf-id")
}

/// A set of secrets to keep out of what is written.
#[derive(Clone, Default)]
pub(crate) struct Secrets {
    values: Vec<String>,
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Secrets([{} redacted])", self.values.len())
    }
}

impl Secrets {
    /// Adds `secret` (and its JSON-escaped form, as it would appear inside a
    /// JSON string).
    pub(crate) fn add(&mut self, secret: &str) {
        let secret = secret.trim();
        if secret.len() < MIN_SECRET_LEN || self.values.iter().any(|v| v == secret) {
            return;
        }
        self.values.push(secret.to_owned());
        let escaped = serde_json::to_string(secret).unwrap_or_default();
        let escaped = &escaped[1..escaped.len().saturating_sub(1).max(1)];
        if escaped != secret {
            self.values.push(escaped.to_owned());
        }
    }

    /// These secrets and `other`'s.
    pub(crate) fn with(&self, other: &Secrets) -> Secrets {
        let mut all = self.clone();
        for value in &other.values {
            all.add(value);
        }
        all
    }

    /// Whether `text` holds one of the secrets.
    pub(crate) fn found_in(&self, text: &str) -> bool {
        self.values.iter().any(|v| text.contains(v.as_str()))
    }

    /// `text` with every secret replaced by [`REDACTED`].
    pub(crate) fn scrub(&self, text: String) -> String {
        if !self.found_in(&text) {
            return text;
        }
        // Longest first, so that a secret inside another is not half-replaced.
        let mut values: Vec<&String> = self.values.iter().collect();
        values.sort_by_key(|v| std::cmp::Reverse(v.len()));
        values
            .into_iter()
            .fold(text, |text, v| text.replace(v.as_str(), REDACTED))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_replaced_in_plain_and_json_form() {
        let mut secrets = Secrets::default();
        secrets.add("sk-ant-123456");
        secrets.add("tok\"en/with\\quote");
        secrets.add("abc");
        let text = r#"{"k":"sk-ant-123456","t":"tok\"en/with\\quote","short":"abc"}"#.to_owned();
        assert_eq!(
            secrets.scrub(text),
            r#"{"k":"[redacted]","t":"[redacted]","short":"abc"}"#
        );
        assert!(!format!("{secrets:?}").contains("sk-ant"));
        for name in [
            "Authorization",
            "x-api-key",
            "X-Amz-Security-Token",
            "x-amz-date",
        ] {
            assert!(is_unrecorded_header(name), "{name}");
        }
        for name in [
            "request-id",
            "x-amzn-requestid",
            "content-type",
            "anthropic-beta",
        ] {
            assert!(!is_unrecorded_header(name), "{name}");
        }
    }
}
