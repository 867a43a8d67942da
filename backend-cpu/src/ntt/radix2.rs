//! Power-of-two NTT kernels on one raw `u64` column (see [`crate::arith`]).
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
//! Inside a row, pairs of stages run as radix-4 steps (one pass over the
//! row and three general products per four butterflies, see
//! [`Butterflies::dif4`]); the outer stages stay radix-2 (radix-4 there
//! measured no faster).
//!
//! Inputs must be canonical or raw; outputs are canonical.
//!
//! The stages are written once, generic over [`Butterflies`]: the scalar
//! kernel ([`Scalar`]) and, on x86-64 CPUs with AVX-512F, eight lanes per
//! instruction ([`crate::ntt::x8`]). [`NttKernel`] picks one at run time; both
//! compute the same canonical outputs (the raw intermediate values may
//! differ, their residues mod p do not).

use crate::arith::{add, canonical, mul, sub};
#[cfg(target_arch = "x86_64")]
use crate::ntt::x8::{self, FieldX8};
use rayon::prelude::*;

const LOG_BLOCK: u32 = 12;
const BLOCK: usize = 1 << LOG_BLOCK;
/// Matrix columns gathered at once in the outer stages (four cache lines;
/// measured about 10% faster than two).
const GROUP: usize = 32;
/// A parallel transform at or below this size runs on one thread.
const PAR_MIN: usize = 1 << 16;
/// Work unit of the parallel outer stages.
const PAR_CHUNK: usize = 1 << 12;

/// The butterfly loops one kernel provides; everything else is shared.
pub trait Butterflies: Copy {
    /// Smallest half-size `h` that [`Butterflies::dif`] and
    /// [`Butterflies::dit`] handle; smaller stages belong to the tail/head.
    const MIN_HALF: usize;
    /// Smallest transform length the kernel accepts (and the multiple of
    /// it that rows must be).
    const MIN_LEN: usize;
    /// DIF butterflies `(a, b) -> (a + b, (a - b) w)` over matching slices
    /// `lo`, `hi`, `tw` (length a multiple of `MIN_HALF`).
    fn dif(self, lo: &mut [u64], hi: &mut [u64], tw: &[u64]);
    /// DIT butterflies `(a, b) -> (a + b w, a - b w)`, as [`Butterflies::dif`].
    fn dit(self, lo: &mut [u64], hi: &mut [u64], tw: &[u64]);
    /// Two DIF stages at once, half-sizes `h` then `h/2`, on the quarters
    /// `x0..x3` of blocks of `2h` (`x_q[j]` is block position `j + q h/2`):
    /// with `A = x0 + x2`, `B = x1 + x3`, `C = x0 - x2`, `D = (x1 - x3) w4`,
    /// the outputs are `A + B`, `(A - B) w2`, `(C + D) w1`, `(C - D) w3`,
    /// where `w1, w2, w3 = w_{2h}^j, w_{2h}^{2j}, w_{2h}^{3j}` and `w4` is
    /// `w_4 = w_{2h}^{h/2}` (`+-2^48`). Three general products instead of
    /// the four of two radix-2 stages, and one pass over the data.
    fn dif4(self, x: Quarters<'_>, w1: &[u64], w2: &[u64], w3: &[u64], w4: u64);
    /// Two DIT stages at once, half-sizes `h/2` then `h`: with `B = x1 w2`,
    /// `P = x2 w1`, `Q = x3 w3`, the outputs are `(x0 + B) + (P + Q)`,
    /// `(x0 - B) + (P - Q) w4`, `(x0 + B) - (P + Q)`, `(x0 - B) - (P - Q) w4`.
    fn dit4(self, x: Quarters<'_>, w1: &[u64], w2: &[u64], w3: &[u64], w4: u64);
    /// The DIF stages with `h < MIN_HALF` on a whole row, then canonical values.
    fn dif_tail(self, row: &mut [u64], tw: &[u64]);
    /// The DIT stages with `h < MIN_HALF` on a whole row (raw output).
    fn dit_head(self, row: &mut [u64], tw: &[u64]);
    /// `dst[i] = a[i] * b[i]` (raw), `dst.len()` a multiple of `MIN_HALF`.
    fn mul_slices(self, dst: &mut [u64], a: &[u64], b: &[u64]);
    /// Canonical values in place.
    fn canonicalize(self, x: &mut [u64]);
}

/// The four quarter slices of one radix-4 block.
pub type Quarters<'a> = [&'a mut [u64]; 4];

/// The portable kernel: one value at a time with [`crate::arith`].
#[derive(Clone, Copy, Debug)]
pub struct Scalar;

impl Butterflies for Scalar {
    const MIN_HALF: usize = 4;
    const MIN_LEN: usize = 1;

