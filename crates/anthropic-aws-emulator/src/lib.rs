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
//! * `POST /v1/messages` with `"stream": true` answers with server-sent
//!   events (`message_start`, `content_block_start`, `ping`,
//!   `content_block_delta`s, `content_block_stop`, `message_delta`,
//!   `message_stop`) that accumulate to the same Message as the JSON answer
//!   to the same request, apart from its `id`;
//! * the answer is a text reply, preceded by a `thinking` block when the
//!   request enables thinking (`{"type":"enabled",..}` or
//!   `{"type":"adaptive"}`), and replaced by one `tool_use` block
//!   (`stop_reason: "tool_use"`) when `tool_choice` forces a tool
//!   (`{"type":"tool","name":..}`, or `{"type":"any"}` for the first tool);
//!   the tool input gives each `required` property of the tool's
//!   `input_schema` an example value of its type;
//! * every request is counted and recorded ([`EmulatorHandle::requests`]),
//!   and [`Fault`]s can be queued to script failures, including broken
//!   event streams ([`Fault::Stream`], [`StreamScript`]), slow answers
//!   ([`Fault::Slow`]) and bodies cut short ([`Fault::CutBody`]);
//! * *scenarios* script failures without code: a request carrying
//!   `x-emulator-scenario: status=529;times=2`, or naming the model
//!   `claude-opus-4-8~status=529;times=2`, fails twice with
//!   `overloaded_error` and then succeeds. The keys (`status`, `type`,
//!   `aws`, `message`, `retry-after`, `retry-after-ms`, `should-retry`,
//!   `times`, `delay-ms`, `body`, `stream-error-after`, `stream-cut-after`,
//!   `chunk-size`, `stream-text-bytes`, `text-delta-bytes`) are documented in `docs/emulator.md`;
//! * its clock can be shifted ([`EmulatorBuilder::clock_ahead`],
//!   [`EmulatorBuilder::clock_behind`]) for clock-skew tests: the SigV4 date
//!   check and every response's `Date` header use the shifted clock;
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

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

mod batches;
mod faults;
mod ids;
mod request_log;
mod responses;
mod scenario;
mod server;
pub mod sigv4;
mod stream;
pub mod time;

#[cfg(test)]
mod hook_tests;
#[cfg(test)]
mod scenario_tests;
#[cfg(test)]
mod stream_tests;
#[cfg(test)]
mod tests;

pub use batches::{BatchInfo, RequestCounts};
pub use faults::{Fault, StreamScript};

pub use sigv4::CredentialStore;

/// The entry point: `Emulator::builder()...start().await`.
///
/// ```
/// use anthropic_aws_emulator::Emulator;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let emulator = Emulator::builder().api_key("sk-test").start().await?;
/// assert!(emulator.base_url().starts_with("http://127.0.0.1:"));
/// assert_eq!(emulator.region(), "us-west-2");
/// emulator.shutdown().await;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Emulator;

impl Emulator {
    /// A builder with the defaults: region `us-west-2`, workspace
    /// `wrkspc_emulator`, a 5-minute date window and no credentials.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }
}

/// Configures and starts an emulator. Its `Debug` output never shows secret
/// keys, session tokens or API keys.
#[derive(Clone)]
pub struct EmulatorBuilder {
    region: String,
    workspace_id: String,
    credentials: CredentialStore,
    api_keys: Vec<String>,
    date_window: Duration,
    clock: Clock,
    fast: bool,
    request_log: Option<PathBuf>,
    port: u16,
    batches: batches::BatchOptions,
}

impl Default for EmulatorBuilder {
    fn default() -> Self {
        EmulatorBuilder {
            region: "us-west-2".to_owned(),
            workspace_id: "wrkspc_emulator".to_owned(),
            credentials: CredentialStore::new(),
            api_keys: Vec::new(),
            date_window: Duration::from_secs(300),
            clock: Clock::Real,
            fast: false,
            request_log: None,
            port: 0,
            batches: batches::BatchOptions::default(),
        }
    }
}

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

impl fmt::Debug for EmulatorBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmulatorBuilder")
            .field("region", &self.region)
            .field("workspace_id", &self.workspace_id)
            .field("credentials", &self.credentials)
            .field(
                "api_keys",
                &format_args!("[{} redacted]", self.api_keys.len()),
            )
            .field("date_window", &self.date_window)
            .field("clock", &self.clock)
            .field("fast", &self.fast)
            .field("request_log", &self.request_log)
            .field("port", &self.port)
            .field("batches", &self.batches)
            .finish()
    }
}

