//! The retry policy, whole: which failures are worth another attempt, how long to wait first,
//! and the extra attempts outside the budget. The request loop (`transport`) and the stream's
//! restarts (`MessageStream::final_message`) both ask [`Retries::next`] and do what it says;
//! neither decides anything itself.
//!
//! - **Retryable**: connection errors and timeouts; API errors with `x-should-retry: true`, or
//!   without that header 408, 409, 429, every 5xx, and types that say the same (throttling,
//!   overloaded, `api_error`, timeout, conflict) even after a 200 in a stream; a stream that
//!   broke off before `message_stop` may be restarted. Never: `x-should-retry: false`, redirects,
//!   oversized answers, anything refused before sending.
//! - **Delay**: the server's word first: `retry-after-ms`, else `retry-after` in seconds or as
//!   an HTTP date, used when 0 < t ≤ 60 s. Anything else (out of range, negative, NaN, infinite,
//!   unparsable) is ignored for exponential backoff, 0.5 s × 2ⁿ capped at 8 s, less up to 25 %
//!   jitter, as the official SDKs do. No header value can panic.
//! - **Extra attempts**: two failures earn one extra attempt each, outside the budget, as the
//!   AWS SDKs do: an expired session token (after a forced credential refresh) and a signature
//!   outside the server's time window (after learning the clock skew from the response's
//!   `Date`).

use std::time::{Duration, SystemTime};

use http::HeaderMap;

use crate::error::{ApiError, Error, ErrorType};

const INITIAL_DELAY: Duration = Duration::from_millis(500);
const MAX_DELAY: Duration = Duration::from_secs(8);
const MAX_SERVER_DELAY: Duration = Duration::from_secs(60);

/// The attempts of one call, across the restarts of a stream too: the budget, what is spent,
/// and which extra attempts are used up.
#[derive(Debug)]
pub(crate) struct Retries {
    max: u32,
    used: u32,
    refreshed_credentials: bool,
    corrected_clock: bool,
}

/// What to do after a failed attempt.
#[derive(Debug, PartialEq)]
pub(crate) enum Next {
    /// Force a credential refresh and send again (outside the budget).
    RefreshCredentials,
    /// Sign with this clock skew (milliseconds the server is ahead) and send again (outside the
    /// budget).
    CorrectClock(i64),
    /// Wait this long and send again; one retry is spent.
    RetryAfter(Duration),
    /// Report the error.
    GiveUp,
}

impl Retries {
    /// A fresh call allowed `max` retries.
    pub(crate) fn new(max: u32) -> Self {
        Self {
            max,
            used: 0,
            refreshed_credentials: false,
            corrected_clock: false,
        }
    }

    /// The retries spent so far.
    pub(crate) fn used(&self) -> u32 {
        self.used
    }

    /// Decides what follows `err`. `sigv4`: the request is SigV4-signed, so a credential
    /// refresh or a clock correction can help. `broke_off`: a stream that broke off before
    /// `message_stop` (restartable when nothing has been delivered yet).
    pub(crate) fn next(&mut self, err: &Error, sigv4: bool, broke_off: bool) -> Next {
        if sigv4 && !self.refreshed_credentials && is_expired_token(err) {
            self.refreshed_credentials = true;
            return Next::RefreshCredentials;
        }
        if sigv4
            && !self.corrected_clock
            && let Some(skew) = clock_skew(err)
        {
            self.corrected_clock = true;
            return Next::CorrectClock(skew);
        }
        if self.used >= self.max || !(broke_off || err.is_retryable()) {
            return Next::GiveUp;
        }
        let delay = delay(err, self.used);
        self.used += 1;
        Next::RetryAfter(delay)
    }
}

impl Error {
    /// Whether sending the same request again may succeed: connection failures, timeouts, and
    /// the API errors [`ApiError::is_retryable`] names. Redirects, oversized answers and
    /// anything refused before sending are not.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Api(e) => e.is_retryable(),
            Self::Connection { .. } | Self::Timeout { .. } => true,
            _ => false,
        }
    }
}

