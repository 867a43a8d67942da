//! Four Keccak states side by side in AVX2 registers (`u64x4`): word `i`
//! of state `s` is 64-bit lane `s` of vector `i`. AVX2 has no 64-bit
//! rotate or three-input logic, so rotations are two shifts and an or, and
//! chi is `andnot` then `xor`.

use crate::keccak::lanes::Lanes;
use core::arch::x86_64::*;

/// One state word of four states.
#[derive(Clone, Copy)]
pub(crate) struct U64x4(__m256i);

/// Whether the running CPU has the features every `U64x4` method uses.
pub(crate) fn supported() -> bool {
    crate::isa::avx2()
}

impl Lanes for U64x4 {
    const WIDTH: usize = 4;
    const FUSED_XOR3: bool = false;
    #[inline(always)]
    unsafe fn splat(x: u64) -> U64x4 {
        U64x4(_mm256_set1_epi64x(x as i64))
    }
    #[inline(always)]
    unsafe fn xor(a: U64x4, b: U64x4) -> U64x4 {
        U64x4(_mm256_xor_si256(a.0, b.0))
    }
    #[inline(always)]
    unsafe fn xor3(a: U64x4, b: U64x4, c: U64x4) -> U64x4 {
        U64x4(_mm256_xor_si256(_mm256_xor_si256(a.0, b.0), c.0))
    }
    #[inline(always)]
    unsafe fn xor5(a: U64x4, b: U64x4, c: U64x4, d: U64x4, e: U64x4) -> U64x4 {
        let ab = _mm256_xor_si256(a.0, b.0);
        let cd = _mm256_xor_si256(c.0, d.0);
        U64x4(_mm256_xor_si256(_mm256_xor_si256(ab, cd), e.0))
    }
    #[inline(always)]
    unsafe fn rol<const N: i32>(a: U64x4) -> U64x4 {
        // Shift counts in a register: `64 - N` is not a const generic
        // expression on stable; with a constant count LLVM emits the
        // immediate forms anyway.
        let left = _mm256_sll_epi64(a.0, _mm_cvtsi64_si128(N as i64));
        let right = _mm256_srl_epi64(a.0, _mm_cvtsi64_si128(64 - N as i64));
        U64x4(_mm256_or_si256(left, right))
    }
    #[inline(always)]
    unsafe fn chi(a: U64x4, b: U64x4, c: U64x4) -> U64x4 {
        U64x4(_mm256_xor_si256(a.0, _mm256_andnot_si256(b.0, c.0)))
    }
    #[inline(always)]
    unsafe fn load(ptr: *const u8, stride: usize) -> U64x4 {
        if stride == 8 {
            // SAFETY: the caller guarantees the 32 bytes from `ptr` are readable.
            U64x4(unsafe { _mm256_loadu_si256(ptr.cast()) })
        } else {
            let s = stride as i64;
            let offsets = _mm256_set_epi64x(3 * s, 2 * s, s, 0);
            // SAFETY: the caller guarantees the four 8-byte words at
            // `ptr + k * stride` are readable; gathers need no alignment.
            U64x4(unsafe { _mm256_i64gather_epi64::<1>(ptr.cast(), offsets) })
        }
    }
    #[inline(always)]
    unsafe fn swap_bytes(a: U64x4) -> U64x4 {
        // Byte indices within each 128-bit block: reverse each 8-byte half.
        let lo = 0x0001_0203_0405_0607;
        let hi = 0x0809_0a0b_0c0d_0e0f;
        let mask = _mm256_set_epi64x(hi, lo, hi, lo);
        U64x4(_mm256_shuffle_epi8(a.0, mask))
    }
    #[inline(always)]
    unsafe fn store(a: U64x4, out: &mut [u64; 8]) {
        // SAFETY: `out` holds 64 writable bytes; this writes the first 32.
        unsafe { _mm256_storeu_si256(out.as_mut_ptr().cast(), a.0) }
    }
}
