//! The checks [`ProverDevice`](crate::ProverDevice) runs around every
//! [`Backend`](crate::Backend) call, so that every backend rejects the same
//! inputs with the same [`DeviceError::InvalidArgument`] before any work,
//! and no backend hands back a result of the wrong shape
//! ([`DeviceError::BadOutput`]; the `output_*` functions). Backends never
//! call them: `ProverDevice` does.

use crate::deep::DeepOpening;
use crate::device::{MerkleShape, TraceColumns};
use crate::domain::Coset;
use crate::error::{DeviceError, DeviceResult};
use crate::expr::{CompositionDomain, ConstraintParams, ConstraintSystem};
use crate::field::{DeviceElem, Fp, Fp3, TWO_ADICITY};
use crate::hash::{Digest, MerkleOpening};
use crate::logup::{Interaction, MAX_STACK_DEPTH};
use crate::matrix::{Buffer, Matrix};

fn invalid<T>(argument: &'static str, reason: impl Into<String>) -> DeviceResult<T> {
    Err(DeviceError::invalid(argument, reason))
}

/// A height that is a power of two `<= 2^32`; returns its log.
pub fn height(argument: &'static str, height: usize) -> DeviceResult<u32> {
    if height == 0 {
        return invalid(argument, "height is 0");
    }
    if !height.is_power_of_two() {
        return invalid(argument, format!("height {height} is not a power of two"));
    }
    let log = height.trailing_zeros();
    if log > TWO_ADICITY {
        return invalid(
            argument,
            format!("height 2^{log} exceeds the two-adicity 2^{TWO_ADICITY}"),
        );
    }
    Ok(log)
}

/// At least one column and a valid height; returns log2(height).
pub fn matrix<B: Buffer>(argument: &'static str, m: &Matrix<B>) -> DeviceResult<u32> {
    if m.width() == 0 {
        return invalid(argument, "matrix has no columns");
    }
    height(argument, m.height())
}

/// Exactly one column.
pub fn single_column(argument: &'static str, width: usize) -> DeviceResult<()> {
    if width != 1 {
        return invalid(argument, format!("expected one column, got {width}"));
    }
    Ok(())
}

/// A non-zero coset shift.
pub fn shift(shift: Fp) -> DeviceResult<()> {
    if shift.is_zero() {
        return invalid("shift", "coset shift must be non-zero");
    }
    Ok(())
}

/// Checks an NTT call; returns log2(height).
pub fn ntt<B: Buffer>(m: &Matrix<B>, s: Fp) -> DeviceResult<u32> {
    let log_n = matrix("matrix", m)?;
    shift(s)?;
    Ok(log_n)
}

/// Checks an LDE call; returns `(log_n, log_blowup)`.
pub fn lde<B: Buffer>(m: &Matrix<B>, blowup: usize, s: Fp) -> DeviceResult<(u32, u32)> {
    let log_n = matrix("evals", m)?;
    shift(s)?;
    if blowup == 0 {
        return invalid("blowup", "blowup is 0");
    }
    if !blowup.is_power_of_two() {
        return invalid("blowup", format!("blowup {blowup} is not a power of two"));
    }
    let log_b = blowup.trailing_zeros();
    if log_n + log_b > TWO_ADICITY {
        return invalid(
            "blowup",
            format!(
                "blowup {blowup} too large: LDE height 2^{} exceeds 2^{TWO_ADICITY}",
                log_n + log_b
            ),
        );
    }
    Ok((log_n, log_b))
}

/// Checks a Merkle commit; returns the tree's shape.
pub fn merkle_commit<T: DeviceElem, B: Buffer>(
    matrices: &[&Matrix<B>],
    rows_per_leaf: usize,
) -> DeviceResult<MerkleShape> {
    let first = matrices
        .first()
        .ok_or_else(|| DeviceError::invalid("matrices", "no matrices to commit"))?;
    let h = first.height();
    for (i, m) in matrices.iter().enumerate() {
        matrix("matrices", m)?;
        if m.height() != h {
            return invalid(
                "matrices",
                format!("matrix {i} has height {}, matrix 0 has {h}", m.height()),
            );
        }
    }
    if rows_per_leaf == 0 || !rows_per_leaf.is_power_of_two() || rows_per_leaf > h {
        return invalid(
            "rows_per_leaf",
            format!("{rows_per_leaf} must be a power of two no larger than the height {h}"),
        );
    }
    Ok(MerkleShape {
        kind: T::KIND,
        height: h,
        widths: matrices.iter().map(|m| m.width()).collect(),
        rows_per_leaf,
        table_heights: None,
    })
}

