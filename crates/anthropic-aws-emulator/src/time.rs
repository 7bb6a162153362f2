//! UTC date and time helpers for the emulator (no calendar crate needed).
//!
//! SigV4 carries its timestamp in the ISO 8601 *basic* format
//! (`20150830T123600Z`); the AWS test suite and the Claude API use the
//! *extended* RFC 3339 form (`2015-08-30T12:36:00Z`). Both are always UTC here.
//!
//! ```
//! use anthropic_aws_emulator::time;
//!
//! let t = time::parse_rfc3339("2015-08-30T12:36:00Z").unwrap();
//! assert_eq!(time::format_amz_date(t), "20150830T123600Z");
//! assert_eq!(time::parse_amz_date("20150830T123600Z"), Some(t));
//! ```

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Seconds since the Unix epoch (negative before 1970), saturating at the
/// `i64` range.
pub fn unix_seconds(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_secs()).unwrap_or(i64::MAX),
        Err(before) => {
            let secs = before.duration().as_secs();
            // Round towards negative infinity so that sub-second parts before
            // the epoch still fall into the right second.
            let whole = i64::try_from(secs).unwrap_or(i64::MAX);
            if before.duration().subsec_nanos() > 0 {
                -whole - 1
            } else {
                -whole
            }
        }
    }
}

/// The instant `secs` seconds after (or, when negative, before) the Unix epoch.
pub fn from_unix_seconds(secs: i64) -> SystemTime {
    if secs >= 0 {
        UNIX_EPOCH + Duration::from_secs(secs.unsigned_abs())
    } else {
        UNIX_EPOCH - Duration::from_secs(secs.unsigned_abs())
    }
}

/// Whether `year` is a leap year in the proleptic Gregorian calendar.
pub fn is_leap_year(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Number of days in `month` (1–12) of `year`; 0 for an invalid month.
pub fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 of a (valid) civil date.
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    // Count from a March-based year so that the leap day is the last day of
    // the "year"; eras are 400-year cycles of 146 097 days.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y.rem_euclid(400);
    let m = i64::from(month);
    let shifted_month = if m > 2 { m - 3 } else { m + 9 };
    let day_of_year = (153 * shifted_month + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// Civil date (year, month, day) of a day count since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    // `day` is in 1..=31 and `month` in 1..=12, so the casts cannot truncate.
    (year, month as u32, day as u32)
}

/// Broken-down UTC time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Civil {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
}

impl Civil {
    fn from_system_time(t: SystemTime) -> Self {
        let secs = unix_seconds(t);
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        // `rem` is in 0..86_400.
        let rem = rem as u32;
        Civil {
            year,
            month,
            day,
            hour: rem / 3600,
            minute: rem / 60 % 60,
            second: rem % 60,
        }
    }

    fn to_system_time(self) -> Option<SystemTime> {
        if !(1..=12).contains(&self.month)
            || self.day == 0
            || self.day > days_in_month(self.year, self.month)
            || self.hour > 23
            || self.minute > 59
            || self.second > 59
        {
            return None;
        }
        let days = days_from_civil(self.year, self.month, self.day);
        let secs = days
            .checked_mul(86_400)?
            .checked_add(i64::from(self.hour * 3600 + self.minute * 60 + self.second))?;
        Some(from_unix_seconds(secs))
    }
}

/// Parses a non-empty run of ASCII digits (the caller fixes its length).
fn digits(s: &[u8]) -> Option<u32> {
    if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    s.iter().try_fold(0u32, |acc, d| {
        acc.checked_mul(10)?.checked_add(u32::from(d - b'0'))
    })
}

/// Formats `t` as an ISO 8601 basic UTC timestamp, the form of `x-amz-date`:
/// `20150830T123600Z`.
pub fn format_amz_date(t: SystemTime) -> String {
    let c = Civil::from_system_time(t);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        c.year, c.month, c.day, c.hour, c.minute, c.second
    )
}

/// Parses an `x-amz-date` value (`YYYYMMDDTHHMMSSZ`, UTC). Returns `None` for
/// anything else, including impossible dates such as `20150230T000000Z`.
pub fn parse_amz_date(s: &str) -> Option<SystemTime> {
    let b = s.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    Civil {
        year: i64::from(digits(&b[0..4])?),
        month: digits(&b[4..6])?,
        day: digits(&b[6..8])?,
        hour: digits(&b[9..11])?,
        minute: digits(&b[11..13])?,
        second: digits(&b[13..15])?,
    }
    .to_system_time()
}

