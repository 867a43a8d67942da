//! Device memory: untyped stream-ordered allocations and typed buffers.

use crate::ctx::CudaCtx;
use crate::device::poisoned;
use crate::error::{check, too_large};
use backend_api::{Buffer, DeviceElem, DeviceResult, Fp, Fp3};
use cust::sys as cu;
use std::marker::PhantomData;
use std::sync::Mutex;

// The device layout of Fp / Fp3 is the host layout: 1 or 3 canonical u64s.
const _: () = assert!(std::mem::size_of::<Fp>() == 8 && std::mem::align_of::<Fp>() == 8);
const _: () = assert!(std::mem::size_of::<Fp3>() == 24 && std::mem::align_of::<Fp3>() == 8);

/// A stream-ordered device allocation of `bytes` bytes. Allocated on the
/// stream of the context that made it, and freed there after the work queued
/// on every context's stream before the drop (`DeviceInner::free_async`),
/// so it may be used on any context and dropped at any time after.
///
/// A *scratch* allocation ([`scratch`](Self::scratch)) is freed after the
/// work of its own context's stream only, without ordering that stream
/// after the other contexts': for a call's temporaries, which no other
/// context ever sees. Contexts then do not wait for each other at every
/// call's end.
pub struct DeviceAlloc {
    ptr: cu::CUdeviceptr,
    bytes: usize,
    ctx: CudaCtx,
    scratch: bool,
}

impl DeviceAlloc {
    /// `bytes` uninitialized bytes on `ctx`'s stream. Errors: `OutOfMemory`
    /// if the device cannot hold them.
    pub fn new(ctx: &CudaCtx, bytes: usize) -> DeviceResult<DeviceAlloc> {
        Self::alloc(ctx, bytes, false)
    }

    /// Like [`new`](Self::new), for memory used only by work queued on
    /// `ctx`: its free waits for no other context's work. Using it on
    /// another context is a use-after-free waiting to happen.
    pub fn scratch(ctx: &CudaCtx, bytes: usize) -> DeviceResult<DeviceAlloc> {
        Self::alloc(ctx, bytes, true)
    }

    fn alloc(ctx: &CudaCtx, bytes: usize, scratch: bool) -> DeviceResult<DeviceAlloc> {
        let ptr = if bytes == 0 {
            0
        } else {
            ctx.inner.dev.alloc_async(bytes, ctx.stream())?
        };
        Ok(DeviceAlloc {
            ptr,
            bytes,
            ctx: ctx.clone(),
            scratch,
        })
    }

    /// `bytes` zero bytes (memset on the stream).
    pub fn zeroed(ctx: &CudaCtx, bytes: usize) -> DeviceResult<DeviceAlloc> {
        let a = DeviceAlloc::new(ctx, bytes)?;
        a.memset(ctx, 0)?;
        Ok(a)
    }

    /// Sets every byte to `value`, on `ctx`'s stream.
    pub fn memset(&self, ctx: &CudaCtx, value: u8) -> DeviceResult<()> {
        if self.bytes == 0 {
            return Ok(());
        }
        ctx.make_current()?;
        // SAFETY: the range is this allocation.
        check(
            unsafe { cu::cuMemsetD8Async(self.ptr, value, self.bytes, ctx.stream()) },
            "cuMemsetD8Async",
        )
    }

    /// The device address (0 for an empty allocation).
    pub fn as_raw(&self) -> cu::CUdeviceptr {
        self.ptr
    }

    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// Device address `offset` bytes in; `None` past the end.
    pub fn offset(&self, offset: usize) -> Option<cu::CUdeviceptr> {
        (offset <= self.bytes).then(|| self.ptr + offset as u64)
    }
}

impl DeviceAlloc {
    /// A new allocation holding `words` (little-endian u64s, as kernels read
    /// them).
    pub fn from_words(ctx: &CudaCtx, words: &[u64]) -> DeviceResult<DeviceAlloc> {
        Self::alloc_words(ctx, words, false)
    }

    /// Like [`from_words`](Self::from_words), a [scratch](Self::scratch)
    /// allocation: a call's argument tables and indices.
    pub fn scratch_words(ctx: &CudaCtx, words: &[u64]) -> DeviceResult<DeviceAlloc> {
        Self::alloc_words(ctx, words, true)
    }

    fn alloc_words(ctx: &CudaCtx, words: &[u64], scratch: bool) -> DeviceResult<DeviceAlloc> {
        let a = DeviceAlloc::alloc(ctx, std::mem::size_of_val(words), scratch)?;
        // SAFETY: u64s have no padding; the allocation has exactly that size.
        unsafe {
            let bytes = std::slice::from_raw_parts(words.as_ptr() as *const u8, a.bytes);
            ctx.copy_to_device(bytes, a.ptr)?;
        }
        Ok(a)
    }

