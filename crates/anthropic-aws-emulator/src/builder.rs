//! [`Emulator`] and its builder: the settings, and starting the server.

use std::fmt;
use std::net::Ipv4Addr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;

use crate::batches::{BatchOptions, Store};
#[cfg(doc)]
use crate::faults::Fault;
use crate::files::{FileOptions, FileStore};
use crate::handle::EmulatorHandle;
use crate::ids::IdGen;
#[cfg(doc)]
use crate::recorded::{AuthOutcome, RecordedRequest};
use crate::recording::{self, Layer, Mode, Recorder, Replayer, Secrets, Upstream};
use crate::request_log::RequestLog;
use crate::sigv4::CredentialStore;
use crate::state::{Clock, Config, Limits, Shared};

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
    limits: Limits,
    batches: BatchOptions,
    files: FileOptions,
    layer: Option<Mode>,
}

/// The workspace of a builder not told otherwise.
const DEFAULT_WORKSPACE: &str = "wrkspc_emulator";

impl Default for EmulatorBuilder {
    fn default() -> Self {
        EmulatorBuilder {
            region: "us-west-2".to_owned(),
            workspace_id: DEFAULT_WORKSPACE.to_owned(),
            credentials: CredentialStore::new(),
            api_keys: Vec::new(),
            date_window: Duration::from_secs(300),
            clock: Clock::Real,
            fast: false,
            request_log: None,
            port: 0,
            limits: Limits::default(),
            batches: BatchOptions::default(),
            files: FileOptions::default(),
            layer: None,
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
            .field("limits", &self.limits)
            .field("batches", &self.batches)
            .field("files", &self.files)
            .field("layer", &self.layer)
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

    /// How many requests [`EmulatorHandle::requests`] keeps (default
    /// 1,000): the oldest is forgotten when a new one arrives. `0` keeps
    /// none ([`EmulatorHandle::request_count`] still counts every request,
    /// and the [request log](Self::request_log) still gets every line).
    pub fn max_recorded_requests(mut self, count: usize) -> Self {
        self.limits.max_recorded_requests = count;
        self
    }

    /// Keeps request bodies in [`EmulatorHandle::requests`] (default off:
    /// only their length, [`RecordedRequest::body_len`]). Even then, only
    /// the bodies of requests whose credentials were checked and accepted
    /// are kept ([`AuthOutcome::Accepted`]): not those rejected, answered
    /// before authentication, or over the size limit.
    pub fn record_bodies(mut self, record: bool) -> Self {
        self.limits.record_bodies = record;
        self
    }

    /// How long a request's body may take to arrive, counted from when its
    /// headers did (default 30 seconds, as for the headers themselves).
    /// A slower body is answered `408 RequestTimeoutException` and its
    /// connection closed.
    pub fn body_read_timeout(mut self, timeout: Duration) -> Self {
        self.limits.body_read_timeout = timeout;
        self
    }

    /// How many connections are served at once (default 1,024; at least
    /// 1). Further clients wait in the listen backlog until one closes;
    /// the header timeout (30 seconds) and the [body
    /// timeout](Self::body_read_timeout) make sure slow ones do.
    pub fn max_connections(mut self, count: usize) -> Self {
        self.limits.max_connections = count.max(1);
        self
    }

    /// How many bytes of request bodies are held in memory at once, across
    /// all connections (default 64 MiB, 67,108,864 bytes; at least 1). Each
    /// body read into memory (every route but `POST /v1/files`, which streams
    /// to disk) takes room for its `content-length` before it is read and
    /// gives it back once answered; bodies that find no room wait, holding
    /// none. N large bodies in parallel so cost at most this budget (a single
    /// body larger than the whole budget is read alone). A `content-length`
    /// over the route's limit is answered `413 request_too_large` before any
    /// of the body is read.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use anthropic_aws_emulator::Emulator;
    ///
    /// let emulator = Emulator::builder()
    ///     .api_key("sk-test")
    ///     .max_body_bytes_in_flight(16 * 1024 * 1024)
    ///     .start()
    ///     .await?;
    /// emulator.shutdown().await;
    /// # Ok(())
    /// # }
    /// ```
    pub fn max_body_bytes_in_flight(mut self, bytes: usize) -> Self {
        self.limits.max_body_bytes_in_flight = bytes.max(1);
        self
    }

    /// How long a message batch stays `in_progress` (default 0: a batch has
    /// ended by the time its create is answered). Its requests finish
    /// evenly over that time, in the order given, so `request_counts` moves
    /// while it processes. No background task: the status is computed from
    /// the emulator's clock on each read.
    ///
    /// ```
    /// use std::time::Duration;
    /// use anthropic_aws_emulator::Emulator;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let emulator = Emulator::builder()
    ///     .api_key("sk-test")
    ///     .batch_processing_delay(Duration::from_secs(3600))
    ///     .start()
    ///     .await?;
    /// assert!(emulator.batches().is_empty());
    /// emulator.shutdown().await;
    /// # Ok(())
    /// # }
    /// ```
    pub fn batch_processing_delay(mut self, delay: Duration) -> Self {
        self.batches.processing_delay = delay;
        self
    }

    /// How long a canceled message batch stays `canceling` before it ends
    /// (default 0: it has ended by the next read; the cancel itself answers
    /// `canceling`). It ends sooner if its processing would have.
    pub fn batch_cancel_delay(mut self, delay: Duration) -> Self {
        self.batches.cancel_delay = delay;
        self
    }

    /// Whether uploaded files are `downloadable` (default false, as on the
    /// real platform, where only files the platform created, e.g. by code
    /// execution, can be downloaded). The scenario `file-downloadable=true`
    /// (or `false`) on an upload decides for that file alone.
    ///
    /// ```
    /// use anthropic_aws_emulator::Emulator;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let emulator = Emulator::builder()
    ///     .api_key("sk-test")
    ///     .files_downloadable(true)
    ///     .start()
    ///     .await?;
    /// assert_eq!(emulator.file_upload_count(), 0);
    /// emulator.shutdown().await;
    /// # Ok(())
    /// # }
    /// ```
    pub fn files_downloadable(mut self, downloadable: bool) -> Self {
        self.files.downloadable = downloadable;
        self
    }

    /// The largest file `POST /v1/files` takes, in bytes (default
    /// [`FILES_MAX_BYTES`](crate::FILES_MAX_BYTES): 500 MB, 500,000,000
    /// bytes, the Files API limit). The body may be larger by
    /// the multipart overhead (64 KiB); a larger body, or a larger file, is
    /// answered `413 request_too_large`.
    pub fn max_file_bytes(mut self, bytes: u64) -> Self {
        self.files.max_file_bytes = bytes;
        self
    }

    /// Where the emulator makes its files directory (default: the system's
    /// temporary directory). The directory it makes there holds the
    /// uploads' content and is removed when the emulator is dropped.
    pub fn files_dir(mut self, parent: impl Into<PathBuf>) -> Self {
        self.files.parent_dir = Some(parent.into());
        self
    }

    /// Records a session (replaces an earlier [`replay`](Self::replay)):
    /// every request the emulator accepts (its credentials, workspace and
    /// version checked as always) is forwarded to `upstream`, signed afresh
    /// with the upstream's own credentials, and answered with what the
    /// upstream answers, as it comes (event streams chunk by chunk, both
    /// request IDs untouched). Each exchange is written to `dir` (created if
    /// missing; an existing recording is added to) once its answer has passed
    /// in full: `dir/exchanges/NNNNNN-METHOD-path.json`, a readable JSON file
    /// per exchange (request: method, path, query, canonical JSON body;
    /// answer: status, headers, body, an event stream as its events), with
    /// bodies over 1 MiB (downloads, batch results) and uploads streamed to
    /// `dir/bodies/`. No API key, secret key, session token, signature or
    /// credential header of either side is ever written. Routes, faults and
    /// scenarios of the emulator itself do not apply, and requests are
    /// counted ([`EmulatorHandle::request_count`]) but neither kept
    /// ([`EmulatorHandle::requests`]) nor [logged](Self::request_log): the
    /// recording is their record. The same holds for [`replay`](Self::replay).
    ///
    /// ```no_run
    /// use anthropic_aws_emulator::{Emulator, Upstream};
    ///
    /// # async fn demo() -> std::io::Result<()> {
    /// let upstream = Upstream::new("https://aws-external-anthropic.us-west-2.api.aws")
    ///     .api_key(std::env::var("ANTHROPIC_AWS_API_KEY").unwrap_or_default());
    /// let recorder = Emulator::builder()
    ///     .workspace_id("wrkspc_01AbCdEf")
    ///     .api_key("sk-local")
    ///     .record("tests/recordings/hello", upstream)
    ///     .start()
    ///     .await?;
    /// // ... point the app at recorder.base_url() with the key "sk-local" ...
    /// recorder.shutdown().await;
    /// # Ok(())
    /// # }
    /// ```
    pub fn record(mut self, dir: impl Into<PathBuf>, upstream: Upstream) -> Self {
        self.layer = Some(Mode::Record {
            dir: dir.into(),
            upstream,
        });
        self
    }

    /// Answers from the recording at `dir` (made by [`record`](Self::record);
    /// replaces an earlier `record`), with nothing sent anywhere. A request
    /// matches a recorded one by method, path, query and body (JSON key
    /// order ignored); the same request made again gets the next recorded
    /// answer, in the order recorded (a `529` then the `200` of the retry),
    /// and the last one once all are used; a stream is replayed as a stream;
    /// a request nothing matches is a `404 not_found_error` naming its method
    /// and path and the nearest recorded request. Callers are verified only
    /// when the builder was given credentials or API keys, and then for the
    /// recording's workspace unless [`workspace_id`](Self::workspace_id)
    /// names another.
    ///
    /// ```no_run
    /// use anthropic_aws_emulator::Emulator;
    ///
    /// # async fn demo() -> std::io::Result<()> {
    /// let replay = Emulator::builder()
    ///     .replay("tests/recordings/hello")
    ///     .start()
    ///     .await?;
    /// // ... point the app at replay.base_url() ...
    /// replay.shutdown().await;
    /// # Ok(())
    /// # }
    /// ```
    pub fn replay(mut self, dir: impl Into<PathBuf>) -> Self {
        self.layer = Some(Mode::Replay { dir: dir.into() });
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
    /// When the socket cannot be bound, the request log cannot be opened,
    /// the files directory cannot be made, the upstream's URL is not
    /// `http(s)://host`, or the folder to record into or replay from cannot
    /// be used (not a recording, or one of another format version).
    pub async fn start(mut self) -> std::io::Result<EmulatorHandle> {
        let log = match &self.request_log {
            Some(path) => Some(RequestLog::open(path)?),
            None => None,
        };
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, self.port)).await?;
        let addr = listener.local_addr()?;
        let own_origin = format!("http://{addr}");
        if let Some(Mode::Replay { dir }) = &self.layer
            && self.workspace_id == DEFAULT_WORKSPACE
            && let Some(recorded) = recording::recorded_workspace(dir)
        {
            self.workspace_id = recorded;
        }
        let layer = match &self.layer {
            None => None,
            Some(Mode::Record { dir, upstream }) => {
                let mut secrets = Secrets::default();
                for secret in self
                    .api_keys
                    .iter()
                    .map(String::as_str)
                    .chain(self.credentials.secrets())
                {
                    secrets.add(secret);
                }
                Some(Layer::Record(Recorder::open(
                    dir,
                    upstream,
                    own_origin.clone(),
                    &self.workspace_id,
                    secrets,
                )?))
            }
            Some(Mode::Replay { dir }) => {
                let verify = !self.credentials.is_empty() || !self.api_keys.is_empty();
                Some(Layer::Replay(Replayer::load(dir, &own_origin, verify)?))
            }
        };
        let config = Config {
            region: self.region,
            workspace_id: self.workspace_id,
            credentials: self.credentials,
            api_keys: self.api_keys,
            date_window: self.date_window,
            clock: self.clock,
            fast: self.fast,
            limits: self.limits,
        };
        let batches = Store::new(self.batches, format!("http://{addr}"));
        let files = FileStore::new(self.files, IdGen::new().key())?;
        let mut shared = Shared::new(config, log, batches, files);
        shared.layer = layer;
        let shared = Arc::new(shared);
        Ok(EmulatorHandle::spawn(listener, addr, shared))
    }
}
