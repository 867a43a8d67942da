//! Proof-of-work grinding: the smallest valid nonce.
//!
//! Nonces are searched in consecutive batches `[start, start + BATCH)`,
//! split into tasks of [`TASK`] consecutive nonces hashed with the widest
//! vector Keccak the CPU has ([`crate::keccak::batch::pow_words`]); rayon's
//! `find_map_first` returns the first task (in nonce order) holding a valid
//! nonce, whichever thread saw it, and a batch is only searched once every
//! smaller nonce has failed. So the answer is the smallest valid nonce,
//! always.

use crate::keccak::batch::{pow_words, HashKernel};
use backend_api::Digest;
use rayon::prelude::*;

/// Nonces per batch: every thread busy, little overshoot past the answer.
const BATCH: u64 = 1 << 16;
/// Nonces per task, a multiple of every kernel width.
const TASK: u64 = 1 << 9;

/// The smallest nonce of `[start, start + TASK)` (clipped at `u64::MAX`,
/// which is excluded) meeting `bits`, if any.
fn first_in_task(kernel: HashKernel, seed: &Digest, start: u64, bits: u32) -> Option<u64> {
    let len = TASK.min(u64::MAX - start) as usize;
    let mut words = [0u64; TASK as usize];
    pow_words(kernel, seed, start, &mut words[..len]);
    words[..len]
        .iter()
        .position(|w| w.leading_zeros() >= bits)
        .map(|i| start + i as u64)
}

/// The smallest valid nonce (`bits <= 64` already checked). `None` only if
/// no nonce below 2^64 is valid.
pub fn grind(seed: &Digest, bits: u32) -> Option<u64> {
    if bits == 0 {
        return Some(0);
    }
    let kernel = HashKernel::detect();
    let mut start = 0u64;
    loop {
        let end = start.saturating_add(BATCH);
        let found = (start..end)
            .step_by(TASK as usize)
            .collect::<Vec<u64>>()
            .into_par_iter()
            .find_map_first(|task| first_in_task(kernel, seed, task, bits));
        if found.is_some() {
            return found;
        }
        if end == u64::MAX {
            // The tasks above excluded u64::MAX itself.
            let mut word = [0u64];
            pow_words(kernel, seed, u64::MAX, &mut word);
            return (word[0].leading_zeros() >= bits).then_some(u64::MAX);
        }
        start = end;
    }
}
