//! [`ContentBody`]: the body of `GET /v1/files/{id}/content`, read from
//! disk (or generated, for a synthetic file) one chunk at a time as the
//! connection takes it, and cut short when a scenario asks.

use std::io::{Seek, SeekFrom};
use std::ops::RangeInclusive;
use std::pin::Pin;
use std::sync::LazyLock;
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};
use hyper::body::{Body, Frame, SizeHint};
use tokio::io::{AsyncRead, ReadBuf};

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

/// The error of a body that breaks off.
type BodyError = Box<dyn std::error::Error + Send + Sync>;

/// Where the bytes come from.
#[derive(Debug)]
enum Source {
    Disk(tokio::fs::File),
    Synthetic,
}

/// A file's bytes (or a range of them, for a `Range` request):
/// `content-length` announces them all, then they are sent in chunks; a
/// cut body stops after `cut_after` bytes and breaks the connection.
#[derive(Debug)]
pub(crate) struct ContentBody {
    source: Source,
    /// The file's whole size.
    total: u64,
    /// Where sending ends (exclusive): the file's size, or a range's end.
    size: u64,
    /// Where sending is: the offset of the next byte in the file.
    sent: u64,
    /// Where to stop and fail, when below `size`.
    cut_after: Option<u64>,
    /// Whether hyper was given the chance to flush before the cut.
    yielded_before_cut: bool,
}

/// A `Range` no byte of the file satisfies: answered `416`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Unsatisfiable;

/// The bytes a `Range` header asks of a file of `size` bytes: `Ok(None)`
/// when the header is to be ignored (not one `bytes=` range, or not
/// well-formed: the whole file is sent, as RFC 9110 allows), `Err` when no
/// byte satisfies it. Forms: `bytes=first-`, `bytes=first-last`,
/// `bytes=-suffix`.
pub(crate) fn byte_range(
    header: &str,
    size: u64,
) -> Result<Option<RangeInclusive<u64>>, Unsatisfiable> {
    let Some((unit, spec)) = header.trim().split_once('=') else {
        return Ok(None);
    };
    if !unit.trim().eq_ignore_ascii_case("bytes") || spec.contains(',') {
        return Ok(None);
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return Ok(None);
    };
    let number = |s: &str| s.trim().parse::<u64>().ok();
    let (first, last) = match (first.trim().is_empty(), number(first), number(last)) {
        // `-suffix`: the last `suffix` bytes.
        (true, _, Some(0)) => return Err(Unsatisfiable),
        (true, _, Some(suffix)) => (size.saturating_sub(suffix), u64::MAX),
        (false, Some(first), None) if last.trim().is_empty() => (first, u64::MAX),
        (false, Some(first), Some(last)) if first <= last => (first, last),
        _ => return Ok(None),
    };
    if first >= size {
        return Err(Unsatisfiable);
    }
    Ok(Some(first..=last.min(size - 1)))
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
            total: size,
            size,
            sent: 0,
            cut_after: None,
            yielded_before_cut: false,
        }
    }

    /// Sends only the bytes of `range` (within the file, from
    /// [`byte_range`]), before any byte is sent.
    pub(crate) fn range(mut self, range: RangeInclusive<u64>) -> std::io::Result<Self> {
        let (first, last) = (*range.start(), *range.end());
        if first > last || last >= self.total {
            return Err(std::io::Error::other("the range is outside the file"));
        }
        if let Source::Disk(file) = self.source {
            let mut file = file
                .try_into_std()
                .map_err(|_| std::io::Error::other("the file is being read"))?;
            file.seek(SeekFrom::Start(first))?;
            self.source = Source::Disk(tokio::fs::File::from_std(file));
        }
        self.sent = first;
        self.size = last + 1;
        Ok(self)
    }

    /// The `content-range` of a body made by [`range`](Self::range):
    /// `bytes first-last/total`.
    pub(crate) fn content_range(&self) -> String {
        format!(
            "bytes {}-{}/{}",
            self.sent,
            self.size.saturating_sub(1),
            self.total
        )
    }

    /// Sends only the next `bytes` (when fewer than are left), then
    /// breaks the connection.
    pub(crate) fn cut_after(&mut self, bytes: u64) {
        let at = self.sent.saturating_add(bytes);
        if at < self.size {
            self.cut_after = Some(at);
        }
    }

    /// Whether the body will break off.
    pub(crate) fn is_cut(&self) -> bool {
        self.cut_after.is_some()
    }

    /// The bytes this body announces: the file's size, or its range's.
    pub(crate) fn size(&self) -> u64 {
        self.size - self.sent.min(self.size)
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
            if !this.yielded_before_cut {
                // hyper drops its write buffer when a body fails: answer
                // `Pending` once (it flushes then) before failing.
                this.yielded_before_cut = true;
                cx.waker().wake_by_ref();
                return Poll::Pending;
            }
            this.cut_after = None;
            this.size = this.sent;
            return Poll::Ready(Some(Err(Box::new(std::io::Error::other(
                "file content cut by the scenario (cut-after-bytes)",
            )))));
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

    #[test]
    fn a_range_header_is_read_as_rfc_9110_says() {
        type Answer = Result<Option<RangeInclusive<u64>>, Unsatisfiable>;
        let cases: [(&str, Answer); 12] = [
            ("bytes=0-", Ok(Some(0..=99))),
            ("bytes=40-", Ok(Some(40..=99))),
            ("bytes=40-49", Ok(Some(40..=49))),
            ("bytes=90-1000", Ok(Some(90..=99))),
            ("bytes=-10", Ok(Some(90..=99))),
            ("bytes=-1000", Ok(Some(0..=99))),
            ("bytes=100-", Err(Unsatisfiable)),
            ("bytes=-0", Err(Unsatisfiable)),
            // Ignored: the whole file is sent.
            ("bytes=0-1,5-6", Ok(None)),
            ("bytes=9-3", Ok(None)),
            ("items=0-", Ok(None)),
            ("bytes=x-", Ok(None)),
        ];
        for (header, expected) in cases {
            assert_eq!(byte_range(header, 100), expected, "{header}");
        }
        assert_eq!(byte_range("bytes=0-", 0), Err(Unsatisfiable));
    }

    #[tokio::test]
    async fn a_range_sends_its_bytes_and_a_cut_counts_from_its_start() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("f");
        let data: Vec<u8> = (0..700_000u32).map(|i| (i % 7) as u8).collect();
        assert!(std::fs::write(&path, &data).is_ok());
        let file = tokio::fs::File::open(&path).await;
        let file = file.unwrap_or_else(|e| panic!("{e}"));
        let body = ContentBody::disk(file, data.len() as u64).range(300_000..=699_999);
        let mut body = body.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(body.content_range(), "bytes 300000-699999/700000");
        assert_eq!(body.size(), 400_000);
        body.cut_after(1_000);
        let (bytes, complete) = drain(body).await;
        assert!(!complete);
        assert_eq!(bytes, &data[300_000..301_000]);

        let body = ContentBody::synthetic(1_000).range(500..=509);
        let body = body.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(body.size_hint().exact(), Some(10));
        let (bytes, complete) = drain(body).await;
        assert!(complete);
        let expected: Vec<u8> = (500..510).map(synthetic_byte).collect();
        assert_eq!(bytes, expected);
        assert!(ContentBody::synthetic(10).range(5..=10).is_err());
    }
}