impl EmulatorBuilder {
    /// The region requests must be signed for (default `us-west-2`).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = region.into();
        self
    }

    /// The workspace `anthropic-workspace-id` must name (default
    /// `wrkspc_emulator`).
    pub fn workspace_id(mut self, workspace_id: impl Into<String>) -> Self {
        self.workspace_id = workspace_id.into();
        self
    }

    /// Accepts a long-term access key (requests must not carry
    /// `x-amz-security-token`). May be called many times; a later call with
    /// the same id replaces the earlier one.
    pub fn access_key(mut self, id: impl Into<String>, secret: impl Into<String>) -> Self {
        self.credentials.insert_long_term(id, secret);
        self
    }

    /// Accepts a temporary access key: requests must carry
    /// `x-amz-security-token` equal to `session_token`.
    pub fn session_credentials(
        mut self,
        id: impl Into<String>,
        secret: impl Into<String>,
        session_token: impl Into<String>,
    ) -> Self {
        self.credentials.insert_session(id, secret, session_token);
        self
    }

    /// Knows a temporary access key whose token has expired: requests
    /// carrying that token get `ExpiredTokenException`.
    pub fn expired_session_credentials(
        mut self,
        id: impl Into<String>,
        secret: impl Into<String>,
        session_token: impl Into<String>,
    ) -> Self {
        self.credentials
            .insert_expired_session(id, secret, session_token);
        self
    }

    /// Accepts an API key, sent as `Authorization: Bearer <key>` (or, for
    /// older clients, `x-api-key: <key>`). May be called many times.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_keys.push(key.into());
        self
    }

    /// How far `x-amz-date` may be from the emulator's clock, either way
    /// (default 5 minutes).
    pub fn date_window(mut self, window: Duration) -> Self {
        self.date_window = window;
        self
    }

    /// Runs the emulator's clock ahead of the real one by `by`: the SigV4
    /// date check compares `x-amz-date` with the shifted time, and every
    /// response's `Date` header shows it. A client signing with the real
    /// clock is then `by` behind; beyond the [date
    /// window](Self::date_window) it gets `InvalidSignatureException`
    /// ("Signature expired"), whose `Date` lets it compute the skew.
    /// Replaces an earlier `clock_ahead` or `clock_behind`.
    pub fn clock_ahead(mut self, by: Duration) -> Self {
        self.clock = Clock::Ahead(by);
        self
    }

    /// Runs the emulator's clock behind the real one by `by`; see
    /// [`clock_ahead`](Self::clock_ahead).
    pub fn clock_behind(mut self, by: Duration) -> Self {
        self.clock = Clock::Behind(by);
        self
    }

    /// Fast mode, for load tests of clients (default off): no
    /// authentication at all (SigV4 is not verified, no credentials are
    /// needed, the workspace and version headers are not checked), and
    /// `POST /v1/messages` reads only `model` and `stream` from the body and
    /// answers a fixed text. [`EmulatorHandle::request_count`] still counts
    /// every request, but [`EmulatorHandle::requests`] stays empty so that
    /// memory does not grow with the load; the [request
    /// log](Self::request_log), when set, still gets every line. Queued
    /// [`Fault`]s and scenarios still apply.
    pub fn fast(mut self, fast: bool) -> Self {
        self.fast = fast;
        self
    }

    /// Appends one JSON object per request, one per line, to the file at
    /// `path` (created if missing), flushed line by line; see
    /// [`RecordedRequest::to_log_line`] for the fields. A line that cannot
    /// be written is dropped without failing the request.
    pub fn request_log(mut self, path: impl Into<PathBuf>) -> Self {
        self.request_log = Some(path.into());
        self
    }

    /// The port to listen on, on `127.0.0.1` (default 0: one the OS picks).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Binds `127.0.0.1` (on the [port](Self::port), by default one the OS
    /// picks), opens the [request log](Self::request_log) if any, and starts
    /// serving on the current Tokio runtime.
    ///
    /// # Errors
    /// When the socket cannot be bound or the request log cannot be opened.
    pub async fn start(self) -> std::io::Result<EmulatorHandle> {
        let log = match &self.request_log {
            Some(path) => Some(request_log::RequestLog::open(path)?),
            None => None,
        };
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, self.port)).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            config: Config {
                region: self.region,
                workspace_id: self.workspace_id,
                credentials: self.credentials,
                api_keys: self.api_keys,
                date_window: self.date_window,
                clock: self.clock,
                fast: self.fast,
            },
            log,
            request_count: AtomicUsize::new(0),
            message_counter: AtomicU64::new(0),
            ids: ids::IdGen::new(),
            state: Mutex::new(State::default()),
            batches: batches::Store::new(self.batches, format!("http://{addr}")),
        });
        let (shutdown_tx, shutdown_rx) = watch::channel(false);
        let task = tokio::spawn(server::serve(listener, Arc::clone(&shared), shutdown_rx));
        Ok(EmulatorHandle {
            inner: Arc::new(HandleInner {
                addr,
                shared,
                shutdown_tx,
                task: Mutex::new(Some(task)),
            }),
        })
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
}

