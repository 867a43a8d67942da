//! Evaluation orders and multiplicative cosets.

use crate::field::Fp;

/// The order of a vector of evaluations or coefficients.
///
/// `BitReversed` means the value belonging to natural index `i` sits at
/// position `bit_reverse(i, log_n)`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Order {
    /// Value `i` at position `i`.
    Natural,
    /// Value `i` at position `bit_reverse(i, log_n)`.
    BitReversed,
}

impl Order {
    /// Both orders, for tests that sweep them.
    pub const ALL: [Order; 2] = [Order::Natural, Order::BitReversed];
}

/// Direction of an NTT.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum NttDirection {
    /// Coefficients to evaluations.
    Forward,
    /// Evaluations to coefficients (includes the 1/n scaling).
    Inverse,
}

/// Reverses the low `log_n` bits of `i` (`i < 2^log_n`).
#[inline(always)]
pub fn bit_reverse(i: usize, log_n: u32) -> usize {
    if log_n == 0 {
        0
    } else {
        i.reverse_bits() >> (usize::BITS - log_n)
    }
}

/// Permutes `v` (length 2^k) between natural and bit-reversed order, in place.
pub fn bit_reverse_permute<T>(v: &mut [T]) {
    let n = v.len();
    if n <= 2 {
        return;
    }
    let log_n = n.trailing_zeros();
    for i in 0..n {
        let j = bit_reverse(i, log_n);
        if i < j {
            v.swap(i, j);
        }
    }
}

/// The coset `shift * H` with H the subgroup of order 2^log_n, and an order
/// for its points: point `k` of the vector is `shift * omega^i` where
/// `omega = Fp::root_of_unity(log_n)` and `i = k` (natural) or
/// `i = bit_reverse(k, log_n)` (bit-reversed).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Coset {
    /// The coset has `2^log_n` points.
    pub log_n: u32,
    /// The multiplier of the subgroup (`Fp::ONE` for the subgroup itself).
    pub shift: Fp,
    /// The order of the points in a vector over this coset.
    pub order: Order,
}

impl Coset {
    /// The coset `shift * H_{2^log_n}` in `order`; checks nothing.
    pub fn new(log_n: u32, shift: Fp, order: Order) -> Coset {
        Coset {
            log_n,
            shift,
            order,
        }
    }

    /// Number of points, `2^log_n`.
    pub fn size(&self) -> usize {
        1usize << self.log_n
    }

    /// The generator of H. Panics if `log_n > 32` (validate first).
    pub fn omega(&self) -> Fp {
        Fp::root_of_unity(self.log_n).expect("log_n <= 32")
    }

    /// The point at position `k` of the vector. Panics if `log_n > 32`.
    pub fn point(&self, k: usize) -> Fp {
        let i = match self.order {
            Order::Natural => k,
            Order::BitReversed => bit_reverse(k, self.log_n),
        };
        self.shift * self.omega().pow(i as u64)
    }

    /// All points, in the coset's order. Panics if `log_n > 32`.
    pub fn points(&self) -> Vec<Fp> {
        let omega = self.omega();
        let mut pts = Vec::with_capacity(self.size());
        let mut x = self.shift;
        for _ in 0..self.size() {
            pts.push(x);
            x *= omega;
        }
        if self.order == Order::BitReversed {
            bit_reverse_permute(&mut pts);
        }
        pts
    }
}