    /// Reads `count` u64 words starting `offset` bytes in; waits for the
    /// work queued before it on `ctx`.
    pub fn read_words(&self, ctx: &CudaCtx, offset: usize, count: usize) -> DeviceResult<Vec<u64>> {
        let end = count
            .checked_mul(8)
            .and_then(|b| b.checked_add(offset))
            .filter(|&e| e <= self.bytes)
            .ok_or_else(|| {
                backend_api::DeviceError::invalid("count", "read past the allocation")
            })?;
        let mut out = vec![0u64; count];
        // SAFETY: the range offset..end lies inside the allocation.
        unsafe {
            let bytes = std::slice::from_raw_parts_mut(out.as_mut_ptr() as *mut u8, end - offset);
            ctx.copy_to_host(self.ptr + offset as u64, bytes)?;
        }
        Ok(out)
    }
}

impl Drop for DeviceAlloc {
    fn drop(&mut self) {
        if self.bytes != 0 {
            // An error cannot be reported from drop; the memory then stays
            // with the context until it is destroyed.
            let _ = self.ctx.inner.dev.free_async(
                self.ptr,
                self.bytes,
                self.ctx.stream(),
                !self.scratch,
            );
        }
    }
}

/// The bytes of field elements, in their device layout.
pub(crate) fn elem_bytes<T: DeviceElem>(data: &[T]) -> &[u8] {
    // SAFETY: T is Fp or Fp3, plain u64 data without padding (asserted
    // above), so its bytes may be read.
    unsafe { std::slice::from_raw_parts(data.as_ptr() as *const u8, std::mem::size_of_val(data)) }
}

/// Owning device memory holding `len` elements `T` ([`Fp`]: one u64 each,
/// [`Fp3`]: three u64 `c0, c1, c2`), canonical at every API boundary.
pub struct CudaBuffer<T: DeviceElem> {
    alloc: DeviceAlloc,
    len: usize,
    _elem: PhantomData<T>,
}

impl<T: DeviceElem> std::fmt::Debug for CudaBuffer<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "CudaBuffer<{:?}>({} at {:#x})",
            T::KIND,
            self.len,
            self.alloc.ptr
        )
    }
}

/// The host could not allocate `bytes` for a download.
fn host_out_of_memory(bytes: usize) -> backend_api::DeviceError {
    backend_api::DeviceError::Backend {
        code: -1,
        name: "HostOutOfMemory".into(),
        message: format!("cannot allocate {bytes} bytes of host memory for a download"),
    }
}

/// Bytes of `len` elements `T`, or an error if that overflows.
pub(crate) fn bytes_of<T: DeviceElem>(len: usize) -> DeviceResult<usize> {
    len.checked_mul(std::mem::size_of::<T>())
        .ok_or_else(|| too_large("alloc", format!("{len} elements overflow usize bytes")))
}

impl<T: DeviceElem> CudaBuffer<T> {
    /// `len` uninitialized elements (the caller fills them before reading).
    pub fn uninit(ctx: &CudaCtx, len: usize) -> DeviceResult<Self> {
        Ok(CudaBuffer {
            alloc: DeviceAlloc::new(ctx, bytes_of::<T>(len)?)?,
            len,
            _elem: PhantomData,
        })
    }

    /// `len` uninitialized elements, a [scratch](DeviceAlloc::scratch)
    /// allocation: used only by work queued on `ctx`.
    pub fn scratch(ctx: &CudaCtx, len: usize) -> DeviceResult<Self> {
        Ok(CudaBuffer {
            alloc: DeviceAlloc::scratch(ctx, bytes_of::<T>(len)?)?,
            len,
            _elem: PhantomData,
        })
    }

    /// `len` zeros.
    pub fn zeroed(ctx: &CudaCtx, len: usize) -> DeviceResult<Self> {
        Ok(CudaBuffer {
            alloc: DeviceAlloc::zeroed(ctx, bytes_of::<T>(len)?)?,
            len,
            _elem: PhantomData,
        })
    }

    /// Copies `data` to a new buffer (pinned staging, on `ctx`'s stream).
    pub fn from_host(ctx: &CudaCtx, data: &[T]) -> DeviceResult<Self> {
        let buf = Self::uninit(ctx, data.len())?;
        // SAFETY: the destination has exactly that many bytes.
        unsafe { ctx.copy_to_device(elem_bytes(data), buf.alloc.ptr)? };
        Ok(buf)
    }

    /// Copies the buffer to the host; waits for the work queued before it.
    pub fn to_host(&self, ctx: &CudaCtx) -> DeviceResult<Vec<T>> {
        self.range_to_host(ctx, 0, self.len)
    }

