//! `--transform`: a GJSON path applied to an answer, with GJSON's `@fromstr` modifier, which
//! the `gjson` crate lacks.
//!
//! `@fromstr` reads a string value as the JSON text it holds, so a path can go on into it:
//! a structured output's text is JSON in a string, and
//! `content.0.text|@fromstr|name` (or `content.0.text.@fromstr.name`) picks `name` out of it.
//! As in GJSON, a value that is not a string passes through unchanged, and a string that is
//! not valid JSON selects nothing.

use std::borrow::Cow;

/// The modifier this module adds.
const FROMSTR: &str = "@fromstr";

/// What `path` selects in `json` (one JSON text), as JSON text; `None` when it selects
/// nothing.
pub fn select<'a>(json: &'a str, path: &str) -> Option<Cow<'a, str>> {
    let Some((before, after)) = split_at_fromstr(path) else {
        let found = gjson::get(json, path);
        return found.exists().then(|| Cow::Owned(found.json().to_owned()));
    };
    let current: Cow<'a, str> = if before.is_empty() {
        Cow::Borrowed(json)
    } else {
        Cow::Owned(select(json, before)?.into_owned())
    };
    let value = gjson::parse(&current);
    let unwrapped = match value.kind() {
        gjson::Kind::String => {
            let text = value.str();
            if !gjson::valid(text) {
                return None;
            }
            text.to_owned()
        }
        _ => current.trim().to_owned(),
    };
    if after.is_empty() {
        return Some(Cow::Owned(unwrapped));
    }
    select(&unwrapped, after).map(|s| Cow::Owned(s.into_owned()))
}

/// The path before the first `@fromstr` component (without its separator) and the path
/// after it (without its separator, its `:argument` dropped); `None` when there is none.
/// A component starts the path or follows a `.` or `|` that no `\` escapes and that is
/// outside brackets, parentheses, braces and quotes.
fn split_at_fromstr(path: &str) -> Option<(&str, &str)> {
    let bytes = path.as_bytes();
    let ends = |j: usize| j == bytes.len() || matches!(bytes.get(j), Some(b'.' | b'|' | b':'));
    let mut depth = 0usize;
    let mut quoted = false;
    let mut component_start = true;
    let mut i = 0;
    while i < bytes.len() {
        let end = i + FROMSTR.len();
        if component_start
            && path.get(i..).is_some_and(|rest| rest.starts_with(FROMSTR))
            && ends(end)
        {
            let before = if i == 0 { "" } else { path.get(..i - 1)? };
            // An argument (`@fromstr:…`) runs to the next separator.
            let mut rest = end;
            while rest < bytes.len() && !matches!(bytes.get(rest), Some(b'.' | b'|')) {
                rest += 1;
            }
            return Some((before, path.get(rest + 1..).unwrap_or("")));
        }
        component_start = false;
        match bytes.get(i) {
            Some(b'\\') => i += 1,
            Some(b'"') => quoted = !quoted,
            Some(b'[' | b'(' | b'{') if !quoted => depth += 1,
            Some(b']' | b')' | b'}') if !quoted => depth = depth.saturating_sub(1),
            Some(b'.' | b'|') if depth == 0 && !quoted => component_start = true,
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const ANSWER: &str = r#"{"content":[{"type":"text","text":"{\"name\":\"Ada\",\"tags\":[\"x\",\"y\"],\"age\":36}"}],"n":3,"bad":"not json","escaped.key":"{\"k\":1}"}"#;

    fn sel(path: &str) -> Option<String> {
        select(ANSWER, path).map(Cow::into_owned)
    }

    #[test]
    fn fromstr_reads_a_string_as_json() {
        assert_eq!(
            sel("content.0.text|@fromstr").as_deref(),
            Some(r#"{"name":"Ada","tags":["x","y"],"age":36}"#)
        );
        assert_eq!(
            sel("content.0.text|@fromstr|name").as_deref(),
            Some(r#""Ada""#)
        );
        assert_eq!(sel("content.0.text.@fromstr.age").as_deref(), Some("36"));
        assert_eq!(
            sel("content.0.text|@fromstr|tags.1").as_deref(),
            Some(r#""y""#)
        );
        assert_eq!(sel("content.0.text|@fromstr|tags.#").as_deref(), Some("2"));
        // Not a string: unchanged. A string that is not JSON: nothing.
        assert_eq!(sel("n|@fromstr").as_deref(), Some("3"));
        assert_eq!(sel("bad|@fromstr"), None);
        assert_eq!(sel("missing|@fromstr"), None);
        assert_eq!(sel("content.0.text|@fromstr|missing"), None);
        // At the start of a path, on a whole document that is a JSON string.
        assert_eq!(
            select(r#""{\"a\":[1,2]}""#, "@fromstr|a.1").as_deref(),
            Some("2")
        );
        // Twice.
        assert_eq!(
            select(r#"{"s":"\"{\\\"k\\\":7}\""}"#, "s|@fromstr|@fromstr|k").as_deref(),
            Some("7")
        );
    }

    #[test]
    fn plain_paths_and_lookalikes_go_to_gjson() {
        assert_eq!(sel("n").as_deref(), Some("3"));
        assert_eq!(sel("content.0.type").as_deref(), Some(r#""text""#));
        assert_eq!(split_at_fromstr("a.@fromstring"), None);
        assert_eq!(split_at_fromstr(r"a\.@fromstr"), None);
        assert_eq!(split_at_fromstr(r#"a.#(b=="x.@fromstr")"#), None);
        assert_eq!(split_at_fromstr("a|@fromstr:{}|b"), Some(("a", "b")));
        assert_eq!(split_at_fromstr("@fromstr"), Some(("", "")));
        assert_eq!(sel(r"escaped\.key|@fromstr|k").as_deref(), Some("1"));
    }
}
