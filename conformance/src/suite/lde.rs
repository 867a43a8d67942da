//! Coset LDE and coefficients-to-coset checks.

use super::util::{assert_same, horner, ok, rng, sample_positions, zero_matrix, Harness, SHIFTS};
use super::SuiteConfig;
use backend_api::{
    Coset, DeviceElem, DeviceMatrix, Fp, Fp3, HostMatrix, NttDirection, Order, ProverDevice,
};

/// Whether the input holds evaluations (`coset_lde`) or coefficients
/// (`coeffs_to_coset`).
#[derive(Copy, Clone, Debug)]
enum Kind {
    Lde,
    Coeffs,
}

#[allow(clippy::too_many_arguments)]
fn compare_one<T: DeviceElem, D: ProverDevice>(
    h: &Harness<D>,
    kind: Kind,
    host: &HostMatrix<T>,
    input: Order,
    blowup: usize,
    shift: Fp,
    output: Order,
) {
    let case = format!(
        "{kind:?} {:?} {}x{} blowup {blowup} shift {shift} {input:?}->{output:?}",
        T::KIND,
        host.width(),
        host.height()
    );
    let dm = h.up(host);
    let (got, want) = match kind {
        Kind::Lde => (
            h.dev.coset_lde(&h.ctx, &dm, input, blowup, shift, output),
            h.rf.coset_lde(&(), host, input, blowup, shift, output),
        ),
        Kind::Coeffs => (
            h.dev
                .coeffs_to_coset(&h.ctx, &dm, input, blowup, shift, output),
            h.rf.coeffs_to_coset(&(), host, input, blowup, shift, output),
        ),
    };
    let (got, want) = (ok(got, &case), ok(want, &case));
    assert_same_matrix(h, &case, &got, &want);
}

/// The device matrix `got` has `want`'s shape and elements.
fn assert_same_matrix<T: DeviceElem, D: ProverDevice>(
    h: &Harness<D>,
    case: &str,
    got: &DeviceMatrix<D, T>,
    want: &HostMatrix<T>,
) {
    assert_eq!(
        (got.width(), got.height()),
        (want.width(), want.height()),
        "{case}: shape"
    );
    assert_same(case, h.down(got).buffer(), want.buffer());
}

fn every_combination<T: DeviceElem, D: ProverDevice>(
    dev: &D,
    cfg: &SuiteConfig,
    kind: Kind,
    salt: u64,
) {
    let h = Harness::new(dev);
    let mut rng = rng(cfg.seed, salt);
    let mut logs = cfg.ref_logs();
    // The naive LDE costs n^2 * blowup per column: stay two sizes lower.
    logs.retain(|&l| l <= cfg.ref_log_height.saturating_sub(2).max(2));
    for log in logs {
        for blowup in [1, 2, 4] {
            for shift in SHIFTS {
                for input in Order::ALL {
                    for output in Order::ALL {
                        for width in [1, 3] {
                            let host = rng.matrix::<T>(width, 1 << log);
                            compare_one(&h, kind, &host, input, blowup, shift, output);
                        }
                    }
                }
            }
        }
    }
}

/// `coset_lde` over Fp: heights 1..2^(ref-2), blowups 1, 2, 4, shifts 1 and
/// 7, all order pairs, widths 1 and 3.
pub fn check_lde_fp<D: ProverDevice>(dev: &D, cfg: &SuiteConfig) {
    every_combination::<Fp, D>(dev, cfg, Kind::Lde, 201);
}

/// `coset_lde` over Fp3, the same combinations.
pub fn check_lde_fp3<D: ProverDevice>(dev: &D, cfg: &SuiteConfig) {
    every_combination::<Fp3, D>(dev, cfg, Kind::Lde, 202);
}

/// `coeffs_to_coset` over Fp, the same combinations.
pub fn check_coeffs_to_coset_fp<D: ProverDevice>(dev: &D, cfg: &SuiteConfig) {
    every_combination::<Fp, D>(dev, cfg, Kind::Coeffs, 203);
}

/// `coeffs_to_coset` over Fp3, the same combinations.
pub fn check_coeffs_to_coset_fp3<D: ProverDevice>(dev: &D, cfg: &SuiteConfig) {
    every_combination::<Fp3, D>(dev, cfg, Kind::Coeffs, 204);
}

