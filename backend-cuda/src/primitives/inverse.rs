//! Batch inverse (kernels/inverse.cu): every element replaced by its
//! inverse, 0 by 0, in one launch: each block inverts its chunk of
//! elements with one field inversion (Montgomery's trick over warp
//! shuffles), so there is no pass over the data before it.

use crate::launch::{kernel, Grid, KernelId};
use crate::{CudaBuffer, CudaCtx, CudaDevice};
use backend_api::{DeviceElem, DeviceResult, ElemKind};
use cust::sys::CUdeviceptr;

/// Threads per block of the kernel.
const THREADS: usize = 256;

/// Elements per block: THREADS times the kernel's `per_thread` of `kind`.
fn chunk(kind: ElemKind) -> usize {
    match kind {
        ElemKind::Base => THREADS * 8,
        ElemKind::Ext => THREADS * 4,
    }
}

pub(crate) fn batch_inverse<T: DeviceElem>(
    dev: &CudaDevice,
    ctx: &CudaCtx,
    values: &mut CudaBuffer<T>,
) -> DeviceResult<()> {
    invert_in_place(dev, ctx, T::KIND, values.as_raw(), values.len())
}

/// Inverts `n` elements of `kind` at device address `ptr`, in place, on
/// `ctx`'s stream. The memory must stay allocated until the kernel ran.
pub(crate) fn invert_in_place(
    dev: &CudaDevice,
    ctx: &CudaCtx,
    kind: ElemKind,
    ptr: CUdeviceptr,
    n: usize,
) -> DeviceResult<()> {
    if n == 0 {
        return Ok(());
    }
    let k = kernel(
        dev,
        match kind {
            ElemKind::Base => KernelId::BatchInverseBase,
            ElemKind::Ext => KernelId::BatchInverseExt,
        },
    );
    let grid = Grid::blocks(n.div_ceil(chunk(kind)), THREADS as u32, dev)?;
    let n64 = n as u64;
    // SAFETY: signature batch_inverse_*(F*, uint64_t); `ptr` holds n
    // elements of `kind` and outlives the launch (stream-ordered frees).
    unsafe { crate::launch!(ctx, k, grid; ptr, n64) }
}