/// Formats `t` as RFC 3339 UTC without fractional seconds:
/// `2015-08-30T12:36:00Z`.
pub fn format_rfc3339(t: SystemTime) -> String {
    let c = Civil::from_system_time(t);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        c.year, c.month, c.day, c.hour, c.minute, c.second
    )
}

/// Parses an RFC 3339 UTC timestamp such as `2015-08-30T12:36:00Z` (a
/// fractional second part, `.123Z`, is accepted and truncated). Only the `Z`
/// offset is accepted.
pub fn parse_rfc3339(s: &str) -> Option<SystemTime> {
    let b = s.as_bytes();
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b't')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let tail = &b[19..];
    let valid_tail = match tail {
        [b'Z' | b'z'] => true,
        [b'.', frac @ .., b'Z' | b'z'] => !frac.is_empty() && frac.iter().all(u8::is_ascii_digit),
        _ => false,
    };
    if !valid_tail {
        return None;
    }
    Civil {
        year: i64::from(digits(&b[0..4])?),
        month: digits(&b[5..7])?,
        day: digits(&b[8..10])?,
        hour: digits(&b[11..13])?,
        minute: digits(&b[14..16])?,
        second: digits(&b[17..19])?,
    }
    .to_system_time()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_suite_timestamp_round_trips() {
        let t = parse_rfc3339("2015-08-30T12:36:00Z");
        assert_eq!(t, Some(from_unix_seconds(1_440_938_160)));
        let t = t.unwrap_or(UNIX_EPOCH);
        assert_eq!(format_amz_date(t), "20150830T123600Z");
        assert_eq!(format_rfc3339(t), "2015-08-30T12:36:00Z");
        assert_eq!(parse_amz_date("20150830T123600Z"), Some(t));
    }

    #[test]
    fn epoch_and_pre_epoch() {
        assert_eq!(format_amz_date(UNIX_EPOCH), "19700101T000000Z");
        let before = from_unix_seconds(-1);
        assert_eq!(format_rfc3339(before), "1969-12-31T23:59:59Z");
        assert_eq!(parse_rfc3339("1969-12-31T23:59:59Z"), Some(before));
        assert_eq!(unix_seconds(UNIX_EPOCH - Duration::from_millis(500)), -1);
    }

    #[test]
    fn leap_years() {
        assert!(is_leap_year(2024));
        assert!(is_leap_year(2000));
        assert!(!is_leap_year(1900));
        assert!(!is_leap_year(2026));
        let leap_day = parse_amz_date("20240229T235959Z");
        assert!(leap_day.is_some());
        let next = leap_day.map(|t| format_amz_date(t + Duration::from_secs(1)));
        assert_eq!(next.as_deref(), Some("20240301T000000Z"));
        assert_eq!(parse_amz_date("20260229T000000Z"), None);
        assert_eq!(parse_amz_date("19000229T000000Z"), None);
        assert!(parse_amz_date("20000229T000000Z").is_some());
        // Day 0 of 2000 (a century leap year) through the last day of 2400.
        for secs in [946_684_800_i64, 951_782_400, 13_601_462_399] {
            let t = from_unix_seconds(secs);
            assert_eq!(parse_amz_date(&format_amz_date(t)), Some(t));
        }
        assert_eq!(
            format_rfc3339(from_unix_seconds(951_782_400)),
            "2000-02-29T00:00:00Z"
        );
    }

    #[test]
    fn every_day_for_a_few_centuries_round_trips() {
        let start = parse_rfc3339("1890-01-01T00:00:00Z").unwrap_or(UNIX_EPOCH);
        let mut t = start;
        for _ in 0..(365 * 250) {
            assert_eq!(parse_rfc3339(&format_rfc3339(t)), Some(t));
            t += Duration::from_secs(86_400);
        }
    }

    #[test]
    fn rejects_garbage() {
        for bad in [
            "",
            "20150830T123600",
            "20150830 123600Z",
            "2015083OT123600Z",
            "20151330T123600Z",
            "20150832T123600Z",
            "20150830T243600Z",
            "20150830T126000Z",
            "20150830T123660Z",
            "+0150830T123600Z",
            "２0150830T12360Z",
        ] {
            assert_eq!(parse_amz_date(bad), None, "{bad:?}");
        }
        for bad in [
            "2015-08-30T12:36:00",
            "2015-08-30T12:36:00+01:00",
            "2015-08-30T12:36:00.Z",
            "2015-08-30 12:36:00Z",
            "2015-02-29T12:36:00Z",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad:?}");
        }
        assert_eq!(
            parse_rfc3339("2015-08-30T12:36:00.250Z").map(format_rfc3339),
            Some("2015-08-30T12:36:00Z".to_owned())
        );
    }
}
