//! Runs a raw base-field column kernel over every column of a matrix.
//!
//! An `Fp` column is handed over in place as `u64`s; an `Fp3` column is
//! split into its three coefficient columns (twiddles are in Fp, so every
//! linear map of the NTT family acts on each coefficient separately).
//!
//! Parallel policy ([`parallel_inside`]): columns always run in parallel;
//! each kernel call runs sequentially when the columns alone keep every
//! thread busy, and is itself parallel (`parallel = true`, with the
//! splitting and joining of `Fp3` columns) when they would not.

use crate::alloc::zeroed;
use crate::elem::{
    fp_as_u64, fp_as_u64_mut, join_ext, split_ext, typed, typed_ref, Typed, TypedRef,
};
use backend_api::{DeviceElem, Fp3};
use rayon::prelude::*;

/// Whether a call over `columns` columns runs each column's kernel in
/// parallel too: when one sequential kernel per thread would leave threads
/// idle, either because there are fewer columns than threads or because
/// the last round of columns would run on only some of them. (With four or
/// more columns per thread the imbalance of that last round is small.)
fn parallel_inside(columns: usize) -> bool {
    let threads = rayon::current_num_threads().max(1);
    columns < 4 * threads && !columns.is_multiple_of(threads)
}

/// `f` on the three coefficient columns of `col`, written back.
fn on_limbs(col: &mut [Fp3], inside: bool, f: &(impl Fn(&mut [u64], bool) + Sync)) {
    let mut limbs = split_ext(col, inside);
    if inside {
        limbs.par_iter_mut().for_each(|l| f(l, true));
    } else {
        limbs.iter_mut().for_each(|l| f(l, false));
    }
    join_ext(&limbs, col, inside);
}

/// In place: `f(column, parallel)` on every base column of a column-major
/// buffer of columns of length `height`.
pub fn map_in_place<T: DeviceElem>(
    buf: &mut Vec<T>,
    height: usize,
    f: impl Fn(&mut [u64], bool) + Sync,
) {
    let inside = parallel_inside(buf.len() / height);
    match typed(buf) {
        Typed::Base(v) => {
            fp_as_u64_mut(v)
                .par_chunks_mut(height)
                .for_each(|c| f(c, inside));
        }
        Typed::Ext(v) => {
            v.par_chunks_mut(height)
                .for_each(|col| on_limbs(col, inside, &f));
        }
    }
}

/// `f(input, output, parallel)` on the three coefficient columns of `s`,
/// into `d` (of length `out_height`).
fn to_limbs(
    s: &[Fp3],
    d: &mut [Fp3],
    inside: bool,
    f: &(impl Fn(&[u64], &mut [u64], bool) + Sync),
) {
    let limbs = split_ext(s, inside);
    let mut outs: [Vec<u64>; 3] = core::array::from_fn(|_| vec![0u64; d.len()]);
    if inside {
        limbs
            .par_iter()
            .zip(outs.par_iter_mut())
            .for_each(|(l, o)| f(l, o, true));
    } else {
        for (l, o) in limbs.iter().zip(outs.iter_mut()) {
            f(l, o, false);
        }
    }
    join_ext(&outs, d, inside);
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
    let inside = parallel_inside(width);
    let mut out = zeroed::<T>(width * out_height);
    match (typed_ref(input), typed(&mut out)) {
        (TypedRef::Base(src), Typed::Base(dst)) => {
            fp_as_u64(src)
                .par_chunks(height)
                .zip(fp_as_u64_mut(dst).par_chunks_mut(out_height))
                .for_each(|(s, d)| f(s, d, inside));
        }
        (TypedRef::Ext(src), Typed::Ext(dst)) => {
            src.par_chunks(height)
                .zip(dst.par_chunks_mut(out_height))
                .for_each(|(s, d)| to_limbs(s, d, inside, &f));
        }
        _ => unreachable!("input and output have the same element type"),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kernels_run_inside_only_when_columns_leave_threads_idle() {
        let threads = rayon::current_num_threads();
        assert!(parallel_inside(1) == (threads > 1));
        assert!(!parallel_inside(threads));
        assert!(!parallel_inside(4 * threads));
        assert!(!parallel_inside(4 * threads + 1));
        if threads > 1 {
            assert!(parallel_inside(threads + 1));
        }
    }
}
