//! A Rust type's JSON schema in the subset of JSON Schema the API accepts for
//! `output_config.format`: [`json_schema`] (built once per type), [`output_format`] (ready to
//! send) and [`transform_schema`] (the rules, for schemas written by hand).
//!
//! The rules are the official SDKs' (Python `lib/_parse/_transform.py`, TypeScript
//! `transform-json-schema.ts`), with three additions for what `schemars` emits and they never
//! meet: a list of types (`"type": ["string", "null"]`, schemars' `Option<String>`) becomes an
//! `anyOf` of one schema per type; `const` (schemars' tags of internally tagged enums) becomes
//! a one-value `enum`, which the rules keep; and the root's `$schema` is never sent.

use std::any::TypeId;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock, PoisonError, RwLock};

use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::types::OutputFormat;

/// The string `format`s the API accepts; any other is moved into the description.
const SUPPORTED_STRING_FORMATS: &[&str] = &[
    "date-time",
    "time",
    "date",
    "duration",
    "email",
    "hostname",
    "uri",
    "ipv4",
    "ipv6",
    "uuid",
];

/// `T`'s JSON schema as the API accepts it (`$defs` and `$ref`s kept, transformed by
/// [`transform_schema`]): what [`parse`](crate::resources::Messages::parse) sends as
/// `output_config.format.schema`.
///
/// Built with `schemars` (draft 2020-12, for deserializing) on the first call for a type and
/// kept for the life of the process: later calls for the same type share it.
///
/// Mind what the API's subset can say. A map (`HashMap<String, _>`, `BTreeMap`) is an object
/// whose keys are not known in advance, and every object is closed
/// (`"additionalProperties": false`): a map can only be answered as `{}`; use a `Vec` of
/// key/value structs instead. Numeric and length bounds (`minimum`, `maxLength`, an integer's
/// `format`, …) are only advice to the model (moved into the description), never enforced. A
/// field of type `serde_json::Value` (any JSON) has no type, is sent as it is and the API
/// refuses it. Recursive types are refused by the API. Properties are listed in alphabetical
/// order, not in the order of the fields (`serde_json` here keeps object keys sorted), and the
/// model tends to write them in that order: name a field to be written first accordingly
/// (`#[serde(rename)]`) if the order matters, e.g. reasoning before an answer.
///
/// ```
/// use anthropic_aws::helpers::parse::json_schema;
/// use schemars::JsonSchema;
/// use serde_json::json;
///
/// /// An order line.
/// #[derive(serde::Deserialize, JsonSchema)]
/// struct Line {
///     sku: String,
///     quantity: u32,
///     note: Option<String>,
/// }
///
/// let schema = json_schema::<Line>();
/// assert_eq!(schema["additionalProperties"], false);
/// assert_eq!(schema["required"], json!(["sku", "quantity"]));
/// assert_eq!(
///     schema["properties"]["quantity"],
///     json!({"type": "integer", "description": "{format: \"uint32\", minimum: 0}"})
/// );
/// assert_eq!(
///     schema["properties"]["note"],
///     json!({"anyOf": [{"type": "string"}, {"type": "null"}]})
/// );
/// ```
pub fn json_schema<T: JsonSchema + 'static>() -> Arc<Value> {
    Arc::clone(&built::<T>().schema)
}

/// What is kept per type: the schema, and the whole `output_config.format` already
/// serialized (what a request carries, copied into its body as it is).
pub(crate) struct Built {
    pub(crate) schema: Arc<Value>,
    pub(crate) format: Box<RawValue>,
}

/// `T`'s entry, built on the first call for `T`.
pub(crate) fn built<T: JsonSchema + 'static>() -> Arc<Built> {
    type Cache = RwLock<HashMap<TypeId, Arc<Built>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(Cache::default);
    let id = TypeId::of::<T>();
    // A panic elsewhere while the lock was held leaves whole entries behind: keep using them.
    if let Some(built) = cache
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .get(&id)
    {
        return Arc::clone(built);
    }
    let schema = build::<T>();
    // A `Value` always serializes (its keys are strings).
    let format = serde_json::value::to_raw_value(&OutputFormat::json_schema(schema.clone()))
        .unwrap_or_default();
    let built = Arc::new(Built {
        schema: Arc::new(schema),
        format,
    });
    let mut cache = cache.write().unwrap_or_else(PoisonError::into_inner);
    Arc::clone(cache.entry(id).or_insert(built))
}

