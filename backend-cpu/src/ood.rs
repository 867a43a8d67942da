//! Out-of-domain evaluation by the barycentric formula.
//!
//! For a column of evaluations `y_i` over `H_n` (natural order) and a point
//! `z` outside `H_n`: `p(z) = (z^n - 1)/n * sum_i y_i w^i / (z - w^i)`. Per
//! point, the weights `w^i / (z - w^i)` take one batch inversion; every
//! column then costs one multiply-add per row.

use crate::inverse::batch_inverse;
use crate::twiddles::scaled_powers;
use backend_api::{DeviceElem, Fp, Fp3};
use rayon::prelude::*;

/// `y * w` for a base or extension `y` and an extension weight `w`.
#[inline(always)]
pub fn times_ext<T: DeviceElem>(y: T, w: Fp3) -> Fp3 {
    if T::LIMBS == 1 {
        w.mul_base(y.limbs()[0])
    } else {
        w * y.to_ext()
    }
}

/// `values[p][c]`: column `c` of `evals` (column-major, height `2^log_n`)
/// evaluated at `points[p]` (points checked to lie outside `H_n`).
pub fn evaluate<T: DeviceElem>(evals: &[T], log_n: u32, points: &[Fp3]) -> Vec<Vec<Fp3>> {
    let n = 1usize << log_n;
    let omega = Fp::root_of_unity(log_n).expect("log_n checked <= 32");
    let domain = scaled_powers(log_n, omega, Fp::ONE);
    let n_inv = Fp::new(n as u64).inverse().expect("2^k is invertible");
    points
        .iter()
        .map(|&z| {
            let mut weights: Vec<Fp3> = domain
                .par_iter()
                .map(|&x| z - Fp3::from_base(Fp::new(x)))
                .collect();
            batch_inverse(&mut weights);
            weights
                .par_iter_mut()
                .zip(domain.par_iter())
                .for_each(|(w, &x)| *w = w.mul_base(Fp::new(x)));
            let factor = (z.pow(n as u64) - Fp3::ONE).mul_base(n_inv);
            evals
                .par_chunks(n)
                .map(|col| {
                    // Exact field sums: any grouping gives the same value.
                    let sum = col
                        .par_iter()
                        .zip(weights.par_iter())
                        .with_min_len(1 << 12)
                        .map(|(&y, &w)| times_ext(y, w))
                        .reduce(|| Fp3::ZERO, |a, b| a + b);
                    factor * sum
                })
                .collect()
        })
        .collect()
}
