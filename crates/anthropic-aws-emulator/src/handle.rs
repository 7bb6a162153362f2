//! [`EmulatorHandle`]: a running emulator, its counters, its recorded
//! requests, its fault queue, its message batches and its files.

use std::fmt;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::SystemTime;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::batches::BatchInfo;
use crate::faults::Fault;
use crate::files::{DEFAULT_MIME_TYPE, FileInfo, NewFile, new_file_id};
use crate::recorded::RecordedRequest;
use crate::request_log::RequestLog;
use crate::server;
use crate::state::Shared;

struct HandleInner {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown_tx: watch::Sender<bool>,
    stopped_rx: watch::Receiver<bool>,
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
    /// Starts serving `listener` (bound to `addr`) on the current Tokio
    /// runtime.
    pub(crate) fn spawn(listener: TcpListener, addr: SocketAddr, shared: Arc<Shared>) -> Self {
        let (shutdown_tx, shutdown_rx) = watch::channel(false);
        let (stopped_tx, stopped_rx) = watch::channel(false);
        let serving = server::serve(listener, Arc::clone(&shared), shutdown_rx);
        let task = tokio::spawn(async move {
            // `serve` drops its share of the state before this fires; a task that panics or
            // is aborted drops `stopped_tx`, which a `StopSignal` also takes as stopped.
            serving.await;
            stopped_tx.send_replace(true);
        });
        EmulatorHandle {
            inner: Arc::new(HandleInner {
                addr,
                shared,
                shutdown_tx,
                stopped_rx,
                task: Mutex::new(Some(task)),
            }),
        }
    }

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
    /// [`EmulatorBuilder::clock_ahead`](crate::EmulatorBuilder::clock_ahead) / [`clock_behind`](crate::EmulatorBuilder::clock_behind)
    /// say.
    pub fn now(&self) -> SystemTime {
        self.inner.shared.config.clock.now()
    }

    /// Whether the emulator runs in [fast mode](crate::EmulatorBuilder::fast).
    pub fn is_fast(&self) -> bool {
        self.inner.shared.config.fast
    }

    /// How many recorded exchanges a [replaying](crate::EmulatorBuilder::replay)
    /// emulator answers from; `None` when it is not replaying.
    pub fn replayed_exchanges(&self) -> Option<usize> {
        match &self.inner.shared.layer {
            Some(crate::recording::Layer::Replay(replayer)) => Some(replayer.len()),
            _ => None,
        }
    }

    /// The [request log](crate::EmulatorBuilder::request_log)'s path, if any.
    pub fn request_log_path(&self) -> Option<&Path> {
        self.inner.shared.log.as_ref().map(RequestLog::path)
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
    /// mode](crate::EmulatorBuilder::fast).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.inner.shared.state().requests.iter().cloned().collect()
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

    /// How many `POST /v1/messages/batches` passed authentication, whether
    /// or not they were valid: a runner that never resubmits leaves this at
    /// the number of batches it needed.
    pub fn batch_create_count(&self) -> usize {
        self.inner.shared.batches.create_count()
    }

    /// Every message batch not deleted, oldest first, as it stands now.
    pub fn batches(&self) -> Vec<BatchInfo> {
        self.inner.shared.batches.infos(self.now())
    }

    /// How many `POST /v1/files` reached their handler (they passed
    /// authentication, the workspace and version checks and the scenario's
    /// faults), whether or not their body was a valid upload. A retried
    /// upload is just another upload: it counts again.
    pub fn file_upload_count(&self) -> usize {
        self.inner.shared.files.upload_count()
    }

    /// How many skills, and versions of them all, are kept.
    pub fn skill_counts(&self) -> (usize, usize) {
        self.inner.shared.skills.counts()
    }

    /// Every file not deleted, oldest first.
    pub fn files(&self) -> Vec<FileInfo> {
        self.inner.shared.files.infos()
    }

    /// Adds a downloadable file of `size_bytes` named `filename`
    /// (`application/octet-stream`) whose content is generated while it is
    /// sent, never stored: byte `i` is [`synthetic_byte(i)`](crate::synthetic_byte).
    /// Answers its id. For benchmarks: download gigabytes without disk.
    ///
    /// ```
    /// use anthropic_aws_emulator::Emulator;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let emulator = Emulator::builder().api_key("sk-test").start().await?;
    /// let id = emulator.add_synthetic_file("big.bin", 500 * 1024 * 1024);
    /// assert!(id.starts_with("file_"));
    /// let files = emulator.files();
    /// assert_eq!((files[0].size_bytes, files[0].synthetic), (524_288_000, true));
    /// emulator.shutdown().await;
    /// # Ok(())
    /// # }
    /// ```
    pub fn add_synthetic_file(&self, filename: impl Into<String>, size_bytes: u64) -> String {
        let shared = &self.inner.shared;
        let id = new_file_id(&shared.ids);
        let new = NewFile {
            id: id.clone(),
            created_at: shared.config.clock.now(),
            downloadable: true,
        };
        shared.files.insert_synthetic(
            new,
            filename.into(),
            DEFAULT_MIME_TYPE.to_owned(),
            size_bytes,
        );
        id
    }

    /// A signal that fires once the server has stopped, for whoever wants to know without
    /// keeping the server alive: it holds no handle, so the server still stops when the last
    /// clone is dropped.
    ///
    /// ```
    /// use anthropic_aws_emulator::Emulator;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let emulator = Emulator::builder().api_key("sk-test").start().await?;
    /// let addr = emulator.addr();
    /// let signal = emulator.stop_signal();
    /// assert!(!signal.is_stopped());
    /// drop(emulator); // the last handle: the server stops in the background
    /// signal.stopped().await;
    /// assert!(tokio::net::TcpStream::connect(addr).await.is_err());
    /// # Ok(())
    /// # }
    /// ```
    pub fn stop_signal(&self) -> StopSignal {
        StopSignal {
            stopped: self.inner.stopped_rx.clone(),
        }
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

/// Fires once an emulator's server has stopped: it no longer listens, its connections are
/// closed, and, if no [`EmulatorHandle`] is left, its state (uploaded files and their
/// directory included) is gone. From [`EmulatorHandle::stop_signal`]; clones watch the same
/// server.
#[derive(Clone, Debug)]
pub struct StopSignal {
    stopped: watch::Receiver<bool>,
}

impl StopSignal {
    /// Whether the server has stopped.
    pub fn is_stopped(&self) -> bool {
        *self.stopped.borrow() || self.stopped.has_changed().is_err()
    }

    /// Waits until the server has stopped (at once if it has).
    pub async fn stopped(&self) {
        let mut stopped = self.stopped.clone();
        // An error means the serving task is gone without saying so (aborted or panicked):
        // stopped all the same.
        let _ = stopped.wait_for(|stopped| *stopped).await;
    }
}
