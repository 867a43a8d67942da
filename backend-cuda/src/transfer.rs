//! Host <-> device copies of a context through its pinned staging buffers.
//!
//! A transfer of `n` bytes is cut into `ceil(n / CHUNK_BYTES)` chunks; chunk
//! `i` (bytes `i * CHUNK_BYTES ..`) goes through staging slot `i % SLOTS`.
//! Each slot carries an event recorded on the context's stream right after the
//! DMA that last used it, and the host touches a slot only after
//! `cuEventSynchronize` on that event: the host never writes a buffer the DMA
//! engine is still reading, nor reads one it is still writing.
//!
//! * Upload: the host fills slot `i % SLOTS` with chunk `i` (pageable ->
//!   pinned, split over rayon's threads), queues its DMA and goes on with
//!   chunk `i + 1` while the DMA runs; up to `SLOTS` DMAs are in flight.
//! * Download: the first `SLOTS` DMAs are queued at once; the host waits for
//!   chunk `i`, copies it out in parallel and queues chunk `i + SLOTS` into
//!   the slot it just drained.
//!
//! * Pipelined upload (`upload_pipelined`): the same, on the context's copy
//!   stream, in batches; after each batch the context's stream is ordered
//!   after the copy stream and given work on that batch.
//!
//! Pageable memory cannot be read by the DMA engine directly, so the copy
//! through pinned memory is unavoidable; doing it on many threads and
//! overlapping it with the DMA brings pageable transfers close to the bus speed.

use crate::ctx::CudaCtx;
use crate::device::poisoned;
use crate::error::check;
use backend_api::DeviceResult;
use cust::sys as cu;
use rayon::prelude::*;
use std::ffi::c_void;
use std::mem::MaybeUninit;

/// Bytes in one staging slot, and so in one DMA of `upload` / `download`.
pub const CHUNK_BYTES: usize = 16 << 20;
/// Staging slots of a context (allocated on first use, one at a time, so a
/// context that only moves small tables pins a single slot).
pub const SLOTS: usize = 4;
/// Bytes one rayon task copies between pageable and pinned memory.
const PIECE_BYTES: usize = 256 << 10;
/// Chunks smaller than this are copied on the calling thread: the fork/join
/// would cost more than it saves.
const PARALLEL_MIN_BYTES: usize = 1 << 20;

impl CudaCtx {
    /// Copies `src` (host) to device address `dst` through pinned staging.
    ///
    /// Returns once `src` has been read completely (it may then be reused or
    /// freed); the last DMAs may still be in flight and complete in stream
    /// order. That is safe because the staging slots they read from are only
    /// refilled after their events have fired. On an error the stream is
    /// drained before returning, so no DMA of this call is left running.
    ///
    /// # Safety
    /// `dst .. dst + src.len()` must be device memory of this device that
    /// stays allocated until the copy has run (stream order).
    pub(crate) unsafe fn copy_to_device(
        &self,
        src: &[u8],
        dst: cu::CUdeviceptr,
    ) -> DeviceResult<()> {
        self.copy_to_device_on(self.stream(), src, dst)
    }

    /// Uploads `src` to `dst` in batches of `batch_bytes`, on this context's
    /// copy stream: once batch `k` (bytes `k * batch_bytes ..`) is queued,
    /// orders this context's stream after it and calls `then(k)`, which
    /// queues work on this context's stream that reads the batch. So the
    /// copy of batch `k + 1` overlaps the work on batch `k`. Returns once
    /// `src` has been read; every DMA runs before the work queued on this
    /// context afterwards.
    ///
    /// # Safety
    /// As [`copy_to_device`](Self::copy_to_device); `dst` was allocated in
    /// this context's stream order (the copy stream is first ordered after
    /// it).
    pub(crate) unsafe fn upload_pipelined(
        &self,
        src: &[u8],
        dst: cu::CUdeviceptr,
        batch_bytes: usize,
        mut then: impl FnMut(usize) -> DeviceResult<()>,
    ) -> DeviceResult<()> {
        let (stream, copy) = (self.stream(), self.inner.copy_stream);
        let dev = &self.inner.dev;
        let result = (|| {
            dev.order_after(copy, stream)?;
            for (k, batch) in src.chunks(batch_bytes.max(1)).enumerate() {
                self.copy_to_device_on(copy, batch, dst + (k * batch_bytes) as u64)?;
                dev.order_after(stream, copy)?;
                then(k)?;
            }
            Ok(())
        })();
        if result.is_err() {
            // No DMA may outlive the call into memory the caller frees.
            drain(copy);
        }
        result
    }

