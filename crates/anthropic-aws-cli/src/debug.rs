//! `--debug`: every request and response as it crossed the wire (secrets redacted by the
//! library's `WireEvent` display), and both request IDs after each call, on stderr.

use std::io::Write;

use anthropic_aws::WireEvent;

/// The observer given to `ClientBuilder::on_wire`.
pub fn wire(event: &WireEvent<'_>) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{event}");
}

/// Both request IDs of the call's (last) answer.
pub fn request_ids(aws: Option<&str>, anthropic: Option<&str>) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "aws request id: {}", aws.unwrap_or("none"));
    let _ = writeln!(err, "anthropic request id: {}", anthropic.unwrap_or("none"));
}
