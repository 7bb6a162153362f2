//! [`TextStream`]: the text of a [`MessageStream`], piece by piece, and
//! [`MessageStream::text_stream`], which makes one.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use aws_types::request_id::RequestId;
use futures_core::Stream;
use futures_util::StreamExt;

use super::MessageStream;
use crate::error::Error;
use crate::request_id::RequestIds;

impl MessageStream {
    /// Only the text: each `text_delta`'s text, in order. Keeps the request IDs.
    pub fn text_stream(self) -> TextStream {
        TextStream { inner: self }
    }
}

/// The text of a [`MessageStream`], piece by piece, from [`MessageStream::text_stream`].
/// Ends with the same errors the event stream would.
pub struct TextStream {
    inner: MessageStream,
}

impl TextStream {
    /// The AWS request ID (`x-amzn-requestid`) of the streaming response.
    pub fn aws_request_id(&self) -> Option<&str> {
        self.inner.aws_request_id()
    }

    /// Anthropic's request ID (`request-id`) of the streaming response.
    pub fn anthropic_request_id(&self) -> Option<&str> {
        self.inner.anthropic_request_id()
    }

    /// Both request IDs.
    pub fn request_ids(&self) -> &RequestIds {
        self.inner.request_ids()
    }

    /// The event stream underneath.
    pub fn into_inner(self) -> MessageStream {
        self.inner
    }
}

impl Stream for TextStream {
    type Item = Result<String, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            match ready!(self.inner.poll_next_unpin(cx)) {
                Some(Ok(event)) => {
                    if let Some(text) = event.text_delta() {
                        return Poll::Ready(Some(Ok(text.to_owned())));
                    }
                }
                Some(Err(e)) => return Poll::Ready(Some(Err(e))),
                None => return Poll::Ready(None),
            }
        }
    }
}

impl RequestId for TextStream {
    fn request_id(&self) -> Option<&str> {
        self.aws_request_id()
    }
}

impl fmt::Debug for TextStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("TextStream").field(&self.inner).finish()
    }
}
