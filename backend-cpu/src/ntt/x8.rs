//! Goldilocks NTT butterflies on eight `u64` lanes of an AVX-512 register.
//!
//! Values are raw (any `u64` standing for itself mod p), as in
//! [`crate::arith`]; only [`canonical`] brings them into `[0, p)`. The
//! butterflies of one stage over a contiguous half-block `(x[i], x[i + h])`
//! vectorize across `i`, twiddles coming from the contiguous stage table.
//! The three smallest stages (half-sizes 4, 2, 1) mix values inside one
//! vector, so they run on 8 x 8 blocks transposed in registers: after the
//! transpose, vector `k` holds element `k` of eight size-8 groups and every
//! butterfly is between whole vectors with one broadcast twiddle.
//!
//! Every function here executes AVX-512F instructions. They are reachable
//! only through an [`FieldX8`] value, which [`FieldX8::new`] creates only after
//! detecting AVX-512F at run time, and they are meant to be inlined into a
//! `#[target_feature(enable = "avx512f")]` entry point (see
//! [`crate::ntt::radix2`]).

use crate::arith::EPSILON;
use crate::ntt::radix2::{Butterflies, Quarters};
use backend_api::field::P;
use core::arch::x86_64::*;

type V = __m512i;

/// Whether the running CPU has every feature this module uses.
pub(crate) fn supported() -> bool {
    crate::isa::avx512f()
}

/// Proof that AVX-512F was detected: the only way to reach the kernels.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FieldX8 {
    _detected: (),
}

impl FieldX8 {
    pub(crate) fn new() -> Option<FieldX8> {
        supported().then_some(FieldX8 { _detected: () })
    }

    /// `dst[i] = a[i] op b[i]`, canonical, for canonical `a` and `b` at
    /// least as long as `dst`, whose length is a multiple of 8.
    #[inline(always)]
    pub(crate) fn lanes(self, op: LaneOp, dst: &mut [u64], a: &[u64], b: &[u64]) {
        match op {
            LaneOp::Add => lanes_with(dst, a, b, add),
            LaneOp::Sub => lanes_with(dst, a, b, sub),
            LaneOp::Mul => lanes_with(dst, a, b, mul),
        }
    }

    /// `acc[i] = acc[i] + a[i] * s`, canonical, for canonical `acc`, `a`
    /// (at least as long as `acc`, whose length is a multiple of 8) and `s`.
    #[inline(always)]
    pub(crate) fn mul_add(self, acc: &mut [u64], a: &[u64], s: u64) {
        assert!(acc.len().is_multiple_of(8) && a.len() >= acc.len());
        let s = splat(s);
        for (d, x) in acc.chunks_exact_mut(8).zip(a.chunks_exact(8)) {
            store(d, canonical(add(load(d), mul(load(x), s))));
        }
    }

    /// `sum_i a[i] * b[i]`, canonical, for canonical `a` and `b` of one
    /// length, a multiple of 8: eight running sums, added at the end.
    #[inline(always)]
    pub(crate) fn dot(self, a: &[u64], b: &[u64]) -> u64 {
        assert!(a.len() == b.len() && a.len().is_multiple_of(8));
        let mut acc = splat(0);
        for (x, y) in a.chunks_exact(8).zip(b.chunks_exact(8)) {
            acc = add(acc, mul(load(x), load(y)));
        }
        let mut lanes = [0u64; 8];
        store(&mut lanes, canonical(acc));
        let sum = lanes.iter().fold(0, |s, &v| crate::arith::add(s, v));
        crate::arith::canonical(sum)
    }
}

/// An elementwise operation of [`FieldX8::lanes`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LaneOp {
    Add,
    Sub,
    Mul,
}

/// `dst[i] = canonical(f(a[i], b[i]))`, eight lanes at a time.
#[inline(always)]
fn lanes_with(dst: &mut [u64], a: &[u64], b: &[u64], f: impl Fn(V, V) -> V) {
    assert!(dst.len().is_multiple_of(8) && a.len() >= dst.len() && b.len() >= dst.len());
    for ((d, x), y) in dst
        .chunks_exact_mut(8)
        .zip(a.chunks_exact(8))
        .zip(b.chunks_exact(8))
    {
        store(d, canonical(f(load(x), load(y))));
    }
}

