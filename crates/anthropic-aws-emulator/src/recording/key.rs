//! What a replayed request is matched by: method, path, query (pairs
//! sorted) and body (JSON with its keys sorted, a form by its parts, other
//! bytes by their hash).

use std::fmt::Write as _;

use serde_json::Value;
use sha2::{Digest, Sha256};

use super::format::{RequestBody, StoredRequest};

/// The body of a request, as matched: empty, JSON (any key order), or the
/// hash of other bytes.
pub(crate) fn request_body(bytes: &[u8]) -> RequestBody {
    if bytes.is_empty() {
        return RequestBody::Empty;
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(value) => RequestBody::Json(value),
        Err(_) => RequestBody::Sha256(hex::encode(Sha256::digest(bytes))),
    }
}

/// The key two requests share exactly when they match.
pub(crate) fn match_key(request: &StoredRequest) -> String {
    let mut query: Vec<&(String, String)> = request.query.iter().collect();
    query.sort();
    let mut key = format!("{} {}", request.method, request.path);
    for (i, (name, value)) in query.iter().enumerate() {
        let _ = write!(key, "{}{name:?}={value:?}", if i == 0 { '?' } else { '&' });
    }
    key.push('\n');
    // `Value`'s objects keep their keys sorted: the text is canonical.
    key.push_str(&serde_json::to_string(&request.body).unwrap_or_default());
    key
}

/// How `recorded` differs from `wanted`, in a few words, for the message of
/// a miss: `its body differs in max_tokens, model`.
pub(crate) fn difference(wanted: &StoredRequest, recorded: &StoredRequest) -> String {
    let mut parts = Vec::new();
    if wanted.method != recorded.method {
        parts.push(format!("its method is {}", recorded.method));
    }
    if wanted.path != recorded.path {
        parts.push(format!("its path is {}", recorded.path));
    }
    let (mut a, mut b) = (wanted.query.clone(), recorded.query.clone());
    a.sort();
    b.sort();
    if a != b {
        parts.push("its query differs".to_owned());
    }
    if wanted.body != recorded.body {
        parts.push(match (&wanted.body, &recorded.body) {
            (RequestBody::Json(Value::Object(x)), RequestBody::Json(Value::Object(y))) => {
                let mut keys: Vec<&str> = x
                    .iter()
                    .filter(|(k, v)| y.get(*k) != Some(*v))
                    .map(|(k, _)| k.as_str())
                    .chain(y.keys().filter(|k| !x.contains_key(*k)).map(String::as_str))
                    .collect();
                keys.sort_unstable();
                keys.dedup();
                let more = keys.len().saturating_sub(6);
                keys.truncate(6);
                let mut text = format!("its body differs in {}", keys.join(", "));
                if more > 0 {
                    let _ = write!(text, " and {more} more");
                }
                text
            }
            _ => "its body differs".to_owned(),
        });
    }
    parts.join("; ")
}

/// How close `recorded` is to `wanted` (higher is closer), to name the
/// nearest recorded request of a miss.
pub(crate) fn closeness(wanted: &StoredRequest, recorded: &StoredRequest) -> u64 {
    let common_path = wanted
        .path
        .split('/')
        .zip(recorded.path.split('/'))
        .take_while(|(a, b)| a == b)
        .count() as u64;
    let same_path = u64::from(wanted.path == recorded.path);
    let same_method = u64::from(wanted.method == recorded.method);
    let same_body_keys = match (&wanted.body, &recorded.body) {
        (RequestBody::Json(Value::Object(x)), RequestBody::Json(Value::Object(y))) => {
            x.iter().filter(|(k, v)| y.get(*k) == Some(*v)).count() as u64
        }
        (x, y) => u64::from(x == y),
    };
    same_path * 1_000_000 + same_method * 100_000 + common_path * 1_000 + same_body_keys.min(999)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn request(query: &[(&str, &str)], body: &str) -> StoredRequest {
        StoredRequest {
            method: "POST".to_owned(),
            path: "/v1/messages".to_owned(),
            query: query
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            headers: Vec::new(),
            body: request_body(body.as_bytes()),
        }
    }

    #[test]
    fn key_order_and_query_order_do_not_matter() {
        let a = request(&[("a", "1"), ("b", "2")], r#"{"model":"m","max_tokens":5}"#);
        let b = request(
            &[("b", "2"), ("a", "1")],
            r#"{ "max_tokens": 5, "model": "m" }"#,
        );
        assert_eq!(match_key(&a), match_key(&b));
        let c = request(&[], r#"{"model":"m","max_tokens":6}"#);
        assert_ne!(match_key(&a), match_key(&c));
        assert_eq!(request_body(b""), RequestBody::Empty);
        assert!(matches!(request_body(b"\x00bin"), RequestBody::Sha256(h) if h.len() == 64));
        assert_eq!(
            request_body(br#"{"x":[1]}"#),
            RequestBody::Json(json!({"x": [1]}))
        );
    }

    #[test]
    fn a_difference_names_the_body_fields() {
        let a = request(&[], r#"{"model":"m","max_tokens":5}"#);
        let b = request(
            &[("limit", "2")],
            r#"{"model":"m","max_tokens":6,"stream":true}"#,
        );
        assert_eq!(
            difference(&a, &b),
            "its query differs; its body differs in max_tokens, stream"
        );
        assert!(closeness(&a, &b) > closeness(&a, &request_at("/v1/models")));
    }

    fn request_at(path: &str) -> StoredRequest {
        StoredRequest {
            path: path.to_owned(),
            ..request(&[], "")
        }
    }
}
