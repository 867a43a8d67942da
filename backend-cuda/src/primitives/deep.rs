//! DEEP composition (kernels/deep.cu): the terms summed per point, a wide
//! opening's columns summed once and scaled per point it is opened at, the
//! per-point constants `B_p = sum gamma^k v_{p,c}` from the host, the
//! denominators `1/(x - z_p)` by one batch inverse.

use super::inverse::invert_in_place;
use crate::args::fp3_words;
use crate::args::power_table;
use crate::launch::{kernel, Grid, KernelId};
use crate::{CudaBuffer, CudaCtx, CudaDevice, CudaMatrix, DeviceAlloc};
use backend_api::{Coset, DeepOpening, DeviceResult, ElemKind, Fp, Fp3, Matrix, Order};

/// Base-field multiplications of one `Fp3` by `Fp3` product, and of one
/// `Fp3` by a column element of `limbs` limbs: what the entry choice
/// weighs.
const FP3_MUL: usize = 9;
fn column_mul(limbs: u64) -> usize {
    if limbs == 1 {
        3
    } else {
        FP3_MUL
    }
}

/// The kernel's table (`kernels/deep.cu`) and the number of terms: walks
/// the openings in the contract's order (base, then ext; each evaluation;
/// each column), assigning gamma^k and summing `B_p` per point. An opening
/// at several points becomes one summed entry when reading and multiplying
/// its columns once saves more than the extra product per point costs,
/// else one direct entry per point.
fn table(
    gamma: Fp3,
    npoints: usize,
    base: &[DeepOpening<'_, CudaBuffer<Fp>>],
    ext: &[DeepOpening<'_, CudaBuffer<Fp3>>],
) -> (Vec<u64>, usize) {
    let mut b = vec![Fp3::ZERO; npoints];
    let (mut k, mut power) = (0usize, Fp3::ONE);
    let (mut entries, mut count) = (Vec::new(), 0u64);
    let mut add = |col0: u64, limbs: u64, evaluations: &[(usize, Vec<Fp3>)], width: usize| {
        let mut evals = Vec::with_capacity(evaluations.len());
        for (p, values) in evaluations {
            evals.push((*p, k, power));
            for &v in values {
                b[*p] += power * v;
                (k, power) = (k + 1, power * gamma);
            }
        }
        let j = evals.len();
        let summed = j > 1 && (j - 1) * width * column_mul(limbs) > j * FP3_MUL;
        if summed {
            entries.extend_from_slice(&[col0, width as u64, limbs, j as u64]);
            for &(p, _, gk) in &evals {
                entries.push(p as u64);
                entries.extend_from_slice(&fp3_words(gk));
            }
            count += 1;
        } else {
            for &(p, k0, _) in &evals {
                entries.extend_from_slice(&[col0, width as u64, limbs, 0, p as u64, k0 as u64]);
                count += 1;
            }
        }
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
    words.push(count);
    words.extend_from_slice(&entries);
    (words, k)
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
    let (words, terms) = table(gamma, points.len(), base, ext);
    let mut gpow = Vec::with_capacity(3 * terms);
    let mut power = Fp3::ONE;
    for _ in 0..terms {
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
    // of the width given; gpow holds a power for every term (each entry's
    // k0 + width is at most the term count); temporaries are freed in
    // stream order.
    unsafe {
        crate::launch!(ctx, denoms, grid; d_ptr, n64, log_n, bitrev, shift, omega, p_ptr, np)?;
        invert_in_place(dev, ctx, ElemKind::Ext, d_ptr, dinv.len())?;
        crate::launch!(ctx, combine, grid; t_ptr, g_ptr, d_ptr, n64, o_ptr)?;
    }
    Ok(Matrix::new(out, 1, n).expect("one column of height n"))
}
