//! The batches, and when each request of a batch finishes.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use serde_json::{Value, json};

use super::results::{ResultsBody, Synthetic};
use super::{BatchInfo, BatchOptions, EXPIRY, PATH, RequestCounts};
use crate::responses::ApiError;
use crate::time::format_rfc3339;

/// The result of one request, decided when the batch is created.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// The Message, as JSON text.
    Succeeded(Box<str>),
    /// The error object (`{"type":"error","error":{..}}`), as JSON text.
    Errored(Box<str>),
    /// The request never finishes: `expired` once the batch ends.
    Expired,
}

/// One request of a stored batch.
#[derive(Debug)]
pub(crate) struct Entry {
    pub(crate) custom_id: Box<str>,
    pub(crate) outcome: Outcome,
}

/// What a batch's results are made of.
pub(crate) enum Requests {
    /// One entry per request.
    Stored(Arc<[Entry]>),
    /// Generated when sent (`batch-results-bytes`).
    Synthetic(Synthetic),
}

/// `processing_status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    InProgress,
    Canceling,
    Ended(SystemTime),
}

impl Status {
    fn as_str(self) -> &'static str {
        match self {
            Status::InProgress => "in_progress",
            Status::Canceling => "canceling",
            Status::Ended(_) => "ended",
        }
    }
}

/// A batch. Request `i` of `n` finishes at
/// `created_at + processing × (i + 1) / n`, unless it expires; a cancel
/// stops every request not finished by then.
pub(crate) struct Batch {
    pub(crate) id: String,
    created_at: SystemTime,
    options: BatchOptions,
    canceled_at: Option<SystemTime>,
    requests: Requests,
}

impl Batch {
    pub(crate) fn new(
        id: String,
        created_at: SystemTime,
        options: BatchOptions,
        requests: Requests,
    ) -> Self {
        Batch {
            id,
            created_at,
            options,
            canceled_at: None,
            requests,
        }
    }

    fn len(&self) -> u64 {
        match &self.requests {
            Requests::Stored(entries) => entries.len() as u64,
            Requests::Synthetic(synthetic) => synthetic.lines(),
        }
    }

    fn ends_at(&self) -> SystemTime {
        self.created_at
            .checked_add(self.options.processing_delay)
            .unwrap_or(self.created_at)
    }

    /// How many leading requests have finished (or would have, for those
    /// that expire) at `t`.
    fn done(&self, t: SystemTime) -> u64 {
        let n = self.len();
        let elapsed = t.duration_since(self.created_at).unwrap_or(Duration::ZERO);
        let total = self.options.processing_delay;
        if elapsed >= total {
            return n;
        }
        let done = u128::from(n) * elapsed.as_nanos() / total.as_nanos();
        u64::try_from(done).unwrap_or(n).min(n)
    }

    /// The status at `t`.
    pub(crate) fn status(&self, t: SystemTime) -> Status {
        let end = match self.canceled_at {
            Some(at) => at
                .checked_add(self.options.cancel_delay)
                .unwrap_or(at)
                .min(self.ends_at()),
            None => self.ends_at(),
        };
        match (t >= end, self.canceled_at) {
            (true, _) => Status::Ended(end),
            (false, Some(_)) => Status::Canceling,
            (false, None) => Status::InProgress,
        }
    }

    /// How many leading requests are past the point where nothing more
    /// finishes: at `t`, or at the cancel if there was one before.
    fn cutoff(&self, t: SystemTime) -> u64 {
        self.done(self.canceled_at.map_or(t, |at| at.min(t)))
    }

    /// The counts at `t`.
    pub(crate) fn counts(&self, t: SystemTime) -> RequestCounts {
        let ended = matches!(self.status(t), Status::Ended(_));
        let cutoff = self.cutoff(t);
        let n = self.len();
        let mut counts = RequestCounts::default();
        match &self.requests {
            Requests::Stored(entries) => {
                let finished = entries
                    .iter()
                    .take(usize::try_from(cutoff).unwrap_or(usize::MAX));
                for entry in finished {
                    match entry.outcome {
                        Outcome::Succeeded(_) => counts.succeeded += 1,
                        Outcome::Errored(_) => counts.errored += 1,
                        Outcome::Expired => counts.expired += 1,
                    }
                }
            }
            Requests::Synthetic(_) => counts.succeeded = cutoff,
        }
        // Expiring requests are still processing until the batch ends, and
        // a cancel stops them like every other unfinished request.
        let unfinished = n - cutoff + counts.expired;
        if !ended {
            counts.processing = unfinished;
            counts.expired = 0;
        } else if self.canceled_at.is_some() {
            counts.canceled = unfinished;
            counts.expired = 0;
        } else {
            counts.expired = unfinished;
        }
        counts
    }

