//! A small deterministic generator (SplitMix64) for tests, golden vectors and
//! benchmarks. Not cryptographic: never use it for challenges.

use crate::field::{DeviceElem, Fp, Fp3};
use crate::matrix::HostMatrix;

/// SplitMix64: the same seed gives the same stream on every platform.
#[derive(Clone, Debug)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator whose stream is determined by `seed` alone.
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    /// The next 64 bits of the stream (one SplitMix64 step).
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A value in `0..n` (modulo bias is fine for tests). Panics if `n == 0`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// A field element; values >= p are reduced (negligible bias).
    pub fn fp(&mut self) -> Fp {
        Fp::new(self.next_u64())
    }

    /// An Fp3 element: three [`fp`](Self::fp) draws as `c0`, `c1`, `c2`.
    pub fn fp3(&mut self) -> Fp3 {
        Fp3::new(self.fp(), self.fp(), self.fp())
    }

    /// An element of either field.
    pub fn elem<T: DeviceElem>(&mut self) -> T {
        let limbs = [self.fp(), self.fp(), self.fp()];
        T::from_limbs(&limbs[..T::LIMBS])
    }

    /// `n` elements.
    pub fn elems<T: DeviceElem>(&mut self, n: usize) -> Vec<T> {
        (0..n).map(|_| self.elem()).collect()
    }

    /// A `width x height` matrix, filled column by column.
    pub fn matrix<T: DeviceElem>(&mut self, width: usize, height: usize) -> HostMatrix<T> {
        let data = self.elems(width * height);
        HostMatrix::new(data, width, height).expect("width * height elements")
    }
}
