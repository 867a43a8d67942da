//! Views of device buffers as raw `u64` columns for the base-field kernels.
//!
//! [`Fp`] is `#[repr(transparent)]` over its canonical `u64`, so a `[Fp]` and
//! a `[u64]` of the same length share one layout. Kernels work on `u64`
//! slices, may hold non-canonical values while running, and leave canonical
//! values behind (see [`crate::arith`]).

use backend_api::{DeviceElem, Fp, Fp3};
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

/// Splits a column of `Fp3` into its three coefficient columns (raw `u64`).
pub fn split_ext(col: &[Fp3]) -> [Vec<u64>; 3] {
    let mut out = [
        Vec::with_capacity(col.len()),
        Vec::with_capacity(col.len()),
        Vec::with_capacity(col.len()),
    ];
    for v in col {
        for (o, c) in out.iter_mut().zip(v.0) {
            o.push(c.value());
        }
    }
    out
}

/// Writes three canonical coefficient columns back as `Fp3` values.
pub fn join_ext(limbs: &[Vec<u64>; 3], col: &mut [Fp3]) {
    for (i, v) in col.iter_mut().enumerate() {
        *v = Fp3::new(
            Fp::new(limbs[0][i]),
            Fp::new(limbs[1][i]),
            Fp::new(limbs[2][i]),
        );
    }
}
