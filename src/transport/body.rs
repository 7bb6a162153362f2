//! Reading bodies within bounds: a successful body whole, up to a cap (a declared
//! `Content-Length` over it is refused before a byte is read), and an error body's first bytes.

use std::pin::Pin;
use std::task::{Context, Poll, ready};

use bytes::{Bytes, BytesMut};
use futures_core::Stream;

/// Why a successful body could not be read; the transport turns it into an [`Error`]
/// carrying the response's status and request IDs.
///
/// [`Error`]: crate::Error
pub(super) enum BodyError {
    Transport(reqwest::Error),
    TooLarge { declared: Option<u64> },
}

/// Reads a whole successful body, refusing one larger than `cap` (one that declares more is
/// refused before a byte is read). A body that arrives in one chunk (the usual case) is
/// returned as is, without a copy; one in several is gathered into a buffer sized once, from
/// its declared length.
///
/// A future of its own rather than an `async fn` over `Response::chunk` or `Response::bytes`
/// (whose futures keep the whole response, and `bytes`'s a collector, four to five times
/// the size): every call's state carries this one while the body arrives.
pub(super) fn read_success_body(
    response: reqwest::Response,
    cap: usize,
) -> SuccessBody<impl Stream<Item = reqwest::Result<Bytes>> + Unpin> {
    SuccessBody {
        declared: response.content_length(),
        chunks: response.bytes_stream(),
        cap,
        whole: Bytes::new(),
        gathered: BytesMut::new(),
    }
}

/// [`read_success_body`]'s future.
pub(super) struct SuccessBody<S> {
    chunks: S,
    declared: Option<u64>,
    cap: usize,
    /// The body while it is one chunk; `gathered` once a second one arrives.
    whole: Bytes,
    gathered: BytesMut,
}

impl<S: Stream<Item = reqwest::Result<Bytes>> + Unpin> Future for SuccessBody<S> {
    type Output = Result<Bytes, BodyError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        let declared = this.declared;
        if declared.is_some_and(|n| n > this.cap as u64) {
            return Poll::Ready(Err(BodyError::TooLarge { declared }));
        }
        while let Some(chunk) = ready!(Pin::new(&mut this.chunks).poll_next(cx)) {
            let chunk = match chunk {
                Ok(chunk) => chunk,
                Err(e) => return Poll::Ready(Err(BodyError::Transport(e))),
            };
            let len = this.whole.len() + this.gathered.len() + chunk.len();
            if len > this.cap {
                return Poll::Ready(Err(BodyError::TooLarge { declared }));
            }
            if this.whole.is_empty() && this.gathered.is_empty() {
                this.whole = chunk;
                continue;
            }
            if this.gathered.is_empty() {
                let expected = declared.map_or(0, |n| n as usize);
                this.gathered.reserve(expected.max(len));
                this.gathered
                    .extend_from_slice(&std::mem::take(&mut this.whole));
            }
            this.gathered.extend_from_slice(&chunk);
        }
        Poll::Ready(Ok(if this.gathered.is_empty() {
            std::mem::take(&mut this.whole)
        } else {
            std::mem::take(&mut this.gathered).freeze()
        }))
    }
}

/// Reads at most `cap` bytes of a body; a body that breaks off is kept as far as it came.
pub(super) async fn read_capped(mut response: reqwest::Response, cap: usize) -> Bytes {
    let mut body = BytesMut::new();
    while body.len() < cap {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                let room = cap - body.len();
                body.extend_from_slice(&chunk[..chunk.len().min(room)]);
            }
            Ok(None) | Err(_) => break,
        }
    }
    body.freeze()
}
