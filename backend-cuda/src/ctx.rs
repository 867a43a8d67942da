//! `CudaCtx`: the `DeviceCtx` of the CUDA backend, a non-blocking stream and
//! a second stream on which an upload can run while the first computes (host
//! transfers go through the device's pinned staging, see `transfer.rs`).

use crate::device::DeviceInner;
use crate::error::check;
use backend_api::DeviceResult;
use cust::sys as cu;
use std::sync::Arc;

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
    /// Where [`upload_pipelined`](CudaCtx::upload_pipelined) copies, so
    /// that the work `stream` does on earlier batches overlaps the copy of
    /// later ones. Nothing is left queued on it unawaited: every call that
    /// uses it orders `stream` after it (or waits for it) before returning.
    pub(crate) copy_stream: cu::CUstream,
}

// SAFETY: a CUstream may be used from any thread with its context current.
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
        let stream = new_stream()?;
        let copy_stream = match new_stream() {
            Ok(s) => s,
            Err(e) => {
                // SAFETY: created just above, used by nothing yet.
                unsafe { cu::cuStreamDestroy_v2(stream) };
                return Err(e);
            }
        };
        if let Err(e) = dev.register_stream(stream) {
            // SAFETY: both created just above, used by nothing yet.
            unsafe {
                cu::cuStreamDestroy_v2(stream);
                cu::cuStreamDestroy_v2(copy_stream);
            }
            return Err(e);
        }
        Ok(CudaCtx {
            inner: Arc::new(CtxInner {
                dev,
                stream,
                copy_stream,
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

    /// Work queued on this context from now on runs after the work queued
    /// on `earlier` so far, without a host wait.
    pub fn order_after(&self, earlier: &CudaCtx) -> DeviceResult<()> {
        self.inner.dev.order_after(self.stream(), earlier.stream())
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
}

impl Drop for CtxInner {
    fn drop(&mut self) {
        // Nothing can be reported from drop: finish the queued work (buffers
        // freed on this stream depend on it), then release the stream.
        if self.dev.make_current().is_ok() {
            // SAFETY: the streams are alive until destroyed here.
            unsafe {
                cu::cuStreamSynchronize(self.copy_stream);
                cu::cuStreamSynchronize(self.stream);
            }
            self.dev.unregister_stream(self.stream);
            // SAFETY: destroyed once.
            unsafe {
                cu::cuStreamDestroy_v2(self.copy_stream);
                cu::cuStreamDestroy_v2(self.stream);
            }
        }
    }
}

/// A non-blocking stream of the current context (the caller destroys it).
fn new_stream() -> DeviceResult<cu::CUstream> {
    let mut stream = std::ptr::null_mut();
    // SAFETY: out-pointer.
    check(
        unsafe {
            cu::cuStreamCreate(
                &mut stream,
                cu::CUstream_flags::CU_STREAM_NON_BLOCKING as u32,
            )
        },
        "cuStreamCreate",
    )?;
    Ok(stream)
}
