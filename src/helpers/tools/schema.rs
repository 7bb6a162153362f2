//! The input schema of a typed tool, from its Rust type.

use schemars::JsonSchema;
use serde_json::Value;

/// The JSON schema of `I`, as a tool's `input_schema`: schemars' root schema without the
/// `$schema` keyword (the API does not need the dialect).
pub(super) fn input_schema<I: JsonSchema>() -> Value {
    let mut schema = Value::from(schemars::schema_for!(I));
    if let Value::Object(map) = &mut schema {
        map.remove("$schema");
    }
    schema
}
