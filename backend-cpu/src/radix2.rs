//! Radix-2 NTT kernels on one raw `u64` column (see [`crate::arith`]).
//!
//! * [`dif`]: decimation in frequency, largest stride first. Natural-order
//!   input, bit-reversed output: `x[bit_reverse(i)] = sum_j x_j w^(i j)`.
//! * [`dit`]: decimation in time, smallest stride first. Bit-reversed input,
//!   natural-order output, the same sums.
//!
//! `w` is `root_of_unity(log2 n)` (or its inverse), given through a table
//! from [`crate::twiddles::stage_twiddles`]: the stage with half-size `h`
//! uses `tw[h + j] = w_{2h}^j`.
//!
//! Cache blocking: a column of `n > 2^LOG_BLOCK` values is seen as a
//! row-major `rows x BLOCK` matrix. The stages with stride `>= BLOCK` mix
//! only values of one matrix column, so they run on `GROUP` matrix columns
//! at a time, gathered into a small scratch buffer; the remaining stages
//! stay inside one row of `BLOCK` values (32 KiB, in L1). Each value then
//! crosses main memory twice per transform instead of once per stage.
//!
//! Inputs must be canonical or raw; outputs are canonical.

use crate::arith::{add, canonical, mul, sub};
use rayon::prelude::*;

const LOG_BLOCK: u32 = 12;
const BLOCK: usize = 1 << LOG_BLOCK;
/// Matrix columns gathered at once in the outer stages (two cache lines).
const GROUP: usize = 16;
/// A parallel transform at or below this size runs on one thread.
const PAR_MIN: usize = 1 << 16;
/// Work unit of the parallel outer stages.
const PAR_CHUNK: usize = 1 << 12;

/// DIF butterflies `(a, b) -> (a + b, (a - b) w)` over matching slices.
#[inline(always)]
fn dif_butterflies(lo: &mut [u64], hi: &mut [u64], tw: &[u64]) {
    for ((a, b), &w) in lo.iter_mut().zip(hi.iter_mut()).zip(tw) {
        let (u, v) = (*a, *b);
        *a = add(u, v);
        *b = mul(sub(u, v), w);
    }
}

/// DIT butterflies `(a, b) -> (a + b w, a - b w)` over matching slices.
#[inline(always)]
fn dit_butterflies(lo: &mut [u64], hi: &mut [u64], tw: &[u64]) {
    for ((a, b), &w) in lo.iter_mut().zip(hi.iter_mut()).zip(tw) {
        let (u, v) = (*a, mul(*b, w));
        *a = add(u, v);
        *b = sub(u, v);
    }
}

/// The in-row DIF stages `h = len/2, ..., 1` of one row, then canonical values.
/// The last two stages run fused on groups of four (twiddles 1 and `w_4`),
/// which skips their multiplications by 1 and their short inner loops.
fn dif_row(row: &mut [u64], tw: &[u64]) {
    let mut h = row.len() / 2;
    while h > 2 {
        for block in row.chunks_exact_mut(2 * h) {
            let (lo, hi) = block.split_at_mut(h);
            dif_butterflies(lo, hi, &tw[h..2 * h]);
        }
        h /= 2;
    }
    match row.len() {
        1 => row[0] = canonical(row[0]),
        2 => {
            let (u, v) = (row[0], row[1]);
            row[0] = canonical(add(u, v));
            row[1] = canonical(sub(u, v));
        }
        _ => {
            let w4 = tw[3];
            for q in row.chunks_exact_mut(4) {
                let (y0, y2) = (add(q[0], q[2]), sub(q[0], q[2]));
                let (y1, y3) = (add(q[1], q[3]), mul(sub(q[1], q[3]), w4));
                q[0] = canonical(add(y0, y1));
                q[1] = canonical(sub(y0, y1));
                q[2] = canonical(add(y2, y3));
                q[3] = canonical(sub(y2, y3));
            }
        }
    }
}

/// The in-row DIT stages `h = 1, ..., len/2` of one row (raw output); the
/// first two fused on groups of four, as in [`dif_row`].
fn dit_row(row: &mut [u64], tw: &[u64]) {
    match row.len() {
        1 => {}
        2 => {
            let (u, v) = (row[0], row[1]);
            row[0] = add(u, v);
            row[1] = sub(u, v);
        }
        _ => {
            let w4 = tw[3];
            for q in row.chunks_exact_mut(4) {
                let (y0, y1) = (add(q[0], q[1]), sub(q[0], q[1]));
                let (y2, y3) = (add(q[2], q[3]), mul(sub(q[2], q[3]), w4));
                q[0] = add(y0, y2);
                q[2] = sub(y0, y2);
                q[1] = add(y1, y3);
                q[3] = sub(y1, y3);
            }
        }
    }
    let mut h = 4;
    while h < row.len() {
        for block in row.chunks_exact_mut(2 * h) {
            let (lo, hi) = block.split_at_mut(h);
            dit_butterflies(lo, hi, &tw[h..2 * h]);
        }
        h *= 2;
    }
}

