//! Naive O(n^2) DFT: every output is a direct sum over the coset points.

use super::order::{from_natural, to_natural};
use backend_api::{DeviceElem, DeviceResult, Fp, HostMatrix, NttDirection, Order};

/// `sum_j coeffs[j] * x^j` by Horner's rule.
pub(crate) fn horner<T: DeviceElem>(coeffs: &[T], x: Fp) -> T {
    coeffs.iter().rev().fold(T::ZERO, |acc, &c| acc * x + c)
}

fn omega(n: usize) -> Fp {
    Fp::root_of_unity(n.trailing_zeros()).expect("height checked to be at most 2^32")
}

/// Natural-order coefficients to natural-order evaluations over `shift * H_n`:
/// `e_i = sum_j c_j (shift * omega^i)^j`.
pub(crate) fn forward_column<T: DeviceElem>(coeffs: &[T], shift: Fp) -> Vec<T> {
    let w = omega(coeffs.len());
    (0..coeffs.len())
        .map(|i| horner(coeffs, shift * w.pow(i as u64)))
        .collect()
}

/// Natural-order evaluations over `shift * H_n` back to coefficients:
/// `c_j = n^-1 * shift^-j * sum_i e_i omega^(-i j)`.
pub(crate) fn inverse_column<T: DeviceElem>(evals: &[T], shift: Fp) -> Vec<T> {
    let n = evals.len();
    let w_inv = omega(n).inverse().expect("roots of unity are non-zero");
    let n_inv = Fp::new(n as u64).inverse().expect("n < p is non-zero");
    let s_inv = shift.inverse().expect("shift checked non-zero");
    (0..n)
        .map(|j| horner(evals, w_inv.pow(j as u64)) * (n_inv * s_inv.pow(j as u64)))
        .collect()
}

pub(crate) fn ntt<T: DeviceElem>(
    m: &mut HostMatrix<T>,
    direction: NttDirection,
    shift: Fp,
    input: Order,
    output: Order,
) -> DeviceResult<()> {
    for c in 0..m.width() {
        let natural = to_natural(m.column(c), input);
        let result = match direction {
            NttDirection::Forward => forward_column(&natural, shift),
            NttDirection::Inverse => inverse_column(&natural, shift),
        };
        m.column_mut(c)
            .copy_from_slice(&from_natural(&result, output));
    }
    Ok(())
}
