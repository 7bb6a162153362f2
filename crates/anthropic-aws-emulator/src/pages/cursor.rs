//! The `page` cursors of the lists paged by cursor (Files, Skills):
//! `page_` and 24 hex digits that name the last item of the page before
//! (by its key, its place in the creation order), scrambled and checked
//! with a key of the emulator's, so that a cursor this emulator did not make
//! is refused rather than misread.

use serde_json::{Value, json};

use crate::error::ApiError;
use crate::ids::mix;

use super::CursorPage;

const PREFIX: &str = "page_";

/// Makes and reads cursors with one key.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cursors {
    key: u64,
}

impl Cursors {
    pub(crate) fn new(key: u64) -> Self {
        Cursors { key }
    }

    /// The cursor of the page after the file at `seq`.
    pub(crate) fn make(&self, seq: u64) -> String {
        format!("{PREFIX}{:016x}{:08x}", seq ^ self.key, self.check(seq))
    }

    /// The `seq` a cursor names; `None` for one this key did not make.
    pub(crate) fn read(&self, cursor: &str) -> Option<u64> {
        let hex = cursor.strip_prefix(PREFIX)?;
        if hex.len() != 24 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let seq = u64::from_str_radix(hex.get(..16)?, 16).ok()? ^ self.key;
        let check = u32::from_str_radix(hex.get(16..)?, 16).ok()?;
        (check == self.check(seq)).then_some(seq)
    }

    /// The key the page starts below: `u64::MAX` for the first page; an
    /// error for a cursor this key did not make.
    pub(crate) fn start(&self, page: &CursorPage<'_>) -> Result<u64, ApiError> {
        match page.page {
            None => Ok(u64::MAX),
            Some(cursor) => self.read(cursor).ok_or_else(|| {
                ApiError::invalid_request(format!(
                    "page: invalid page cursor '{}'",
                    cursor.chars().take(64).collect::<String>()
                ))
            }),
        }
    }

    /// `{"data": [...], "next_page": cursor | null}` of at most `limit` of
    /// `items` (key and item, newest first, from [`start`](Self::start));
    /// `show` is an item's JSON.
    pub(crate) fn answer<T>(
        &self,
        items: impl Iterator<Item = (u64, T)>,
        limit: usize,
        show: impl Fn(&T) -> Value,
    ) -> Value {
        let mut page: Vec<(u64, T)> = items.take(limit.saturating_add(1)).collect();
        let more = page.len() > limit;
        page.truncate(limit);
        let next_page = page.last().filter(|_| more).map(|(key, _)| self.make(*key));
        json!({
            "data": page.iter().map(|(_, item)| show(item)).collect::<Vec<_>>(),
            "next_page": next_page,
        })
    }

    fn check(&self, seq: u64) -> u32 {
        (mix(seq ^ self.key.rotate_left(29)) >> 32) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_foreign_ones_are_refused() {
        let cursors = Cursors::new(0x0123_4567_89ab_cdef);
        for seq in [0, 1, 41, u64::MAX] {
            let cursor = cursors.make(seq);
            assert!(cursor.starts_with("page_"), "{cursor}");
            assert_eq!(cursor.len(), 5 + 24);
            assert_eq!(cursors.read(&cursor), Some(seq));
            assert_eq!(Cursors::new(7).read(&cursor), None);
        }
        let good = cursors.make(3);
        let mut flipped = good.clone().into_bytes();
        let last = flipped.len() - 1;
        flipped[last] = if flipped[last] == b'0' { b'1' } else { b'0' };
        let flipped = String::from_utf8(flipped).unwrap_or_default();
        for bad in [
            "",
            "page_",
            "page_xyz",
            "file_0123456789abcdef01234567",
            &good[..good.len() - 1],
            &format!("{good}0"),
            &flipped,
        ] {
            assert_eq!(cursors.read(bad), None, "{bad}");
        }
    }
}
