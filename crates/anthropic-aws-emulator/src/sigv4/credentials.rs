//! The access keys the verifier knows.

use std::collections::HashMap;
use std::fmt;

/// Byte comparison whose duration depends only on the lengths.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[derive(Clone)]
pub(super) enum CredentialKind {
    LongTerm,
    Session(String),
    ExpiredSession(String),
}

#[derive(Clone)]
pub(super) struct StoredCredential {
    pub(super) secret: String,
    pub(super) kind: CredentialKind,
}

/// The access keys the verifier knows. Its `Debug` output lists only the
/// access key ids, never secrets or tokens.
#[derive(Clone, Default)]
pub struct CredentialStore {
    entries: HashMap<String, StoredCredential>,
}

impl CredentialStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) a long-term key: requests must not carry
    /// `x-amz-security-token`.
    pub fn insert_long_term(
        &mut self,
        access_key_id: impl Into<String>,
        secret: impl Into<String>,
    ) {
        self.entries.insert(
            access_key_id.into(),
            StoredCredential {
                secret: secret.into(),
                kind: CredentialKind::LongTerm,
            },
        );
    }

    /// Adds (or replaces) a temporary key: requests must carry
    /// `x-amz-security-token` equal to `session_token`.
    pub fn insert_session(
        &mut self,
        access_key_id: impl Into<String>,
        secret: impl Into<String>,
        session_token: impl Into<String>,
    ) {
        self.entries.insert(
            access_key_id.into(),
            StoredCredential {
                secret: secret.into(),
                kind: CredentialKind::Session(session_token.into()),
            },
        );
    }

    /// Adds (or replaces) a temporary key whose token has expired: requests
    /// carrying that token are answered with `ExpiredTokenException`.
    pub fn insert_expired_session(
        &mut self,
        access_key_id: impl Into<String>,
        secret: impl Into<String>,
        session_token: impl Into<String>,
    ) {
        self.entries.insert(
            access_key_id.into(),
            StoredCredential {
                secret: secret.into(),
                kind: CredentialKind::ExpiredSession(session_token.into()),
            },
        );
    }

    /// The credential stored for `access_key_id`.
    pub(super) fn get(&self, access_key_id: &str) -> Option<&StoredCredential> {
        self.entries.get(access_key_id)
    }

    /// Number of known access keys.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no access key is known.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Every secret key and session token known, for what must never be
    /// written anywhere (a recording scrubs them).
    pub(crate) fn secrets(&self) -> impl Iterator<Item = &str> {
        self.entries.values().flat_map(|c| {
            let token = match &c.kind {
                CredentialKind::LongTerm => None,
                CredentialKind::Session(t) | CredentialKind::ExpiredSession(t) => Some(t.as_str()),
            };
            std::iter::once(c.secret.as_str()).chain(token)
        })
    }

    /// The known access key ids (in no particular order).
    pub fn access_key_ids(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }
}

impl fmt::Debug for CredentialStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut ids: Vec<(&str, &str)> = self
            .entries
            .iter()
            .map(|(id, c)| {
                let kind = match c.kind {
                    CredentialKind::LongTerm => "long-term",
                    CredentialKind::Session(_) => "session",
                    CredentialKind::ExpiredSession(_) => "expired session",
                };
                (id.as_str(), kind)
            })
            .collect();
        ids.sort_unstable();
        f.debug_map().entries(ids).finish()
    }
}
