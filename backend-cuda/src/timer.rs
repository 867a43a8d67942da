//! Timing with CUDA events recorded on a context's stream (benchmarks).

use crate::ctx::CudaCtx;
use crate::error::check;
use backend_api::DeviceResult;
use cust::sys as cu;

/// A pair of events on one context's stream.
pub struct EventTimer {
    ctx: CudaCtx,
    start: cu::CUevent,
    stop: cu::CUevent,
}

impl EventTimer {
    pub fn new(ctx: &CudaCtx) -> DeviceResult<EventTimer> {
        ctx.make_current()?;
        let (mut start, mut stop) = (std::ptr::null_mut(), std::ptr::null_mut());
        // SAFETY: out-pointers; destroyed in Drop.
        check(unsafe { cu::cuEventCreate(&mut start, 0) }, "cuEventCreate")?;
        let r = unsafe { cu::cuEventCreate(&mut stop, 0) };
        if let Err(e) = check(r, "cuEventCreate") {
            // SAFETY: created just above.
            unsafe { cu::cuEventDestroy_v2(start) };
            return Err(e);
        }
        Ok(EventTimer {
            ctx: ctx.clone(),
            start,
            stop,
        })
    }

    /// Milliseconds of stream time between before and after `f` queues its
    /// work (waits for it to finish).
    pub fn time<R>(&self, f: impl FnOnce() -> DeviceResult<R>) -> DeviceResult<(R, f32)> {
        self.ctx.make_current()?;
        // SAFETY: events and stream are alive.
        check(
            unsafe { cu::cuEventRecord(self.start, self.ctx.stream()) },
            "cuEventRecord",
        )?;
        let r = f()?;
        self.ctx.make_current()?;
        // SAFETY: as above.
        check(
            unsafe { cu::cuEventRecord(self.stop, self.ctx.stream()) },
            "cuEventRecord",
        )?;
        // SAFETY: as above.
        check(
            unsafe { cu::cuEventSynchronize(self.stop) },
            "cuEventSynchronize",
        )?;
        let mut ms = 0f32;
        // SAFETY: both events recorded and complete.
        check(
            unsafe { cu::cuEventElapsedTime(&mut ms, self.start, self.stop) },
            "cuEventElapsedTime",
        )?;
        Ok((r, ms))
    }
}

impl Drop for EventTimer {
    fn drop(&mut self) {
        let _ = self.ctx.make_current();
        // SAFETY: created in `new`, destroyed once.
        unsafe {
            cu::cuEventDestroy_v2(self.start);
            cu::cuEventDestroy_v2(self.stop);
        }
    }
}
