//! Exact sums of many 128-bit products, reduced mod p once at the end:
//! dot products over Goldilocks without a reduction per term.

use backend_api::{Fp, Fp3};

/// `2^128 mod p = (2^32 - 1)^2 mod p = p - 2^32`.
const TWO_128: Fp = Fp::new(0xFFFF_FFFE_0000_0001);

/// A sum of 128-bit values kept exactly: `low + carries * 2^128`.
#[derive(Copy, Clone, Default)]
pub struct WideSum {
    low: u128,
    carries: u64,
}

impl WideSum {
    /// Adds `x`.
    #[inline(always)]
    pub fn add(&mut self, x: u128) {
        let (low, carry) = self.low.overflowing_add(x);
        self.low = low;
        self.carries += u64::from(carry);
    }

    /// Adds the product `a * b` of two canonical values.
    #[inline(always)]
    pub fn add_product(&mut self, a: u64, b: u64) {
        self.add(u128::from(a) * u128::from(b));
    }

    /// The sum mod p.
    #[inline(always)]
    pub fn reduce(self) -> Fp {
        Fp::from_u128(self.low) + Fp::new(self.carries) * TWO_128
    }
}

/// The three coefficient sums of `sum_i y_i k_i` for base `y_i` and
/// extension `k_i`, each a [`WideSum`].
#[derive(Copy, Clone, Default)]
pub struct WideSum3([WideSum; 3]);

impl WideSum3 {
    /// Adds `y * k` for a canonical `y` and the canonical coefficients `k`
    /// of an extension element.
    #[inline(always)]
    pub fn add_scaled(&mut self, y: u64, k: [u64; 3]) {
        for (s, k) in self.0.iter_mut().zip(k) {
            s.add_product(y, k);
        }
    }

    /// The sum.
    #[inline(always)]
    pub fn reduce(self) -> Fp3 {
        let [c0, c1, c2] = self.0.map(WideSum::reduce);
        Fp3::new(c0, c1, c2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_128_is_two_to_the_128() {
        let two_64 = Fp::from_u128(1 << 64);
        assert_eq!(TWO_128, two_64 * two_64);
    }

    #[test]
    fn wide_sum_is_the_exact_sum_mod_p() {
        // 5 values near 2^128 carry out of the low word several times.
        let big = u128::MAX - 7;
        let mut s = WideSum::default();
        let mut want = Fp::ZERO;
        for _ in 0..5 {
            s.add(big);
            want += Fp::from_u128(big);
        }
        assert!(s.carries >= 4);
        assert_eq!(s.reduce(), want);
        let mut p = WideSum::default();
        let (a, b) = (Fp::NEG_ONE.value(), Fp::new(123_456_789).value());
        p.add_product(a, b);
        p.add_product(a, a);
        assert_eq!(
            p.reduce(),
            Fp::NEG_ONE * Fp::new(123_456_789) + Fp::NEG_ONE * Fp::NEG_ONE
        );
    }
}
