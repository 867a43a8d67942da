//! OOD evaluation the long way: interpolate the coefficients with the naive
//! inverse DFT, then Horner at each point. It does not use the barycentric
//! formula, so it cross-checks a backend that does.

use crate::fixtures::{horner_ext, naive_idft};
use backend_api::{DeviceElem, DeviceResult, Fp, Fp3, HostMatrix};

pub(crate) fn evaluate<T: DeviceElem>(
    evals: &HostMatrix<T>,
    points: &[Fp3],
) -> DeviceResult<Vec<Vec<Fp3>>> {
    let coeffs: Vec<Vec<T>> = evals
        .columns()
        .map(|col| naive_idft(col, Fp::ONE))
        .collect();
    Ok(points
        .iter()
        .map(|&z| coeffs.iter().map(|cs| horner_ext(cs, z)).collect())
        .collect())
}