// SAFETY (for every `unsafe` block below that only calls register
// intrinsics): these functions are called only through an `FieldX8`, which
// exists only when AVX-512F was detected.

#[inline(always)]
fn splat(x: u64) -> V {
    // SAFETY: see the note above.
    unsafe { _mm512_set1_epi64(x as i64) }
}

#[inline(always)]
fn load(x: &[u64]) -> V {
    assert!(x.len() >= 8);
    // SAFETY: the 64 bytes from `x`'s start are in bounds (asserted);
    // unaligned loads are allowed; AVX-512F detected (note above).
    unsafe { _mm512_loadu_si512(x.as_ptr().cast()) }
}

#[inline(always)]
fn store(x: &mut [u64], v: V) {
    assert!(x.len() >= 8);
    // SAFETY: as in `load`, for a write.
    unsafe { _mm512_storeu_si512(x.as_mut_ptr().cast(), v) }
}

/// `a + b (mod p)`, raw: on a carry add `2^64 mod p = EPSILON`, and once
/// more if that wraps (then the sum is below EPSILON and cannot wrap again).
#[inline(always)]
fn add(a: V, b: V) -> V {
    // SAFETY: see the note above.
    unsafe {
        let eps = splat(EPSILON);
        let s = _mm512_add_epi64(a, b);
        let carry = _mm512_cmplt_epu64_mask(s, a);
        let s = _mm512_mask_add_epi64(s, carry, s, eps);
        let carry2 = _mm512_mask_cmplt_epu64_mask(carry, s, eps);
        _mm512_mask_add_epi64(s, carry2, s, eps)
    }
}

/// `a - b (mod p)`, raw; the mirror of [`add`].
#[inline(always)]
fn sub(a: V, b: V) -> V {
    // SAFETY: see the note above.
    unsafe {
        let eps = splat(EPSILON);
        let d = _mm512_sub_epi64(a, b);
        let borrow = _mm512_cmplt_epu64_mask(a, b);
        let borrow2 = _mm512_mask_cmplt_epu64_mask(borrow, d, eps);
        let d = _mm512_mask_sub_epi64(d, borrow, d, eps);
        _mm512_mask_sub_epi64(d, borrow2, d, eps)
    }
}

/// Dword shuffle selectors: (1, 1, 3, 3) and (0, 0, 2, 2) in each 128 bits.
const ODD_DWORDS: _MM_PERM_ENUM = 0xf5;
const EVEN_DWORDS: _MM_PERM_ENUM = 0xa0;
/// The odd (high) dword of each 64-bit lane.
const ODD_SLOTS: __mmask16 = 0xaaaa;

/// `a * b (mod p)`, raw. The 128-bit product `hi * 2^64 + lo` comes from
/// four 32 x 32-bit products; then, as in [`crate::arith::mul`],
/// `x = lo - hi_hi + hi_lo (2^32 - 1) (mod p)` with the borrow and the
/// carry corrected by EPSILON.
#[inline(always)]
fn mul(a: V, b: V) -> V {
    // SAFETY: see the note above.
    unsafe {
        let m32 = splat(EPSILON);
        // High halves moved down by a dword shuffle (odd dwords copied into
        // the even slots), which runs beside the shifts below.
        let a_hi = _mm512_shuffle_epi32::<ODD_DWORDS>(a);
        let b_hi = _mm512_shuffle_epi32::<ODD_DWORDS>(b);
        // `_mm512_mul_epu32` multiplies the low 32 bits of each lane.
        let ll = _mm512_mul_epu32(a, b);
        let lh = _mm512_mul_epu32(a, b_hi);
        let hl = _mm512_mul_epu32(a_hi, b);
        let hh = _mm512_mul_epu32(a_hi, b_hi);
        // a b = hh 2^64 + (lh + hl) 2^32 + ll, carried in 32-bit steps so
        // that no 64-bit sum overflows.
        let t = _mm512_add_epi64(hl, _mm512_srli_epi64::<32>(ll));
        let u = _mm512_add_epi64(lh, _mm512_and_si512(t, m32));
        // lo: low dword from `ll`, high dword = `u`'s low dword (even
        // dwords of `u` copied into the odd slots, merged under a mask).
        let lo = _mm512_mask_shuffle_epi32::<EVEN_DWORDS>(ll, ODD_SLOTS, u);
        let hi = _mm512_add_epi64(
            hh,
            _mm512_add_epi64(_mm512_srli_epi64::<32>(t), _mm512_srli_epi64::<32>(u)),
        );
        reduce128(lo, hi)
    }
}