    /// [`copy_to_device`](Self::copy_to_device) with the DMAs on `stream`,
    /// this context's stream or its copy stream.
    unsafe fn copy_to_device_on(
        &self,
        stream: cu::CUstream,
        src: &[u8],
        dst: cu::CUdeviceptr,
    ) -> DeviceResult<()> {
        if src.is_empty() {
            return Ok(());
        }
        self.make_current()?;
        let mut staging = self.inner.staging.lock().map_err(|_| poisoned("staging"))?;
        let result = (|| {
            staging.ensure(src.len().div_ceil(CHUNK_BYTES).min(SLOTS))?;
            for (i, chunk) in src.chunks(CHUNK_BYTES).enumerate() {
                let slot = &mut staging.slots[i % SLOTS];
                // The slot's previous DMA must have read it before it is refilled.
                check(cu::cuEventSynchronize(slot.done), "cuEventSynchronize")?;
                par_copy(chunk, slot.host_mut(chunk.len()));
                check(
                    cu::cuMemcpyHtoDAsync_v2(
                        dst + (i * CHUNK_BYTES) as u64,
                        slot.host as *const c_void,
                        chunk.len(),
                        stream,
                    ),
                    "cuMemcpyHtoDAsync",
                )?;
                check(cu::cuEventRecord(slot.done, stream), "cuEventRecord")?;
            }
            Ok(())
        })();
        if result.is_err() {
            drain(stream);
        } else {
            self.inner.dev.count_to_device(src.len());
        }
        result
    }

    /// Copies device address `src` to the `len` bytes at host address `dst`
    /// through pinned staging; returns once `dst` holds the data (work queued
    /// earlier on this context has finished by then). `dst` may be
    /// uninitialized memory: it is only written.
    ///
    /// # Safety
    /// `src .. src + len` must be device memory of this device; `dst` must be
    /// valid for writes of `len` bytes and not be accessed by anyone else
    /// during the call.
    pub(crate) unsafe fn copy_to_host_raw(
        &self,
        src: cu::CUdeviceptr,
        dst: *mut u8,
        len: usize,
    ) -> DeviceResult<()> {
        if len == 0 {
            return Ok(());
        }
        let dst = std::slice::from_raw_parts_mut(dst as *mut MaybeUninit<u8>, len);
        self.make_current()?;
        let mut staging = self.inner.staging.lock().map_err(|_| poisoned("staging"))?;
        let stream = self.stream();
        let chunks = len.div_ceil(CHUNK_BYTES);
        let len_of = |i: usize| CHUNK_BYTES.min(len - i * CHUNK_BYTES);
        let issue = |slot: &Slot, i: usize| -> DeviceResult<()> {
            // A DMA of an upload on the copy stream may still read the slot.
            check(
                cu::cuStreamWaitEvent(stream, slot.done, 0),
                "cuStreamWaitEvent",
            )?;
            check(
                cu::cuMemcpyDtoHAsync_v2(
                    slot.host,
                    src + (i * CHUNK_BYTES) as u64,
                    len_of(i),
                    stream,
                ),
                "cuMemcpyDtoHAsync",
            )?;
            check(cu::cuEventRecord(slot.done, stream), "cuEventRecord")
        };
        let result = (|| {
            staging.ensure(chunks.min(SLOTS))?;
            // The host does not touch a slot before its event, and no DMA
            // writes it before the one that last used it has run.
            for i in 0..chunks.min(SLOTS) {
                issue(&staging.slots[i], i)?;
            }
            for (i, out) in dst.chunks_mut(CHUNK_BYTES).enumerate() {
                let slot = &mut staging.slots[i % SLOTS];
                check(cu::cuEventSynchronize(slot.done), "cuEventSynchronize")?;
                par_copy(slot.host_ref(out.len()), out);
                if i + SLOTS < chunks {
                    issue(slot, i + SLOTS)?;
                }
            }
            Ok(())
        })();
        if result.is_err() {
            drain(stream);
        } else {
            self.inner.dev.count_to_host(len);
        }
        result
    }

    /// Like [`copy_to_host_raw`](Self::copy_to_host_raw) into an initialized
    /// slice.
    ///
    /// # Safety
    /// `src .. src + dst.len()` must be device memory of this device.
    pub(crate) unsafe fn copy_to_host(
        &self,
        src: cu::CUdeviceptr,
        dst: &mut [u8],
    ) -> DeviceResult<()> {
        self.copy_to_host_raw(src, dst.as_mut_ptr(), dst.len())
    }
}

/// After a failed transfer: wait for whatever of it was queued on `stream`
/// (a live stream of the calling context), so that no DMA still uses a
/// staging slot or the caller's memory. Its own error is not reported (the
/// first one is).
fn drain(stream: cu::CUstream) {
    // SAFETY: callers pass a stream of a context they hold.
    unsafe {
        cu::cuStreamSynchronize(stream);
    }
}

