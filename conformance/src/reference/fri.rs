//! FRI fold, straight from the formula of the trait's doc comment.

use backend_api::{bit_reverse, DeviceResult, Fp, Fp3, HostMatrix};

/// Position `i` of the result is
/// `(f(x) + f(-x)) / 2 + beta * (f(x) - f(-x)) / (2x)` with
/// `x = shift * omega_N^bit_reverse(i, k - 1)`, `f(x), f(-x)` at positions `2i, 2i+1`.
pub(crate) fn fold(
    codeword: &HostMatrix<Fp3>,
    shift: Fp,
    beta: Fp3,
) -> DeviceResult<HostMatrix<Fp3>> {
    let log_n = codeword.height().trailing_zeros();
    let omega = Fp::root_of_unity(log_n).expect("checked log_n <= 32");
    let half_inv = Fp::TWO.inverse().expect("2 is invertible");
    let cw = codeword.column(0);
    let folded: Vec<Fp3> = (0..cw.len() / 2)
        .map(|i| {
            let x = shift * omega.pow(bit_reverse(i, log_n - 1) as u64);
            let (fx, fmx) = (cw[2 * i], cw[2 * i + 1]);
            let two_x_inv = (Fp::TWO * x).inverse().expect("x is non-zero");
            (fx + fmx) * half_inv + beta * ((fx - fmx) * two_x_inv)
        })
        .collect();
    Ok(HostMatrix::from_columns(&[folded]).expect("one column"))
}
