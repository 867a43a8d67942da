//! Keccak-f[1600] written once over a "lanes" type that holds the same
//! state word of `WIDTH` independent states: `u64` (one state, scalar),
//! AVX2 `u64x4` or AVX-512 `u64x8` (see `x4.rs`, `x8.rs`).
//!
//! State word `x + 5 y` is lane `(x, y)` of FIPS 202. One round is
//! theta: `C[x] = xor_y A[x, y]`, `D[x] = C[x-1] ^ rol(C[x+1], 1)`,
//! `A[x, y] ^= D[x]`; rho and pi: `B[y, 2x + 3y] = rol(A[x, y], r[x, y])`;
//! chi: `A[x, y] = B[x, y] ^ (!B[x+1, y] & B[x+2, y])`; iota: `A[0, 0] ^= RC[i]`.
//! Everything is `#[inline(always)]` so that it compiles inside the caller's
//! `#[target_feature]` function with the vector instructions enabled.

/// One state word of `WIDTH` independent Keccak states.
///
/// # Safety
///
/// Every method may use the instructions of the implementation's target
/// features: callers run them only where those were detected at run time.
pub(crate) trait Lanes: Copy {
    /// States processed side by side.
    const WIDTH: usize;
    /// Whether [`Lanes::xor3`] is one instruction: theta then applies
    /// `C[x-1]` and `rol(C[x+1], 1)` to each word in one step instead of
    /// first combining them into `D[x]` (25 operations instead of 30).
    const FUSED_XOR3: bool;
    /// Every lane set to `x`.
    unsafe fn splat(x: u64) -> Self;
    unsafe fn xor(a: Self, b: Self) -> Self;
    /// `a ^ b ^ c`.
    unsafe fn xor3(a: Self, b: Self, c: Self) -> Self;
    /// `a ^ b ^ c ^ d ^ e`.
    unsafe fn xor5(a: Self, b: Self, c: Self, d: Self, e: Self) -> Self;
    /// Rotation left by `N` bits, `0 < N < 64`.
    unsafe fn rol<const N: i32>(a: Self) -> Self;
    /// `a ^ (!b & c)`.
    unsafe fn chi(a: Self, b: Self, c: Self) -> Self;
    /// Lane `s` from the 8 bytes at `ptr + s * stride` (little-endian).
    ///
    /// # Safety
    ///
    /// Those `WIDTH` 8-byte ranges must be readable (no alignment needed).
    unsafe fn load(ptr: *const u8, stride: usize) -> Self;
    /// Reverses the byte order of every lane.
    unsafe fn swap_bytes(a: Self) -> Self;
    /// Writes lane `s` to `out[s]`, `s < WIDTH`.
    unsafe fn store(a: Self, out: &mut [u64; 8]);
}

/// The iota constants of the 24 rounds.
const ROUND_CONSTANTS: [u64; 24] = [
    0x0000_0000_0000_0001,
    0x0000_0000_0000_8082,
    0x8000_0000_0000_808a,
    0x8000_0000_8000_8000,
    0x0000_0000_0000_808b,
    0x0000_0000_8000_0001,
    0x8000_0000_8000_8081,
    0x8000_0000_0000_8009,
    0x0000_0000_0000_008a,
    0x0000_0000_0000_0088,
    0x0000_0000_8000_8009,
    0x0000_0000_8000_000a,
    0x0000_0000_8000_808b,
    0x8000_0000_0000_008b,
    0x8000_0000_0000_8089,
    0x8000_0000_0000_8003,
    0x8000_0000_0000_8002,
    0x8000_0000_0000_0080,
    0x0000_0000_0000_800a,
    0x8000_0000_8000_000a,
    0x8000_0000_8000_8081,
    0x8000_0000_0000_8080,
    0x0000_0000_8000_0001,
    0x8000_0000_8000_8008,
];

/// Keccak-f[1600] on `L::WIDTH` states at once.
///
/// # Safety
///
/// The CPU supports `L`'s target features.
#[inline(always)]
pub(crate) unsafe fn permute<L: Lanes>(state: &mut [L; 25]) {
    let mut a = *state;
    for rc in ROUND_CONSTANTS {
        round(&mut a, rc);
    }
    *state = a;
}

