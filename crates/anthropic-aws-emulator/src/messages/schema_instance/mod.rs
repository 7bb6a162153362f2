//! Deterministic instances of a JSON Schema: the text of a structured
//! output (`output_config.format`) and the input of a tool call.
//!
//! [`instance`] walks the schema once and builds a value that satisfies it:
//! the same schema gives the same value in every run. It reads the subset
//! of JSON Schema the Messages API accepts, and a little more:
//!
//! * `$ref` to any JSON pointer of the root (`#/$defs/..`,
//!   `#/definitions/..`, `#`), its sibling keywords applied too; `allOf`
//!   (its parts merged), `anyOf` (the first alternative that is not `null`),
//!   `oneOf` (the first alternative no other one also matches, as far as
//!   `type`, `const`, `enum` and `required` tell);
//! * `const`, `enum` (the first value of a declared `type`), `type` as a
//!   name or a list (the first that is not `"null"`), or inferred from the
//!   keywords when absent;
//! * objects: every property of `properties` (required or not), required
//!   names that are not declared from `additionalProperties`, one `key`
//!   entry for a map (`additionalProperties` a schema, no `properties`), up
//!   to `minProperties`;
//! * arrays: `prefixItems` (or draft-7 tuple `items`), then `items` up to
//!   `max(minItems, 1)` elements, capped by `maxItems`; elements differ from
//!   one another, for `uniqueItems`;
//! * strings: `format` (`date-time`, `date`, `time`, `email`, `uuid`,
//!   `uri`, `hostname`, `ipv4`, `ipv6`, `duration`), `minLength`,
//!   `maxLength`; numbers and integers: `minimum`, `maximum`,
//!   `exclusiveMinimum`, `exclusiveMaximum` (draft 4's booleans too) and
//!   `multipleOf`.
//!
//! Not honoured: `pattern`, `not`, `if`/`then`/`else`, `contains`,
//! `dependentRequired`, `propertyNames`.
//!
//! Recursion is bounded: below [`SHALLOW_DEPTH`] levels the walk keeps only
//! what is required (no optional property, `minItems` elements, a `null`
//! alternative when there is one), at [`MAX_DEPTH`] it gives `null`, and
//! after [`MAX_NODES`] values every further one is `null`: a schema that
//! has no finite instance gives an invalid value, never a hang or a panic.

use std::borrow::Cow;
use std::cell::Cell;

use serde_json::{Map, Value};

mod keywords;
mod scalars;

use keywords::{could_match, declared_types, inferred_type, is_of_type, merge, percent_decode};
use scalars::{integer, number, string};

/// Levels below which only what the schema requires is generated.
const SHALLOW_DEPTH: usize = 8;

/// Levels (nesting and `$ref`s) at which the walk gives up with `null`.
const MAX_DEPTH: usize = 48;

/// Values generated at most for one instance.
const MAX_NODES: usize = 10_000;

/// A deterministic value valid for `schema` (see the module's text).
pub(crate) fn instance(schema: &Value) -> Value {
    instance_variant(schema, 0)
}

/// Another deterministic value valid for `schema`: variant `n` differs from
/// variant 0 where the schema leaves room (strings end in `-n`, numbers are
/// `n` more, the `n`-th `enum` value, ...).
pub(crate) fn instance_variant(schema: &Value, variant: u64) -> Value {
    let mut walk = Walk {
        root: schema,
        nodes: Cell::new(0),
    };
    walk.value(schema, 0, variant)
}

/// One walk over a schema.
struct Walk<'a> {
    /// What `$ref`s point into.
    root: &'a Value,
    /// Values generated and schemas resolved so far.
    nodes: Cell<usize>,
}

