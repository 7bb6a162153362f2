//! An independent AWS Signature Version 4 *verifier*.
//!
//! The client signs with the `aws-sigv4` crate; this module re-derives every
//! step from the specification (using only `hmac` and `sha2`), so that a bug
//! on one side cannot hide in the other. It implements header-based signing
//! for non-S3 services: the path is normalized and every segment is encoded
//! again (an already percent-encoded path is encoded twice), the payload hash
//! is always the SHA-256 of the exact body bytes.
//!
//! The building blocks ([`canonical_request`], [`string_to_sign`],
//! [`signing_key`], [`signature`]) are public so that the verifier can be
//! checked byte for byte against the AWS SigV4 test suite.
//!
//! ```
//! use std::time::Duration;
//! use anthropic_aws_emulator::sigv4::{self, CredentialStore, RequestView, VerifyOptions};
//! use anthropic_aws_emulator::time;
//!
//! let now = time::parse_amz_date("20150830T123600Z").unwrap();
//! let headers = vec![
//!     ("host".to_owned(), "example.amazonaws.com".to_owned()),
//!     ("x-amz-date".to_owned(), "20150830T123600Z".to_owned()),
//! ];
//! let mut request = RequestView::new("GET", "/", &headers, b"");
//! // Sign like a client would ...
//! let signed = ["host".to_owned(), "x-amz-date".to_owned()];
//! let creq = sigv4::canonical_request(&request, &signed, true);
//! let scope = "20150830/us-east-1/service/aws4_request";
//! let sts = sigv4::string_to_sign("20150830T123600Z", scope, &creq);
//! let key = sigv4::signing_key("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20150830", "us-east-1", "service");
//! let sig = sigv4::signature(&key, &sts);
//! assert_eq!(sig, "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
//!
//! // ... then verify.
//! let mut all = headers.clone();
//! all.push(("authorization".to_owned(), format!(
//!     "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/{scope}, SignedHeaders=host;x-amz-date, Signature={sig}"
//! )));
//! request.headers = &all;
//! let mut store = CredentialStore::new();
//! store.insert_long_term("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
//! let options = VerifyOptions::new("us-east-1", "service", now);
//! let verified = sigv4::verify(&request, &store, &options).unwrap();
//! assert_eq!(verified.access_key_id, "AKIDEXAMPLE");
//! ```

use std::collections::HashMap;
use std::fmt;
use std::time::{Duration, SystemTime};

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

use super::time;

/// The only signing algorithm accepted.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// The service name Claude Platform on AWS expects in the credential scope.
pub const SERVICE: &str = "aws-external-anthropic";

/// The last element of every credential scope.
pub const TERMINATOR: &str = "aws4_request";

/// The message AWS sends when the signature does not match.
pub const SIGNATURE_MISMATCH_MESSAGE: &str = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

/// The message AWS sends for an unknown access key or a bad session token.
pub const UNRECOGNIZED_CLIENT_MESSAGE: &str =
    "The security token included in the request is invalid.";

/// The message AWS sends for an expired session token.
pub const EXPIRED_TOKEN_MESSAGE: &str = "The security token included in the request is expired";

type HmacSha256 = Hmac<Sha256>;

/// A borrowed view of an HTTP request, as received on the wire.
#[derive(Debug, Clone, Copy)]
pub struct RequestView<'a> {
    /// The request method, e.g. `POST`.
    pub method: &'a str,
    /// The request target as sent: path (still percent-encoded) plus the
    /// optional `?query`.
    pub path_and_query: &'a str,
    /// Header names (any case) and values, in arrival order. Repeated headers
    /// appear once per value.
    pub headers: &'a [(String, String)],
    /// The exact body bytes.
    pub body: &'a [u8],
}

impl<'a> RequestView<'a> {
    /// Creates a view.
    pub fn new(
        method: &'a str,
        path_and_query: &'a str,
        headers: &'a [(String, String)],
        body: &'a [u8],
    ) -> Self {
        RequestView {
            method,
            path_and_query,
            headers,
            body,
        }
    }

    /// The path part of the request target (before any `?`).
    pub fn path(&self) -> &'a str {
        match self.path_and_query.split_once('?') {
            Some((path, _)) => path,
            None => self.path_and_query,
        }
    }

    /// The raw query string (after the first `?`), if any.
    pub fn query(&self) -> Option<&'a str> {
        self.path_and_query.split_once('?').map(|(_, q)| q)
    }

    /// Every value of header `name` (case-insensitive), in arrival order.
    pub fn header_values<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'a str> + 's {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&'a str> {
        self.header_values(name).next()
    }
}

