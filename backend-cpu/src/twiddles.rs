//! Cached tables of roots of unity and coset powers.
//!
//! Tables are pure functions of their keys, so the cache can only save time,
//! never change a result. Each table is computed once and shared behind an
//! `Arc`.

use backend_api::{bit_reverse, Fp};
use once_cell::sync::Lazy;
use rayon::prelude::*;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

/// A map from a key to a shared table, filled on first use.
struct Cache<K>(Lazy<Mutex<HashMap<K, Arc<Vec<u64>>>>>);

impl<K: Eq + Hash + Copy> Cache<K> {
    const fn new() -> Self {
        Cache(Lazy::new(|| Mutex::new(HashMap::new())))
    }

    fn get(&self, key: K, build: impl FnOnce() -> Vec<u64>) -> Arc<Vec<u64>> {
        // A poisoned lock only means another thread panicked while building;
        // entries are inserted whole, so the map is still consistent.
        if let Some(t) = self.0.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
            return Arc::clone(t);
        }
        // Built outside the lock: two threads may both build, and they
        // build the same table, so whichever is inserted is correct.
        let table = Arc::new(build());
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        Arc::clone(map.entry(key).or_insert(table))
    }
}

static STAGE_TWIDDLES: Cache<(u32, bool)> = Cache::new();
static SCALED: Cache<(u32, u64, u64)> = Cache::new();
static FRI_INV_X: Cache<(u32, u64)> = Cache::new();

/// `root^0, root^1, ..., root^(len-1)` times `start`, canonical, computed in
/// parallel blocks (each block starts from a power computed directly).
pub fn powers(start: Fp, root: Fp, len: usize) -> Vec<u64> {
    const BLOCK: usize = 1 << 12;
    let mut out = vec![0u64; len];
    out.par_chunks_mut(BLOCK)
        .enumerate()
        .for_each(|(b, chunk)| {
            let mut x = start * root.pow((b * BLOCK) as u64);
            for v in chunk {
                *v = x.value();
                x *= root;
            }
        });
    out
}

/// Per-stage twiddles for NTTs of size up to `2^log_n`: entry `h + j`
/// (`h` a power of two, `0 <= j < h`) is `w_{2h}^j` with
/// `w_{2h} = root_of_unity(log2(2h))`, inverted when `inverse`. Entry 0 is
/// unused. The table for a smaller size is a prefix of this one.
pub fn stage_twiddles(log_n: u32, inverse: bool) -> Arc<Vec<u64>> {
    STAGE_TWIDDLES.get((log_n, inverse), || {
        let n = 1usize << log_n;
        let mut table = vec![0u64; n.max(1)];
        let mut h = 1usize;
        let mut k = 1u32;
        while h < n {
            let w = Fp::root_of_unity(k).expect("k <= log_n <= 32");
            let w = if inverse {
                w.inverse().expect("roots of unity are non-zero")
            } else {
                w
            };
            let p = powers(Fp::ONE, w, h);
            table[h..2 * h].copy_from_slice(&p);
            h *= 2;
            k += 1;
        }
        table
    })
}

/// `scale * t^j` for `j < 2^log_n`, natural order, cached by
/// `(log_n, t, scale)`.
pub fn scaled_powers(log_n: u32, t: Fp, scale: Fp) -> Arc<Vec<u64>> {
    SCALED.get((log_n, t.value(), scale.value()), || {
        powers(scale, t, 1usize << log_n)
    })
}

/// The FRI fold factors for a codeword of size `2^log_n` over `shift * H`:
/// entry `i < 2^(log_n - 1)` is `1 / (2 x_i)` with
/// `x_i = shift * w^bit_reverse(i, log_n - 1)`, `w = root_of_unity(log_n)`.
pub fn fri_inv_two_x(log_n: u32, shift: Fp) -> Arc<Vec<u64>> {
    FRI_INV_X.get((log_n, shift.value()), || {
        let half = 1usize << (log_n - 1);
        let w_inv = Fp::root_of_unity(log_n)
            .expect("log_n <= 32")
            .inverse()
            .expect("non-zero");
        let start = (shift * Fp::TWO).inverse().expect("shift checked non-zero");
        let natural = powers(start, w_inv, half);
        let mut out = vec![0u64; half];
        out.par_iter_mut()
            .enumerate()
            .for_each(|(i, v)| *v = natural[bit_reverse(i, log_n - 1)]);
        out
    })
}
