//! Kernel launches: lookup, checked grid shapes, launch on a context's stream.
//!
//! Usage from a launcher module:
//!
//! ```ignore
//! use crate::launch::{kernel, Grid, KernelId};
//! let k = kernel(dev, KernelId::FriFold);           // kernels/fri.cu
//! let grid = Grid::linear(n, 256, dev)?;            // ceil(n / 256) blocks of 256
//! let (src, dst, n32) = (input.as_raw(), out.as_raw(), n as u32);
//! // SAFETY: the argument list matches the kernel's C signature
//! // (const uint64_t*, uint64_t*, uint32_t) and the buffers outlive the launch
//! // in stream order.
//! unsafe { crate::launch!(ctx, k, grid; src, dst, n32) }?;
//! ```
//!
//! * Arguments are passed by address, as `cuLaunchKernel` wants: give
//!   **places** (variables) of exactly the C parameter's type: device
//!   pointers as `u64` (`CUdeviceptr`, from `as_raw()`), `uint32_t` as `u32`,
//!   `uint64_t` as `u64`, structs as `#[repr(C)]` values.
//! * Grid sizes are checked against the device's limits; nothing is
//!   truncated to `u32` silently (`DeviceError::Unsupported` instead).
//! * The launch goes on `ctx`'s stream with the context made current; the
//!   result of `cuLaunchKernel` is checked. Errors raised while the kernel
//!   runs surface at the next synchronizing call.

use crate::ctx::CudaCtx;
use crate::device::CudaDevice;
pub use crate::device::KernelId;
use crate::error::{check, too_large};
use backend_api::DeviceResult;
use cust::sys as cu;
use std::ffi::c_void;

/// A kernel function of a loaded module.
#[derive(Copy, Clone, Debug)]
pub struct Kernel {
    pub(crate) func: cu::CUfunction,
    pub(crate) name: &'static str,
}

// SAFETY: CUfunction handles are immutable driver objects usable from any thread.
unsafe impl Send for Kernel {}
// SAFETY: see `Send`.
unsafe impl Sync for Kernel {}

/// The kernel `id` (resolved when the device opened: no lookup, no lock).
pub fn kernel(dev: &CudaDevice, id: KernelId) -> Kernel {
    Kernel {
        func: dev.inner.function(id),
        name: id.name(),
    }
}

/// A launch shape: blocks in x and y, threads per block, dynamic shared memory.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Grid {
    pub blocks: (u32, u32),
    pub threads: u32,
    pub shared_bytes: u32,
}

impl Grid {
    /// Enough blocks of `threads` for `items` threads in x (at least one block).
    pub fn linear(items: usize, threads: u32, dev: &CudaDevice) -> DeviceResult<Grid> {
        Grid::blocks(items.div_ceil(threads.max(1) as usize).max(1), threads, dev)
    }

    /// Exactly `blocks` blocks of `threads` in x.
    pub fn blocks(blocks: usize, threads: u32, dev: &CudaDevice) -> DeviceResult<Grid> {
        Grid::blocks_2d(blocks, 1, threads, dev)
    }

    /// `bx * by` blocks of `threads`.
    pub fn blocks_2d(bx: usize, by: usize, threads: u32, dev: &CudaDevice) -> DeviceResult<Grid> {
        let p = dev.properties();
        if threads == 0 || threads > p.max_threads_per_block {
            return Err(too_large(
                "launch",
                format!(
                    "{threads} threads per block (limit {})",
                    p.max_threads_per_block
                ),
            ));
        }
        let x = u32::try_from(bx)
            .ok()
            .filter(|&x| x >= 1 && x <= p.max_grid_x)
            .ok_or_else(|| {
                too_large(
                    "launch",
                    format!("{bx} blocks in x (limit {})", p.max_grid_x),
                )
            })?;
        let y = u32::try_from(by)
            .ok()
            .filter(|&y| y >= 1 && y <= p.max_grid_yz)
            .ok_or_else(|| {
                too_large(
                    "launch",
                    format!("{by} blocks in y (limit {})", p.max_grid_yz),
                )
            })?;
        Ok(Grid {
            blocks: (x, y),
            threads,
            shared_bytes: 0,
        })
    }

    /// With `bytes` of dynamic shared memory per block.
    pub fn with_shared(mut self, bytes: u32) -> Grid {
        self.shared_bytes = bytes;
        self
    }
}

/// Launches `kernel` with `grid` on `ctx`'s stream. `args` holds one pointer
/// per kernel parameter, to a value of exactly that parameter's type.
///
/// # Safety
/// The argument list must match the kernel's signature, and every device
/// address it passes must stay valid until the kernel has run (stream order).
pub unsafe fn launch_raw(
    ctx: &CudaCtx,
    kernel: Kernel,
    grid: Grid,
    args: &mut [*mut c_void],
) -> DeviceResult<()> {
    ctx.make_current()?;
    check(
        cu::cuLaunchKernel(
            kernel.func,
            grid.blocks.0,
            grid.blocks.1,
            1,
            grid.threads,
            1,
            1,
            grid.shared_bytes,
            ctx.stream(),
            args.as_mut_ptr(),
            std::ptr::null_mut(),
        ),
        kernel.name,
    )
}

/// `launch!(ctx, kernel, grid; a, b, c)`: [`launch_raw`] with the addresses of
/// the places `a, b, c`. Unsafe for the reasons `launch_raw` states.
#[macro_export]
macro_rules! launch {
    ($ctx:expr, $kernel:expr, $grid:expr; $($arg:expr),* $(,)?) => {
        $crate::launch::launch_raw(
            $ctx,
            $kernel,
            $grid,
            &mut [$(&$arg as *const _ as *mut ::std::ffi::c_void),*],
        )
    };
}
