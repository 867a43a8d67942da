//! Out-of-domain evaluation (kernels/ood.cu), barycentric, with fixed-shape
//! reductions; the `(z^n - 1)/n` factor is applied on the host.

use super::inverse::invert_in_place;
use crate::args::{fp3_words, power_table};
use crate::launch::{kernel, Grid, KernelId};
use crate::{CudaBuffer, CudaCtx, CudaDevice, CudaMatrix};
use backend_api::{DeviceElem, DeviceResult, ElemKind, Fp, Fp3};

/// Rows per reduction block (OOD_CHUNK of the kernel).
const OOD_CHUNK: usize = 256 * 16;

/// An upper bound of [`evaluate`]'s working memory: the weights (`n`),
/// the per-block partial sums and the sums (Fp3 each).
pub(crate) fn working_memory(log_n: u32, width: usize, points: usize) -> u64 {
    let n = 1usize << log_n;
    let elems = n + n.div_ceil(OOD_CHUNK) * width + points * width;
    elems as u64 * 24
}

pub(crate) fn evaluate<T: DeviceElem>(
    dev: &CudaDevice,
    ctx: &CudaCtx,
    evals: &CudaMatrix<T>,
    log_n: u32,
    points: &[Fp3],
) -> DeviceResult<Vec<Vec<Fp3>>> {
    let n = evals.height();
    let cols = evals.width();
    let omega = Fp::root_of_unity(log_n).expect("checked height <= 2^32");
    let table = power_table(omega);
    let denoms = kernel(dev, KernelId::OodDenominators);
    let scale = kernel(dev, KernelId::OodScaleWeights);
    let partial = match T::KIND {
        ElemKind::Base => kernel(dev, KernelId::OodPartialBase),
        ElemKind::Ext => kernel(dev, KernelId::OodPartialExt),
    };
    let finish = kernel(dev, KernelId::OodFinish);
    let rows = Grid::linear(n, 256, dev)?;
    let blocks = n.div_ceil(OOD_CHUNK);
    let part_grid = Grid::blocks_2d(blocks, cols, 256, dev)?;
    let fin_grid = Grid::blocks(cols, 256, dev)?;

    let w = CudaBuffer::<Fp3>::scratch(ctx, n)?;
    let partials = CudaBuffer::<Fp3>::scratch(ctx, blocks * cols)?;
    let sums = CudaBuffer::<Fp3>::scratch(ctx, points.len() * cols)?;
    let (n64, b64, w_ptr, e_ptr, p_ptr) = (
        n as u64,
        blocks as u64,
        w.as_raw(),
        evals.buffer().as_raw(),
        partials.as_raw(),
    );
    for (pi, &z) in points.iter().enumerate() {
        let z_w = fp3_words(z);
        let out_ptr = sums.elem_ptr(pi * cols);
        // SAFETY: signatures ood_denominators(Fp3, uint64_t, PowerTable, Fp3*),
        // ood_scale_weights(Fp3*, uint64_t, PowerTable),
        // ood_partial_*(const F*, uint64_t, const Fp3*, Fp3*),
        // ood_finish(const Fp3*, uint64_t, Fp3*); sizes as allocated above.
        unsafe {
            crate::launch!(ctx, denoms, rows; z_w, n64, table, w_ptr)?;
            invert_in_place(dev, ctx, ElemKind::Ext, w_ptr, n)?;
            crate::launch!(ctx, scale, rows; w_ptr, n64, table)?;
            crate::launch!(ctx, partial, part_grid; e_ptr, n64, w_ptr, p_ptr)?;
            crate::launch!(ctx, finish, fin_grid; p_ptr, b64, out_ptr)?;
        }
    }
    let sums = sums.to_host(ctx)?;
    let n_inv = Fp::new(n as u64).inverse_or_zero();
    Ok(points
        .iter()
        .zip(sums.chunks_exact(cols.max(1)))
        .map(|(&z, s)| {
            let factor = (z.pow(n as u64) - Fp3::ONE).mul_base(n_inv);
            s.iter().map(|&v| v * factor).collect()
        })
        .collect())
}
