//! `lookup`: three tables linked by two LogUp buses.
//!
//! * `range` (`2^range_bits` rows): preprocessed column `value` = 0, 1, 2,
//!   ... (fixed by the AIR, committed in the verifying key), main column
//!   `mult`; it receives `value` on bus 0 with multiplicity `mult`.
//! * `source` (`2^log_rows` rows; columns `a, b, c`): `c = a + b` on every
//!   row; sends `a` and `b` on bus 0 (range checks: both below
//!   `2^range_bits`) and the tuple `(a, b, c)` on bus 1.
//! * `sink` (`2^log_rows` rows; columns `x, y, w`): `w = x + y`; receives
//!   `(x, y, w)` on bus 1, so its rows are a permutation of `source`'s.
//!
//! Parameters `[log_rows, range_bits]`; no public inputs. The generated
//! witness draws `a, b` from a fixed-seed SplitMix64 and permutes the rows
//! with a Fisher-Yates shuffle.

use super::{matrix, two_params, Generated};
use crate::air::{Air, AirError, TableSpec};
use backend_api::expr::{ConstraintSystem, RowSet};
use backend_api::rng::SplitMix64;
use backend_api::{Fp, HostMatrix, Interaction, InteractionKind, RowExpr};

/// The AIR's name.
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

impl Lookup {
    /// The AIR. Errors: [`AirError::BadParams`] if `log_rows` is not in
    /// `2..=26` or `range_bits` not in `2..=20`.
    pub fn new(log_rows: u32, range_bits: u32) -> Result<Self, AirError> {
        if !(2..=26).contains(&log_rows) || !(2..=20).contains(&range_bits) {
            return Err(AirError::BadParams {
                air: NAME.into(),
                reason: "need log_rows in 2..=26 and range_bits in 2..=20".into(),
            });
        }
        Ok(Lookup {
            log_rows,
            range_bits,
        })
    }

    /// The AIR from its parameters `[log_rows, range_bits]`.
    pub fn from_params(params: &[u64]) -> Result<Self, AirError> {
        let (log_rows, range_bits) = two_params(NAME, params)?;
        let fit = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
        Self::new(fit(log_rows), fit(range_bits))
    }

    /// The AIR, its (empty) public inputs and its three traces (`range`,
    /// `source`, `sink`), the witness drawn from `seed`. Errors: those of
    /// [`new`](Self::new).
    pub fn generate(
        log_rows: u32,
        range_bits: u32,
        seed: u64,
    ) -> Generated<Lookup, Vec<HostMatrix<Fp>>> {
        let air = Self::new(log_rows, range_bits)?;
        let n = 1usize << log_rows;
        let r = 1usize << range_bits;
        let mut rng = SplitMix64::new(seed);
        let a: Vec<u64> = (0..n).map(|_| rng.next_u64() % r as u64).collect();
        let b: Vec<u64> = (0..n).map(|_| rng.next_u64() % r as u64).collect();
        let mut mult = vec![0u32; r];
        for v in a.iter().chain(&b) {
            mult[*v as usize] += 1;
        }
        let range = matrix(&[mult.iter().map(|&m| Fp::from(m)).collect()]);
        let c: Vec<u64> = a.iter().zip(&b).map(|(x, y)| x + y).collect();
        let fp = |v: &u64| Fp::new(*v);
        let source = matrix(&[
            a.iter().map(fp).collect(),
            b.iter().map(fp).collect(),
            c.iter().map(fp).collect(),
        ]);
        let mut perm: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            let j = (rng.next_u64() % (i as u64 + 1)) as usize;
            perm.swap(i, j);
        }
        let sink = matrix(&[
            perm.iter().map(|&i| fp(&a[i])).collect(),
            perm.iter().map(|&i| fp(&b[i])).collect(),
            perm.iter().map(|&i| fp(&c[i])).collect(),
        ]);
        Ok((air, Vec::new(), vec![range, source, sink]))
    }
}

fn interaction(bus: u32, kind: InteractionKind, values: Vec<RowExpr>) -> Interaction {
    Interaction {
        bus,
        kind,
        values,
        multiplicity: RowExpr::one(),
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
    fn name(&self) -> String {
        NAME.into()
    }

    fn params(&self) -> Vec<u64> {
        vec![self.log_rows as u64, self.range_bits as u64]
    }

    fn num_public_inputs(&self) -> usize {
        0
    }

    fn tables(&self) -> Vec<TableSpec> {
        use InteractionKind::{Receive, Send};
        let columns = |cols: &[usize]| cols.iter().map(|&c| RowExpr::main(c)).collect();
        let range = ConstraintSystem::new(1, 0, 0, 0).with_preprocessed(1);
        vec![
            TableSpec::new("range", self.range_bits, range).with_interactions(vec![Interaction {
                bus: RANGE_BUS,
                kind: Receive,
                values: vec![RowExpr::preprocessed(0)],
                multiplicity: RowExpr::main(0),
            }]),
            TableSpec::new("source", self.log_rows, sum_system()).with_interactions(vec![
                interaction(RANGE_BUS, Send, columns(&[0])),
                interaction(RANGE_BUS, Send, columns(&[1])),
                interaction(PERM_BUS, Send, columns(&[0, 1, 2])),
            ]),
            TableSpec::new("sink", self.log_rows, sum_system())
                .with_interactions(vec![interaction(PERM_BUS, Receive, columns(&[0, 1, 2]))]),
        ]
    }

    fn preprocessed_trace(&self, table: usize) -> Option<HostMatrix<Fp>> {
        (table == 0).then(|| matrix(&[(0..1u64 << self.range_bits).map(Fp::new).collect()]))
    }
}
