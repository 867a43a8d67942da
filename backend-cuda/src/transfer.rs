//! Host <-> device copies through the device's pinned staging slots.
//!
//! A transfer of `n` bytes is cut into `ceil(n / CHUNK_BYTES)` chunks and
//! takes `k = min(chunks, SLOTS)` slots out of the device's pool
//! ([`StagingPool`]); chunk `i` (bytes `i * CHUNK_BYTES ..`) goes through
//! its slot `i % k`. Each slot carries an event recorded on the stream right
//! after the DMA that last used it, and the host touches a slot only after
//! `cuEventSynchronize` on that event: the host never writes a buffer the DMA
//! engine is still reading, nor reads one it is still writing.
//!
//! * Upload: the host fills slot `i % k` with chunk `i` (pageable ->
//!   pinned, split over rayon's threads), queues its DMA and goes on with
//!   chunk `i + 1` while the DMA runs; up to `k` DMAs are in flight.
//! * Download: the first `k` DMAs are queued at once; the host waits for
//!   chunk `i`, copies it out in parallel and queues chunk `i + k` into
//!   the slot it just drained.
//!
//! * Pipelined upload (`upload_pipelined`): the same, on the context's copy
//!   stream, in batches; after each batch the context's stream is ordered
//!   after the copy stream and given work on that batch.
//!
//! The pool belongs to the device, so that the contexts of a proof (one
//! per table) share slots instead of pinning their own: pinning costs ~0.5
//! ms a MiB on the H200 host, and the device pins `SLOTS` slots when it
//! opens, so no proof pays for the slots a single transfer needs. A
//! transfer takes idle slots first, then slots whose last DMA was its own
//! context's (waiting for those is waiting for its own stream), and pins new
//! ones rather than wait for another context's stream, where a slot's DMA
//! may sit behind that context's kernels.
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
use std::sync::{Arc, Mutex};