/// The kinds of SigV4 failures, named after the AWS exception types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// `MissingAuthenticationTokenException`: no `Authorization` header.
    MissingAuthenticationToken,
    /// `IncompleteSignatureException`: the header or the date is malformed or
    /// missing a part.
    IncompleteSignature,
    /// `InvalidSignatureException`: wrong scope, unsigned header, clock skew
    /// or a signature that does not match.
    InvalidSignature,
    /// `UnrecognizedClientException`: unknown access key or bad session token.
    UnrecognizedClient,
    /// `ExpiredTokenException`: the session token is known but has expired.
    ExpiredToken,
}

impl ErrorKind {
    /// The AWS error type, as sent in `x-amzn-errortype`.
    pub fn error_type(self) -> &'static str {
        match self {
            ErrorKind::MissingAuthenticationToken => "MissingAuthenticationTokenException",
            ErrorKind::IncompleteSignature => "IncompleteSignatureException",
            ErrorKind::InvalidSignature => "InvalidSignatureException",
            ErrorKind::UnrecognizedClient => "UnrecognizedClientException",
            ErrorKind::ExpiredToken => "ExpiredTokenException",
        }
    }

    /// The HTTP status AWS answers with (403 for all of them).
    pub fn status(self) -> u16 {
        403
    }
}

/// Why a request failed verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyError {
    /// The failure class.
    pub kind: ErrorKind,
    /// An AWS-style message.
    pub message: String,
}

impl VerifyError {
    fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        VerifyError {
            kind,
            message: message.into(),
        }
    }
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.error_type(), self.message)
    }
}

impl std::error::Error for VerifyError {}

/// The parsed parts of an `Authorization: AWS4-HMAC-SHA256 ...` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization {
    /// The access key id (first element of `Credential`).
    pub access_key_id: String,
    /// The scope date, `YYYYMMDD`.
    pub date: String,
    /// The scope region.
    pub region: String,
    /// The scope service.
    pub service: String,
    /// The scope terminator (should be `aws4_request`).
    pub terminator: String,
    /// `SignedHeaders`, split on `;`, as sent.
    pub signed_headers: Vec<String>,
    /// The hex signature, as sent.
    pub signature: String,
}

impl Authorization {
    /// Parses an `Authorization` header value.
    ///
    /// # Errors
    /// [`ErrorKind::IncompleteSignature`] when the algorithm is not
    /// `AWS4-HMAC-SHA256` or `Credential`, `SignedHeaders` or `Signature` is
    /// missing or malformed.
    pub fn parse(value: &str) -> Result<Self, VerifyError> {
        let value = value.trim();
        let (algorithm, rest) = match value.split_once([' ', '\t']) {
            Some((a, r)) => (a, r),
            None => (value, ""),
        };
        if algorithm != ALGORITHM {
            return Err(VerifyError::new(
                ErrorKind::IncompleteSignature,
                format!(
                    "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Unsupported authorization algorithm '{}', expected '{ALGORITHM}'.",
                    truncate(algorithm, 40)
                ),
            ));
        }
        let mut credential = None;
        let mut signed_headers = None;
        let mut signature = None;
        for part in rest.split(',') {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            let Some((key, val)) = part.split_once('=') else {
                return Err(VerifyError::new(
                    ErrorKind::IncompleteSignature,
                    format!(
                        "Authorization header requires each component to be of the form key=value, got '{}'.",
                        truncate(part, 40)
                    ),
                ));
            };
            match key.trim() {
                "Credential" => credential = Some(val.trim()),
                "SignedHeaders" => signed_headers = Some(val.trim()),
                "Signature" => signature = Some(val.trim()),
                _ => {}
            }
        }
        let credential = credential.filter(|s| !s.is_empty());
        let signature = signature.filter(|s| !s.is_empty());
        let signed_headers = signed_headers.filter(|s| !s.is_empty());
        let (Some(credential), Some(signed_headers), Some(signature)) =
            (credential, signed_headers, signature)
        else {
            let mut missing = Vec::new();
            if credential.is_none() {
                missing.push("Authorization header requires 'Credential' parameter.");
            }
            if signature.is_none() {
                missing.push("Authorization header requires 'Signature' parameter.");
            }
            if signed_headers.is_none() {
                missing.push("Authorization header requires 'SignedHeaders' parameter.");
            }
            return Err(VerifyError::new(
                ErrorKind::IncompleteSignature,
                missing.join(" "),
            ));
        };
        let parts: Vec<&str> = credential.split('/').collect();
        let [access_key_id, date, region, service, terminator] = parts.as_slice() else {
            return Err(VerifyError::new(
                ErrorKind::IncompleteSignature,
                format!(
                    "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '{}'",
                    truncate(credential, 120)
                ),
            ));
        };
        if access_key_id.is_empty() || date.is_empty() || region.is_empty() || service.is_empty() {
            return Err(VerifyError::new(
                ErrorKind::IncompleteSignature,
                format!(
                    "Credential has an empty element, expected keyid/date/region/service/term, got '{}'",
                    truncate(credential, 120)
                ),
            ));
        }
        let signed: Vec<String> = signed_headers.split(';').map(str::to_owned).collect();
        if signed.iter().any(String::is_empty) {
            return Err(VerifyError::new(
                ErrorKind::IncompleteSignature,
                "SignedHeaders must be a non-empty ';'-separated list of header names.",
            ));
        }
        Ok(Authorization {
            access_key_id: (*access_key_id).to_owned(),
            date: (*date).to_owned(),
            region: (*region).to_owned(),
            service: (*service).to_owned(),
            terminator: (*terminator).to_owned(),
            signed_headers: signed,
            signature: signature.to_owned(),
        })
    }

