//! Goldilocks, its cubic extension, and the element trait devices are generic over.

mod ext3;
mod goldilocks;

pub use ext3::{Fp3, W};
pub use goldilocks::{reduce128, Fp, MULTIPLICATIVE_GENERATOR, P, TWO_ADICITY, TWO_ADIC_GENERATOR};

use core::fmt::Debug;
use core::ops::{Add, AddAssign, Mul, MulAssign, Neg, Sub, SubAssign};

/// Which field a buffer holds; backends dispatch kernels on it.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum ElemKind {
    /// Goldilocks, 8 bytes per element.
    Base,
    /// Fp3, 24 bytes per element (c0 || c1 || c2).
    Ext,
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::Fp {}
    impl Sealed for super::Fp3 {}
}

/// An element a device buffer can hold: [`Fp`] or [`Fp3`] (sealed).
///
/// Both are vector spaces over Fp, which is all NTTs, LDEs and Merkle leaves
/// need: twiddles are base-field elements.
pub trait DeviceElem:
    sealed::Sealed
    + Copy
    + Default
    + Debug
    + PartialEq
    + Eq
    + Send
    + Sync
    + 'static
    + Add<Output = Self>
    + Sub<Output = Self>
    + Neg<Output = Self>
    + Mul<Output = Self>
    + Mul<Fp, Output = Self>
    + AddAssign
    + SubAssign
    + MulAssign
    + MulAssign<Fp>
{
    /// Which field this is.
    const KIND: ElemKind;
    /// Bytes of the canonical encoding.
    const BYTES: usize;
    /// Base-field coefficients per element (1 or 3).
    const LIMBS: usize;
    /// The additive identity.
    const ZERO: Self;
    /// The multiplicative identity.
    const ONE: Self;

    /// Embeds a base-field element (identity on Fp).
    fn from_base(x: Fp) -> Self;
    /// Embeds into Fp3 (identity on Fp3).
    fn to_ext(self) -> Fp3;
    /// Whether this is zero.
    fn is_zero(self) -> bool;
    /// Inverse with 0 mapped to 0.
    fn inverse_or_zero(self) -> Self;
    /// Appends the canonical big-endian encoding.
    fn write_bytes(&self, out: &mut Vec<u8>);
    /// Writes the encoding into `out[..Self::BYTES]`. Panics if `out` is
    /// shorter than `Self::BYTES`.
    fn encode_into(&self, out: &mut [u8]);
    /// The base-field coefficients, `LIMBS` of them.
    fn limbs(&self) -> &[Fp];
    /// Builds an element from its first `LIMBS` coefficients.
    /// Panics if `limbs` is shorter than `LIMBS`.
    fn from_limbs(limbs: &[Fp]) -> Self;
}

impl DeviceElem for Fp {
    const KIND: ElemKind = ElemKind::Base;
    const BYTES: usize = 8;
    const LIMBS: usize = 1;
    const ZERO: Fp = Fp::ZERO;
    const ONE: Fp = Fp::ONE;

    #[inline(always)]
    fn from_base(x: Fp) -> Fp {
        x
    }
    #[inline(always)]
    fn to_ext(self) -> Fp3 {
        Fp3::from_base(self)
    }
    #[inline(always)]
    fn is_zero(self) -> bool {
        Fp::is_zero(self)
    }
    #[inline]
    fn inverse_or_zero(self) -> Fp {
        Fp::inverse_or_zero(self)
    }
    #[inline]
    fn write_bytes(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_bytes());
    }
    #[inline(always)]
    fn encode_into(&self, out: &mut [u8]) {
        out[..8].copy_from_slice(&self.to_bytes());
    }
    #[inline(always)]
    fn limbs(&self) -> &[Fp] {
        core::slice::from_ref(self)
    }
    #[inline(always)]
    fn from_limbs(limbs: &[Fp]) -> Fp {
        limbs[0]
    }
}

impl DeviceElem for Fp3 {
    const KIND: ElemKind = ElemKind::Ext;
    const BYTES: usize = 24;
    const LIMBS: usize = 3;
    const ZERO: Fp3 = Fp3::ZERO;
    const ONE: Fp3 = Fp3::ONE;

    #[inline(always)]
    fn from_base(x: Fp) -> Fp3 {
        Fp3::from_base(x)
    }
    #[inline(always)]
    fn to_ext(self) -> Fp3 {
        self
    }
    #[inline(always)]
    fn is_zero(self) -> bool {
        Fp3::is_zero(self)
    }
    #[inline]
    fn inverse_or_zero(self) -> Fp3 {
        Fp3::inverse_or_zero(self)
    }
    #[inline]
    fn write_bytes(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_bytes());
    }
    #[inline(always)]
    fn encode_into(&self, out: &mut [u8]) {
        for (chunk, c) in out[..24].chunks_exact_mut(8).zip(self.0) {
            chunk.copy_from_slice(&c.to_bytes());
        }
    }
    #[inline(always)]
    fn limbs(&self) -> &[Fp] {
        &self.0
    }
    #[inline(always)]
    fn from_limbs(limbs: &[Fp]) -> Fp3 {
        Fp3([limbs[0], limbs[1], limbs[2]])
    }
}

/// Canonical bytes of a slice of elements, concatenated.
pub fn elems_to_bytes<T: DeviceElem>(values: &[T]) -> Vec<u8> {
    let mut out = Vec::with_capacity(values.len() * T::BYTES);
    for v in values {
        v.write_bytes(&mut out);
    }
    out
}
