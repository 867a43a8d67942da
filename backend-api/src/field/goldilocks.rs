//! The Goldilocks prime field, p = 2^64 - 2^32 + 1.
//!
//! Elements are always stored canonically (`0 <= value < p`), so equality,
//! hashing and the byte encoding need no extra reduction.

use core::fmt;
use core::iter::{Product, Sum};
use core::ops::{Add, AddAssign, Div, Mul, MulAssign, Neg, Sub, SubAssign};

/// The modulus p = 2^64 - 2^32 + 1.
pub const P: u64 = 0xFFFF_FFFF_0000_0001;

/// 2^64 mod p = 2^32 - 1.
const EPSILON: u64 = 0xFFFF_FFFF;

/// The multiplicative group of Goldilocks has order p - 1 = 2^32 * 3 * 5 * 17 * 257 * 65537;
/// its largest power-of-two subgroup has order 2^32.
pub const TWO_ADICITY: u32 = 32;

/// 7 generates the multiplicative group of Goldilocks.
pub const MULTIPLICATIVE_GENERATOR: u64 = 7;

/// A primitive root of unity of order 2^32: `7^((p - 1) / 2^32)`.
/// Roots of smaller order 2^k are its powers `g^(2^(32 - k))`.
pub const TWO_ADIC_GENERATOR: u64 = 0x1856_29DC_DA58_878C;

/// An element of the Goldilocks field, stored canonically.
#[derive(Copy, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(transparent)]
pub struct Fp(u64);

impl Fp {
    /// 0.
    pub const ZERO: Fp = Fp(0);
    /// 1.
    pub const ONE: Fp = Fp(1);
    /// 2.
    pub const TWO: Fp = Fp(2);
    /// -1, i.e. `p - 1`.
    pub const NEG_ONE: Fp = Fp(P - 1);
    /// The field's multiplicative generator, 7.
    pub const GENERATOR: Fp = Fp(MULTIPLICATIVE_GENERATOR);
    /// Number of bytes of the canonical encoding.
    pub const BYTES: usize = 8;

    /// The residue of `v` modulo p (any `u64` is accepted).
    #[inline(always)]
    pub const fn new(v: u64) -> Fp {
        Fp(if v >= P { v - P } else { v })
    }

    /// `Some` if `v < p`, `None` otherwise.
    #[inline]
    pub const fn from_canonical(v: u64) -> Option<Fp> {
        if v < P {
            Some(Fp(v))
        } else {
            None
        }
    }

    /// The residue of a 128-bit integer modulo p.
    #[inline(always)]
    pub const fn from_u128(v: u128) -> Fp {
        Fp(reduce128(v))
    }

    /// The canonical representative, in `[0, p)`.
    #[inline(always)]
    pub const fn value(self) -> u64 {
        self.0
    }

    /// Whether this is 0.
    #[inline(always)]
    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// `2 * self`.
    #[inline(always)]
    pub const fn double(self) -> Fp {
        add(self.0, self.0)
    }

    /// `self * self`.
    #[inline(always)]
    pub const fn square(self) -> Fp {
        Fp(reduce128((self.0 as u128) * (self.0 as u128)))
    }

    /// `self^e` by square-and-multiply.
    pub const fn pow(self, mut e: u64) -> Fp {
        let mut base = self;
        let mut acc = Fp::ONE;
        while e > 0 {
            if e & 1 == 1 {
                acc = Fp(reduce128((acc.0 as u128) * (base.0 as u128)));
            }
            base = base.square();
            e >>= 1;
        }
        acc
    }

    /// The multiplicative inverse, or `None` for zero.
    pub fn inverse(self) -> Option<Fp> {
        if self.is_zero() {
            None
        } else {
            Some(self.pow(P - 2))
        }
    }

    /// The inverse with 0 mapped to 0 (the pseudo-inverse used by batch inversion).
    #[inline]
    pub fn inverse_or_zero(self) -> Fp {
        self.pow(P - 2)
    }

    /// A primitive root of unity of order `2^log_n`, or `None` if `log_n > 32`.
    /// It is `TWO_ADIC_GENERATOR^(2^(32 - log_n))`, so the roots are nested:
    /// `root_of_unity(k)^2 == root_of_unity(k - 1)`.
    pub const fn root_of_unity(log_n: u32) -> Option<Fp> {
        if log_n > TWO_ADICITY {
            return None;
        }
        let mut g = Fp(TWO_ADIC_GENERATOR);
        let mut i = log_n;
        while i < TWO_ADICITY {
            g = g.square();
            i += 1;
        }
        Some(g)
    }

