//! What the server task and the handles share: the configuration fixed at
//! start, the counters, the mutable state behind one lock, and the message
//! batches and the files (behind their own).

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, AtomicUsize};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use crate::batches::Store;
use crate::faults::Fault;
use crate::files::FileStore;
use crate::ids::IdGen;
use crate::recorded::RecordedRequest;
use crate::request_log::RequestLog;
use crate::scenario::Scenario;
use crate::sigv4::CredentialStore;
use crate::skills::SkillStore;

/// The emulator's notion of "now", relative to the real clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Clock {
    Real,
    Ahead(Duration),
    Behind(Duration),
}

impl Clock {
    /// The shifted time (the real time when the shift would overflow).
    pub(crate) fn now(self) -> SystemTime {
        let real = SystemTime::now();
        match self {
            Clock::Real => real,
            Clock::Ahead(by) => real.checked_add(by).unwrap_or(real),
            Clock::Behind(by) => real.checked_sub(by).unwrap_or(real),
        }
    }
}

/// The emulator's configuration, fixed at start.
pub(crate) struct Config {
    pub(crate) region: String,
    pub(crate) workspace_id: String,
    pub(crate) credentials: CredentialStore,
    pub(crate) api_keys: Vec<String>,
    pub(crate) date_window: Duration,
    pub(crate) clock: Clock,
    pub(crate) fast: bool,
    pub(crate) limits: Limits,
}

/// What bounds the emulator's memory and its connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Limits {
    /// Requests kept for [`EmulatorHandle::requests`](crate::EmulatorHandle::requests).
    pub(crate) max_recorded_requests: usize,
    /// Whether accepted requests keep their bodies.
    pub(crate) record_bodies: bool,
    /// How long a body may take to arrive after the headers.
    pub(crate) body_read_timeout: Duration,
    /// Connections served at once.
    pub(crate) max_connections: usize,
    /// Bytes of buffered request bodies in memory at once.
    pub(crate) max_body_bytes_in_flight: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_recorded_requests: 1_000,
            record_bodies: false,
            body_read_timeout: Duration::from_secs(30),
            max_connections: 1_024,
            max_body_bytes_in_flight: crate::server::DEFAULT_BODY_BUDGET,
        }
    }
}

/// Mutable state behind one lock, held only for short, non-blocking steps
/// (never while a body is read or an answer is sent).
#[derive(Default)]
pub(crate) struct State {
    pub(crate) requests: VecDeque<RecordedRequest>,
    pub(crate) faults: VecDeque<Fault>,
    /// Requests seen so far per scenario string that has `times=N`.
    pub(crate) scenario_hits: HashMap<String, u64>,
}

/// Everything the server task and the handles share.
pub(crate) struct Shared {
    pub(crate) config: Config,
    pub(crate) log: Option<RequestLog>,
    pub(crate) request_count: AtomicUsize,
    pub(crate) message_counter: AtomicU64,
    pub(crate) ids: IdGen,
    state: Mutex<State>,
    /// The message batches.
    pub(crate) batches: Store,
    /// The files.
    pub(crate) files: FileStore,
    /// The skills.
    pub(crate) skills: SkillStore,
    /// Recording or replaying, in front of the routes.
    pub(crate) layer: Option<crate::recording::Layer>,
    /// Room for the request bodies read into memory.
    pub(crate) body_budget: crate::server::BodyBudget,
}

impl Shared {
    pub(crate) fn new(
        config: Config,
        log: Option<RequestLog>,
        batches: Store,
        files: FileStore,
    ) -> Self {
        Shared {
            body_budget: crate::server::BodyBudget::new(config.limits.max_body_bytes_in_flight),
            config,
            log,
            request_count: AtomicUsize::new(0),
            message_counter: AtomicU64::new(0),
            ids: IdGen::new(),
            state: Mutex::new(State::default()),
            batches,
            files,
            skills: SkillStore::new(IdGen::new().key()),
            layer: None,
        }
    }

    /// Whether a scenario's faults hit this request: always without `times`,
    /// else for the first `times` requests carrying the same scenario text
    /// (each call counts one request).
    pub(crate) fn scenario_active(&self, scenario: &Scenario) -> bool {
        let Some(times) = scenario.times else {
            return true;
        };
        if !scenario.has_faults() {
            return true;
        }
        let mut state = self.state();
        let hits = state
            .scenario_hits
            .entry(scenario.text.clone())
            .or_insert(0);
        *hits = hits.saturating_add(1);
        *hits <= times
    }

    /// Keeps `request`, forgetting the oldest one beyond the limit.
    pub(crate) fn record(&self, request: RecordedRequest) {
        let max = self.config.limits.max_recorded_requests;
        if max == 0 {
            return;
        }
        let mut state = self.state();
        while state.requests.len() >= max {
            state.requests.pop_front();
        }
        state.requests.push_back(request);
    }

    /// The mutable state (a panic elsewhere does not make it unusable).
    pub(crate) fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
