//! Out-of-domain evaluation checks.

use super::util::{assert_same, horner_ext, ok, rng, Harness};
use super::SuiteConfig;
use backend_api::{DeviceElem, Fp, Fp3, HostMatrix, Order, ProverDevice};

fn every_shape<T: DeviceElem, D: ProverDevice>(dev: &D, cfg: &SuiteConfig, salt: u64) {
    let h = Harness::new(dev);
    let mut rng = rng(cfg.seed, salt);
    for log in cfg.ref_logs() {
        for width in [1, 3] {
            let evals: HostMatrix<T> = rng.matrix(width, 1 << log);
            // Random extension points, and a base-field point off the subgroup.
            let points = vec![rng.fp3(), Fp3::from_base(Fp::GENERATOR), rng.fp3()];
            let case = format!("ood_evaluate {:?} {width}x2^{log}", T::KIND);
            let got = ok(h.dev.ood_evaluate(&h.ctx, &h.up(&evals), &points), &case);
            let want = ok(h.rf.ood_evaluate(&(), &evals, &points), &case);
            assert_eq!(got.len(), points.len(), "{case}: one vector per point");
            for (p, (g, w)) in got.iter().zip(&want).enumerate() {
                assert_same(format!("{case}, point {p}"), g, w);
            }
        }
    }
}

/// Fp columns, heights 1..2^ref, widths 1 and 3, three points each, against
/// interpolation + Horner.
pub fn check_ood_fp<D: ProverDevice>(dev: &D, cfg: &SuiteConfig) {
    every_shape::<Fp, D>(dev, cfg, 801);
}

/// The same for Fp3 columns.
pub fn check_ood_fp3<D: ProverDevice>(dev: &D, cfg: &SuiteConfig) {
    every_shape::<Fp3, D>(dev, cfg, 802);
}

/// The largest size: evaluations of known polynomials (made with
/// `coeffs_to_coset`) evaluated at random points equal Horner on the host.
pub fn check_ood_large<D: ProverDevice>(dev: &D, cfg: &SuiteConfig) {
    let h = Harness::new(dev);
    let mut rng = rng(cfg.seed, 803);
    let coeffs = rng.matrix::<Fp>(2, 1 << cfg.max_log_height);
    let evals = ok(
        h.dev.coeffs_to_coset(
            &h.ctx,
            &h.up(&coeffs),
            Order::Natural,
            1,
            Fp::ONE,
            Order::Natural,
        ),
        "ood evaluations",
    );
    let points = [rng.fp3(), rng.fp3()];
    let got = ok(h.dev.ood_evaluate(&h.ctx, &evals, &points), "ood large");
    assert_eq!(got.len(), points.len(), "one vector per point");
    for (p, z) in points.iter().enumerate() {
        assert_eq!(got[p].len(), 2, "one value per column");
        for (c, value) in got[p].iter().enumerate() {
            assert_eq!(
                *value,
                horner_ext(coeffs.column(c), *z),
                "ood at point {p}, column {c}"
            );
        }
    }
}
