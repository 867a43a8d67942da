//! The cubic extension `Fp3 = Fp[w] / (w^3 - 2)`.
//!
//! 2 is not a cube modulo p (p = 1 mod 3 and 2^((p-1)/3) != 1), so w^3 - 2 is
//! irreducible. An element is c0 + c1*w + c2*w^2, stored as `[c0, c1, c2]`.

use super::goldilocks::Fp;
use core::fmt;
use core::iter::{Product, Sum};
use core::ops::{Add, AddAssign, Div, Mul, MulAssign, Neg, Sub, SubAssign};

/// The non-residue W with w^3 = W.
pub const W: Fp = Fp::TWO;

/// An element c0 + c1*w + c2*w^2 of Fp3.
#[derive(Copy, Clone, Default, PartialEq, Eq, Hash)]
#[repr(C)]
pub struct Fp3(pub [Fp; 3]);

impl Fp3 {
    /// 0.
    pub const ZERO: Fp3 = Fp3([Fp::ZERO; 3]);
    /// 1, i.e. `[1, 0, 0]`.
    pub const ONE: Fp3 = Fp3([Fp::ONE, Fp::ZERO, Fp::ZERO]);
    /// Number of bytes of the canonical encoding (c0 || c1 || c2).
    pub const BYTES: usize = 24;

    /// `c0 + c1*w + c2*w^2`.
    #[inline(always)]
    pub const fn new(c0: Fp, c1: Fp, c2: Fp) -> Fp3 {
        Fp3([c0, c1, c2])
    }

    /// Embeds a base-field element as c0.
    #[inline(always)]
    pub const fn from_base(x: Fp) -> Fp3 {
        Fp3([x, Fp::ZERO, Fp::ZERO])
    }

    /// The coefficients `[c0, c1, c2]`.
    #[inline(always)]
    pub const fn coeffs(self) -> [Fp; 3] {
        self.0
    }

    /// Whether all three coefficients are 0.
    #[inline(always)]
    pub fn is_zero(self) -> bool {
        self == Fp3::ZERO
    }

    /// `Some(c0)` if c1 = c2 = 0.
    pub fn as_base(self) -> Option<Fp> {
        (self.0[1].is_zero() && self.0[2].is_zero()).then_some(self.0[0])
    }

    /// `self * self`.
    #[inline(always)]
    pub fn square(self) -> Fp3 {
        self * self
    }

    /// `self^e` by square-and-multiply.
    pub fn pow(self, mut e: u64) -> Fp3 {
        let mut base = self;
        let mut acc = Fp3::ONE;
        while e > 0 {
            if e & 1 == 1 {
                acc *= base;
            }
            base = base.square();
            e >>= 1;
        }
        acc
    }

    /// Multiplies by a base-field element (three base multiplications).
    #[inline(always)]
    pub fn mul_base(self, k: Fp) -> Fp3 {
        Fp3([self.0[0] * k, self.0[1] * k, self.0[2] * k])
    }

    /// The multiplicative inverse, or `None` for zero.
    ///
    /// With a = a0 + a1 w + a2 w^2 the adjugate is
    /// A0 = a0^2 - W a1 a2, A1 = W a2^2 - a0 a1, A2 = a1^2 - a0 a2, and
    /// a * (A0 + A1 w + A2 w^2) = N = a0 A0 + W (a2 A1 + a1 A2), a base element.
    pub fn inverse(self) -> Option<Fp3> {
        let [a0, a1, a2] = self.0;
        let b0 = a0.square() - W * a1 * a2;
        let b1 = W * a2.square() - a0 * a1;
        let b2 = a1.square() - a0 * a2;
        let norm = a0 * b0 + W * (a2 * b1 + a1 * b2);
        let inv = norm.inverse()?;
        Some(Fp3([b0 * inv, b1 * inv, b2 * inv]))
    }

    /// The inverse with 0 mapped to 0.
    #[inline]
    pub fn inverse_or_zero(self) -> Fp3 {
        self.inverse().unwrap_or(Fp3::ZERO)
    }

    /// Canonical encoding: c0 || c1 || c2, each 8 bytes big-endian.
    pub fn to_bytes(self) -> [u8; 24] {
        let mut out = [0u8; 24];
        for (chunk, c) in out.chunks_exact_mut(8).zip(self.0) {
            chunk.copy_from_slice(&c.to_bytes());
        }
        out
    }

