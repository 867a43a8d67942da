//! DEEP composition checks.

use super::util::{assert_same, ok, rng, sample_positions, Harness};
use super::SuiteConfig;
use backend_api::rng::SplitMix64;
use backend_api::{Coset, DeepOpening, Fp, Fp3, HostMatrix, Order, ProverDevice};

/// Inputs of one DEEP call.
struct Inputs {
    base: Vec<HostMatrix<Fp>>,
    ext: Vec<HostMatrix<Fp3>>,
    points: Vec<Fp3>,
    gamma: Fp3,
    base_evals: Vec<Vec<(usize, Vec<Fp3>)>>,
    ext_evals: Vec<Vec<(usize, Vec<Fp3>)>>,
}

/// Matrices of `width` columns opened at `points` (indices).
type Shapes<'a> = &'a [(usize, &'a [usize])];

fn evals_of(rng: &mut SplitMix64, width: usize, points: &[usize]) -> Vec<(usize, Vec<Fp3>)> {
    let values = |rng: &mut SplitMix64| (0..width).map(|_| rng.fp3()).collect();
    points.iter().map(|&p| (p, values(rng))).collect()
}

/// Random matrices of `n` rows and values for `base` and `ext`, at
/// `npoints` random points.
fn inputs_of(rng: &mut SplitMix64, n: usize, npoints: usize, base: Shapes, ext: Shapes) -> Inputs {
    let base_m = base.iter().map(|&(w, _)| rng.matrix(w, n)).collect();
    let ext_m = ext.iter().map(|&(w, _)| rng.matrix(w, n)).collect();
    let base_evals = base.iter().map(|&(w, ps)| evals_of(rng, w, ps)).collect();
    let ext_evals = ext.iter().map(|&(w, ps)| evals_of(rng, w, ps)).collect();
    Inputs {
        base: base_m,
        ext: ext_m,
        points: (0..npoints).map(|_| rng.fp3()).collect(),
        gamma: rng.fp3(),
        base_evals,
        ext_evals,
    }
}

/// Two base matrices (widths 2, 3), one Fp3 matrix (width 2), two points;
/// base 0 opened at both points, base 1 at point 1, the Fp3 matrix at
/// point 0.
fn inputs(rng: &mut SplitMix64, n: usize, with_ext: bool) -> Inputs {
    let ext: Shapes = if with_ext { &[(2, &[0])] } else { &[] };
    inputs_of(rng, n, 2, &[(2, &[0, 1]), (3, &[1])], ext)
}

/// Six points (more than a backend may keep per pass); wide matrices
/// opened at several points (whose columns a backend may sum once) next to
/// narrow ones and single points, in no order of point.
fn wide_inputs(rng: &mut SplitMix64, n: usize) -> Inputs {
    let base: Shapes = &[(10, &[0, 3, 5]), (1, &[4]), (7, &[2, 1])];
    let ext: Shapes = &[(4, &[5, 0]), (1, &[2, 3]), (3, &[4])];
    inputs_of(rng, n, 6, base, ext)
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

/// The device's DEEP codeword of `inp` over `domain` equals the
/// reference's, element for element.
fn against_reference<D: ProverDevice>(h: &Harness<D>, domain: Coset, inp: &Inputs, case: &str) {
    let got = run_device(h, domain, inp, case);
    let want = ok(
        h.rf.deep_composition(
            &(),
            domain,
            &inp.points,
            inp.gamma,
            &openings(&inp.base, &inp.base_evals),
            &openings(&inp.ext, &inp.ext_evals),
        ),
        case,
    );
    assert_eq!(
        (got.width(), got.height()),
        (1, domain.size()),
        "{case}: shape"
    );
    assert_same(case, got.buffer(), want.buffer());
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
                against_reference(&h, domain, &inp, &case);
            }
        }
    }
}

/// Six points, wide and narrow openings at several points (`wide_inputs`),
/// domains of 8 and 2^ref points, both orders, against the reference.
pub fn check_deep_many_points_and_wide_openings<D: ProverDevice>(dev: &D, cfg: &SuiteConfig) {
    let h = Harness::new(dev);
    let mut rng = rng(cfg.seed, 903);
    for log in [3, cfg.ref_log_height] {
        for order in Order::ALL {
            let domain = Coset::new(log, Fp::GENERATOR, order);
            let inp = wide_inputs(&mut rng, 1 << log);
            let case = format!("deep_composition, six points, 2^{log} {order:?}");
            against_reference(&h, domain, &inp, &case);
        }
    }
}

/// At `2^(max_log_height - 2)` points, with the narrow and the wide
/// inputs: random positions equal the formula
/// `sum gamma^k (f_c(x) - v) / (x - z)` evaluated on the host.
pub fn check_deep_large<D: ProverDevice>(dev: &D, cfg: &SuiteConfig) {
    let h = Harness::new(dev);
    let mut rng = rng(cfg.seed, 902);
    let log = cfg.max_log_height.saturating_sub(2).max(1);
    let domain = Coset::new(log, Fp::GENERATOR, Order::BitReversed);
    let narrow = inputs(&mut rng, 1 << log, true);
    let wide = wide_inputs(&mut rng, 1 << log);
    for inp in [narrow, wide] {
        let got = run_device(&h, domain, &inp, "deep large");
        formula_at_samples(&mut rng, domain, &inp, &got);
    }
}

/// `got` at 8 random positions equals the formula evaluated on the host.
fn formula_at_samples(rng: &mut SplitMix64, domain: Coset, inp: &Inputs, got: &HostMatrix<Fp3>) {
    for k in sample_positions(rng, domain.size(), 8) {
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
