//! [`RateLimits`]: the `anthropic-ratelimit-*` headers of any answer, success or error, read
//! leniently: a missing or malformed value is `None`, never an error or a panic.

use std::time::{Duration, SystemTime};

use aws_smithy_types::date_time::{DateTime, Format};
use http::HeaderMap;

const PREFIX: &str = "anthropic-ratelimit-";

/// One limit's state: how much the window allows, how much is left, and when it is whole again.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RateLimit {
    /// The most the window allows (`…-limit`).
    pub limit: Option<u64>,
    /// What is left in the current window (`…-remaining`).
    pub remaining: Option<u64>,
    /// When the limit is fully replenished (`…-reset`, an RFC 3339 time).
    pub reset: Option<SystemTime>,
}

impl RateLimit {
    /// Whether no header of this limit was present (or none could be read).
    pub fn is_empty(&self) -> bool {
        self.limit.is_none() && self.remaining.is_none() && self.reset.is_none()
    }

    /// How long after `now` the limit resets; `None` when it is unknown or already past.
    pub fn reset_after(&self, now: SystemTime) -> Option<Duration> {
        self.reset?.duration_since(now).ok()
    }

    fn read(headers: &HeaderMap, kind: &str) -> Self {
        let value = |field: &str| {
            headers
                .get(format!("{PREFIX}{kind}-{field}"))
                .and_then(|v| v.to_str().ok())
                .map(str::trim)
        };
        Self {
            limit: value("limit").and_then(|v| v.parse().ok()),
            remaining: value("remaining").and_then(|v| v.parse().ok()),
            reset: value("reset").and_then(parse_time),
        }
    }
}

/// The `anthropic-ratelimit-*` headers of an answer, from
/// [`Response::rate_limits`](crate::Response::rate_limits) or
/// [`ApiError::rate_limits`](crate::ApiError::rate_limits).
///
/// ```
/// use anthropic_aws::RateLimits;
/// use http::HeaderMap;
///
/// let mut headers = HeaderMap::new();
/// headers.insert("anthropic-ratelimit-requests-limit", "50".parse().unwrap());
/// headers.insert("anthropic-ratelimit-requests-remaining", "49".parse().unwrap());
/// headers.insert("anthropic-ratelimit-input-tokens-reset", "2026-10-21T12:00:30Z".parse().unwrap());
/// headers.insert("anthropic-ratelimit-tokens-remaining", "lots".parse().unwrap());
/// let limits = RateLimits::from_headers(&headers);
/// assert_eq!(limits.requests.limit, Some(50));
/// assert_eq!(limits.requests.remaining, Some(49));
/// assert!(limits.input_tokens.reset.is_some());
/// assert_eq!(limits.tokens.remaining, None); // not a number: ignored
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RateLimits {
    /// Requests per minute (`anthropic-ratelimit-requests-*`).
    pub requests: RateLimit,
    /// Tokens per minute, the most restrictive token limit (`anthropic-ratelimit-tokens-*`).
    pub tokens: RateLimit,
    /// Input tokens per minute (`anthropic-ratelimit-input-tokens-*`).
    pub input_tokens: RateLimit,
    /// Output tokens per minute (`anthropic-ratelimit-output-tokens-*`).
    pub output_tokens: RateLimit,
}

impl RateLimits {
    /// Reads the `anthropic-ratelimit-*` headers; anything missing or malformed is `None`.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        Self {
            requests: RateLimit::read(headers, "requests"),
            tokens: RateLimit::read(headers, "tokens"),
            input_tokens: RateLimit::read(headers, "input-tokens"),
            output_tokens: RateLimit::read(headers, "output-tokens"),
        }
    }

    /// Whether the answer carried no readable rate-limit header at all.
    pub fn is_empty(&self) -> bool {
        self.requests.is_empty()
            && self.tokens.is_empty()
            && self.input_tokens.is_empty()
            && self.output_tokens.is_empty()
    }
}

/// An RFC 3339 time (`Z` or a `±HH:MM` offset), or `None`.
fn parse_time(value: &str) -> Option<SystemTime> {
    let (utc, offset) = split_offset(value)?;
    let time = DateTime::from_str(&format!("{utc}Z"), Format::DateTime).ok()?;
    let time = SystemTime::try_from(time).ok()?;
    // Local time = UTC + offset, so UTC = local - offset.
    match offset {
        secs if secs >= 0 => time.checked_sub(Duration::from_secs(secs.unsigned_abs())),
        secs => time.checked_add(Duration::from_secs(secs.unsigned_abs())),
    }
}

