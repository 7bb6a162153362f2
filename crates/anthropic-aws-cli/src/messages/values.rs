//! Reading one flag's value: what it must be ([`Kind`]), parsed and checked locally, so that a
//! bad value is a usage error naming the flag and what it expects, before anything is sent.

use serde_json::{Map, Number, Value};

use super::fields::BodyFlag;
use crate::errors::CliError;
use crate::input;

/// Checks a mapping's content (the `type`s and enums the API defines, the shape of the typed
/// request); the error says what is wrong, without repeating the value.
pub type Check = fn(&Map<String, Value>) -> Result<(), String>;

/// What a flag's value is.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// A string, sent as given.
    Text,
    /// One of these strings.
    Choice(&'static [&'static str]),
    /// A whole number from 0 to `max`.
    Count { max: u64 },
    /// A number from 0 to 1, sent as written (`1` stays an integer, `0.5` a float).
    Fraction,
    /// No value: present means `true`.
    Switch,
    /// A mapping: YAML flow, JSON, or `@path` to read it from a file.
    Mapping(Check),
    /// A list: YAML flow, JSON, or `@path`.
    List,
    /// Text as given, or a list of blocks when it starts with `[`; `@path` reads the text from
    /// a file.
    TextOrBlocks,
    /// An ID as given, or a mapping when it starts with `{` or is `@path`.
    IdOrMapping(Check),
    /// A conversation turn (a mapping; checked as a turn once its dotted flags are applied).
    Turn,
}

/// The flag as an error names it: `--tool #2` for the second use of a repeatable flag.
pub fn flag_label(flag: &BodyFlag, nth: usize) -> String {
    if flag.repeated && flag.member.is_none() {
        format!("--{} #{nth}", flag.name)
    } else {
        format!("--{}", flag.name)
    }
}

/// Reads the `nth` (from 1) use of `flag` (`raw` is `None` for a switch).
pub fn parse(flag: &BodyFlag, nth: usize, raw: Option<&str>) -> Result<Value, CliError> {
    let what = flag_label(flag, nth);
    let Some(raw) = raw else {
        return Ok(Value::Bool(true));
    };
    let shown = |raw: &str| {
        if flag.secret {
            String::new()
        } else {
            format!(", not `{raw}`")
        }
    };
    match flag.kind {
        Kind::Text => Ok(Value::String(raw.to_owned())),
        Kind::Switch => Ok(Value::Bool(true)),
        Kind::Choice(choices) => {
            if choices.contains(&raw) {
                Ok(Value::String(raw.to_owned()))
            } else {
                Err(CliError::usage(format!(
                    "{what} expects {}{}",
                    one_of(choices),
                    shown(raw)
                )))
            }
        }
        Kind::Count { max } => match raw.trim().parse::<u64>() {
            Ok(n) if n <= max => Ok(Value::from(n)),
            _ => Err(CliError::usage(format!(
                "{what} expects a whole number from 0 to {max}{}",
                shown(raw)
            ))),
        },
        Kind::Fraction => fraction(raw.trim()).map(Value::Number).ok_or_else(|| {
            CliError::usage(format!(
                "{what} expects a number from 0 to 1, e.g. 0.5{}",
                shown(raw)
            ))
        }),
        Kind::Mapping(check) => {
            let map = mapping(raw, &what, flag)?;
            checked(map, check, &what)
        }
        Kind::List => {
            let (value, source) = document(raw, &what, flag)?;
            match value {
                Value::Array(_) => Ok(value),
                other => Err(CliError::usage(format!(
                    "{what}{source} is {}, not a list{}",
                    input::kind(&other),
                    tail(flag)
                ))),
            }
        }
        Kind::TextOrBlocks => text_or_blocks(raw, &what, flag),
        Kind::IdOrMapping(check) => {
            if raw.starts_with('{') || raw.starts_with('@') {
                let (value, source) = document(raw, &what, flag)?;
                match value {
                    Value::String(_) => Ok(value),
                    Value::Object(map) => checked(map, check, &what),
                    other => Err(CliError::usage(format!(
                        "{what}{source} is {}, not an ID or a mapping{}",
                        input::kind(&other),
                        tail(flag)
                    ))),
                }
            } else {
                Ok(Value::String(raw.to_owned()))
            }
        }
        Kind::Turn => mapping(raw, &what, flag).map(Value::Object),
    }
}

