//! Example AIRs: what the benchmarks prove and the tests exercise. Each
//! has `generate` (the AIR, public inputs and a satisfying witness) and
//! `from_params` (the AIR from its [`Air::params`](crate::Air::params), as
//! a verifier rebuilds it).
//!
//! * [`FibWide`]: one wide table of Fibonacci pairs (degree 1);
//! * [`Lookup`]: three tables on two buses, a preprocessed range table;
//! * [`Squares`]: one table with periodic and preprocessed columns whose
//!   input and output enter through buses balanced by public messages;
//! * [`KeccakF`]: the Keccak-f\[1600\] permutation, one round per row
//!   (2,504 columns, degree 3, preprocessed round constants);
//! * [`Vm`]: a register machine running a ROM program, six tables (CPU,
//!   ROM, logic, memory, range and bitwise lookups) on six buses.

pub mod fib_wide;
pub mod keccak;
pub mod lookup;
pub mod squares;
pub mod vm;

pub use fib_wide::FibWide;
pub use keccak::KeccakF;
pub use lookup::Lookup;
pub use squares::Squares;
pub use vm::Vm;

use crate::air::AirError;
use backend_api::{Fp, HostMatrix};

/// What an example's `generate` returns: the AIR, its public inputs, and
/// its witness `W` (one trace, or one per table).
pub type Generated<A, W> = Result<(A, Vec<Fp>, W), AirError>;

/// Columns of `height` zeros, or [`AirError::BadParams`] for `air` if the
/// memory cannot be had (a trace too large for this machine is an error,
/// not an abort).
pub(crate) fn zero_columns(
    air: &str,
    width: usize,
    height: usize,
) -> Result<Vec<Vec<Fp>>, AirError> {
    let too_large = || AirError::BadParams {
        air: air.into(),
        reason: format!("a {width} x {height} trace does not fit in memory"),
    };
    (0..width)
        .map(|_| {
            let mut col = Vec::new();
            col.try_reserve_exact(height).map_err(|_| too_large())?;
            col.resize(height, Fp::ZERO);
            Ok(col)
        })
        .collect()
}

/// The matrix of equal-height `columns`.
pub(crate) fn matrix(columns: &[Vec<Fp>]) -> HostMatrix<Fp> {
    HostMatrix::from_columns(columns).expect("columns of one height")
}

/// The one parameter `[log_rows]` of `air`, in `range`, or
/// [`AirError::BadParams`].
pub(crate) fn log_rows_param(
    air: &str,
    params: &[u64],
    range: std::ops::RangeInclusive<u32>,
) -> Result<u32, AirError> {
    match *params {
        [log_rows] => log_rows_in(air, u32::try_from(log_rows).unwrap_or(u32::MAX), range),
        _ => Err(AirError::BadParams {
            air: air.into(),
            reason: format!("expected 1 parameter, got {}", params.len()),
        }),
    }
}

/// `log_rows` if it lies in `range`, else [`AirError::BadParams`] for `air`.
pub(crate) fn log_rows_in(
    air: &str,
    log_rows: u32,
    range: std::ops::RangeInclusive<u32>,
) -> Result<u32, AirError> {
    if !range.contains(&log_rows) {
        return Err(AirError::BadParams {
            air: air.into(),
            reason: format!(
                "log_rows must be in {}..={}, got {log_rows}",
                range.start(),
                range.end()
            ),
        });
    }
    Ok(log_rows)
}

/// The parameters `[a, b]` of `air`, or [`AirError::BadParams`].
pub(crate) fn two_params(air: &str, params: &[u64]) -> Result<(u64, u64), AirError> {
    match *params {
        [a, b] => Ok((a, b)),
        _ => Err(AirError::BadParams {
            air: air.into(),
            reason: format!("expected 2 parameters, got {}", params.len()),
        }),
    }
}
