//! The batched NTT of [`ProverDevice::ntt`](backend_api::ProverDevice::ntt).
//!
//! Forward (coefficients `c_j` to `e_i = sum_j c_j (s w^i)^j`): scale
//! `c_j *= s^j`, then DIF (natural input) or DIT (bit-reversed input); each
//! yields the other order, and a final permutation fixes the order only when
//! the caller asked for the same order on both sides.
//!
//! Inverse (`e_i` to `c_j = s^-j / n sum_i e_i w^-ij`): DIF or DIT with
//! `w^-1`, then one pass multiplying by `s^-j / n` (the coset and the `1/n`
//! scalings fused), then the optional permutation.

pub(crate) mod bitrev;
pub(crate) mod radix2;
pub(crate) mod scratch;
#[cfg(test)]
mod tests;
#[cfg(target_arch = "x86_64")]
pub(crate) mod x8;

use crate::arith::{canonical, mul};
use crate::ntt::radix2::{dif, dit};
use crate::twiddles::{scaled_powers, stage_twiddles};
use backend_api::{bit_reverse, bit_reverse_permute, Fp, NttDirection, Order};
use rayon::prelude::*;

/// Values per parallel task of [`scale`] and [`permute`].
const PIECE: usize = 1 << 12;

/// `x[p] *= table[index(p)]` where `index(p)` is `p` or `bit_reverse(p)`,
/// on every rayon thread when `parallel`.
pub fn scale(x: &mut [u64], table: &[u64], bit_reversed: bool, log_n: u32, parallel: bool) {
    let piece = |(b, chunk): (usize, &mut [u64])| {
        let first = b * PIECE;
        for (k, v) in chunk.iter_mut().enumerate() {
            let p = first + k;
            let t = if bit_reversed {
                table[bit_reverse(p, log_n)]
            } else {
                table[p]
            };
            *v = canonical(mul(*v, t));
        }
    };
    if parallel {
        x.par_chunks_mut(PIECE).enumerate().for_each(piece);
    } else {
        piece((0, x));
    }
}

/// Moves `x` (length `2^log_n`) from one order into the other, on every
/// rayon thread when `parallel` (a gather from a copy: the in-place swaps
/// of [`bit_reverse_permute`] pair up positions all over the column).
fn permute(x: &mut [u64], log_n: u32, parallel: bool) {
    if !parallel || x.len() <= PIECE {
        bit_reverse_permute(x);
        return;
    }
    let src: Vec<u64> = x.par_iter().copied().collect();
    x.par_chunks_mut(PIECE).enumerate().for_each(|(b, chunk)| {
        for (k, v) in chunk.iter_mut().enumerate() {
            *v = src[bit_reverse(b * PIECE + k, log_n)];
        }
    });
}

/// Transforms one raw column of length `2^log_n` in place (see module docs).
pub fn ntt_column(
    x: &mut [u64],
    log_n: u32,
    direction: NttDirection,
    shift: Fp,
    input: Order,
    output: Order,
    parallel: bool,
) {
    let inverse = direction == NttDirection::Inverse;
    let tw = stage_twiddles(log_n, inverse);
    if !inverse && shift != Fp::ONE {
        let table = scaled_powers(log_n, shift, Fp::ONE);
        scale(x, &table, input == Order::BitReversed, log_n, parallel);
    }
    // DIF turns natural into bit-reversed, DIT the reverse.
    let produced = match input {
        Order::Natural => {
            dif(x, &tw, parallel);
            Order::BitReversed
        }
        Order::BitReversed => {
            dit(x, &tw, parallel);
            Order::Natural
        }
    };
    if inverse {
        let s_inv = shift.inverse().expect("shift checked non-zero");
        let n_inv = Fp::new(1u64 << log_n).inverse().expect("2^k is invertible");
        let table = scaled_powers(log_n, s_inv, n_inv);
        scale(x, &table, produced == Order::BitReversed, log_n, parallel);
    }
    if produced != output {
        permute(x, log_n, parallel);
    }
}