/// `a`, `a or b`, `one of a, b, c`.
fn one_of(choices: &[&str]) -> String {
    match choices {
        [one] => one.to_string(),
        [a, b] => format!("{a} or {b}"),
        _ => format!("one of {}", choices.join(", ")),
    }
}

/// A number from 0 to 1 as written: JSON's syntax keeps `1` an integer and `0.5` exact; Rust's
/// adds `.5` and `+0.5`. NaN and infinities are no numbers here.
fn fraction(raw: &str) -> Option<Number> {
    let number = match serde_json::from_str::<Value>(raw) {
        Ok(Value::Number(n)) => n,
        _ => Number::from_f64(raw.parse::<f64>().ok()?)?,
    };
    let x = number.as_f64()?;
    (0.0..=1.0).contains(&x).then_some(number)
}

fn document(raw: &str, what: &str, flag: &BodyFlag) -> Result<(Value, String), CliError> {
    input::document_arg(raw, what, &tail(flag))
}

fn mapping(raw: &str, what: &str, flag: &BodyFlag) -> Result<Map<String, Value>, CliError> {
    let (value, source) = document(raw, what, flag)?;
    match value {
        Value::Object(map) => Ok(map),
        other => Err(CliError::usage(format!(
            "{what}{source} is {}, not a mapping{}",
            input::kind(&other),
            tail(flag)
        ))),
    }
}

fn checked(map: Map<String, Value>, check: Check, what: &str) -> Result<Value, CliError> {
    check(&map).map_err(|e| CliError::usage(format!("{what}: {e}")))?;
    Ok(Value::Object(map))
}

/// `@path` is text read from a file (`\@` starts a text with a literal `@`, as in the `ant`
/// CLI); `[…]` is a list (of blocks), which must parse; anything else is the text itself.
fn text_or_blocks(raw: &str, what: &str, flag: &BodyFlag) -> Result<Value, CliError> {
    if let Some(literal) = raw.strip_prefix("\\@") {
        return Ok(Value::String(format!("@{literal}")));
    }
    if let Some(path) = raw.strip_prefix('@') {
        return input::read_file(path, what).map(Value::String);
    }
    if !raw.trim_start().starts_with('[') {
        return Ok(Value::String(raw.to_owned()));
    }
    match input::parse_document(raw) {
        Ok(list @ Value::Array(_)) => Ok(list),
        Ok(other) => Err(CliError::usage(format!(
            "{what} starts with `[` but is {}, not a list of blocks{}",
            input::kind(&other),
            tail(flag)
        ))),
        Err(e) => Err(CliError::usage(format!(
            "{what} starts with `[` but does not parse as a list of blocks: {e}{}",
            tail(flag)
        ))),
    }
}

/// What ends an error about a document value: how to write one.
fn tail(flag: &BodyFlag) -> String {
    match example(flag) {
        Some(example) => {
            format!("; write it as '{example}', as JSON, or as @path to a file holding it")
        }
        None => "; write it as YAML flow, as JSON, or as @path to a file holding it".to_owned(),
    }
}