/// `hi * 2^64 + lo (mod p)`, raw: `lo - hi_hi + hi_lo (2^32 - 1)` with the
/// borrow and the carry corrected by EPSILON (as [`crate::arith::mul`]).
#[inline(always)]
fn reduce128(lo: V, hi: V) -> V {
    // SAFETY: see the note above.
    unsafe {
        let m32 = splat(EPSILON);
        let hi_hi = _mm512_srli_epi64::<32>(hi);
        let borrow = _mm512_cmplt_epu64_mask(lo, hi_hi);
        let t0 = _mm512_sub_epi64(lo, hi_hi);
        let t0 = _mm512_mask_sub_epi64(t0, borrow, t0, m32);
        // hi_lo * (2^32 - 1), one 32 x 32-bit product.
        let t1 = _mm512_mul_epu32(hi, m32);
        let r = _mm512_add_epi64(t0, t1);
        let carry = _mm512_cmplt_epu64_mask(r, t1);
        _mm512_mask_add_epi64(r, carry, r, m32)
    }
}

/// `x * 2^48 (mod p)`, raw: the product is `hi 2^64 + lo` with
/// `lo = x << 48`, `hi = x >> 16 < 2^48`, reduced as in [`mul`].
#[inline(always)]
fn mul_2_48(x: V) -> V {
    // SAFETY: see the note above.
    unsafe { reduce128(_mm512_slli_epi64::<48>(x), _mm512_srli_epi64::<16>(x)) }
}

/// `(a - b) w4` for `w4 = 2^48` (`forward`) or `w4 = -2^48`.
#[inline(always)]
fn sub_times_w4(a: V, b: V, forward: bool) -> V {
    if forward {
        mul_2_48(sub(a, b))
    } else {
        mul_2_48(sub(b, a))
    }
}

/// Whether `w4` is `2^48` (else `-2^48`); any other value is a caller bug.
#[inline(always)]
fn w4_is_forward(w4: u64) -> bool {
    const W4: u64 = 1 << 48;
    assert!(w4 == W4 || w4 == P - W4, "w_4 is +-2^48");
    w4 == W4
}

/// The canonical representatives of raw values.
#[inline(always)]
fn canonical(x: V) -> V {
    // SAFETY: see the note above.
    unsafe {
        let p = splat(P);
        let ge = _mm512_cmpge_epu64_mask(x, p);
        _mm512_mask_sub_epi64(x, ge, x, p)
    }
}

/// Transposes the 8 x 8 matrix whose rows are `r[0..8]` (an involution).
#[inline(always)]
fn transpose(r: &mut [V; 8]) {
    // SAFETY: see the note above.
    unsafe {
        // Pairs: t[2i] = (r[2i][k], r[2i+1][k]) for even k, t[2i+1] for odd k.
        let mut t = [splat(0); 8];
        for i in 0..4 {
            t[2 * i] = _mm512_unpacklo_epi64(r[2 * i], r[2 * i + 1]);
            t[2 * i + 1] = _mm512_unpackhi_epi64(r[2 * i], r[2 * i + 1]);
        }
        // Quads of rows 0-3 (and 4-7): 128-bit pieces of two pair vectors.
        let lo = _mm512_set_epi64(13, 12, 5, 4, 9, 8, 1, 0);
        let hi = _mm512_set_epi64(15, 14, 7, 6, 11, 10, 3, 2);
        let mut u = [splat(0); 8];
        for base in [0, 4] {
            for parity in 0..2 {
                let (a, b) = (t[base + parity], t[base + 2 + parity]);
                // u[base + parity]: columns parity, parity + 4;
                // u[base + 2 + parity]: columns parity + 2, parity + 6.
                u[base + parity] = _mm512_permutex2var_epi64(a, lo, b);
                u[base + 2 + parity] = _mm512_permutex2var_epi64(a, hi, b);
            }
        }
        // Whole columns: the 256-bit halves of rows 0-3 and rows 4-7.
        let first = _mm512_set_epi64(11, 10, 9, 8, 3, 2, 1, 0);
        let second = _mm512_set_epi64(15, 14, 13, 12, 7, 6, 5, 4);
        for k in 0..4 {
            r[k] = _mm512_permutex2var_epi64(u[k], first, u[4 + k]);
            r[k + 4] = _mm512_permutex2var_epi64(u[k], second, u[4 + k]);
        }
    }
}

