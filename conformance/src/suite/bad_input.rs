//! Bad input: each invalid argument is rejected with
//! `DeviceError::InvalidArgument` naming it, before any work (in-place
//! methods leave the buffer as it was). One function per case.

use super::util::{ok, Harness};
use super::SuiteConfig;
use backend_api::expr::{
    CompositionDomain, ConstraintParams, ConstraintSystem, ExprId, Node, RowSet,
};
use backend_api::{
    Coset, DeepOpening, DeviceElem, DeviceMatrix, DeviceResult, Digest, Fp, Fp3, HostMatrix,
    Interaction, InteractionKind, LogUpChallenges, Matrix, NttDirection, Order, ProverDevice,
    RowExpr, TraceColumns,
};

#[track_caller]
fn expect_invalid<T>(r: DeviceResult<T>, argument: &str) {
    match r {
        Ok(_) => panic!("expected InvalidArgument `{argument}`, got Ok"),
        Err(e) => assert_eq!(
            e.invalid_argument(),
            Some(argument),
            "expected InvalidArgument `{argument}`, got: {e}"
        ),
    }
}

/// A host matrix of `width x height` counting 1, 2, 3, ... (any shape,
/// including invalid ones).
fn host_matrix<T: DeviceElem>(width: usize, height: usize) -> HostMatrix<T> {
    let data: Vec<T> = (1..=width * height)
        .map(|i| T::from_base(Fp::new(i as u64)))
        .collect();
    Matrix::new(data, width, height).expect("sized")
}

/// [`host_matrix`] on the device.
fn matrix<T: DeviceElem, D: ProverDevice>(
    h: &Harness<D>,
    width: usize,
    height: usize,
) -> DeviceMatrix<D, T> {
    let buf = ok(
        h.dev
            .upload(&h.ctx, host_matrix::<T>(width, height).buffer()),
        "upload",
    );
    Matrix::new(buf, width, height).expect("sized")
}

fn ntt_case<D: ProverDevice>(dev: &D, width: usize, height: usize, shift: Fp, argument: &str) {
    let h = Harness::new(dev);
    let mut m = matrix::<Fp, D>(&h, width, height);
    let before = ok(h.dev.download(&h.ctx, m.buffer()), "download");
    expect_invalid(
        h.dev.ntt(
            &h.ctx,
            &mut m,
            NttDirection::Forward,
            shift,
            Order::Natural,
            Order::Natural,
        ),
        argument,
    );
    let after = ok(h.dev.download(&h.ctx, m.buffer()), "download");
    assert!(before == after, "a rejected ntt changed its buffer");
}

/// ntt of height 3.
pub fn bad_ntt_height_not_power_of_two<D: ProverDevice>(dev: &D, _: &SuiteConfig) {
    ntt_case(dev, 2, 3, Fp::ONE, "matrix");
}
/// ntt of height 0.
pub fn bad_ntt_height_zero<D: ProverDevice>(dev: &D, _: &SuiteConfig) {
    ntt_case(dev, 1, 0, Fp::ONE, "matrix");
}
/// ntt of a matrix with no columns.
pub fn bad_ntt_zero_columns<D: ProverDevice>(dev: &D, _: &SuiteConfig) {
    ntt_case(dev, 0, 4, Fp::ONE, "matrix");
}
/// ntt with shift 0 (and the buffer is left as it was).
pub fn bad_ntt_shift_zero<D: ProverDevice>(dev: &D, _: &SuiteConfig) {
    ntt_case(dev, 2, 4, Fp::ZERO, "shift");
}

/// `coset_lde` (and `upload_lde` and `upload_lde_commit` of the same
/// matrix) or `coeffs_to_coset`
/// must refuse the arguments naming `argument`.
fn lde_case<D: ProverDevice>(
    dev: &D,
    coeffs: bool,
    width: usize,
    height: usize,
    blowup: usize,
    shift: Fp,
    argument: &str,
) {
    let h = Harness::new(dev);
    let m = matrix::<Fp3, D>(&h, width, height);
    let (i, o) = (Order::Natural, Order::BitReversed);
    if coeffs {
        expect_invalid(
            h.dev.coeffs_to_coset(&h.ctx, &m, i, blowup, shift, o),
            argument,
        );
    } else {
        expect_invalid(h.dev.coset_lde(&h.ctx, &m, i, blowup, shift, o), argument);
        let host = host_matrix::<Fp3>(width, height);
        expect_invalid(
            h.dev.upload_lde(&h.ctx, &host, i, blowup, shift, o),
            argument,
        );
        expect_invalid(
            h.dev.upload_lde_commit(&h.ctx, &host, i, blowup, shift, o),
            argument,
        );
    }
}

