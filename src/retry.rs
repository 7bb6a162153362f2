//! The retry policy: which failures are worth another attempt, and how long to wait first.
//!
//! The server's word comes first: `retry-after-ms`, else `retry-after` in seconds or as an
//! HTTP date, used when 0 < t ≤ 60 s. Otherwise exponential backoff, 0.5 s × 2ⁿ capped at
//! 8 s, less up to 25 % jitter, as the official SDKs do.
//!
//! Two failures earn one extra attempt outside the budget, as the AWS SDKs do: an expired
//! session token (after a forced credential refresh) and a signature outside the server's
//! time window (after learning the clock skew from the response's `Date`).

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, SystemTime};

use http::HeaderMap;

use crate::error::Error;

const INITIAL_DELAY: Duration = Duration::from_millis(500);
const MAX_DELAY: Duration = Duration::from_secs(8);
const MAX_SERVER_DELAY: Duration = Duration::from_secs(60);

/// How long to wait before retry number `retries + 1`.
pub(crate) fn delay(err: &Error, retries: u32) -> Duration {
    err.as_api()
        .and_then(|api| server_delay(api.headers()))
        .unwrap_or_else(|| backoff(retries, jitter()))
}

/// Whether the AWS front door rejected the session token as expired.
pub(crate) fn is_expired_token(err: &Error) -> bool {
    err.as_api()
        .and_then(|api| api.aws_error_code())
        .is_some_and(|code| code == "ExpiredTokenException")
}

/// How far the server's clock is ahead of ours (negative: behind), when `err` is a signature
/// rejected as outside the server's time window and the response says the server's time.
pub(crate) fn clock_skew(err: &Error) -> Option<i64> {
    let api = err.as_api()?;
    if api.aws_error_code() != Some("InvalidSignatureException") {
        return None;
    }
    let body = String::from_utf8_lossy(api.body()).to_ascii_lowercase();
    if !(body.contains("signature expired") || body.contains("signature not yet current")) {
        return None;
    }
    let server = header_date(api.headers(), "date")?;
    let now = SystemTime::now();
    Some(match server.duration_since(now) {
        Ok(ahead) => i64::try_from(ahead.as_millis()).ok()?,
        Err(behind) => -i64::try_from(behind.duration().as_millis()).ok()?,
    })
}

/// The delay the server asked for, when it is a sane one.
fn server_delay(headers: &HeaderMap) -> Option<Duration> {
    let text = |name: &str| headers.get(name)?.to_str().ok().map(str::trim);
    let number = |name: &str| text(name)?.parse::<f64>().ok();
    let seconds = number("retry-after-ms")
        .map(|ms| ms / 1000.0)
        .or_else(|| number("retry-after"))
        .or_else(|| {
            let at = header_date(headers, "retry-after")?;
            Some(at.duration_since(SystemTime::now()).ok()?.as_secs_f64())
        })?;
    if !seconds.is_finite() || seconds <= 0.0 {
        return None;
    }
    let delay = Duration::from_secs_f64(seconds);
    (delay <= MAX_SERVER_DELAY).then_some(delay)
}

/// An HTTP-date header (`Wed, 21 Oct 2015 07:28:00 GMT`).
fn header_date(headers: &HeaderMap, name: &str) -> Option<SystemTime> {
    httpdate::parse_http_date(headers.get(name)?.to_str().ok()?.trim()).ok()
}

/// `min(0.5 s × 2^retries, 8 s) × (1 − 0.25 × jitter)`, with `jitter` in [0, 1).
fn backoff(retries: u32, jitter: f64) -> Duration {
    let base = INITIAL_DELAY
        .saturating_mul(2u32.saturating_pow(retries.min(16)))
        .min(MAX_DELAY);
    base.mul_f64(1.0 - 0.25 * jitter)
}

/// A number in [0, 1), different on every call; good enough to spread retries apart.
fn jitter() -> f64 {
    let bits = RandomState::new().build_hasher().finish();
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, v.parse().unwrap());
        }
        map
    }

    #[test]
    fn server_delay_prefers_milliseconds() {
        let h = headers(&[("retry-after-ms", "300"), ("retry-after", "2")]);
        assert_eq!(server_delay(&h), Some(Duration::from_millis(300)));
        assert_eq!(
            server_delay(&headers(&[("retry-after", "2")])),
            Some(Duration::from_secs(2))
        );
    }

    #[test]
    fn server_delay_may_be_an_http_date() {
        let at = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(5));
        let mut map = HeaderMap::new();
        map.insert("retry-after", at.parse().unwrap());
        let delay = server_delay(&map).unwrap();
        assert!(
            delay > Duration::from_secs(3) && delay <= Duration::from_secs(5),
            "{delay:?}"
        );
    }

    #[test]
    fn server_delay_outside_the_window_is_ignored() {
        assert_eq!(server_delay(&headers(&[("retry-after", "0")])), None);
        assert_eq!(server_delay(&headers(&[("retry-after", "61")])), None);
        assert_eq!(server_delay(&headers(&[("retry-after", "soon")])), None);
    }

    #[test]
    fn backoff_doubles_and_caps() {
        assert_eq!(backoff(0, 0.0), Duration::from_millis(500));
        assert_eq!(backoff(1, 0.0), Duration::from_secs(1));
        assert_eq!(backoff(5, 0.0), Duration::from_secs(8));
        assert_eq!(backoff(40, 0.0), Duration::from_secs(8));
        assert_eq!(backoff(0, 1.0), Duration::from_millis(375));
    }

    #[test]
    fn jitter_stays_in_range() {
        for _ in 0..1000 {
            let j = jitter();
            assert!((0.0..1.0).contains(&j));
        }
    }
}
