//! [`Received`]: a request with its body read in full, within the size
//! limit.

use bytes::Bytes;
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::http::request::Parts;

use crate::responses::ApiError;
use crate::sigv4::RequestView;

/// Largest request body accepted (the Messages API limit).
pub(super) const MAX_BODY_BYTES: usize = 32 * 1024 * 1024;

/// A received request, fully buffered.
pub(super) struct Received {
    pub(super) method: String,
    pub(super) path_and_query: String,
    /// Header names (lowercase) and values (lossily decoded as UTF-8), one
    /// entry per value.
    pub(super) headers: Vec<(String, String)>,
    pub(super) body: Bytes,
}

impl Received {
    /// Reads the body of the request whose head is `parts`. A body over
    /// [`MAX_BODY_BYTES`], or one that cannot be read, is not kept: the
    /// request comes back with an empty body and the error to answer.
    pub(super) async fn read(parts: &Parts, body: Incoming) -> (Self, Option<ApiError>) {
        let headers = parts
            .headers
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_owned(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect();
        let path_and_query = parts
            .uri
            .path_and_query()
            .map_or_else(|| "/".to_owned(), |pq| pq.as_str().to_owned());
        let (body, error) = match Limited::new(body, MAX_BODY_BYTES).collect().await {
            Ok(collected) => (collected.to_bytes(), None),
            Err(e) if e.is::<http_body_util::LengthLimitError>() => (
                Bytes::new(),
                Some(ApiError {
                    status: 413,
                    error_type: "request_too_large",
                    message: format!("Request exceeds the maximum size of {MAX_BODY_BYTES} bytes"),
                }),
            ),
            Err(e) => (
                Bytes::new(),
                Some(ApiError::invalid_request(format!(
                    "could not read the request body: {e}"
                ))),
            ),
        };
        let received = Received {
            method: parts.method.as_str().to_owned(),
            path_and_query,
            headers,
            body,
        };
        (received, error)
    }

    /// The request as the SigV4 verifier sees it.
    pub(super) fn view(&self) -> RequestView<'_> {
        RequestView::new(
            &self.method,
            &self.path_and_query,
            &self.headers,
            &self.body,
        )
    }

    /// The first value of header `name` (case-insensitive).
    pub(super) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The path, without the query.
    pub(super) fn path(&self) -> &str {
        self.view().path()
    }
}
