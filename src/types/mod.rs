//! Plain serde data mirroring the Claude API (version 2026-10-21).
//!
//! Requests ([`MessageCreateParams`], [`CountTokensParams`],
//! [`ListModelsParams`]) serialize to exactly the JSON the API expects:
//! unset options are omitted and tags are spelled as the API spells them.
//! Responses ([`Message`], [`MessageTokensCount`], [`ModelInfo`],
//! [`ModelPage`]) decode without failing on what this crate does not know
//! yet:
//!
//! - every struct keeps unmodeled fields in a flattened `extra` map (on
//!   requests, `extra_field` sends fields the types do not model);
//! - `type`-tagged enums ([`ContentBlock`], [`ContentBlockParam`],
//!   [`ToolChoice`], ...) keep unknown objects as raw JSON in `Other`;
//! - string enums ([`StopReason`], [`Effort`], ...) keep unknown values in
//!   `Other(String)`.
//!
//! Everything is re-exported here, flat: `anthropic_aws::types::Message`.

#[macro_use]
mod macros;

mod batches;
mod content;
mod count_tokens;
mod message;
mod messages;
mod models;
mod options;
mod tools;

pub use batches::*;
pub use content::*;
pub use count_tokens::*;
pub use message::*;
pub use messages::*;
pub use models::*;
pub use options::*;
pub use tools::*;
