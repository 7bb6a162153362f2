//! [`BatchRunner`]: any number of requests through Message Batches, resumably. It splits,
//! submits and polls; `output.rs` appends each ended batch's results to the output file.

use std::fmt;
use std::io::SeekFrom;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use tokio::fs::File;
use tokio::io::{AsyncSeekExt, BufReader};

use super::input::{JsonlRequests, Requests, serialized_len};
use super::outcome::{RunProgress, RunReport, RunnerError};
use super::output::{open_output, write_results};
use super::state::{BatchEntry, State, state_path_for};
use super::{BATCH_MAX_REQUEST_BYTES, BATCH_MAX_REQUESTS, Batches};
use crate::request_options::RequestOptions;
use crate::transport::Transport;
use crate::types::{BatchCreateParams, BatchRequest};

/// `{"requests":[` and `]}` around the requests of a batch body.
const ENVELOPE_BYTES: usize = 16;

type ProgressFn = Arc<dyn Fn(&RunProgress) + Send + Sync>;

/// Runs any number of requests through Message Batches: splits them into batches within the
/// limits (100,000 requests, 256 MB), submits them, polls them with backoff, and appends each
/// ended batch's results to a JSON Lines output file (one [`BatchResult`](crate::types::BatchResult)
/// a line, in the order the platform lists them).
///
/// **Resumable**: its state (in [`state_path_for`]`(output)`, format below) is saved atomically beside the output before the runner moves on: after each
/// batch is submitted and after each batch's results are written. Running it again with the
/// same input and output after a crash or Ctrl-C continues the same batches, submits the
/// requests not yet submitted, and never submits one twice. (The one window: a crash in the
/// instant between the platform accepting a batch and the state file being renamed would
/// submit that batch again.) Files are read and written through `tokio::fs` and the state is
/// saved on the blocking pool, so the run never blocks the runtime that drives it (a
/// current-thread one included).
///
/// ```no_run
/// # async fn run(client: anthropic_aws::Client) -> Result<(), anthropic_aws::resources::RunnerError> {
/// let report = client
///     .messages()
///     .batches()
///     .runner()
///     .on_progress(|p| eprintln!("{} batches, {} ended", p.batches_submitted, p.batches_ended))
///     .run_jsonl("requests.jsonl", "results.jsonl")
///     .await?;
/// println!("{} succeeded, {} errored", report.progress.counts.succeeded, report.progress.counts.errored);
/// # Ok(()) }
/// ```
///
/// State file format, version 1 (`<output>.batch-state.json`):
/// `{"version":1,"input":…,"next_request":N,"input_offset":B,"output_bytes":O,"batches":[{"id","first_request","end_request","ended","results_written","request_counts"}]}`:
/// requests `0..N` are submitted (the input file continues at byte `B`); the output is valid
/// up to byte `O` (a resumed run cuts it back there and rewrites a half-written batch).
#[derive(Clone)]
pub struct BatchRunner {
    transport: Arc<Transport>,
    options: RequestOptions,
    max_requests: usize,
    max_bytes: usize,
    poll_initial: Duration,
    poll_max: Duration,
    on_progress: Option<ProgressFn>,
}

impl Batches<'_> {
    /// A [`BatchRunner`] that sends through this client.
    pub fn runner(&self) -> BatchRunner {
        BatchRunner {
            transport: Arc::clone(self.transport),
            options: self.options.clone(),
            max_requests: BATCH_MAX_REQUESTS,
            max_bytes: BATCH_MAX_REQUEST_BYTES,
            poll_initial: Duration::from_secs(5),
            poll_max: Duration::from_secs(60),
            on_progress: None,
        }
    }
}

impl BatchRunner {
    /// At most this many requests per batch (capped at 100,000).
    #[must_use]
    pub fn max_requests_per_batch(mut self, max: usize) -> Self {
        self.max_requests = max.clamp(1, BATCH_MAX_REQUESTS);
        self
    }

    /// At most this many bytes of JSON per batch body (capped at 256 MB).
    #[must_use]
    pub fn max_bytes_per_batch(mut self, max: usize) -> Self {
        self.max_bytes = max.clamp(ENVELOPE_BYTES + 1, BATCH_MAX_REQUEST_BYTES);
        self
    }