/// Copies matrix columns `c0 .. c0 + g` (row length `c`) into `scratch`,
/// `g` values per row.
fn gather(x: &[u64], c: usize, c0: usize, g: usize, scratch: &mut [u64]) {
    for (dst, row) in scratch.chunks_exact_mut(g).zip(x.chunks_exact(c)) {
        dst.copy_from_slice(&row[c0..c0 + g]);
    }
}

fn scatter(x: &mut [u64], c: usize, c0: usize, g: usize, scratch: &[u64]) {
    for (src, row) in scratch.chunks_exact(g).zip(x.chunks_exact_mut(c)) {
        row[c0..c0 + g].copy_from_slice(src);
    }
}

/// Runs the stages of stride `>= c` on `g` gathered matrix columns starting
/// at `c0`. `rows` rows; `dif` picks the stage order and butterfly.
fn outer_stages(s: &mut [u64], rows: usize, c: usize, c0: usize, g: usize, tw: &[u64], dif: bool) {
    let mut hr = if dif { rows / 2 } else { 1 };
    while hr >= 1 && hr < rows {
        let h = hr * c;
        for rb in (0..rows).step_by(2 * hr) {
            let (lo, hi) = s[rb * g..(rb + 2 * hr) * g].split_at_mut(hr * g);
            for r in 0..hr {
                // Value (row rb + r, column c0 + t) sits at offset
                // r * c + c0 + t inside its block of 2h.
                let w = &tw[h + r * c + c0..h + r * c + c0 + g];
                let a = &mut lo[r * g..(r + 1) * g];
                let b = &mut hi[r * g..(r + 1) * g];
                if dif {
                    dif_butterflies(a, b, w);
                } else {
                    dit_butterflies(a, b, w);
                }
            }
        }
        hr = if dif { hr / 2 } else { hr * 2 };
    }
}

/// Sequential cache-blocked DIF (natural in, bit-reversed out, canonical).
pub fn dif_seq(x: &mut [u64], tw: &[u64]) {
    let n = x.len();
    if n == 0 {
        return;
    }
    let c = n.min(BLOCK);
    let rows = n / c;
    if rows > 1 {
        let g = GROUP.min(c);
        let mut scratch = vec![0u64; rows * g];
        for c0 in (0..c).step_by(g) {
            gather(x, c, c0, g, &mut scratch);
            outer_stages(&mut scratch, rows, c, c0, g, tw, true);
            scatter(x, c, c0, g, &scratch);
        }
    }
    for row in x.chunks_exact_mut(c) {
        dif_row(row, tw);
    }
}

/// Sequential cache-blocked DIT (bit-reversed in, natural out). Canonical
/// output when `canon`, raw otherwise.
pub fn dit_seq(x: &mut [u64], tw: &[u64], canon: bool) {
    let n = x.len();
    if n == 0 {
        return;
    }
    let c = n.min(BLOCK);
    let rows = n / c;
    for row in x.chunks_exact_mut(c) {
        dit_row(row, tw);
    }
    if rows > 1 {
        let g = GROUP.min(c);
        let mut scratch = vec![0u64; rows * g];
        for c0 in (0..c).step_by(g) {
            gather(x, c, c0, g, &mut scratch);
            outer_stages(&mut scratch, rows, c, c0, g, tw, false);
            if canon {
                scratch.iter_mut().for_each(|v| *v = canonical(*v));
            }
            scatter(x, c, c0, g, &scratch);
        }
    } else if canon {
        x.iter_mut().for_each(|v| *v = canonical(*v));
    }
}

/// DIF of one column; with `parallel`, the stride-`n/2` stage runs on all
/// threads and the halves recurse with `rayon::join`.
pub fn dif(x: &mut [u64], tw: &[u64], parallel: bool) {
    let n = x.len();
    if !parallel || n <= PAR_MIN {
        return dif_seq(x, tw);
    }
    let h = n / 2;
    let (lo, hi) = x.split_at_mut(h);
    lo.par_chunks_mut(PAR_CHUNK)
        .zip(hi.par_chunks_mut(PAR_CHUNK))
        .zip(tw[h..2 * h].par_chunks(PAR_CHUNK))
        .for_each(|((a, b), w)| dif_butterflies(a, b, w));
    rayon::join(|| dif(lo, tw, true), || dif(hi, tw, true));
}

/// DIT of one column (canonical output); parallel as [`dif`], mirrored.
pub fn dit(x: &mut [u64], tw: &[u64], parallel: bool) {
    dit_inner(x, tw, parallel, true)
}

fn dit_inner(x: &mut [u64], tw: &[u64], parallel: bool, canon: bool) {
    let n = x.len();
    if !parallel || n <= PAR_MIN {
        return dit_seq(x, tw, canon);
    }
    let h = n / 2;
    let (lo, hi) = x.split_at_mut(h);
    rayon::join(
        || dit_inner(lo, tw, true, false),
        || dit_inner(hi, tw, true, false),
    );
    lo.par_chunks_mut(PAR_CHUNK)
        .zip(hi.par_chunks_mut(PAR_CHUNK))
        .zip(tw[h..2 * h].par_chunks(PAR_CHUNK))
        .for_each(|((a, b), w)| {
            dit_butterflies(a, b, w);
            if canon {
                a.iter_mut()
                    .chain(b.iter_mut())
                    .for_each(|v| *v = canonical(*v));
            }
        });
}