    #[inline(always)]
    fn dif(self, lo: &mut [u64], hi: &mut [u64], tw: &[u64]) {
        for ((a, b), &w) in lo.iter_mut().zip(hi.iter_mut()).zip(tw) {
            let (u, v) = (*a, *b);
            *a = add(u, v);
            *b = mul(sub(u, v), w);
        }
    }

    #[inline(always)]
    fn dit(self, lo: &mut [u64], hi: &mut [u64], tw: &[u64]) {
        for ((a, b), &w) in lo.iter_mut().zip(hi.iter_mut()).zip(tw) {
            let (u, v) = (*a, mul(*b, w));
            *a = add(u, v);
            *b = sub(u, v);
        }
    }

    #[inline(always)]
    fn dif4(self, x: Quarters<'_>, w1: &[u64], w2: &[u64], w3: &[u64], w4: u64) {
        let [x0, x1, x2, x3] = x;
        for j in 0..x0.len() {
            let (a, b, c, d) = (x0[j], x1[j], x2[j], x3[j]);
            let (big_a, big_b) = (add(a, c), add(b, d));
            let (big_c, big_d) = (sub(a, c), mul(sub(b, d), w4));
            x0[j] = add(big_a, big_b);
            x1[j] = mul(sub(big_a, big_b), w2[j]);
            x2[j] = mul(add(big_c, big_d), w1[j]);
            x3[j] = mul(sub(big_c, big_d), w3[j]);
        }
    }

    #[inline(always)]
    fn dit4(self, x: Quarters<'_>, w1: &[u64], w2: &[u64], w3: &[u64], w4: u64) {
        let [x0, x1, x2, x3] = x;
        for j in 0..x0.len() {
            let a = x0[j];
            let b = mul(x1[j], w2[j]);
            let (p, q) = (mul(x2[j], w1[j]), mul(x3[j], w3[j]));
            let (s, d) = (add(a, b), sub(a, b));
            let (pq, r) = (add(p, q), mul(sub(p, q), w4));
            x0[j] = add(s, pq);
            x2[j] = sub(s, pq);
            x1[j] = add(d, r);
            x3[j] = sub(d, r);
        }
    }

    /// The last two stages fused on groups of four (twiddles 1 and `w_4`),
    /// which skips their multiplications by 1 and their short inner loops.
    #[inline(always)]
    fn dif_tail(self, row: &mut [u64], tw: &[u64]) {
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

    #[inline(always)]
    fn dit_head(self, row: &mut [u64], tw: &[u64]) {
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
    }

    #[inline(always)]
    fn mul_slices(self, dst: &mut [u64], a: &[u64], b: &[u64]) {
        for ((d, &x), &y) in dst.iter_mut().zip(a).zip(b) {
            *d = mul(x, y);
        }
    }

    #[inline(always)]
    fn canonicalize(self, x: &mut [u64]) {
        x.iter_mut().for_each(|v| *v = canonical(*v));
    }
}

/// Which butterfly kernel a transform runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NttKernel {
    Scalar,
    #[cfg(target_arch = "x86_64")]
    Avx512,
}

impl NttKernel {
    /// Every kernel the running CPU supports, widest first; the last is scalar.
    pub fn supported() -> Vec<NttKernel> {
        let mut out = Vec::new();
        #[cfg(target_arch = "x86_64")]
        if x8::supported() {
            out.push(NttKernel::Avx512);
        }
        out.push(NttKernel::Scalar);
        out
    }

    /// The widest kernel the running CPU supports.
    pub fn detect() -> NttKernel {
        NttKernel::supported()[0]
    }

    /// The kernel to run a transform of length `n` on: vector kernels need
    /// whole blocks, shorter transforms run on the scalar one.
    fn for_len(self, n: usize) -> NttKernel {
        match self {
            #[cfg(target_arch = "x86_64")]
            NttKernel::Avx512 if n < FieldX8::MIN_LEN => NttKernel::Scalar,
            k => k,
        }
    }
}

/// `tw3[h + j] = w_{2h}^{3j} = tw[h + j] tw[h/2 + j]` for `j < h/2`, for
/// every half-size `h < len` (the radix-4 steps' third twiddle; entries
/// with `j >= h/2` unused). `len` is a row's length: a small table.
fn cubed_twiddles(tw: &[u64], len: usize) -> Vec<u64> {
    let mut tw3 = vec![0u64; len];
    let mut h = 2;
    while h < len {
        for j in 0..h / 2 {
            tw3[h + j] = canonical(mul(tw[h + j], tw[h / 2 + j]));
        }
        h *= 2;
    }
    tw3
}

/// Splits a block into its four quarters.
#[inline(always)]
fn quarters(block: &mut [u64]) -> Quarters<'_> {
    let q = block.len() / 4;
    let (x01, x23) = block.split_at_mut(2 * q);
    let (x0, x1) = x01.split_at_mut(q);
    let (x2, x3) = x23.split_at_mut(q);
    [x0, x1, x2, x3]
}

