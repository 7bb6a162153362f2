//! The request as the verifier sees it.

/// A borrowed view of an HTTP request, as received on the wire.
#[derive(Debug, Clone, Copy)]
pub struct RequestView<'a> {
    /// The request method, e.g. `POST`.
    pub method: &'a str,
    /// The request target as sent: path (still percent-encoded) plus the
    /// optional `?query`.
    pub path_and_query: &'a str,
    /// Header names (any case) and values, in arrival order. Repeated headers
    /// appear once per value.
    pub headers: &'a [(String, String)],
    /// The exact body bytes (empty when the body was streamed to disk
    /// instead, see [`body_sha256`](Self::body_sha256)).
    pub body: &'a [u8],
    /// The lowercase hex SHA-256 of the body bytes as they were received,
    /// for a body that was not kept in memory (an upload streamed to disk,
    /// hashed while it arrived). When set, it is the payload hash in place
    /// of the hash of [`body`](Self::body).
    pub body_sha256: Option<&'a str>,
}

impl<'a> RequestView<'a> {
    /// Creates a view.
    pub fn new(
        method: &'a str,
        path_and_query: &'a str,
        headers: &'a [(String, String)],
        body: &'a [u8],
    ) -> Self {
        RequestView {
            method,
            path_and_query,
            headers,
            body,
            body_sha256: None,
        }
    }

    /// The same view, for a body that was hashed while it streamed
    /// (`sha256_hex` is the lowercase hex SHA-256 of its exact bytes)
    /// rather than kept.
    ///
    /// ```
    /// use anthropic_aws_emulator::sigv4::{self, RequestView};
    ///
    /// let hash = sigv4::sha256_hex(b"a large body");
    /// let view = RequestView::new("POST", "/v1/files", &[], b"").with_body_sha256(&hash);
    /// assert_eq!(view.payload_hash(), hash);
    /// ```
    pub fn with_body_sha256(mut self, sha256_hex: &'a str) -> Self {
        self.body_sha256 = Some(sha256_hex);
        self
    }

    /// The payload hash: [`body_sha256`](Self::body_sha256) when set, else
    /// the SHA-256 of [`body`](Self::body).
    pub fn payload_hash(&self) -> String {
        match self.body_sha256 {
            Some(hash) => hash.to_owned(),
            None => super::canonical::payload_hash(self.body),
        }
    }

    /// The path part of the request target (before any `?`).
    pub fn path(&self) -> &'a str {
        match self.path_and_query.split_once('?') {
            Some((path, _)) => path,
            None => self.path_and_query,
        }
    }

    /// The raw query string (after the first `?`), if any.
    pub fn query(&self) -> Option<&'a str> {
        self.path_and_query.split_once('?').map(|(_, q)| q)
    }

    /// Every value of header `name` (case-insensitive), in arrival order.
    pub fn header_values<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'a str> + 's {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&'a str> {
        self.header_values(name).next()
    }
}
