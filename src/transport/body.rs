//! Reading bodies within bounds: a successful body whole, up to a cap (a declared
//! `Content-Length` over it is refused before a byte is read), and an error body's first bytes.

use bytes::{Bytes, BytesMut};

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
/// its declared length. Chunk by chunk rather than through `Response::bytes`, whose future is
/// four times the size: every call's state carries this one.
pub(super) async fn read_success_body(
    mut response: reqwest::Response,
    cap: usize,
) -> Result<Bytes, BodyError> {
    let declared = response.content_length();
    if declared.is_some_and(|n| n > cap as u64) {
        return Err(BodyError::TooLarge { declared });
    }
    let Some(first) = response.chunk().await.map_err(BodyError::Transport)? else {
        return Ok(Bytes::new());
    };
    if first.len() > cap {
        return Err(BodyError::TooLarge { declared });
    }
    let Some(second) = response.chunk().await.map_err(BodyError::Transport)? else {
        return Ok(first);
    };
    let expected = declared.map_or(0, |n| n as usize);
    let mut body = BytesMut::with_capacity(expected.max(first.len() + second.len()));
    let mut chunk = Some(second);
    body.extend_from_slice(&first);
    while let Some(more) = chunk {
        if body.len() + more.len() > cap {
            return Err(BodyError::TooLarge { declared });
        }
        body.extend_from_slice(&more);
        chunk = response.chunk().await.map_err(BodyError::Transport)?;
    }
    Ok(body.freeze())
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
