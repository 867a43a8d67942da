//! Lazily reduced Goldilocks arithmetic on raw `u64`s, private to this crate.
//!
//! A raw value is any `u64` `v` standing for `v mod p` (so `[0, 2^64)`, not
//! only `[0, p)`). The NTT loops run on raw values and skip the final
//! comparison against p that canonical `Fp` arithmetic pays on every
//! operation; [`canonical`] brings a value back into `[0, p)` before it
//! leaves the crate. With `2^64 = 2^32 - 1 (mod p)` every wrap-around of a
//! 64-bit add or subtract is corrected by adding or subtracting `EPSILON`.

use backend_api::field::P;

/// `2^64 mod p = 2^32 - 1`.
pub const EPSILON: u64 = 0xFFFF_FFFF;

// Branch discipline: a carry or borrow that happens about half the time on
// random inputs is folded in arithmetically (`mask >> 32` is EPSILON or 0,
// no branch to mispredict); a correction that is rare (probability about
// 2^-32) stays a predictable `if`.

/// EPSILON if `flag`, else 0, without a branch.
#[inline(always)]
fn eps_if(flag: bool) -> u64 {
    0u64.wrapping_sub(flag as u64) >> 32
}

/// `a + b (mod p)` for raw `a`, `b`; the result is raw.
#[inline(always)]
pub fn add(a: u64, b: u64) -> u64 {
    let (s, carry) = a.overflowing_add(b);
    // s = a + b - 2^64 when carry; add back 2^64 = EPSILON.
    let (s, carry2) = s.overflowing_add(eps_if(carry));
    if carry2 {
        // Rare; afterwards s < EPSILON, so this cannot wrap again.
        s + EPSILON
    } else {
        s
    }
}

/// `a - b (mod p)` for raw `a`, `b`; the result is raw.
#[inline(always)]
pub fn sub(a: u64, b: u64) -> u64 {
    let (d, borrow) = a.overflowing_sub(b);
    // d = a - b + 2^64 when borrow; subtract 2^64 = EPSILON.
    let (d, borrow2) = d.overflowing_sub(eps_if(borrow));
    if borrow2 {
        d - EPSILON
    } else {
        d
    }
}

/// `a * b (mod p)` for raw `a`, `b`; the result is raw.
///
/// With `x = lo + 2^64 (hi_lo + 2^32 hi_hi)`: `2^64 = 2^32 - 1` and
/// `2^96 = -1`, so `x = lo - hi_hi + hi_lo (2^32 - 1) (mod p)`.
#[inline(always)]
pub fn mul(a: u64, b: u64) -> u64 {
    let x = (a as u128) * (b as u128);
    let lo = x as u64;
    let hi = (x >> 64) as u64;
    let hi_hi = hi >> 32;
    let hi_lo = hi & EPSILON;
    let (mut t0, borrow) = lo.overflowing_sub(hi_hi);
    if borrow {
        // Rare (hi_hi < 2^32); t0 >= 2^64 - 2^32 + 1 > EPSILON, no wrap.
        t0 -= EPSILON;
    }
    let t1 = hi_lo * EPSILON;
    let (r, carry) = t0.overflowing_add(t1);
    // On carry r < t1 <= (2^32 - 1)^2, so adding EPSILON cannot wrap.
    r.wrapping_add(eps_if(carry))
}

/// The canonical representative of a raw value.
#[inline(always)]
pub fn canonical(v: u64) -> u64 {
    if v >= P {
        v - P
    } else {
        v
    }
}