/// coset_lde with blowup 0.
pub fn bad_lde_blowup_zero<D: ProverDevice>(dev: &D, _: &SuiteConfig) {
    lde_case(dev, false, 1, 4, 0, Fp::ONE, "blowup");
}
/// coset_lde with blowup 3.
pub fn bad_lde_blowup_not_power_of_two<D: ProverDevice>(dev: &D, _: &SuiteConfig) {
    lde_case(dev, false, 1, 4, 3, Fp::ONE, "blowup");
}
/// coset_lde of 2 rows with blowup 2^32: the LDE would have 2^33 rows,
/// beyond the two-adicity (checked without allocating anything large).
pub fn bad_lde_log_n_over_32<D: ProverDevice>(dev: &D, _: &SuiteConfig) {
    lde_case(dev, false, 1, 2, 1usize << 32, Fp::ONE, "blowup");
}
/// coeffs_to_coset of 4 rows with blowup 2^31 (2^33 rows).
pub fn bad_coeffs_to_coset_blowup_too_large<D: ProverDevice>(dev: &D, _: &SuiteConfig) {
    lde_case(dev, true, 2, 4, 1usize << 31, Fp::ONE, "blowup");
}
/// coeffs_to_coset with blowup 0.
pub fn bad_coeffs_to_coset_blowup_zero<D: ProverDevice>(dev: &D, _: &SuiteConfig) {
    lde_case(dev, true, 1, 4, 0, Fp::ONE, "blowup");
}
/// coset_lde of height 6.
pub fn bad_lde_height_not_power_of_two<D: ProverDevice>(dev: &D, _: &SuiteConfig) {
    lde_case(dev, false, 1, 6, 2, Fp::ONE, "evals");
}
/// coset_lde of a matrix with no columns.
pub fn bad_lde_zero_columns<D: ProverDevice>(dev: &D, _: &SuiteConfig) {
    lde_case(dev, false, 0, 4, 2, Fp::ONE, "evals");
}
/// coset_lde with shift 0.
pub fn bad_lde_shift_zero<D: ProverDevice>(dev: &D, _: &SuiteConfig) {
    lde_case(dev, false, 1, 4, 2, Fp::ZERO, "shift");
}

/// Matrices of `(width, height)` shapes, committed by `commit`, which must
/// refuse them naming `argument`.
fn shapes_case<D: ProverDevice>(
    dev: &D,
    shapes: &[(usize, usize)],
    commit: impl Fn(&Harness<D>, &[&DeviceMatrix<D, Fp>]) -> DeviceResult<D::MerkleTree>,
    argument: &str,
) {
    let h = Harness::new(dev);
    let ms: Vec<_> = shapes
        .iter()
        .map(|&(w, ht)| matrix::<Fp, D>(&h, w, ht))
        .collect();
    let refs: Vec<_> = ms.iter().collect();
    expect_invalid(commit(&h, &refs), argument);
}

fn commit_case<D: ProverDevice>(
    dev: &D,
    shapes: &[(usize, usize)],
    rows_per_leaf: usize,
    argument: &str,
) {
    let commit =
        |h: &Harness<D>, m: &[&DeviceMatrix<D, Fp>]| h.dev.merkle_commit(&h.ctx, m, rows_per_leaf);
    shapes_case(dev, shapes, commit, argument);
}

