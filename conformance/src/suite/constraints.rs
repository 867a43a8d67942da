//! Constraint evaluation (primitive 9): against the reference on random LDE
//! matrices, and at a large size on a real trace whose composition must be a
//! polynomial of degree below the trace length.

use super::util::{assert_same, ok, random_matrix, rng, sample_positions, Harness};
use super::SuiteConfig;
use backend_api::expr::{zerofier_inverses, CompositionDomain, ConstraintSystem, RowSet};
use backend_api::rng::SplitMix64;
use backend_api::{Fp, Fp3, HostMatrix, NttDirection, Order, ProverDevice};

/// Main columns `a, b, c`, optionally one aux column `d`; two challenges,
/// two public inputs:
///
/// * transition: `a' - b`, `b' - (a + b)` (Fibonacci);
/// * first row: `a - public_0`; last row: `b - public_1`;
/// * every row: `c - a * b`;
/// * with aux, every row `d - ch_0 * a` and transition `d' - ch_0 * b`,
///   plus a constant-only term `(ch_1 - ch_1) * 3` (always zero).
pub fn sample_system(with_aux: bool) -> ConstraintSystem {
    let mut s = ConstraintSystem::new(3, usize::from(with_aux), 2, 2);
    let (a, b, c) = (s.main(0), s.main(1), s.main(2));
    let (a1, b1) = (s.main_next(0), s.main_next(1));
    let t0 = s.sub(a1, b);
    s.constrain(t0, RowSet::Transition);
    let ab = s.add(a, b);
    let t1 = s.sub(b1, ab);
    s.constrain(t1, RowSet::Transition);
    let p0 = s.public(0);
    let f = s.sub(a, p0);
    s.constrain(f, RowSet::FirstRow);
    let p1 = s.public(1);
    let l = s.sub(b, p1);
    s.constrain(l, RowSet::LastRow);
    let prod = s.mul(a, b);
    let e = s.sub(c, prod);
    s.constrain(e, RowSet::EveryRow);
    if with_aux {
        let (d, d1, ch0, ch1) = (s.aux(0), s.aux_next(0), s.challenge(0), s.challenge(1));
        let ch0a = s.mul(ch0, a);
        let e1 = s.sub(d, ch0a);
        s.constrain(e1, RowSet::EveryRow);
        let ch0b = s.mul(ch0, b);
        let t2 = s.sub(d1, ch0b);
        s.constrain(t2, RowSet::Transition);
        let zero = s.sub(ch1, ch1);
        let three = s.constant(Fp::new(3));
        let z3 = s.mul(zero, three);
        let nz = s.neg(z3);
        s.constrain(nz, RowSet::EveryRow);
    }
    s
}

struct Call {
    main: HostMatrix<Fp>,
    aux: Option<HostMatrix<Fp3>>,
    challenges: Vec<Fp3>,
    public: Vec<Fp>,
    alpha: Fp3,
}

fn run<D: ProverDevice>(
    h: &Harness<D>,
    s: &ConstraintSystem,
    call: &Call,
    d: &CompositionDomain,
    case: &str,
) -> HostMatrix<Fp3> {
    let main = h.up(&call.main);
    let aux = call.aux.as_ref().map(|a| h.up(a));
    let out = ok(
        h.dev.evaluate_constraints(
            &h.ctx,
            s,
            &main,
            aux.as_ref(),
            d,
            &call.challenges,
            &call.public,
            call.alpha,
        ),
        case,
    );
    h.down(&out)
}

fn random_call(rng: &mut SplitMix64, with_aux: bool, height: usize) -> Call {
    Call {
        main: random_matrix(rng, 3, height),
        aux: with_aux.then(|| random_matrix(rng, 1, height)),
        challenges: vec![rng.fp3(), rng.fp3()],
        public: vec![rng.fp(), rng.fp()],
        alpha: rng.fp3(),
    }
}