    /// Polls unfinished batches first after `initial`, then doubling up to `max` while
    /// nothing changes (default 5 s up to 60 s).
    #[must_use]
    pub fn poll_interval(mut self, initial: Duration, max: Duration) -> Self {
        self.poll_initial = initial;
        self.poll_max = max.max(initial);
        self
    }

    /// Called after every change: a batch submitted, polled, ended or written.
    #[must_use]
    pub fn on_progress(mut self, f: impl Fn(&RunProgress) + Send + Sync + 'static) -> Self {
        self.on_progress = Some(Arc::new(f));
        self
    }

    /// Runs the requests of a JSON Lines file (one [`BatchRequest`] a line, blank lines
    /// skipped) into `output`; see the [type docs](Self) for resuming.
    pub async fn run_jsonl(
        &self,
        input: impl AsRef<Path>,
        output: impl AsRef<Path>,
    ) -> Result<RunReport, RunnerError> {
        let input = input.as_ref();
        let output = output.as_ref();
        let (state_path, mut state) = self.open_state(output, Some(input)).await?;
        let mut file = File::open(input)
            .await
            .map_err(|e| RunnerError::io(input, e))?;
        file.seek(SeekFrom::Start(state.input_offset))
            .await
            .map_err(|e| RunnerError::io(input, e))?;
        let lines = JsonlRequests::new(
            BufReader::with_capacity(1 << 20, file),
            input,
            state.input_offset,
            state.next_request,
        );
        let requests = Requests::<std::iter::Empty<BatchRequest>>::File(lines);
        self.drive(requests, output, &state_path, &mut state).await
    }

    /// Runs `requests` into `output`. A resumed run must be given the same requests in the
    /// same order: the first ones, already submitted, are skipped.
    pub async fn run(
        &self,
        requests: impl IntoIterator<Item = BatchRequest>,
        output: impl AsRef<Path>,
    ) -> Result<RunReport, RunnerError> {
        let output = output.as_ref();
        let (state_path, mut state) = self.open_state(output, None).await?;
        let skip = usize::try_from(state.next_request).unwrap_or(usize::MAX);
        let items = Requests::Items(requests.into_iter().skip(skip));
        self.drive(items, output, &state_path, &mut state).await
    }

    /// Loads the state for `output`, or starts one (refusing to append to a results file that
    /// has no state).
    async fn open_state(
        &self,
        output: &Path,
        input: Option<&Path>,
    ) -> Result<(PathBuf, State), RunnerError> {
        let state_path = state_path_for(output);
        let input_name = input.map(|p| p.display().to_string());
        if let Some(state) = State::load(&state_path).await? {
            if let (Some(saved), Some(now)) = (&state.input, &input_name)
                && saved != now
            {
                return Err(RunnerError::State {
                    path: state_path,
                    message: format!(
                        "it belongs to a run over {saved:?}, not {now:?}; use the same input, or another output"
                    ),
                });
            }
            return Ok((state_path, state));
        }
        let existing = tokio::fs::metadata(output)
            .await
            .map(|m| m.len())
            .unwrap_or(0);
        if existing > 0 {
            return Err(RunnerError::State {
                path: state_path,
                message: format!(
                    "not found, but {} already has {existing} bytes; remove it or choose another output",
                    output.display()
                ),
            });
        }
        Ok((state_path, State::new(input_name)))
    }

    async fn drive(
        &self,
        items: Requests<impl Iterator<Item = BatchRequest>>,
        output: &Path,
        state_path: &Path,
        state: &mut State,
    ) -> Result<RunReport, RunnerError> {
        let mut out = open_output(output, state.output_bytes).await?;
        let batches = Batches::new(&self.transport, self.options.clone());
        self.submit_all(&batches, items, state_path, state).await?;
        self.poll_all(&batches, &mut out, output, state_path, state)
            .await?;
        Ok(RunReport {
            progress: self.progress(state, true),
            batch_ids: state.batches.iter().map(|b| b.id.clone()).collect(),
            output: output.to_owned(),
            state_file: state_path.to_owned(),
        })
    }

