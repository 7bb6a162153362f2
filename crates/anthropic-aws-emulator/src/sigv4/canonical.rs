//! The SigV4 building blocks: encoding, the canonical request, the string
//! to sign, the signing key and the signature, re-derived from the
//! specification with only `hmac` and `sha2`.

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

use super::request::RequestView;

/// The only signing algorithm accepted.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// The service name Claude Platform on AWS expects in the credential scope.
pub const SERVICE: &str = "aws-external-anthropic";

/// The last element of every credential scope.
pub const TERMINATOR: &str = "aws4_request";

pub(crate) type HmacSha256 = Hmac<Sha256>;

/// Whether `b` is an RFC 3986 unreserved character (`A-Za-z0-9-._~`).
fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// RFC 3986 percent-encoding as SigV4 wants it: unreserved characters are
/// kept, every other byte becomes `%XX` (uppercase hex). `/` is kept when
/// `keep_slash` is true (for paths).
pub fn uri_encode(input: &[u8], keep_slash: bool) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(input.len());
    for &b in input {
        if is_unreserved(b) || (keep_slash && b == b'/') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0x0f)]));
        }
    }
    out
}

/// Decodes `%XX` sequences (a malformed `%` is kept literally); with
/// `plus_as_space`, `+` becomes a space as in form encoding.
pub fn percent_decode(input: &str, plus_as_space: bool) -> Vec<u8> {
    fn hex_val(b: u8) -> Option<u8> {
        match b {
            b'0'..=b'9' => Some(b - b'0'),
            b'a'..=b'f' => Some(b - b'a' + 10),
            b'A'..=b'F' => Some(b - b'A' + 10),
            _ => None,
        }
    }
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%'
            && let (Some(hi), Some(lo)) = (
                bytes.get(i + 1).copied().and_then(hex_val),
                bytes.get(i + 2).copied().and_then(hex_val),
            )
        {
            out.push(hi << 4 | lo);
            i += 3;
            continue;
        }
        out.push(if plus_as_space && b == b'+' { b' ' } else { b });
        i += 1;
    }
    out
}

/// Normalizes an absolute path as RFC 3986 "remove dot segments" does, and
/// also collapses runs of `/`. A trailing slash is kept (`/a/b/.` becomes
/// `/a/b/`); the result always starts with `/`.
pub fn normalize_path(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    let mut out = String::with_capacity(path.len() + 1);
    for s in &segments {
        out.push('/');
        out.push_str(s);
    }
    let trailing = path.ends_with('/') || path.ends_with("/.") || path.ends_with("/..");
    if out.is_empty() || (trailing && !out.ends_with('/')) {
        out.push('/');
    }
    out
}

/// The canonical URI: the path as received (still percent-encoded),
/// normalized when `normalize` is true, then URI-encoded once more with `/`
/// kept. So `/a%3Ab` becomes `/a%253Ab` (SigV4 "double encoding" for every
/// service but S3). An empty path is `/`.
pub fn canonical_uri(path: &str, normalize: bool) -> String {
    let path = if path.is_empty() { "/" } else { path };
    if normalize {
        uri_encode(normalize_path(path).as_bytes(), true)
    } else {
        uri_encode(path.as_bytes(), true)
    }
}

/// The canonical query string: every `name=value` pair (a bare `name` means
/// an empty value) is percent-decoded (`+` counts as a space, as form
/// decoding does), re-encoded with [`uri_encode`], and the pairs are sorted
/// by encoded name, then encoded value, and joined with `&`.
pub fn canonical_query(query: Option<&str>) -> String {
    let Some(query) = query else {
        return String::new();
    };
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (
                uri_encode(&percent_decode(k, true), false),
                uri_encode(&percent_decode(v, true), false),
            )
        })
        .collect();
    pairs.sort();
    let mut out = String::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(k);
        out.push('=');
        out.push_str(v);
    }
    out
}

/// A header value in canonical form: surrounding spaces and tabs removed,
/// inner runs of spaces collapsed to one.
pub fn canonical_header_value(value: &str) -> String {
    let trimmed = value.trim_matches([' ', '\t']);
    let mut out = String::with_capacity(trimmed.len());
    let mut last_space = false;
    for c in trimmed.chars() {
        if c == ' ' {
            if !last_space {
                out.push(c);
            }
            last_space = true;
        } else {
            out.push(c);
            last_space = false;
        }
    }
    out
}

