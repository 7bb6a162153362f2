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
    /// The exact body bytes.
    pub body: &'a [u8],
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
