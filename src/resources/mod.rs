//! One accessor per API family: [`Messages`] and [`Models`], each with a raw twin that returns
//! status, headers, body bytes and both request IDs before parsing.

mod messages;
mod models;

pub use messages::{MESSAGES_MAX_REQUEST_BYTES, Messages, RawMessages};
pub use models::{Models, RawModels};
