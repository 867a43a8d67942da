//! FRI fold (`ProverDevice::fri_fold`): position `i` of the result is
//! `(f(x) + f(-x)) / 2 + beta (f(x) - f(-x)) / (2x)` with
//! `x = shift * omega_N^br(i, log N - 1)` and `f(x), f(-x)` at positions
//! `2i, 2i + 1` of the bit-reversed codeword. The `1 / (2x)` are inverted
//! together.

use crate::inverse::batch_inverse;
use backend_api::{bit_reverse, Fp, Fp3, HostMatrix};

pub(crate) fn fold(codeword: &[Fp3], shift: Fp, beta: Fp3) -> HostMatrix<Fp3> {
    let log_n = codeword.len().trailing_zeros();
    let omega = Fp::root_of_unity(log_n).expect("checked: log N <= 32");
    let half = codeword.len() / 2;
    let mut two_x_inv: Vec<Fp> = (0..half)
        .map(|i| Fp::TWO * shift * omega.pow(bit_reverse(i, log_n - 1) as u64))
        .collect();
    batch_inverse(&mut two_x_inv);
    let half_inv = Fp::TWO.inverse().expect("2 is invertible");
    let folded: Vec<Fp3> = codeword
        .chunks_exact(2)
        .zip(two_x_inv)
        .map(|(pair, w)| {
            let (fx, fmx) = (pair[0], pair[1]);
            (fx + fmx) * half_inv + beta * ((fx - fmx) * w)
        })
        .collect();
    HostMatrix::from_columns(&[folded]).expect("one column")
}