impl ApiError {
    /// Whether the same request may succeed later: the server's `x-should-retry` header when
    /// present, else 408, 409, 429, every 5xx (529 included), and any error whose type says
    /// the same: the AWS front door's throttling and unavailable answers (which may come as a
    /// 400), and an `overloaded_error` or `api_error` event in a stream (after a 200).
    pub fn is_retryable(&self) -> bool {
        match self
            .headers()
            .get("x-should-retry")
            .and_then(|v| v.to_str().ok())
        {
            Some("true") => true,
            Some("false") => false,
            _ => {
                matches!(self.status().as_u16(), 408 | 409 | 429 | 500..)
                    || matches!(
                        self.error_type(),
                        ErrorType::RateLimit
                            | ErrorType::Overloaded
                            | ErrorType::Api
                            | ErrorType::Timeout
                            | ErrorType::Conflict
                    )
            }
        }
    }
}

/// How long to wait before retry number `retries + 1`.
fn delay(err: &Error, retries: u32) -> Duration {
    err.as_api()
        .and_then(|api| server_delay(api.headers()))
        .unwrap_or_else(|| backoff(retries, jitter()))
}

/// Whether the AWS front door rejected the session token as expired.
fn is_expired_token(err: &Error) -> bool {
    err.as_api()
        .and_then(|api| api.aws_error_code())
        .is_some_and(|code| code == "ExpiredTokenException")
}