/// The time without its zone, and the zone's offset from UTC in seconds.
fn split_offset(value: &str) -> Option<(&str, i64)> {
    if let Some(utc) = value.strip_suffix(['Z', 'z']) {
        return Some((utc, 0));
    }
    let at = value.len().checked_sub(6)?;
    let (time, zone) = (value.get(..at)?, value.get(at..)?);
    let sign = match zone.as_bytes()[0] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let (hours, minutes) = zone[1..].split_once(':')?;
    let (hours, minutes): (i64, i64) = (hours.parse().ok()?, minutes.parse().ok()?);
    if !(0..24).contains(&hours) || !(0..60).contains(&minutes) {
        return None;
    }
    Some((time, sign * (hours * 3600 + minutes * 60)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;
    use proptest::prelude::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(
                http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        map
    }

    #[test]
    fn every_limit_is_read() {
        let limits = RateLimits::from_headers(&headers(&[
            ("anthropic-ratelimit-requests-limit", "4000"),
            ("anthropic-ratelimit-requests-remaining", "3999"),
            ("anthropic-ratelimit-requests-reset", "2026-10-21T12:00:01Z"),
            ("anthropic-ratelimit-tokens-limit", "1000000"),
            ("anthropic-ratelimit-tokens-remaining", " 999000 "),
            ("anthropic-ratelimit-input-tokens-limit", "800000"),
            ("anthropic-ratelimit-input-tokens-remaining", "0"),
            (
                "anthropic-ratelimit-input-tokens-reset",
                "2026-10-21T12:00:30.5+00:00",
            ),
            ("anthropic-ratelimit-output-tokens-limit", "160000"),
            (
                "anthropic-ratelimit-output-tokens-reset",
                "2026-10-21T12:01:00Z",
            ),
        ]));
        assert_eq!(limits.requests.limit, Some(4000));
        assert_eq!(limits.requests.remaining, Some(3999));
        assert_eq!(limits.tokens.remaining, Some(999_000));
        assert_eq!(limits.input_tokens.remaining, Some(0));
        assert_eq!(limits.output_tokens.limit, Some(160_000));
        assert_eq!(limits.output_tokens.remaining, None);
        let requests_reset = limits.requests.reset.unwrap();
        let input_reset = limits.input_tokens.reset.unwrap();
        assert_eq!(
            input_reset.duration_since(requests_reset).unwrap(),
            Duration::from_millis(29_500)
        );
        assert_eq!(
            limits
                .requests
                .reset_after(requests_reset - Duration::from_secs(2)),
            Some(Duration::from_secs(2))
        );
        assert_eq!(limits.requests.reset_after(input_reset), None);
        assert_eq!(
            parse_time("2026-10-21T14:00:01+02:00"),
            Some(requests_reset),
            "an offset is honoured"
        );
        assert_eq!(
            parse_time("2026-10-21T07:00:01-05:00"),
            Some(requests_reset)
        );
        assert!(!limits.is_empty());
        assert!(RateLimits::from_headers(&HeaderMap::new()).is_empty());
    }

    #[test]
    fn malformed_values_are_ignored() {
        let limits = RateLimits::from_headers(&headers(&[
            ("anthropic-ratelimit-requests-limit", "-5"),
            ("anthropic-ratelimit-requests-remaining", "1e20"),
            ("anthropic-ratelimit-requests-reset", "tomorrow"),
            (
                "anthropic-ratelimit-tokens-limit",
                "99999999999999999999999",
            ),
            ("anthropic-ratelimit-tokens-reset", "2026-13-45T99:00:00Z"),
            (
                "anthropic-ratelimit-input-tokens-reset",
                "2026-10-21T12:00:00+25:00",
            ),
            ("anthropic-ratelimit-output-tokens-reset", "+00:00"),
        ]));
        assert!(limits.is_empty(), "{limits:?}");
    }

    proptest! {
        #[test]
        fn any_header_bytes_parse_without_panicking(
            values in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..40), 12)
        ) {
            let mut map = HeaderMap::new();
            let kinds = ["requests", "tokens", "input-tokens", "output-tokens"];
            let fields = ["limit", "remaining", "reset"];
            let names = kinds.iter().flat_map(|k| fields.iter().map(move |f| format!("{PREFIX}{k}-{f}")));
            for (name, bytes) in names.zip(&values) {
                if let Ok(value) = HeaderValue::from_bytes(bytes) {
                    map.insert(http::HeaderName::from_bytes(name.as_bytes()).unwrap(), value);
                }
            }
            let _ = RateLimits::from_headers(&map);
        }

        #[test]
        fn numbers_round_trip(limit in any::<u64>(), remaining in any::<u64>()) {
            let limits = RateLimits::from_headers(&headers(&[
                ("anthropic-ratelimit-output-tokens-limit", &limit.to_string()),
                ("anthropic-ratelimit-output-tokens-remaining", &remaining.to_string()),
            ]));
            prop_assert_eq!(limits.output_tokens.limit, Some(limit));
            prop_assert_eq!(limits.output_tokens.remaining, Some(remaining));
        }
    }
}
