//! From the flags given to the request body: the values they set ([`overlay`]) and the one
//! merge of those over the body read from stdin ([`merge`]).

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::fields::BodyFlag;
use super::flags::Given;
use super::values;
use crate::errors::CliError;

/// What the flags set, applied in order by [`merge`].
#[derive(Debug, Clone, PartialEq)]
pub enum Set {
    /// A whole top-level field (an array field with all its items).
    Field(&'static str, Value),
    /// One member of an object field, keeping its other members.
    Member(&'static str, &'static str, Value),
}

/// The values the flags given set, in command-line order. Each use is parsed and checked; a
/// repeated field's items are gathered into one array (a dotted flag sets its member on the
/// last item, or starts a new item when that one has it already, as the `ant` CLI does).
pub fn overlay(given: &[Given]) -> Result<Vec<Set>, CliError> {
    let mut sets = Vec::new();
    // Each array field: its items, and where in `sets` it goes (its first use).
    let mut arrays: HashMap<&'static str, (usize, Vec<Value>)> = HashMap::new();
    let mut uses: HashMap<&'static str, usize> = HashMap::new();
    for use_ in given {
        let flag = use_.flag;
        let nth = uses.entry(flag.name).or_default();
        *nth += 1;
        let value = values::parse(flag, *nth, use_.raw.as_deref())?;
        if !flag.repeated {
            sets.push(match flag.member {
                None => Set::Field(flag.field, value),
                Some(member) => Set::Member(flag.field, member, value),
            });
            continue;
        }
        let (_, items) = arrays.entry(flag.field).or_insert_with(|| {
            sets.push(Set::Field(flag.field, Value::Null));
            (sets.len() - 1, Vec::new())
        });
        push_item(items, flag, value);
    }
    for (field, (at, items)) in arrays {
        sets[at] = Set::Field(field, Value::Array(items));
    }
    Ok(sets)
}

/// A use of a repeated flag: a whole item, or a member of the last item (a new one if the last
/// already has that member).
fn push_item(items: &mut Vec<Value>, flag: &BodyFlag, value: Value) {
    let Some(member) = flag.member else {
        items.push(value);
        return;
    };
    if let Some(Value::Object(last)) = items.last_mut()
        && !last.contains_key(member)
    {
        last.insert(member.to_owned(), value);
        return;
    }
    let mut item = Map::new();
    item.insert(member.to_owned(), value);
    items.push(Value::Object(item));
}

/// The request body: `stdin`'s fields with what the flags set applied over them, in order. A
/// flag wins over the same field on stdin: a whole field replaces it (`--tool`s replace the
/// body's `tools`, `--message`s its `messages`); a member (`--metadata.user-id`) replaces that
/// member and keeps the object's others (an object set before, by stdin or a flag, or a new
/// one).
pub fn merge(stdin: Map<String, Value>, sets: Vec<Set>) -> Map<String, Value> {
    let mut body = stdin;
    for set in sets {
        match set {
            Set::Field(field, value) => {
                body.insert(field.to_owned(), value);
            }
            Set::Member(field, member, value) => {
                let object = body
                    .entry(field)
                    .and_modify(|v| {
                        if !v.is_object() {
                            *v = Value::Object(Map::new());
                        }
                    })
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(object) = object {
                    object.insert(member.to_owned(), value);
                }
            }
        }
    }
    body
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::fields::BODY_FLAGS;
    use serde_json::json;

    fn body(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => unreachable!("a mapping literal"),
        }
    }

    /// The uses `(flag, value)`, in this order, as if typed so.
    fn given(uses: &[(&str, &str)]) -> Vec<Given> {
        uses.iter()
            .enumerate()
            .map(|(index, (name, raw))| {
                let flag = BODY_FLAGS.iter().find(|f| f.name == *name).expect("a flag");
                Given::new(flag, Some((*raw).to_owned()), index)
            })
            .collect()
    }

    fn merged(stdin: Value, uses: &[(&str, &str)]) -> Value {
        let sets = overlay(&given(uses)).expect("the flags parse");
        Value::Object(merge(body(stdin), sets))
    }