/// merkle_commit of no matrices.
pub fn bad_merkle_no_matrices<D: ProverDevice>(dev: &D, _: &SuiteConfig) {
    commit_case(dev, &[], 1, "matrices");
}
/// merkle_commit of matrices of heights 4 and 8.
pub fn bad_merkle_mismatched_heights<D: ProverDevice>(dev: &D, _: &SuiteConfig) {
    commit_case(dev, &[(2, 4), (1, 8)], 1, "matrices");
}
/// merkle_commit with a matrix of no columns.
pub fn bad_merkle_zero_columns<D: ProverDevice>(dev: &D, _: &SuiteConfig) {
    commit_case(dev, &[(2, 4), (0, 4)], 1, "matrices");
}
/// merkle_commit of height 5.
pub fn bad_merkle_height_not_power_of_two<D: ProverDevice>(dev: &D, _: &SuiteConfig) {
    commit_case(dev, &[(1, 5)], 1, "matrices");
}
/// rows_per_leaf 0.
pub fn bad_merkle_rows_per_leaf_zero<D: ProverDevice>(dev: &D, _: &SuiteConfig) {
    commit_case(dev, &[(1, 8)], 0, "rows_per_leaf");
}
/// rows_per_leaf 3.
pub fn bad_merkle_rows_per_leaf_not_power_of_two<D: ProverDevice>(dev: &D, _: &SuiteConfig) {
    commit_case(dev, &[(1, 8)], 3, "rows_per_leaf");
}
/// rows_per_leaf 16 above height 8.
pub fn bad_merkle_rows_per_leaf_above_height<D: ProverDevice>(dev: &D, _: &SuiteConfig) {
    commit_case(dev, &[(1, 8)], 16, "rows_per_leaf");
}

fn tables_case<D: ProverDevice>(dev: &D, shapes: &[(usize, usize)], argument: &str) {
    let commit = |h: &Harness<D>, m: &[&DeviceMatrix<D, Fp>]| h.dev.merkle_commit_tables(&h.ctx, m);
    shapes_case(dev, shapes, commit, argument);
}

/// merkle_commit_tables of no matrices.
pub fn bad_merkle_tables_no_matrices<D: ProverDevice>(dev: &D, _: &SuiteConfig) {
    tables_case(dev, &[], "matrices");
}
/// merkle_commit_tables with a matrix of no columns.
pub fn bad_merkle_tables_zero_columns<D: ProverDevice>(dev: &D, _: &SuiteConfig) {
    tables_case(dev, &[(2, 8), (0, 4)], "matrices");
}
/// merkle_commit_tables with a matrix of height 6.
pub fn bad_merkle_tables_height_not_power_of_two<D: ProverDevice>(dev: &D, _: &SuiteConfig) {
    tables_case(dev, &[(2, 8), (1, 6)], "matrices");
}
/// merkle_open of a tables tree with the matrices' heights swapped.
pub fn bad_merkle_open_tables_heights_mismatch<D: ProverDevice>(dev: &D, _: &SuiteConfig) {
    let h = Harness::new(dev);
    let (a, b) = (matrix::<Fp, D>(&h, 2, 8), matrix::<Fp, D>(&h, 2, 4));
    let (a2, b2) = (matrix::<Fp, D>(&h, 2, 4), matrix::<Fp, D>(&h, 2, 8));
    let tree = ok(h.dev.merkle_commit_tables(&h.ctx, &[&a, &b]), "commit");
    expect_invalid(
        h.dev.merkle_open(&h.ctx, &tree, &[&a2, &b2], &[0]),
        "matrices",
    );
}

/// merkle_open of leaf 4 of a 4-leaf tree.
pub fn bad_merkle_open_index_out_of_range<D: ProverDevice>(dev: &D, _: &SuiteConfig) {
    let h = Harness::new(dev);
    let m = matrix::<Fp, D>(&h, 2, 8);
    let tree = ok(h.dev.merkle_commit(&h.ctx, &[&m], 2), "commit");
    expect_invalid(
        h.dev.merkle_open(&h.ctx, &tree, &[&m], &[1, 4]),
        "leaf_indices",
    );
}
/// merkle_open with matrices of another width than committed.
pub fn bad_merkle_open_shape_mismatch<D: ProverDevice>(dev: &D, _: &SuiteConfig) {
    let h = Harness::new(dev);
    let m = matrix::<Fp, D>(&h, 2, 8);
    let other = matrix::<Fp, D>(&h, 3, 8);
    let tree = ok(h.dev.merkle_commit(&h.ctx, &[&m], 1), "commit");
    expect_invalid(
        h.dev.merkle_open(&h.ctx, &tree, &[&other], &[0]),
        "matrices",
    );
}

