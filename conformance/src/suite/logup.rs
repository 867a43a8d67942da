//! LogUp checks: fingerprints, aux trace and totals against the reference,
//! balanced buses, and the running sum at the largest size.

use super::util::{assert_same, ok, rng, Harness};
use super::SuiteConfig;
use crate::fixtures::{sample_interactions, sample_trace};
use backend_api::logup::logup_aux_width;
use backend_api::rng::SplitMix64;
use backend_api::{
    Fp, Fp3, HostMatrix, Interaction, InteractionKind, LogUpChallenges, ProverDevice, RowExpr,
    TraceColumns,
};

fn challenges(rng: &mut SplitMix64) -> LogUpChallenges {
    LogUpChallenges {
        z: rng.fp3(),
        alpha: rng.fp3(),
    }
}

fn shapes(cfg: &SuiteConfig) -> Vec<(u32, usize)> {
    let mut v = Vec::new();
    for log in [0, 1, cfg.ref_log_height] {
        for k in [1, 2, 3, 5] {
            v.push((log, k));
        }
    }
    v
}

/// Fingerprints for heights 1, 2, 2^ref and 1, 2, 3, 5 interactions.
pub fn check_logup_fingerprints<D: ProverDevice>(dev: &D, cfg: &SuiteConfig) {
    let h = Harness::new(dev);
    let mut rng = rng(cfg.seed, 601);
    for (log, k) in shapes(cfg) {
        let (main, pre) = sample_trace(&mut rng, 1 << log);
        let its = sample_interactions(&mut rng, k);
        let ch = challenges(&mut rng);
        let case = format!("logup_fingerprints height 2^{log}, {k} interactions");
        let (up_main, up_pre) = (h.up(&main), h.up(&pre));
        let got = ok(
            h.dev
                .logup_fingerprints(&h.ctx, trace(&up_main, &up_pre), &its, &ch),
            &case,
        );
        let want = ok(
            h.rf.logup_fingerprints(&(), trace(&main, &pre), &its, &ch),
            &case,
        );
        assert_eq!((got.width(), got.height()), (k, 1 << log), "{case}: shape");
        assert_same(&case, h.down(&got).buffer(), want.buffer());
    }
}

/// Aux trace (term columns, running sum) and total, the same shapes.
pub fn check_logup_aux_trace<D: ProverDevice>(dev: &D, cfg: &SuiteConfig) {
    let h = Harness::new(dev);
    let mut rng = rng(cfg.seed, 602);
    for (log, k) in shapes(cfg) {
        let (main, pre) = sample_trace(&mut rng, 1 << log);
        let its = sample_interactions(&mut rng, k);
        let ch = challenges(&mut rng);
        let case = format!("logup_aux_trace height 2^{log}, {k} interactions");
        let (up_main, up_pre) = (h.up(&main), h.up(&pre));
        let got = ok(
            h.dev
                .logup_aux_trace(&h.ctx, trace(&up_main, &up_pre), &its, &ch),
            &case,
        );
        let want = ok(
            h.rf.logup_aux_trace(&(), trace(&main, &pre), &its, &ch),
            &case,
        );
        assert_eq!(
            (got.aux.width(), got.aux.height()),
            (logup_aux_width(k), 1 << log),
            "{case}: shape"
        );
        assert_same(&case, h.down(&got.aux).buffer(), want.aux.buffer());
        assert_eq!(got.total, want.total, "{case}: total");
    }
}

/// A main trace with its preprocessed columns.
fn trace<'a, B>(
    main: &'a backend_api::Matrix<B>,
    pre: &'a backend_api::Matrix<B>,
) -> TraceColumns<'a, B> {
    TraceColumns {
        main,
        preprocessed: Some(pre),
    }
}

fn total<D: ProverDevice>(
    h: &Harness<D>,
    main: &HostMatrix<Fp>,
    its: &[Interaction],
    ch: &LogUpChallenges,
) -> Fp3 {
    let up = h.up(main);
    ok(
        h.dev
            .logup_aux_trace(&h.ctx, TraceColumns::main_only(&up), its, ch),
        "balanced bus",
    )
    .total
}

