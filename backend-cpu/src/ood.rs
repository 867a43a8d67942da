//! Out-of-domain evaluation by the barycentric formula.
//!
//! For a column of evaluations `y_i` over `H_n` (natural order) and a point
//! `z` outside `H_n`: `p(z) = (z^n - 1)/n * sum_i y_i w^i / (z - w^i)`. Per
//! point, the weights `w^i / (z - w^i)` take one batch inversion; every
//! column then costs one multiply-add per row.

use crate::inverse::batch_inverse;
use crate::keccak::batch::as_words;
#[cfg(target_arch = "x86_64")]
use crate::lanes::dot_x8;
#[cfg(target_arch = "x86_64")]
use crate::ntt::x8::FieldX8;
use crate::twiddles::scaled_powers;
use crate::wide_sum::WideSum3;
use backend_api::{DeviceElem, Fp, Fp3};
use rayon::prelude::*;
use std::sync::{Arc, Mutex, PoisonError};

/// `y * w` for a base or extension `y` and an extension weight `w`.
#[inline(always)]
fn times_ext<T: DeviceElem>(y: T, w: Fp3) -> Fp3 {
    if T::LIMBS == 1 {
        w.mul_base(y.limbs()[0])
    } else {
        w * y.to_ext()
    }
}

/// Rows per task: a task's weights for every point (24 bytes a row and
/// point) stay in cache while each column passes over them.
const ROWS: usize = 1 << 12;

/// `values[p][c]`: column `c` of `evals` (column-major, height `2^log_n`)
/// evaluated at `points[p]` (points checked to lie outside `H_n`).
///
/// Tasks of [`ROWS`] rows sum `y_i w_i` for every column and point, each
/// column read once; the tasks' sums are then added. Field sums are exact,
/// so the grouping does not change the result.
pub fn evaluate<T: DeviceElem>(evals: &[T], log_n: u32, points: &[Fp3]) -> Vec<Vec<Fp3>> {
    let n = 1usize << log_n;
    let width = evals.len() / n;
    let omega = Fp::root_of_unity(log_n).expect("log_n checked <= 32");
    let domain = scaled_powers(log_n, omega, Fp::ONE);
    let mut weights: Vec<Arc<Weights>> = Vec::with_capacity(points.len());
    for (p, &z) in points.iter().enumerate() {
        // The weights at z omega are those at z moved one row on (see
        // `rotated`); a later call at the same z and size reuses them.
        let earlier = points[..p].iter().position(|&y| y.mul_base(omega) == z);
        let w = match earlier {
            Some(q) => Arc::new(rotated(&weights[q])),
            None => latest_weights(log_n, z, &domain),
        };
        weights.push(w);
    }
    let sums = (0..n.div_ceil(ROWS))
        .into_par_iter()
        .map(|k| block_sums(evals, n, &weights, k * ROWS..n.min((k + 1) * ROWS)))
        .reduce(
            || vec![Fp3::ZERO; points.len() * width],
            |mut a, b| {
                a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
                a
            },
        );
    let n_inv = Fp::new(n as u64).inverse().expect("2^k is invertible");
    points
        .iter()
        .enumerate()
        .map(|(p, &z)| {
            let factor = (z.pow(n as u64) - Fp3::ONE).mul_base(n_inv);
            sums[p * width..(p + 1) * width]
                .iter()
                .map(|&s| factor * s)
                .collect()
        })
        .collect()
}

/// Barycentric weights over `H_n`, one plane per coefficient (so that
/// base columns take them eight rows at a time).
struct Weights {
    planes: [Vec<Fp>; 3],
}

impl Weights {
    /// The weight of row `i`.
    fn at(&self, i: usize) -> Fp3 {
        Fp3::new(self.planes[0][i], self.planes[1][i], self.planes[2][i])
    }
}

/// The weights at `z` over `H_n`, from the one-entry cache of the latest
/// point asked for (the prover evaluates the trace and then the
/// composition parts at the same `z`), else computed and cached. The
/// weights are a pure function of `(log_n, z)`, so the cache cannot change
/// a result; it holds one table (`24 n` bytes) until the next miss.
fn latest_weights(log_n: u32, z: Fp3, domain: &[u64]) -> Arc<Weights> {
    type Entry = (u32, Fp3, Arc<Weights>);
    static LATEST: Mutex<Option<Entry>> = Mutex::new(None);
    let cached = LATEST
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    if let Some((n, y, w)) = cached {
        if (n, y) == (log_n, z) {
            return w;
        }
    }
    let w = Arc::new(weights(z, domain));
    *LATEST.lock().unwrap_or_else(PoisonError::into_inner) = Some((log_n, z, Arc::clone(&w)));
    w
}

/// The weights at `z omega` from those at `z`: with `x_i = omega^i`,
/// `x_i / (z omega - x_i) = x_{i-1} / (z - x_{i-1})`, so entry `i` is
/// entry `i - 1 (mod n)` of `w`. (The factor `(z^n - 1)/n` is the same at
/// both points, as `omega^n = 1`.)
fn rotated(w: &Weights) -> Weights {
    let planes = w.planes.each_ref().map(|p| {
        // n is a power of two: `& (n - 1)` is `mod n`.
        let n = p.len();
        (0..n)
            .into_par_iter()
            .map(|i| p[(i + n - 1) & (n - 1)])
            .collect()
    });
    Weights { planes }
}

