//! Bodies on disk, read back in chunks (a replayed download, a forwarded
//! upload), and bodies fed by a task: in flat memory.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};
use futures_util::{Stream, StreamExt};
use http_body_util::BodyExt;
use hyper::body::Frame;
use tokio::io::AsyncReadExt;

use crate::server::ResBody;
use crate::stream::BodyError;

/// The size of each chunk read.
const CHUNK: usize = 64 * 1024;

/// `file`'s bytes, [`CHUNK`] at a time.
pub(crate) fn read_chunks(
    file: tokio::fs::File,
) -> impl Stream<Item = std::io::Result<Bytes>> + Send + 'static {
    futures_util::stream::unfold(Some(file), |file| async move {
        let mut file = file?;
        let mut buffer = BytesMut::with_capacity(CHUNK);
        match file.read_buf(&mut buffer).await {
            Ok(0) => None,
            Ok(_) => Some((Ok(buffer.freeze()), Some(file))),
            Err(e) => Some((Err(e), None)),
        }
    })
}

/// A response body fed by a task that drives `stream` (a few chunks ahead
/// of the caller, no more: the channel is bounded). When the caller goes
/// away, the task stops at its next chunk and drops `stream`.
pub(crate) fn spawned_body<S>(stream: S) -> ResBody
where
    S: Stream<Item = Result<Bytes, BodyError>> + Send + 'static,
{
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    tokio::spawn(async move {
        let mut stream = std::pin::pin!(stream);
        while let Some(item) = stream.next().await {
            if tx.send(item).await.is_err() {
                break;
            }
        }
    });
    BodyExt::boxed(ChannelBody { rx })
}

/// The receiving end of [`spawned_body`].
struct ChannelBody {
    rx: tokio::sync::mpsc::Receiver<Result<Bytes, BodyError>>,
}

impl hyper::body::Body for ChannelBody {
    type Data = Bytes;
    type Error = BodyError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BodyError>>> {
        self.rx
            .poll_recv(cx)
            .map(|item| item.map(|item| item.map(Frame::data)))
    }
}