    /// Decodes 24 bytes; `None` if a coefficient is not below p.
    pub fn from_bytes(bytes: [u8; 24]) -> Option<Fp3> {
        let mut c = [Fp::ZERO; 3];
        for (i, chunk) in bytes.chunks_exact(8).enumerate() {
            c[i] = Fp::from_bytes(chunk.try_into().expect("8-byte chunk"))?;
        }
        Some(Fp3(c))
    }
}

impl From<Fp> for Fp3 {
    fn from(x: Fp) -> Fp3 {
        Fp3::from_base(x)
    }
}

impl Add for Fp3 {
    type Output = Fp3;
    #[inline(always)]
    fn add(self, r: Fp3) -> Fp3 {
        Fp3([self.0[0] + r.0[0], self.0[1] + r.0[1], self.0[2] + r.0[2]])
    }
}
impl Sub for Fp3 {
    type Output = Fp3;
    #[inline(always)]
    fn sub(self, r: Fp3) -> Fp3 {
        Fp3([self.0[0] - r.0[0], self.0[1] - r.0[1], self.0[2] - r.0[2]])
    }
}
impl Neg for Fp3 {
    type Output = Fp3;
    #[inline(always)]
    fn neg(self) -> Fp3 {
        Fp3([-self.0[0], -self.0[1], -self.0[2]])
    }
}

impl Mul for Fp3 {
    type Output = Fp3;
    /// Schoolbook product reduced by w^3 = 2:
    /// c0 = a0 b0 + 2 (a1 b2 + a2 b1), c1 = a0 b1 + a1 b0 + 2 a2 b2,
    /// c2 = a0 b2 + a1 b1 + a2 b0.
    #[inline(always)]
    fn mul(self, r: Fp3) -> Fp3 {
        let [a0, a1, a2] = self.0;
        let [b0, b1, b2] = r.0;
        let c0 = a0 * b0 + (a1 * b2 + a2 * b1).double();
        let c1 = a0 * b1 + a1 * b0 + (a2 * b2).double();
        let c2 = a0 * b2 + a1 * b1 + a2 * b0;
        Fp3([c0, c1, c2])
    }
}

impl Mul<Fp> for Fp3 {
    type Output = Fp3;
    #[inline(always)]
    fn mul(self, k: Fp) -> Fp3 {
        self.mul_base(k)
    }
}

impl Add<Fp> for Fp3 {
    type Output = Fp3;
    #[inline(always)]
    fn add(self, k: Fp) -> Fp3 {
        Fp3([self.0[0] + k, self.0[1], self.0[2]])
    }
}

impl Sub<Fp> for Fp3 {
    type Output = Fp3;
    #[inline(always)]
    fn sub(self, k: Fp) -> Fp3 {
        Fp3([self.0[0] - k, self.0[1], self.0[2]])
    }
}

impl Div for Fp3 {
    type Output = Fp3;
    /// Multiplication by the pseudo-inverse: `x / 0 = 0`.
    #[allow(clippy::suspicious_arithmetic_impl)]
    fn div(self, r: Fp3) -> Fp3 {
        self * r.inverse_or_zero()
    }
}

impl AddAssign for Fp3 {
    #[inline(always)]
    fn add_assign(&mut self, r: Fp3) {
        *self = *self + r;
    }
}
impl SubAssign for Fp3 {
    #[inline(always)]
    fn sub_assign(&mut self, r: Fp3) {
        *self = *self - r;
    }
}
impl MulAssign for Fp3 {
    #[inline(always)]
    fn mul_assign(&mut self, r: Fp3) {
        *self = *self * r;
    }
}
impl MulAssign<Fp> for Fp3 {
    #[inline(always)]
    fn mul_assign(&mut self, k: Fp) {
        *self = *self * k;
    }
}

impl Sum for Fp3 {
    fn sum<I: Iterator<Item = Fp3>>(iter: I) -> Fp3 {
        iter.fold(Fp3::ZERO, |a, b| a + b)
    }
}
impl Product for Fp3 {
    fn product<I: Iterator<Item = Fp3>>(iter: I) -> Fp3 {
        iter.fold(Fp3::ONE, |a, b| a * b)
    }
}

impl fmt::Debug for Fp3 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "({}, {}, {})", self.0[0], self.0[1], self.0[2])
    }
}
impl fmt::Display for Fp3 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}
