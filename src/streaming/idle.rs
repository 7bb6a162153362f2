//! [`IdleTimer`]: the stream idle timeout, one implementation for every long body (a
//! message's server-sent events, a batch's results, a file's content); [`IdleBody`] applies it
//! to a response body. When it fires, the stream ends with
//! [`Error::Timeout`](crate::Error::Timeout) of kind
//! [`StreamIdle`](crate::TimeoutKind::StreamIdle), which the retry policy (`retry.rs`) judges
//! like any other failure.

use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use bytes::Bytes;
use futures_core::Stream;
use tokio::time::{Instant, Sleep};

type ByteStream = Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send>>;

/// Fires when a body stays silent for longer than its timeout. It is not re-armed on every
/// chunk (that would cost a timer-wheel update per chunk): when it fires it is pushed on to
/// `last_data + timeout` unless that moment has passed.
pub(crate) struct IdleTimer {
    sleep: Pin<Box<Sleep>>,
    timeout: Duration,
    /// When the last chunk arrived (or the body opened).
    last_data: Instant,
}

impl IdleTimer {
    /// A timer that starts now.
    pub(crate) fn new(timeout: Duration) -> Self {
        Self {
            sleep: Box::pin(tokio::time::sleep(timeout)),
            timeout,
            last_data: Instant::now(),
        }
    }

    /// The silence it allows.
    pub(crate) fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Data arrived: the silence starts again.
    pub(crate) fn touch(&mut self) {
        self.last_data = Instant::now();
    }

    /// Ready once the body has been silent for longer than the timeout.
    pub(crate) fn poll_expired(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        loop {
            ready!(self.sleep.as_mut().poll(cx));
            let deadline = self.last_data + self.timeout;
            if Instant::now() >= deadline {
                return Poll::Ready(());
            }
            self.sleep.as_mut().reset(deadline);
        }
    }
}

/// The body went silent for longer than the request timeout.
#[derive(Debug, thiserror::Error)]
#[error("no data arrived for {0:?}")]
pub(crate) struct IdleTimeout(Duration);

impl IdleTimeout {
    /// The silence allowed.
    pub(crate) fn timeout(&self) -> Duration {
        self.0
    }
}

/// A response body that fails with [`IdleTimeout`] when it stays silent too long.
pub(crate) struct IdleBody {
    inner: ByteStream,
    idle: IdleTimer,
}

impl IdleBody {
    /// `response`'s body, allowed silences of at most `timeout`.
    pub(crate) fn new(response: reqwest::Response, timeout: Duration) -> Self {
        Self {
            inner: Box::pin(response.bytes_stream()),
            idle: IdleTimer::new(timeout),
        }
    }
}

impl Stream for IdleBody {
    type Item = Result<Bytes, crate::error::BoxError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        match this.inner.as_mut().poll_next(cx) {
            Poll::Ready(next) => {
                this.idle.touch();
                Poll::Ready(next.map(|item| item.map_err(Into::into)))
            }
            Poll::Pending => {
                ready!(this.idle.poll_expired(cx));
                Poll::Ready(Some(Err(IdleTimeout(this.idle.timeout()).into())))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn fires_only_after_a_whole_silence() {
        let mut timer = IdleTimer::new(Duration::from_secs(10));
        tokio::time::advance(Duration::from_secs(6)).await;
        timer.touch();
        // The first deadline (10 s) passes, but data arrived 6 s in: not yet.
        tokio::time::advance(Duration::from_secs(5)).await;
        let mut cx = Context::from_waker(std::task::Waker::noop());
        assert!(timer.poll_expired(&mut cx).is_pending());
        tokio::time::advance(Duration::from_secs(5)).await;
        assert!(timer.poll_expired(&mut cx).is_ready());
        assert_eq!(timer.timeout(), Duration::from_secs(10));
    }
}