    /// The credential scope: `date/region/service/terminator`.
    pub fn scope(&self) -> String {
        format!(
            "{}/{}/{}/{}",
            self.date, self.region, self.service, self.terminator
        )
    }

    /// Whether `name` (case-insensitive) is in `SignedHeaders`.
    pub fn signs(&self, name: &str) -> bool {
        self.signed_headers
            .iter()
            .any(|h| h.eq_ignore_ascii_case(name))
    }
}

/// Shortens untrusted input echoed into messages.
fn truncate(s: &str, max_chars: usize) -> String {
    if s.chars().count() <= max_chars {
        s.to_owned()
    } else {
        let mut out: String = s.chars().take(max_chars).collect();
        out.push('…');
        out
    }
}

/// Whether `b` is an RFC 3986 unreserved character (`A-Za-z0-9-._~`).
fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// RFC 3986 percent-encoding as SigV4 wants it: unreserved characters are
/// kept, every other byte becomes `%XX` (uppercase hex). `/` is kept when
/// `keep_slash` is true (for paths).
pub fn uri_encode(input: &[u8], keep_slash: bool) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(input.len());
    for &b in input {
        if is_unreserved(b) || (keep_slash && b == b'/') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0x0f)]));
        }
    }
    out
}

/// Decodes `%XX` sequences (a malformed `%` is kept literally); with
/// `plus_as_space`, `+` becomes a space as in form encoding.
pub fn percent_decode(input: &str, plus_as_space: bool) -> Vec<u8> {
    fn hex_val(b: u8) -> Option<u8> {
        match b {
            b'0'..=b'9' => Some(b - b'0'),
            b'a'..=b'f' => Some(b - b'a' + 10),
            b'A'..=b'F' => Some(b - b'A' + 10),
            _ => None,
        }
    }
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%'
            && let (Some(hi), Some(lo)) = (
                bytes.get(i + 1).copied().and_then(hex_val),
                bytes.get(i + 2).copied().and_then(hex_val),
            )
        {
            out.push(hi << 4 | lo);
            i += 3;
            continue;
        }
        out.push(if plus_as_space && b == b'+' { b' ' } else { b });
        i += 1;
    }
    out
}

/// Normalizes an absolute path as RFC 3986 "remove dot segments" does, and
/// also collapses runs of `/`. A trailing slash is kept (`/a/b/.` becomes
/// `/a/b/`); the result always starts with `/`.
pub fn normalize_path(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    let mut out = String::with_capacity(path.len() + 1);
    for s in &segments {
        out.push('/');
        out.push_str(s);
    }
    let trailing = path.ends_with('/') || path.ends_with("/.") || path.ends_with("/..");
    if out.is_empty() || (trailing && !out.ends_with('/')) {
        out.push('/');
    }
    out
}

