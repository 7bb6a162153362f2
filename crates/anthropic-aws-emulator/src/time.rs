//! UTC date and time helpers for the emulator, on the `time` crate's
//! calendar.
//!
//! SigV4 carries its timestamp in the ISO 8601 *basic* format
//! (`20150830T123600Z`); the AWS test suite and the Claude API use the
//! *extended* RFC 3339 form (`2015-08-30T12:36:00Z`). Both are always UTC
//! here, in whole seconds. (HTTP `Date` headers are written by `httpdate`.)
//!
//! ```
//! use anthropic_aws_emulator::time;
//!
//! let t = time::parse_rfc3339("2015-08-30T12:36:00Z").unwrap();
//! assert_eq!(time::format_amz_date(t), "20150830T123600Z");
//! assert_eq!(time::parse_amz_date("20150830T123600Z"), Some(t));
//! ```

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ::time::format_description::BorrowedFormatItem;
use ::time::macros::format_description;
use ::time::{Month, PrimitiveDateTime, UtcDateTime};

/// `x-amz-date`: `20150830T123600Z`.
const AMZ_DATE: &[BorrowedFormatItem<'_>] =
    format_description!("[year][month][day]T[hour][minute][second]Z");

/// RFC 3339 in whole seconds, as written: `2015-08-30T12:36:00Z`.
const RFC3339: &[BorrowedFormatItem<'_>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");

/// RFC 3339 as read: `T` or `t`, an optional fraction of a second (one
/// digit or more), `Z` or `z`; no other offset.
const RFC3339_IN: &[BorrowedFormatItem<'_>] = format_description!(
    version = 2,
    "[year]-[month]-[day][first [T][t]][hour]:[minute]:[second][optional [.[subsecond]]][first [Z][z]]"
);

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

/// `year` within the `time` crate's range with the same leap years (they
/// repeat every 400 years).
fn cycle_year(year: i64) -> i32 {
    i32::try_from(year).unwrap_or_else(|_| {
        // 0..400 always fits.
        i32::try_from(year.rem_euclid(400)).unwrap_or_default()
    })
}

/// Whether `year` is a leap year in the proleptic Gregorian calendar.
pub fn is_leap_year(year: i64) -> bool {
    ::time::util::is_leap_year(cycle_year(year))
}

/// Number of days in `month` (1–12) of `year`; 0 for an invalid month.
pub fn days_in_month(year: i64, month: u32) -> u32 {
    u8::try_from(month)
        .ok()
        .and_then(|m| Month::try_from(m).ok())
        .map_or(0, |m| u32::from(m.length(cycle_year(year))))
}

/// `t` in whole seconds as a UTC date and time, clamped to the years
/// -9999 to 9999 (the `time` crate's range).
fn utc(t: SystemTime) -> UtcDateTime {
    let secs = unix_seconds(t);
    UtcDateTime::from_unix_timestamp(secs).unwrap_or(if secs < 0 {
        UtcDateTime::MIN
    } else {
        UtcDateTime::MAX
    })
}

/// `t` formatted by `format` (whose components a date and time always have).
fn format(t: SystemTime, format: &[BorrowedFormatItem<'_>]) -> String {
    utc(t).format(format).unwrap_or_default()
}

/// `s` parsed by `format` as a UTC date and time, truncated to the second.
/// A year must be four digits, without a sign.
fn parse(s: &str, format: &[BorrowedFormatItem<'_>]) -> Option<SystemTime> {
    if !s.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let t = PrimitiveDateTime::parse(s, format).ok()?.assume_utc();
    Some(from_unix_seconds(t.unix_timestamp()))
}

/// Formats `t` as an ISO 8601 basic UTC timestamp, the form of `x-amz-date`:
/// `20150830T123600Z`.
pub fn format_amz_date(t: SystemTime) -> String {
    format(t, AMZ_DATE)
}

/// Parses an `x-amz-date` value (`YYYYMMDDTHHMMSSZ`, UTC). Returns `None` for
/// anything else, including impossible dates such as `20150230T000000Z`.
pub fn parse_amz_date(s: &str) -> Option<SystemTime> {
    parse(s, AMZ_DATE)
}

/// Formats `t` as RFC 3339 UTC without fractional seconds:
/// `2015-08-30T12:36:00Z`.
pub fn format_rfc3339(t: SystemTime) -> String {
    format(t, RFC3339)
}

/// Parses an RFC 3339 UTC timestamp such as `2015-08-30T12:36:00Z` (a
/// fractional second part, `.123Z`, is accepted and truncated). Only the `Z`
/// offset is accepted.
pub fn parse_rfc3339(s: &str) -> Option<SystemTime> {
    parse(s, RFC3339_IN)
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
    fn leap_years_and_month_lengths_beyond_the_calendar_range() {
        for (year, leap) in [
            (i64::MAX, false),
            (400 * 1_000_000, true),
            (-4, true),
            (-100, false),
        ] {
            assert_eq!(is_leap_year(year), leap, "{year}");
        }
        assert_eq!(days_in_month(2024, 2), 29);
        assert_eq!(days_in_month(2026, 2), 28);
        assert_eq!(days_in_month(2026, 4), 30);
        assert_eq!(days_in_month(2026, 12), 31);
        assert_eq!(days_in_month(2026, 0), 0);
        assert_eq!(days_in_month(2026, 13), 0);
        assert_eq!(days_in_month(2026, 256 + 1), 0);
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

    /// The fields of `httpdate`'s `Sun, 06 Nov 1994 08:49:37 GMT`, an
    /// independent calendar: (year, month, day, hh:mm:ss).
    fn http_fields(t: SystemTime) -> (String, u32, String, String) {
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        let text = httpdate::fmt_http_date(t);
        let parts: Vec<&str> = text.split(' ').collect();
        let month = MONTHS.iter().position(|m| *m == parts[2]).unwrap_or(99) + 1;
        (
            parts[3].to_owned(),
            u32::try_from(month).unwrap_or_default(),
            parts[1].to_owned(),
            parts[4].to_owned(),
        )
    }

    #[test]
    fn both_formats_agree_with_httpdate_from_1970_to_9999() {
        // A step of 97 days, 1 h, 1 min and 7 s visits every day of the
        // month, hour, minute and second over the 8 000 years.
        let step = 97 * 86_400 + 3600 + 60 + 7;
        let last = unix_seconds(parse_rfc3339("9999-12-31T23:59:59Z").unwrap_or(UNIX_EPOCH));
        let mut secs = 0_i64;
        let mut checked = 0;
        while secs <= last {
            let t = from_unix_seconds(secs) + Duration::from_millis(999);
            let (year, month, day, hms) = http_fields(t);
            let rfc = format!("{year}-{month:02}-{day}T{hms}Z");
            assert_eq!(format_rfc3339(t), rfc);
            assert_eq!(format_amz_date(t), rfc.replace([':', '-'], ""));
            assert_eq!(parse_rfc3339(&rfc), Some(from_unix_seconds(secs)));
            secs += step;
            checked += 1;
        }
        assert!(checked > 30_000, "{checked}");
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
            "+20150830T123600Z",
            "-20150830T123600Z",
            "20150830T123600Zx",
            "20150830t123600Z",
            "2015-08-30T12:36:00Z",
        ] {
            assert_eq!(parse_amz_date(bad), None, "{bad:?}");
        }
        for bad in [
            "2015-08-30T12:36:00",
            "2015-08-30T12:36:00+01:00",
            "2015-08-30T12:36:00.Z",
            "2015-08-30 12:36:00Z",
            "2015-02-29T12:36:00Z",
            "2015-06-30T23:59:60Z",
            "+2015-08-30T12:36:00Z",
            "2015-08-30T12:36:00Z ",
            "2015-08-30T12:36:00.5",
            "15-08-30T12:36:00Z",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad:?}");
        }
        assert_eq!(
            parse_rfc3339("2015-08-30T12:36:00.250Z").map(format_rfc3339),
            Some("2015-08-30T12:36:00Z".to_owned())
        );
        assert_eq!(
            parse_rfc3339("2015-08-30t12:36:00.123456789012z").map(format_rfc3339),
            Some("2015-08-30T12:36:00Z".to_owned())
        );
    }
}