    /// Copies elements `start .. start + count` to the host; waits for the
    /// work queued before it. The vector is written only by the copy (never
    /// zeroed first), so its pages are first touched by the parallel copy.
    pub fn range_to_host(&self, ctx: &CudaCtx, start: usize, count: usize) -> DeviceResult<Vec<T>> {
        start
            .checked_add(count)
            .filter(|&e| e <= self.len)
            .ok_or_else(|| {
                backend_api::DeviceError::invalid(
                    "range",
                    format!("{start}+{count} past {}", self.len),
                )
            })?;
        let size = std::mem::size_of::<T>();
        let mut out: Vec<T> = Vec::new();
        out.try_reserve_exact(count)
            .map_err(|_| host_out_of_memory(count * size))?;
        crate::transfer::advise_huge_pages(out.as_mut_ptr() as *mut u8, count * size);
        // SAFETY: the range lies inside the allocation and the vector has
        // room for `count` elements. Once the copy succeeded every one of
        // them holds a canonical element the device stored (T is Fp or Fp3,
        // plain u64s without padding, and kernels store canonical values), so
        // the length may be set.
        unsafe {
            ctx.copy_to_host_raw(
                self.alloc.ptr + (start * size) as u64,
                out.as_mut_ptr() as *mut u8,
                count * size,
            )?;
            out.set_len(count);
        }
        Ok(out)
    }

    /// Number of elements (also `Buffer::len`).
    #[allow(clippy::len_without_is_empty)]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Device address of element 0.
    pub fn as_raw(&self) -> cu::CUdeviceptr {
        self.alloc.ptr
    }

    /// Device address of element `i` (`i <= len`).
    pub fn elem_ptr(&self, i: usize) -> cu::CUdeviceptr {
        self.alloc.ptr + (i.min(self.len) * std::mem::size_of::<T>()) as u64
    }

    pub fn bytes(&self) -> usize {
        self.alloc.bytes
    }
}

impl<T: DeviceElem> Buffer for CudaBuffer<T> {
    fn len(&self) -> usize {
        self.len
    }
}

/// Pinned (page-locked) host memory, for callers that fill or read the
/// memory themselves and want transfers at full bus speed without staging.
///
/// Copies are queued on any context's stream and the call returns at once.
/// An event recorded after each of them (and made to follow the previous
/// copies, whatever stream they ran on) lets the host wait for them: the
/// accessors and `Drop` wait until no queued copy still reads or writes the
/// memory, so host accesses never race a DMA.
pub struct PinnedHost {
    ptr: *mut u8,
    bytes: usize,
    /// Completes after every copy queued so far from or into this memory.
    last_copy: Mutex<cu::CUevent>,
    ctx: CudaCtx,
}

// SAFETY: plain host memory and an event owned by this value; host reads and
// writes go through the accessors, which wait for the queued copies, and
// the event is behind a Mutex.
unsafe impl Send for PinnedHost {}
// SAFETY: see `Send`; shared access only reads the memory.
unsafe impl Sync for PinnedHost {}

impl PinnedHost {
    /// `bytes` zeroed pinned bytes.
    pub fn new(ctx: &CudaCtx, bytes: usize) -> DeviceResult<PinnedHost> {
        ctx.make_current()?;
        let mut event = std::ptr::null_mut();
        // SAFETY: out-pointer; destroyed in Drop.
        check(
            unsafe {
                cu::cuEventCreate(
                    &mut event,
                    cu::CUevent_flags::CU_EVENT_DISABLE_TIMING as u32,
                )
            },
            "cuEventCreate",
        )?;
        let mut p = std::ptr::null_mut();
        // SAFETY: out-pointer; freed in Drop.
        let r = unsafe { cu::cuMemHostAlloc(&mut p, bytes.max(1), 0) };
        if let Err(e) = check(r, "cuMemHostAlloc") {
            // SAFETY: created just above, never recorded.
            unsafe { cu::cuEventDestroy_v2(event) };
            return Err(e);
        }
        // SAFETY: freshly allocated, `bytes` long.
        unsafe { std::ptr::write_bytes(p as *mut u8, 0, bytes) };
        Ok(PinnedHost {
            ptr: p as *mut u8,
            bytes,
            last_copy: Mutex::new(event),
            ctx: ctx.clone(),
        })
    }

    /// Size in bytes.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// The memory, for the host to read, once every queued copy into it has
    /// finished.
    pub fn as_slice(&self) -> DeviceResult<&[u8]> {
        self.wait()?;
        // SAFETY: owned, `bytes` long, initialized in `new`; no copy writes it
        // now (copies into it need `&mut self`, and the last one finished).
        Ok(unsafe { std::slice::from_raw_parts(self.ptr, self.bytes) })
    }

