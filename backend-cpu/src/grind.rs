//! Proof-of-work grinding: the smallest valid nonce.
//!
//! Nonces are searched in consecutive batches `[start, start + BATCH)`;
//! within a batch rayon's `find_first` returns the smallest valid nonce
//! whichever thread saw it, and a batch is only searched once every smaller
//! nonce has failed. So the answer is the smallest valid nonce, always.

use crate::keccak::Sponge;
use backend_api::Digest;
use rayon::prelude::*;

const BATCH: u64 = 1 << 16;

/// Whether `nonce` meets `bits` (`1 <= bits <= 64`) for `seed`:
/// Keccak(seed || nonce big-endian) starts with `bits` zero bits.
#[inline]
fn valid(seed: &Digest, nonce: u64, bits: u32) -> bool {
    let mut s = Sponge::new();
    s.absorb_digest(seed);
    s.absorb_be(nonce);
    s.finish_first_word_be().leading_zeros() >= bits
}

/// The smallest valid nonce (`bits <= 64` already checked). `None` only if
/// no nonce below 2^64 is valid.
pub fn grind(seed: &Digest, bits: u32) -> Option<u64> {
    if bits == 0 {
        return Some(0);
    }
    let mut start = 0u64;
    loop {
        let end = start.saturating_add(BATCH);
        let found = (start..end)
            .into_par_iter()
            .find_first(|&n| valid(seed, n, bits));
        if found.is_some() {
            return found;
        }
        if end == u64::MAX {
            // The range above excluded u64::MAX itself.
            return valid(seed, u64::MAX, bits).then_some(u64::MAX);
        }
        start = end;
    }
}
