//! FRI folding.
//!
//! With the codeword in bit-reversed order over `shift * H_N`, positions
//! `2i` and `2i + 1` hold `a = f(x)` and `b = f(-x)` for
//! `x = shift * w_N^bit_reverse(i, k - 1)`, and the folded value is
//! `g_i = (a + b)/2 + beta (a - b)/(2x)`. The factors `1/(2x)` come from a
//! table cached per `(log N, shift)` ([`crate::twiddles::fri_inv_two_x`]),
//! so each output costs one base-by-extension and one extension product.

use crate::alloc::zeroed;
use crate::twiddles::fri_inv_two_x;
use backend_api::{Fp, Fp3};
use rayon::prelude::*;

const CHUNK: usize = 1 << 12;

/// Folds `codeword` (length `2^log_n >= 2`) with `beta`.
pub fn fold(codeword: &[Fp3], log_n: u32, shift: Fp, beta: Fp3) -> Vec<Fp3> {
    let inv_two_x = fri_inv_two_x(log_n, shift);
    let half_inv = Fp::TWO.inverse().expect("2 is invertible");
    let mut out = zeroed::<Fp3>(codeword.len() / 2);
    out.par_chunks_mut(CHUNK)
        .zip(codeword.par_chunks(2 * CHUNK))
        .zip(inv_two_x.par_chunks(CHUNK))
        .for_each(|((out, pairs), factors)| {
            for ((g, pair), &f) in out.iter_mut().zip(pairs.chunks_exact(2)).zip(factors) {
                let (a, b) = (pair[0], pair[1]);
                *g = (a + b).mul_base(half_inv) + beta * (a - b).mul_base(Fp::new(f));
            }
        });
    out
}
