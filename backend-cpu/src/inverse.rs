//! Batch inversion with `0 -> 0`, by Montgomery's trick in parallel chunks.
//!
//! Each chunk of `CHUNK` values computes prefix products of its non-zero
//! entries, inverts the chunk's product once, and walks back:
//! `1/x_i = (x_0 .. x_{i-1}) * (x_0 .. x_i)^-1`. Zeros are skipped (they
//! stay 0). The result is each value's exact inverse, so it does not depend
//! on the chunking or the thread count.

use backend_api::DeviceElem;
use rayon::prelude::*;

const CHUNK: usize = 1 << 10;

/// Inverts one chunk in place with one field inversion; `prefix` is
/// scratch of at least `values.len()` elements.
pub fn invert_chunk<T: DeviceElem>(values: &mut [T], prefix: &mut Vec<T>) {
    prefix.clear();
    let mut acc = T::ONE;
    for &v in values.iter() {
        prefix.push(acc);
        if !v.is_zero() {
            acc *= v;
        }
    }
    // acc is a product of non-zero values, hence invertible.
    let mut inv = acc.inverse_or_zero();
    for (v, &before) in values.iter_mut().zip(prefix.iter()).rev() {
        if !v.is_zero() {
            let x = *v;
            *v = inv * before;
            inv *= x;
        }
    }
}

/// Replaces every element by its inverse (0 stays 0).
pub fn batch_inverse<T: DeviceElem>(values: &mut [T]) {
    values.par_chunks_mut(CHUNK).for_each_init(
        || Vec::with_capacity(CHUNK),
        |prefix, chunk| invert_chunk(chunk, prefix),
    );
}