/// `{"type": "json_schema", "schema": json_schema::<T>()}`, for `output_config.format` of a
/// request built by hand, a token count or a batch request.
///
/// ```
/// use anthropic_aws::helpers::parse::output_format;
/// use anthropic_aws::types::{CountTokensParams, MessageParam, OutputConfig};
///
/// #[derive(serde::Deserialize, schemars::JsonSchema)]
/// struct Verdict {
///     approved: bool,
/// }
///
/// let params = CountTokensParams::new("claude-opus-4-8", vec![MessageParam::user("Approve?")])
///     .output_config(OutputConfig::new().format(output_format::<Verdict>()));
/// let body = serde_json::to_value(&params).unwrap();
/// assert_eq!(body["output_config"]["format"]["type"], "json_schema");
/// ```
pub fn output_format<T: JsonSchema + 'static>() -> OutputFormat {
    OutputFormat::json_schema(Value::clone(&json_schema::<T>()))
}

/// `T`'s schema as schemars makes it, transformed.
fn build<T: JsonSchema>() -> Value {
    let generator = SchemaSettings::draft2020_12()
        .with(|settings| settings.meta_schema = None)
        .into_generator();
    transform_schema(generator.into_root_schema_for::<T>().as_value())
}

/// A JSON schema turned into the subset the API accepts, by the official SDKs' rules:
///
/// - every object is closed (`"additionalProperties": false`), its `properties` transformed
///   and its `required` kept;
/// - `oneOf` becomes `anyOf`; `anyOf`, `allOf`, `items` and `$defs` are transformed;
/// - a `$ref` is kept alone (its siblings are dropped);
/// - `type`, `enum`, `description` and `title` are kept; a string's `format` only when the
///   API supports it (`date-time`, `time`, `date`, `duration`, `email`, `hostname`, `uri`,
///   `ipv4`, `ipv6`, `uuid`); an array's `minItems` only when 0 or 1;
/// - every other keyword (`minimum`, `maxLength`, `pattern`, `default`, …) is moved into the
///   description as `{name: value, …}`, so that the model may still follow it;
/// - and for what schemars emits: a list of types becomes an `anyOf` of one schema per type,
///   `const` becomes a one-value `enum`, `$schema` is dropped.
///
/// A schema with no type, `anyOf`, `oneOf`, `allOf`, `$ref`, `enum` or `const` (any JSON) is
/// returned as it is.
///
/// ```
/// use anthropic_aws::helpers::parse::transform_schema;
/// use serde_json::json;
///
/// let schema = json!({"type": "integer", "minimum": 1, "maximum": 10, "description": "A number"});
/// assert_eq!(
///     transform_schema(&schema),
///     json!({"type": "integer", "description": "A number\n\n{maximum: 10, minimum: 1}"})
/// );
/// ```
pub fn transform_schema(schema: &Value) -> Value {
    match schema {
        Value::Object(object) => transform_object(object.clone()),
        other => other.clone(),
    }
}