/// How far the server's clock is ahead of ours (negative: behind), when `err` is a signature
/// rejected as outside the server's time window and the response says the server's time.
fn clock_skew(err: &Error) -> Option<i64> {
    let api = err.as_api()?;
    if !api.signature_outside_window() {
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
    // NaN, infinities, negatives and huge values all fail here: nothing can panic below.
    let delay = Duration::try_from_secs_f64(seconds).ok()?;
    (!delay.is_zero() && delay <= MAX_SERVER_DELAY).then_some(delay)
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

/// A uniform number in [0, 1) from the thread's fast generator; it spreads retries apart.
fn jitter() -> f64 {
    fastrand::f64()
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

    fn api_error(status: u16, pairs: &[(&'static str, &'static str)], body: &str) -> ApiError {
        ApiError::from_response(
            http::StatusCode::from_u16(status).unwrap(),
            headers(pairs),
            bytes::Bytes::from(body.to_owned()),
        )
    }

    fn connection() -> Error {
        Error::Connection {
            message: "reset".into(),
            source: "reset".into(),
            status: None,
            request_ids: None,
        }
    }

    #[test]
    fn the_budget_is_spent_then_the_error_is_reported() {
        let mut retries = Retries::new(2);
        let busy: Error = api_error(529, &[("retry-after-ms", "5")], "").into();
        assert_eq!(
            retries.next(&busy, true, false),
            Next::RetryAfter(Duration::from_millis(5))
        );
        assert!(matches!(
            retries.next(&connection(), true, false),
            Next::RetryAfter(_)
        ));
        assert_eq!(retries.used(), 2);
        assert_eq!(retries.next(&busy, true, false), Next::GiveUp);
        let bad: Error = api_error(400, &[], "").into();
        assert_eq!(Retries::new(2).next(&bad, true, false), Next::GiveUp);
    }

    #[test]
    fn a_stream_that_broke_off_may_restart_but_a_protocol_error_may_not() {
        let broke = Error::Stream {
            message: "cut".into(),
            request_ids: Default::default(),
        };
        assert!(matches!(
            Retries::new(1).next(&broke, false, true),
            Next::RetryAfter(_)
        ));
        assert_eq!(Retries::new(1).next(&broke, false, false), Next::GiveUp);
    }

    #[test]
    fn an_expired_token_earns_one_refresh_outside_the_budget() {
        let expired: Error = api_error(
            403,
            &[("x-amzn-errortype", "ExpiredTokenException")],
            r#"{"message":"The security token included in the request is expired"}"#,
        )
        .into();
        let mut retries = Retries::new(0);
        assert_eq!(
            retries.next(&expired, true, false),
            Next::RefreshCredentials
        );
        assert_eq!(retries.next(&expired, true, false), Next::GiveUp);
        assert_eq!(retries.used(), 0);
        assert_eq!(Retries::new(0).next(&expired, false, false), Next::GiveUp);
    }

    #[test]
    fn a_signature_outside_the_window_earns_one_clock_correction() {
        let server = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(1200));
        let mut map = headers(&[("x-amzn-errortype", "InvalidSignatureException")]);
        map.insert("date", server.parse().unwrap());
        let skewed: Error = ApiError::from_response(
            http::StatusCode::FORBIDDEN,
            map,
            bytes::Bytes::from_static(
                br#"{"message":"Signature expired: 20261125T074900Z is now earlier than 20261125T080500Z"}"#,
            ),
        )
        .into();
        let mut retries = Retries::new(0);
        let Next::CorrectClock(skew) = retries.next(&skewed, true, false) else {
            panic!("no clock correction")
        };
        assert!((1_190_000..=1_200_000).contains(&skew), "{skew}");
        assert_eq!(retries.next(&skewed, true, false), Next::GiveUp);
        // Another InvalidSignatureException is a wrong key, not a clock.
        let wrong_key: Error = api_error(
            403,
            &[("x-amzn-errortype", "InvalidSignatureException")],
            r#"{"message":"The request signature we calculated does not match"}"#,
        )
        .into();
        assert_eq!(Retries::new(0).next(&wrong_key, true, false), Next::GiveUp);
    }

    #[test]
    fn hostile_delays_are_ignored_for_backoff() {
        for (name, value) in [
            ("retry-after", "1e20"),
            ("retry-after-ms", "1e23"),
            ("retry-after", "-5"),
            ("retry-after-ms", "-1"),
            ("retry-after", "NaN"),
            ("retry-after", "inf"),
            ("retry-after-ms", "-inf"),
            ("retry-after", "1.8e308"),
            ("retry-after", "9999999999999999999999"),
            ("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT"),
            ("retry-after", "Fri, 31 Dec 9999 23:59:59 GMT"),
            ("retry-after", "garbage"),
            ("retry-after", ""),
        ] {
            assert_eq!(
                server_delay(&headers(&[(name, value)])),
                None,
                "{name}: {value}"
            );
            let err: Error = api_error(529, &[(name, value)], "").into();
            let delay = delay(&err, 1);
            assert!(
                (Duration::from_millis(750)..=Duration::from_secs(1)).contains(&delay),
                "{name}: {value} gave {delay:?}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn any_retry_header_value_gives_a_sane_delay_or_none(
            ms in proptest::option::of("[ -~]{0,40}"),
            secs in proptest::option::of("[ -~]{0,40}"),
            number in proptest::num::f64::ANY,
        ) {
            let mut map = HeaderMap::new();
            for (name, value) in [
                ("retry-after-ms", ms),
                ("retry-after", secs),
                ("retry-after", Some(number.to_string())),
            ] {
                if let Some(v) = value.and_then(|v| http::HeaderValue::from_str(&v).ok()) {
                    map.append(name, v);
                }
            }
            if let Some(delay) = server_delay(&map) {
                proptest::prop_assert!(!delay.is_zero() && delay <= MAX_SERVER_DELAY);
            }
        }
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
    fn retry_after_60_is_honoured_and_61_falls_back_to_backoff() {
        let err =
            |secs: &'static str| -> Error { api_error(429, &[("retry-after", secs)], "").into() };
        let mut retries = Retries::new(2);
        assert_eq!(
            retries.next(&err("60"), true, false),
            Next::RetryAfter(Duration::from_secs(60))
        );
        // Past the 60 s ceiling the header is ignored: the second retry's backoff, 1 s less
        // up to 25 % jitter.
        let Next::RetryAfter(fallback) = retries.next(&err("61"), true, false) else {
            panic!("a 429 is retried")
        };
        assert!(
            (Duration::from_millis(750)..=Duration::from_secs(1)).contains(&fallback),
            "{fallback:?}"
        );
    }

    #[test]
    fn retryable_follows_x_should_retry() {
        assert!(api_error(529, &[], "").is_retryable());
        assert!(api_error(409, &[], "").is_retryable());
        assert!(!api_error(400, &[], "").is_retryable());
        assert!(!api_error(500, &[("x-should-retry", "false")], "").is_retryable());
        assert!(api_error(400, &[("x-should-retry", "true")], "").is_retryable());
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