/// fri_fold of a codeword with two columns.
pub fn bad_fri_fold_two_columns<D: ProverDevice>(dev: &D, _: &SuiteConfig) {
    let h = Harness::new(dev);
    let cw = matrix::<Fp3, D>(&h, 2, 8);
    expect_invalid(h.dev.fri_fold(&h.ctx, &cw, Fp::ONE, Fp3::ONE), "codeword");
}
/// fri_fold of a codeword of length 1.
pub fn bad_fri_fold_length_one<D: ProverDevice>(dev: &D, _: &SuiteConfig) {
    let h = Harness::new(dev);
    let cw = matrix::<Fp3, D>(&h, 1, 1);
    expect_invalid(h.dev.fri_fold(&h.ctx, &cw, Fp::ONE, Fp3::ONE), "codeword");
}
/// fri_fold with shift 0.
pub fn bad_fri_fold_shift_zero<D: ProverDevice>(dev: &D, _: &SuiteConfig) {
    let h = Harness::new(dev);
    let cw = matrix::<Fp3, D>(&h, 1, 8);
    expect_invalid(h.dev.fri_fold(&h.ctx, &cw, Fp::ZERO, Fp3::ONE), "shift");
}
/// fri_commit_layer of a codeword with two columns.
pub fn bad_fri_commit_layer_two_columns<D: ProverDevice>(dev: &D, _: &SuiteConfig) {
    let h = Harness::new(dev);
    let cw = matrix::<Fp3, D>(&h, 2, 8);
    expect_invalid(h.dev.fri_commit_layer(&h.ctx, &cw, 1), "codeword");
}
/// add_scaled of matrices of other heights or widths.
pub fn bad_add_scaled_shape_mismatch<D: ProverDevice>(dev: &D, _: &SuiteConfig) {
    let h = Harness::new(dev);
    let mut acc = matrix::<Fp3, D>(&h, 1, 8);
    for (w, n) in [(1, 4), (2, 8)] {
        let x = matrix::<Fp3, D>(&h, w, n);
        expect_invalid(h.dev.add_scaled(&h.ctx, &mut acc, &x, Fp3::ONE), "x");
    }
}
/// fri_commit_layer of a codeword shorter than a leaf (length 1 for arity
/// 2, length 8 for arity 16), and of arities 1 and 32.
pub fn bad_fri_commit_layer_length_one<D: ProverDevice>(dev: &D, _: &SuiteConfig) {
    let h = Harness::new(dev);
    let cw = matrix::<Fp3, D>(&h, 1, 1);
    expect_invalid(h.dev.fri_commit_layer(&h.ctx, &cw, 1), "rows_per_leaf");
    let cw = matrix::<Fp3, D>(&h, 1, 8);
    expect_invalid(h.dev.fri_commit_layer(&h.ctx, &cw, 4), "rows_per_leaf");
    expect_invalid(h.dev.fri_commit_layer(&h.ctx, &cw, 0), "log_arity");
    expect_invalid(h.dev.fri_commit_layer(&h.ctx, &cw, 5), "log_arity");
}

/// A LogUp call (fingerprints and aux trace) on a `width x height` main
/// trace and, if `pre` is `Some((width, height))`, a preprocessed one.
fn logup_case<D: ProverDevice>(
    dev: &D,
    (width, height): (usize, usize),
    pre: Option<(usize, usize)>,
    interactions: &[Interaction],
    argument: &str,
) {
    let h = Harness::new(dev);
    let main = matrix::<Fp, D>(&h, width, height);
    let pre = pre.map(|(w, ht)| matrix::<Fp, D>(&h, w, ht));
    let trace = TraceColumns {
        main: &main,
        preprocessed: pre.as_ref(),
    };
    let ch = LogUpChallenges {
        z: Fp3::new(Fp::new(5), Fp::ONE, Fp::TWO),
        alpha: Fp3::new(Fp::new(3), Fp::ZERO, Fp::ONE),
    };
    expect_invalid(
        h.dev.logup_fingerprints(&h.ctx, trace, interactions, &ch),
        argument,
    );
    expect_invalid(
        h.dev.logup_aux_trace(&h.ctx, trace, interactions, &ch),
        argument,
    );
}

