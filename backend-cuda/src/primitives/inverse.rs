//! Batch inverse (kernels/inverse.cu): every element replaced by its
//! inverse, 0 by 0. Three launches: per-block products of the elements'
//! base-field norms (an `Fp3` element's norm times its adjugate's inverse
//! is its inverse), their inversions (one per block of 1024 elements, all
//! in parallel), then each block's product tree and back-propagation.

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
    // The scan runs over base-field norms for both kinds (kernel header):
    // one base-field total per block.
    let (totals_k, apply_k) = match kind {
        ElemKind::Base => (
            KernelId::BatchInverseTotalsBase,
            KernelId::BatchInverseApplyBase,
        ),
        ElemKind::Ext => (
            KernelId::BatchInverseTotalsExt,
            KernelId::BatchInverseApplyExt,
        ),
    };
    let (totals_k, invert_k, apply_k) = (
        kernel(dev, totals_k),
        kernel(dev, KernelId::BatchInverseInvert),
        kernel(dev, apply_k),
    );
    let blocks = n.div_ceil(CHUNK);
    let grid = Grid::blocks(blocks, 256, dev)?;
    let invert_grid = Grid::linear(blocks, 128, dev)?;
    let totals = DeviceAlloc::scratch(ctx, blocks * 8)?;
    let (n64, b64, t_ptr) = (n as u64, blocks as u64, totals.as_raw());
    // SAFETY: signatures batch_inverse_totals_*(const F*, uint64_t,
    // uint64_t*), batch_inverse_invert(uint64_t*, uint64_t),
    // batch_inverse_apply_*(F*, uint64_t, const uint64_t*); `ptr` holds n
    // elements of `kind` and `totals` one word per block; both outlive the
    // launches (stream-ordered frees).
    unsafe {
        crate::launch!(ctx, totals_k, grid; ptr, n64, t_ptr)?;
        crate::launch!(ctx, invert_k, invert_grid; t_ptr, b64)?;
        crate::launch!(ctx, apply_k, grid; ptr, n64, t_ptr)
    }
}
