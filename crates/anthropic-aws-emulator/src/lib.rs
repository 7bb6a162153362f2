//! A local stand-in for Claude Platform on AWS
//! (`https://aws-external-anthropic.{region}.api.aws`).
//!
//! [`Emulator`] starts an HTTP/1.1 server on `127.0.0.1` (on a port the OS
//! picks) that behaves like the real endpoint closely enough for tests and
//! examples to run over real loopback HTTP:
//!
//! * it authenticates like the AWS front door: SigV4 (verified by this
//!   crate's own, independent [`sigv4`] implementation) with long-term or
//!   session credentials, or an API key (`Authorization: Bearer` or
//!   `x-api-key`); failures carry `x-amzn-errortype` and no `request-id`;
//! * it checks `anthropic-workspace-id` and `anthropic-version`;
//! * it answers `POST /v1/messages`, `POST /v1/messages/count_tokens`,
//!   `GET /v1/models` and `GET /v1/models/{id}` with deterministic bodies;
//! * it keeps Message Batches (`POST /v1/messages/batches`, and `GET`,
//!   list, `cancel`, `DELETE` and `results` under it): each request of a
//!   batch is answered as `POST /v1/messages` would answer it (or as its
//!   scenario asks), the batch ends after
//!   [`EmulatorBuilder::batch_processing_delay`], and its JSON Lines
//!   results are streamed in bounded memory; [`EmulatorHandle::batches`]
//!   shows them to tests ([`BatchInfo`]);
//! * it keeps Files (`POST /v1/files` as `multipart/form-data`, `GET
//!   /v1/files` paged by cursor, `GET /v1/files/{id}`, `GET
//!   /v1/files/{id}/content`, `DELETE /v1/files/{id}`) on disk, never in
//!   memory: an upload is parsed and written to a temporary directory as it
//!   arrives, its SHA-256 (the SigV4 payload hash) computed on the way; a
//!   download is streamed from disk. Uploads are not downloadable unless
//!   [`EmulatorBuilder::files_downloadable`] or the scenario
//!   `file-downloadable=true` says so; [`EmulatorHandle::add_synthetic_file`]
//!   adds a file of any size whose bytes ([`synthetic_byte`]) are generated
//!   while sent; [`EmulatorHandle::files`] ([`FileInfo`]) and
//!   [`EmulatorHandle::file_upload_count`] show them to tests;
//! * it keeps Agent Skills (`POST /v1/skills` as `multipart/form-data`,
//!   list paged by cursor, `GET` and `DELETE /v1/skills/{id}`, and the same
//!   four under `/v1/skills/{id}/versions`): an upload must have every file
//!   under one top-level directory with a `SKILL.md` in it, at most
//!   [`SKILLS_MAX_UPLOAD_BYTES`]; only metadata and file names and sizes
//!   are kept; a skill with versions cannot be deleted;
//!   [`EmulatorHandle::skill_counts`] shows them to tests;
//! * `POST /v1/messages` with `"stream": true` answers with server-sent
//!   events (`message_start`, `content_block_start`, `ping`,
//!   `content_block_delta`s, `content_block_stop`, `message_delta`,
//!   `message_stop`) that accumulate to the same Message as the JSON answer
//!   to the same request, apart from its `id`;
//! * the answer is deterministic, preceded by a `thinking` block when the
//!   request enables thinking (`{"type":"enabled",..}` or
//!   `{"type":"adaptive"}`): with `tools` and no `tool_result` in the last
//!   user turn, `tool_use` blocks (`stop_reason: "tool_use"`) whose inputs
//!   are valid instances of the tools' `input_schema`s (`tool_choice`
//!   respected; the scenario keys `tool-use`, `tool-calls` and
//!   `tool-rounds` choose which and how many); after `tool_result`s, a text
//!   quoting each; with `output_config.format` `{"type":"json_schema",..}`,
//!   the JSON text of a valid instance of the schema; otherwise a text
//!   reply. `stop-reason=refusal|max_tokens|pause_turn` scripts the other
//!   stops, `answer-text` any text;
//! * every request is counted, and the latest ones are recorded
//!   ([`EmulatorHandle::requests`], bodies only on request:
//!   [`EmulatorBuilder::record_bodies`]),
//!   and [`Fault`]s can be queued to script failures, including broken
//!   event streams ([`Fault::Stream`], [`StreamScript`]), slow answers
//!   ([`Fault::Slow`]) and bodies cut short ([`Fault::CutBody`]);
//! * *scenarios* script failures without code: a request carrying
//!   `x-emulator-scenario: status=529;times=2`, or naming the model
//!   `claude-opus-4-8~status=529;times=2`, fails twice with
//!   `overloaded_error` and then succeeds. The keys (`status`, `type`,
//!   `aws`, `message`, `retry-after`, `retry-after-ms`, `should-retry`,
//!   `times`, `delay-ms`, `body`, `stream-error-after`, `stream-cut-after`,
//!   `chunk-size`, `stream-text-bytes`, `text-delta-bytes`, `tool-use`,
//!   `tool-calls`, `tool-rounds`, `stop-reason`, `answer-text`, for batches
//!   `batch-results-bytes` and `batch-expire`, and for files
//!   `file-downloadable`, `file-synthetic-bytes` and `cut-after-bytes`) are
//!   documented in the crate's README;
//! * its clock can be shifted ([`EmulatorBuilder::clock_ahead`],
//!   [`EmulatorBuilder::clock_behind`]) for clock-skew tests: the SigV4 date
//!   check and every response's `Date` header use the shifted clock;
//! * it records a real session and replays it offline: with
//!   [`EmulatorBuilder::record`] every accepted request is forwarded to an
//!   [`Upstream`] (signed afresh with the upstream's own credentials) and
//!   each exchange written to a folder as readable JSON, never a secret;
//!   with [`EmulatorBuilder::replay`] the folder answers, matched by method,
//!   path, query and body, repeats in recorded order, streams as streams;
//! * [`EmulatorBuilder::fast`] turns verification and recording off for
//!   load tests, and [`EmulatorBuilder::request_log`] writes one JSON line
//!   per request (the same record as [`RecordedRequest::to_log_line`]).
//!
//! ```no_run
//! use anthropic_aws_emulator::{Emulator, Fault};
//!
//! # async fn demo() -> std::io::Result<()> {
//! let emulator = Emulator::builder()
//!     .region("us-west-2")
//!     .workspace_id("wrkspc_test")
//!     .access_key("AKIDEXAMPLE", "secret")
//!     .api_key("sk-test")
//!     .start()
//!     .await?;
//! let base_url = emulator.base_url(); // "http://127.0.0.1:PORT"
//! emulator.push_fault(Fault::anthropic(529, "overloaded_error", "Overloaded"));
//! // ... point a client at `base_url` ...
//! assert_eq!(emulator.request_count(), 0);
//! emulator.shutdown().await;
//! # let _ = base_url;
//! # Ok(())
//! # }
//! ```

