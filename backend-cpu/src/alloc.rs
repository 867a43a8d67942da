//! Large buffers made without a single-threaded pass over them.
//!
//! `vec![Fp::ZERO; n]` writes every byte on the calling thread, and
//! `extend_from_slice` copies on it, taking every page fault of the fresh
//! allocation there too. On many cores those serial passes over buffers of
//! hundreds of MiB cost more than the parallel work around them. Here a
//! zero buffer comes from the allocator's zeroed memory (fresh pages,
//! faulted in later by whichever worker writes them first), and a copy is
//! spread over the rayon pool.

use backend_api::{DeviceElem, DeviceError, DeviceResult};
use rayon::prelude::*;
use std::alloc::{handle_alloc_error, Layout};

/// Elements below which a copy stays on the calling thread.
const PARALLEL_COPY_FROM: usize = 1 << 16;

/// Elements per parallel copy task.
const COPY_TASK: usize = 1 << 15;

/// The `OutOfMemory` error for `len` elements of `T`.
fn out_of_memory<T>(len: usize) -> DeviceError {
    DeviceError::OutOfMemory {
        requested: len.saturating_mul(core::mem::size_of::<T>()),
        available: 0,
    }
}

/// `len` zero elements, or `OutOfMemory` when the allocation fails.
pub(crate) fn try_zeroed<T: DeviceElem>(len: usize) -> DeviceResult<Vec<T>> {
    if len == 0 {
        return Ok(Vec::new());
    }
    let layout = Layout::array::<T>(len).map_err(|_| out_of_memory::<T>(len))?;
    // SAFETY: `layout` has a non-zero size (`len > 0` and `DeviceElem`s are
    // 8 or 24 bytes).
    let ptr = unsafe { std::alloc::alloc_zeroed(layout) };
    if ptr.is_null() {
        return Err(out_of_memory::<T>(len));
    }
    // SAFETY: `ptr` was allocated by the global allocator with the layout
    // of `[T; len]`, which is what a `Vec<T>` of capacity `len` frees with;
    // all `len` elements are initialized, because an all-zero `Fp` or `Fp3`
    // (the only `DeviceElem`s: `#[repr(transparent)]` over a `u64`, and
    // `#[repr(C)]` over three `Fp`) is the canonical zero.
    let out = unsafe { Vec::from_raw_parts(ptr.cast::<T>(), len, len) };
    debug_assert!(out[0] == T::ZERO);
    Ok(out)
}

/// [`try_zeroed`] for kernels that cannot report an error: a failed
/// allocation ends the process as `vec!` does.
pub(crate) fn zeroed<T: DeviceElem>(len: usize) -> Vec<T> {
    try_zeroed(len).unwrap_or_else(|_| match Layout::array::<T>(len) {
        Ok(layout) => handle_alloc_error(layout),
        Err(_) => panic!("a buffer of {len} elements overflows the address space"),
    })
}

/// A copy of `data`, made on every rayon thread when it is large, or
/// `OutOfMemory` when the allocation fails.
pub(crate) fn try_copy<T: DeviceElem>(data: &[T]) -> DeviceResult<Vec<T>> {
    let mut out = Vec::new();
    out.try_reserve_exact(data.len())
        .map_err(|_| out_of_memory::<T>(data.len()))?;
    if data.len() < PARALLEL_COPY_FROM {
        out.extend_from_slice(data);
    } else {
        // An indexed parallel iterator extends into the reserved capacity
        // in place, each task writing its own range.
        out.par_extend(data.par_iter().copied().with_min_len(COPY_TASK));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use backend_api::{Fp, Fp3};

    #[test]
    fn zeroed_buffers_hold_zeros() {
        for len in [0, 1, 7, 1 << 17] {
            let base = try_zeroed::<Fp>(len).unwrap();
            assert_eq!(base.len(), len);
            assert!(base.iter().all(|x| *x == Fp::ZERO));
            let ext = zeroed::<Fp3>(len);
            assert_eq!(ext.len(), len);
            assert!(ext.iter().all(|x| *x == Fp3::ZERO));
        }
    }

    #[test]
    fn impossible_sizes_are_out_of_memory() {
        match try_zeroed::<Fp3>(usize::MAX / 8) {
            Err(DeviceError::OutOfMemory { requested, .. }) => assert!(requested > 0),
            other => panic!("expected OutOfMemory, got {:?}", other.map(|v| v.len())),
        }
        // A valid layout, far beyond any machine's memory.
        let huge = isize::MAX as usize / 8 - 1;
        assert!(matches!(
            try_zeroed::<Fp>(huge),
            Err(DeviceError::OutOfMemory { .. })
        ));
    }

    #[test]
    fn copies_equal_their_source() {
        for len in [
            0,
            5,
            PARALLEL_COPY_FROM - 1,
            PARALLEL_COPY_FROM,
            3 * COPY_TASK + 11,
        ] {
            let data: Vec<Fp3> = (0..len as u64)
                .map(|i| Fp3::new(Fp::new(i), Fp::new(i.wrapping_mul(31)), Fp::new(!i)))
                .collect();
            assert_eq!(try_copy(&data).unwrap(), data);
        }
    }
}
