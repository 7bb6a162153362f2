//! Verifying a signed request.

use std::time::{Duration, SystemTime};

use hmac::Mac;

use crate::time;

use super::canonical::{
    TERMINATOR, canonical_header_value, canonical_request, mac, signing_key, string_to_sign,
};
use super::credentials::{CredentialKind, CredentialStore, constant_time_eq};
use super::error::{
    EXPIRED_TOKEN_MESSAGE, ErrorKind, SIGNATURE_MISMATCH_MESSAGE, UNRECOGNIZED_CLIENT_MESSAGE,
    VerifyError, truncate,
};
use super::parse::Authorization;
use super::request::RequestView;

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

/// The request's one `Authorization` header, if it has one.
///
/// A request carrying the header twice (SigV4 and garbage, SigV4 and
/// `Bearer`, ...) is refused as the AWS front door refuses an ambiguous
/// signature: whichever value a server picked, the other could be the one
/// the caller meant.
///
/// # Errors
/// [`ErrorKind::IncompleteSignature`] when `Authorization` appears more than
/// once.
///
/// ```
/// use anthropic_aws_emulator::sigv4::{self, ErrorKind, RequestView};
///
/// let twice = vec![
///     ("authorization".to_owned(), "AWS4-HMAC-SHA256 Credential=..".to_owned()),
///     ("Authorization".to_owned(), "Bearer sk-test".to_owned()),
/// ];
/// let request = RequestView::new("GET", "/", &twice, b"");
/// let err = sigv4::single_authorization(&request).unwrap_err();
/// assert_eq!(err.kind, ErrorKind::IncompleteSignature);
/// ```
pub fn single_authorization<'a>(request: &RequestView<'a>) -> Result<Option<&'a str>, VerifyError> {
    let mut values = request.header_values("authorization");
    let first = values.next();
    if values.next().is_some() {
        return Err(VerifyError::new(
            ErrorKind::IncompleteSignature,
            "Authorization header may be given only once.",
        ));
    }
    Ok(first)
}

/// Verifies a request signed with SigV4 in the `Authorization` header.
///
/// Checks, in order: there is exactly one `Authorization` header and it parses; `x-amz-date` is present, well formed
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
    let Some(header) = single_authorization(request)? else {
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
    let Some(credential) = credentials.get(&auth.access_key_id) else {
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
    let body_hash = request.payload_hash();
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
