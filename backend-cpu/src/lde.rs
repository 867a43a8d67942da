//! Coset low-degree extension of one raw column.
//!
//! Output position `q * n + p` of the bit-reversed LDE over `s * H_N`
//! (`N = n * B`, `B = 2^log_b`) holds the point
//! `s * w_N^(bit_reverse(q, log_b) + B * bit_reverse(p, log_n))`
//! `= t_q * w_n^bit_reverse(p, log_n)` with `t_q = s * w_N^bit_reverse(q, log_b)`.
//! So chunk `q` is the bit-reversed size-`n` evaluation of `c_j t_q^j`: the
//! LDE is `B` independent size-`n` DIFs, with no zero padding and no
//! size-`N` transform. The steps per column:
//!
//! 1. natural-order coefficients (times `n` when the input holds
//!    evaluations): inverse DIF + reading back in bit-reversed order, or
//!    inverse DIT, or the input itself;
//! 2. chunk `q` gets `c_j * t_q^j` (and `1/n`), one fused pass from cached
//!    power tables;
//! 3. a DIF on each chunk; a natural-order output is one final permutation.

use crate::arith::mul;
use crate::radix2::{dif, dit};
use crate::twiddles::{scaled_powers, stage_twiddles};
use backend_api::{bit_reverse, bit_reverse_permute, Fp, Order};
use rayon::prelude::*;

/// What the input column holds.
#[derive(Copy, Clone, PartialEq, Eq)]
pub enum Source {
    Evaluations,
    Coefficients,
}

/// Shape and parameters shared by every column of one LDE call.
#[derive(Copy, Clone)]
pub struct LdeParams {
    pub log_n: u32,
    pub log_b: u32,
    pub shift: Fp,
    pub source: Source,
    pub input: Order,
    pub output: Order,
}

/// Extends `src` (length `n`) into `out` (length `n * B`).
pub fn lde_column(src: &[u64], out: &mut [u64], p: &LdeParams, parallel: bool) {
    let n = 1usize << p.log_n;
    let log_big = p.log_n + p.log_b;
    // Step 1: `coeffs[idx(j)]` is coefficient j (times n for evaluations).
    let mut owned;
    let (coeffs, reversed): (&[u64], bool) = match (p.source, p.input) {
        (Source::Coefficients, order) => (src, order == Order::BitReversed),
        (Source::Evaluations, Order::Natural) => {
            owned = src.to_vec();
            dif(&mut owned, &stage_twiddles(p.log_n, true), parallel);
            (&owned, true)
        }
        (Source::Evaluations, Order::BitReversed) => {
            owned = src.to_vec();
            dit(&mut owned, &stage_twiddles(p.log_n, true), parallel);
            (&owned, false)
        }
    };
    let scale = match p.source {
        Source::Evaluations => Fp::new(n as u64).inverse().expect("2^k is invertible"),
        Source::Coefficients => Fp::ONE,
    };
    let w_big = Fp::root_of_unity(log_big).expect("checked <= 32");
    let tables: Vec<_> = (0..1usize << p.log_b)
        .map(|q| {
            let t = p.shift * w_big.pow(bit_reverse(q, p.log_b) as u64);
            scaled_powers(p.log_n, t, scale)
        })
        .collect();
    let coeff = |j: usize| {
        if reversed {
            coeffs[bit_reverse(j, p.log_n)]
        } else {
            coeffs[j]
        }
    };
    // Step 2.
    if parallel {
        for (chunk, table) in out.chunks_mut(n).zip(&tables) {
            chunk
                .par_iter_mut()
                .enumerate()
                .for_each(|(j, v)| *v = mul(coeff(j), table[j]));
        }
    } else {
        let mut chunks: Vec<&mut [u64]> = out.chunks_mut(n).collect();
        for j in 0..n {
            let c = coeff(j);
            for (chunk, table) in chunks.iter_mut().zip(&tables) {
                chunk[j] = mul(c, table[j]);
            }
        }
    }
    // Step 3.
    let tw = stage_twiddles(p.log_n, false);
    if parallel {
        out.par_chunks_mut(n)
            .for_each(|chunk| dif(chunk, &tw, true));
    } else {
        out.chunks_mut(n).for_each(|chunk| dif(chunk, &tw, false));
    }
    if p.output == Order::Natural {
        bit_reverse_permute(out);
    }
}