/// 64 columns, and all-zero inputs.
pub fn check_lde_many_columns_and_zeros<D: ProverDevice>(dev: &D, cfg: &SuiteConfig) {
    let h = Harness::new(dev);
    let mut rng = rng(cfg.seed, 205);
    let wide = rng.matrix::<Fp>(64, 8);
    compare_one(
        &h,
        Kind::Lde,
        &wide,
        Order::Natural,
        2,
        Fp::GENERATOR,
        Order::BitReversed,
    );
    compare_one(
        &h,
        Kind::Coeffs,
        &wide,
        Order::BitReversed,
        4,
        Fp::ONE,
        Order::Natural,
    );
    let zeros = zero_matrix::<Fp3>(7, 8);
    for kind in [Kind::Lde, Kind::Coeffs] {
        compare_one(
            &h,
            kind,
            &zeros,
            Order::Natural,
            4,
            Fp::GENERATOR,
            Order::Natural,
        );
        let out = h.down(&ok(
            h.dev.coset_lde(
                &h.ctx,
                &h.up(&zeros),
                Order::BitReversed,
                2,
                Fp::ONE,
                Order::BitReversed,
            ),
            "lde of zeros",
        ));
        assert!(
            out.buffer().iter().all(|v| *v == Fp3::ZERO),
            "LDE of zeros is not zero"
        );
    }
}

/// With shift 1 the LDE domain contains `H_n`: position `i * blowup` of a
/// natural-order LDE is input `i`.
pub fn check_lde_restricts_to_input<D: ProverDevice>(dev: &D, cfg: &SuiteConfig) {
    let h = Harness::new(dev);
    let mut rng = rng(cfg.seed, 206);
    let log = cfg.max_log_height.saturating_sub(2);
    let evals = rng.matrix::<Fp>(3, 1 << log);
    let blowup = 4;
    let out = h.down(&ok(
        h.dev.coset_lde(
            &h.ctx,
            &h.up(&evals),
            Order::Natural,
            blowup,
            Fp::ONE,
            Order::Natural,
        ),
        "lde restriction",
    ));
    for c in 0..3 {
        for i in 0..evals.height() {
            assert_eq!(
                out.get(i * blowup, c),
                evals.get(i, c),
                "LDE at position {} (column {c}) differs from input row {i}",
                i * blowup
            );
        }
    }
}

/// The largest size: `coeffs_to_coset` then `coset_lde` of random
/// polynomials, spot-checked against Horner evaluations of the coefficients.
pub fn check_lde_large<D: ProverDevice>(dev: &D, cfg: &SuiteConfig) {
    let h = Harness::new(dev);
    let mut rng = rng(cfg.seed, 207);
    let log = cfg.max_log_height;
    let n = 1usize << log;
    let coeffs = rng.matrix::<Fp>(1, n);
    // Evaluations over H_n via coeffs_to_coset (blowup 1, shift 1).
    let evals_dev = ok(
        h.dev.coeffs_to_coset(
            &h.ctx,
            &h.up(&coeffs),
            Order::Natural,
            1,
            Fp::ONE,
            Order::Natural,
        ),
        "coeffs_to_coset large",
    );
    let evals = h.down(&evals_dev);
    let subgroup = Coset::new(log, Fp::ONE, Order::Natural);
    for k in sample_positions(&mut rng, n, 6) {
        assert_eq!(
            evals.get(k, 0),
            horner(coeffs.column(0), subgroup.point(k)),
            "coeffs_to_coset at {k}"
        );
    }
    let blowup = 2;
    let lde = h.down(&ok(
        h.dev.coset_lde(
            &h.ctx,
            &evals_dev,
            Order::Natural,
            blowup,
            Fp::GENERATOR,
            Order::BitReversed,
        ),
        "coset_lde large",
    ));
    assert_eq!(lde.height(), n * blowup, "LDE height");
    let coset = Coset::new(log + 1, Fp::GENERATOR, Order::BitReversed);
    for k in sample_positions(&mut rng, n * blowup, 8) {
        assert_eq!(
            lde.get(k, 0),
            horner(coeffs.column(0), coset.point(k)),
            "coset_lde at position {k}"
        );
    }
    // Every position at once: interpolating the LDE over its coset (inverse
    // NTT, itself checked by round trip) gives back c padded with zeros.
    let mut back = h.up(&lde);
    ok(
        h.dev.ntt(
            &h.ctx,
            &mut back,
            NttDirection::Inverse,
            Fp::GENERATOR,
            Order::BitReversed,
            Order::Natural,
        ),
        "inverse ntt of the LDE",
    );
    let mut padded = coeffs.column(0).to_vec();
    padded.resize(n * blowup, Fp::ZERO);
    assert_same(
        "coefficients of the 2^max LDE",
        h.down(&back).buffer(),
        &padded,
    );
}

