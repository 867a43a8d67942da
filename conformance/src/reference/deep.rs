//! DEEP composition term by term, one division per term.

use backend_api::{Coset, DeepOpening, DeviceElem, DeviceResult, Fp3, HostMatrix};

/// Adds `gamma^k (f_c(x) - v_{p,c}) / (x - z_p)` for every term of `openings`
/// at position `row`, advancing `power` through `gamma^k`.
fn add_terms<T: DeviceElem>(
    acc: &mut Fp3,
    power: &mut Fp3,
    gamma: Fp3,
    x: Fp3,
    row: usize,
    points: &[Fp3],
    openings: &[DeepOpening<'_, Vec<T>>],
) {
    for o in openings {
        for (p, values) in &o.evaluations {
            let denom_inv = (x - points[*p])
                .inverse()
                .expect("point checked outside the domain");
            for (c, v) in values.iter().enumerate() {
                *acc += *power * (o.matrix.get(row, c).to_ext() - *v) * denom_inv;
                *power *= gamma;
            }
        }
    }
}

pub(crate) fn compose(
    domain: Coset,
    points: &[Fp3],
    gamma: Fp3,
    base: &[DeepOpening<'_, Vec<backend_api::Fp>>],
    ext: &[DeepOpening<'_, Vec<Fp3>>],
) -> DeviceResult<HostMatrix<Fp3>> {
    let out: Vec<Fp3> = domain
        .points()
        .into_iter()
        .enumerate()
        .map(|(row, x)| {
            let (mut acc, mut power) = (Fp3::ZERO, Fp3::ONE);
            let x = Fp3::from_base(x);
            add_terms(&mut acc, &mut power, gamma, x, row, points, base);
            add_terms(&mut acc, &mut power, gamma, x, row, points, ext);
            acc
        })
        .collect();
    Ok(HostMatrix::from_columns(&[out]).expect("one column"))
}