/// Trace lengths 2, 4, 8 (and 2^(ref-2)); evaluation domains of 1, 2 and 4
/// times the trace; LDE heights equal to or above them; with and without
/// aux; against the reference's node-by-node evaluation.
pub fn check_constraints<D: ProverDevice>(dev: &D, cfg: &SuiteConfig) {
    let h = Harness::new(dev);
    let mut rng = rng(cfg.seed, 1101);
    let mut logs = vec![1, 2, 3, cfg.ref_log_height.saturating_sub(2)];
    logs.retain(|&l| l >= 1);
    logs.dedup();
    for log_n in logs {
        for (extra_eval, extra_lde) in [(0, 0), (1, 2), (2, 2)] {
            for with_aux in [false, true] {
                let d = CompositionDomain {
                    log_n,
                    log_eval: log_n + extra_eval,
                    log_lde: log_n + extra_lde,
                    shift: Fp::GENERATOR,
                };
                let s = sample_system(with_aux);
                let call = random_call(&mut rng, with_aux, 1 << d.log_lde);
                let case = format!("evaluate_constraints {d:?} aux {with_aux}");
                let got = run(&h, &s, &call, &d, &case);
                let want = ok(
                    h.rf.evaluate_constraints(
                        &(),
                        &s,
                        &call.main,
                        call.aux.as_ref(),
                        &d,
                        &call.challenges,
                        &call.public,
                        call.alpha,
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

/// A valid trace of `2^(max_log_height - 3)` rows for [`sample_system`],
/// `c` and `d` included.
fn valid_trace(
    rng: &mut SplitMix64,
    n: usize,
    ch0: Fp3,
) -> (HostMatrix<Fp>, HostMatrix<Fp3>, Vec<Fp>) {
    let (mut a, mut b) = (vec![rng.fp()], vec![rng.fp()]);
    for r in 1..n {
        let (pa, pb) = (a[r - 1], b[r - 1]);
        a.push(pb);
        b.push(pa + pb);
    }
    let c: Vec<Fp> = a.iter().zip(&b).map(|(x, y)| *x * *y).collect();
    let d: Vec<Fp3> = a.iter().map(|x| ch0 * *x).collect();
    let public = vec![a[0], b[n - 1]];
    (
        HostMatrix::from_columns(&[a, b, c]).expect("3 columns"),
        HostMatrix::from_columns(&[d]).expect("one column"),
        public,
    )
}

/// The largest size: the composition of a valid trace (LDE'd by the device,
/// blowup 8, evaluated on 4n points) interpolates to a polynomial of degree
/// below n; random positions equal `backend_api::expr`'s point-by-point
/// definition; one wrong trace value raises the degree.
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
    let s = sample_system(true);
    let challenges = vec![rng.fp3(), rng.fp3()];
    let alpha = rng.fp3();
    let (main, aux, public) = valid_trace(&mut rng, n, challenges[0]);
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
    let coeffs_of = |call: &Call| {
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
    let good = Call {
        main: lde(&main),
        aux: Some(aux_lde.clone()),
        challenges: challenges.clone(),
        public: public.clone(),
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
        let next = d.next_position(k);
        let values = s.eval_nodes(
            |col, nx| Fp3::from_base(good.main.get(if nx { next } else { k }, col)),
            |col, nx| aux_lde.get(if nx { next } else { k }, col),
            &challenges,
            &public,
        );
        let zinv = zerofier_inverses(Fp3::from_base(d.point(k)), log_n).expect("off H_n");
        assert_eq!(
            out.get(k, 0),
            s.combine(&values, alpha, &zinv),
            "composition at position {k}"
        );
    }
    // Negative control: break the Fibonacci relation on one row.
    let mut bad_main = main.clone();
    bad_main.column_mut(1)[n / 2] += Fp::ONE;
    let bad = Call {
        main: lde(&bad_main),
        ..good
    };
    let (_, bad_coeffs) = coeffs_of(&bad);
    assert!(
        bad_coeffs[n..].iter().any(|c| !c.is_zero()),
        "a broken trace still gives a low-degree composition: the degree check is vacuous"
    );
}