/// The example in a flag's help: the text between its first pair of single quotes.
fn example(flag: &BodyFlag) -> Option<&'static str> {
    let (_, rest) = flag.help.split_once('\'')?;
    let (example, _) = rest.split_once('\'')?;
    Some(example)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::fields::BODY_FLAGS;

    fn flag(name: &str) -> &'static BodyFlag {
        BODY_FLAGS
            .iter()
            .find(|f| f.name == name)
            .expect("a flag of that name")
    }

    fn usage(result: Result<Value, CliError>) -> String {
        match result {
            Err(CliError::Usage(message)) => message,
            other => panic!("not a usage error: {other:?}"),
        }
    }

    #[test]
    fn numbers_keep_their_written_form_and_range() {
        let t = flag("temperature");
        assert_eq!(parse(t, 1, Some("0.2")).unwrap(), serde_json::json!(0.2));
        assert_eq!(parse(t, 1, Some("1")).unwrap(), serde_json::json!(1));
        assert_eq!(parse(t, 1, Some("0")).unwrap(), serde_json::json!(0));
        assert_eq!(parse(t, 1, Some(".5")).unwrap(), serde_json::json!(0.5));
        for bad in ["hot", "1.5", "-0.1", "NaN", "inf", ""] {
            let message = usage(parse(t, 1, Some(bad)));
            assert!(
                message.starts_with("--temperature expects a number from 0 to 1"),
                "{message}"
            );
        }
        let k = flag("top-k");
        assert_eq!(parse(k, 1, Some("40")).unwrap(), serde_json::json!(40));
        for bad in ["-", "-1", "4.5", "forty", "4294967296"] {
            let message = usage(parse(k, 1, Some(bad)));
            assert!(
                message.contains("--top-k expects a whole number"),
                "{message}"
            );
        }
    }

    #[test]
    fn choices_are_checked_and_named() {
        let tier = flag("service-tier");
        assert_eq!(parse(tier, 1, Some("auto")).unwrap(), "auto");
        let message = usage(parse(tier, 1, Some("fast")));
        assert_eq!(
            message,
            "--service-tier expects auto or standard_only, not `fast`"
        );
        let effort = usage(parse(flag("output-config.effort"), 1, Some("extreme")));
        assert!(
            effort.contains("one of low, medium, high, xhigh, max"),
            "{effort}"
        );
    }

    #[test]
    fn a_secret_is_never_repeated() {
        let token = flag("mcp-server.authorization-token");
        assert_eq!(parse(token, 1, Some("tok-1")).unwrap(), "tok-1");
        let mut secret_choice = BodyFlag { ..*token };
        secret_choice.kind = Kind::Choice(&["a"]);
        let message = usage(parse(&secret_choice, 1, Some("tok-secret")));
        assert!(!message.contains("tok-secret"), "{message}");
    }

    #[test]
    fn documents_parse_as_yaml_flow_json_or_a_file() {
        let thinking = flag("thinking");
        let expected = serde_json::json!({"type": "enabled", "budget_tokens": 1024});
        for raw in [
            "{type: enabled, budget_tokens: 1024}",
            r#"{"type": "enabled", "budget_tokens": 1024}"#,
        ] {
            assert_eq!(parse(thinking, 1, Some(raw)).unwrap(), expected);
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("thinking.yaml");
        std::fs::write(&path, "type: enabled\nbudget_tokens: 1024\n").unwrap();
        let raw = format!("@{}", path.display());
        assert_eq!(parse(thinking, 1, Some(&raw)).unwrap(), expected);

        let unclosed = usage(parse(thinking, 1, Some("{type: enabled")));
        assert!(
            unclosed.starts_with("--thinking does not parse"),
            "{unclosed}"
        );
        assert!(unclosed.contains("'{type: enabled, budget_tokens: 1024}'"));
        let list = usage(parse(flag("tool"), 2, Some("[1, 2]")));
        assert!(
            list.starts_with("--tool #2 is a list, not a mapping"),
            "{list}"
        );
    }

    #[test]
    fn text_or_blocks_and_id_or_mapping() {
        let system = flag("system");
        assert_eq!(parse(system, 1, Some("Be terse.")).unwrap(), "Be terse.");
        assert_eq!(
            parse(system, 1, Some("[{type: text, text: Hi}]")).unwrap(),
            serde_json::json!([{"type": "text", "text": "Hi"}])
        );
        assert!(usage(parse(system, 1, Some("[unclosed"))).contains("does not parse"));
        assert_eq!(parse(system, 1, Some("\\@team, hi")).unwrap(), "@team, hi");

        let container = flag("container");
        assert_eq!(parse(container, 1, Some("cntr_01")).unwrap(), "cntr_01");
        assert_eq!(parse(container, 1, Some("123")).unwrap(), "123");
        assert_eq!(
            parse(container, 1, Some("{id: cntr_01}")).unwrap(),
            serde_json::json!({"id": "cntr_01"})
        );
        assert!(usage(parse(container, 1, Some("{id: "))).contains("--container"));
    }
}