    #[test]
    fn a_flag_wins_over_the_same_field_on_stdin() {
        let out = merged(
            json!({"model": "old", "temperature": 0.9, "tools": [{"name": "a"}], "top_k": 5}),
            &[
                ("model", "claude-opus-4-8"),
                ("temperature", "0.2"),
                ("tool", "{name: b, input_schema: {type: object}}"),
            ],
        );
        assert_eq!(
            out,
            json!({
                "model": "claude-opus-4-8",
                "temperature": 0.2,
                "tools": [{"name": "b", "input_schema": {"type": "object"}}],
                "top_k": 5
            })
        );
    }

    #[test]
    fn a_member_flag_keeps_the_objects_other_members() {
        let stdin = json!({"metadata": {"user_id": "old", "tag": "kept"}});
        let out = merged(stdin.clone(), &[("metadata.user-id", "u-1")]);
        assert_eq!(out["metadata"], json!({"user_id": "u-1", "tag": "kept"}));
        // A whole object flag replaces stdin's; a member after it adds to the flag's.
        let out = merged(
            stdin,
            &[
                ("metadata", "{user_id: whole}"),
                ("output-config.effort", "low"),
                ("metadata.user-id", "member"),
            ],
        );
        assert_eq!(out["metadata"], json!({"user_id": "member"}));
        assert_eq!(out["output_config"], json!({"effort": "low"}));
        // Command-line order: a whole object after a member replaces it.
        let out = merged(
            json!({}),
            &[
                ("metadata.user-id", "member"),
                ("metadata", "{user_id: whole}"),
            ],
        );
        assert_eq!(out["metadata"], json!({"user_id": "whole"}));
        // A member over a field that is not an object makes it one.
        let out = merged(json!({"metadata": "odd"}), &[("metadata.user-id", "u")]);
        assert_eq!(out["metadata"], json!({"user_id": "u"}));
    }

    #[test]
    fn repeated_flags_append_in_order_and_replace_stdins_array() {
        let out = merged(
            json!({"stop_sequences": ["OLD"], "messages": [{"role": "user", "content": "old"}]}),
            &[
                ("stop-sequence", "END"),
                ("message", "{role: user, content: first}"),
                ("stop-sequence", "STOP"),
                ("message", "{role: assistant, content: second}"),
            ],
        );
        assert_eq!(out["stop_sequences"], json!(["END", "STOP"]));
        assert_eq!(
            out["messages"],
            json!([
                {"role": "user", "content": "first"},
                {"role": "assistant", "content": "second"}
            ])
        );
        let untouched = merged(json!({"stop_sequences": ["OLD"]}), &[("model", "m")]);
        assert_eq!(untouched["stop_sequences"], json!(["OLD"]));
    }

    #[test]
    fn dotted_flags_of_an_array_build_its_items() {
        let out = merged(
            json!({}),
            &[
                ("message.role", "user"),
                ("message.content", "Hello"),
                ("message", "{role: assistant}"),
                ("message.content", "Hi!"),
                ("message.role", "user"),
                ("message.content", "[{type: text, text: More}]"),
                ("mcp-server.type", "url"),
                ("mcp-server.url", "https://mcp.example.com/sse"),
                ("mcp-server.name", "example"),
                ("mcp-server.authorization-token", "tok"),
                (
                    "mcp-server",
                    "{type: url, url: \"https://two.example.com\", name: two}",
                ),
            ],
        );
        assert_eq!(
            out["messages"],
            json!([
                {"role": "user", "content": "Hello"},
                {"role": "assistant", "content": "Hi!"},
                {"role": "user", "content": [{"type": "text", "text": "More"}]}
            ])
        );
        assert_eq!(
            out["mcp_servers"],
            json!([
                {"type": "url", "url": "https://mcp.example.com/sse", "name": "example",
                 "authorization_token": "tok"},
                {"type": "url", "url": "https://two.example.com", "name": "two"}
            ])
        );
    }

    #[test]
    fn a_bad_value_names_its_flag_and_use() {
        let err = overlay(&given(&[
            ("tool", "{name: a, input_schema: {}}"),
            ("tool", "{name: b"),
        ]))
        .unwrap_err();
        assert!(
            matches!(&err, CliError::Usage(m) if m.starts_with("--tool #2 does not parse")),
            "{err:?}"
        );
    }
}
