//! [`Exchange`]: one call's attempt loop in flight, boxed, run in its request span.

use std::pin::Pin;
use std::task::{Context, Poll, ready};

use tracing::Span;

use super::telemetry;
use crate::error::Error;
use crate::response::ResponseMeta;

/// The attempt loop of one call, as a future.
type Attempts<'a, T> = Pin<Box<dyn Future<Output = Result<(ResponseMeta, T), Error>> + Send + 'a>>;

/// One exchange in flight: its response's metadata and what was read of it.
///
/// The attempt loop's state (the call, the attempt, the body being read) runs to a kilobyte
/// or more, so it lives on the heap: the future a caller holds, spawns, or keeps in a
/// finished task until it is joined stays a few words, whatever the call. Every poll runs in
/// the call's request span, and a failure is recorded on it (`error.type`) as it comes out,
/// so that the loop itself holds no result while it awaits.
pub(crate) struct Exchange<'a, T> {
    attempts: Attempts<'a, T>,
    span: Span,
}

impl<'a, T> Exchange<'a, T> {
    pub(super) fn new(attempts: Attempts<'a, T>, span: Span) -> Self {
        Self { attempts, span }
    }
}

#[cfg(test)]
impl<T> Exchange<'_, T> {
    pub(crate) fn boxed_size(&self) -> usize {
        std::mem::size_of_val(&*self.attempts)
    }
}

impl<T> Future for Exchange<'_, T> {
    type Output = Result<(ResponseMeta, T), Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        let _entered = this.span.enter();
        let done = ready!(this.attempts.as_mut().poll(cx));
        if let Err(err) = &done {
            telemetry::record_error(&this.span, err);
        }
        Poll::Ready(done)
    }
}
