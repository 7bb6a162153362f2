//! Messages: `POST /v1/messages` and `POST /v1/messages/count_tokens`.
//!
//! Request validation and deterministic bodies are pure (no I/O, no
//! clock): the server decides *whether* to answer, these modules decide
//! *what*. The dependencies run one way: `plan` (what the assistant says)
//! uses `request` (the validated request), which uses `conversation` (what
//! the messages so far say), `tools` (the calls an answer makes) and
//! `structured` (`output_config.format`); the last two build their values
//! with `schema_instance`, a valid instance of a JSON Schema. `routes`
//! holds the handlers.

mod conversation;
mod plan;
mod request;
pub(crate) mod routes;
mod schema_instance;
mod structured;
mod tools;

pub(crate) use plan::{
    AnswerPlan, Block, answer_plan, fast_plan, filler, message_json, message_skeleton,
};
pub(crate) use request::{Endpoint, MessagesRequest, count_tokens_body, parse_messages_request};