/// The canonical URI: the path as received (still percent-encoded),
/// normalized when `normalize` is true, then URI-encoded once more with `/`
/// kept. So `/a%3Ab` becomes `/a%253Ab` (SigV4 "double encoding" for every
/// service but S3). An empty path is `/`.
pub fn canonical_uri(path: &str, normalize: bool) -> String {
    let path = if path.is_empty() { "/" } else { path };
    if normalize {
        uri_encode(normalize_path(path).as_bytes(), true)
    } else {
        uri_encode(path.as_bytes(), true)
    }
}

/// The canonical query string: every `name=value` pair (a bare `name` means
/// an empty value) is percent-decoded (`+` counts as a space, as form
/// decoding does), re-encoded with [`uri_encode`], and the pairs are sorted
/// by encoded name, then encoded value, and joined with `&`.
pub fn canonical_query(query: Option<&str>) -> String {
    let Some(query) = query else {
        return String::new();
    };
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (
                uri_encode(&percent_decode(k, true), false),
                uri_encode(&percent_decode(v, true), false),
            )
        })
        .collect();
    pairs.sort();
    let mut out = String::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(k);
        out.push('=');
        out.push_str(v);
    }
    out
}

/// A header value in canonical form: surrounding spaces and tabs removed,
/// inner runs of spaces collapsed to one.
pub fn canonical_header_value(value: &str) -> String {
    let trimmed = value.trim_matches([' ', '\t']);
    let mut out = String::with_capacity(trimmed.len());
    let mut last_space = false;
    for c in trimmed.chars() {
        if c == ' ' {
            if !last_space {
                out.push(c);
            }
            last_space = true;
        } else {
            out.push(c);
            last_space = false;
        }
    }
    out
}

/// The canonical headers block: for each name in `signed_headers` (in the
/// given order, lowercased), `name:v1,v2,...\n` where the values are every
/// occurrence of that header in arrival order, each in
/// [`canonical_header_value`] form. A signed header that is absent gets an
/// empty value (and so, in practice, a signature mismatch).
pub fn canonical_headers(request: &RequestView<'_>, signed_headers: &[String]) -> String {
    let mut out = String::new();
    for name in signed_headers {
        let name = name.to_ascii_lowercase();
        out.push_str(&name);
        out.push(':');
        for (i, value) in request.header_values(&name).enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&canonical_header_value(value));
        }
        out.push('\n');
    }
    out
}

/// Lowercase hex SHA-256 of `data`.
pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// The payload hash: lowercase hex SHA-256 of the exact body bytes.
pub fn payload_hash(body: &[u8]) -> String {
    sha256_hex(body)
}

/// The canonical request for header-based signing:
///
/// ```text
/// METHOD\nCANONICAL_URI\nCANONICAL_QUERY\nCANONICAL_HEADERS\nSIGNED_HEADERS\nPAYLOAD_HASH
/// ```
///
/// `signed_headers` are used in the given order (a signer passes them
/// sorted); `normalize_path` selects path normalization (always on for
/// Claude Platform on AWS).
pub fn canonical_request(
    request: &RequestView<'_>,
    signed_headers: &[String],
    normalize_path: bool,
) -> String {
    let lower: Vec<String> = signed_headers
        .iter()
        .map(|h| h.to_ascii_lowercase())
        .collect();
    format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        request.method,
        canonical_uri(request.path(), normalize_path),
        canonical_query(request.query()),
        canonical_headers(request, &lower),
        lower.join(";"),
        payload_hash(request.body)
    )
}

/// The string to sign:
/// `AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{hex sha256(canonical_request)}`.
pub fn string_to_sign(amz_date: &str, scope: &str, canonical_request: &str) -> String {
    format!(
        "{ALGORITHM}\n{amz_date}\n{scope}\n{}",
        sha256_hex(canonical_request.as_bytes())
    )
}

/// A fresh HMAC-SHA256 instance keyed with `key`.
fn mac(key: &[u8]) -> HmacSha256 {
    // HMAC accepts keys of any length (longer ones are hashed first), so
    // `new_from_slice` cannot fail; the fallback only keeps this total.
    HmacSha256::new_from_slice(key).unwrap_or_else(|_| HmacSha256::new(&Default::default()))
}

/// HMAC-SHA256 of `data` under `key`.
pub fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut m = mac(key);
    m.update(data);
    m.finalize().into_bytes().into()
}