/// One round; the rho offsets and pi destinations are written out per word.
#[inline(always)]
unsafe fn round<L: Lanes>(a: &mut [L; 25], rc: u64) {
    let c0 = L::xor5(a[0], a[5], a[10], a[15], a[20]);
    let c1 = L::xor5(a[1], a[6], a[11], a[16], a[21]);
    let c2 = L::xor5(a[2], a[7], a[12], a[17], a[22]);
    let c3 = L::xor5(a[3], a[8], a[13], a[18], a[23]);
    let c4 = L::xor5(a[4], a[9], a[14], a[19], a[24]);
    // D[x] = C[x-1] ^ rol(C[x+1], 1), kept as its two halves when the
    // three-way xor is one instruction.
    let (p0, q0) = (c4, L::rol::<1>(c1));
    let (p1, q1) = (c0, L::rol::<1>(c2));
    let (p2, q2) = (c1, L::rol::<1>(c3));
    let (p3, q3) = (c2, L::rol::<1>(c4));
    let (p4, q4) = (c3, L::rol::<1>(c0));
    let d = if L::FUSED_XOR3 {
        [p0, p1, p2, p3, p4]
    } else {
        [
            L::xor(p0, q0),
            L::xor(p1, q1),
            L::xor(p2, q2),
            L::xor(p3, q3),
            L::xor(p4, q4),
        ]
    };
    let q = [q0, q1, q2, q3, q4];
    // a[x + 5y] ^ D[x].
    let t = |i: usize| {
        let x = i % 5;
        if L::FUSED_XOR3 {
            L::xor3(a[i], d[x], q[x])
        } else {
            L::xor(a[i], d[x])
        }
    };
    // b[y + 5 ((2x + 3y) mod 5)] = rol(a[x + 5y] ^ d[x], r[x, y]).
    let b0 = t(0);
    let b1 = L::rol::<44>(t(6));
    let b2 = L::rol::<43>(t(12));
    let b3 = L::rol::<21>(t(18));
    let b4 = L::rol::<14>(t(24));
    let b5 = L::rol::<28>(t(3));
    let b6 = L::rol::<20>(t(9));
    let b7 = L::rol::<3>(t(10));
    let b8 = L::rol::<45>(t(16));
    let b9 = L::rol::<61>(t(22));
    let b10 = L::rol::<1>(t(1));
    let b11 = L::rol::<6>(t(7));
    let b12 = L::rol::<25>(t(13));
    let b13 = L::rol::<8>(t(19));
    let b14 = L::rol::<18>(t(20));
    let b15 = L::rol::<27>(t(4));
    let b16 = L::rol::<36>(t(5));
    let b17 = L::rol::<10>(t(11));
    let b18 = L::rol::<15>(t(17));
    let b19 = L::rol::<56>(t(23));
    let b20 = L::rol::<62>(t(2));
    let b21 = L::rol::<55>(t(8));
    let b22 = L::rol::<39>(t(14));
    let b23 = L::rol::<41>(t(15));
    let b24 = L::rol::<2>(t(21));
    let b = [
        b0, b1, b2, b3, b4, b5, b6, b7, b8, b9, b10, b11, b12, b13, b14, b15, b16, b17, b18, b19,
        b20, b21, b22, b23, b24,
    ];
    for y in 0..5 {
        let row = &b[5 * y..5 * y + 5];
        for x in 0..5 {
            a[x + 5 * y] = L::chi(row[x], row[(x + 1) % 5], row[(x + 2) % 5]);
        }
    }
    a[0] = L::xor(a[0], L::splat(rc));
}

/// One state: the portable scalar permutation.
impl Lanes for u64 {
    const WIDTH: usize = 1;
    const FUSED_XOR3: bool = false;
    #[inline(always)]
    unsafe fn splat(x: u64) -> u64 {
        x
    }
    #[inline(always)]
    unsafe fn xor(a: u64, b: u64) -> u64 {
        a ^ b
    }
    #[inline(always)]
    unsafe fn xor3(a: u64, b: u64, c: u64) -> u64 {
        a ^ b ^ c
    }
    #[inline(always)]
    unsafe fn xor5(a: u64, b: u64, c: u64, d: u64, e: u64) -> u64 {
        a ^ b ^ c ^ d ^ e
    }
    #[inline(always)]
    unsafe fn rol<const N: i32>(a: u64) -> u64 {
        a.rotate_left(N as u32)
    }
    #[inline(always)]
    unsafe fn chi(a: u64, b: u64, c: u64) -> u64 {
        a ^ (!b & c)
    }
    #[inline(always)]
    unsafe fn load(ptr: *const u8, _stride: usize) -> u64 {
        // SAFETY: the caller guarantees 8 readable bytes at `ptr`.
        unsafe { ptr.cast::<u64>().read_unaligned() }.to_le()
    }
    #[inline(always)]
    unsafe fn swap_bytes(a: u64) -> u64 {
        a.swap_bytes()
    }
    #[inline(always)]
    unsafe fn store(a: u64, out: &mut [u64; 8]) {
        out[0] = a;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use backend_api::rng::SplitMix64;

    #[test]
    fn scalar_permutation_matches_the_keccak_crate() {
        let mut rng = SplitMix64::new(11);
        for _ in 0..16 {
            let start: [u64; 25] = core::array::from_fn(|_| rng.next_u64());
            let mut ours = start;
            // SAFETY: the `u64` lanes use no target feature.
            unsafe { permute::<u64>(&mut ours) };
            let mut theirs = start;
            keccak::f1600(&mut theirs);
            assert_eq!(ours, theirs);
        }
    }
}
