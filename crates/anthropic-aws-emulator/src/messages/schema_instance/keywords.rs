//! Reading schema keywords: declared and inferred types, whether a value
//! might match, `allOf`/`$ref` merging, `$ref` fragments.

use serde_json::{Map, Value, json};

/// The names in `type` (a name or a list of names).
pub(super) fn declared_types(obj: &Map<String, Value>) -> Vec<&str> {
    match obj.get("type") {
        Some(Value::String(kind)) => vec![kind.as_str()],
        Some(Value::Array(kinds)) => kinds.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// The type a schema without `type` means, from its keywords.
pub(super) fn inferred_type(obj: &Map<String, Value>) -> &'static str {
    let has = |keys: &[&str]| keys.iter().any(|k| obj.contains_key(*k));
    if has(&[
        "properties",
        "required",
        "additionalProperties",
        "minProperties",
    ]) {
        "object"
    } else if has(&["items", "prefixItems", "minItems", "maxItems"]) {
        "array"
    } else if has(&["format", "minLength", "maxLength", "pattern"]) {
        "string"
    } else if has(&[
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
    ]) {
        "number"
    } else {
        "null"
    }
}

/// Whether `value` is of JSON Schema type `kind`.
pub(super) fn is_of_type(value: &Value, kind: &str) -> bool {
    match (kind, value) {
        ("null", Value::Null)
        | ("boolean", Value::Bool(_))
        | ("string", Value::String(_))
        | ("array", Value::Array(_))
        | ("object", Value::Object(_))
        | ("number", Value::Number(_)) => true,
        ("integer", Value::Number(n)) => {
            n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        _ => false,
    }
}

/// Whether `schema` might accept `value`, judged by `type`, `const`,
/// `enum`, `required` and closed `properties` only (`true` when unsure).
pub(super) fn could_match(value: &Value, schema: &Value) -> bool {
    let Some(obj) = schema.as_object() else {
        return !matches!(schema, Value::Bool(false));
    };
    let types = declared_types(obj);
    if !types.is_empty() && !types.iter().any(|t| is_of_type(value, t)) {
        return false;
    }
    if obj.get("const").is_some_and(|c| c != value) {
        return false;
    }
    if let Some(values) = obj.get("enum").and_then(Value::as_array)
        && !values.contains(value)
    {
        return false;
    }
    if let Value::Object(fields) = value {
        let required = obj.get("required").and_then(Value::as_array);
        if required
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .any(|name| !fields.contains_key(name))
        {
            return false;
        }
        if obj.get("additionalProperties") == Some(&Value::Bool(false)) {
            let declared = obj.get("properties").and_then(Value::as_object);
            if fields
                .keys()
                .any(|k| !declared.is_some_and(|d| d.contains_key(k)))
            {
                return false;
            }
        }
    }
    true
}

/// `a` and `b` as one schema (for `allOf` and a `$ref`'s siblings):
/// `properties` and `required` united, `type`s intersected, bounds
/// tightened, other keywords from `a` first.
pub(super) fn merge(a: &Value, b: &Value) -> Value {
    let (Some(a), Some(b)) = (a.as_object(), b.as_object()) else {
        return match (a, b) {
            (Value::Bool(false), _) | (_, Value::Bool(false)) => Value::Bool(false),
            (Value::Object(_), _) => a.clone(),
            _ => b.clone(),
        };
    };
    let mut out = a.clone();
    for (key, theirs) in b {
        let Some(ours) = out.get(key).cloned() else {
            out.insert(key.clone(), theirs.clone());
            continue;
        };
        let merged = match key.as_str() {
            "properties" => match (ours.as_object(), theirs.as_object()) {
                (Some(ours), Some(theirs)) => {
                    let mut props = ours.clone();
                    for (name, schema) in theirs {
                        let combined = match props.get(name) {
                            Some(existing) => json!({"allOf": [existing, schema]}),
                            None => schema.clone(),
                        };
                        props.insert(name.clone(), combined);
                    }
                    Value::Object(props)
                }
                _ => ours,
            },
            "required" => {
                let mut names = ours.as_array().cloned().unwrap_or_default();
                for name in theirs.as_array().into_iter().flatten() {
                    if !names.contains(name) {
                        names.push(name.clone());
                    }
                }
                Value::Array(names)
            }
            "type" => {
                let as_list = |v: &Value| match v {
                    Value::Array(list) => list.clone(),
                    other => vec![other.clone()],
                };
                let theirs = as_list(theirs);
                let has = |name: &str| theirs.iter().any(|t| t == name);
                let both: Vec<Value> = as_list(&ours)
                    .into_iter()
                    .filter_map(|t| match t.as_str() {
                        Some(name) if has(name) => Some(t),
                        Some("integer" | "number") if has("integer") || has("number") => {
                            Some(json!("integer"))
                        }
                        _ => None,
                    })
                    .collect();
                Value::Array(both)
            }
            "minimum" | "exclusiveMinimum" | "minLength" | "minItems" | "minProperties" => {
                bound(&ours, theirs, f64::max)
            }
            "maximum" | "exclusiveMaximum" | "maxLength" | "maxItems" | "maxProperties" => {
                bound(&ours, theirs, f64::min)
            }
            _ => ours,
        };
        out.insert(key.clone(), merged);
    }
    Value::Object(out)
}

/// The tighter of two numeric bounds (`pick` is `max` or `min`).
pub(super) fn bound(ours: &Value, theirs: &Value, pick: fn(f64, f64) -> f64) -> Value {
    match (ours.as_f64(), theirs.as_f64()) {
        (Some(a), Some(b)) if pick(a, b) == b => theirs.clone(),
        _ => ours.clone(),
    }
}

/// `%XX` escapes of a `$ref` fragment decoded (a pointer's `~0`/`~1` stay
/// for [`Value::pointer`]).
pub(super) fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes.get(i), hex) {
            (Some(b'%'), Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (Some(byte), _) => {
                out.push(*byte);
                i += 1;
            }
            (None, _) => break,
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