/// One schema object, consumed: what the rules keep is moved into the result, what is left
/// over goes into the description.
fn transform_object(mut schema: Map<String, Value>) -> Value {
    let mut strict = Map::new();
    schema.remove("$schema");

    // Definitions first: a root `$ref` keeps them.
    let defs = schema
        .remove("$defs")
        .or_else(|| schema.remove("definitions"));
    if let Some(Value::Object(defs)) = defs {
        let defs = defs
            .into_iter()
            .map(|(name, def)| (name, transform_value(def)))
            .collect();
        strict.insert("$defs".into(), Value::Object(defs));
    }
    if let Some(reference) = schema.remove("$ref") {
        strict.insert("$ref".into(), reference);
        return Value::Object(strict);
    }

    let kind = schema.remove("type");
    if let Some(Value::Array(kinds)) = kind {
        return split_types(kinds, schema, strict);
    }
    let kind = kind.as_ref().and_then(Value::as_str).map(str::to_owned);

    if let Some(Value::Array(variants)) = schema.remove("anyOf") {
        strict.insert("anyOf".into(), transform_all(variants));
        schema.remove("oneOf");
    } else if let Some(Value::Array(variants)) = schema.remove("oneOf") {
        strict.insert("anyOf".into(), transform_all(variants));
    } else if let Some(Value::Array(parts)) = schema.remove("allOf") {
        strict.insert("allOf".into(), transform_all(parts));
    } else if let Some(kind) = &kind {
        strict.insert("type".into(), Value::String(kind.clone()));
    } else if !schema.contains_key("enum") && !schema.contains_key("const") {
        // Any JSON: nothing the rules can say about it.
        schema.extend(strict);
        return Value::Object(schema);
    }

    if let Some(value) = schema.remove("const") {
        strict.insert("enum".into(), Value::Array(vec![value]));
    }
    if let Some(values @ Value::Array(_)) = schema.remove("enum") {
        strict.insert("enum".into(), values);
    }
    move_key(&mut schema, &mut strict, "description");
    move_key(&mut schema, &mut strict, "title");

    match kind.as_deref() {
        Some("object") => {
            let properties = match schema.remove("properties") {
                Some(Value::Object(properties)) => properties
                    .into_iter()
                    .map(|(name, property)| (name, transform_value(property)))
                    .collect(),
                _ => Map::new(),
            };
            strict.insert("properties".into(), Value::Object(properties));
            schema.remove("additionalProperties");
            strict.insert("additionalProperties".into(), Value::Bool(false));
            move_key(&mut schema, &mut strict, "required");
        }
        Some("string") => {
            if let Some(format) = schema.remove("format") {
                let supported = format
                    .as_str()
                    .is_some_and(|f| SUPPORTED_STRING_FORMATS.contains(&f));
                let to = if supported { &mut strict } else { &mut schema };
                to.insert("format".into(), format);
            }
        }
        Some("array") => {
            if let Some(items) = schema.remove("items") {
                strict.insert("items".into(), transform_value(items));
            }
            if let Some(min_items) = schema.remove("minItems") {
                let supported = matches!(min_items.as_u64(), Some(0 | 1));
                let to = if supported { &mut strict } else { &mut schema };
                to.insert("minItems".into(), min_items);
            }
        }
        _ => {}
    }

    if !schema.is_empty() {
        let leftovers = schema
            .iter()
            .map(|(key, value)| format!("{key}: {value}"))
            .collect::<Vec<_>>()
            .join(", ");
        let description = match strict.get("description").and_then(Value::as_str) {
            Some(description) => format!("{description}\n\n{{{leftovers}}}"),
            None => format!("{{{leftovers}}}"),
        };
        strict.insert("description".into(), Value::String(description));
    }
    Value::Object(strict)
}

/// `{"type": ["string", "null"], …}` as `{"anyOf": [{"type": "string", …}, {"type": "null"}]}`:
/// the description and title stay outside, every other keyword goes with each non-null type.
fn split_types(
    kinds: Vec<Value>,
    mut schema: Map<String, Value>,
    mut strict: Map<String, Value>,
) -> Value {
    move_key(&mut schema, &mut strict, "description");
    move_key(&mut schema, &mut strict, "title");
    let variants = kinds
        .into_iter()
        .map(|kind| {
            let mut variant = if kind == "null" {
                Map::new()
            } else {
                schema.clone()
            };
            variant.insert("type".into(), kind);
            transform_object(variant)
        })
        .collect();
    strict.insert("anyOf".into(), Value::Array(variants));
    Value::Object(strict)
}

fn transform_value(schema: Value) -> Value {
    match schema {
        Value::Object(object) => transform_object(object),
        other => other,
    }
}

fn transform_all(schemas: Vec<Value>) -> Value {
    Value::Array(schemas.into_iter().map(transform_value).collect())
}