/// Sends main column 0 with multiplicity `multiplicity`.
fn sends(multiplicity: RowExpr) -> Interaction {
    Interaction {
        bus: 0,
        kind: InteractionKind::Send,
        values: vec![RowExpr::main(0)],
        multiplicity,
    }
}

fn reads(column: usize) -> Interaction {
    sends(RowExpr::main(column))
}

/// An interaction reading column 3 of a 3-column trace (fingerprints and aux trace).
pub fn bad_logup_column_out_of_range<D: ProverDevice>(dev: &D, _: &SuiteConfig) {
    logup_case(dev, (3, 8), None, &[reads(0), reads(3)], "interactions");
}
/// An interaction reading preprocessed column 2 of 2, and one reading a
/// preprocessed column when there are none.
pub fn bad_logup_preprocessed_column_out_of_range<D: ProverDevice>(dev: &D, _: &SuiteConfig) {
    let selector = || sends(RowExpr::preprocessed(2) * RowExpr::main(1));
    logup_case(dev, (3, 8), Some((2, 8)), &[selector()], "interactions");
    let selector = || sends(RowExpr::preprocessed(0));
    logup_case(dev, (3, 8), None, &[reads(0), selector()], "interactions");
}
/// An expression needing one stack slot more than `MAX_STACK_DEPTH` (a
/// balanced product of `2^MAX_STACK_DEPTH` leaves).
pub fn bad_logup_expression_too_deep<D: ProverDevice>(dev: &D, _: &SuiteConfig) {
    let mut level: Vec<RowExpr> = (0..1usize << backend_api::MAX_STACK_DEPTH)
        .map(|i| RowExpr::main(i % 3))
        .collect();
    while level.len() > 1 {
        level = level
            .chunks(2)
            .map(|p| p[0].clone() * p[1].clone())
            .collect();
    }
    let deep = level.pop().expect("one root");
    assert_eq!(deep.stack_depth(), backend_api::MAX_STACK_DEPTH + 1);
    logup_case(dev, (3, 8), None, &[reads(0), sends(deep)], "interactions");
}
/// A preprocessed trace of another height than the main trace.
pub fn bad_logup_preprocessed_height<D: ProverDevice>(dev: &D, _: &SuiteConfig) {
    logup_case(dev, (3, 8), Some((1, 4)), &[reads(0)], "trace.preprocessed");
}
/// No interactions.
pub fn bad_logup_no_interactions<D: ProverDevice>(dev: &D, _: &SuiteConfig) {
    logup_case(dev, (3, 8), None, &[], "interactions");
}
/// A main trace of height 6.
pub fn bad_logup_main_not_power_of_two<D: ProverDevice>(dev: &D, _: &SuiteConfig) {
    logup_case(dev, (2, 6), None, &[reads(0)], "trace.main");
}
/// A main trace with no columns.
pub fn bad_logup_main_zero_columns<D: ProverDevice>(dev: &D, _: &SuiteConfig) {
    logup_case(dev, (0, 8), None, &[reads(0)], "trace.main");
}

/// grind with 65 bits.
pub fn bad_grind_bits_65<D: ProverDevice>(dev: &D, _: &SuiteConfig) {
    let h = Harness::new(dev);
    let seed: Digest = [7; 32];
    expect_invalid(h.dev.grind(&h.ctx, &seed, 65), "bits");
    expect_invalid(h.dev.grind(&h.ctx, &seed, u32::MAX), "bits");
}

/// ood_evaluate at a point of H_8 (omega_8^3, and 1).
pub fn bad_ood_point_in_domain<D: ProverDevice>(dev: &D, _: &SuiteConfig) {
    let h = Harness::new(dev);
    let m = matrix::<Fp, D>(&h, 2, 8);
    let inside = Fp3::from_base(Fp::root_of_unity(3).expect("2^3 | 2^32").pow(3));
    let outside = Fp3::new(Fp::new(3), Fp::ONE, Fp::ZERO);
    expect_invalid(h.dev.ood_evaluate(&h.ctx, &m, &[outside, inside]), "points");
    expect_invalid(h.dev.ood_evaluate(&h.ctx, &m, &[Fp3::ONE]), "points");
}
/// ood_evaluate of a matrix of height 3.
pub fn bad_ood_height_not_power_of_two<D: ProverDevice>(dev: &D, _: &SuiteConfig) {
    let h = Harness::new(dev);
    let m = matrix::<Fp3, D>(&h, 1, 3);
    expect_invalid(
        h.dev
            .ood_evaluate(&h.ctx, &m, &[Fp3::new(Fp::new(3), Fp::ONE, Fp::ZERO)]),
        "evals",
    );
}