    /// The memory, for the host to write, once every queued copy from or into
    /// it has finished.
    pub fn as_mut_slice(&mut self) -> DeviceResult<&mut [u8]> {
        self.wait()?;
        // SAFETY: as in `as_slice`; `&mut self` excludes new copies.
        Ok(unsafe { std::slice::from_raw_parts_mut(self.ptr, self.bytes) })
    }

    /// Queues a copy of the first `dst.bytes()` bytes to `dst` on `ctx`'s
    /// stream (no staging) and returns. The host may read the memory
    /// meanwhile; writing it (`as_mut_slice`) waits for the copy.
    pub fn copy_to(&self, ctx: &CudaCtx, dst: &DeviceAlloc) -> DeviceResult<()> {
        if dst.bytes() > self.bytes {
            return Err(backend_api::DeviceError::invalid(
                "dst",
                "larger than the pinned buffer",
            ));
        }
        if dst.bytes() == 0 {
            return Ok(());
        }
        // SAFETY: both ranges are valid for dst.bytes() bytes; the device
        // range stays allocated until the copy ran (stream order of its free).
        self.queue(ctx, |stream| unsafe {
            check(
                cu::cuMemcpyHtoDAsync_v2(dst.as_raw(), self.ptr as *const _, dst.bytes(), stream),
                "cuMemcpyHtoDAsync",
            )
        })?;
        ctx.inner.dev.count_to_device(dst.bytes());
        Ok(())
    }

    /// Queues a copy of all of `src` into the first `src.bytes()` bytes on
    /// `ctx`'s stream (after the work queued before it there) and returns;
    /// `as_slice` waits for it.
    pub fn copy_from(&mut self, ctx: &CudaCtx, src: &DeviceAlloc) -> DeviceResult<()> {
        if src.bytes() > self.bytes {
            return Err(backend_api::DeviceError::invalid(
                "src",
                "larger than the pinned buffer",
            ));
        }
        if src.bytes() == 0 {
            return Ok(());
        }
        // SAFETY: both ranges are valid for src.bytes() bytes; `&mut self`
        // keeps host readers out until the accessors wait for the copy.
        self.queue(ctx, |stream| unsafe {
            check(
                cu::cuMemcpyDtoHAsync_v2(self.ptr as *mut _, src.as_raw(), src.bytes(), stream),
                "cuMemcpyDtoHAsync",
            )
        })?;
        ctx.inner.dev.count_to_host(src.bytes());
        Ok(())
    }

    /// Queues `copy` on `ctx`'s stream after every earlier copy of this
    /// memory, then moves the event behind it.
    fn queue(
        &self,
        ctx: &CudaCtx,
        copy: impl FnOnce(cu::CUstream) -> DeviceResult<()>,
    ) -> DeviceResult<()> {
        let event = self
            .last_copy
            .lock()
            .map_err(|_| poisoned("pinned memory event"))?;
        ctx.make_current()?;
        // SAFETY: event and stream are alive; waiting on an event that was
        // never recorded is a no-op.
        check(
            unsafe { cu::cuStreamWaitEvent(ctx.stream(), *event, 0) },
            "cuStreamWaitEvent",
        )?;
        let queued = copy(ctx.stream());
        // Recorded even after a failed copy, so that the event still follows
        // the earlier ones.
        // SAFETY: as above.
        let recorded = check(
            unsafe { cu::cuEventRecord(*event, ctx.stream()) },
            "cuEventRecord",
        );
        queued.and(recorded)
    }

    /// Waits until every copy queued on this memory has finished.
    fn wait(&self) -> DeviceResult<()> {
        let event = self
            .last_copy
            .lock()
            .map_err(|_| poisoned("pinned memory event"))?;
        self.ctx.make_current()?;
        // SAFETY: the event is alive while self is.
        check(
            unsafe { cu::cuEventSynchronize(*event) },
            "cuEventSynchronize",
        )
    }
}

impl Drop for PinnedHost {
    fn drop(&mut self) {
        // Copies from or into this memory may still be queued, on any
        // context. If they cannot be waited for, the memory is leaked rather
        // than freed under a DMA (nothing can be reported from drop).
        if self.wait().is_err() {
            return;
        }
        let event = match self.last_copy.get_mut() {
            Ok(e) => *e,
            Err(p) => *p.into_inner(),
        };
        // SAFETY: created in `new`, destroyed and freed once.
        unsafe {
            cu::cuEventDestroy_v2(event);
            cu::cuMemFreeHost(self.ptr as *mut _);
        }
    }
}

impl<T: DeviceElem> CudaBuffer<T> {
    /// The underlying allocation.
    pub fn alloc(&self) -> &DeviceAlloc {
        &self.alloc
    }
}
