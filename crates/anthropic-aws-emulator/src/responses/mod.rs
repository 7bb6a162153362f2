//! Canned Claude API answers: request validation and deterministic bodies.
//!
//! Everything here is pure (no I/O, no clock): the server decides *whether*
//! to answer, these modules decide *what*. The dependencies run one way:
//! `plan` (what the assistant says) uses `messages` (the validated request),
//! which uses `tools` and `error`.

mod error;
mod messages;
mod models;
mod plan;
mod tools;

pub(crate) use error::ApiError;
pub(crate) use messages::{Endpoint, MessagesRequest, count_tokens_body, parse_messages_request};
pub(crate) use models::{get_model, list_models};
pub(crate) use plan::{
    AnswerPlan, Block, answer_plan, fast_plan, filler, message_json, message_skeleton,
};
