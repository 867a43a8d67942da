//! LDE by naive interpolation (inverse DFT over `H_n`) followed by naive
//! evaluation (Horner) at every point of the target coset.

use crate::fixtures::{horner, naive_idft, to_natural};
use backend_api::{Coset, DeviceElem, DeviceResult, Fp, HostMatrix, Order};

/// Evaluates `sum_j coeffs[j] x^j` at every point of
/// `shift * H_{n * blowup}`, in `output` order.
fn eval_on_coset<T: DeviceElem>(coeffs: &[T], log_total: u32, shift: Fp, output: Order) -> Vec<T> {
    Coset::new(log_total, shift, output)
        .points()
        .into_iter()
        .map(|x| horner(coeffs, x))
        .collect()
}

fn extend<T: DeviceElem>(
    m: &HostMatrix<T>,
    from_evals: bool,
    input: Order,
    blowup: usize,
    shift: Fp,
    output: Order,
) -> DeviceResult<HostMatrix<T>> {
    let (log_n, log_b) = (m.height().trailing_zeros(), blowup.trailing_zeros());
    let columns: Vec<Vec<T>> = (0..m.width())
        .map(|c| {
            let natural = to_natural(m.column(c), input);
            let coeffs = if from_evals {
                naive_idft(&natural, Fp::ONE)
            } else {
                natural
            };
            eval_on_coset(&coeffs, log_n + log_b, shift, output)
        })
        .collect();
    Ok(HostMatrix::from_columns(&columns).expect("at least one column, all of one height"))
}

pub(crate) fn coset_lde<T: DeviceElem>(
    evals: &HostMatrix<T>,
    input: Order,
    blowup: usize,
    shift: Fp,
    output: Order,
) -> DeviceResult<HostMatrix<T>> {
    extend(evals, true, input, blowup, shift, output)
}

pub(crate) fn coeffs_to_coset<T: DeviceElem>(
    coeffs: &HostMatrix<T>,
    input: Order,
    blowup: usize,
    shift: Fp,
    output: Order,
) -> DeviceResult<HostMatrix<T>> {
    extend(coeffs, false, input, blowup, shift, output)
}