/// The in-row DIF stages `h = len/2, ..., 1` of one row, then canonical
/// values: pairs of stages as radix-4 steps, at most one radix-2 stage.
#[inline(always)]
fn dif_row<K: Butterflies>(k: K, row: &mut [u64], tw: &[u64], tw3: &[u64]) {
    let mut h = row.len() / 2;
    while h >= 2 * K::MIN_HALF {
        let q = h / 2;
        for block in row.chunks_exact_mut(2 * h) {
            k.dif4(
                quarters(block),
                &tw[h..h + q],
                &tw[q..h],
                &tw3[h..h + q],
                tw[3],
            );
        }
        h /= 4;
    }
    if h >= K::MIN_HALF {
        for block in row.chunks_exact_mut(2 * h) {
            let (lo, hi) = block.split_at_mut(h);
            k.dif(lo, hi, &tw[h..2 * h]);
        }
    }
    k.dif_tail(row, tw);
}

/// The in-row DIT stages `h = 1, ..., len/2` of one row (raw output): the
/// mirror of [`dif_row`], the radix-2 stage (if any) first.
#[inline(always)]
fn dit_row<K: Butterflies>(k: K, row: &mut [u64], tw: &[u64], tw3: &[u64]) {
    k.dit_head(row, tw);
    let mut h = K::MIN_HALF;
    if h < row.len() && (row.len() / h).trailing_zeros() % 2 == 1 {
        for block in row.chunks_exact_mut(2 * h) {
            let (lo, hi) = block.split_at_mut(h);
            k.dit(lo, hi, &tw[h..2 * h]);
        }
        h *= 2;
    }
    // Quarters of `h`: the stages of half-sizes `h` and `2h`.
    while h < row.len() {
        let big = 2 * h;
        for block in row.chunks_exact_mut(4 * h) {
            k.dit4(
                quarters(block),
                &tw[big..big + h],
                &tw[h..big],
                &tw3[big..big + h],
                tw[3],
            );
        }
        h *= 4;
    }
}

/// Copies matrix columns `c0 .. c0 + g` (row length `c`) into `scratch`,
/// `g` values per row.
#[inline(always)]
fn gather(x: &[u64], c: usize, c0: usize, g: usize, scratch: &mut [u64]) {
    for (dst, row) in scratch.chunks_exact_mut(g).zip(x.chunks_exact(c)) {
        dst.copy_from_slice(&row[c0..c0 + g]);
    }
}

/// As [`gather`], from the products `a[i] * b[i]` (raw) instead of `x`.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn gather_products<K: Butterflies>(
    k: K,
    a: &[u64],
    b: &[u64],
    c: usize,
    c0: usize,
    g: usize,
    scratch: &mut [u64],
) {
    for ((dst, ra), rb) in scratch
        .chunks_exact_mut(g)
        .zip(a.chunks_exact(c))
        .zip(b.chunks_exact(c))
    {
        k.mul_slices(dst, &ra[c0..c0 + g], &rb[c0..c0 + g]);
    }
}

#[inline(always)]
fn scatter(x: &mut [u64], c: usize, c0: usize, g: usize, scratch: &[u64]) {
    for (src, row) in scratch.chunks_exact(g).zip(x.chunks_exact_mut(c)) {
        row[c0..c0 + g].copy_from_slice(src);
    }
}

/// Runs the stages of stride `>= c` on `g` gathered matrix columns starting
/// at `c0`. `rows` rows; `dif` picks the stage order and butterfly.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn outer_stages<K: Butterflies>(
    k: K,
    s: &mut [u64],
    rows: usize,
    c: usize,
    c0: usize,
    g: usize,
    tw: &[u64],
    dif: bool,
) {
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
                    k.dif(a, b, w);
                } else {
                    k.dit(a, b, w);
                }
            }
        }
        hr = if dif { hr / 2 } else { hr * 2 };
    }
}

