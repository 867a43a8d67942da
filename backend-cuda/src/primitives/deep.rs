//! DEEP composition (kernels/deep.cu): each opening's columns summed once
//! with powers of gamma and scaled per point it is opened at, the
//! per-point constants `B_p = sum gamma^k v_{p,c}` from the host, the
//! denominators `1/(x - z_p)` by one batch inverse.

use super::inverse::invert_in_place;
use crate::args::fp3_words;
use crate::args::power_table;
use crate::launch::{kernel, Grid, KernelId};
use crate::{CudaBuffer, CudaCtx, CudaDevice, CudaMatrix, DeviceAlloc};
use backend_api::{Coset, DeepOpening, DeviceResult, ElemKind, Fp, Fp3, Matrix, Order};

/// One opening: its first column, width and limbs, and per point it is
/// opened at, `(point, gamma^k)` of the term of its column 0 there.
struct Opening {
    col0: u64,
    width: usize,
    limbs: u64,
    evals: Vec<(usize, Fp3)>,
}

/// The kernel's table (`kernels/deep.cu`): walks the openings in the
/// contract's order (base, then ext; each evaluation; each column),
/// assigning gamma^k; sums `B_p` per point. Returns the words and the
/// widest opening's width.
fn table(
    gamma: Fp3,
    npoints: usize,
    base: &[DeepOpening<'_, CudaBuffer<Fp>>],
    ext: &[DeepOpening<'_, CudaBuffer<Fp3>>],
) -> (Vec<u64>, usize) {
    let mut b = vec![Fp3::ZERO; npoints];
    let mut power = Fp3::ONE;
    let mut openings = Vec::with_capacity(base.len() + ext.len());
    let mut add = |col0: u64, limbs: u64, evaluations: &[(usize, Vec<Fp3>)], width: usize| {
        let mut evals = Vec::with_capacity(evaluations.len());
        for (p, values) in evaluations {
            evals.push((*p, power));
            for &v in values {
                b[*p] += power * v;
                power *= gamma;
            }
        }
        openings.push(Opening {
            col0,
            width,
            limbs,
            evals,
        });
    };
    for o in base {
        add(
            o.matrix.buffer().as_raw(),
            1,
            &o.evaluations,
            o.matrix.width(),
        );
    }
    for o in ext {
        add(
            o.matrix.buffer().as_raw(),
            3,
            &o.evaluations,
            o.matrix.width(),
        );
    }
    let mut words = vec![npoints as u64];
    words.extend(b.iter().flat_map(|&v| fp3_words(v)));
    words.push(openings.len() as u64);
    for o in &openings {
        words.extend_from_slice(&[o.col0, o.width as u64, o.limbs, o.evals.len() as u64]);
        for &(p, gk) in &o.evals {
            words.push(p as u64);
            words.extend_from_slice(&fp3_words(gk));
        }
    }
    let widest = openings.iter().map(|o| o.width).max().unwrap_or(0);
    (words, widest)
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
    let (words, widest) = table(gamma, points.len(), base, ext);
    let mut gpow = Vec::with_capacity(3 * widest);
    let mut power = Fp3::ONE;
    for _ in 0..widest {
        gpow.extend_from_slice(&fp3_words(power));
        power *= gamma;
    }
    let gpow = DeviceAlloc::scratch_words(ctx, &gpow)?;
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
    let (t_ptr, g_ptr, o_ptr) = (table.as_raw(), gpow.as_raw(), out.as_raw());
    // SAFETY: signatures deep_denominators(Fp3*, uint64_t, uint32_t,
    // uint32_t, uint64_t, PowerTable, const Fp3*, uint32_t) and
    // deep_combine(const uint64_t*, const Fp3*, const Fp3*, uint64_t, Fp3*);
    // the column pointers in the table point into matrices of height n (the
    // checked openings) that the caller keeps borrowed for the call, each
    // of the width given, with gpow holding the widest width's powers;
    // temporaries are freed in stream order.
    unsafe {
        crate::launch!(ctx, denoms, grid; d_ptr, n64, log_n, bitrev, shift, omega, p_ptr, np)?;
        invert_in_place(dev, ctx, ElemKind::Ext, d_ptr, dinv.len())?;
        crate::launch!(ctx, combine, grid; t_ptr, g_ptr, d_ptr, n64, o_ptr)?;
    }
    Ok(Matrix::new(out, 1, n).expect("one column of height n"))
}