fn move_key(from: &mut Map<String, Value>, to: &mut Map<String, Value>, key: &str) {
    if let Some(value) = from.remove(key) {
        to.insert(key.to_owned(), value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::collections::HashMap;

    fn t(schema: Value) -> Value {
        transform_schema(&schema)
    }

    #[test]
    fn objects_are_closed_and_their_properties_transformed() {
        let schema = json!({
            "type": "object",
            "properties": {"n": {"type": "integer", "minimum": 0}},
            "required": ["n"],
            "additionalProperties": {"type": "string"},
        });
        assert_eq!(
            t(schema),
            json!({
                "type": "object",
                "properties": {"n": {"type": "integer", "description": "{minimum: 0}"}},
                "required": ["n"],
                "additionalProperties": false,
            })
        );
        // No properties: an empty, closed object.
        assert_eq!(
            t(json!({"type": "object"})),
            json!({"type": "object", "properties": {}, "additionalProperties": false})
        );
    }

    #[test]
    fn one_of_becomes_any_of_and_combinators_are_transformed() {
        let closed = json!({"type": "object", "properties": {}, "additionalProperties": false});
        assert_eq!(
            t(json!({"oneOf": [{"type": "object"}, {"type": "null"}]})),
            json!({"anyOf": [closed, {"type": "null"}]})
        );
        assert_eq!(
            t(json!({"anyOf": [{"type": "object"}]})),
            json!({"anyOf": [closed]})
        );
        assert_eq!(
            t(json!({"allOf": [{"type": "object"}]})),
            json!({"allOf": [closed]})
        );
    }

    #[test]
    fn a_ref_stands_alone_and_defs_are_transformed() {
        assert_eq!(
            t(json!({"$ref": "#/$defs/A", "description": "dropped"})),
            json!({"$ref": "#/$defs/A"})
        );
        assert_eq!(
            t(json!({
                "$ref": "#/$defs/A",
                "$defs": {"A": {"type": "string", "maxLength": 3}},
            })),
            json!({
                "$ref": "#/$defs/A",
                "$defs": {"A": {"type": "string", "description": "{maxLength: 3}"}},
            })
        );
        // Draft-07 `definitions` arrive as `$defs`.
        assert_eq!(
            t(json!({"type": "null", "definitions": {"B": {"type": "null"}}})),
            json!({"type": "null", "$defs": {"B": {"type": "null"}}})
        );
    }

    #[test]
    fn unsupported_keywords_go_into_the_description() {
        assert_eq!(
            t(json!({"type": "string", "minLength": 1, "pattern": "^a", "description": "Code"})),
            json!({"type": "string", "description": "Code\n\n{minLength: 1, pattern: \"^a\"}"})
        );
        assert_eq!(
            t(json!({"type": "number", "default": 1.5})),
            json!({"type": "number", "description": "{default: 1.5}"})
        );
        assert_eq!(
            t(json!({"type": "boolean", "title": "Flag"})),
            json!({"type": "boolean", "title": "Flag"})
        );
    }

    #[test]
    fn string_formats_are_kept_only_when_supported() {
        for format in SUPPORTED_STRING_FORMATS {
            assert_eq!(
                t(json!({"type": "string", "format": format})),
                json!({"type": "string", "format": format})
            );
        }
        assert_eq!(
            t(json!({"type": "string", "format": "ipv5"})),
            json!({"type": "string", "description": "{format: \"ipv5\"}"})
        );
        // Not a string: the format is advice.
        assert_eq!(
            t(json!({"type": "integer", "format": "int64"})),
            json!({"type": "integer", "description": "{format: \"int64\"}"})
        );
    }

    #[test]
    fn arrays_keep_items_and_min_items_of_zero_or_one() {
        for min in [0, 1] {
            assert_eq!(
                t(json!({"type": "array", "items": {"type": "object"}, "minItems": min})),
                json!({
                    "type": "array",
                    "items": {"type": "object", "properties": {}, "additionalProperties": false},
                    "minItems": min,
                })
            );
        }
        assert_eq!(
            t(json!({"type": "array", "minItems": 2, "maxItems": 5})),
            json!({"type": "array", "description": "{maxItems: 5, minItems: 2}"})
        );
    }

    #[test]
    fn enums_are_kept_and_const_becomes_a_one_value_enum() {
        assert_eq!(
            t(json!({"type": "string", "enum": ["a", "b"]})),
            json!({"type": "string", "enum": ["a", "b"]})
        );
        assert_eq!(
            t(json!({"type": "string", "const": "dog"})),
            json!({"type": "string", "enum": ["dog"]})
        );
        assert_eq!(t(json!({"const": 3})), json!({"enum": [3]}));
    }

    #[test]
    fn a_list_of_types_becomes_any_of() {
        assert_eq!(
            t(json!({
                "type": ["integer", "null"],
                "minimum": 0,
                "description": "Count",
            })),
            json!({
                "description": "Count",
                "anyOf": [
                    {"type": "integer", "description": "{minimum: 0}"},
                    {"type": "null"},
                ],
            })
        );
    }

    #[test]
    fn schema_meta_is_dropped_and_untyped_schemas_pass_through() {
        assert_eq!(
            t(json!({"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "null"})),
            json!({"type": "null"})
        );
        assert_eq!(t(json!({})), json!({}));
        assert_eq!(t(json!(true)), json!(true));
        assert_eq!(
            t(json!({"description": "anything"})),
            json!({"description": "anything"})
        );
    }

    #[allow(dead_code)]
    #[derive(serde::Deserialize, JsonSchema)]
    /// A person.
    struct Person {
        /// Their name.
        name: String,
        age: u8,
        nickname: Option<String>,
        address: Option<Address>,
        tags: Vec<String>,
        scores: HashMap<String, f64>,
        kind: Kind,
        shape: Shape,
        pet: Pet,
    }

    #[allow(dead_code)]
    #[derive(serde::Deserialize, JsonSchema)]
    struct Address {
        street: String,
    }

    #[allow(dead_code)]
    #[derive(serde::Deserialize, JsonSchema)]
    enum Kind {
        A,
        B,
    }

    #[allow(dead_code)]
    #[derive(serde::Deserialize, JsonSchema)]
    enum Shape {
        Point,
        Circle { radius: f64 },
    }

    #[allow(dead_code)]
    #[derive(serde::Deserialize, JsonSchema)]
    #[serde(tag = "type", rename_all = "snake_case")]
    enum Pet {
        Dog { name: String },
        Cat,
    }

    #[test]
    fn a_rust_type_becomes_the_api_subset() {
        let schema = json_schema::<Person>();
        assert!(schema.get("$schema").is_none());
        assert_eq!(schema["title"], "Person");
        assert_eq!(schema["description"], "A person.");
        assert_eq!(schema["additionalProperties"], false);
        assert_eq!(
            schema["required"],
            json!(["name", "age", "tags", "scores", "kind", "shape", "pet"])
        );
        let properties = &schema["properties"];
        assert_eq!(
            properties["name"],
            json!({"type": "string", "description": "Their name."})
        );
        assert_eq!(
            properties["age"],
            json!({"type": "integer", "description": "{format: \"uint8\", maximum: 255, minimum: 0}"})
        );
        assert_eq!(
            properties["nickname"],
            json!({"anyOf": [{"type": "string"}, {"type": "null"}]})
        );
        assert_eq!(
            properties["address"],
            json!({"anyOf": [{"$ref": "#/$defs/Address"}, {"type": "null"}]})
        );
        assert_eq!(
            properties["tags"],
            json!({"type": "array", "items": {"type": "string"}})
        );
        // A map can only be the empty object.
        assert_eq!(
            properties["scores"],
            json!({"type": "object", "properties": {}, "additionalProperties": false})
        );
        let defs = &schema["$defs"];
        assert_eq!(
            defs["Address"],
            json!({
                "type": "object",
                "properties": {"street": {"type": "string"}},
                "required": ["street"],
                "additionalProperties": false,
            })
        );
        assert_eq!(defs["Kind"], json!({"type": "string", "enum": ["A", "B"]}));
        assert_eq!(
            defs["Shape"],
            json!({"anyOf": [
                {"type": "string", "enum": ["Point"]},
                {
                    "type": "object",
                    "properties": {"Circle": {
                        "type": "object",
                        "properties": {"radius": {"type": "number", "description": "{format: \"double\"}"}},
                        "required": ["radius"],
                        "additionalProperties": false,
                    }},
                    "required": ["Circle"],
                    "additionalProperties": false,
                },
            ]})
        );
        assert_eq!(
            defs["Pet"]["anyOf"][1],
            json!({
                "type": "object",
                "properties": {"type": {"type": "string", "enum": ["cat"]}},
                "required": ["type"],
                "additionalProperties": false,
            })
        );
    }

    #[test]
    fn the_schema_is_built_once_per_type() {
        let first = json_schema::<Address>();
        let second = json_schema::<Address>();
        assert!(Arc::ptr_eq(&first, &second));
        assert!(!Arc::ptr_eq(&first, &json_schema::<Kind>()));
        let OutputFormat::JsonSchema(format) = output_format::<Address>() else {
            panic!("a json_schema format");
        };
        assert_eq!(format.schema, *first);
    }
}