/// Loads 64 values as eight groups of eight, transposed: vector `k` holds
/// element `k` of each group.
#[inline(always)]
fn load_transposed(x: &[u64]) -> [V; 8] {
    let mut r = [splat(0); 8];
    for (g, v) in r.iter_mut().enumerate() {
        *v = load(&x[8 * g..]);
    }
    transpose(&mut r);
    r
}

#[inline(always)]
fn store_transposed(x: &mut [u64], mut r: [V; 8]) {
    transpose(&mut r);
    for (g, v) in r.iter().enumerate() {
        store(&mut x[8 * g..], *v);
    }
}

/// DIF butterfly on whole vectors; `w = None` is the twiddle 1.
#[inline(always)]
fn dif_pair(r: &mut [V; 8], i: usize, j: usize, w: Option<V>) {
    let (a, b) = (r[i], r[j]);
    r[i] = add(a, b);
    r[j] = match w {
        Some(w) => mul(sub(a, b), w),
        None => sub(a, b),
    };
}

/// DIT butterfly on whole vectors; `w = None` is the twiddle 1.
#[inline(always)]
fn dit_pair(r: &mut [V; 8], i: usize, j: usize, w: Option<V>) {
    let a = r[i];
    let b = match w {
        Some(w) => mul(r[j], w),
        None => r[j],
    };
    r[i] = add(a, b);
    r[j] = sub(a, b);
}

/// Twiddle `tw[h + j]` broadcast, or `None` for `j = 0` (always 1).
#[inline(always)]
fn twiddle(tw: &[u64], h: usize, j: usize) -> Option<V> {
    (j > 0).then(|| splat(tw[h + j]))
}

impl Butterflies for FieldX8 {
    const MIN_HALF: usize = 8;
    const MIN_LEN: usize = 64;

    #[inline(always)]
    fn dif(self, lo: &mut [u64], hi: &mut [u64], tw: &[u64]) {
        assert!(lo.len() == hi.len() && tw.len() >= lo.len() && lo.len().is_multiple_of(8));
        for ((a, b), w) in lo
            .chunks_exact_mut(8)
            .zip(hi.chunks_exact_mut(8))
            .zip(tw.chunks_exact(8))
        {
            let (u, v) = (load(a), load(b));
            store(a, add(u, v));
            store(b, mul(sub(u, v), load(w)));
        }
    }

    #[inline(always)]
    fn dit(self, lo: &mut [u64], hi: &mut [u64], tw: &[u64]) {
        assert!(lo.len() == hi.len() && tw.len() >= lo.len() && lo.len().is_multiple_of(8));
        for ((a, b), w) in lo
            .chunks_exact_mut(8)
            .zip(hi.chunks_exact_mut(8))
            .zip(tw.chunks_exact(8))
        {
            let (u, v) = (load(a), mul(load(b), load(w)));
            store(a, add(u, v));
            store(b, sub(u, v));
        }
    }

    #[inline(always)]
    fn dif4(self, x: Quarters<'_>, w1: &[u64], w2: &[u64], w3: &[u64], w4: u64) {
        let forward = w4_is_forward(w4);
        let [x0, x1, x2, x3] = x;
        let len = x0.len();
        assert!(len.is_multiple_of(8) && [x1.len(), x2.len(), x3.len()] == [len; 3]);
        assert!(w1.len() >= len && w2.len() >= len && w3.len() >= len);
        for j in (0..len).step_by(8) {
            let (a, b) = (load(&x0[j..]), load(&x1[j..]));
            let (c, d) = (load(&x2[j..]), load(&x3[j..]));
            let (big_a, big_b) = (add(a, c), add(b, d));
            let (big_c, big_d) = (sub(a, c), sub_times_w4(b, d, forward));
            store(&mut x0[j..], add(big_a, big_b));
            store(&mut x1[j..], mul(sub(big_a, big_b), load(&w2[j..])));
            store(&mut x2[j..], mul(add(big_c, big_d), load(&w1[j..])));
            store(&mut x3[j..], mul(sub(big_c, big_d), load(&w3[j..])));
        }
    }