    /// The `message_batch` object at `t`.
    pub(crate) fn to_json(&self, t: SystemTime, base_url: &str) -> Value {
        self.to_json_as(t, base_url, self.status(t))
    }

    /// The `message_batch` object at `t`, showing `status`.
    pub(crate) fn to_json_as(&self, t: SystemTime, base_url: &str, status: Status) -> Value {
        let counts = self.counts(t);
        let ended_at = match status {
            Status::Ended(at) => Some(at),
            _ => None,
        };
        json!({
            "id": self.id,
            "type": "message_batch",
            "processing_status": status.as_str(),
            "request_counts": {
                "processing": counts.processing,
                "succeeded": counts.succeeded,
                "errored": counts.errored,
                "canceled": counts.canceled,
                "expired": counts.expired,
            },
            "created_at": format_rfc3339(self.created_at),
            "expires_at": format_rfc3339(self.created_at.checked_add(EXPIRY).unwrap_or(self.created_at)),
            "ended_at": ended_at.map(format_rfc3339),
            "cancel_initiated_at": self.canceled_at.map(format_rfc3339),
            "archived_at": null,
            "results_url": ended_at.map(|_| format!("{base_url}{PATH}/{}/results", self.id)),
        })
    }

    fn info(&self, t: SystemTime) -> BatchInfo {
        let status = self.status(t);
        BatchInfo {
            id: self.id.clone(),
            processing_status: status.as_str().to_owned(),
            request_counts: self.counts(t),
            created_at: self.created_at,
            ended_at: match status {
                Status::Ended(at) => Some(at),
                _ => None,
            },
            cancel_initiated_at: self.canceled_at,
            custom_ids: match &self.requests {
                Requests::Stored(entries) => {
                    entries.iter().map(|e| e.custom_id.to_string()).collect()
                }
                Requests::Synthetic(_) => Vec::new(),
            },
            synthetic_results_bytes: match &self.requests {
                Requests::Stored(_) => None,
                Requests::Synthetic(synthetic) => Some(synthetic.bytes()),
            },
        }
    }
}

/// Every batch, by creation order; deleted ones keep their place so that
/// their ids still work as list cursors.
#[derive(Default)]
struct Inner {
    next_seq: u64,
    batches: BTreeMap<u64, Batch>,
    seqs: HashMap<String, u64>,
}

/// The batches of one emulator.
pub(crate) struct Store {
    pub(crate) options: BatchOptions,
    /// `http://127.0.0.1:PORT`, for `results_url`.
    base_url: String,
    creates: AtomicUsize,
    inner: Mutex<Inner>,
}

/// One page of `GET /v1/messages/batches`.
pub(crate) struct PageQuery<'a> {
    pub(crate) limit: usize,
    pub(crate) before_id: Option<&'a str>,
    pub(crate) after_id: Option<&'a str>,
}

fn not_found(id: &str) -> ApiError {
    ApiError::not_found(format!("message batch '{id}' was not found"))
}