/// The canonical headers block: for each name in `signed_headers` (in the
/// given order, lowercased), `name:v1,v2,...\n` where the values are every
/// occurrence of that header in arrival order, each in
/// [`canonical_header_value`] form. A signed header that is absent gets an
/// empty value (and so, in practice, a signature mismatch).
pub fn canonical_headers(request: &RequestView<'_>, signed_headers: &[String]) -> String {
    let mut out = String::new();
    for name in signed_headers {
        let name = name.to_ascii_lowercase();
        out.push_str(&name);
        out.push(':');
        for (i, value) in request.header_values(&name).enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&canonical_header_value(value));
        }
        out.push('\n');
    }
    out
}

/// Lowercase hex SHA-256 of `data`.
pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// The payload hash: lowercase hex SHA-256 of the exact body bytes.
pub fn payload_hash(body: &[u8]) -> String {
    sha256_hex(body)
}

/// The canonical request for header-based signing:
///
/// ```text
/// METHOD\nCANONICAL_URI\nCANONICAL_QUERY\nCANONICAL_HEADERS\nSIGNED_HEADERS\nPAYLOAD_HASH
/// ```
///
/// `signed_headers` are used in the given order (a signer passes them
/// sorted); `normalize_path` selects path normalization (always on for
/// Claude Platform on AWS).
pub fn canonical_request(
    request: &RequestView<'_>,
    signed_headers: &[String],
    normalize_path: bool,
) -> String {
    let lower: Vec<String> = signed_headers
        .iter()
        .map(|h| h.to_ascii_lowercase())
        .collect();
    format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        request.method,
        canonical_uri(request.path(), normalize_path),
        canonical_query(request.query()),
        canonical_headers(request, &lower),
        lower.join(";"),
        request.payload_hash()
    )
}

/// The string to sign:
/// `AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{hex sha256(canonical_request)}`.
pub fn string_to_sign(amz_date: &str, scope: &str, canonical_request: &str) -> String {
    format!(
        "{ALGORITHM}\n{amz_date}\n{scope}\n{}",
        sha256_hex(canonical_request.as_bytes())
    )
}

/// A fresh HMAC-SHA256 instance keyed with `key`.
pub(crate) fn mac(key: &[u8]) -> HmacSha256 {
    // HMAC accepts keys of any length (longer ones are hashed first), so
    // `new_from_slice` cannot fail; the fallback only keeps this total.
    HmacSha256::new_from_slice(key).unwrap_or_else(|_| HmacSha256::new(&Default::default()))
}

/// HMAC-SHA256 of `data` under `key`.
pub fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut m = mac(key);
    m.update(data);
    m.finalize().into_bytes().into()
}

/// The SigV4 signing key: HMAC chain `"AWS4" + secret` → date (`YYYYMMDD`)
/// → region → service → `"aws4_request"`.
pub fn signing_key(secret_access_key: &str, date: &str, region: &str, service: &str) -> [u8; 32] {
    let k_secret = format!("AWS4{secret_access_key}");
    let k_date = hmac_sha256(k_secret.as_bytes(), date.as_bytes());
    let k_region = hmac_sha256(&k_date, region.as_bytes());
    let k_service = hmac_sha256(&k_region, service.as_bytes());
    hmac_sha256(&k_service, TERMINATOR.as_bytes())
}

/// The signature: lowercase hex HMAC-SHA256 of the string to sign under the
/// signing key.
pub fn signature(signing_key: &[u8; 32], string_to_sign: &str) -> String {
    hex::encode(hmac_sha256(signing_key, string_to_sign.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231_case_2() {
        let out = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            hex::encode(out),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn path_normalization() {
        assert_eq!(normalize_path(""), "/");
        assert_eq!(normalize_path("/"), "/");
        assert_eq!(normalize_path("//"), "/");
        assert_eq!(normalize_path("/a/b/.."), "/a/");
        assert_eq!(normalize_path("/a/b/."), "/a/b/");
        assert_eq!(normalize_path("/../a"), "/a");
        assert_eq!(normalize_path("//a//b"), "/a/b");
        assert_eq!(normalize_path("/v1/messages"), "/v1/messages");
    }

    #[test]
    fn double_encoding() {
        assert_eq!(canonical_uri("/a%3Ab/c d", true), "/a%253Ab/c%20d");
        assert_eq!(canonical_uri("", false), "/");
    }

    #[test]
    fn query_canonicalization() {
        assert_eq!(canonical_query(None), "");
        assert_eq!(canonical_query(Some("")), "");
        assert_eq!(canonical_query(Some("b=2&a=1&a=0")), "a=0&a=1&b=2");
        assert_eq!(canonical_query(Some("k&x=a+b%2Fc")), "k=&x=a%20b%2Fc");
        assert_eq!(canonical_query(Some("bad=%zz")), "bad=%25zz");
    }

    #[test]
    fn header_values() {
        assert_eq!(canonical_header_value("  a   b  c "), "a b c");
        assert_eq!(canonical_header_value("\tx\t"), "x");
    }
}
