//! Constraint evaluation (primitive 9): against the reference on random LDE
//! matrices, and at a large size on a real trace whose composition must be a
//! polynomial of degree below the trace length.

use super::util::{assert_same, ok, rng, sample_positions, Harness};
use super::SuiteConfig;
use crate::fixtures::{random_inputs, sample_system_with, ConstraintInputs};
use crate::ReferenceDevice;
use backend_api::expr::{zerofier_inverses, CompositionDomain, ConstraintSystem, LeafValues};
use backend_api::periodic::{periodic_table, periodic_value};
use backend_api::rng::SplitMix64;
use backend_api::{Fp, Fp3, HostMatrix, NttDirection, Order, ProverDevice, TraceColumns};

fn run<D: ProverDevice>(
    h: &Harness<D>,
    s: &ConstraintSystem,
    call: &ConstraintInputs,
    d: &CompositionDomain,
    case: &str,
) -> HostMatrix<Fp3> {
    let main = h.up(&call.main);
    let pre = call.pre.as_ref().map(|p| h.up(p));
    let aux = call.aux.as_ref().map(|a| h.up(a));
    let trace = TraceColumns {
        main: &main,
        preprocessed: pre.as_ref(),
    };
    let out = ok(
        h.dev
            .evaluate_constraints(&h.ctx, s, trace, aux.as_ref(), d, &call.params()),
        case,
    );
    h.down(&out)
}

/// Trace lengths 2, 4, 8 (and 2^(ref-2)); evaluation domains of 1, 2 and 4
/// times the trace; LDE heights equal to or above them; with and without
/// aux, with and without preprocessed and periodic columns; against the
/// reference's node-by-node evaluation.
pub fn check_constraints<D: ProverDevice>(dev: &D, cfg: &SuiteConfig) {
    let h = Harness::new(dev);
    let mut rng = rng(cfg.seed, 1101);
    let mut logs = vec![1, 2, 3, cfg.ref_log_height.saturating_sub(2)];
    logs.retain(|&l| l >= 1);
    logs.dedup();
    for log_n in logs {
        for (extra_eval, extra_lde) in [(0, 0), (1, 2), (2, 2)] {
            for shape in [(false, false), (true, false), (false, true), (true, true)] {
                let d = CompositionDomain {
                    log_n,
                    log_eval: log_n + extra_eval,
                    log_lde: log_n + extra_lde,
                    shift: Fp::GENERATOR,
                };
                let s = sample_system_with(shape.0, shape.1);
                let call = random_inputs(&mut rng, &s, &d);
                let case = format!("evaluate_constraints {d:?} aux, fixed {shape:?}");
                let got = run(&h, &s, &call, &d, &case);
                let want = ok(
                    ReferenceDevice::new().evaluate_constraints(
                        &(),
                        &s,
                        call.trace(),
                        call.aux.as_ref(),
                        &d,
                        &call.params(),
                    ),
                    &case,
                );
                assert_eq!(
                    (got.width(), got.height()),
                    (1, 1 << d.log_eval),
                    "{case}: shape"
                );
                assert_same(&case, got.buffer(), want.buffer());
            }
        }
    }
}

/// The fixed columns of the valid trace: periodic patterns `u` (period 2)
/// and `v` (period 4), and the preprocessed column `e` (random, with
/// `e[0] = v[0]`).
struct Fixed {
    u: Vec<Fp>,
    v: Vec<Fp>,
    e: Vec<Fp>,
}

/// A valid trace of `n` rows for [`sample_system_with`]`(true, true)`,
/// `c` and `d` included.
fn valid_trace(
    rng: &mut SplitMix64,
    n: usize,
    ch0: Fp3,
) -> (HostMatrix<Fp>, HostMatrix<Fp3>, Fixed, Vec<Fp>) {
    let (mut a, mut b) = (vec![rng.fp()], vec![rng.fp()]);
    for r in 1..n {
        let (pa, pb) = (a[r - 1], b[r - 1]);
        a.push(pb);
        b.push(pa + pb);
    }
    let mut fixed = Fixed {
        u: rng.elems(2),
        v: rng.elems(4),
        e: rng.elems(n),
    };
    fixed.e[0] = fixed.v[0];
    let c: Vec<Fp> = (0..n)
        .map(|r| a[r] * b[r] + fixed.u[r % 2] * fixed.e[(r + 1) % n])
        .collect();
    let d: Vec<Fp3> = a.iter().map(|x| ch0 * *x).collect();
    let public = vec![a[0], b[n - 1]];
    (
        HostMatrix::from_columns(&[a, b, c]).expect("3 columns"),
        HostMatrix::from_columns(&[d]).expect("one column"),
        fixed,
        public,
    )
}

/// Leaf values at LDE position `k` of the large check.
struct AtPosition<'a> {
    call: &'a ConstraintInputs,
    k: usize,
    next: usize,
    periodic: [Fp3; 2],
}

