//! Structured outputs: `output_config.format` (`{"type": "json_schema",
//! "schema": {..}}`) read and checked as the platform does, and the answer's
//! text, the JSON of a valid instance of the schema.

use serde_json::{Map, Value};

use super::schema_instance::instance;
use crate::error::ApiError;

/// The one format type the API knows.
const JSON_SCHEMA: &str = "json_schema";

/// The schema of `output_config.format`, when the request asks for a
/// structured output. An `output_config` or `format` that is not an
/// object, a format `type` other than `json_schema` and a missing or
/// non-object `schema` are 400s naming the field.
pub(crate) fn output_schema(obj: &Map<String, Value>) -> Result<Option<Value>, ApiError> {
    let config = match obj.get("output_config") {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Object(config)) => config,
        Some(_) => {
            return Err(ApiError::invalid_request(
                "output_config: Input should be an object",
            ));
        }
    };
    let format = match config.get("format") {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Object(format)) => format,
        Some(_) => {
            return Err(ApiError::invalid_request(
                "output_config.format: Input should be an object",
            ));
        }
    };
    match format.get("type") {
        Some(Value::String(kind)) if kind == JSON_SCHEMA => {}
        None | Some(Value::Null) => {
            return Err(ApiError::invalid_request(
                "output_config.format.type: Field required (the format type is 'json_schema')",
            ));
        }
        Some(other) => {
            return Err(ApiError::invalid_request(format!(
                "output_config.format.type: Input should be '{JSON_SCHEMA}', not {other}"
            )));
        }
    }
    match format.get("schema") {
        Some(Value::Object(schema)) => Ok(Some(Value::Object(schema.clone()))),
        None | Some(Value::Null) => Err(ApiError::invalid_request(
            "output_config.format.schema: Field required",
        )),
        Some(_) => Err(ApiError::invalid_request(
            "output_config.format.schema: Input should be an object (a JSON Schema)",
        )),
    }
}

/// The text of a structured answer: the compact JSON of the schema's
/// deterministic instance.
pub(crate) fn structured_text(schema: &Value) -> String {
    instance(schema).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema_of(body: Value) -> Result<Option<Value>, String> {
        output_schema(body.as_object().unwrap_or(&Map::new())).map_err(|e| e.message)
    }

    #[test]
    fn the_format_is_checked_and_its_schema_answered() {
        let schema = json!({"type": "object", "properties": {"n": {"type": "integer"}},
                            "required": ["n"], "additionalProperties": false});
        let body = json!({"output_config": {"format": {"type": "json_schema", "schema": schema}}});
        assert_eq!(schema_of(body), Ok(Some(schema.clone())));
        assert_eq!(structured_text(&schema), r#"{"n":1}"#);
        assert_eq!(schema_of(json!({})), Ok(None));
        assert_eq!(
            schema_of(json!({"output_config": {"effort": "low"}})),
            Ok(None)
        );
        for (bad, needle) in [
            (
                json!({"output_config": "json"}),
                "output_config: Input should be an object",
            ),
            (
                json!({"output_config": {"format": "json"}}),
                "output_config.format: Input",
            ),
            (
                json!({"output_config": {"format": {"schema": {}}}}),
                "format.type: Field required",
            ),
            (
                json!({"output_config": {"format": {"type": "xml", "schema": {}}}}),
                "Input should be 'json_schema', not \"xml\"",
            ),
            (
                json!({"output_config": {"format": {"type": "json_schema"}}}),
                "schema: Field required",
            ),
            (
                json!({"output_config": {"format": {"type": "json_schema", "schema": [1]}}}),
                "schema: Input should be an object",
            ),
        ] {
            let error = schema_of(bad.clone()).err().unwrap_or_default();
            assert!(error.contains(needle), "{bad}: {error}");
        }
    }
}