/// A DEEP call over `7 * H_8` with two base matrices of the given heights,
/// opened at the given point index with `values` values each.
fn deep_case<D: ProverDevice>(
    dev: &D,
    heights: [usize; 2],
    point: usize,
    values: usize,
    points: &[Fp3],
    argument: &str,
) {
    let h = Harness::new(dev);
    let ms = [
        matrix::<Fp, D>(&h, 2, heights[0]),
        matrix::<Fp, D>(&h, 2, heights[1]),
    ];
    let base: Vec<_> = ms
        .iter()
        .map(|m| DeepOpening {
            matrix: m,
            evaluations: vec![(point, vec![Fp3::ONE; values])],
        })
        .collect();
    let domain = Coset::new(3, Fp::GENERATOR, Order::Natural);
    let gamma = Fp3::new(Fp::new(11), Fp::ONE, Fp::ZERO);
    expect_invalid(
        h.dev
            .deep_composition(&h.ctx, domain, points, gamma, &base, &[]),
        argument,
    );
}

fn off_domain() -> Vec<Fp3> {
    vec![
        Fp3::new(Fp::new(3), Fp::ONE, Fp::ZERO),
        Fp3::new(Fp::new(4), Fp::ZERO, Fp::ONE),
    ]
}

/// DEEP with a matrix of height 4 over a domain of 8 points.
pub fn bad_deep_height_mismatch<D: ProverDevice>(dev: &D, _: &SuiteConfig) {
    deep_case(dev, [8, 4], 0, 2, &off_domain(), "openings");
}
/// DEEP naming point 2 of two.
pub fn bad_deep_point_index_out_of_range<D: ProverDevice>(dev: &D, _: &SuiteConfig) {
    deep_case(dev, [8, 8], 2, 2, &off_domain(), "openings");
}
/// DEEP with three values for a two-column matrix.
pub fn bad_deep_value_count<D: ProverDevice>(dev: &D, _: &SuiteConfig) {
    deep_case(dev, [8, 8], 1, 3, &off_domain(), "openings");
}
/// DEEP at a point of the domain `7 * H_8` (7 * omega_8^5).
pub fn bad_deep_point_in_domain<D: ProverDevice>(dev: &D, _: &SuiteConfig) {
    let inside = Fp3::from_base(Coset::new(3, Fp::GENERATOR, Order::Natural).point(5));
    deep_case(dev, [8, 8], 0, 2, &[off_domain()[0], inside], "points");
}
/// DEEP with no openings at all.
pub fn bad_deep_no_openings<D: ProverDevice>(dev: &D, _: &SuiteConfig) {
    let h = Harness::new(dev);
    let domain = Coset::new(3, Fp::GENERATOR, Order::Natural);
    expect_invalid(
        h.dev
            .deep_composition(&h.ctx, domain, &off_domain(), Fp3::ONE, &[], &[]),
        "openings",
    );
}

/// An `evaluate_constraints` call over a 4-row trace (LDE of 16, evaluated on
/// 8) with the sample system (aux, preprocessed and periodic columns), after
/// `spoil` changes one argument.
fn constraints_case<D: ProverDevice>(
    dev: &D,
    spoil: impl FnOnce(&mut ConstraintCall),
    argument: &str,
) {
    let h = Harness::new(dev);
    let mut c = ConstraintCall {
        system: crate::fixtures::sample_system_with(true, true),
        main_width: 3,
        pre_width: Some(1),
        aux: true,
        domain: CompositionDomain {
            log_n: 2,
            log_eval: 3,
            log_lde: 4,
            shift: Fp::GENERATOR,
        },
        challenges: vec![Fp3::ONE; 2],
        public: vec![Fp::ONE; 2],
        periodic: vec![vec![Fp::ONE; 2], vec![Fp::ONE; 8]],
    };
    spoil(&mut c);
    let main = matrix::<Fp, D>(&h, c.main_width, 16);
    let pre = c.pre_width.map(|w| matrix::<Fp, D>(&h, w, 16));
    let aux = c.aux.then(|| matrix::<Fp3, D>(&h, 1, 16));
    let trace = TraceColumns {
        main: &main,
        preprocessed: pre.as_ref(),
    };
    let params = ConstraintParams {
        challenges: &c.challenges,
        public: &c.public,
        periodic: &c.periodic,
        alpha: Fp3::ONE,
    };
    let r = h
        .dev
        .evaluate_constraints(&h.ctx, &c.system, trace, aux.as_ref(), &c.domain, &params);
    expect_invalid(r, argument);
}