/// The barycentric weights `x / (z - x)` over the domain points `x`.
fn weights(z: Fp3, domain: &[u64]) -> Weights {
    let mut w: Vec<Fp3> = domain
        .par_iter()
        .map(|&x| z - Fp3::from_base(Fp::new(x)))
        .collect();
    batch_inverse(&mut w);
    w.par_iter_mut()
        .zip(domain.par_iter())
        .for_each(|(w, &x)| *w = w.mul_base(Fp::new(x)));
    let plane = |j: usize| w.par_iter().map(|c| c.coeffs()[j]).collect();
    Weights {
        planes: [plane(0), plane(1), plane(2)],
    }
}

/// `sum_{i in rows} y_i w_i` for every point's weights `w` and every column
/// `y` of `evals` (columns of `n`), point-major.
fn block_sums<T: DeviceElem>(
    evals: &[T],
    n: usize,
    weights: &[Arc<Weights>],
    rows: std::ops::Range<usize>,
) -> Vec<Fp3> {
    let width = evals.len() / n;
    let mut out = vec![Fp3::ZERO; weights.len() * width];
    for (c, col) in evals.chunks(n).enumerate() {
        let ys = &col[rows.clone()];
        for (p, w) in weights.iter().enumerate() {
            out[p * width + c] = dot(ys, w, rows.clone());
        }
    }
    out
}

/// `sum_i y_i w_{rows.start + i}`. For base `y` each coefficient of the
/// sum is a base-field dot product with one plane of the weights: on
/// AVX-512 lanes where the CPU has them, else with its 128-bit products
/// added unreduced ([`WideSum3`]).
fn dot<T: DeviceElem>(ys: &[T], w: &Weights, rows: std::ops::Range<usize>) -> Fp3 {
    if T::LIMBS != 1 {
        return ys
            .iter()
            .zip(rows)
            .fold(Fp3::ZERO, |s, (&y, i)| s + times_ext(y, w.at(i)));
    }
    // One limb per element: the canonical values themselves.
    let ys = as_words(ys);
    let planes = w.planes.each_ref().map(|p| &p[rows.clone()]);
    #[cfg(target_arch = "x86_64")]
    if let Some(k) = FieldX8::new().filter(|_| ys.len().is_multiple_of(8)) {
        // SAFETY: `k` exists only where AVX-512F was detected.
        let [c0, c1, c2] = planes.map(|p| unsafe { dot_x8(k, ys, p) });
        return Fp3::new(c0, c1, c2);
    }
    dot_wide(ys, planes)
}

/// `sum_i ys[i] * (planes[0][i], planes[1][i], planes[2][i])` with
/// unreduced products.
fn dot_wide(ys: &[u64], planes: [&[Fp]; 3]) -> Fp3 {
    let mut acc = WideSum3::default();
    for (i, &y) in ys.iter().enumerate() {
        acc.add_scaled(y, planes.map(|p| p[i].value()));
    }
    acc.reduce()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_at_z_omega_are_the_rotated_weights_at_z() {
        let log_n = 6;
        let n = 1usize << log_n;
        let evals: Vec<Fp> = (0..3 * n as u64).map(|i| Fp::new(i * i + 7)).collect();
        let omega = Fp::root_of_unity(log_n).unwrap();
        let z = Fp3::new(Fp::new(5), Fp::new(11), Fp::new(3));
        let zw = z.mul_base(omega);
        // Rotated from z's weights, and each point on its own (weights
        // computed afresh: the cache holds only the latest point).
        let both = evaluate(&evals, log_n, &[z, zw]);
        let at_zw = evaluate(&evals, log_n, &[zw]);
        let at_z = evaluate(&evals, log_n, &[z]);
        assert_eq!(both, vec![at_z[0].clone(), at_zw[0].clone()]);
        assert_ne!(both[0], both[1], "the two points give different values");
    }

    #[test]
    fn base_dot_products_on_every_kernel_match_the_field() {
        let len = 40;
        let word = |i: u64| (i + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15) % backend_api::field::P;
        let ys: Vec<u64> = (0..len).map(word).collect();
        let planes: [Vec<Fp>; 3] = std::array::from_fn(|j| {
            (0..len)
                .map(|i| Fp::new(word(i * 3 + j as u64 + 100)))
                .collect()
        });
        let want: [Fp; 3] = std::array::from_fn(|j| {
            ys.iter()
                .zip(&planes[j])
                .map(|(&y, &k)| Fp::new(y) * k)
                .sum()
        });
        let planes = planes.each_ref().map(Vec::as_slice);
        assert_eq!(dot_wide(&ys, planes), Fp3::new(want[0], want[1], want[2]));
        #[cfg(target_arch = "x86_64")]
        if let Some(k) = FieldX8::new() {
            // SAFETY: `k` exists only where AVX-512F was detected.
            let got = planes.map(|p| unsafe { dot_x8(k, &ys, p) });
            assert_eq!(got, want);
        }
    }

    #[test]
    fn no_columns_give_one_empty_vector_per_point() {
        let z = Fp3::new(Fp::new(5), Fp::new(11), Fp::new(3));
        assert_eq!(
            evaluate::<Fp>(&[], 4, &[z, z + Fp3::ONE]),
            vec![Vec::<Fp3>::new(); 2]
        );
    }
}
