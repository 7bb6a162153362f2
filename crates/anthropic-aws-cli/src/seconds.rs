//! Durations on the command line: positive seconds, fractions allowed (`--timeout 2.5`).

use std::time::Duration;

/// Parses a positive, finite number of seconds.
pub fn parse_positive(raw: &str) -> Result<Duration, String> {
    let seconds: f64 = raw
        .trim()
        .parse()
        .map_err(|_| format!("`{raw}` is not a number of seconds"))?;
    if !seconds.is_finite() || seconds <= 0.0 {
        return Err(format!("`{raw}` is not a positive number of seconds"));
    }
    Duration::try_from_secs_f64(seconds).map_err(|_| format!("`{raw}` seconds is too long"))
}