    #[inline(always)]
    fn dit4(self, x: Quarters<'_>, w1: &[u64], w2: &[u64], w3: &[u64], w4: u64) {
        let forward = w4_is_forward(w4);
        let [x0, x1, x2, x3] = x;
        let len = x0.len();
        assert!(len.is_multiple_of(8) && [x1.len(), x2.len(), x3.len()] == [len; 3]);
        assert!(w1.len() >= len && w2.len() >= len && w3.len() >= len);
        for j in (0..len).step_by(8) {
            let a = load(&x0[j..]);
            let b = mul(load(&x1[j..]), load(&w2[j..]));
            let p = mul(load(&x2[j..]), load(&w1[j..]));
            let q = mul(load(&x3[j..]), load(&w3[j..]));
            let (s, d) = (add(a, b), sub(a, b));
            let (pq, r) = (add(p, q), sub_times_w4(p, q, forward));
            store(&mut x0[j..], add(s, pq));
            store(&mut x2[j..], sub(s, pq));
            store(&mut x1[j..], add(d, r));
            store(&mut x3[j..], sub(d, r));
        }
    }

    #[inline(always)]
    fn dif_tail(self, row: &mut [u64], tw: &[u64]) {
        assert!(row.len().is_multiple_of(64));
        let w8 = [twiddle(tw, 4, 1), twiddle(tw, 4, 2), twiddle(tw, 4, 3)];
        let w4 = twiddle(tw, 2, 1);
        for block in row.chunks_exact_mut(64) {
            let mut r = load_transposed(block);
            dif_pair(&mut r, 0, 4, None);
            for j in 1..4 {
                dif_pair(&mut r, j, j + 4, w8[j - 1]);
            }
            for b in [0, 4] {
                dif_pair(&mut r, b, b + 2, None);
                dif_pair(&mut r, b + 1, b + 3, w4);
            }
            for b in [0, 2, 4, 6] {
                dif_pair(&mut r, b, b + 1, None);
            }
            // A plain loop: closures (`map`) would not be inlined into the
            // AVX-512 entry point and would call the intrinsics out of line.
            for v in r.iter_mut() {
                *v = canonical(*v);
            }
            store_transposed(block, r);
        }
    }

    #[inline(always)]
    fn dit_head(self, row: &mut [u64], tw: &[u64]) {
        assert!(row.len().is_multiple_of(64));
        let w8 = [twiddle(tw, 4, 1), twiddle(tw, 4, 2), twiddle(tw, 4, 3)];
        let w4 = twiddle(tw, 2, 1);
        for block in row.chunks_exact_mut(64) {
            let mut r = load_transposed(block);
            for b in [0, 2, 4, 6] {
                dit_pair(&mut r, b, b + 1, None);
            }
            for b in [0, 4] {
                dit_pair(&mut r, b, b + 2, None);
                dit_pair(&mut r, b + 1, b + 3, w4);
            }
            dit_pair(&mut r, 0, 4, None);
            for j in 1..4 {
                dit_pair(&mut r, j, j + 4, w8[j - 1]);
            }
            store_transposed(block, r);
        }
    }

    #[inline(always)]
    fn mul_slices(self, dst: &mut [u64], a: &[u64], b: &[u64]) {
        assert!(dst.len().is_multiple_of(8) && a.len() >= dst.len() && b.len() >= dst.len());
        for ((d, x), y) in dst
            .chunks_exact_mut(8)
            .zip(a.chunks_exact(8))
            .zip(b.chunks_exact(8))
        {
            store(d, mul(load(x), load(y)));
        }
    }

    #[inline(always)]
    fn canonicalize(self, x: &mut [u64]) {
        assert!(x.len().is_multiple_of(8));
        for c in x.chunks_exact_mut(8) {
            store(c, canonical(load(c)));
        }
    }
}
