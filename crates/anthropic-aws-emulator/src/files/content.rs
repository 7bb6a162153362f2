//! [`ContentBody`]: the body of `GET /v1/files/{id}/content`, read from
//! disk (or generated, for a synthetic file) one chunk at a time as the
//! connection takes it, and cut short when a scenario asks.

use std::pin::Pin;
use std::sync::LazyLock;
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};
use hyper::body::{Body, Frame, SizeHint};
use tokio::io::{AsyncRead, ReadBuf};

use crate::stream::{BodyError, cut_after_flush};

/// The most bytes in one frame.
const CHUNK_BYTES: usize = 256 * 1024;

/// The period of the synthetic content.
const PATTERN_PERIOD: usize = 251;

/// The byte at `offset` of every synthetic file: `offset % 251`, so that
/// a client can check any range it received without the emulator.
///
/// ```
/// use anthropic_aws_emulator::synthetic_byte;
///
/// assert_eq!(synthetic_byte(0), 0);
/// assert_eq!(synthetic_byte(250), 250);
/// assert_eq!(synthetic_byte(251), 0);
/// ```
pub fn synthetic_byte(offset: u64) -> u8 {
    // Below 251, so it fits.
    (offset % PATTERN_PERIOD as u64) as u8
}

/// One chunk of the pattern plus a period, to slice any chunk from.
static PATTERN: LazyLock<Vec<u8>> = LazyLock::new(|| {
    (0..(CHUNK_BYTES + PATTERN_PERIOD) as u64)
        .map(synthetic_byte)
        .collect()
});

/// Where the bytes come from.
#[derive(Debug)]
enum Source {
    Disk(tokio::fs::File),
    Synthetic,
}

/// A file's bytes: `content-length` announces them all, then they are sent
/// in chunks; a cut body stops after `cut_after` bytes and breaks the
/// connection.
#[derive(Debug)]
pub(crate) struct ContentBody {
    source: Source,
    /// The whole size, announced.
    size: u64,
    /// Bytes sent so far.
    sent: u64,
    /// Where to stop and fail, when below `size`.
    cut_after: Option<u64>,
    /// Whether hyper was given the chance to flush before the cut.
    yielded_before_cut: bool,
}

impl ContentBody {
    /// The `size` bytes of the file open as `file`.
    pub(crate) fn disk(file: tokio::fs::File, size: u64) -> Self {
        ContentBody::new(Source::Disk(file), size)
    }

    /// `size` synthetic bytes (see [`synthetic_byte`]).
    pub(crate) fn synthetic(size: u64) -> Self {
        ContentBody::new(Source::Synthetic, size)
    }

    fn new(source: Source, size: u64) -> Self {
        ContentBody {
            source,
            size,
            sent: 0,
            cut_after: None,
            yielded_before_cut: false,
        }
    }

    /// Sends only the first `bytes` (when fewer than the size), then
    /// breaks the connection.
    pub(crate) fn cut_after(&mut self, bytes: u64) {
        if bytes < self.size {
            self.cut_after = Some(bytes);
        }
    }

    /// Whether the body will break off.
    pub(crate) fn is_cut(&self) -> bool {
        self.cut_after.is_some()
    }

    pub(crate) fn size(&self) -> u64 {
        self.size
    }

    /// Where sending stops.
    fn end(&self) -> u64 {
        self.cut_after.unwrap_or(self.size)
    }
}

impl Body for ContentBody {
    type Data = Bytes;
    type Error = BodyError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BodyError>>> {
        let this = self.get_mut();
        let end = this.end();
        if this.sent >= end {
            if this.cut_after.is_none() {
                return Poll::Ready(None);
            }
            let cut = cut_after_flush(
                &mut this.yielded_before_cut,
                cx,
                "file content cut by the scenario (cut-after-bytes)",
            );
            if cut.is_ready() {
                this.cut_after = None;
                this.size = this.sent;
            }
            return cut;
        }
        let want = usize::try_from(end - this.sent)
            .unwrap_or(usize::MAX)
            .min(CHUNK_BYTES);
        let chunk = match &mut this.source {
            Source::Synthetic => {
                let start = (this.sent % PATTERN_PERIOD as u64) as usize;
                Bytes::copy_from_slice(&PATTERN[start..start + want])
            }
            Source::Disk(file) => {
                let mut buffer = BytesMut::zeroed(want);
                let mut read = ReadBuf::new(&mut buffer);
                match Pin::new(file).poll_read(cx, &mut read) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(Err(e)) => return Poll::Ready(Some(Err(Box::new(e)))),
                    Poll::Ready(Ok(())) => {}
                }
                let n = read.filled().len();
                if n == 0 {
                    return Poll::Ready(Some(Err(Box::new(std::io::Error::new(
                        std::io::ErrorKind::UnexpectedEof,
                        "the stored file is shorter than its size",
                    )))));
                }
                buffer.truncate(n);
                buffer.freeze()
            }
        };
        this.sent += chunk.len() as u64;
        Poll::Ready(Some(Ok(Frame::data(chunk))))
    }

    fn is_end_stream(&self) -> bool {
        self.cut_after.is_none() && self.sent >= self.size
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.size - self.sent.min(self.size))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;

    async fn drain(mut body: ContentBody) -> (Vec<u8>, bool) {
        let mut out = Vec::new();
        while let Some(frame) = body.frame().await {
            match frame {
                Ok(frame) => {
                    if let Ok(data) = frame.into_data() {
                        assert!(data.len() <= CHUNK_BYTES);
                        out.extend_from_slice(&data);
                    }
                }
                Err(_) => return (out, false),
            }
        }
        (out, true)
    }

    #[tokio::test]
    async fn synthetic_content_is_the_pattern_in_bounded_chunks() {
        let size = 3 * CHUNK_BYTES as u64 + 17;
        let body = ContentBody::synthetic(size);
        assert_eq!(body.size_hint().exact(), Some(size));
        let (bytes, complete) = drain(body).await;
        assert!(complete);
        assert_eq!(bytes.len() as u64, size);
        assert!(
            bytes
                .iter()
                .enumerate()
                .all(|(i, b)| *b == synthetic_byte(i as u64))
        );
    }

    #[tokio::test]
    async fn disk_content_is_read_back_and_a_cut_fails_after_its_bytes() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("f");
        let data: Vec<u8> = (0..700_000u32).map(|i| (i % 7) as u8).collect();
        assert!(std::fs::write(&path, &data).is_ok());
        let open = || async {
            let file = tokio::fs::File::open(&path).await;
            file.unwrap_or_else(|e| panic!("{e}"))
        };
        let (bytes, complete) = drain(ContentBody::disk(open().await, data.len() as u64)).await;
        assert!(complete);
        assert_eq!(bytes, data);

        let mut cut = ContentBody::disk(open().await, data.len() as u64);
        cut.cut_after(300_001);
        assert!(cut.is_cut());
        assert_eq!(cut.size_hint().exact(), Some(data.len() as u64));
        let (bytes, complete) = drain(cut).await;
        assert!(!complete);
        assert_eq!(bytes, &data[..300_001]);

        let mut not_cut = ContentBody::synthetic(10);
        not_cut.cut_after(10);
        assert!(!not_cut.is_cut());
    }
}