/// Asks the kernel to back the `bytes` at `ptr` (a fresh host allocation
/// that a download is about to fill) with transparent huge pages: a download
/// into a fresh vector is dominated by first-touch page faults, and huge pages
/// take 512 times fewer of them (on an H200 host whose DMA does 55 GB/s, a
/// 512 MiB `download()` runs at 15.5 GB/s, the same copy into pinned memory
/// at 55 GB/s).
///
/// Only a hint: it changes no contents, and where the kernel declines (huge
/// pages disabled, or a non-Linux host) the copy runs on small pages, just
/// slower, so its result is deliberately not checked.
pub(crate) fn advise_huge_pages(ptr: *mut u8, bytes: usize) {
    const HUGE: usize = 2 << 20;
    if bytes < 4 * HUGE {
        return;
    }
    // Whole huge pages inside the allocation only.
    let start = (ptr as usize).next_multiple_of(HUGE);
    let end = (ptr as usize + bytes) / HUGE * HUGE;
    #[cfg(target_os = "linux")]
    if end > start {
        // SAFETY: the range lies inside the caller's allocation;
        // MADV_HUGEPAGE changes how it is backed, not what it holds.
        unsafe {
            libc::madvise(start as *mut c_void, end - start, libc::MADV_HUGEPAGE);
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (start, end);
}

/// Copies `src` into `dst` (equal lengths), split into `PIECE_BYTES` pieces
/// over rayon's threads when it is large enough to pay.
fn par_copy(src: &[u8], dst: &mut [MaybeUninit<u8>]) {
    if src.len() < PARALLEL_MIN_BYTES {
        copy_piece(src, dst);
    } else {
        dst.par_chunks_mut(PIECE_BYTES)
            .zip(src.par_chunks(PIECE_BYTES))
            .for_each(|(d, s)| copy_piece(s, d));
    }
}

fn copy_piece(src: &[u8], dst: &mut [MaybeUninit<u8>]) {
    let n = src.len().min(dst.len());
    // SAFETY: both slices are valid for `n` bytes, and a shared and an
    // exclusive borrow cannot overlap.
    unsafe { std::ptr::copy_nonoverlapping(src.as_ptr(), dst.as_mut_ptr() as *mut u8, n) }
}

/// The staging slots of one context, behind its mutex.
pub(crate) struct Staging {
    slots: Vec<Slot>,
}

impl Staging {
    pub(crate) fn new() -> Staging {
        Staging { slots: Vec::new() }
    }

    /// Frees every slot (their events and pinned memory); the context that
    /// made them must be alive and current.
    pub(crate) fn release(&mut self) {
        self.slots.clear();
    }

    /// Makes sure at least `count` slots exist.
    fn ensure(&mut self, count: usize) -> DeviceResult<()> {
        while self.slots.len() < count {
            self.slots.push(Slot::new()?);
        }
        Ok(())
    }
}

/// One pinned host buffer of `CHUNK_BYTES` and the event recorded after the
/// last DMA that used it.
struct Slot {
    host: *mut c_void,
    done: cu::CUevent,
}

// SAFETY: the pinned memory and the event are owned by the slot; every access
// goes through the context's staging mutex.
unsafe impl Send for Slot {}

impl Slot {
    fn new() -> DeviceResult<Slot> {
        let mut host = std::ptr::null_mut();
        // SAFETY: out-pointer; freed in Drop.
        check(
            unsafe { cu::cuMemHostAlloc(&mut host, CHUNK_BYTES, 0) },
            "cuMemHostAlloc",
        )?;
        let mut done = std::ptr::null_mut();
        // SAFETY: out-pointer; destroyed in Drop.
        let r = unsafe {
            cu::cuEventCreate(&mut done, cu::CUevent_flags::CU_EVENT_DISABLE_TIMING as u32)
        };
        if let Err(e) = check(r, "cuEventCreate") {
            // SAFETY: allocated just above.
            unsafe { cu::cuMemFreeHost(host) };
            return Err(e);
        }
        Ok(Slot { host, done })
    }

    /// The first `len` bytes (at most `CHUNK_BYTES`) for the host to fill.
    /// The caller has waited for `done`, so no DMA reads them.
    fn host_mut(&mut self, len: usize) -> &mut [MaybeUninit<u8>] {
        // SAFETY: the allocation holds CHUNK_BYTES bytes; `&mut self` and the
        // event wait make this the only access.
        unsafe {
            std::slice::from_raw_parts_mut(self.host as *mut MaybeUninit<u8>, len.min(CHUNK_BYTES))
        }
    }

    /// The first `len` bytes, written by a DMA the caller has waited for.
    fn host_ref(&self, len: usize) -> &[u8] {
        // SAFETY: in bounds as above; the bytes were written by the finished
        // DMA (a download reads exactly the bytes its DMA wrote).
        unsafe { std::slice::from_raw_parts(self.host as *const u8, len.min(CHUNK_BYTES)) }
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        // SAFETY: created in Slot::new; the owning stream was synchronized
        // (CtxInner::drop) before the staging is dropped.
        unsafe {
            cu::cuEventDestroy_v2(self.done);
            cu::cuMemFreeHost(self.host);
        }
    }
}