/// Two tables on one bus: a lookup (table A sends values in 0..16 with
/// multiplicity 1; table T receives 0..16 with their counts) and a
/// permutation of pairs. The totals sum to zero; a wrong count breaks it.
pub fn check_logup_balanced_bus<D: ProverDevice>(dev: &D, cfg: &SuiteConfig) {
    let h = Harness::new(dev);
    let mut rng = rng(cfg.seed, 603);
    let ch = challenges(&mut rng);
    let (rows, table) = (64usize, 16usize);
    let looked_up: Vec<Fp> = (0..rows)
        .map(|_| Fp::new(rng.next_u64() % table as u64))
        .collect();
    let mut counts = vec![0u64; table];
    for v in &looked_up {
        counts[v.value() as usize] += 1;
    }
    let a = HostMatrix::from_columns(std::slice::from_ref(&looked_up)).expect("one column");
    let t_values: Vec<Fp> = (0..table as u64).map(Fp::new).collect();
    let mut t_counts: Vec<Fp> = counts.iter().map(|&c| Fp::new(c)).collect();
    let send = Interaction {
        bus: 7,
        kind: InteractionKind::Send,
        values: vec![RowExpr::main(0)],
        multiplicity: RowExpr::one(),
    };
    let receive = Interaction {
        bus: 7,
        kind: InteractionKind::Receive,
        values: vec![RowExpr::main(0)],
        multiplicity: RowExpr::main(1),
    };
    let t = HostMatrix::from_columns(&[t_values.clone(), t_counts.clone()]).expect("two columns");
    let (ta, tt) = (
        total(&h, &a, std::slice::from_ref(&send), &ch),
        total(&h, &t, std::slice::from_ref(&receive), &ch),
    );
    assert_ne!(ta, Fp3::ZERO, "a table's own total should not vanish");
    assert_eq!(ta + tt, Fp3::ZERO, "lookup bus does not balance");
    t_counts[3] += Fp::ONE;
    let t_bad = HostMatrix::from_columns(&[t_values, t_counts]).expect("two columns");
    assert_ne!(
        ta + total(&h, &t_bad, &[receive], &ch),
        Fp3::ZERO,
        "a wrong count still balances"
    );

    // Permutation: P sends (x, y) rows, Q receives the same rows reversed.
    let p = rng.matrix::<Fp>(2, 32);
    let q_rows: Vec<Vec<Fp>> = (0..32).rev().map(|r| p.row(r)).collect();
    let q = HostMatrix::from_rows(&q_rows).expect("rows");
    let pair = |kind| Interaction {
        bus: 9,
        kind,
        values: vec![RowExpr::main(0), RowExpr::main(1)],
        multiplicity: RowExpr::one(),
    };
    // Two interactions per table so that term columns pair them up.
    let p_its = [pair(InteractionKind::Send), send.clone()];
    let q_its = [pair(InteractionKind::Receive), send];
    let p_total = total(&h, &p, &p_its, &ch);
    let q_total = total(&h, &q, &q_its, &ch);
    let sends = total(&h, &p, &p_its[1..], &ch) + total(&h, &q, &q_its[1..], &ch);
    assert_eq!(p_total + q_total, sends, "permutation bus does not balance");
}

/// At `2^(max_log_height - 2)` rows, every row: each term column equals its
/// formula, the running sum steps by the row's terms, and the total is the
/// last entry (all computed on the host in linear time).
pub fn check_logup_large<D: ProverDevice>(dev: &D, cfg: &SuiteConfig) {
    let h = Harness::new(dev);
    let mut rng = rng(cfg.seed, 604);
    let n = 1usize << cfg.max_log_height.saturating_sub(2).max(1);
    let (main, pre) = sample_trace(&mut rng, n);
    let its = sample_interactions(&mut rng, 5);
    let ch = challenges(&mut rng);
    let (up_main, up_pre) = (h.up(&main), h.up(&pre));
    let result = ok(
        h.dev
            .logup_aux_trace(&h.ctx, trace(&up_main, &up_pre), &its, &ch),
        "logup large",
    );
    let aux = h.down(&result.aux);
    let terms = aux.width() - 1;
    assert_eq!(terms, 3, "5 interactions make 3 term columns");
    assert_eq!(
        result.total,
        aux.get(n - 1, terms),
        "total is not the running sum's last entry"
    );
    let mut running = Fp3::ZERO;
    for r in 0..n {
        for j in 0..terms {
            let t: Fp3 = its
                .iter()
                .skip(2 * j)
                .take(2)
                .map(|it| {
                    let (m, p) = (|c| main.get(r, c), |c| pre.get(r, c));
                    let f = it.fingerprint(m, p, &ch);
                    f.inverse_or_zero() * it.signed_multiplicity(m, p)
                })
                .sum();
            assert_eq!(aux.get(r, j), t, "term column {j} at row {r}");
            running += t;
        }
        assert_eq!(aux.get(r, terms), running, "running sum at row {r}");
    }
}
