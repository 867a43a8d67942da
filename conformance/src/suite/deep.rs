//! DEEP composition checks.

use super::util::{assert_same, ok, rng, sample_positions, Harness};
use super::SuiteConfig;
use backend_api::rng::SplitMix64;
use backend_api::{Coset, DeepOpening, Fp, Fp3, HostMatrix, Order, ProverDevice};

/// Inputs of one DEEP call: two base matrices (widths 2, 3), one Fp3 matrix
/// (width 2), two points; base 0 opened at both points, base 1 at point 1,
/// the Fp3 matrix at point 0.
struct Inputs {
    base: Vec<HostMatrix<Fp>>,
    ext: Vec<HostMatrix<Fp3>>,
    points: Vec<Fp3>,
    gamma: Fp3,
    base_evals: Vec<Vec<(usize, Vec<Fp3>)>>,
    ext_evals: Vec<Vec<(usize, Vec<Fp3>)>>,
}

fn values(rng: &mut SplitMix64, p: usize, width: usize) -> (usize, Vec<Fp3>) {
    (p, (0..width).map(|_| rng.fp3()).collect())
}

fn inputs(rng: &mut SplitMix64, n: usize, with_ext: bool) -> Inputs {
    let base = vec![rng.matrix(2, n), rng.matrix(3, n)];
    let ext = if with_ext {
        vec![rng.matrix(2, n)]
    } else {
        vec![]
    };
    let base_evals = vec![
        vec![values(rng, 0, 2), values(rng, 1, 2)],
        vec![values(rng, 1, 3)],
    ];
    let ext_evals = if with_ext {
        vec![vec![values(rng, 0, 2)]]
    } else {
        vec![]
    };
    Inputs {
        base,
        ext,
        points: vec![rng.fp3(), rng.fp3()],
        gamma: rng.fp3(),
        base_evals,
        ext_evals,
    }
}

fn openings<'a, B>(
    ms: &'a [backend_api::Matrix<B>],
    evals: &[Vec<(usize, Vec<Fp3>)>],
) -> Vec<DeepOpening<'a, B>> {
    ms.iter()
        .zip(evals)
        .map(|(m, e)| DeepOpening {
            matrix: m,
            evaluations: e.clone(),
        })
        .collect()
}

fn run_device<D: ProverDevice>(
    h: &Harness<D>,
    domain: Coset,
    inp: &Inputs,
    case: &str,
) -> HostMatrix<Fp3> {
    let base: Vec<_> = inp.base.iter().map(|m| h.up(m)).collect();
    let ext: Vec<_> = inp.ext.iter().map(|m| h.up(m)).collect();
    let out = ok(
        h.dev.deep_composition(
            &h.ctx,
            domain,
            &inp.points,
            inp.gamma,
            &openings(&base, &inp.base_evals),
            &openings(&ext, &inp.ext_evals),
        ),
        case,
    );
    h.down(&out)
}

/// Domains of 2, 4 and 2^ref points with shift 7, both orders, with and
/// without Fp3 openings, against the reference.
pub fn check_deep<D: ProverDevice>(dev: &D, cfg: &SuiteConfig) {
    let h = Harness::new(dev);
    let mut rng = rng(cfg.seed, 901);
    for log in [1, 2, cfg.ref_log_height] {
        for order in Order::ALL {
            for with_ext in [true, false] {
                let domain = Coset::new(log, Fp::GENERATOR, order);
                let inp = inputs(&mut rng, 1 << log, with_ext);
                let case = format!("deep_composition 2^{log} {order:?} ext {with_ext}");
                let got = run_device(&h, domain, &inp, &case);
                let want = ok(
                    h.rf.deep_composition(
                        &(),
                        domain,
                        &inp.points,
                        inp.gamma,
                        &openings(&inp.base, &inp.base_evals),
                        &openings(&inp.ext, &inp.ext_evals),
                    ),
                    &case,
                );
                assert_eq!((got.width(), got.height()), (1, 1 << log), "{case}: shape");
                assert_same(&case, got.buffer(), want.buffer());
            }
        }
    }
}

/// At `2^(max_log_height - 2)` points: random positions equal the formula
/// `sum gamma^k (f_c(x) - v) / (x - z)` evaluated on the host.
pub fn check_deep_large<D: ProverDevice>(dev: &D, cfg: &SuiteConfig) {
    let h = Harness::new(dev);
    let mut rng = rng(cfg.seed, 902);
    let log = cfg.max_log_height.saturating_sub(2).max(1);
    let domain = Coset::new(log, Fp::GENERATOR, Order::BitReversed);
    let inp = inputs(&mut rng, 1 << log, true);
    let got = run_device(&h, domain, &inp, "deep large");
    for k in sample_positions(&mut rng, 1 << log, 8) {
        let x = Fp3::from_base(domain.point(k));
        let (mut acc, mut power) = (Fp3::ZERO, Fp3::ONE);
        let base = inp.base.iter().zip(&inp.base_evals).map(|(m, e)| {
            (
                e,
                m.row(k).into_iter().map(Fp3::from_base).collect::<Vec<_>>(),
            )
        });
        let ext = inp
            .ext
            .iter()
            .zip(&inp.ext_evals)
            .map(|(m, e)| (e, m.row(k)));
        for (evals, row) in base.chain(ext) {
            for (p, vals) in evals {
                let inv = (x - inp.points[*p]).inverse().expect("off the domain");
                for (f, v) in row.iter().zip(vals) {
                    acc += power * (*f - *v) * inv;
                    power *= inp.gamma;
                }
            }
        }
        assert_eq!(got.get(k, 0), acc, "deep_composition at position {k}");
    }
}
