//! DEEP composition (kernels/deep.cu): terms grouped by point, the
//! per-point constants `B_g = sum gamma^k v_{p,c}` from the host, the
//! denominators `1/(x - z_p)` by one batch inverse.

use super::inverse::invert_in_place;
use crate::args::fp3_words;
use crate::args::power_table;
use crate::launch::{kernel, Grid, KernelId};
use crate::{CudaBuffer, CudaCtx, CudaDevice, CudaMatrix, DeviceAlloc};
use backend_api::{Coset, DeepOpening, DeviceResult, ElemKind, Fp, Fp3, Matrix, Order};

/// One point's terms: `(column pointer, limbs, gamma^k)` and `B_g`.
struct Group {
    point: usize,
    b: Fp3,
    terms: Vec<(u64, u64, Fp3)>,
}

/// Walks the openings in the contract's order (base, then ext; each
/// evaluation; each column), assigning gamma^k, grouped by point.
fn groups(
    gamma: Fp3,
    base: &[DeepOpening<'_, CudaBuffer<Fp>>],
    ext: &[DeepOpening<'_, CudaBuffer<Fp3>>],
) -> Vec<Group> {
    let mut out: Vec<Group> = Vec::new();
    let mut power = Fp3::ONE;
    let mut add = |point: usize, col_ptr: u64, limbs: u64, value: Fp3| {
        let idx = match out.iter().position(|g| g.point == point) {
            Some(i) => i,
            None => {
                out.push(Group {
                    point,
                    b: Fp3::ZERO,
                    terms: Vec::new(),
                });
                out.len() - 1
            }
        };
        let g = &mut out[idx];
        g.b += power * value;
        g.terms.push((col_ptr, limbs, power));
        power *= gamma;
    };
    for o in base {
        let n = o.matrix.height();
        for (p, values) in &o.evaluations {
            for (c, &v) in values.iter().enumerate() {
                add(*p, o.matrix.buffer().elem_ptr(c * n), 1, v);
            }
        }
    }
    for o in ext {
        let n = o.matrix.height();
        for (p, values) in &o.evaluations {
            for (c, &v) in values.iter().enumerate() {
                add(*p, o.matrix.buffer().elem_ptr(c * n), 3, v);
            }
        }
    }
    out
}

pub(crate) fn compose(
    dev: &CudaDevice,
    ctx: &CudaCtx,
    domain: Coset,
    points: &[Fp3],
    gamma: Fp3,
    base: &[DeepOpening<'_, CudaBuffer<Fp>>],
    ext: &[DeepOpening<'_, CudaBuffer<Fp3>>],
) -> DeviceResult<CudaMatrix<Fp3>> {
    let n = domain.size();
    let groups = groups(gamma, base, ext);
    let mut words = Vec::new();
    for g in &groups {
        words.push(g.point as u64);
        words.extend_from_slice(&fp3_words(g.b));
        words.push(g.terms.len() as u64);
        for &(ptr, limbs, gk) in &g.terms {
            words.push(ptr);
            words.push(limbs);
            words.extend_from_slice(&fp3_words(gk));
        }
    }
    let table = DeviceAlloc::scratch_words(ctx, &words)?;
    let pts: Vec<u64> = points.iter().flat_map(|&z| fp3_words(z)).collect();
    let pts = DeviceAlloc::scratch_words(ctx, &pts)?;
    let dinv = CudaBuffer::<Fp3>::scratch(ctx, n * points.len())?;
    let out = CudaBuffer::<Fp3>::uninit(ctx, n)?;

    let denoms = kernel(dev, KernelId::DeepDenominators);
    let combine = kernel(dev, KernelId::DeepCombine);
    let grid = Grid::linear(n, 256, dev)?;
    let omega = power_table(domain.omega());
    let (d_ptr, n64, log_n, bitrev, shift, p_ptr, np) = (
        dinv.as_raw(),
        n as u64,
        domain.log_n,
        u32::from(domain.order == Order::BitReversed),
        domain.shift.value(),
        pts.as_raw(),
        points.len() as u32,
    );
    let (t_ptr, ng, o_ptr) = (table.as_raw(), groups.len() as u32, out.as_raw());
    // SAFETY: signatures deep_denominators(Fp3*, uint64_t, uint32_t,
    // uint32_t, uint64_t, PowerTable, const Fp3*, uint32_t) and
    // deep_combine(const uint64_t*, uint32_t, const Fp3*, uint64_t, Fp3*);
    // the column pointers in the table point into matrices of height n that
    // the caller keeps borrowed for the call; temporaries are freed in
    // stream order.
    unsafe {
        crate::launch!(ctx, denoms, grid; d_ptr, n64, log_n, bitrev, shift, omega, p_ptr, np)?;
        invert_in_place(dev, ctx, ElemKind::Ext, d_ptr, dinv.len())?;
        crate::launch!(ctx, combine, grid; t_ptr, ng, d_ptr, n64, o_ptr)?;
    }
    Ok(Matrix::new(out, 1, n).expect("one column of height n"))
}
