//! `squares`: one table `x` with `x' = x^2 + k` for the periodic round
//! constants `k = 1, 2, 3, 4, 1, 2, ...`. Its input and output are not
//! constrained by row constraints but by buses: preprocessed selectors
//! `first` and `last` (1 on the first, resp. last, row) make the table
//! receive its first `x` on bus 0 and send its last `x` on bus 1, and the
//! public inputs `x_0`, `x_last` are sent on bus 0 and received on bus 1
//! ([`Air::public_interactions`]). The buses balance exactly when the trace
//! starts at `x_0` and ends at `x_last`.
//!
//! Parameters `[log_rows]`; public inputs `[x_0, x_last]`.

use super::{matrix, Generated};
use crate::air::{Air, AirError, PublicInteraction, TableSpec};
use backend_api::expr::{ConstraintSystem, RowSet};
use backend_api::{Fp, HostMatrix, Interaction, InteractionKind, RowExpr};

/// The AIR's name.
pub const NAME: &str = "squares";
/// Bus carrying the input.
pub const INPUT_BUS: u32 = 0;
/// Bus carrying the output.
pub const OUTPUT_BUS: u32 = 1;
/// The periodic round constants.
pub const ROUND_CONSTANTS: [u32; 4] = [1, 2, 3, 4];

/// The `squares` AIR: one table of `2^log_rows` rows.
#[derive(Clone, Debug)]
pub struct Squares {
    /// The table has `2^log_rows` rows (`2..=26`).
    pub log_rows: u32,
}

impl Squares {
    /// The AIR. Errors: [`AirError::BadParams`] if `log_rows` is not in
    /// `2..=26`.
    pub fn new(log_rows: u32) -> Result<Self, AirError> {
        Ok(Squares {
            log_rows: super::log_rows_in(NAME, log_rows, 2..=26)?,
        })
    }

    /// The AIR from its parameters `[log_rows]`.
    pub fn from_params(params: &[u64]) -> Result<Self, AirError> {
        Self::new(super::log_rows_param(NAME, params, 2..=26)?)
    }

    /// The AIR, its public inputs `[x_0, x_last]` and its trace, from
    /// `x_0 = start`. Errors: those of [`new`](Self::new).
    pub fn generate(log_rows: u32, start: Fp) -> Generated<Squares, HostMatrix<Fp>> {
        let air = Self::new(log_rows)?;
        let n = 1usize << log_rows;
        let mut x = Vec::with_capacity(n);
        x.push(start);
        for r in 1..n {
            let k = Fp::from(ROUND_CONSTANTS[(r - 1) % ROUND_CONSTANTS.len()]);
            x.push(x[r - 1] * x[r - 1] + k);
        }
        let public = vec![x[0], x[n - 1]];
        Ok((air, public, matrix(&[x])))
    }
}

impl Air for Squares {
    fn name(&self) -> String {
        NAME.into()
    }

    fn params(&self) -> Vec<u64> {
        vec![self.log_rows as u64]
    }

    fn num_public_inputs(&self) -> usize {
        2
    }

    fn tables(&self) -> Vec<TableSpec> {
        let mut cs = ConstraintSystem::new(1, 0, 0, 2)
            .with_preprocessed(2)
            .with_periodic(1);
        let (x, x1, k) = (cs.main(0), cs.main_next(0), cs.periodic(0));
        let sq = cs.mul(x, x);
        let next = cs.add(sq, k);
        let step = cs.sub(x1, next);
        cs.constrain(step, RowSet::Transition);
        let io = |bus, kind, selector| Interaction {
            bus,
            kind,
            values: vec![RowExpr::main(0)],
            multiplicity: RowExpr::preprocessed(selector),
        };
        vec![TableSpec::new("squares", self.log_rows, cs)
            .with_periodic(vec![ROUND_CONSTANTS.iter().map(|&k| Fp::from(k)).collect()])
            .with_interactions(vec![
                io(INPUT_BUS, InteractionKind::Receive, 0),
                io(OUTPUT_BUS, InteractionKind::Send, 1),
            ])]
    }

    fn preprocessed_trace(&self, _table: usize) -> Option<HostMatrix<Fp>> {
        let n = 1usize << self.log_rows;
        let selector = |row: usize| (0..n).map(|r| Fp::from(u32::from(r == row))).collect();
        Some(matrix(&[selector(0), selector(n - 1)]))
    }

    fn public_interactions(&self, public: &[Fp]) -> Vec<PublicInteraction> {
        let message = |bus, kind, value| PublicInteraction {
            bus,
            kind,
            values: vec![value],
            multiplicity: Fp::ONE,
        };
        vec![
            message(INPUT_BUS, InteractionKind::Send, public[0]),
            message(OUTPUT_BUS, InteractionKind::Receive, public[1]),
        ]
    }
}
