//! Periodic columns: the table a device reads over the composition domain
//! ([`periodic_table`]) and the value a verifier computes at any point
//! ([`periodic_value`]). See [`crate::expr::Node::Periodic`].

use crate::expr::CompositionDomain;
use crate::field::{Fp, Fp3};

/// The table [`ConstraintParams::periodic`](crate::expr::ConstraintParams::periodic) wants for a periodic column
/// with `pattern` (length `p`, a power of two dividing `n = 2^log_n`) on
/// `domain`: the column's polynomial over `shift * H_M` reduced to one
/// period, `L = M p / n` entries in natural order. Entry `t` is
/// `pi(shift^(n/p) * omega_L^t)`, which is the coset LDE of the pattern
/// (evaluations of `pi` over `H_p`) by `M / n` with shift `shift^(n/p)`;
/// `dev` computes it.
///
/// Errors: `pattern` empty, not a power of two or longer than `n`
/// (`InvalidArgument` naming `pattern`); the device's errors.
pub fn periodic_table<D: crate::ProverDevice>(
    dev: &D,
    ctx: &D::DeviceCtx,
    pattern: &[Fp],
    domain: &CompositionDomain,
) -> crate::DeviceResult<Vec<Fp>> {
    let n = 1usize.checked_shl(domain.log_n).unwrap_or(0);
    let p = pattern.len();
    if !p.is_power_of_two() || p > n {
        return Err(crate::DeviceError::invalid(
            "pattern",
            format!("length {p} is not a power of two dividing the {n} rows"),
        ));
    }
    let blowup = 1usize << domain.log_eval.saturating_sub(domain.log_n);
    let shift = domain.shift.pow((n / p) as u64);
    let column = crate::Matrix::new(pattern.to_vec(), 1, p).expect("one column");
    let (_, lde) = dev.upload_lde(
        ctx,
        &column,
        crate::Order::Natural,
        blowup,
        shift,
        crate::Order::Natural,
    )?;
    // `ProverDevice` checked the LDE's shape and the download's length.
    dev.download(ctx, lde.buffer())
}

/// The value at `x` of a periodic column with `pattern` (length `p`, a
/// power of two dividing `n = 2^log_n`): `pi(x^(n/p))` with `pi` the
/// polynomial of degree `< p` through `pi(omega_p^j) = pattern[j]`, by the
/// barycentric formula `pi(y) = (y^p - 1)/p * sum_j pattern[j] omega_p^j /
/// (y - omega_p^j)` (or `pattern[j]` when `y = omega_p^j`). This is how a
/// verifier reads a periodic column at an out-of-domain point.
///
/// `None` if `pattern` is empty, not a power of two or longer than `n`.
pub fn periodic_value(pattern: &[Fp], x: Fp3, log_n: u32) -> Option<Fp3> {
    let p = pattern.len();
    let n = 1u64.checked_shl(log_n)?;
    if !p.is_power_of_two() || p as u64 > n {
        return None;
    }
    let omega = Fp::root_of_unity(p.trailing_zeros())?;
    let y = x.pow(n / p as u64);
    let mut point = Fp::ONE;
    let mut sum = Fp3::ZERO;
    for &v in pattern {
        let diff = y - Fp3::from_base(point);
        match diff.inverse() {
            Some(inv) => sum += inv.mul_base(v * point),
            None => return Some(Fp3::from_base(v)),
        }
        point *= omega;
    }
    let scale = Fp::new(p as u64).inverse()?;
    Some((y.pow(p as u64) - Fp3::ONE).mul_base(scale) * sum)
}
