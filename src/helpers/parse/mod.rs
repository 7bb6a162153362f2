//! Structured outputs: a Rust type's JSON schema sent as `output_config.format`, and the
//! answer's text deserialized back into that type.
//!
//! | what | how |
//! |---|---|
//! | ask and read | [`client.messages().parse::<T>(&params)`](crate::resources::Messages::parse) → [`ParsedMessage<T>`] |
//! | stream, then read | [`client.messages().parse_stream::<T>(&params)`](crate::resources::Messages::parse_stream) → [`ParseStream<T>`], [`final_parsed`](ParseStream::final_parsed) |
//! | count the tokens (the schema counts) | [`CountTokensParams::output_format`](crate::types::CountTokensParams::output_format)`(`[`output_format::<T>()`](output_format)`)` |
//! | batch | [`BatchRequest::parse::<T>`](crate::types::BatchRequest::parse), then [`Message::parsed::<T>()`](crate::types::Message::parsed) on each result |
//! | the schema alone | [`json_schema::<T>()`](json_schema), [`transform_schema`] |
//!
//! `T` is any type with `serde::Deserialize` and `schemars::JsonSchema`. An answer that does
//! not read into it is an [`Error::Parse`](crate::Error::Parse) holding a
//! [`ParseError`](crate::error::ParseError): the text, the whole message, the serde error,
//! both request IDs, and what to do next.

mod parsed;
mod request;
mod schema;
mod stream;

pub use parsed::ParsedMessage;
pub use schema::{json_schema, output_format, transform_schema};
pub use stream::ParseStream;