/// `upload_lde` returns the upload and the LDE of the upload: small
/// matrices against the reference for every order pair, blowups 1, 2, 4,
/// Fp and Fp3; then wide, tall ones (several megabytes per column, so a
/// backend that copies columns in batches while extending earlier ones
/// runs several uneven batches) against the device's own `upload_matrix`
/// and `coset_lde`.
pub fn check_upload_lde_is_upload_then_lde<D: ProverDevice>(dev: &D, cfg: &SuiteConfig) {
    let h = Harness::new(dev);
    let mut rng = rng(cfg.seed, 208);
    let log = cfg.ref_log_height.saturating_sub(2).max(2);
    for blowup in [1, 2, 4] {
        for input in Order::ALL {
            for output in Order::ALL {
                let fp = rng.matrix::<Fp>(3, 1 << log);
                upload_lde_against_reference(&h, &fp, input, blowup, output);
                let fp3 = rng.matrix::<Fp3>(2, 1 << log);
                upload_lde_against_reference(&h, &fp3, input, blowup, output);
            }
        }
    }
    let tall = cfg.max_log_height.saturating_sub(2);
    let fp = rng.matrix::<Fp>(7, 1 << tall);
    upload_lde_against_device(&h, &fp, Order::Natural, 4, Order::BitReversed);
    upload_lde_against_device(&h, &fp, Order::BitReversed, 2, Order::Natural);
    let fp3 = rng.matrix::<Fp3>(5, 1 << tall);
    upload_lde_against_device(&h, &fp3, Order::Natural, 4, Order::BitReversed);
}

/// `upload_lde` of `host` (shifted by the generator) against
/// `want(shift)`, the LDE it must equal, found by `against`.
fn compare_upload_lde<T: DeviceElem, D: ProverDevice>(
    h: &Harness<D>,
    host: &HostMatrix<T>,
    (input, blowup, output): (Order, usize, Order),
    against: &str,
    want: impl FnOnce(Fp) -> HostMatrix<T>,
) {
    let case = format!(
        "upload_lde {:?} {}x{} blowup {blowup} {input:?}->{output:?} against {against}",
        T::KIND,
        host.width(),
        host.height()
    );
    let shift = Fp::GENERATOR;
    let got = h.dev.upload_lde(&h.ctx, host, input, blowup, shift, output);
    let (trace, lde) = ok(got, &case);
    let want = want(shift);
    assert_eq!(h.down(&trace), *host, "{case}: the uploaded matrix");
    assert_same_matrix(h, &case, &lde, &want);
}

fn upload_lde_against_reference<T: DeviceElem, D: ProverDevice>(
    h: &Harness<D>,
    host: &HostMatrix<T>,
    input: Order,
    blowup: usize,
    output: Order,
) {
    let args = (input, blowup, output);
    compare_upload_lde(h, host, args, "the reference", |shift| {
        ok(
            h.rf.coset_lde(&(), host, input, blowup, shift, output),
            "reference coset_lde",
        )
    });
}

fn upload_lde_against_device<T: DeviceElem, D: ProverDevice>(
    h: &Harness<D>,
    host: &HostMatrix<T>,
    input: Order,
    blowup: usize,
    output: Order,
) {
    let args = (input, blowup, output);
    compare_upload_lde(h, host, args, "coset_lde", |shift| {
        let lde = h
            .dev
            .coset_lde(&h.ctx, &h.up(host), input, blowup, shift, output);
        h.down(&ok(lde, "the device's coset_lde"))
    });
}
