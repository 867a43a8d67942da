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
//!    evaluations): the input itself, or a cache-blocked bit-reversal copy
//!    of it, then (evaluations) an inverse DIT, which takes bit-reversed
//!    input to natural output;
//! 2. chunk `q` gets `c_j * t_q^j` (and `1/n`) from cached power tables;
//! 3. a DIF on each chunk (on one thread, step 2 is fused into the DIF's
//!    first pass); a natural-order output is one final permutation.

use crate::ntt::bitrev::bit_reverse_copy;
use crate::ntt::radix2::{dif_of_products_with, dif_with, dit_with, mul_slices_with, NttKernel};
use crate::ntt::scratch::with_buffer;
use crate::twiddles::{scaled_powers, stage_twiddles};
use backend_api::{bit_reverse, bit_reverse_permute, Fp, Order};
use rayon::prelude::*;

/// What the input column holds.
#[derive(Copy, Clone, PartialEq, Eq)]
pub enum LdeInput {
    Evaluations,
    Coefficients,
}

/// Shape and parameters shared by every column of one LDE call.
#[derive(Copy, Clone)]
pub struct LdeParams {
    pub log_n: u32,
    pub log_b: u32,
    pub shift: Fp,
    pub source: LdeInput,
    pub input: Order,
    pub output: Order,
}

/// Extends `src` (length `n`) into `out` (length `n * B`).
pub fn lde_column(src: &[u64], out: &mut [u64], p: &LdeParams, parallel: bool) {
    lde_column_with(NttKernel::detect(), src, out, p, parallel)
}

/// [`lde_column`] on the given butterfly kernel.
pub fn lde_column_with(
    kernel: NttKernel,
    src: &[u64],
    out: &mut [u64],
    p: &LdeParams,
    parallel: bool,
) {
    let n = 1usize << p.log_n;
    // Step 1: `coeffs[j]` is coefficient j (times n for evaluations).
    match (p.source, p.input) {
        (LdeInput::Coefficients, Order::Natural) => extend(kernel, src, out, p, parallel),
        (source, input) => with_buffer(n, |coeffs| {
            // The inverse DIT wants bit-reversed evaluations; coefficients
            // arrive here bit-reversed and are wanted natural.
            let evaluations = source == LdeInput::Evaluations;
            if evaluations == (input == Order::Natural) {
                bit_reverse_copy(src, coeffs, p.log_n);
            } else {
                coeffs.copy_from_slice(src);
            }
            if evaluations {
                // Bit-reversed evaluations to natural coefficients (times n).
                dit_with(kernel, coeffs, &stage_twiddles(p.log_n, true), parallel);
            }
            extend(kernel, coeffs, out, p, parallel)
        }),
    }
}

/// Steps 2 and 3 from natural-order `coeffs` (times n for evaluations).
fn extend(kernel: NttKernel, coeffs: &[u64], out: &mut [u64], p: &LdeParams, parallel: bool) {
    let n = 1usize << p.log_n;
    let log_big = p.log_n + p.log_b;
    let scale = match p.source {
        LdeInput::Evaluations => Fp::new(n as u64).inverse().expect("2^k is invertible"),
        LdeInput::Coefficients => Fp::ONE,
    };
    let w_big = Fp::root_of_unity(log_big).expect("checked <= 32");
    let tables: Vec<_> = (0..1usize << p.log_b)
        .map(|q| {
            let t = p.shift * w_big.pow(bit_reverse(q, p.log_b) as u64);
            scaled_powers(p.log_n, t, scale)
        })
        .collect();
    let tw = stage_twiddles(p.log_n, false);
    if parallel {
        // Step 2 as its own pass (in pieces, on every thread), then step 3
        // with each DIF itself parallel.
        const PIECE: usize = 1 << 12;
        for (chunk, table) in out.chunks_mut(n).zip(&tables) {
            chunk
                .par_chunks_mut(PIECE)
                .zip(coeffs.par_chunks(PIECE))
                .zip(table.par_chunks(PIECE))
                .for_each(|((d, c), t)| mul_slices_with(kernel, d, c, t));
        }
        out.par_chunks_mut(n)
            .for_each(|chunk| dif_with(kernel, chunk, &tw, true));
    } else {
        // Steps 2 and 3 fused: the DIF's first pass reads the products.
        for (chunk, table) in out.chunks_mut(n).zip(&tables) {
            dif_of_products_with(kernel, chunk, coeffs, table, &tw);
        }
    }
    if p.output == Order::Natural {
        bit_reverse_permute(out);
    }
}
