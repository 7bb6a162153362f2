//! One accessor per API family: [`Messages`] (with [`Batches`]), [`Models`], [`Files`] and
//! [`Skills`] (with [`SkillVersions`]);
//! Messages and Models each have a raw twin that returns status, headers, body bytes and both
//! request IDs before parsing; and [`RawRequest`], a signed call to any route.

mod batches;
mod files;
mod messages;
mod models;
mod multipart;
mod pages;
mod raw;
mod skills;

pub use batches::{
    BATCH_MAX_REQUEST_BYTES, BATCH_MAX_REQUESTS, BatchResults, BatchRunner, Batches,
    CUSTOM_ID_MAX_CHARS, RunProgress, RunReport, RunnerError, STATE_FILE_SUFFIX, state_path_for,
};
pub use files::{FILES_MAX_BYTES, FileUpload, Files, PART_SUFFIX};
pub use messages::{MESSAGES_MAX_REQUEST_BYTES, Messages, RawMessages};
pub use models::{Models, RawModels};
pub use raw::RawRequest;
pub use skills::{SkillUpload, SkillVersions, Skills};