/// The SigV4 signing key: HMAC chain `"AWS4" + secret` → date (`YYYYMMDD`)
/// → region → service → `"aws4_request"`.
pub fn signing_key(secret_access_key: &str, date: &str, region: &str, service: &str) -> [u8; 32] {
    let k_secret = format!("AWS4{secret_access_key}");
    let k_date = hmac_sha256(k_secret.as_bytes(), date.as_bytes());
    let k_region = hmac_sha256(&k_date, region.as_bytes());
    let k_service = hmac_sha256(&k_region, service.as_bytes());
    hmac_sha256(&k_service, TERMINATOR.as_bytes())
}

/// The signature: lowercase hex HMAC-SHA256 of the string to sign under the
/// signing key.
pub fn signature(signing_key: &[u8; 32], string_to_sign: &str) -> String {
    hex::encode(hmac_sha256(signing_key, string_to_sign.as_bytes()))
}

/// Byte comparison whose duration depends only on the lengths.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[derive(Clone)]
enum CredentialKind {
    LongTerm,
    Session(String),
    ExpiredSession(String),
}

#[derive(Clone)]
struct StoredCredential {
    secret: String,
    kind: CredentialKind,
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

    /// Number of known access keys.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no access key is known.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
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

/// Which headers a request must have signed, beyond what the signature
/// itself covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SignedHeaderPolicy {
    /// The SigV4 minimum: `host` and `x-amz-date`.
    Minimal,
    /// What the emulator enforces: the minimum plus every `anthropic-*`
    /// header present, `content-type` if present and `x-amz-security-token`
    /// if present.
    #[default]
    Strict,
}

/// Parameters of [`verify`].
#[derive(Debug, Clone)]
pub struct VerifyOptions {
    /// The region the credential must be scoped to.
    pub region: String,
    /// The service the credential must be scoped to.
    pub service: String,
    /// The current time, against which `x-amz-date` is checked.
    pub now: SystemTime,
    /// How far `x-amz-date` may be from `now`, either way (default 5 min).
    pub date_window: Duration,
    /// Whether the canonical URI normalizes the path (default true, as for
    /// every AWS service but S3).
    pub normalize_path: bool,
    /// Which headers must be signed (default [`SignedHeaderPolicy::Strict`]).
    pub policy: SignedHeaderPolicy,
}

impl VerifyOptions {
    /// Options with the defaults: 5-minute window, normalized path, strict
    /// signed-header policy.
    pub fn new(region: impl Into<String>, service: impl Into<String>, now: SystemTime) -> Self {
        VerifyOptions {
            region: region.into(),
            service: service.into(),
            now,
            date_window: Duration::from_secs(300),
            normalize_path: true,
            policy: SignedHeaderPolicy::Strict,
        }
    }
}

/// A successfully verified caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The access key id that signed the request.
    pub access_key_id: String,
    /// Whether it is a temporary (session) credential.
    pub temporary: bool,
}

/// Renders a window as AWS does in its clock-skew message (`5 min.`).
fn describe_window(window: Duration) -> String {
    let secs = window.as_secs();
    if secs.is_multiple_of(60) {
        format!("{} min.", secs / 60)
    } else {
        format!("{secs} sec.")
    }
}

/// Joins every value of header `name`, as the canonical form would.
fn joined_header(request: &RequestView<'_>, name: &str) -> Option<String> {
    let values: Vec<&str> = request.header_values(name).collect();
    if values.is_empty() {
        None
    } else {
        Some(
            values
                .iter()
                .map(|v| canonical_header_value(v))
                .collect::<Vec<_>>()
                .join(","),
        )
    }
}

