//! Eight Keccak states side by side in AVX-512 registers (`u64x8`): word
//! `i` of state `s` is 64-bit lane `s` of vector `i`. AVX-512F gives the
//! 64-bit rotate (`vprolq`) and the three-input logic op (`vpternlogq`)
//! that turns chi and the five-way xor of theta into one or two
//! instructions; AVX-512BW gives the byte shuffle for the big-endian words.

use crate::keccak::lanes::Lanes;
use core::arch::x86_64::*;

/// One state word of eight states.
#[derive(Clone, Copy)]
pub(crate) struct U64x8(__m512i);

/// Whether the running CPU has the features every `U64x8` method uses.
pub(crate) fn supported() -> bool {
    crate::isa::avx512bw()
}

/// `vpternlogq` truth tables: operand bits are a = 0xf0, b = 0xcc, c = 0xaa.
const XOR3: i32 = 0x96;
/// `a ^ (!b & c)` = 0xf0 ^ (0x33 & 0xaa).
const CHI: i32 = 0xd2;

impl Lanes for U64x8 {
    const WIDTH: usize = 8;
    const FUSED_XOR3: bool = true;
    #[inline(always)]
    unsafe fn splat(x: u64) -> U64x8 {
        U64x8(_mm512_set1_epi64(x as i64))
    }
    #[inline(always)]
    unsafe fn xor(a: U64x8, b: U64x8) -> U64x8 {
        U64x8(_mm512_xor_si512(a.0, b.0))
    }
    #[inline(always)]
    unsafe fn xor3(a: U64x8, b: U64x8, c: U64x8) -> U64x8 {
        U64x8(_mm512_ternarylogic_epi64::<XOR3>(a.0, b.0, c.0))
    }
    #[inline(always)]
    unsafe fn xor5(a: U64x8, b: U64x8, c: U64x8, d: U64x8, e: U64x8) -> U64x8 {
        let abc = _mm512_ternarylogic_epi64::<XOR3>(a.0, b.0, c.0);
        U64x8(_mm512_ternarylogic_epi64::<XOR3>(abc, d.0, e.0))
    }
    #[inline(always)]
    unsafe fn rol<const N: i32>(a: U64x8) -> U64x8 {
        U64x8(_mm512_rol_epi64::<N>(a.0))
    }
    #[inline(always)]
    unsafe fn chi(a: U64x8, b: U64x8, c: U64x8) -> U64x8 {
        U64x8(_mm512_ternarylogic_epi64::<CHI>(a.0, b.0, c.0))
    }
    #[inline(always)]
    unsafe fn load(ptr: *const u8, stride: usize) -> U64x8 {
        if stride == 8 {
            // SAFETY: the caller guarantees the 64 bytes from `ptr` are readable.
            U64x8(unsafe { _mm512_loadu_si512(ptr.cast()) })
        } else {
            let s = stride as i64;
            let offsets = _mm512_set_epi64(7 * s, 6 * s, 5 * s, 4 * s, 3 * s, 2 * s, s, 0);
            // SAFETY: the caller guarantees the eight 8-byte words at
            // `ptr + k * stride` are readable; gathers need no alignment.
            U64x8(unsafe { _mm512_i64gather_epi64::<1>(offsets, ptr.cast()) })
        }
    }
    #[inline(always)]
    unsafe fn swap_bytes(a: U64x8) -> U64x8 {
        // Byte indices within each 128-bit block: reverse each 8-byte half.
        let lo = 0x0001_0203_0405_0607;
        let hi = 0x0809_0a0b_0c0d_0e0f;
        let mask = _mm512_set_epi64(hi, lo, hi, lo, hi, lo, hi, lo);
        U64x8(_mm512_shuffle_epi8(a.0, mask))
    }
    #[inline(always)]
    unsafe fn store(a: U64x8, out: &mut [u64; 8]) {
        // SAFETY: `out` holds exactly 64 writable bytes.
        unsafe { _mm512_storeu_si512(out.as_mut_ptr().cast(), a.0) }
    }
}