    async fn submit_all(
        &self,
        batches: &Batches<'_>,
        mut items: Requests<impl Iterator<Item = BatchRequest>>,
        state_path: &Path,
        state: &mut State,
    ) -> Result<(), RunnerError> {
        let mut chunk: Vec<BatchRequest> = Vec::new();
        let mut chunk_bytes = ENVELOPE_BYTES;
        let mut chunk_end_offset = state.input_offset;
        while let Some(item) = items.next().await {
            let (request, end_offset) = item?;
            let size = serialized_len(&request) + 1;
            let index = state.next_request + chunk.len() as u64;
            if ENVELOPE_BYTES + size > self.max_bytes {
                return Err(RunnerError::Input {
                    request: index,
                    line: 0,
                    message: format!(
                        "this request alone is {size} bytes of JSON, over the {} bytes a batch may hold",
                        self.max_bytes
                    ),
                });
            }
            if chunk.len() == self.max_requests || chunk_bytes + size > self.max_bytes {
                self.submit(batches, &mut chunk, chunk_end_offset, state_path, state)
                    .await?;
                chunk_bytes = ENVELOPE_BYTES;
            }
            chunk.push(request);
            chunk_bytes += size;
            chunk_end_offset = end_offset;
        }
        if !chunk.is_empty() {
            self.submit(batches, &mut chunk, chunk_end_offset, state_path, state)
                .await?;
        }
        self.report(state, true);
        Ok(())
    }

    async fn submit(
        &self,
        batches: &Batches<'_>,
        chunk: &mut Vec<BatchRequest>,
        end_offset: u64,
        state_path: &Path,
        state: &mut State,
    ) -> Result<(), RunnerError> {
        let params = BatchCreateParams::new(std::mem::take(chunk));
        let count = params.requests.len() as u64;
        let batch = batches.create(&params).await?;
        tracing::debug!(batch_id = %batch.id, requests = count, "batch submitted");
        state.batches.push(BatchEntry {
            id: batch.id.clone(),
            first_request: state.next_request,
            end_request: state.next_request + count,
            ended: batch.is_ended(),
            results_written: false,
            request_counts: batch.request_counts.clone(),
        });
        state.next_request += count;
        state.input_offset = end_offset;
        state.save(state_path).await?;
        self.report(state, false);
        Ok(())
    }

    async fn poll_all(
        &self,
        batches: &Batches<'_>,
        out: &mut File,
        output: &Path,
        state_path: &Path,
        state: &mut State,
    ) -> Result<(), RunnerError> {
        let mut delay = self.poll_initial;
        loop {
            let mut changed = false;
            for i in 0..state.batches.len() {
                if state.batches[i].ended {
                    continue;
                }
                let batch = batches.retrieve(&state.batches[i].id).await?;
                let entry = &mut state.batches[i];
                changed |= entry.request_counts != batch.request_counts || batch.is_ended();
                entry.request_counts = batch.request_counts.clone();
                entry.ended = batch.is_ended();
            }
            for i in 0..state.batches.len() {
                let entry = &state.batches[i];
                if entry.ended && !entry.results_written {
                    let id = entry.id.clone();
                    state.output_bytes = write_results(batches, &id, out, output).await?;
                    state.batches[i].results_written = true;
                    state.save(state_path).await?;
                    changed = true;
                    self.report(state, true);
                }
            }
            if state.batches.iter().all(|b| b.results_written) {
                return Ok(());
            }
            if changed {
                self.report(state, true);
                delay = self.poll_initial;
            }
            tokio::time::sleep(delay).await;
            if !changed {
                delay = (delay * 2).min(self.poll_max);
            }
        }
    }

    fn progress(&self, state: &State, input_done: bool) -> RunProgress {
        RunProgress {
            batches_submitted: state.batches.len(),
            batches_ended: state.batches.iter().filter(|b| b.ended).count(),
            batches_written: state.batches.iter().filter(|b| b.results_written).count(),
            requests_submitted: state.next_request,
            input_done,
            counts: state.counts(),
        }
    }

    fn report(&self, state: &State, input_done: bool) {
        if let Some(f) = &self.on_progress {
            f(&self.progress(state, input_done));
        }
    }
}

impl fmt::Debug for BatchRunner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BatchRunner")
            .field("max_requests", &self.max_requests)
            .field("max_bytes", &self.max_bytes)
            .field("poll_initial", &self.poll_initial)
            .field("poll_max", &self.poll_max)
            .finish_non_exhaustive()
    }
}
