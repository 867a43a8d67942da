//! LogUp row by row with [`Interaction::fingerprint`].

use backend_api::logup::logup_term_columns;
use backend_api::{
    DeviceResult, Fp, Fp3, HostMatrix, Interaction, LogUpChallenges, LogUpTrace, TraceColumns,
};

/// Readers of row `r`'s main and preprocessed columns.
fn row<'a>(
    trace: TraceColumns<'a, Vec<Fp>>,
    r: usize,
) -> (
    impl Fn(usize) -> Fp + Copy + 'a,
    impl Fn(usize) -> Fp + Copy + 'a,
) {
    let main = move |c| trace.main.get(r, c);
    let pre = move |c| trace.preprocessed.expect("checked present").get(r, c);
    (main, pre)
}

pub(crate) fn fingerprints(
    trace: TraceColumns<'_, Vec<Fp>>,
    interactions: &[Interaction],
    ch: &LogUpChallenges,
) -> DeviceResult<HostMatrix<Fp3>> {
    let columns: Vec<Vec<Fp3>> = interactions
        .iter()
        .map(|it| {
            (0..trace.main.height())
                .map(|r| {
                    let (main, pre) = row(trace, r);
                    it.fingerprint(main, pre, ch)
                })
                .collect()
        })
        .collect();
    Ok(HostMatrix::from_columns(&columns).expect("at least one interaction"))
}

pub(crate) fn aux_trace(
    trace: TraceColumns<'_, Vec<Fp>>,
    interactions: &[Interaction],
    ch: &LogUpChallenges,
) -> DeviceResult<LogUpTrace<Vec<Fp3>>> {
    let n = trace.main.height();
    let mut columns = vec![vec![Fp3::ZERO; n]; logup_term_columns(interactions.len())];
    // Interaction k adds s m / f to term column k / 2 on every row.
    for (k, it) in interactions.iter().enumerate() {
        for (r, term) in columns[k / 2].iter_mut().enumerate() {
            let (main, pre) = row(trace, r);
            let f = it.fingerprint(main, pre, ch);
            let m = it.signed_multiplicity(main, pre);
            *term += f.inverse_or_zero() * m;
        }
    }
    // Inclusive prefix sums of the per-row totals.
    let running: Vec<Fp3> = (0..n)
        .scan(Fp3::ZERO, |acc, r| {
            *acc += columns.iter().map(|col| col[r]).sum::<Fp3>();
            Some(*acc)
        })
        .collect();
    let total = *running.last().expect("height checked >= 1");
    columns.push(running);
    Ok(LogUpTrace {
        aux: HostMatrix::from_columns(&columns).expect("columns of height n"),
        total,
    })
}