/// The arguments of one `evaluate_constraints` call, before spoiling.
struct ConstraintCall {
    system: ConstraintSystem,
    main_width: usize,
    pre_width: Option<usize>,
    aux: bool,
    domain: CompositionDomain,
    challenges: Vec<Fp3>,
    public: Vec<Fp>,
    periodic: Vec<Vec<Fp>>,
}

/// A node that refers to a later node.
pub fn bad_constraints_system_not_topological<D: ProverDevice>(dev: &D, _: &SuiteConfig) {
    constraints_case(dev, |c| c.system.nodes[0] = Node::Neg(ExprId(1)), "system");
}
/// An expression squared seventy times: its degree overflows.
pub fn bad_constraints_degree_overflow<D: ProverDevice>(dev: &D, _: &SuiteConfig) {
    constraints_case(
        dev,
        |c| {
            let mut x = c.system.main(0);
            for _ in 0..70 {
                x = c.system.mul(x, x);
            }
            c.system.constrain(x, RowSet::EveryRow);
        },
        "system",
    );
}
/// log_eval below log_n.
pub fn bad_constraints_domain_eval_below_trace<D: ProverDevice>(dev: &D, _: &SuiteConfig) {
    constraints_case(dev, |c| c.domain.log_eval = 1, "domain");
}
/// A shift inside the two-adic subgroup (1), where zerofiers vanish.
pub fn bad_constraints_shift_in_subgroup<D: ProverDevice>(dev: &D, _: &SuiteConfig) {
    constraints_case(dev, |c| c.domain.shift = Fp::ONE, "domain");
}
/// A main LDE of 2 columns for a 3-column system.
pub fn bad_constraints_main_width<D: ProverDevice>(dev: &D, _: &SuiteConfig) {
    constraints_case(dev, |c| c.main_width = 2, "trace.main");
}
/// No preprocessed LDE for a system with a preprocessed column, or two
/// columns for one.
pub fn bad_constraints_preprocessed<D: ProverDevice>(dev: &D, _: &SuiteConfig) {
    constraints_case(dev, |c| c.pre_width = None, "trace.preprocessed");
    constraints_case(dev, |c| c.pre_width = Some(2), "trace.preprocessed");
}
/// No aux LDE for a system with an aux column.
pub fn bad_constraints_aux_missing<D: ProverDevice>(dev: &D, _: &SuiteConfig) {
    constraints_case(dev, |c| c.aux = false, "aux_lde");
}
/// One challenge for a system of two.
pub fn bad_constraints_challenge_count<D: ProverDevice>(dev: &D, _: &SuiteConfig) {
    constraints_case(dev, |c| c.challenges.truncate(1), "params.challenges");
}
/// Three public inputs for a system of two.
pub fn bad_constraints_public_count<D: ProverDevice>(dev: &D, _: &SuiteConfig) {
    constraints_case(dev, |c| c.public.push(Fp::ONE), "params.public");
}
/// One periodic table for a system of two; a table of 3 entries; a table
/// longer than the evaluation domain.
pub fn bad_constraints_periodic<D: ProverDevice>(dev: &D, _: &SuiteConfig) {
    constraints_case(dev, |c| c.periodic.truncate(1), "params.periodic");
    constraints_case(dev, |c| c.periodic[0].push(Fp::ONE), "params.periodic");
    constraints_case(
        dev,
        |c| c.periodic[1] = vec![Fp::ONE; 16],
        "params.periodic",
    );
}
