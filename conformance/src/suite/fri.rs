//! FRI fold and layer commitment checks.

use super::util::{assert_same, ok, rng, Harness, SHIFTS};
use super::SuiteConfig;
use backend_api::check::MAX_FRI_LOG_ARITY;
use backend_api::{verify_opening, Fp, Fp3, HostMatrix, MerkleTree, Order, ProverDevice};

/// Folds of lengths 2 .. 2^(ref+1) with shifts 1 and 7 equal the reference's.
pub fn check_fri_fold<D: ProverDevice>(dev: &D, cfg: &SuiteConfig) {
    let h = Harness::new(dev);
    let mut rng = rng(cfg.seed, 501);
    for log in 1..=cfg.ref_log_height + 1 {
        for shift in SHIFTS {
            let cw = rng.matrix::<Fp3>(1, 1 << log);
            let beta = rng.fp3();
            let case = format!("fri_fold N 2^{log} shift {shift}");
            let got = ok(h.dev.fri_fold(&h.ctx, &h.up(&cw), shift, beta), &case);
            let want = ok(h.rf.fri_fold(&(), &cw, shift, beta), &case);
            assert_eq!(
                (got.width(), got.height()),
                (1, 1 << (log - 1)),
                "{case}: shape"
            );
            assert_same(&case, h.down(&got).buffer(), want.buffer());
        }
    }
}

/// The largest size: folding the codeword of `f = f_e(x^2) + x f_o(x^2)`
/// over `7 * H_N` gives the codeword of `f_e + beta f_o` over `49 * H_{N/2}`
/// (codewords made with `coeffs_to_coset`, bit-reversed).
pub fn check_fri_fold_large<D: ProverDevice>(dev: &D, cfg: &SuiteConfig) {
    let h = Harness::new(dev);
    let mut rng = rng(cfg.seed, 502);
    let n = 1usize << cfg.max_log_height;
    let coeffs = rng.matrix::<Fp3>(1, n);
    let beta = rng.fp3();
    let shift = Fp::GENERATOR;
    let codeword = ok(
        h.dev.coeffs_to_coset(
            &h.ctx,
            &h.up(&coeffs),
            Order::Natural,
            1,
            shift,
            Order::BitReversed,
        ),
        "fri codeword",
    );
    let folded = ok(
        h.dev.fri_fold(&h.ctx, &codeword, shift, beta),
        "fri_fold large",
    );
    let c = coeffs.column(0);
    let g: Vec<Fp3> = (0..n / 2).map(|j| c[2 * j] + beta * c[2 * j + 1]).collect();
    let g = HostMatrix::from_columns(&[g]).expect("one column");
    let expected = ok(
        h.dev.coeffs_to_coset(
            &h.ctx,
            &h.up(&g),
            Order::Natural,
            1,
            shift * shift,
            Order::BitReversed,
        ),
        "folded codeword",
    );
    assert_same(
        format!(
            "fri_fold of a 2^{} codeword vs f_e + beta f_o",
            cfg.max_log_height
        ),
        h.down(&folded).buffer(),
        h.down(&expected).buffer(),
    );
}

/// `fri_commit_layer` for every arity `a = 2^log_arity`: the root equals
/// the reference's Merkle tree with `a` values per leaf, and opening leaf
/// `i` yields positions `a i .. a (i + 1)`.
pub fn check_fri_commit_layer<D: ProverDevice>(dev: &D, cfg: &SuiteConfig) {
    let h = Harness::new(dev);
    let mut rng = rng(cfg.seed, 503);
    for log_arity in 1..=MAX_FRI_LOG_ARITY {
        for log in [log_arity, log_arity + 1, cfg.ref_log_height + 1] {
            let cw = rng.matrix::<Fp3>(1, 1 << log);
            let case = format!("fri_commit_layer arity 2^{log_arity}, N 2^{log}");
            let dm = h.up(&cw);
            let tree = ok(h.dev.fri_commit_layer(&h.ctx, &dm, log_arity), &case);
            let arity = 1 << log_arity;
            let rtree = ok(h.rf.merkle_commit(&(), &[&cw], arity), &case);
            assert_eq!(tree.root(), rtree.root(), "{case}: root");
            assert_eq!(tree.shape(), rtree.shape(), "{case}: shape");
            let leaves = cw.height() / arity;
            let indices: Vec<usize> = (0..leaves).collect();
            let openings = ok(h.dev.merkle_open(&h.ctx, &tree, &[&dm], &indices), &case);
            for (i, o) in openings.iter().enumerate() {
                let col = cw.column(0);
                assert_eq!(
                    o.values,
                    col[arity * i..arity * (i + 1)].to_vec(),
                    "{case}: leaf {i} values"
                );
                assert_eq!(
                    verify_opening(&tree.root(), leaves, o),
                    Ok(()),
                    "{case}: leaf {i}"
                );
            }
        }
    }
}

/// `add_scaled`: `acc + scale * x`, element by element, for one and several
/// columns, as the reference computes it on the host.
pub fn check_add_scaled<D: ProverDevice>(dev: &D, cfg: &SuiteConfig) {
    let h = Harness::new(dev);
    let mut rng = rng(cfg.seed, 509);
    for (w, log) in [
        (1, 0),
        (1, cfg.ref_log_height),
        (3, 5),
        (1, cfg.max_log_height),
    ] {
        let (acc, x) = (
            rng.matrix::<Fp3>(w, 1 << log),
            rng.matrix::<Fp3>(w, 1 << log),
        );
        let scale = rng.fp3();
        let case = format!("add_scaled {w} x 2^{log}");
        let mut dacc = h.up(&acc);
        ok(h.dev.add_scaled(&h.ctx, &mut dacc, &h.up(&x), scale), &case);
        let want: Vec<Fp3> = acc
            .buffer()
            .iter()
            .zip(x.buffer())
            .map(|(a, b)| *a + scale * *b)
            .collect();
        assert_same(&case, h.down(&dacc).buffer(), &want);
    }
}
