//! LogUp row by row with [`Interaction::fingerprint`].

use backend_api::logup::logup_term_columns;
use backend_api::{
    check, DeviceResult, Fp, Fp3, HostMatrix, Interaction, LogUpChallenges, LogUpTrace,
};

pub(crate) fn fingerprints(
    main: &HostMatrix<Fp>,
    interactions: &[Interaction],
    ch: &LogUpChallenges,
) -> DeviceResult<HostMatrix<Fp3>> {
    check::logup(main, interactions)?;
    let columns: Vec<Vec<Fp3>> = interactions
        .iter()
        .map(|it| {
            (0..main.height())
                .map(|r| it.fingerprint(|c| main.get(r, c), ch))
                .collect()
        })
        .collect();
    Ok(HostMatrix::from_columns(&columns).expect("at least one interaction"))
}

pub(crate) fn aux_trace(
    main: &HostMatrix<Fp>,
    interactions: &[Interaction],
    ch: &LogUpChallenges,
) -> DeviceResult<LogUpTrace<Vec<Fp3>>> {
    check::logup(main, interactions)?;
    let n = main.height();
    let mut columns = vec![vec![Fp3::ZERO; n]; logup_term_columns(interactions.len())];
    for r in 0..n {
        for (k, it) in interactions.iter().enumerate() {
            let f = it.fingerprint(|c| main.get(r, c), ch);
            let m = it.signed_multiplicity(|c| main.get(r, c));
            columns[k / 2][r] += f.inverse_or_zero() * m;
        }
    }
    let mut running = Vec::with_capacity(n);
    let mut acc = Fp3::ZERO;
    for r in 0..n {
        acc += columns.iter().map(|col| col[r]).sum::<Fp3>();
        running.push(acc);
    }
    columns.push(running);
    Ok(LogUpTrace {
        aux: HostMatrix::from_columns(&columns).expect("columns of height n"),
        total: acc,
    })
}