/// Mutable state behind one lock.
#[derive(Default)]
pub(crate) struct State {
    pub(crate) requests: Vec<RecordedRequest>,
    pub(crate) faults: VecDeque<Fault>,
    /// Requests seen so far per scenario string that has `times=N`.
    pub(crate) scenario_hits: HashMap<String, u64>,
}

/// Everything the server task and the handles share.
pub(crate) struct Shared {
    pub(crate) config: Config,
    pub(crate) log: Option<request_log::RequestLog>,
    pub(crate) request_count: AtomicUsize,
    pub(crate) message_counter: AtomicU64,
    pub(crate) ids: ids::IdGen,
    pub(crate) state: Mutex<State>,
    pub(crate) batches: batches::Store,
}

impl Shared {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

struct HandleInner {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown_tx: watch::Sender<bool>,
    task: Mutex<Option<JoinHandle<()>>>,
}

impl Drop for HandleInner {
    fn drop(&mut self) {
        // The last handle is gone: stop accepting and close connections
        // once their in-flight requests are answered.
        self.shutdown_tx.send_replace(true);
    }
}

/// A running emulator. Clones share the same server.
///
/// The server stops when [`shutdown`](Self::shutdown) is called on any
/// clone, or when the last clone is dropped (then in the background, without
/// waiting). Either way, requests already being answered are completed
/// (for up to 5 seconds) and idle keep-alive connections are closed.
#[derive(Clone)]
pub struct EmulatorHandle {
    inner: Arc<HandleInner>,
}

impl fmt::Debug for EmulatorHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmulatorHandle")
            .field("addr", &self.inner.addr)
            .field("region", &self.region())
            .field("workspace_id", &self.workspace_id())
            .field("request_count", &self.request_count())
            .finish_non_exhaustive()
    }
}

impl EmulatorHandle {
    /// `http://127.0.0.1:PORT`, to use in place of
    /// `https://aws-external-anthropic.{region}.api.aws`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.inner.addr)
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.inner.addr
    }

    /// The region requests must be signed for.
    pub fn region(&self) -> &str {
        &self.inner.shared.config.region
    }

    /// The workspace `anthropic-workspace-id` must name.
    pub fn workspace_id(&self) -> &str {
        &self.inner.shared.config.workspace_id
    }

    /// The emulator's "now": the real time, shifted as
    /// [`EmulatorBuilder::clock_ahead`] / [`clock_behind`](EmulatorBuilder::clock_behind)
    /// say.
    pub fn now(&self) -> SystemTime {
        self.inner.shared.config.clock.now()
    }

    /// Whether the emulator runs in [fast mode](EmulatorBuilder::fast).
    pub fn is_fast(&self) -> bool {
        self.inner.shared.config.fast
    }

    /// The [request log](EmulatorBuilder::request_log)'s path, if any.
    pub fn request_log_path(&self) -> Option<&Path> {
        self.inner
            .shared
            .log
            .as_ref()
            .map(request_log::RequestLog::path)
    }

    /// Every HTTP request received so far, whatever its outcome (bytes that
    /// do not parse as an HTTP request are not counted: hyper drops the
    /// connection before the emulator sees them).
    pub fn request_count(&self) -> usize {
        self.inner.shared.request_count.load(Ordering::SeqCst)
    }

    /// The requests answered so far, oldest first. A request is recorded
    /// just before its response is sent, so it is visible here by the time
    /// the client has the response. Always empty in [fast
    /// mode](EmulatorBuilder::fast).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.inner.shared.state().requests.clone()
    }

    /// Queues `fault`. Faults are used first in, first out, one per request,
    /// and only the head of the queue is considered: an error fault at the
    /// head answers the next request instead of the normal pipeline (before
    /// any authentication); a [`Fault::Slow`] or [`Fault::CutBody`] at the
    /// head is taken by the next request, which is then answered by the
    /// normal pipeline, late or cut; a [`Fault::Stream`] at the head is taken only by
    /// the next streaming `POST /v1/messages` that passes verification, and
    /// every other request meanwhile is answered normally (see [`Fault`]).
    pub fn push_fault(&self, fault: Fault) {
        self.inner.shared.state().faults.push_back(fault);
    }

    /// Number of queued faults not yet used.
    pub fn pending_faults(&self) -> usize {
        self.inner.shared.state().faults.len()
    }

    /// Stops the server (for every clone) and waits until it has stopped.
    pub async fn shutdown(self) {
        self.inner.shutdown_tx.send_replace(true);
        let task = self
            .inner
            .task
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(task) = task {
            let _ = task.await;
        }
    }
}