impl Walk<'_> {
    /// Counts one step; `false` once the budget is spent.
    fn step(&self) -> bool {
        let n = self.nodes.get().saturating_add(1);
        self.nodes.set(n);
        n <= MAX_NODES
    }

    /// A value for `schema` at `depth`; `variant` makes siblings (array
    /// elements) differ.
    fn value(&mut self, schema: &Value, depth: usize, variant: u64) -> Value {
        if !self.step() || depth >= MAX_DEPTH {
            return Value::Null;
        }
        let schema = self.resolve(schema, depth);
        let Some(obj) = schema.as_object() else {
            // `true` (anything) or `false` (nothing): null either way.
            return Value::Null;
        };
        if let Some(constant) = obj.get("const") {
            return constant.clone();
        }
        let types = declared_types(obj);
        if let Some(values) = obj.get("enum").and_then(Value::as_array) {
            let fitting: Vec<&Value> = values
                .iter()
                .filter(|v| types.is_empty() || types.iter().any(|t| is_of_type(v, t)))
                .collect();
            let pool = if fitting.is_empty() {
                values.iter().collect()
            } else {
                fitting
            };
            let len = u64::try_from(pool.len()).unwrap_or(u64::MAX).max(1);
            let at = usize::try_from(variant % len).unwrap_or_default();
            return pool.get(at).map(|v| (*v).clone()).unwrap_or_default();
        }
        let shallow = depth < SHALLOW_DEPTH;
        if let Some(alternatives) = obj.get("anyOf").and_then(Value::as_array) {
            return match self.pick_any(alternatives, depth, shallow) {
                Some(alternative) => self.value(alternative, depth + 1, variant),
                None => Value::Null,
            };
        }
        if let Some(alternatives) = obj.get("oneOf").and_then(Value::as_array) {
            return self.one_of(alternatives, depth, variant);
        }
        let kind = if types.is_empty() {
            inferred_type(obj)
        } else if !shallow && types.contains(&"null") {
            "null"
        } else {
            types
                .iter()
                .copied()
                .find(|t| *t != "null")
                .unwrap_or("null")
        };
        match kind {
            "object" => self.object(obj, depth, shallow, variant),
            "array" => self.array(obj, depth, shallow, variant),
            "string" => string(obj, variant),
            "integer" => integer(obj, variant),
            "number" => number(obj, variant),
            "boolean" => Value::Bool(variant.is_multiple_of(2)),
            _ => Value::Null,
        }
    }

    /// `schema` with its `$ref` and `allOf` folded in (bounded by depth).
    fn resolve<'s>(&self, schema: &'s Value, depth: usize) -> Cow<'s, Value> {
        let mut current = Cow::Borrowed(schema);
        for level in depth..MAX_DEPTH {
            if !self.step() {
                break;
            }
            let Some(obj) = current.as_object() else {
                return current;
            };
            if let Some(target) = obj.get("$ref").and_then(Value::as_str) {
                let mut rest = obj.clone();
                rest.remove("$ref");
                let Some(found) = self.pointer(target) else {
                    // An unresolvable reference constrains nothing we know.
                    current = Cow::Owned(Value::Object(rest));
                    continue;
                };
                current = Cow::Owned(merge(found, &Value::Object(rest)));
                continue;
            }
            if let Some(parts) = obj.get("allOf").and_then(Value::as_array) {
                let mut rest = obj.clone();
                rest.remove("allOf");
                let mut merged = Value::Object(rest);
                for part in parts {
                    let part = self.resolve(part, level + 1);
                    merged = merge(&merged, &part);
                }
                current = Cow::Owned(merged);
                continue;
            }
            return current;
        }
        Cow::Owned(Value::Bool(false))
    }

    /// The schema a `$ref` names: a JSON pointer into the root (`#`,
    /// `#/$defs/X`, percent-encoded or not).
    fn pointer(&self, reference: &str) -> Option<&Value> {
        let fragment = reference.strip_prefix('#')?;
        if fragment.is_empty() {
            return Some(self.root);
        }
        let decoded = percent_decode(fragment);
        self.root.pointer(&decoded)
    }

    /// The `anyOf` alternative to generate: at shallow depth the first that
    /// is not `null`, deeper a `null` one (or one without a `$ref`) so that
    /// recursion ends.
    fn pick_any<'s>(
        &self,
        alternatives: &'s [Value],
        depth: usize,
        shallow: bool,
    ) -> Option<&'s Value> {
        let is_null = |a: &Value| {
            let resolved = self.resolve(a, depth + 1);
            resolved.as_object().is_some_and(|o| {
                let types = declared_types(o);
                !types.is_empty() && types.iter().all(|t| *t == "null")
            })
        };
        if shallow {
            alternatives
                .iter()
                .find(|a| !is_null(a))
                .or(alternatives.first())
        } else {
            alternatives
                .iter()
                .find(|a| is_null(a))
                .or_else(|| alternatives.iter().find(|a| a.get("$ref").is_none()))
                .or(alternatives.first())
        }
    }

    /// A value for `oneOf`: the first alternative's whose value no other
    /// alternative obviously accepts.
    fn one_of(&mut self, alternatives: &[Value], depth: usize, variant: u64) -> Value {
        let mut first = None;
        for (i, alternative) in alternatives.iter().enumerate() {
            let candidate = self.value(alternative, depth + 1, variant);
            let ambiguous = alternatives.iter().enumerate().any(|(j, other)| {
                j != i && could_match(&candidate, &self.resolve(other, depth + 1))
            });
            if !ambiguous {
                return candidate;
            }
            first.get_or_insert(candidate);
        }
        first.unwrap_or_default()
    }

    fn object(
        &mut self,
        obj: &Map<String, Value>,
        depth: usize,
        shallow: bool,
        variant: u64,
    ) -> Value {
        let properties = obj.get("properties").and_then(Value::as_object);
        let required: Vec<&str> = obj
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let additional = obj.get("additionalProperties").filter(|a| a.is_object());
        let mut out = Map::new();
        for (name, schema) in properties.into_iter().flatten() {
            if shallow || required.contains(&name.as_str()) {
                out.insert(name.clone(), self.value(schema, depth + 1, variant));
            }
        }
        for name in required {
            if !out.contains_key(name) {
                let value = match additional {
                    Some(schema) => self.value(schema, depth + 1, variant),
                    None => Value::Null,
                };
                out.insert(name.to_owned(), value);
            }
        }
        let min_properties = obj
            .get("minProperties")
            .and_then(Value::as_u64)
            .unwrap_or(0);
        let wanted = match (additional, properties, shallow) {
            (Some(_), None, true) => min_properties.max(1),
            _ => min_properties,
        };
        let mut n = 0;
        while u64::try_from(out.len()).unwrap_or(u64::MAX) < wanted && n < MAX_NODES {
            let key = if n == 0 {
                "key".to_owned()
            } else {
                format!("key{n}")
            };
            n += 1;
            if out.contains_key(&key) {
                continue;
            }
            let value = match additional {
                Some(schema) => self.value(schema, depth + 1, variant),
                None => Value::Null,
            };
            out.insert(key, value);
        }
        Value::Object(out)
    }

    fn array(
        &mut self,
        obj: &Map<String, Value>,
        depth: usize,
        shallow: bool,
        variant: u64,
    ) -> Value {
        let min = obj.get("minItems").and_then(Value::as_u64).unwrap_or(0);
        let max = obj.get("maxItems").and_then(Value::as_u64);
        let (prefix, rest): (&[Value], Option<&Value>) =
            match (obj.get("prefixItems"), obj.get("items")) {
                (Some(Value::Array(prefix)), items) => (prefix, items),
                (_, Some(Value::Array(tuple))) => (tuple, obj.get("additionalItems")),
                (_, items) => (&[], items),
            };
        // `items: false` closes the array after the prefix.
        let rest = rest.filter(|r| !matches!(r, Value::Bool(false)));
        let prefix_len = u64::try_from(prefix.len()).unwrap_or(u64::MAX);
        let mut len = if shallow { min.max(1) } else { min };
        if rest.is_none() {
            len = len.min(prefix_len);
        }
        len = len.max(min.min(prefix_len));
        if let Some(max) = max {
            len = len.min(max);
        }
        let mut items = Vec::new();
        for i in 0..len {
            if self.nodes.get() > MAX_NODES {
                break;
            }
            // Tuple positions are distinct schemas; repeated `items` get
            // distinct variants (for `uniqueItems`).
            let (schema, variant) = match usize::try_from(i).ok().and_then(|i| prefix.get(i)) {
                Some(schema) => (schema, variant),
                None => (
                    rest.unwrap_or(&Value::Bool(true)),
                    variant.wrapping_add(i - prefix_len.min(i)),
                ),
            };
            items.push(self.value(schema, depth + 1, variant));
        }
        Value::Array(items)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The instance of `schema`, checked by an independent validator
    /// (formats included).
    fn valid(schema: &Value) -> Value {
        let value = instance(schema);
        let validator = jsonschema::options()
            .should_validate_formats(true)
            .build(schema);
        let Ok(validator) = validator else {
            panic!("bad test schema {schema}: {validator:?}");
        };
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{value} for {schema}: {errors:?}");
        assert_eq!(instance(schema), value, "deterministic");
        value
    }

    #[test]
    fn scalars_follow_type_format_and_bounds() {
        assert_eq!(valid(&json!({"type": "string"})), json!("example"));
        assert_eq!(valid(&json!({"type": "integer"})), json!(1));
        assert_eq!(valid(&json!({"type": "number"})), json!(1.5));
        assert_eq!(valid(&json!({"type": "boolean"})), json!(true));
        assert_eq!(valid(&json!({"type": "null"})), Value::Null);
        assert_eq!(valid(&json!({"type": ["null", "integer"]})), json!(1));
        for format in [
            "date-time",
            "date",
            "time",
            "email",
            "uuid",
            "uri",
            "hostname",
            "ipv4",
            "ipv6",
            "duration",
        ] {
            let value = valid(&json!({"type": "string", "format": format}));
            assert_ne!(value, json!("example"), "{format}");
        }
        assert_eq!(
            valid(&json!({"type": "string", "format": "date-time"})),
            json!("2024-01-01T00:00:00Z")
        );
        valid(&json!({"type": "string", "minLength": 12, "maxLength": 12}));
        valid(&json!({"type": "string", "maxLength": 3}));
        assert_eq!(
            valid(&json!({"type": "integer", "minimum": 10, "maximum": 20})),
            json!(10)
        );
        valid(&json!({"type": "integer", "exclusiveMinimum": 10}));
        valid(&json!({"type": "integer", "maximum": -5}));
        valid(&json!({"type": "integer", "exclusiveMaximum": 0}));
        valid(&json!({"type": "integer", "minimum": 7, "multipleOf": 5}));
        valid(&json!({"type": "number", "minimum": 2.25, "maximum": 2.5}));
        valid(&json!({"type": "number", "exclusiveMinimum": 3, "exclusiveMaximum": 3.2}));
        valid(&json!({"type": "number", "maximum": -100}));
        valid(&json!({"type": "number", "exclusiveMaximum": 1.5}));
        valid(&json!({"type": "number", "multipleOf": 0.1, "minimum": 1}));
        valid(&json!({"type": "number", "minimum": 0, "maximum": 1}));
        // Draft 4's boolean exclusiveMinimum.
        let draft4 = json!({"type": "integer", "minimum": 1, "exclusiveMinimum": true});
        assert_eq!(instance(&draft4), json!(2));
    }

    #[test]
    fn const_enum_and_alternatives() {
        assert_eq!(valid(&json!({"const": "fixed"})), json!("fixed"));
        assert_eq!(valid(&json!({"enum": ["red", "green"]})), json!("red"));
        assert_eq!(
            valid(&json!({"type": "string", "enum": [null, 3, "blue"]})),
            json!("blue")
        );
        assert_eq!(
            valid(&json!({"anyOf": [{"type": "null"}, {"type": "string", "format": "email"}]})),
            json!("user0@example.com")
        );
        assert_eq!(
            valid(&json!({"oneOf": [{"type": "integer"}, {"type": "number"}]})),
            json!(1.5)
        );
        let tagged = json!({"oneOf": [
            {"type": "object", "properties": {"kind": {"const": "a"}, "x": {"type": "integer"}},
             "required": ["kind", "x"], "additionalProperties": false},
            {"type": "object", "properties": {"kind": {"const": "b"}}, "required": ["kind"],
             "additionalProperties": false},
        ]});
        assert_eq!(valid(&tagged), json!({"kind": "a", "x": 1}));
        let all = json!({"allOf": [
            {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]},
            {"properties": {"b": {"type": "integer", "minimum": 3}}, "required": ["b"]},
        ]});
        assert_eq!(valid(&all), json!({"a": "example", "b": 3}));
    }

    #[test]
    fn closed_nested_objects_get_every_property() {
        let schema = json!({
            "type": "object",
            "properties": {
                "name": {"type": "string"},
                "age": {"type": "integer", "minimum": 0},
                "nickname": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                "address": {
                    "type": "object",
                    "properties": {
                        "street": {"type": "string"},
                        "zip": {"type": "string", "minLength": 5, "maxLength": 5},
                    },
                    "required": ["street", "zip"],
                    "additionalProperties": false,
                },
                "scores": {"type": "object", "additionalProperties": {"type": "number"}},
                "role": {"enum": ["admin", "user"]},
            },
            "required": ["name", "age", "nickname", "address", "scores", "role"],
            "additionalProperties": false,
        });
        let value = valid(&schema);
        assert_eq!(
            value,
            json!({"name": "example", "age": 1, "nickname": "example",
                   "address": {"street": "example", "zip": "examp"},
                   "scores": {"key": 1.5}, "role": "admin"})
        );
        // Optional properties are filled too; undeclared required names come
        // from additionalProperties.
        let open = json!({"type": "object", "properties": {"opt": {"type": "boolean"}},
                          "required": ["extra"], "additionalProperties": {"type": "integer"}});
        assert_eq!(valid(&open), json!({"opt": true, "extra": 1}));
        valid(&json!({"type": "object", "minProperties": 3}));
    }

    #[test]
    fn arrays_have_items_and_respect_counts() {
        assert_eq!(
            valid(&json!({"type": "array", "items": {"type": "string"}})),
            json!(["example"])
        );
        let unique = json!({"type": "array", "items": {"type": "integer", "maximum": 50},
                            "minItems": 3, "uniqueItems": true});
        assert_eq!(valid(&unique), json!([1, 2, 3]));
        let unique_enum = json!({"type": "array", "items": {"enum": ["a", "b", "c"]},
                                 "minItems": 3, "uniqueItems": true});
        assert_eq!(valid(&unique_enum), json!(["a", "b", "c"]));
        let objects = json!({"type": "array", "minItems": 2, "uniqueItems": true,
            "items": {"type": "object", "properties": {"id": {"type": "string", "format": "uuid"}},
                      "required": ["id"], "additionalProperties": false}});
        valid(&objects);
        assert_eq!(
            valid(&json!({"type": "array", "items": {"type": "string"}, "maxItems": 0})),
            json!([])
        );
        let tuple = json!({"type": "array", "prefixItems": [{"type": "string"}, {"type": "integer"}],
                           "items": false, "minItems": 2});
        assert_eq!(valid(&tuple), json!(["example", 1]));
    }

    #[test]
    fn refs_resolve_and_recursion_ends() {
        let schema = json!({
            "$defs": {
                "node": {
                    "type": "object",
                    "properties": {
                        "value": {"type": "integer"},
                        "children": {"type": "array", "items": {"$ref": "#/$defs/node"}},
                        "parent": {"anyOf": [{"$ref": "#/$defs/node"}, {"type": "null"}]},
                    },
                    "required": ["value", "children", "parent"],
                    "additionalProperties": false,
                },
            },
            "$ref": "#/$defs/node",
        });
        let value = valid(&schema);
        assert_eq!(value["value"], 1);
        let draft7 = json!({
            "definitions": {"Point": {"type": "object", "properties": {"x": {"type": "number"}},
                                      "required": ["x"]}},
            "type": "object",
            "properties": {"p": {"$ref": "#/definitions/Point", "description": "a point"}},
            "required": ["p"],
        });
        assert_eq!(valid(&draft7), json!({"p": {"x": 1.5}}));
        // A list recursing through the root.
        let list = json!({"type": "object", "properties": {
            "next": {"anyOf": [{"$ref": "#"}, {"type": "null"}]}}, "required": ["next"]});
        valid(&list);
    }

    #[test]
    fn schemas_as_schemars_writes_them() {
        // A struct with an Option, a Vec of structs, a map, a unit enum, an
        // externally tagged enum and a u8, as schemars 1 describes it.
        let schema = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": "Order",
            "type": "object",
            "properties": {
                "id": {"type": "string", "format": "uuid"},
                "note": {"type": ["string", "null"]},
                "lines": {"type": "array", "items": {"$ref": "#/$defs/Line"}},
                "totals": {"type": "object", "additionalProperties": {"type": "number", "format": "double"}},
                "status": {"$ref": "#/$defs/Status"},
                "payment": {"$ref": "#/$defs/Payment"},
                "priority": {"type": "integer", "format": "uint8", "minimum": 0, "maximum": 255},
                "parent": {"anyOf": [{"$ref": "#/$defs/Line"}, {"type": "null"}]},
            },
            "required": ["id", "lines", "totals", "status", "payment", "priority"],
            "additionalProperties": false,
            "$defs": {
                "Line": {"type": "object", "properties": {
                    "sku": {"type": "string"}, "qty": {"type": "integer", "format": "uint32", "minimum": 0}},
                    "required": ["sku", "qty"], "additionalProperties": false},
                "Status": {"type": "string", "enum": ["open", "closed"]},
                "Payment": {"oneOf": [
                    {"type": "string", "const": "Cash"},
                    {"type": "object", "properties": {"Card": {"type": "object",
                        "properties": {"last4": {"type": "string"}}, "required": ["last4"],
                        "additionalProperties": false}},
                     "required": ["Card"], "additionalProperties": false},
                ]},
            },
        });
        let value = valid(&schema);
        assert_eq!(value["payment"], "Cash");
        assert_eq!(value["lines"], json!([{"sku": "example", "qty": 1}]));
        assert_eq!(value["note"], "example");
    }

    #[test]
    fn weird_schemas_never_panic() {
        for schema in [
            json!(true),
            json!(false),
            json!(null),
            json!(42),
            json!({}),
            json!({"$ref": "#/nowhere"}),
            json!({"$ref": "https://example.com/other.json"}),
            json!({"$ref": "#"}),
            json!({"allOf": [{"$ref": "#"}, {"$ref": "#"}]}),
            json!({"type": "object", "properties": {"a": {"$ref": "#"}, "b": {"$ref": "#"}},
                   "required": ["a", "b"]}),
            json!({"anyOf": []}),
            json!({"oneOf": [{"$ref": "#"}]}),
            json!({"type": []}),
            json!({"type": "string", "minLength": u64::MAX}),
            json!({"type": "array", "minItems": u64::MAX, "items": {"type": "integer"}}),
            json!({"type": "object", "minProperties": u64::MAX}),
            json!({"type": "integer", "minimum": 1e300}),
            json!({"type": "number", "minimum": 5, "maximum": 1}),
            json!({"type": "integer", "multipleOf": 0}),
            json!({"$ref": "#/%ZZ"}),
        ] {
            let _ = instance(&schema);
        }
        // The unsatisfiable infinite tree stops at the node budget.
        let tree = json!({"type": "object", "properties": {"a": {"$ref": "#"}, "b": {"$ref": "#"}},
                          "required": ["a", "b"]});
        assert!(json_size(&instance(&tree)) < 4 * MAX_NODES);
    }

    fn json_size(value: &Value) -> usize {
        match value {
            Value::Array(items) => 1 + items.iter().map(json_size).sum::<usize>(),
            Value::Object(map) => 1 + map.values().map(json_size).sum::<usize>(),
            _ => 1,
        }
    }
}
