//! [`Context`]: what the batch operations need of the emulator, handed in
//! by the server so that this module depends on neither the server nor its
//! shared state.

use std::sync::atomic::AtomicU64;
use std::time::SystemTime;

use crate::ids::IdGen;
use crate::scenario::Scenario;

use super::store::Store;

/// What the batch operations need of the emulator.
pub(crate) struct Context<'a> {
    /// The batches.
    pub(crate) store: &'a Store,
    /// The emulator's clock, now.
    pub(crate) now: SystemTime,
    /// Where batch ids take their random part.
    pub(crate) ids: &'a IdGen,
    /// Numbers Messages (`msg_emu_N`), shared with `POST /v1/messages`.
    pub(crate) message_counter: &'a AtomicU64,
    /// Whether a scenario's faults hit a request (counting `times=N` as
    /// for single requests).
    pub(crate) scenario_active: &'a dyn Fn(&Scenario) -> bool,
}
