//! The deterministic input of a forced tool call, built from the tool's
//! `input_schema`.

use serde_json::{Map, Value, json};

/// A deterministic input for a tool: every property named in the schema's
/// `required` list gets an [`example_value`]; optional properties are left
/// out. A schema without `required` gives `{}`.
pub(crate) fn example_input(schema: Option<&Value>) -> Value {
    let properties = schema.and_then(|s| s.get("properties"));
    let required = schema
        .and_then(|s| s.get("required"))
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let mut input = Map::new();
    for name in required.iter().filter_map(Value::as_str) {
        let property = properties.and_then(|p| p.get(name));
        input.insert(name.to_owned(), example_value(property));
    }
    Value::Object(input)
}

/// The value of one property: its first `enum` value or its `const` if it
/// has one, else by `type` (string `"example"`, integer `1`, number `1.5`,
/// boolean `true`, array `[]`, object `{}`; for a list of types, the first
/// that is not `"null"`); `null` when nothing says.
fn example_value(property: Option<&Value>) -> Value {
    let Some(property) = property else {
        return Value::Null;
    };
    if let Some(first) = property
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
    {
        return first.clone();
    }
    if let Some(constant) = property.get("const") {
        return constant.clone();
    }
    let kind = match property.get("type") {
        Some(Value::String(kind)) => Some(kind.as_str()),
        Some(Value::Array(kinds)) => kinds
            .iter()
            .filter_map(Value::as_str)
            .find(|k| *k != "null"),
        _ => None,
    };
    match kind {
        Some("string") => json!("example"),
        Some("integer") => json!(1),
        Some("number") => json!(1.5),
        Some("boolean") => json!(true),
        Some("array") => json!([]),
        Some("object") => json!({}),
        _ => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_inputs_follow_the_schema() {
        let schema = json!({
            "type": "object",
            "properties": {
                "s": {"type": "string"}, "i": {"type": "integer"}, "n": {"type": "number"},
                "b": {"type": "boolean"}, "a": {"type": "array"}, "o": {"type": "object"},
                "e": {"enum": ["x", "y"]}, "opt_null": {"type": ["null", "integer"]},
                "unused": {"type": "string"},
            },
            "required": ["s", "i", "n", "b", "a", "o", "e", "opt_null", "undeclared"],
        });
        assert_eq!(
            example_input(Some(&schema)),
            json!({"s": "example", "i": 1, "n": 1.5, "b": true, "a": [], "o": {},
                   "e": "x", "opt_null": 1, "undeclared": null})
        );
        assert_eq!(example_input(None), json!({}));
        assert_eq!(example_input(Some(&json!({"type": "object"}))), json!({}));
    }
}
