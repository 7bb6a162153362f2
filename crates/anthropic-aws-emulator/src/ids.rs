//! Unique request ids: AWS ones look like UUIDs, Anthropic ones like
//! `req_011CS...`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// The splitmix64 step: a bijection on `u64`, so distinct inputs give
/// distinct outputs.
pub(crate) fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

const GOLDEN: u64 = 0x9e37_79b9_7f4a_7c15;

/// Generates ids unique per server: a counter scrambled with a seed taken
/// from the clock when the server starts.
pub(crate) struct IdGen {
    seed: u64,
    counter: AtomicU64,
}

impl IdGen {
    pub(crate) fn new() -> Self {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        // Fold the 128-bit nanosecond count and the process id together.
        let seed = (nanos as u64) ^ ((nanos >> 64) as u64) ^ (u64::from(std::process::id()) << 40);
        IdGen {
            seed: mix(seed),
            counter: AtomicU64::new(0),
        }
    }

    /// Two 64-bit values; the first is unique for this generator.
    fn next_pair(&self) -> (u64, u64) {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let x = self.seed.wrapping_add(n.wrapping_mul(GOLDEN));
        (
            mix(x),
            mix(x ^ 0x5555_5555_5555_5555).rotate_left(17) ^ self.seed,
        )
    }

    /// A value unique to this generator, hard to guess from the ids it
    /// gives out (a key for cursors).
    pub(crate) fn key(&self) -> u64 {
        let (a, b) = self.next_pair();
        mix(a ^ b.rotate_left(23))
    }

    /// `xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx` (lowercase hex, version 4
    /// layout).
    pub(crate) fn aws(&self) -> String {
        let (a, b) = self.next_pair();
        let time_hi = ((a >> 16) & 0x0fff) | 0x4000;
        let clock_seq = ((b >> 48) & 0x3fff) | 0x8000;
        format!(
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            a >> 32,
            a & 0xffff,
            time_hi,
            clock_seq,
            b & 0xffff_ffff_ffff
        )
    }

    /// `req_011CS` followed by 22 base-62 characters.
    pub(crate) fn anthropic(&self) -> String {
        const ALPHABET: &[u8; 62] =
            b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        let (a, b) = self.next_pair();
        let mut out = String::from("req_011CS");
        for mut v in [a, b] {
            for _ in 0..11 {
                out.push(char::from(ALPHABET[(v % 62) as usize]));
                v /= 62;
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_are_unique_and_well_formed() {
        let ids = IdGen::new();
        let mut seen = HashSet::new();
        for _ in 0..2000 {
            let aws = ids.aws();
            assert_eq!(aws.len(), 36);
            assert_eq!(aws.as_bytes()[14], b'4');
            assert!(matches!(aws.as_bytes()[19], b'8' | b'9' | b'a' | b'b'));
            assert!(seen.insert(aws));
            let req = ids.anthropic();
            assert!(req.starts_with("req_011CS"));
            assert_eq!(req.len(), 9 + 22);
            assert!(req[4..].bytes().all(|b| b.is_ascii_alphanumeric()));
            assert!(seen.insert(req));
        }
    }
}