impl LeafValues for AtPosition<'_> {
    fn main(&self, col: usize, next: bool) -> Fp3 {
        Fp3::from_base(
            self.call
                .main
                .get(if next { self.next } else { self.k }, col),
        )
    }
    fn preprocessed(&self, col: usize, next: bool) -> Fp3 {
        let pre = self.call.pre.as_ref().expect("the large check has them");
        Fp3::from_base(pre.get(if next { self.next } else { self.k }, col))
    }
    fn aux(&self, col: usize, next: bool) -> Fp3 {
        let aux = self.call.aux.as_ref().expect("the large check has aux");
        aux.get(if next { self.next } else { self.k }, col)
    }
    fn periodic(&self, i: usize) -> Fp3 {
        self.periodic[i]
    }
}

/// The largest size: the composition of a valid trace (LDE'd by the device,
/// blowup 8, evaluated on 4n points, periodic tables from
/// `periodic::periodic_table` on the device) interpolates to a polynomial of
/// degree below n; random positions equal `backend_api::expr`'s
/// point-by-point definition (periodic values by `periodic::periodic_value`);
/// one wrong trace value raises the degree.
pub fn check_constraints_large<D: ProverDevice>(dev: &D, cfg: &SuiteConfig) {
    let h = Harness::new(dev);
    let mut rng = rng(cfg.seed, 1102);
    let log_n = cfg.max_log_height.saturating_sub(3).max(2);
    let n = 1usize << log_n;
    let d = CompositionDomain {
        log_n,
        log_eval: log_n + 2,
        log_lde: log_n + 3,
        shift: Fp::GENERATOR,
    };
    let s = sample_system_with(true, true);
    let challenges = vec![rng.fp3(), rng.fp3()];
    let alpha = rng.fp3();
    let (main, aux, fixed, public) = valid_trace(&mut rng, n, challenges[0]);
    let lde = |m: &HostMatrix<Fp>| {
        h.down(&ok(
            h.dev.coset_lde(
                &h.ctx,
                &h.up(m),
                Order::Natural,
                8,
                d.shift,
                Order::BitReversed,
            ),
            "LDE",
        ))
    };
    let aux_lde = h.down(&ok(
        h.dev.coset_lde(
            &h.ctx,
            &h.up(&aux),
            Order::Natural,
            8,
            d.shift,
            Order::BitReversed,
        ),
        "aux LDE",
    ));
    let pre = HostMatrix::from_columns(std::slice::from_ref(&fixed.e)).expect("one column");
    let periodic = [&fixed.u, &fixed.v]
        .map(|pattern| ok(periodic_table(h.dev, &h.ctx, pattern, &d), "periodic table"));
    let coeffs_of = |call: &ConstraintInputs| {
        let out = run(&h, &s, call, &d, "evaluate_constraints large");
        let mut m = h.up(&out);
        ok(
            h.dev.ntt(
                &h.ctx,
                &mut m,
                NttDirection::Inverse,
                d.shift,
                Order::BitReversed,
                Order::Natural,
            ),
            "interpolate composition",
        );
        (out, h.down(&m).into_buffer())
    };
    let good = ConstraintInputs {
        main: lde(&main),
        pre: Some(lde(&pre)),
        aux: Some(aux_lde),
        challenges: challenges.clone(),
        public: public.clone(),
        periodic: periodic.to_vec(),
        alpha,
    };
    let (out, coeffs) = coeffs_of(&good);
    assert!(
        coeffs[..n].iter().any(|c| !c.is_zero()),
        "composition of a valid trace is identically zero"
    );
    if let Some(j) = (n..coeffs.len()).find(|&j| !coeffs[j].is_zero()) {
        panic!("composition of a valid 2^{log_n} trace has a coefficient at degree {j} >= n");
    }
    // Spot positions against the point-by-point definition.
    for k in sample_positions(&mut rng, 1 << d.log_eval, 6) {
        let x = Fp3::from_base(d.point(k));
        let leaves = AtPosition {
            call: &good,
            k,
            next: d.next_position(k),
            periodic: [&fixed.u, &fixed.v]
                .map(|p| periodic_value(p, x, log_n).expect("valid pattern")),
        };
        let values = s.eval_nodes(&leaves, &challenges, &public);
        let zinv = zerofier_inverses(x, log_n).expect("off H_n");
        assert_eq!(
            out.get(k, 0),
            s.combine(&values, alpha, &zinv),
            "composition at position {k}"
        );
    }
    // Negative controls: break the Fibonacci relation on one row, or the
    // preprocessed column's tie to the periodic one.
    let mut bad_main = main.clone();
    bad_main.column_mut(1)[n / 2] += Fp::ONE;
    let mut bad_pre = pre.clone();
    bad_pre.column_mut(0)[0] += Fp::ONE;
    for (what, bad) in [
        (
            "main",
            ConstraintInputs {
                main: lde(&bad_main),
                ..good.clone()
            },
        ),
        (
            "preprocessed",
            ConstraintInputs {
                pre: Some(lde(&bad_pre)),
                ..good.clone()
            },
        ),
    ] {
        let (_, bad_coeffs) = coeffs_of(&bad);
        assert!(
            bad_coeffs[n..].iter().any(|c| !c.is_zero()),
            "a broken {what} trace still gives a low-degree composition: the check is vacuous"
        );
    }
}
