//! Large buffers made without a single-threaded pass over them.
//!
//! `vec![Fp::ZERO; n]` writes every byte on the calling thread, and
//! `extend_from_slice` copies on it, taking every page fault of the fresh
//! allocation there too. On many cores those serial passes over buffers of
//! hundreds of MiB cost more than the parallel work around them. Here a
//! zero buffer comes from the allocator's zeroed memory (fresh pages,
//! faulted in later by whichever worker writes them first), and a copy is
//! spread over the rayon pool.
//!
//! Large buffers are also offered to the kernel for transparent huge pages
//! ([`advise_huge_pages`]): one page fault and one TLB entry per 2 MiB
//! instead of per 4 KiB, which matters most to the Merkle leaves, whose
//! every row reads one word from each of dozens of columns.

use backend_api::{DeviceElem, DeviceError, DeviceResult, Digest};
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

/// Buffers from this many bytes on are offered huge pages.
const HUGE_PAGES_FROM: usize = 8 << 20;

/// Asks the kernel to back the `bytes` bytes from `start` (one allocation
/// of ours, not yet touched) with transparent huge pages. A hint: where
/// the kernel has them disabled the call fails and ordinary pages are
/// used, with the same contents either way, so its result is not needed.
fn advise_huge_pages(start: *const u8, bytes: usize) {
    if bytes < HUGE_PAGES_FROM {
        return;
    }
    #[cfg(target_os = "linux")]
    {
        const PAGE: usize = 4096;
        let first = (start as usize).next_multiple_of(PAGE);
        let end = (start as usize + bytes) & !(PAGE - 1);
        // SAFETY: `[first, end)` lies inside one live allocation owned by
        // the caller; MADV_HUGEPAGE changes only how the kernel backs those
        // pages, never their contents or whether they are mapped.
        unsafe {
            libc::madvise(first as *mut libc::c_void, end - first, libc::MADV_HUGEPAGE);
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = start;
}

/// `len` zero elements, or `OutOfMemory` when the allocation fails.
pub(crate) fn try_zeroed<T: DeviceElem>(len: usize) -> DeviceResult<Vec<T>> {
    if len == 0 {
        return Ok(Vec::new());
    }
    assert!(
        core::mem::size_of::<T>() == 8 * T::LIMBS && core::mem::align_of::<T>() == 8,
        "DeviceElem layout is LIMBS packed u64 words"
    );
    let layout = Layout::array::<T>(len).map_err(|_| out_of_memory::<T>(len))?;
    // SAFETY: `layout` has a non-zero size (`len > 0` and `DeviceElem`s are
    // 8 or 24 bytes).
    let ptr = unsafe { std::alloc::alloc_zeroed(layout) };
    if ptr.is_null() {
        return Err(out_of_memory::<T>(len));
    }
    advise_huge_pages(ptr, layout.size());
    // SAFETY: `ptr` was allocated by the global allocator with the layout
    // of `[T; len]`, which is what a `Vec<T>` of capacity `len` frees with;
    // all `len` elements are initialized, because an all-zero `Fp` or `Fp3`
    // (the only `DeviceElem`s, sealed: `#[repr(transparent)]` over a `u64`,
    // and `#[repr(C)]` over three `Fp`, as the layout check above confirms)
    // is the canonical zero.
    let out = unsafe { Vec::from_raw_parts(ptr.cast::<T>(), len, len) };
    assert!(out[0] == T::ZERO, "zero words are ZERO");
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

/// `len` zero digests (a Merkle layer), offered huge pages like the
/// buffers above.
pub(crate) fn zeroed_digests(len: usize) -> Vec<Digest> {
    let out = vec![[0u8; 32]; len];
    advise_huge_pages(out.as_ptr().cast(), core::mem::size_of_val(out.as_slice()));
    out
}

/// A copy of `data`, made on every rayon thread when it is large, or
/// `OutOfMemory` when the allocation fails.
pub(crate) fn try_copy<T: DeviceElem>(data: &[T]) -> DeviceResult<Vec<T>> {
    let mut out = Vec::new();
    out.try_reserve_exact(data.len())
        .map_err(|_| out_of_memory::<T>(data.len()))?;
    let spare = out.spare_capacity_mut();
    advise_huge_pages(spare.as_ptr().cast(), core::mem::size_of_val(spare));
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
    fn buffers_offered_huge_pages_hold_their_values() {
        // Past the huge-page threshold, at an odd length: zeros, a copy and
        // digests read back exactly (whether or not the kernel gave huge
        // pages, which depends on the machine).
        let len = HUGE_PAGES_FROM / 8 + 3;
        let mut zeros = try_zeroed::<Fp>(len).unwrap();
        assert!(zeros.iter().all(|x| *x == Fp::ZERO));
        zeros
            .iter_mut()
            .enumerate()
            .for_each(|(i, x)| *x = Fp::new(i as u64));
        assert_eq!(try_copy(&zeros).unwrap(), zeros);
        let digests = zeroed_digests(HUGE_PAGES_FROM / 32 + 1);
        assert!(digests.iter().all(|d| *d == [0u8; 32]));
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
