//! Views of device buffers as raw `u64` columns for the base-field kernels.
//!
//! [`Fp`] is `#[repr(transparent)]` over its canonical `u64`, so a `[Fp]` and
//! a `[u64]` of the same length share one layout. Kernels work on `u64`
//! slices, may hold non-canonical values while running, and leave canonical
//! values behind (see [`crate::arith`]).

use backend_api::{DeviceElem, Fp, Fp3};
use rayon::prelude::*;
use std::any::Any;

/// The canonical values of a slice of `Fp`, without copying.
pub fn fp_as_u64(x: &[Fp]) -> &[u64] {
    // SAFETY: `Fp` is `#[repr(transparent)]` over `u64` (backend-api
    // guarantees it); length and alignment carry over unchanged.
    unsafe { core::slice::from_raw_parts(x.as_ptr().cast::<u64>(), x.len()) }
}

/// Mutable raw view of a slice of `Fp`. Callers must leave only canonical
/// values (`< p`) behind: every kernel here ends with a canonicalizing pass.
pub fn fp_as_u64_mut(x: &mut [Fp]) -> &mut [u64] {
    // SAFETY: as in `fp_as_u64`; every `u64` bit pattern is a valid `u64`,
    // and the canonical-value invariant of `Fp` is restored by the caller.
    unsafe { core::slice::from_raw_parts_mut(x.as_mut_ptr().cast::<u64>(), x.len()) }
}

/// Which concrete field a generic buffer holds.
pub enum Typed<'a> {
    Base(&'a mut Vec<Fp>),
    Ext(&'a mut Vec<Fp3>),
}

/// Resolves a generic `Vec<T>` to its concrete field type (checked at run
/// time with `Any`, no unsafe). A `Vec`, not a slice: `Any` needs a sized type.
#[allow(clippy::ptr_arg)]
pub fn typed<T: DeviceElem>(v: &mut Vec<T>) -> Typed<'_> {
    let any: &mut dyn Any = v;
    if any.is::<Vec<Fp>>() {
        Typed::Base(any.downcast_mut::<Vec<Fp>>().expect("type checked by is()"))
    } else {
        Typed::Ext(
            any.downcast_mut::<Vec<Fp3>>()
                .expect("DeviceElem is sealed: Fp or Fp3"),
        )
    }
}

/// Shared-reference counterpart of [`Typed`].
pub enum TypedRef<'a> {
    Base(&'a [Fp]),
    Ext(&'a [Fp3]),
}

#[allow(clippy::ptr_arg)] // `Any` needs the sized `Vec`
pub fn typed_ref<T: DeviceElem>(v: &Vec<T>) -> TypedRef<'_> {
    let any: &dyn Any = v;
    match any.downcast_ref::<Vec<Fp>>() {
        Some(b) => TypedRef::Base(b),
        None => TypedRef::Ext(
            any.downcast_ref::<Vec<Fp3>>()
                .expect("DeviceElem is sealed: Fp or Fp3"),
        ),
    }
}

/// Rows per parallel task of [`split_ext`] and [`join_ext`].
const SPLIT_PIECE: usize = 1 << 14;

/// Splits a column of `Fp3` into its three coefficient columns (raw
/// `u64`), on every rayon thread when `parallel`.
pub fn split_ext(col: &[Fp3], parallel: bool) -> [Vec<u64>; 3] {
    let mut out: [Vec<u64>; 3] = core::array::from_fn(|_| vec![0u64; col.len()]);
    let [c0, c1, c2] = &mut out;
    let split = |src: &[Fp3], (d0, d1, d2): (&mut [u64], &mut [u64], &mut [u64])| {
        for (i, v) in src.iter().enumerate() {
            let [a, b, c] = v.0;
            (d0[i], d1[i], d2[i]) = (a.value(), b.value(), c.value());
        }
    };
    if parallel {
        col.par_chunks(SPLIT_PIECE)
            .zip(c0.par_chunks_mut(SPLIT_PIECE))
            .zip(c1.par_chunks_mut(SPLIT_PIECE))
            .zip(c2.par_chunks_mut(SPLIT_PIECE))
            .for_each(|(((src, d0), d1), d2)| split(src, (d0, d1, d2)));
    } else {
        split(col, (c0, c1, c2));
    }
    out
}

/// Writes three canonical coefficient columns back as `Fp3` values, on
/// every rayon thread when `parallel`.
pub fn join_ext(limbs: &[Vec<u64>; 3], col: &mut [Fp3], parallel: bool) {
    let join = |dst: &mut [Fp3], (s0, s1, s2): (&[u64], &[u64], &[u64])| {
        for (i, v) in dst.iter_mut().enumerate() {
            *v = Fp3::new(Fp::new(s0[i]), Fp::new(s1[i]), Fp::new(s2[i]));
        }
    };
    let [l0, l1, l2] = limbs;
    if parallel {
        col.par_chunks_mut(SPLIT_PIECE)
            .zip(l0.par_chunks(SPLIT_PIECE))
            .zip(l1.par_chunks(SPLIT_PIECE))
            .zip(l2.par_chunks(SPLIT_PIECE))
            .for_each(|(((dst, s0), s1), s2)| join(dst, (s0, s1, s2)));
    } else {
        join(col, (l0, l1, l2));
    }
}
