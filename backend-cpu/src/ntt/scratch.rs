//! A per-thread reusable buffer for the column kernels' temporaries.
//!
//! The LDE needs one column-sized temporary (the coefficients) per column.
//! Allocating it per column costs a fresh mapping, a page fault per 4 KiB
//! and the kernel zeroing every page; keeping one buffer per thread turns
//! that into nothing after the first column. Buffers up to [`KEEP_MAX`]
//! words stay with their thread between calls; larger ones are freed.

use std::cell::Cell;

/// Longest buffer kept between calls: 2^20 words (8 MiB) per thread.
const KEEP_MAX: usize = 1 << 20;

thread_local! {
    static BUFFER: Cell<Vec<u64>> = const { Cell::new(Vec::new()) };
}

/// Runs `f` on a buffer of exactly `len` words whose contents are
/// unspecified (left over from earlier use): `f` must write every word
/// before reading it. Re-entrant: a nested call (rayon may run another
/// column's job inside `f`) finds no kept buffer and allocates its own.
pub fn with_buffer<R>(len: usize, f: impl FnOnce(&mut [u64]) -> R) -> R {
    let mut buf = BUFFER.with(Cell::take);
    buf.truncate(len);
    buf.resize(len, 0);
    let result = f(&mut buf);
    if buf.capacity() <= KEEP_MAX {
        BUFFER.with(|b| b.set(buf));
    }
    result
}
