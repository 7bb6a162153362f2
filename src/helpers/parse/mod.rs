//! Structured outputs: a Rust type's JSON schema sent as `output_config.format`, and the
//! answer's text deserialized back into that type.

mod schema;

pub use schema::{json_schema, output_format, transform_schema};
