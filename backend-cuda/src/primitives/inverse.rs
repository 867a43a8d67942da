//! Batch inverse (kernels/inverse.cu): every element replaced by its
//! inverse, 0 by 0; one field inversion per block of 2048 elements.

use crate::launch::{kernel, Grid};
use crate::{CudaBuffer, CudaCtx, CudaDevice};
use backend_api::{DeviceElem, DeviceResult, ElemKind};
use cust::sys::CUdeviceptr;

/// Elements per block: THREADS * PER_THREAD of the kernel.
const CHUNK: usize = 256 * 8;

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
    let k = match kind {
        ElemKind::Base => kernel(dev, "inverse", "batch_inverse_base")?,
        ElemKind::Ext => kernel(dev, "inverse", "batch_inverse_ext")?,
    };
    let grid = Grid::blocks(n.div_ceil(CHUNK), 256, dev)?;
    let n64 = n as u64;
    // SAFETY: matches batch_inverse_*(F*, uint64_t); the buffer holds n
    // elements and outlives the launch (stream-ordered frees).
    unsafe { crate::launch!(ctx, k, grid; ptr, n64) }
}
