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
//! The events of a streaming response ([`MessageStreamEvent`], [`ContentBlockDelta`], ...) are
//! wire types too and live here (also re-exported from `anthropic_aws::streaming::events`).
//!
//! Everything is re-exported here, flat: `anthropic_aws::types::Message`.

#[macro_use]
pub(crate) mod macros;
pub(crate) mod de;
#[macro_use]
mod wire_struct;

mod batches;
mod block_params;
mod cache_control;
mod code_execution_blocks;
mod container;
mod content;
mod content_block;
mod content_delta;
mod context_management;
mod count_tokens;
mod files;
mod message;
mod messages;
mod model_capabilities;
mod models;
mod options;
mod paging;
mod server_tool_blocks;
#[macro_use]
mod server_tools;
mod skills;
mod sources;
pub(crate) mod stream_decode;
mod stream_events;
mod tools;
mod web_tool_blocks;
mod web_tools;
#[cfg(test)]
mod wire_samples;

pub use batches::*;
pub use block_params::*;
pub use cache_control::*;
pub use code_execution_blocks::*;
pub use container::*;
pub use content::*;
pub use content_block::*;
pub use content_delta::*;
pub use context_management::*;
pub use count_tokens::*;
pub use files::*;
pub use message::*;
pub use messages::*;
pub use model_capabilities::*;
pub use models::*;
pub use options::*;
pub use paging::*;
pub use server_tool_blocks::*;
pub use server_tools::*;
pub use skills::*;
pub use sources::*;
pub use stream_events::*;
pub use tools::*;
pub use web_tool_blocks::*;
pub use web_tools::*;
