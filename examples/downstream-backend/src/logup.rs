//! LogUp (`ProverDevice::logup_fingerprints`, `logup_aux_trace`): the
//! fingerprints `f_k(r)` of every interaction on every row
//! (`Interaction::fingerprint`), inverted one column at a time with
//! Montgomery's trick; term column `k / 2` sums `s_k m_k(r) / f_k(r)`
//! (zero fingerprints count as zero), and the last column is the running
//! sum of the row totals, whose final entry is the table's total.

use crate::inverse::batch_inverse;
use backend_api::logup::logup_term_columns;
use backend_api::{Fp, Fp3, HostMatrix, Interaction, LogUpChallenges, LogUpTrace, TraceColumns};

/// Row `r`'s readers of the main and preprocessed columns.
fn readers<'a>(
    trace: TraceColumns<'a, Vec<Fp>>,
    r: usize,
) -> (
    impl Fn(usize) -> Fp + Copy + 'a,
    impl Fn(usize) -> Fp + Copy + 'a,
) {
    let main = move |c| trace.main.get(r, c);
    let pre = move |c| match trace.preprocessed {
        Some(p) => p.get(r, c),
        // The shared check rejects interactions that read absent columns.
        None => unreachable!("an interaction read a preprocessed column the table lacks"),
    };
    (main, pre)
}

fn fingerprint_column(
    trace: TraceColumns<'_, Vec<Fp>>,
    it: &Interaction,
    ch: &LogUpChallenges,
) -> Vec<Fp3> {
    (0..trace.main.height())
        .map(|r| {
            let (main, pre) = readers(trace, r);
            it.fingerprint(main, pre, ch)
        })
        .collect()
}

pub(crate) fn fingerprints(
    trace: TraceColumns<'_, Vec<Fp>>,
    interactions: &[Interaction],
    ch: &LogUpChallenges,
) -> HostMatrix<Fp3> {
    let columns: Vec<Vec<Fp3>> = interactions
        .iter()
        .map(|it| fingerprint_column(trace, it, ch))
        .collect();
    HostMatrix::from_columns(&columns).expect("checked: at least one interaction")
}

pub(crate) fn aux_trace(
    trace: TraceColumns<'_, Vec<Fp>>,
    interactions: &[Interaction],
    ch: &LogUpChallenges,
) -> LogUpTrace<Vec<Fp3>> {
    let n = trace.main.height();
    let mut columns = vec![vec![Fp3::ZERO; n]; logup_term_columns(interactions.len())];
    for (k, it) in interactions.iter().enumerate() {
        let mut inverses = fingerprint_column(trace, it, ch);
        batch_inverse(&mut inverses);
        for (r, (term, f_inv)) in columns[k / 2].iter_mut().zip(inverses).enumerate() {
            let (main, pre) = readers(trace, r);
            *term += f_inv * it.signed_multiplicity(main, pre);
        }
    }
    let mut running = Vec::with_capacity(n);
    let mut sum = Fp3::ZERO;
    for r in 0..n {
        for col in &columns {
            sum += col[r];
        }
        running.push(sum);
    }
    columns.push(running);
    LogUpTrace {
        aux: HostMatrix::from_columns(&columns).expect("columns of one height"),
        total: sum,
    }
}