/// Verifies a request signed with SigV4 in the `Authorization` header.
///
/// Checks, in order: the header parses; `x-amz-date` is present, well formed
/// and within `date_window` of `now`; the scope date matches it and the
/// scope names the expected region, service and `aws4_request`; the
/// required headers are signed (see [`SignedHeaderPolicy`]); the access key
/// is known and the session token matches its kind; any
/// `x-amz-content-sha256` header equals the body hash; and finally the
/// signature, compared in constant time.
///
/// # Errors
/// A [`VerifyError`] whose [`ErrorKind`] and message mirror what the AWS
/// front door would answer.
pub fn verify(
    request: &RequestView<'_>,
    credentials: &CredentialStore,
    options: &VerifyOptions,
) -> Result<Verified, VerifyError> {
    let Some(header) = request.header("authorization") else {
        return Err(VerifyError::new(
            ErrorKind::MissingAuthenticationToken,
            "Missing Authentication Token",
        ));
    };
    let auth = Authorization::parse(header)?;

    // The date.
    let Some(amz_date) = request.header("x-amz-date").map(str::trim) else {
        return Err(VerifyError::new(
            ErrorKind::IncompleteSignature,
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
        ));
    };
    let Some(signed_at) = time::parse_amz_date(amz_date) else {
        return Err(VerifyError::new(
            ErrorKind::IncompleteSignature,
            format!(
                "Date must be in ISO-8601 'basic format'. Got '{}'. See http://en.wikipedia.org/wiki/ISO_8601",
                truncate(amz_date, 40)
            ),
        ));
    };
    let now_secs = time::unix_seconds(options.now);
    let signed_secs = time::unix_seconds(signed_at);
    let window = i64::try_from(options.date_window.as_secs()).unwrap_or(i64::MAX);
    let now_text = time::format_amz_date(options.now);
    let window_text = describe_window(options.date_window);
    if signed_secs < now_secs.saturating_sub(window) {
        let earliest = time::format_amz_date(time::from_unix_seconds(now_secs - window));
        return Err(VerifyError::new(
            ErrorKind::InvalidSignature,
            format!(
                "Signature expired: {amz_date} is now earlier than {earliest} ({now_text} - {window_text})"
            ),
        ));
    }
    if signed_secs > now_secs.saturating_add(window) {
        let latest = time::format_amz_date(time::from_unix_seconds(now_secs + window));
        return Err(VerifyError::new(
            ErrorKind::InvalidSignature,
            format!(
                "Signature expired: {amz_date} is now later than {latest} ({now_text} + {window_text})"
            ),
        ));
    }

    // The scope.
    // `parse_amz_date` accepted it, so it is 16 ASCII bytes.
    let date_part = amz_date.get(..8).unwrap_or_default();
    if auth.date != date_part {
        return Err(VerifyError::new(
            ErrorKind::InvalidSignature,
            format!(
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{}' != '{date_part}', from '{amz_date}'.",
                truncate(&auth.date, 20)
            ),
        ));
    }
    if auth.region != options.region {
        return Err(VerifyError::new(
            ErrorKind::InvalidSignature,
            "Credential should be scoped to a valid region. ",
        ));
    }
    if auth.service != options.service {
        return Err(VerifyError::new(
            ErrorKind::InvalidSignature,
            format!(
                "Credential should be scoped to correct service: '{}'. ",
                options.service
            ),
        ));
    }
    if auth.terminator != TERMINATOR {
        return Err(VerifyError::new(
            ErrorKind::InvalidSignature,
            format!(
                "Credential should be scoped with a valid terminator: '{TERMINATOR}', not '{}'.",
                truncate(&auth.terminator, 40)
            ),
        ));
    }

    // Headers that must be covered by the signature.
    let mut required: Vec<String> = vec!["host".to_owned(), "x-amz-date".to_owned()];
    if options.policy == SignedHeaderPolicy::Strict {
        for (name, _) in request.headers {
            let lower = name.to_ascii_lowercase();
            let must_sign = lower.starts_with("anthropic-")
                || lower == "content-type"
                || lower == "x-amz-security-token";
            if must_sign && !required.contains(&lower) {
                required.push(lower);
            }
        }
    }
    for name in &required {
        if !auth.signs(name) {
            return Err(VerifyError::new(
                ErrorKind::InvalidSignature,
                format!("'{name}' must be a 'SignedHeader' in the AWS Authorization."),
            ));
        }
    }

    // The caller.
    let Some(credential) = credentials.entries.get(&auth.access_key_id) else {
        return Err(VerifyError::new(
            ErrorKind::UnrecognizedClient,
            UNRECOGNIZED_CLIENT_MESSAGE,
        ));
    };
    let token = joined_header(request, "x-amz-security-token");
    let temporary = match (&credential.kind, token.as_deref()) {
        (CredentialKind::LongTerm, None) => false,
        (CredentialKind::LongTerm, Some(_)) => {
            return Err(VerifyError::new(
                ErrorKind::UnrecognizedClient,
                UNRECOGNIZED_CLIENT_MESSAGE,
            ));
        }
        (CredentialKind::Session(expected), Some(sent))
            if constant_time_eq(expected.as_bytes(), sent.as_bytes()) =>
        {
            true
        }
        (CredentialKind::ExpiredSession(expected), Some(sent))
            if constant_time_eq(expected.as_bytes(), sent.as_bytes()) =>
        {
            return Err(VerifyError::new(
                ErrorKind::ExpiredToken,
                EXPIRED_TOKEN_MESSAGE,
            ));
        }
        (CredentialKind::Session(_) | CredentialKind::ExpiredSession(_), _) => {
            return Err(VerifyError::new(
                ErrorKind::UnrecognizedClient,
                UNRECOGNIZED_CLIENT_MESSAGE,
            ));
        }
    };

    // The payload.
    let body_hash = payload_hash(request.body);
    if let Some(declared) = request.header("x-amz-content-sha256")
        && declared.trim() != body_hash
    {
        return Err(VerifyError::new(
            ErrorKind::InvalidSignature,
            "The provided 'x-amz-content-sha256' header does not match what was computed.",
        ));
    }

    // The signature.
    let creq = canonical_request(request, &auth.signed_headers, options.normalize_path);
    let sts = string_to_sign(amz_date, &auth.scope(), &creq);
    let key = signing_key(&credential.secret, &auth.date, &auth.region, &auth.service);
    let provided = hex::decode(&auth.signature).unwrap_or_default();
    let mut m = mac(&key);
    m.update(sts.as_bytes());
    if provided.len() != 32 || m.verify_slice(&provided).is_err() {
        return Err(VerifyError::new(
            ErrorKind::InvalidSignature,
            SIGNATURE_MISMATCH_MESSAGE,
        ));
    }
    Ok(Verified {
        access_key_id: auth.access_key_id,
        temporary,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231_case_2() {
        let out = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            hex::encode(out),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn path_normalization() {
        assert_eq!(normalize_path(""), "/");
        assert_eq!(normalize_path("/"), "/");
        assert_eq!(normalize_path("//"), "/");
        assert_eq!(normalize_path("/a/b/.."), "/a/");
        assert_eq!(normalize_path("/a/b/."), "/a/b/");
        assert_eq!(normalize_path("/../a"), "/a");
        assert_eq!(normalize_path("//a//b"), "/a/b");
        assert_eq!(normalize_path("/v1/messages"), "/v1/messages");
    }

    #[test]
    fn double_encoding() {
        assert_eq!(canonical_uri("/a%3Ab/c d", true), "/a%253Ab/c%20d");
        assert_eq!(canonical_uri("", false), "/");
    }

    #[test]
    fn query_canonicalization() {
        assert_eq!(canonical_query(None), "");
        assert_eq!(canonical_query(Some("")), "");
        assert_eq!(canonical_query(Some("b=2&a=1&a=0")), "a=0&a=1&b=2");
        assert_eq!(canonical_query(Some("k&x=a+b%2Fc")), "k=&x=a%20b%2Fc");
        assert_eq!(canonical_query(Some("bad=%zz")), "bad=%25zz");
    }

    #[test]
    fn header_values() {
        assert_eq!(canonical_header_value("  a   b  c "), "a b c");
        assert_eq!(canonical_header_value("\tx\t"), "x");
    }

    #[test]
    fn authorization_parsing() {
        let ok = Authorization::parse(
            "AWS4-HMAC-SHA256 Credential=AK/20260101/us-west-2/aws-external-anthropic/aws4_request,SignedHeaders=host;x-amz-date,Signature=ab",
        );
        assert!(ok.is_ok());
        for bad in [
            "",
            "AWS4-HMAC-SHA256",
            "AWS4-HMAC-SHA512 Credential=a/b/c/d/e, SignedHeaders=host, Signature=00",
            "AWS4-HMAC-SHA256 Credential=a/b/c/d, SignedHeaders=host, Signature=00",
            "AWS4-HMAC-SHA256 Credential=a/b/c/d/e, Signature=00",
            "AWS4-HMAC-SHA256 Credential=a/b/c/d/e, SignedHeaders=host, Signature=",
            "AWS4-HMAC-SHA256 Credential=a/b/c/d/e, SignedHeaders=host;;x, Signature=00",
            "AWS4-HMAC-SHA256 garbage",
        ] {
            let err = Authorization::parse(bad).err().map(|e| e.kind);
            assert_eq!(err, Some(ErrorKind::IncompleteSignature), "{bad:?}");
        }
    }
}
