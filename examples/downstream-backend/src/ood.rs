//! Out-of-domain values and the DEEP quotient (`ProverDevice::ood_evaluate`,
//! `deep_composition`).
//!
//! OOD, the barycentric formula over `H_n`:
//! `p(z) = (z^n - 1) / n * sum_i y_i omega^i / (z - omega^i)`, the `n`
//! denominators inverted together.
//!
//! DEEP: `out(x) = sum_k gamma^k (f_c(x) - v_{p,c}) / (x - z_p)` in the
//! contract's term order; each point's `1 / (x - z_p)` over the whole
//! domain is inverted together.

use crate::inverse::batch_inverse;
use backend_api::{Coset, DeepOpening, DeviceElem, Fp, Fp3, HostMatrix};

/// Every column of `evals` (evaluations over `H_n`, natural order) at `z`.
pub(crate) fn barycentric<T: DeviceElem>(evals: &HostMatrix<T>, z: Fp3) -> Vec<Fp3> {
    let n = evals.height();
    let omega = Fp::root_of_unity(n.trailing_zeros()).expect("checked power of two");
    let domain: Vec<Fp> = std::iter::successors(Some(Fp::ONE), |&w| Some(w * omega))
        .take(n)
        .collect();
    let mut weights: Vec<Fp3> = domain.iter().map(|&w| z - Fp3::from_base(w)).collect();
    batch_inverse(&mut weights);
    for (wt, &w) in weights.iter_mut().zip(&domain) {
        *wt = wt.mul_base(w);
    }
    let n_inv = Fp::new(n as u64).inverse().expect("n < p is non-zero");
    let scale = (z.pow(n as u64) - Fp3::ONE).mul_base(n_inv);
    evals
        .columns()
        .map(|col| {
            let sum: Fp3 = col
                .iter()
                .zip(&weights)
                .map(|(y, wt)| *wt * y.to_ext())
                .sum();
            scale * sum
        })
        .collect()
}

/// `1 / (x - z_p)` for every point `p` and every domain position.
fn denominators(xs: &[Fp], points: &[Fp3]) -> Vec<Vec<Fp3>> {
    points
        .iter()
        .map(|&z| {
            let mut d: Vec<Fp3> = xs.iter().map(|&x| Fp3::from_base(x) - z).collect();
            batch_inverse(&mut d);
            d
        })
        .collect()
}

/// Adds the terms of `openings` to `out`, advancing `power` through
/// `gamma^k`.
fn add_terms<T: DeviceElem>(
    out: &mut [Fp3],
    power: &mut Fp3,
    gamma: Fp3,
    inv: &[Vec<Fp3>],
    openings: &[DeepOpening<'_, Vec<T>>],
) {
    for o in openings {
        for (p, values) in &o.evaluations {
            for (c, v) in values.iter().enumerate() {
                let column = o.matrix.column(c);
                for ((acc, f), d) in out.iter_mut().zip(column).zip(&inv[*p]) {
                    *acc += *power * (f.to_ext() - *v) * *d;
                }
                *power *= gamma;
            }
        }
    }
}

pub(crate) fn deep_quotient(
    domain: Coset,
    points: &[Fp3],
    gamma: Fp3,
    base: &[DeepOpening<'_, Vec<Fp>>],
    ext: &[DeepOpening<'_, Vec<Fp3>>],
) -> HostMatrix<Fp3> {
    let inv = denominators(&domain.points(), points);
    let mut out = vec![Fp3::ZERO; domain.size()];
    let mut power = Fp3::ONE;
    add_terms(&mut out, &mut power, gamma, &inv, base);
    add_terms(&mut out, &mut power, gamma, &inv, ext);
    HostMatrix::from_columns(&[out]).expect("one column")
}
