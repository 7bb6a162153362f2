//! The batches of one emulator: create, find, cancel, delete, list.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::SystemTime;

use serde_json::{Value, json};

use super::batch::{Batch, BatchOptions, Status};
use super::info::BatchInfo;
use super::results::ResultsBody;
use crate::error::ApiError;
use crate::pages::{IdCursor, IdPage};

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

    /// See [`Batch::cancel`].
    pub(crate) fn cancel(&self, id: &str, t: SystemTime) -> Result<Value, ApiError> {
        self.with(id, |batch| {
            let shown = batch.cancel(t);
            batch.to_json_as(t, &self.base_url, shown)
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
            batch.results(t).ok_or_else(|| {
                ApiError::invalid_request(format!(
                    "message batch '{id}' is {}: its results are available once it has ended",
                    batch.status(t).as_str()
                ))
            })
        })?
    }

    /// A page, newest first.
    pub(crate) fn list(&self, query: &IdPage<'_>, t: SystemTime) -> Result<Value, ApiError> {
        let inner = self.lock();
        let seq_of = |field: &str, id: &str| {
            inner.seqs.get(id).copied().ok_or_else(|| {
                ApiError::invalid_request(format!("{field}: unknown message batch id '{id}'"))
            })
        };
        let show = |b: &Batch| b.to_json(t, &self.base_url);
        let batches = &inner.batches;
        Ok(match query.cursor {
            IdCursor::Before(before) => {
                let from = seq_of("before_id", before)?.saturating_add(1);
                query.answer(batches.range(from..).map(|(_, b)| b), show)
            }
            IdCursor::After(after) => {
                let upto = seq_of("after_id", after)?;
                query.answer(batches.range(..upto).rev().map(|(_, b)| b), show)
            }
            IdCursor::First => query.answer(batches.values().rev(), show),
        })
    }

    pub(crate) fn infos(&self, t: SystemTime) -> Vec<BatchInfo> {
        self.lock().batches.values().map(|b| b.info(t)).collect()
    }
}