/// Bytes in one staging slot, and so in one DMA of `upload` / `download`.
pub const CHUNK_BYTES: usize = 16 << 20;
/// Staging slots one transfer uses at most (and the device pins when it
/// opens).
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
        let mut slots = self.lease_slots(src.len().div_ceil(CHUNK_BYTES))?;
        let k = slots.len();
        let result = (|| {
            for (i, chunk) in src.chunks(CHUNK_BYTES).enumerate() {
                let slot = &mut slots[i % k];
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
                slot.last_chunk = i;
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
        let stream = self.stream();
        let chunks = len.div_ceil(CHUNK_BYTES);
        let mut slots = self.lease_slots(chunks)?;
        let k = slots.len();
        let len_of = |i: usize| CHUNK_BYTES.min(len - i * CHUNK_BYTES);
        let issue = |slot: &mut Slot, i: usize| -> DeviceResult<()> {
            // The slot's last DMA (an upload of this context's, maybe on its
            // copy stream) may still read it.
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
            check(cu::cuEventRecord(slot.done, stream), "cuEventRecord")?;
            slot.last_chunk = i;
            Ok(())
        };
        let result = (|| {
            // The host does not touch a slot before its event, and no DMA
            // writes it before the one that last used it has run.
            for (i, slot) in slots.iter_mut().enumerate() {
                issue(slot, i)?;
            }
            for (i, out) in dst.chunks_mut(CHUNK_BYTES).enumerate() {
                let slot = &mut slots[i % k];
                check(cu::cuEventSynchronize(slot.done), "cuEventSynchronize")?;
                par_copy(slot.host_ref(out.len()), out);
                if i + k < chunks {
                    issue(slot, i + k)?;
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

impl CudaCtx {
    /// `min(chunks, SLOTS)` slots (at least one) out of the device's pool
    /// for one transfer of `chunks` chunks by this context, pinned anew
    /// where the pool has too few this context may use (module header).
    /// They go back to the pool when the lease drops. A transfer that fails
    /// drains its stream before its lease drops, so that a slot never
    /// returns with a DMA of a failed transfer still in flight.
    fn lease_slots(&self, chunks: usize) -> DeviceResult<SlotLease<'_>> {
        let user = self.user_id();
        let want = chunks.clamp(1, SLOTS);
        let mut lease = SlotLease {
            pool: &self.inner.dev.staging,
            user,
            slots: Vec::with_capacity(want),
        };
        {
            let mut pool = self
                .inner
                .dev
                .staging
                .lock()
                .map_err(|_| poisoned("staging"))?;
            pool.take(user, want, &mut lease.slots);
        }
        // Outside the lock: pinning is slow, and other contexts' transfers
        // need not wait for it.
        while lease.slots.len() < want {
            lease.slots.push(Slot::new()?);
        }
        Ok(lease)
    }

    /// Who last used a slot: this context's shared state (clones share it).
    fn user_id(&self) -> usize {
        Arc::as_ptr(&self.inner) as usize
    }
}

/// Slots taken out of the pool for one transfer; back into it on drop.
struct SlotLease<'a> {
    pool: &'a Mutex<StagingPool>,
    user: usize,
    slots: Vec<Slot>,
}

impl std::ops::Deref for SlotLease<'_> {
    type Target = [Slot];
    fn deref(&self) -> &[Slot] {
        &self.slots
    }
}

impl std::ops::DerefMut for SlotLease<'_> {
    fn deref_mut(&mut self) -> &mut [Slot] {
        &mut self.slots
    }
}

impl Drop for SlotLease<'_> {
    fn drop(&mut self) {
        // A poisoned pool still holds valid slots: keep using it.
        let mut pool = self.pool.lock().unwrap_or_else(|e| e.into_inner());
        // In the order their last DMAs were queued (all on one stream, so
        // the order they finish in), after every slot that came back before.
        self.slots.sort_unstable_by_key(|slot| slot.last_chunk);
        for mut slot in self.slots.drain(..) {
            slot.user = self.user;
            pool.slots.push(slot);
        }
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

/// The pinned staging slots of a device, shared by its contexts (module
/// header), behind the device's mutex.
pub(crate) struct StagingPool {
    /// Oldest first: in the order they came back from their transfers.
    slots: Vec<Slot>,
}

impl StagingPool {
    pub(crate) fn new() -> StagingPool {
        StagingPool { slots: Vec::new() }
    }

    /// Pins `count` more slots (the device's context must be current).
    pub(crate) fn pin(&mut self, count: usize) -> DeviceResult<()> {
        for _ in 0..count {
            self.slots.push(Slot::new()?);
        }
        Ok(())
    }

    /// Slots in the pool (not lent to a transfer).
    pub(crate) fn len(&self) -> usize {
        self.slots.len()
    }

    /// Frees every slot (their events and pinned memory); no DMA may use
    /// them any more, and the device's context must be current.
    pub(crate) fn release(&mut self) {
        self.slots.clear();
    }

    /// Moves the slots [`pick`] chooses for a transfer of `user` into
    /// `out`, in the order it fills them.
    fn take(&mut self, user: usize, want: usize, out: &mut Vec<Slot>) {
        let slots = &self.slots;
        let picked = pick(
            slots.len(),
            |i| slots[i].idle(),
            |i| slots[i].user,
            user,
            want,
        );
        let mut chosen: Vec<Option<Slot>> = picked.iter().map(|_| None).collect();
        let mut rest = Vec::with_capacity(self.slots.len());
        for (i, slot) in self.slots.drain(..).enumerate() {
            match picked.iter().position(|&p| p == i) {
                Some(rank) => chosen[rank] = Some(slot),
                None => rest.push(slot),
            }
        }
        // The rest keep their order.
        self.slots = rest;
        out.extend(chosen.into_iter().flatten());
    }
}

/// Which of `n` pooled slots (oldest first; `idle(i)`, `user_of(i)` the
/// `i`-th's state) a transfer of `user` takes, in the order it fills them:
/// up to `want`, idle ones first, then ones whose last DMA was `user`'s
/// own, each oldest first. Oldest first keeps the scan for idle slots
/// short (the oldest are likeliest to be done), and makes a transfer refill
/// first the own slot that comes free first. `idle` is queried only until
/// `want` idle slots are found.
fn pick(
    n: usize,
    idle: impl Fn(usize) -> bool,
    user_of: impl Fn(usize) -> usize,
    user: usize,
    want: usize,
) -> Vec<usize> {
    let mut picked = Vec::with_capacity(want);
    let mut busy_own = Vec::new();
    for i in 0..n {
        if picked.len() == want {
            return picked;
        }
        if idle(i) {
            picked.push(i);
        } else if user_of(i) == user {
            busy_own.push(i);
        }
    }
    let room = want - picked.len();
    picked.extend(busy_own.into_iter().take(room));
    picked
}

/// One pinned host buffer of `CHUNK_BYTES`, the event recorded after the
/// last DMA that used it, and who queued that DMA.
struct Slot {
    host: *mut c_void,
    done: cu::CUevent,
    /// The `CudaCtx::user_id` of the last transfer (0: none yet).
    user: usize,
    /// Within a transfer: the index of the chunk its last DMA carried.
    last_chunk: usize,
}

// SAFETY: the pinned memory and the event are owned by the slot; every access
// goes through the device's pool mutex or the lease that took it out.
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
        Ok(Slot {
            host,
            done,
            user: 0,
            last_chunk: 0,
        })
    }

    /// Whether the slot's last DMA has run (or it never had one). A failed
    /// query counts as busy: the slot is then left to others.
    fn idle(&self) -> bool {
        // SAFETY: the event lives as long as the slot.
        unsafe { cu::cuEventQuery(self.done) == cu::CUresult::CUDA_SUCCESS }
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
        // SAFETY: created in Slot::new; slots are dropped with the device,
        // after every context synchronized its streams (CtxInner::drop), or
        // by a failed lease before any DMA used them.
        unsafe {
            cu::cuEventDestroy_v2(self.done);
            cu::cuMemFreeHost(self.host);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::pick;
    use std::cell::Cell;

    /// Slots as `(idle, user)`, oldest first.
    fn run(slots: &[(bool, usize)], user: usize, want: usize) -> Vec<usize> {
        pick(slots.len(), |i| slots[i].0, |i| slots[i].1, user, want)
    }

    #[test]
    fn idle_slots_first_then_own_busy_ones_oldest_first() {
        // own busy, other's idle, own busy, other's busy, idle
        let slots = [(false, 7), (true, 9), (false, 7), (false, 9), (true, 0)];
        assert_eq!(run(&slots, 7, 1), vec![1]);
        assert_eq!(run(&slots, 7, 2), vec![1, 4]);
        assert_eq!(run(&slots, 7, 3), vec![1, 4, 0]);
        assert_eq!(run(&slots, 7, 4), vec![1, 4, 0, 2]);
        // Another context's busy slot is never taken.
        assert_eq!(run(&slots, 7, 5), vec![1, 4, 0, 2]);
        assert_eq!(run(&slots, 9, 4), vec![1, 4, 3]);
        assert_eq!(run(&[], 7, 4), Vec::<usize>::new());
    }

    #[test]
    fn the_scan_for_idle_slots_stops_once_enough_are_found() {
        let queried = Cell::new(0);
        let idle = |_| {
            queried.set(queried.get() + 1);
            true
        };
        assert_eq!(pick(64, idle, |_| 0, 1, 2), vec![0, 1]);
        assert_eq!(queried.get(), 2);
    }
}