/// What the server received and what it answered.
#[derive(Clone)]
pub struct RecordedRequest {
    /// The method, e.g. `POST`.
    pub method: String,
    /// The request target as received, e.g. `/v1/models?limit=2`.
    pub path_and_query: String,
    /// Header names (lowercased) and values (lossily decoded as UTF-8), in
    /// arrival order, except that repeated headers are grouped at the
    /// position of their first occurrence.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Bytes,
    /// The status answered (`200` for a streamed answer, whatever its
    /// events; the request is recorded before they are sent).
    pub status: u16,
    /// The `x-amzn-requestid` sent back (empty if none was, as for
    /// [`Fault::html`]).
    pub aws_request_id: String,
    /// The `request-id` sent back; `None` when the AWS front door (or a raw
    /// fault without one) answered.
    pub anthropic_request_id: Option<String>,
    /// When the request's headers arrived (the real clock, not a
    /// [shifted](EmulatorBuilder::clock_ahead) one).
    pub received_at: SystemTime,
    /// How the request tried to authenticate (whether or not it succeeded).
    pub auth: RequestAuth,
    /// The access key id of a SigV4 `Authorization` header, when it names
    /// one (whether or not it is known). Never a secret.
    pub access_key_id: Option<String>,
    /// `"ok"`, or what went wrong: the Anthropic error type
    /// (`overloaded_error`, ...) or the AWS exception name
    /// (`ThrottlingException`, ...) answered. A 200 stream scripted to fail
    /// has its `error` event's type, or `stream_cut`; a body cut by
    /// [`Fault::CutBody`] has `body_cut`; a raw answer without a type has
    /// `ok` below 400 and `http_<status>` otherwise.
    pub verdict: String,
    /// The `x-stainless-retry-count` header as a number (0 for a first
    /// attempt), if the client sent one.
    pub attempt: Option<u64>,
    /// The scenario the request carried (model suffix and
    /// `x-emulator-scenario` header, joined by `;`), if any.
    pub scenario: Option<String>,
}

/// How a request tried to authenticate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestAuth {
    /// An `Authorization` header other than `Bearer` (taken as SigV4).
    SigV4,
    /// `Authorization: Bearer <key>` or `x-api-key`.
    ApiKey,
    /// Neither.
    None,
}

impl RequestAuth {
    /// `"sigv4"`, `"api_key"` or `"none"`, as in the request log.
    pub fn as_str(self) -> &'static str {
        match self {
            RequestAuth::SigV4 => "sigv4",
            RequestAuth::ApiKey => "api_key",
            RequestAuth::None => "none",
        }
    }
}

impl fmt::Display for RequestAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl RecordedRequest {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body parsed as JSON, if it is JSON.
    pub fn body_json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// The record as one line of the [request log](EmulatorBuilder::request_log)
    /// (without the newline): a JSON object with `time` ([`received_at`](Self::received_at),
    /// RFC 3339 UTC with milliseconds), `method`, `path` (with the query),
    /// `auth` (`"sigv4"`, `"api_key"` or `"none"`), `access_key_id` (only
    /// when known from a SigV4 header), `verdict`, `status`,
    /// `aws_request_id` (`null` when none was sent), `anthropic_request_id`
    /// (or `null`), `attempt` (a number, or `null`) and `scenario` (only
    /// when the request carried one). No header values, bodies, secrets,
    /// session tokens or API keys.
    ///
    /// ```
    /// # use anthropic_aws_emulator::RecordedRequest;
    /// # fn check(request: &RecordedRequest) {
    /// let line: serde_json::Value = serde_json::from_str(&request.to_log_line()).unwrap();
    /// assert_eq!(line["verdict"], request.verdict.as_str());
    /// # }
    /// ```
    pub fn to_log_line(&self) -> String {
        request_log::line(self)
    }
}

/// Headers whose values `Debug` hides.
const SENSITIVE_HEADERS: [&str; 3] = ["authorization", "x-api-key", "x-amz-security-token"];

impl fmt::Debug for RecordedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(n, v)| {
                let sensitive = SENSITIVE_HEADERS.iter().any(|s| n.eq_ignore_ascii_case(s));
                (
                    n.as_str(),
                    if sensitive { "<redacted>" } else { v.as_str() },
                )
            })
            .collect();
        f.debug_struct("RecordedRequest")
            .field("method", &self.method)
            .field("path_and_query", &self.path_and_query)
            .field("headers", &headers)
            .field("body", &String::from_utf8_lossy(&self.body))
            .field("status", &self.status)
            .field("aws_request_id", &self.aws_request_id)
            .field("anthropic_request_id", &self.anthropic_request_id)
            .field("received_at", &self.received_at)
            .field("auth", &self.auth)
            .field("access_key_id", &self.access_key_id)
            .field("verdict", &self.verdict)
            .field("attempt", &self.attempt)
            .field("scenario", &self.scenario)
            .finish()
    }
}
