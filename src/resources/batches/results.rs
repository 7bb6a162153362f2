//! [`BatchResults`]: a batch's results as a stream of typed [`BatchResult`]s, read line by
//! line from the JSON Lines body in bounded memory.

use std::fmt;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use futures_core::Stream;

use crate::error::{Error, TimeoutKind};
use crate::response::{Response, ResponseMeta, meta_accessors};
use crate::retry::{Next, Retries};
use crate::streaming::idle::{IdleBody, IdleTimeout};
use crate::streaming::{JsonLines, JsonLinesError};
use crate::transport::{Call, Transport};
use crate::types::{BatchResult, MessageBatch};

/// The results of one batch, from [`Batches::results`](super::Batches::results): a
/// [`Stream`] of [`BatchResult`]s in the order the body lists them.
///
/// The request IDs of the results response are on the handle ([`aws_request_id`](Self::aws_request_id),
/// [`anthropic_request_id`](Self::anthropic_request_id)) and on every error; the batch as
/// retrieved just before, with its own IDs, is [`batch`](Self::batch). A body that breaks off,
/// ends in the middle of a line, or goes silent for longer than the request timeout ends the
/// stream with an error: the results never end short in silence.
///
/// ```no_run
/// # async fn run(client: anthropic_aws::Client) -> Result<(), anthropic_aws::Error> {
/// use futures_util::TryStreamExt;
/// let results = client.messages().batches().results("msgbatch_01").await?;
/// let expected = results.batch().request_counts.total();
/// let all: Vec<_> = results.try_collect().await?;
/// assert_eq!(all.len() as u64, expected);
/// # Ok(()) }
/// ```
pub struct BatchResults {
    batch: Response<MessageBatch>,
    meta: ResponseMeta,
    lines: JsonLines<IdleBody, BatchResult>,
    /// Set when the body broke off or went silent (restartable from the first line).
    broke_off: bool,
    reopen: Reopen,
}

/// What it takes to ask for the results again, and what the call has spent.
struct Reopen {
    transport: Arc<Transport>,
    call: Call<'static>,
    retries: Retries,
}

impl BatchResults {
    /// Sends `call` (the results URL; retried like any request, within `retries`) and opens
    /// its body.
    pub(crate) async fn open(
        batch: Response<MessageBatch>,
        transport: Arc<Transport>,
        call: Call<'static>,
        mut retries: Retries,
    ) -> Result<Self, Error> {
        let (meta, response) = transport.open(&call, &mut retries).await?;
        let idle_timeout = transport.timeout(call.options());
        let body = IdleBody::new(response, idle_timeout);
        Ok(Self {
            batch,
            meta,
            lines: JsonLines::new(body),
            broke_off: false,
            reopen: Reopen {
                transport,
                call,
                retries,
            },
        })
    }

    /// After `err` ended this stream: asks the retry policy (`retry.rs`) whether the results
    /// may be asked for again and, when it agrees, waits as it says and opens them again from
    /// the first line, continuing the same retry budget; otherwise `err` comes back. The
    /// caller drops whatever it took from this stream (the runner cuts its output back), so
    /// nothing is repeated.
    pub(crate) async fn reopen(self, err: Error) -> Result<Self, Error> {
        let Reopen {
            transport,
            call,
            mut retries,
        } = self.reopen;
        // The request was authenticated already: only the budget can buy a restart.
        let Next::RetryAfter(delay) = retries.next(&err, false, self.broke_off) else {
            return Err(err);
        };
        tracing::debug!(error = %err, ?delay, retry = retries.used(), "asking for the batch results again");
        tokio::time::sleep(delay).await;
        Self::open(self.batch, transport, call, retries).await
    }

    meta_accessors!();

    /// The batch, as retrieved just before its results were asked for.
    pub fn batch(&self) -> &Response<MessageBatch> {
        &self.batch
    }

    /// How many lines of the body have been read (blank ones included).
    pub fn lines_read(&self) -> u64 {
        self.lines.lines_read()
    }

    fn error(&mut self, e: JsonLinesError) -> Error {
        let request_ids = self.meta.request_ids().clone();
        self.broke_off = matches!(
            e,
            JsonLinesError::Body { .. } | JsonLinesError::Truncated { .. }
        );
        match e {
            JsonLinesError::Decode {
                line,
                snippet,
                source,
            } => Error::Decode {
                status: self.meta.status(),
                request_ids,
                body_snippet: format!("line {line}: {snippet}"),
                source,
            },
            JsonLinesError::Body { source, .. } => match source.downcast::<IdleTimeout>() {
                Ok(idle) => Error::Timeout {
                    kind: TimeoutKind::StreamIdle,
                    timeout: idle.timeout(),
                    source: None,
                    status: Some(self.meta.status()),
                    request_ids: Some(request_ids),
                },
                Err(source) => Error::Stream {
                    message: format!(
                        "the batch results broke off after {} lines: {source}",
                        self.lines.lines_read()
                    ),
                    request_ids,
                },
            },
            other => Error::Stream {
                message: format!("batch results: {other}"),
                request_ids,
            },
        }
    }
}

impl Stream for BatchResults {
    type Item = Result<BatchResult, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        match ready!(Pin::new(&mut self.lines).poll_next(cx)) {
            None => Poll::Ready(None),
            Some(Ok(result)) => Poll::Ready(Some(Ok(result))),
            Some(Err(e)) => Poll::Ready(Some(Err(self.error(e)))),
        }
    }
}

impl fmt::Debug for BatchResults {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BatchResults")
            .field("batch_id", &self.batch.id)
            .field("aws_request_id", &self.aws_request_id())
            .field("anthropic_request_id", &self.anthropic_request_id())
            .field("lines_read", &self.lines_read())
            .finish_non_exhaustive()
    }
}
