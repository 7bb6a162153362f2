//! Agent Skills: `/v1/skills` and its versions.
//!
//! A skill upload is small (the platform takes at most
//! [`MAX_UPLOAD_BYTES`] of files), so its `multipart/form-data` body is
//! buffered by the router like any JSON body, parsed ([`upload`]) and then
//! dropped: the store keeps only each version's metadata and the names and
//! sizes of its files, never their content, so memory stays bounded by the
//! number of versions, not their size.
//!
//! * [`routes`] declares the eight endpoints and answers them;
//! * [`upload`] parses and checks an upload as the real API does: every
//!   file under one top-level directory, a `SKILL.md` directly in it, whose
//!   frontmatter `name` (when given) matches the directory;
//! * [`store`] keeps skills and their versions and pages both by cursor
//!   (`crate::pages`); a skill that still has
//!   versions cannot be deleted.

pub(crate) mod routes;
mod store;
mod upload;

pub(crate) use store::SkillStore;
pub(crate) use upload::{MAX_BODY_BYTES, parse};

/// The most file bytes one upload may carry (8 MB, the platform's limit).
pub const MAX_UPLOAD_BYTES: u64 = 8 * 1024 * 1024;