impl Store {
    pub(crate) fn new(options: BatchOptions, base_url: String) -> Self {
        Store {
            options,
            base_url,
            creates: AtomicUsize::new(0),
            inner: Mutex::new(Inner::default()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn count_create(&self) {
        self.creates.fetch_add(1, Ordering::SeqCst);
    }

    pub(crate) fn create_count(&self) -> usize {
        self.creates.load(Ordering::SeqCst)
    }

    /// Stores `batch`; answers it as at `t`.
    pub(crate) fn insert(&self, batch: Batch, t: SystemTime) -> Value {
        let body = batch.to_json(t, &self.base_url);
        let mut inner = self.lock();
        let seq = inner.next_seq;
        inner.next_seq += 1;
        inner.seqs.insert(batch.id.clone(), seq);
        inner.batches.insert(seq, batch);
        body
    }

    fn with<R>(&self, id: &str, f: impl FnOnce(&mut Batch) -> R) -> Result<R, ApiError> {
        let mut inner = self.lock();
        let Inner { batches, seqs, .. } = &mut *inner;
        seqs.get(id)
            .and_then(|seq| batches.get_mut(seq))
            .map(f)
            .ok_or_else(|| not_found(id))
    }

    pub(crate) fn get(&self, id: &str, t: SystemTime) -> Result<Value, ApiError> {
        self.with(id, |batch| batch.to_json(t, &self.base_url))
    }

    /// In progress: now `canceling` (whatever the cancel delay, the answer
    /// shows `canceling`). Canceling or ended: unchanged.
    pub(crate) fn cancel(&self, id: &str, t: SystemTime) -> Result<Value, ApiError> {
        self.with(id, |batch| {
            if batch.status(t) == Status::InProgress {
                batch.canceled_at = Some(t);
                return batch.to_json_as(t, &self.base_url, Status::Canceling);
            }
            batch.to_json(t, &self.base_url)
        })
    }

    /// Deletes an ended batch.
    pub(crate) fn delete(&self, id: &str, t: SystemTime) -> Result<Value, ApiError> {
        let mut inner = self.lock();
        let seq = *inner.seqs.get(id).ok_or_else(|| not_found(id))?;
        let batch = inner.batches.get(&seq).ok_or_else(|| not_found(id))?;
        if !matches!(batch.status(t), Status::Ended(_)) {
            return Err(ApiError::invalid_request(format!(
                "message batch '{id}' is {}: it can be deleted once it has ended (cancel it first)",
                batch.status(t).as_str()
            )));
        }
        inner.batches.remove(&seq);
        Ok(json!({ "id": id, "type": "message_batch_deleted" }))
    }

    /// The results of an ended batch.
    pub(crate) fn results(&self, id: &str, t: SystemTime) -> Result<ResultsBody, ApiError> {
        self.with(id, |batch| {
            if !matches!(batch.status(t), Status::Ended(_)) {
                return Err(ApiError::invalid_request(format!(
                    "message batch '{id}' is {}: its results are available once it has ended",
                    batch.status(t).as_str()
                )));
            }
            let finished = batch.cutoff(t);
            let canceled = batch.canceled_at.is_some();
            Ok(match &batch.requests {
                Requests::Stored(entries) => {
                    ResultsBody::stored(Arc::clone(entries), finished, canceled)
                }
                Requests::Synthetic(synthetic) => {
                    ResultsBody::synthetic(synthetic.clone(), finished)
                }
            })
        })?
    }

    /// A page, newest first.
    pub(crate) fn list(&self, query: &PageQuery<'_>, t: SystemTime) -> Result<Value, ApiError> {
        let inner = self.lock();
        let seq_of = |field: &str, id: &str| {
            inner.seqs.get(id).copied().ok_or_else(|| {
                ApiError::invalid_request(format!("{field}: unknown message batch id '{id}'"))
            })
        };
        let limit = query.limit;
        let (page, has_more): (Vec<&Batch>, bool) = match (query.after_id, query.before_id) {
            (Some(_), Some(_)) => {
                return Err(ApiError::invalid_request(
                    "after_id and before_id cannot be used together",
                ));
            }
            (None, Some(before)) => {
                let from = seq_of("before_id", before)?.saturating_add(1);
                let mut newer: Vec<&Batch> = inner
                    .batches
                    .range(from..)
                    .map(|(_, b)| b)
                    .take(limit + 1)
                    .collect();
                let has_more = newer.len() > limit;
                newer.truncate(limit);
                newer.reverse();
                (newer, has_more)
            }
            (after, None) => {
                let upto = match after {
                    Some(after) => seq_of("after_id", after)?,
                    None => u64::MAX,
                };
                let mut older: Vec<&Batch> = inner
                    .batches
                    .range(..upto)
                    .rev()
                    .map(|(_, b)| b)
                    .take(limit + 1)
                    .collect();
                let has_more = older.len() > limit;
                older.truncate(limit);
                (older, has_more)
            }
        };
        Ok(json!({
            "data": page.iter().map(|b| b.to_json(t, &self.base_url)).collect::<Vec<_>>(),
            "has_more": has_more,
            "first_id": page.first().map(|b| b.id.as_str()),
            "last_id": page.last().map(|b| b.id.as_str()),
        }))
    }

    pub(crate) fn infos(&self, t: SystemTime) -> Vec<BatchInfo> {
        self.lock().batches.values().map(|b| b.info(t)).collect()
    }
}
