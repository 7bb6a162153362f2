//! What apps build on the API, apart from the API's own resources: structured outputs
//! parsed into Rust types ([`parse`]) and the tool-use loop ([`tools`]).
//!
//! These helpers use only the client's public surface and the plain data of
//! [`types`](crate::types); nothing under `resources/`, `transport/` or `auth/` imports them.

pub mod parse;
pub mod tools;
