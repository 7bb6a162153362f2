//! One batch and its lifecycle: when each request finishes, the status
//! and counts at any time, and its `message_batch` object.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use serde_json::{Value, json};

use super::info::{BatchInfo, RequestCounts};
use super::limits::{EXPIRY, PATH};
use super::results::{Entry, Outcome, ResultsBody, Synthetic};
use crate::time::format_rfc3339;

/// The batch settings of an [`EmulatorBuilder`](crate::EmulatorBuilder).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct BatchOptions {
    /// How long a batch takes to process all its requests.
    pub(crate) processing_delay: Duration,
    /// How long a canceled batch stays `canceling`.
    pub(crate) cancel_delay: Duration,
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
    pub(crate) fn as_str(self) -> &'static str {
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

    /// A cancel at `t`: an in-progress batch starts canceling. Returns the
    /// status to show: `canceling` right after a cancel, whatever the
    /// cancel delay; the current status otherwise.
    pub(crate) fn cancel(&mut self, t: SystemTime) -> Status {
        if self.status(t) == Status::InProgress {
            self.canceled_at = Some(t);
            return Status::Canceling;
        }
        self.status(t)
    }

    /// The results, once the batch has ended.
    pub(crate) fn results(&self, t: SystemTime) -> Option<ResultsBody> {
        if !matches!(self.status(t), Status::Ended(_)) {
            return None;
        }
        let finished = self.cutoff(t);
        Some(match &self.requests {
            Requests::Stored(entries) => {
                ResultsBody::stored(Arc::clone(entries), finished, self.canceled_at.is_some())
            }
            Requests::Synthetic(synthetic) => ResultsBody::synthetic(synthetic.clone(), finished),
        })
    }

    pub(crate) fn info(&self, t: SystemTime) -> BatchInfo {
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

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;
    use std::time::UNIX_EPOCH;

    const T0: u64 = 1_800_000_000;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(T0 + secs)
    }

    fn entry(id: &str, outcome: Outcome) -> Entry {
        Entry {
            custom_id: id.into(),
            outcome,
        }
    }

    /// Four requests over 100 s: ok, errored, expiring, ok.
    fn batch(cancel_delay: u64) -> Batch {
        let entries: Arc<[Entry]> = vec![
            entry("a", Outcome::Succeeded(r#"{"id":"msg_a"}"#.into())),
            entry("b", Outcome::Errored(r#"{"type":"error"}"#.into())),
            entry("c", Outcome::Expired),
            entry("d", Outcome::Succeeded(r#"{"id":"msg_d"}"#.into())),
        ]
        .into();
        let options = BatchOptions {
            processing_delay: Duration::from_secs(100),
            cancel_delay: Duration::from_secs(cancel_delay),
        };
        Batch::new(
            "msgbatch_01t".to_owned(),
            at(0),
            options,
            Requests::Stored(entries),
        )
    }

    fn counts(
        processing: u64,
        succeeded: u64,
        errored: u64,
        canceled: u64,
        expired: u64,
    ) -> RequestCounts {
        RequestCounts {
            processing,
            succeeded,
            errored,
            canceled,
            expired,
        }
    }

    async fn result_kinds(batch: &Batch, t: SystemTime) -> Vec<String> {
        let body = batch.results(t).expect("ended");
        let bytes = body
            .collect()
            .await
            .map(|c| c.to_bytes())
            .unwrap_or_default();
        String::from_utf8_lossy(&bytes)
            .lines()
            .map(|l| {
                let v: Value = serde_json::from_str(l).unwrap_or_default();
                format!(
                    "{}={}",
                    v["custom_id"].as_str().unwrap_or_default(),
                    v["result"]["type"].as_str().unwrap_or_default()
                )
            })
            .collect()
    }

    #[tokio::test]
    async fn requests_finish_evenly_over_the_processing_delay() {
        let b = batch(0);
        assert_eq!(b.status(at(0)), Status::InProgress);
        assert_eq!(b.counts(at(0)), counts(4, 0, 0, 0, 0));
        assert_eq!(b.counts(at(50)), counts(2, 1, 1, 0, 0));
        // The expiring request stays processing until the batch ends.
        assert_eq!(b.counts(at(75)), counts(2, 1, 1, 0, 0));
        assert_eq!(b.status(at(99)), Status::InProgress);
        assert!(b.results(at(99)).is_none());
        assert_eq!(b.status(at(100)), Status::Ended(at(100)));
        assert_eq!(b.counts(at(100)), counts(0, 2, 1, 0, 1));
        let json = b.to_json(at(100), "http://h");
        assert_eq!(
            json["results_url"],
            "http://h/v1/messages/batches/msgbatch_01t/results"
        );
        assert_eq!(json["ended_at"], format_rfc3339(at(100)));
        assert_eq!(b.to_json(at(99), "http://h")["results_url"], Value::Null);
        assert_eq!(
            result_kinds(&b, at(100)).await,
            ["a=succeeded", "b=errored", "c=expired", "d=succeeded"]
        );
    }

    #[tokio::test]
    async fn a_cancel_stops_the_unfinished_requests() {
        let mut b = batch(10);
        assert_eq!(b.cancel(at(60)), Status::Canceling);
        assert_eq!(b.status(at(65)), Status::Canceling);
        assert_eq!(b.counts(at(65)), counts(2, 1, 1, 0, 0));
        assert_eq!(b.status(at(70)), Status::Ended(at(70)));
        assert_eq!(b.counts(at(70)), counts(0, 1, 1, 2, 0));
        // A second cancel changes nothing.
        assert_eq!(b.cancel(at(80)), Status::Ended(at(70)));
        assert_eq!(
            result_kinds(&b, at(90)).await,
            ["a=succeeded", "b=errored", "c=canceled", "d=canceled"]
        );
    }

    #[test]
    fn a_late_cancel_ends_when_processing_would_have() {
        let mut b = batch(10);
        b.cancel(at(95));
        assert_eq!(b.status(at(99)), Status::Canceling);
        assert_eq!(b.status(at(100)), Status::Ended(at(100)));
        // Three had finished by the cancel (the third one expiring).
        assert_eq!(b.counts(at(100)), counts(0, 1, 1, 2, 0));
    }
}
