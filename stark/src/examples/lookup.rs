//! `lookup`: three tables linked by two LogUp buses.
//!
//! * `range` (`2^range_bits` rows; columns `value, mult`): `value` counts
//!   0, 1, 2, ... (first row 0, transition `value' = value + 1`); it
//!   receives `value` on bus 0 with multiplicity `mult`.
//! * `source` (`2^log_rows` rows; columns `a, b, c`): `c = a + b` on every
//!   row; sends `a` and `b` on bus 0 (range checks: both below
//!   `2^range_bits`) and the tuple `(a, b, c)` on bus 1.
//! * `sink` (`2^log_rows` rows; columns `x, y, w`): `w = x + y`; receives
//!   `(x, y, w)` on bus 1, so its rows are a permutation of `source`'s.
//!
//! Parameters `[log_rows, range_bits]`; no public inputs. The generated
//! witness draws `a, b` from a fixed-seed SplitMix64 and permutes the rows
//! with a Fisher-Yates shuffle.

use crate::air::{Air, AirError, AirInstance, TableSpec};
use backend_api::expr::{ConstraintSystem, RowSet};
use backend_api::rng::SplitMix64;
use backend_api::{Fp, HostMatrix, Interaction, InteractionKind, LinearCombination};

/// The AIR's name in the registry ([`crate::examples::air_from_instance`]).
pub const NAME: &str = "lookup";
/// Bus of the range checks (`source` sends `a`, `b`; `range` receives).
pub const RANGE_BUS: u32 = 0;
/// Bus of the permutation (`source` sends `(a, b, c)`; `sink` receives).
pub const PERM_BUS: u32 = 1;

/// The `lookup` AIR: tables `range`, `source`, `sink`, in that order.
#[derive(Clone, Debug)]
pub struct Lookup {
    /// `source` and `sink` have `2^log_rows` rows (`2..=26`).
    pub log_rows: u32,
    /// `range` has `2^range_bits` rows (`2..=20`); `a, b < 2^range_bits`.
    pub range_bits: u32,
}

fn check_params(log_rows: u64, range_bits: u64) -> Result<(), AirError> {
    if !(2..=26).contains(&log_rows) || !(2..=20).contains(&range_bits) {
        return Err(AirError::BadParams {
            air: NAME.into(),
            reason: "need log_rows in 2..=26 and range_bits in 2..=20".into(),
        });
    }
    Ok(())
}

impl Lookup {
    /// The AIR and its three traces (`range`, `source`, `sink`), the witness
    /// drawn from `seed`. Errors: [`AirError::BadParams`] if `log_rows` is not
    /// in `2..=26` or `range_bits` not in `2..=20`.
    pub fn generate(
        log_rows: u32,
        range_bits: u32,
        seed: u64,
    ) -> Result<(Lookup, Vec<HostMatrix<Fp>>), AirError> {
        check_params(log_rows as u64, range_bits as u64)?;
        let n = 1usize << log_rows;
        let r = 1usize << range_bits;
        let mut rng = SplitMix64::new(seed);
        let a: Vec<u64> = (0..n).map(|_| rng.next_u64() % r as u64).collect();
        let b: Vec<u64> = (0..n).map(|_| rng.next_u64() % r as u64).collect();
        let mut mult = vec![0u32; r];
        for v in a.iter().chain(&b) {
            mult[*v as usize] += 1;
        }
        let fp = |v: u64| Fp::new(v);
        let range = HostMatrix::from_columns(&[
            (0..r as u64).map(fp).collect(),
            mult.iter().map(|&m| Fp::from(m)).collect(),
        ])
        .expect("equal columns");
        let c: Vec<u64> = a.iter().zip(&b).map(|(x, y)| x + y).collect();
        let source = HostMatrix::from_columns(&[
            a.iter().copied().map(fp).collect(),
            b.iter().copied().map(fp).collect(),
            c.iter().copied().map(fp).collect(),
        ])
        .expect("equal columns");
        let mut perm: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            let j = (rng.next_u64() % (i as u64 + 1)) as usize;
            perm.swap(i, j);
        }
        let sink = HostMatrix::from_columns(&[
            perm.iter().map(|&i| fp(a[i])).collect(),
            perm.iter().map(|&i| fp(b[i])).collect(),
            perm.iter().map(|&i| fp(c[i])).collect(),
        ])
        .expect("equal columns");
        Ok((
            Lookup {
                log_rows,
                range_bits,
            },
            vec![range, source, sink],
        ))
    }

    /// Rebuilds the AIR from `inst.params = [log_rows, range_bits]`.
    /// Errors: [`AirError::BadParams`] for a wrong parameter count,
    /// out-of-range parameters or any public input.
    pub fn from_instance(inst: &AirInstance) -> Result<Lookup, AirError> {
        let [log_rows, range_bits] = inst.params[..] else {
            return Err(AirError::BadParams {
                air: NAME.into(),
                reason: format!("expected 2 parameters, got {}", inst.params.len()),
            });
        };
        check_params(log_rows, range_bits)?;
        if !inst.public_inputs.is_empty() {
            return Err(AirError::BadParams {
                air: NAME.into(),
                reason: "takes no public inputs".into(),
            });
        }
        Ok(Lookup {
            log_rows: log_rows as u32,
            range_bits: range_bits as u32,
        })
    }
}

fn interaction(
    bus: u32,
    kind: InteractionKind,
    cols: &[usize],
    mult: LinearCombination,
) -> Interaction {
    Interaction {
        bus,
        kind,
        values: cols.iter().map(|&c| LinearCombination::column(c)).collect(),
        multiplicity: mult,
    }
}

/// `w - x - y` on every row of a three-column table.
fn sum_system() -> ConstraintSystem {
    let mut cs = ConstraintSystem::new(3, 0, 0, 0);
    let (x, y, w) = (cs.main(0), cs.main(1), cs.main(2));
    let s = cs.add(x, y);
    let c = cs.sub(w, s);
    cs.constrain(c, RowSet::EveryRow);
    cs
}

impl Air for Lookup {
    fn instance(&self) -> AirInstance {
        AirInstance {
            name: NAME.into(),
            params: vec![self.log_rows as u64, self.range_bits as u64],
            public_inputs: Vec::new(),
        }
    }

    fn tables(&self) -> Vec<TableSpec> {
        let one = || LinearCombination::constant(Fp::ONE);
        let mut range = ConstraintSystem::new(2, 0, 0, 0);
        let v = range.main(0);
        range.constrain(v, RowSet::FirstRow);
        let v1 = range.main_next(0);
        let d = range.sub(v1, v);
        let k = range.constant(Fp::ONE);
        let step = range.sub(d, k);
        range.constrain(step, RowSet::Transition);
        use InteractionKind::{Receive, Send};
        vec![
            TableSpec {
                name: "range".into(),
                log_height: self.range_bits,
                width: 2,
                constraints: range,
                interactions: vec![interaction(
                    RANGE_BUS,
                    Receive,
                    &[0],
                    LinearCombination::column(1),
                )],
            },
            TableSpec {
                name: "source".into(),
                log_height: self.log_rows,
                width: 3,
                constraints: sum_system(),
                interactions: vec![
                    interaction(RANGE_BUS, Send, &[0], one()),
                    interaction(RANGE_BUS, Send, &[1], one()),
                    interaction(PERM_BUS, Send, &[0, 1, 2], one()),
                ],
            },
            TableSpec {
                name: "sink".into(),
                log_height: self.log_rows,
                width: 3,
                constraints: sum_system(),
                interactions: vec![interaction(PERM_BUS, Receive, &[0, 1, 2], one())],
            },
        ]
    }
}
