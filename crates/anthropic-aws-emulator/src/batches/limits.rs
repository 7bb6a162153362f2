//! What the Batches API fixes: where its routes are, and how large a
//! batch may be.

use std::time::Duration;

/// The path every batch route starts with (the routes themselves are in
/// the server's router).
pub(crate) const PATH: &str = "/v1/messages/batches";

/// Largest body of `POST /v1/messages/batches` (the Batches API limit).
pub(crate) const MAX_BODY_BYTES: usize = 256 * 1024 * 1024;

/// Most requests in one batch.
pub(crate) const MAX_REQUESTS: usize = 100_000;

/// How long after its creation a batch expires (`expires_at`).
pub(crate) const EXPIRY: Duration = Duration::from_secs(24 * 60 * 60);