    /// Canonical encoding: the value as 8 bytes, big-endian.
    #[inline]
    pub const fn to_bytes(self) -> [u8; 8] {
        self.0.to_be_bytes()
    }

    /// Decodes 8 big-endian bytes; `None` if the value is not below p.
    #[inline]
    pub const fn from_bytes(bytes: [u8; 8]) -> Option<Fp> {
        Fp::from_canonical(u64::from_be_bytes(bytes))
    }
}

/// Reduces a 128-bit value to its canonical residue modulo p.
///
/// With x = lo + 2^64 * (hi_lo + 2^32 * hi_hi): 2^64 = 2^32 - 1 and 2^96 = -1
/// (mod p), so x = lo - hi_hi + hi_lo * (2^32 - 1).
#[inline(always)]
pub const fn reduce128(x: u128) -> u64 {
    let lo = x as u64;
    let hi = (x >> 64) as u64;
    let hi_hi = hi >> 32;
    let hi_lo = hi & EPSILON;
    let (mut t0, borrow) = lo.overflowing_sub(hi_hi);
    if borrow {
        // t0 wrapped by +2^64; 2^64 = EPSILON (mod p). No underflow: t0 > EPSILON here.
        t0 = t0.wrapping_sub(EPSILON);
    }
    let t1 = hi_lo * EPSILON;
    let (mut r, carry) = t0.overflowing_add(t1);
    if carry {
        // r wrapped by -2^64; no overflow since r < t1 <= (2^32 - 1)^2.
        r = r.wrapping_add(EPSILON);
    }
    if r >= P {
        r - P
    } else {
        r
    }
}

#[inline(always)]
const fn add(a: u64, b: u64) -> Fp {
    let (s, carry) = a.overflowing_add(b);
    if carry {
        Fp(s.wrapping_add(EPSILON))
    } else if s >= P {
        Fp(s - P)
    } else {
        Fp(s)
    }
}

impl Add for Fp {
    type Output = Fp;
    #[inline(always)]
    fn add(self, rhs: Fp) -> Fp {
        add(self.0, rhs.0)
    }
}

impl Sub for Fp {
    type Output = Fp;
    #[inline(always)]
    fn sub(self, rhs: Fp) -> Fp {
        let (d, borrow) = self.0.overflowing_sub(rhs.0);
        Fp(if borrow { d.wrapping_sub(EPSILON) } else { d })
    }
}

impl Neg for Fp {
    type Output = Fp;
    #[inline(always)]
    fn neg(self) -> Fp {
        if self.0 == 0 {
            self
        } else {
            Fp(P - self.0)
        }
    }
}

impl Mul for Fp {
    type Output = Fp;
    #[inline(always)]
    fn mul(self, rhs: Fp) -> Fp {
        Fp(reduce128((self.0 as u128) * (rhs.0 as u128)))
    }
}

impl Div for Fp {
    type Output = Fp;
    /// Multiplication by the pseudo-inverse: `x / 0 = 0`.
    #[allow(clippy::suspicious_arithmetic_impl)]
    fn div(self, rhs: Fp) -> Fp {
        self * rhs.inverse_or_zero()
    }
}

impl AddAssign for Fp {
    #[inline(always)]
    fn add_assign(&mut self, rhs: Fp) {
        *self = *self + rhs;
    }
}
impl SubAssign for Fp {
    #[inline(always)]
    fn sub_assign(&mut self, rhs: Fp) {
        *self = *self - rhs;
    }
}
impl MulAssign for Fp {
    #[inline(always)]
    fn mul_assign(&mut self, rhs: Fp) {
        *self = *self * rhs;
    }
}

impl Sum for Fp {
    fn sum<I: Iterator<Item = Fp>>(iter: I) -> Fp {
        iter.fold(Fp::ZERO, |a, b| a + b)
    }
}
impl Product for Fp {
    fn product<I: Iterator<Item = Fp>>(iter: I) -> Fp {
        iter.fold(Fp::ONE, |a, b| a * b)
    }
}

impl From<u32> for Fp {
    fn from(v: u32) -> Fp {
        Fp(v as u64)
    }
}

impl fmt::Debug for Fp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}
impl fmt::Display for Fp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}
