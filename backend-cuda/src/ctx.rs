//! `CudaCtx`: the `DeviceCtx` of the CUDA backend, a non-blocking stream plus
//! pinned staging buffers for host transfers.

use crate::device::{poisoned, DeviceInner};
use crate::error::check;
use backend_api::DeviceResult;
use cust::sys as cu;
use std::ffi::c_void;
use std::sync::{Arc, Mutex};

/// Bytes in each of the two pinned staging buffers of a context.
const STAGING_BYTES: usize = 8 << 20;

/// A queue of work on one device: every launch, copy and allocation of a call
/// goes on its stream. Clones share the stream; `CudaDevice::new_ctx` makes
/// independent ones. Usable from several threads (calls on one context are
/// serialized by the stream's order).
#[derive(Clone)]
pub struct CudaCtx {
    pub(crate) inner: Arc<CtxInner>,
}

pub(crate) struct CtxInner {
    pub(crate) dev: Arc<DeviceInner>,
    pub(crate) stream: cu::CUstream,
    staging: Mutex<Option<Staging>>,
}

// SAFETY: a CUstream may be used from any thread with its context current;
// the staging buffers are behind a Mutex.
unsafe impl Send for CtxInner {}
// SAFETY: see `Send`.
unsafe impl Sync for CtxInner {}

impl std::fmt::Debug for CudaCtx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "CudaCtx(device {}, stream {:p})",
            self.inner.dev.ordinal, self.inner.stream
        )
    }
}

impl CudaCtx {
    pub(crate) fn new(dev: Arc<DeviceInner>) -> DeviceResult<CudaCtx> {
        dev.make_current()?;
        let mut stream = std::ptr::null_mut();
        // SAFETY: out-pointer; destroyed in CtxInner::drop.
        check(
            unsafe {
                cu::cuStreamCreate(
                    &mut stream,
                    cu::CUstream_flags::CU_STREAM_NON_BLOCKING as u32,
                )
            },
            "cuStreamCreate",
        )?;
        Ok(CudaCtx {
            inner: Arc::new(CtxInner {
                dev,
                stream,
                staging: Mutex::new(None),
            }),
        })
    }

    /// The raw stream (for launches and copies in this crate).
    pub fn stream(&self) -> cu::CUstream {
        self.inner.stream
    }

    /// Makes the device's context current on this thread.
    pub fn make_current(&self) -> DeviceResult<()> {
        self.inner.dev.make_current()
    }

    /// Waits until every piece of work queued on this context has finished.
    /// Only needed where the host reads a result, or for timing.
    pub fn synchronize(&self) -> DeviceResult<()> {
        self.make_current()?;
        // SAFETY: the stream is alive while self is.
        check(
            unsafe { cu::cuStreamSynchronize(self.inner.stream) },
            "cuStreamSynchronize",
        )
    }

    /// Copies `src` (host) to device address `dst` through pinned staging:
    /// chunks alternate between two pinned buffers so that filling one
    /// overlaps the copy of the other. Returns when `src` may be reused;
    /// the device copy completes in stream order.
    ///
    /// # Safety
    /// `dst .. dst + src.len()` must be device memory of this device that
    /// stays allocated until the copy has run.
    pub(crate) unsafe fn copy_to_device(
        &self,
        src: &[u8],
        dst: cu::CUdeviceptr,
    ) -> DeviceResult<()> {
        if src.is_empty() {
            return Ok(());
        }
        self.make_current()?;
        let mut guard = self.inner.staging.lock().map_err(|_| poisoned("staging"))?;
        let staging = Staging::get(&mut guard)?;
        for (i, chunk) in src.chunks(STAGING_BYTES).enumerate() {
            let slot = &staging.slots[i % 2];
            // The slot's previous copy must be done before it is overwritten.
            check(cu::cuEventSynchronize(slot.done), "cuEventSynchronize")?;
            std::ptr::copy_nonoverlapping(chunk.as_ptr(), slot.host as *mut u8, chunk.len());
            let off = (i * STAGING_BYTES) as u64;
            check(
                cu::cuMemcpyHtoDAsync_v2(
                    dst + off,
                    slot.host as *const c_void,
                    chunk.len(),
                    self.inner.stream,
                ),
                "cuMemcpyHtoDAsync",
            )?;
            check(
                cu::cuEventRecord(slot.done, self.inner.stream),
                "cuEventRecord",
            )?;
        }
        Ok(())
    }