/// Checks a tables commit (one or more matrices, each with columns and a
/// power-of-two height); returns the tree's shape: that of
/// [`merkle_commit`] with one row per leaf for one matrix, a tables shape
/// otherwise.
pub fn merkle_commit_tables<T: DeviceElem, B: Buffer>(
    matrices: &[&Matrix<B>],
) -> DeviceResult<MerkleShape> {
    if matrices.is_empty() {
        return invalid("matrices", "no matrices to commit");
    }
    for m in matrices {
        matrix("matrices", m)?;
    }
    let dims: Vec<(usize, usize)> = matrices.iter().map(|m| (m.width(), m.height())).collect();
    Ok(MerkleShape::of_tables(T::KIND, &dims))
}

/// Checks a Merkle opening request against the tree's shape.
pub fn merkle_open<T: DeviceElem, B: Buffer>(
    shape: &MerkleShape,
    matrices: &[&Matrix<B>],
    leaf_indices: &[usize],
) -> DeviceResult<()> {
    if T::KIND != shape.kind {
        return invalid(
            "matrices",
            format!(
                "tree holds {:?} elements, matrices are {:?}",
                shape.kind,
                T::KIND
            ),
        );
    }
    let widths: Vec<usize> = matrices.iter().map(|m| m.width()).collect();
    let heights: Vec<usize> = matrices.iter().map(|m| m.height()).collect();
    let committed: Vec<usize> = (0..shape.widths.len())
        .map(|i| shape.matrix_height(i))
        .collect();
    if widths != shape.widths || heights != committed {
        return invalid(
            "matrices",
            format!(
                "shapes (widths {widths:?}, heights {heights:?}) differ from the committed ones \
                 (widths {:?}, heights {committed:?})",
                shape.widths
            ),
        );
    }
    let leaves = shape.num_leaves();
    if let Some(&bad) = leaf_indices.iter().find(|&&i| i >= leaves) {
        return invalid(
            "leaf_indices",
            format!("index {bad} out of range for {leaves} leaves"),
        );
    }
    Ok(())
}

/// The largest FRI folding arity, `log2`.
pub const MAX_FRI_LOG_ARITY: u32 = 4;

/// Checks a FRI layer commit (one column of at least `2^log_arity` values,
/// `log_arity` in `1..=MAX_FRI_LOG_ARITY`); returns the tree's shape
/// (`2^log_arity` values per leaf).
pub fn fri_commit_layer<B: Buffer>(
    codeword: &Matrix<B>,
    log_arity: u32,
) -> DeviceResult<MerkleShape> {
    single_column("codeword", codeword.width())?;
    if !(1..=MAX_FRI_LOG_ARITY).contains(&log_arity) {
        return Err(DeviceError::invalid(
            "log_arity",
            format!("{log_arity} not in 1..={MAX_FRI_LOG_ARITY}"),
        ));
    }
    merkle_commit::<Fp3, B>(&[codeword], 1 << log_arity)
}

/// Checks an `add_scaled`: `acc` and `x` of one shape.
pub fn add_scaled<B: Buffer>(acc: &Matrix<B>, x: &Matrix<B>) -> DeviceResult<()> {
    if (acc.width(), acc.height()) != (x.width(), x.height()) {
        return invalid(
            "x",
            format!(
                "{} x {} does not match acc's {} x {}",
                x.width(),
                x.height(),
                acc.width(),
                acc.height()
            ),
        );
    }
    Ok(())
}

/// Checks a FRI fold; returns log2(N).
pub fn fri_fold<B: Buffer>(codeword: &Matrix<B>, s: Fp) -> DeviceResult<u32> {
    let log_n = matrix("codeword", codeword)?;
    single_column("codeword", codeword.width())?;
    if log_n == 0 {
        return invalid("codeword", "a codeword of length 1 cannot be folded");
    }
    shift(s)?;
    Ok(log_n)
}

/// Checks a LogUp call; returns log2(n).
pub fn logup<B: Buffer>(
    trace: TraceColumns<'_, B>,
    interactions: &[Interaction],
) -> DeviceResult<u32> {
    let log_n = matrix("trace.main", trace.main)?;
    let pre_width = match trace.preprocessed {
        Some(p) => {
            matrix("trace.preprocessed", p)?;
            if p.height() != trace.main.height() {
                return invalid(
                    "trace.preprocessed",
                    format!(
                        "height {}, the main trace has {}",
                        p.height(),
                        trace.main.height()
                    ),
                );
            }
            p.width()
        }
        None => 0,
    };
    if interactions.is_empty() {
        return invalid("interactions", "no interactions");
    }
    for (k, it) in interactions.iter().enumerate() {
        if let Some(e) = it.exprs().find(|e| e.stack_depth() > MAX_STACK_DEPTH) {
            return invalid(
                "interactions",
                format!(
                    "interaction {k} has an expression needing {} stack slots, at most \
                     {MAX_STACK_DEPTH} are allowed",
                    e.stack_depth()
                ),
            );
        }
        let reads = [
            ("main", it.max_main_column(), trace.main.width()),
            ("preprocessed", it.max_preprocessed_column(), pre_width),
        ];
        for (what, max, width) in reads {
            if let Some(c) = max.filter(|&c| c >= width) {
                return invalid(
                    "interactions",
                    format!("interaction {k} reads {what} column {c}, the trace has {width}"),
                );
            }
        }
    }
    Ok(log_n)
}

