//! `anthropic-beta`: the one way betas are merged. A request sends the client's betas (the
//! builder's, then any given as a raw default header), then the request's own (a raw
//! per-request `anthropic-beta` header replaces the client's, as every extra header replaces
//! the client's header of its name; the request's `beta`s follow it), then the route's: each
//! beta once, in the order first given, as one comma-separated value.

use http::HeaderMap;

use super::BETA;
use crate::error::Error;

/// Every beta of `first`, then of `then`, once, in the order first given: each list
/// comma-separated (as the header carries them), entries trimmed, empty ones dropped. `None`
/// when none is left.
pub(crate) fn merge<'a, 'b>(
    first: impl IntoIterator<Item = &'a str>,
    then: impl IntoIterator<Item = &'b str>,
) -> Option<String> {
    fn push<'s>(betas: &mut Vec<&'s str>, list: &'s str) {
        for beta in list.split(',').map(str::trim) {
            if !beta.is_empty() && !betas.contains(&beta) {
                betas.push(beta);
            }
        }
    }
    let mut betas: Vec<&str> = Vec::new();
    for list in first {
        push(&mut betas, list);
    }
    for list in then {
        push(&mut betas, list);
    }
    (!betas.is_empty()).then(|| betas.join(","))
}

/// Every value `headers` holds for `anthropic-beta`, in order.
pub(crate) fn current(headers: &HeaderMap) -> impl Iterator<Item = &str> {
    headers
        .get_all(BETA)
        .into_iter()
        .filter_map(|value| std::str::from_utf8(value.as_bytes()).ok())
}

/// `merged` as `headers`' one `anthropic-beta` value (none when `None`).
pub(crate) fn set(headers: &mut HeaderMap, merged: Option<String>) -> Result<(), Error> {
    match merged {
        Some(merged) => {
            headers.insert(BETA, super::value(BETA.as_str(), &merged)?);
        }
        None => {
            headers.remove(BETA);
        }
    }
    Ok(())
}

/// `more` after the betas `headers` already carries, merged into one value.
pub(crate) fn add<'a>(
    headers: &mut HeaderMap,
    more: impl IntoIterator<Item = &'a str>,
) -> Result<(), Error> {
    let merged = merge(current(headers), more);
    set(headers, merged)
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn sent(headers: &HeaderMap) -> Vec<&str> {
        headers
            .get_all(BETA)
            .iter()
            .map(|v| v.to_str().unwrap())
            .collect()
    }

    #[test]
    fn sources_keep_their_order_and_each_beta_appears_once() {
        let client = ["client-1", "shared"];
        let request = ["request-2", "client-1"];
        let route = ["shared", "route-3"];
        let merged = merge(client.into_iter().chain(request), route);
        assert_eq!(merged.as_deref(), Some("client-1,shared,request-2,route-3"));
    }

    #[test]
    fn whitespace_and_empty_entries_are_dropped() {
        assert_eq!(
            merge([" a , ,b,", ""], [" ", ",, c ,a"]).as_deref(),
            Some("a,b,c")
        );
        assert_eq!(merge([" , "], [""]), None);
        assert_eq!(merge([], []), None);
    }

    #[test]
    fn a_raw_header_counts_with_its_source_and_leaves_one_value() {
        // A caller's raw `anthropic-beta` header next to the builder's betas: two values in the
        // map, duplicates across them, spaces after commas.
        let mut headers = HeaderMap::new();
        headers.append(BETA, HeaderValue::from_static("client-1, raw-2"));
        headers.append(BETA, HeaderValue::from_static("raw-2,raw-3 "));
        add(&mut headers, ["request-4", "client-1"]).unwrap();
        assert_eq!(sent(&headers), ["client-1,raw-2,raw-3,request-4"]);

        add(&mut headers, Some("route-5")).unwrap();
        add(&mut headers, Some("route-5")).unwrap();
        assert_eq!(sent(&headers), ["client-1,raw-2,raw-3,request-4,route-5"]);
    }

    #[test]
    fn nothing_to_send_removes_the_header_and_bad_bytes_are_a_config_error() {
        let mut headers = HeaderMap::new();
        headers.insert(BETA, HeaderValue::from_static(" , "));
        add(&mut headers, None).unwrap();
        assert!(headers.get(BETA).is_none());

        let err = add(&mut headers, Some("line\nbreak")).unwrap_err();
        assert!(matches!(err, Error::Config { .. }), "{err:?}");
    }
}