mod batches;
mod builder;
mod error;
mod faults;
mod files;
mod handle;
mod ids;
mod messages;
mod models;
mod pages;
mod recorded;
mod recording;
mod request_log;
mod scenario;
mod server;
pub mod sigv4;
mod skills;
mod state;
mod stream;
pub mod time;

/// Every endpoint the emulator answers, family by family (each family's
/// module declares its `ROUTES`): adding a family is its module above and
/// one line here.
const FAMILIES: &[&[server::Route]] = &[
    messages::routes::ROUTES,
    batches::routes::ROUTES,
    files::routes::ROUTES,
    models::routes::ROUTES,
    skills::routes::ROUTES,
];

pub use batches::{BatchInfo, RequestCounts};
pub use builder::{Emulator, EmulatorBuilder};
pub use faults::{Fault, StreamScript};
pub use files::{FileInfo, MAX_FILE_BYTES as FILES_MAX_BYTES, synthetic_byte};
pub use handle::{EmulatorHandle, StopSignal};
pub use recorded::{AuthOutcome, RecordedRequest, RequestAuth};
pub use recording::{FORMAT_VERSION as RECORDING_FORMAT_VERSION, Upstream};
pub use sigv4::CredentialStore;
pub use skills::MAX_UPLOAD_BYTES as SKILLS_MAX_UPLOAD_BYTES;