    /// Copies device address `src` to `dst` (host) through pinned staging;
    /// returns once `dst` holds the data (work queued earlier on this
    /// context is finished by then).
    ///
    /// # Safety
    /// `src .. src + dst.len()` must be device memory of this device.
    pub(crate) unsafe fn copy_to_host(
        &self,
        src: cu::CUdeviceptr,
        dst: &mut [u8],
    ) -> DeviceResult<()> {
        if dst.is_empty() {
            return Ok(());
        }
        self.make_current()?;
        let mut guard = self.inner.staging.lock().map_err(|_| poisoned("staging"))?;
        let staging = Staging::get(&mut guard)?;
        let total = dst.len();
        let chunks = total.div_ceil(STAGING_BYTES);
        let len_of = |i: usize| STAGING_BYTES.min(total - i * STAGING_BYTES);
        let issue = |i: usize| -> DeviceResult<()> {
            let slot = &staging.slots[i % 2];
            check(
                cu::cuMemcpyDtoHAsync_v2(
                    slot.host,
                    src + (i * STAGING_BYTES) as u64,
                    len_of(i),
                    self.inner.stream,
                ),
                "cuMemcpyDtoHAsync",
            )?;
            check(
                cu::cuEventRecord(slot.done, self.inner.stream),
                "cuEventRecord",
            )
        };
        issue(0)?;
        for i in 0..chunks {
            if i + 1 < chunks {
                // The other slot was drained by the host in the last iteration.
                issue(i + 1)?;
            }
            let slot = &staging.slots[i % 2];
            check(cu::cuEventSynchronize(slot.done), "cuEventSynchronize")?;
            let off = i * STAGING_BYTES;
            std::ptr::copy_nonoverlapping(
                slot.host as *const u8,
                dst[off..].as_mut_ptr(),
                len_of(i),
            );
        }
        Ok(())
    }
}

impl Drop for CtxInner {
    fn drop(&mut self) {
        // Nothing can be reported from drop: finish the queued work (buffers
        // freed on this stream depend on it), then release the stream.
        if self.dev.make_current().is_ok() {
            // SAFETY: the stream is alive until destroyed here.
            unsafe {
                cu::cuStreamSynchronize(self.stream);
            }
            if let Ok(mut s) = self.staging.lock() {
                s.take();
            }
            // SAFETY: destroyed once.
            unsafe {
                cu::cuStreamDestroy_v2(self.stream);
            }
        }
    }
}

/// One pinned host buffer and the event recorded after its last copy.
struct Slot {
    host: *mut c_void,
    done: cu::CUevent,
}

struct Staging {
    slots: [Slot; 2],
}

impl Staging {
    fn get(cell: &mut Option<Staging>) -> DeviceResult<&Staging> {
        if cell.is_none() {
            let a = Slot::new()?;
            let b = Slot::new()?;
            *cell = Some(Staging { slots: [a, b] });
        }
        Ok(cell.as_ref().expect("filled above"))
    }
}

impl Slot {
    fn new() -> DeviceResult<Slot> {
        let mut host = std::ptr::null_mut();
        // SAFETY: out-pointer; freed in Drop.
        check(
            unsafe { cu::cuMemHostAlloc(&mut host, STAGING_BYTES, 0) },
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
}

impl Drop for Slot {
    fn drop(&mut self) {
        // SAFETY: created in Slot::new; the owning stream was synchronized.
        unsafe {
            cu::cuEventDestroy_v2(self.done);
            cu::cuMemFreeHost(self.host);
        }
    }
}