/// Sequential cache-blocked DIF (natural in, bit-reversed out, canonical).
/// With `products = Some((a, b))` the input is `a[i] * b[i]` rather than
/// `x`'s contents, multiplied while the first pass reads it (no separate
/// pass writing the products out and reading them back).
#[inline(always)]
fn dif_blocked<K: Butterflies>(
    k: K,
    x: &mut [u64],
    tw: &[u64],
    products: Option<(&[u64], &[u64])>,
) {
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
            match products {
                Some((a, b)) => gather_products(k, a, b, c, c0, g, &mut scratch),
                None => gather(x, c, c0, g, &mut scratch),
            }
            outer_stages(k, &mut scratch, rows, c, c0, g, tw, true);
            scatter(x, c, c0, g, &scratch);
        }
    } else if let Some((a, b)) = products {
        k.mul_slices(x, a, b);
    }
    let tw3 = cubed_twiddles(tw, c);
    for row in x.chunks_exact_mut(c) {
        dif_row(k, row, tw, &tw3);
    }
}

/// Sequential cache-blocked DIT (bit-reversed in, natural out). Canonical
/// output when `canon`, raw otherwise.
#[inline(always)]
fn dit_blocked<K: Butterflies>(k: K, x: &mut [u64], tw: &[u64], canon: bool) {
    let n = x.len();
    if n == 0 {
        return;
    }
    let c = n.min(BLOCK);
    let rows = n / c;
    let tw3 = cubed_twiddles(tw, c);
    for row in x.chunks_exact_mut(c) {
        dit_row(k, row, tw, &tw3);
    }
    if rows > 1 {
        let g = GROUP.min(c);
        let mut scratch = vec![0u64; rows * g];
        for c0 in (0..c).step_by(g) {
            gather(x, c, c0, g, &mut scratch);
            outer_stages(k, &mut scratch, rows, c, c0, g, tw, false);
            if canon {
                k.canonicalize(&mut scratch);
            }
            scatter(x, c, c0, g, &scratch);
        }
    } else if canon {
        k.canonicalize(x);
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn dif_blocked_x8(k: FieldX8, x: &mut [u64], tw: &[u64], products: Option<(&[u64], &[u64])>) {
    dif_blocked(k, x, tw, products)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn dit_blocked_x8(k: FieldX8, x: &mut [u64], tw: &[u64], canon: bool) {
    dit_blocked(k, x, tw, canon)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn butterflies_x8(k: FieldX8, lo: &mut [u64], hi: &mut [u64], tw: &[u64], dif: bool) {
    if dif {
        k.dif(lo, hi, tw)
    } else {
        k.dit(lo, hi, tw)
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn mul_slices_x8(k: FieldX8, dst: &mut [u64], a: &[u64], b: &[u64]) {
    k.mul_slices(dst, a, b)
}

#[cfg(target_arch = "x86_64")]
fn x8_token() -> FieldX8 {
    assert!(x8::supported(), "AVX-512 NTT kernel on a CPU without it");
    FieldX8::new().expect("AVX-512F detected just above")
}

/// Sequential cache-blocked DIF with the given kernel.
pub fn dif_seq_with(kernel: NttKernel, x: &mut [u64], tw: &[u64]) {
    dif_seq_products(kernel, x, tw, None)
}

/// `x = DIF(a * b)` (elementwise product, then the sequential DIF) with the
/// product fused into the DIF's first pass; `a`, `b` at least as long as `x`.
pub fn dif_of_products_with(kernel: NttKernel, x: &mut [u64], a: &[u64], b: &[u64], tw: &[u64]) {
    let n = x.len();
    assert!(
        a.len() >= n && b.len() >= n,
        "factors shorter than the output"
    );
    dif_seq_products(kernel, x, tw, Some((&a[..n], &b[..n])))
}

fn dif_seq_products(
    kernel: NttKernel,
    x: &mut [u64],
    tw: &[u64],
    products: Option<(&[u64], &[u64])>,
) {
    match kernel.for_len(x.len()) {
        NttKernel::Scalar => dif_blocked(Scalar, x, tw, products),
        #[cfg(target_arch = "x86_64")]
        NttKernel::Avx512 => {
            let k = x8_token();
            // SAFETY: AVX-512F was detected by `x8_token` just above.
            unsafe { dif_blocked_x8(k, x, tw, products) }
        }
    }
}

/// Sequential cache-blocked DIT with the given kernel (see [`dit_blocked`]).
pub fn dit_seq_with(kernel: NttKernel, x: &mut [u64], tw: &[u64], canon: bool) {
    match kernel.for_len(x.len()) {
        NttKernel::Scalar => dit_blocked(Scalar, x, tw, canon),
        #[cfg(target_arch = "x86_64")]
        NttKernel::Avx512 => {
            let k = x8_token();
            // SAFETY: AVX-512F was detected by `x8_token` just above.
            unsafe { dit_blocked_x8(k, x, tw, canon) }
        }
    }
}

/// `dst[i] = a[i] * b[i]` (raw values) with the given kernel.
pub fn mul_slices_with(kernel: NttKernel, dst: &mut [u64], a: &[u64], b: &[u64]) {
    assert!(a.len() >= dst.len() && b.len() >= dst.len());
    let split = match kernel {
        NttKernel::Scalar => 0,
        #[cfg(target_arch = "x86_64")]
        NttKernel::Avx512 => dst.len() / FieldX8::MIN_HALF * FieldX8::MIN_HALF,
    };
    let (head, tail) = dst.split_at_mut(split);
    if !head.is_empty() {
        #[cfg(target_arch = "x86_64")]
        {
            let k = x8_token();
            // SAFETY: AVX-512F was detected by `x8_token` just above.
            unsafe { mul_slices_x8(k, head, a, b) }
        }
    }
    Scalar.mul_slices(tail, &a[split..], &b[split..]);
}

/// One stage's butterflies over matching slices (lengths multiples of 8).
pub fn butterflies_with(kernel: NttKernel, lo: &mut [u64], hi: &mut [u64], tw: &[u64], dif: bool) {
    match kernel.for_len(lo.len()) {
        NttKernel::Scalar if dif => Scalar.dif(lo, hi, tw),
        NttKernel::Scalar => Scalar.dit(lo, hi, tw),
        #[cfg(target_arch = "x86_64")]
        NttKernel::Avx512 => {
            let k = x8_token();
            // SAFETY: AVX-512F was detected by `x8_token` just above.
            unsafe { butterflies_x8(k, lo, hi, tw, dif) }
        }
    }
}

/// DIF of one column; with `parallel`, the stride-`n/2` stage runs on all
/// threads and the halves recurse with `rayon::join`.
pub fn dif(x: &mut [u64], tw: &[u64], parallel: bool) {
    dif_with(NttKernel::detect(), x, tw, parallel)
}

pub fn dif_with(kernel: NttKernel, x: &mut [u64], tw: &[u64], parallel: bool) {
    let n = x.len();
    if !parallel || n <= PAR_MIN {
        return dif_seq_with(kernel, x, tw);
    }
    let h = n / 2;
    let (lo, hi) = x.split_at_mut(h);
    lo.par_chunks_mut(PAR_CHUNK)
        .zip(hi.par_chunks_mut(PAR_CHUNK))
        .zip(tw[h..2 * h].par_chunks(PAR_CHUNK))
        .for_each(|((a, b), w)| butterflies_with(kernel, a, b, w, true));
    rayon::join(
        || dif_with(kernel, lo, tw, true),
        || dif_with(kernel, hi, tw, true),
    );
}

/// DIT of one column (canonical output); parallel as [`dif`], mirrored.
pub fn dit(x: &mut [u64], tw: &[u64], parallel: bool) {
    dit_with(NttKernel::detect(), x, tw, parallel)
}

pub fn dit_with(kernel: NttKernel, x: &mut [u64], tw: &[u64], parallel: bool) {
    dit_inner(kernel, x, tw, parallel, true)
}

fn dit_inner(kernel: NttKernel, x: &mut [u64], tw: &[u64], parallel: bool, canon: bool) {
    let n = x.len();
    if !parallel || n <= PAR_MIN {
        return dit_seq_with(kernel, x, tw, canon);
    }
    let h = n / 2;
    let (lo, hi) = x.split_at_mut(h);
    rayon::join(
        || dit_inner(kernel, lo, tw, true, false),
        || dit_inner(kernel, hi, tw, true, false),
    );
    lo.par_chunks_mut(PAR_CHUNK)
        .zip(hi.par_chunks_mut(PAR_CHUNK))
        .zip(tw[h..2 * h].par_chunks(PAR_CHUNK))
        .for_each(|((a, b), w)| {
            butterflies_with(kernel, a, b, w, false);
            if canon {
                a.iter_mut()
                    .chain(b.iter_mut())
                    .for_each(|v| *v = canonical(*v));
            }
        });
}
