//! `--debug`: every request and response as it crossed the wire (secrets redacted by the
//! library's `WireEvent` display) and, after each response, both of its request IDs, on
//! stderr.
//!
//! The wire observer is the one place that sees every response (each page of a list, each
//! attempt of a retried call, a results or download body, a refusal), so the request IDs are
//! reported here and nowhere else: no command passes them on by hand.

use std::io::Write;

use anthropic_aws::{RequestIds, WireEvent};

/// The observer given to `ClientBuilder::on_wire`.
pub fn wire(event: &WireEvent<'_>) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{event}");
    if let WireEvent::Response { headers, .. } = event {
        let _ = err.write_all(request_ids(&RequestIds::from_headers(headers)).as_bytes());
    }
}

/// The two lines naming a response's request IDs (`none` for one it lacks).
fn request_ids(ids: &RequestIds) -> String {
    format!(
        "aws request id: {}\nanthropic request id: {}\n",
        ids.aws().unwrap_or("none"),
        ids.anthropic().unwrap_or("none")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_ids_are_named_and_a_missing_one_is_none() {
        let mut headers = http::HeaderMap::new();
        headers.insert("x-amzn-requestid", http::HeaderValue::from_static("aws-1"));
        assert_eq!(
            request_ids(&RequestIds::from_headers(&headers)),
            "aws request id: aws-1\nanthropic request id: none\n"
        );
        headers.insert("request-id", http::HeaderValue::from_static("req_1"));
        assert_eq!(
            request_ids(&RequestIds::from_headers(&headers)),
            "aws request id: aws-1\nanthropic request id: req_1\n"
        );
    }
}
