//! Batch inverse (kernels/inverse.cu): every element replaced by its
//! inverse, 0 by 0. Three launches: per-block products, their inversions
//! (one per block of 1024 elements, all in parallel), then each block's
//! product tree and back-propagation.

use crate::launch::{kernel, Grid, KernelId};
use crate::{CudaBuffer, CudaCtx, CudaDevice, DeviceAlloc};
use backend_api::{DeviceElem, DeviceResult, ElemKind};
use cust::sys::CUdeviceptr;

/// Elements per block: THREADS * PER_THREAD of the kernel.
const CHUNK: usize = 256 * 4;

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
    use KernelId::*;
    let (totals_k, invert_k, apply_k, elem_bytes) = match kind {
        ElemKind::Base => (
            BatchInverseTotalsBase,
            BatchInverseInvertBase,
            BatchInverseApplyBase,
            8,
        ),
        ElemKind::Ext => (
            BatchInverseTotalsExt,
            BatchInverseInvertExt,
            BatchInverseApplyExt,
            24,
        ),
    };
    let (totals_k, invert_k, apply_k) = (
        kernel(dev, totals_k),
        kernel(dev, invert_k),
        kernel(dev, apply_k),
    );
    let blocks = n.div_ceil(CHUNK);
    let grid = Grid::blocks(blocks, 256, dev)?;
    let invert_grid = Grid::linear(blocks, 128, dev)?;
    let totals = DeviceAlloc::scratch(ctx, blocks * elem_bytes)?;
    let (n64, b64, t_ptr) = (n as u64, blocks as u64, totals.as_raw());
    // SAFETY: signatures batch_inverse_totals_*(const F*, uint64_t, F*),
    // batch_inverse_invert_*(F*, uint64_t), batch_inverse_apply_*(F*,
    // uint64_t, const F*); `ptr` holds n elements and `totals` one per
    // block; both outlive the launches (stream-ordered frees).
    unsafe {
        crate::launch!(ctx, totals_k, grid; ptr, n64, t_ptr)?;
        crate::launch!(ctx, invert_k, invert_grid; t_ptr, b64)?;
        crate::launch!(ctx, apply_k, grid; ptr, n64, t_ptr)
    }
}