/// Checks a grinding difficulty.
pub fn grind_bits(bits: u32) -> DeviceResult<()> {
    if bits > 64 {
        return invalid("bits", format!("{bits} bits of grinding exceed 64"));
    }
    Ok(())
}

/// Checks an OOD evaluation; returns log2(n).
pub fn ood<B: Buffer>(evals: &Matrix<B>, points: &[Fp3]) -> DeviceResult<u32> {
    let log_n = matrix("evals", evals)?;
    for (i, z) in points.iter().enumerate() {
        if z.pow(1u64 << log_n) == Fp3::ONE {
            return invalid(
                "points",
                format!(
                    "point {i} lies in the evaluation domain H_{}",
                    1u64 << log_n
                ),
            );
        }
    }
    Ok(log_n)
}

/// Checks a DEEP composition call.
pub fn deep<BB: Buffer, BE: Buffer>(
    domain: &Coset,
    points: &[Fp3],
    base: &[DeepOpening<'_, BB>],
    ext: &[DeepOpening<'_, BE>],
) -> DeviceResult<()> {
    height("domain", 1usize.checked_shl(domain.log_n).unwrap_or(0))?;
    shift(domain.shift)?;
    let n = domain.size();
    let shift_inv = domain.shift.inverse().expect("shift checked non-zero");
    for (i, z) in points.iter().enumerate() {
        if (z.mul_base(shift_inv)).pow(n as u64) == Fp3::ONE {
            return invalid("points", format!("point {i} lies in the domain"));
        }
    }
    if base.is_empty() && ext.is_empty() {
        return invalid("openings", "nothing to compose");
    }
    let shapes = base
        .iter()
        .map(|o| (o.matrix.width(), o.matrix.height(), &o.evaluations))
        .chain(
            ext.iter()
                .map(|o| (o.matrix.width(), o.matrix.height(), &o.evaluations)),
        );
    for (k, (width, height, evaluations)) in shapes.enumerate() {
        if width == 0 {
            return invalid("openings", format!("opening {k} has no columns"));
        }
        if height != n {
            return invalid(
                "openings",
                format!("opening {k} has height {height}, the domain has {n} points"),
            );
        }
        for (p, values) in evaluations {
            if *p >= points.len() {
                return invalid(
                    "openings",
                    format!("opening {k} names point {p}, only {} given", points.len()),
                );
            }
            if values.len() != width {
                return invalid(
                    "openings",
                    format!(
                        "opening {k} gives {} values at point {p} for {width} columns",
                        values.len()
                    ),
                );
            }
        }
    }
    Ok(())
}

/// A result of `primitive` holds `got` values where the contract gives
/// `expected` (`what` names them).
pub fn output_count(
    primitive: &'static str,
    what: &str,
    got: usize,
    expected: usize,
) -> DeviceResult<()> {
    if got != expected {
        return Err(DeviceError::bad_output(
            primitive,
            format!("{got} {what}, expected {expected}"),
        ));
    }
    Ok(())
}

/// A matrix `primitive` returned (or changed in place) is `width x height`
/// with a buffer of `width * height` elements.
pub fn output_matrix<B: Buffer>(
    primitive: &'static str,
    m: &Matrix<B>,
    width: usize,
    height: usize,
) -> DeviceResult<()> {
    let len = m.buffer().len();
    if m.width() != width || m.height() != height || Some(len) != width.checked_mul(height) {
        return Err(DeviceError::bad_output(
            primitive,
            format!(
                "a {} x {} matrix of {len} elements, expected {width} x {height}",
                m.width(),
                m.height()
            ),
        ));
    }
    Ok(())
}

/// A tree `primitive` returned was built over `expected`.
pub fn output_tree(
    primitive: &'static str,
    got: &MerkleShape,
    expected: &MerkleShape,
) -> DeviceResult<()> {
    if got != expected {
        return Err(DeviceError::bad_output(
            primitive,
            format!("a tree over {got:?}, expected {expected:?}"),
        ));
    }
    Ok(())
}

/// Openings hold one per requested index, at that leaf, with a leaf's
/// values and a full path of `shape`.
pub fn output_openings<T>(
    openings: &[MerkleOpening<T>],
    shape: &MerkleShape,
    leaf_indices: &[usize],
) -> DeviceResult<()> {
    output_count(
        "merkle_open",
        "openings",
        openings.len(),
        leaf_indices.len(),
    )?;
    for (o, &index) in openings.iter().zip(leaf_indices) {
        if o.leaf_index != index
            || o.values.len() != shape.leaf_len()
            || o.path.len() != shape.depth()
        {
            return Err(DeviceError::bad_output(
                "merkle_open",
                format!(
                    "the opening of leaf {index} is at leaf {} with {} values and {} siblings, \
                     expected {} values and {} siblings",
                    o.leaf_index,
                    o.values.len(),
                    o.path.len(),
                    shape.leaf_len(),
                    shape.depth()
                ),
            ));
        }
    }
    Ok(())
}

/// A nonce `grind` returned meets the difficulty.
pub fn output_nonce(seed: &Digest, nonce: u64, bits: u32) -> DeviceResult<()> {
    if !crate::hash::pow_is_valid(seed, nonce, bits) {
        return Err(DeviceError::bad_output(
            "grind",
            format!("nonce {nonce} does not meet {bits} bits"),
        ));
    }
    Ok(())
}

/// The argument checks of primitive 9 (`ProverDevice::evaluate_constraints`):
/// a valid system; `trace.main` of width `system.main_width`,
/// `trace.preprocessed` (present iff `system.preprocessed_width > 0`) of
/// width `system.preprocessed_width` and `aux` (present iff
/// `system.aux_width > 0`) of width `system.aux_width`, all of height
/// `2^log_lde`; `1 <= log_n <= log_eval <= log_lde <= 32`; a shift outside
/// the two-adic subgroup (so no point of the domain is a zero of a
/// zerofier); `params.challenges`, `params.public` and `params.periodic` of
/// the system's lengths, each periodic table of a power-of-two length at
/// most `2^log_eval`.
pub fn evaluation<BB: Buffer, BA: Buffer>(
    system: &ConstraintSystem,
    trace: TraceColumns<'_, BB>,
    aux: Option<&Matrix<BA>>,
    domain: &CompositionDomain,
    params: &ConstraintParams<'_>,
) -> DeviceResult<()> {
    system
        .validate()
        .map_err(|e| DeviceError::invalid("system", e.to_string()))?;
    let d = domain;
    if !(1 <= d.log_n && d.log_n <= d.log_eval && d.log_eval <= d.log_lde && d.log_lde <= 32) {
        return invalid(
            "domain",
            format!(
                "need 1 <= log_n ({}) <= log_eval ({}) <= log_lde ({}) <= 32",
                d.log_n, d.log_eval, d.log_lde
            ),
        );
    }
    if d.shift.is_zero() || d.shift.pow(1u64 << 32) == Fp::ONE {
        return invalid("domain", "shift is zero or lies in the two-adic subgroup");
    }
    let lde_height = 1usize << d.log_lde;
    lde_columns(
        "trace.main",
        Some(trace.main),
        system.main_width,
        lde_height,
    )?;
    lde_columns(
        "trace.preprocessed",
        trace.preprocessed,
        system.preprocessed_width,
        lde_height,
    )?;
    lde_columns("aux_lde", aux, system.aux_width, lde_height)?;
    let counts = [
        (
            "params.challenges",
            params.challenges.len(),
            system.num_challenges,
        ),
        ("params.public", params.public.len(), system.num_public),
        (
            "params.periodic",
            params.periodic.len(),
            system.num_periodic,
        ),
    ];
    for (argument, given, needed) in counts {
        if given != needed {
            return invalid(argument, format!("{given} given, the system has {needed}"));
        }
    }
    let m = 1usize << d.log_eval;
    for (i, table) in params.periodic.iter().enumerate() {
        if !table.len().is_power_of_two() || table.len() > m {
            return invalid(
                "params.periodic",
                format!(
                    "table {i} has {} entries, not a power of two in 1..={m}",
                    table.len()
                ),
            );
        }
    }
    Ok(())
}

/// An LDE matrix of primitive 9: given exactly when the system has columns
/// of its kind (`width > 0`), then `width x height`.
fn lde_columns<B: Buffer>(
    argument: &'static str,
    m: Option<&Matrix<B>>,
    width: usize,
    height: usize,
) -> DeviceResult<()> {
    match (m, width) {
        (None, 0) => Ok(()),
        (Some(m), w) if w > 0 => {
            matrix(argument, m)?;
            if m.width() != w || m.height() != height {
                return invalid(
                    argument,
                    format!(
                        "{} x {}, the system needs {w} x {height}",
                        m.width(),
                        m.height()
                    ),
                );
            }
            Ok(())
        }
        (_, w) => invalid(
            argument,
            format!("must be given exactly when the system has such columns ({w})"),
        ),
    }
}
