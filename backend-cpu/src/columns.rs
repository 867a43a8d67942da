//! Runs a raw base-field column kernel over every column of a matrix.
//!
//! An `Fp` column is handed over in place as `u64`s; an `Fp3` column is
//! split into its three coefficient columns (twiddles are in Fp, so every
//! linear map of the NTT family acts on each coefficient separately).
//!
//! Parallel policy: with at least two base columns, columns run in
//! parallel and each kernel call is sequential; with one, the kernel itself
//! runs in parallel (`parallel = true`).

use crate::elem::{
    fp_as_u64, fp_as_u64_mut, join_ext, split_ext, typed, typed_ref, Typed, TypedRef,
};
use backend_api::{DeviceElem, Fp3};
use rayon::prelude::*;
use std::mem::{align_of, size_of, ManuallyDrop};

/// `len` zero elements from the allocator's zeroed memory. Large blocks
/// come as fresh, already-zero pages: no single-threaded fill pass over the
/// whole output (`vec![T::ZERO; len]` writes every byte first), and the
/// page faults happen in the parallel workers that write each column.
fn zeroed<T: DeviceElem>(len: usize) -> Vec<T> {
    let words = T::LIMBS;
    assert!(
        size_of::<T>() == 8 * words && align_of::<T>() == align_of::<u64>(),
        "DeviceElem layout is LIMBS packed u64 words"
    );
    let total = len.checked_mul(words).expect("output size fits in usize");
    let mut raw = ManuallyDrop::new(vec![0u64; total]);
    let capacity = raw.capacity();
    assert!(capacity % words == 0, "capacity holds whole elements");
    // SAFETY: `DeviceElem` is sealed to `Fp` (`#[repr(transparent)]` over its
    // canonical `u64`) and `Fp3` (`#[repr(C)]` over `[Fp; 3]`); the size and
    // alignment checks above make `capacity / words` elements exactly the
    // allocation's layout (same size, same alignment), and all-zero words
    // are the canonical zero of both fields. `raw` is never dropped, so the
    // allocation has one owner.
    let out = unsafe { Vec::from_raw_parts(raw.as_mut_ptr().cast::<T>(), len, capacity / words) };
    assert!(
        out.first().is_none_or(|z| *z == T::ZERO),
        "zero words are ZERO"
    );
    out
}

/// In place: `f(column, parallel)` on every base column of a column-major
/// buffer of columns of length `height`.
pub fn map_in_place<T: DeviceElem>(
    buf: &mut Vec<T>,
    height: usize,
    f: impl Fn(&mut [u64], bool) + Sync,
) {
    match typed(buf) {
        Typed::Base(v) => {
            let cols = fp_as_u64_mut(v);
            if cols.len() / height >= 2 {
                cols.par_chunks_mut(height).for_each(|c| f(c, false));
            } else {
                cols.chunks_mut(height).for_each(|c| f(c, true));
            }
        }
        Typed::Ext(v) => {
            let parallel_inside = v.len() / height < 2;
            let run = |col: &mut [Fp3]| {
                let mut limbs = split_ext(col);
                for l in limbs.iter_mut() {
                    f(l, parallel_inside);
                }
                join_ext(&limbs, col);
            };
            if parallel_inside {
                v.chunks_mut(height).for_each(run);
            } else {
                v.par_chunks_mut(height).for_each(run);
            }
        }
    }
}

/// Out of place: `f(input column, output column, parallel)` for every base
/// column; the output has columns of length `out_height`.
#[allow(clippy::ptr_arg)] // resolved to Fp or Fp3 through `Any`, which needs the `Vec`
pub fn map_to_new<T: DeviceElem>(
    input: &Vec<T>,
    height: usize,
    out_height: usize,
    f: impl Fn(&[u64], &mut [u64], bool) + Sync,
) -> Vec<T> {
    let width = input.len() / height;
    let mut out = zeroed::<T>(width * out_height);
    match (typed_ref(input), typed(&mut out)) {
        (TypedRef::Base(src), Typed::Base(dst)) => {
            let src = fp_as_u64(src);
            let dst = fp_as_u64_mut(dst);
            if width >= 2 {
                src.par_chunks(height)
                    .zip(dst.par_chunks_mut(out_height))
                    .for_each(|(s, d)| f(s, d, false));
            } else {
                f(src, dst, true);
            }
        }
        (TypedRef::Ext(src), Typed::Ext(dst)) => {
            let run = |s: &[Fp3], d: &mut [Fp3], par: bool| {
                let limbs = split_ext(s);
                let mut outs: [Vec<u64>; 3] = Default::default();
                for (l, o) in limbs.iter().zip(outs.iter_mut()) {
                    *o = vec![0u64; out_height];
                    f(l, o, par);
                }
                join_ext(&outs, d);
            };
            if width >= 2 {
                src.par_chunks(height)
                    .zip(dst.par_chunks_mut(out_height))
                    .for_each(|(s, d)| run(s, d, false));
            } else {
                run(src, dst, true);
            }
        }
        _ => unreachable!("input and output have the same element type"),
    }
    out
}
