//! `fib-wide`: `W` columns (W even), each pair `(a, b)` a Fibonacci
//! recurrence `a' = b, b' = a + b` started from public inputs, with the last
//! row's `b` checked against a public output.
//!
//! Parameters `[W, log_rows]`; public inputs, per pair `p`: `a_0, b_0,
//! b_last` (so `3 W / 2` of them). The generated witness starts pair `p` at
//! `(p, p + 1)`.

use super::{matrix, two_params, zero_columns, Generated};
use crate::air::{Air, AirError, TableSpec};
use backend_api::expr::{ConstraintSystem, RowSet};
use backend_api::{Fp, HostMatrix};

/// The AIR's name.
pub const NAME: &str = "fib-wide";

/// The `fib-wide` AIR: one table of `cols` columns and `2^log_rows` rows.
#[derive(Clone, Debug)]
pub struct FibWide {
    /// Main-trace width `W` (even, `2..=4096`).
    pub cols: usize,
    /// The table has `2^log_rows` rows (`2..=26`).
    pub log_rows: u32,
}

impl FibWide {
    /// The AIR for `cols` columns and `2^log_rows` rows. Errors:
    /// [`AirError::BadParams`] if `cols` is not even in `2..=4096` or
    /// `log_rows` is not in `2..=26`.
    pub fn new(cols: usize, log_rows: u32) -> Result<Self, AirError> {
        let bad = |reason: &str| {
            Err(AirError::BadParams {
                air: NAME.into(),
                reason: reason.into(),
            })
        };
        if cols == 0 || !cols.is_multiple_of(2) || cols > 4096 {
            return bad("column count must be even, 2..=4096");
        }
        if !(2..=26).contains(&log_rows) {
            return bad("log_rows must be in 2..=26");
        }
        Ok(FibWide { cols, log_rows })
    }

    /// The AIR from its parameters `[W, log_rows]`.
    pub fn from_params(params: &[u64]) -> Result<Self, AirError> {
        let (cols, log_rows) = two_params(NAME, params)?;
        let fit = |v: u64| usize::try_from(v).unwrap_or(usize::MAX);
        Self::new(fit(cols), u32::try_from(log_rows).unwrap_or(u32::MAX))
    }

    /// The AIR, its public inputs and its trace. Errors: those of
    /// [`new`](Self::new), and a trace that does not fit in memory.
    pub fn generate(cols: usize, log_rows: u32) -> Generated<FibWide, HostMatrix<Fp>> {
        let air = Self::new(cols, log_rows)?;
        let n = 1usize << log_rows;
        let mut columns = zero_columns(NAME, cols, n)?;
        let mut public = Vec::with_capacity(3 * cols / 2);
        for (p, pair) in columns.chunks_exact_mut(2).enumerate() {
            let [a, b] = pair else {
                unreachable!("chunks of two")
            };
            a[0] = Fp::from(p as u32);
            b[0] = Fp::from(p as u32 + 1);
            for r in 1..n {
                a[r] = b[r - 1];
                b[r] = a[r - 1] + b[r - 1];
            }
            public.extend([a[0], b[0], b[n - 1]]);
        }
        Ok((air, public, matrix(&columns)))
    }
}

impl Air for FibWide {
    fn name(&self) -> String {
        NAME.into()
    }

    fn params(&self) -> Vec<u64> {
        vec![self.cols as u64, self.log_rows as u64]
    }

    fn num_public_inputs(&self) -> usize {
        3 * self.cols / 2
    }

    fn tables(&self) -> Vec<TableSpec> {
        let mut cs = ConstraintSystem::new(self.cols, 0, 0, self.num_public_inputs());
        for p in 0..self.cols / 2 {
            let (a, b) = (cs.main(2 * p), cs.main(2 * p + 1));
            let (a1, b1) = (cs.main_next(2 * p), cs.main_next(2 * p + 1));
            let t0 = cs.sub(a1, b);
            cs.constrain(t0, RowSet::Transition);
            let ab = cs.add(a, b);
            let t1 = cs.sub(b1, ab);
            cs.constrain(t1, RowSet::Transition);
            let (pa, pb, out) = (cs.public(3 * p), cs.public(3 * p + 1), cs.public(3 * p + 2));
            let f0 = cs.sub(a, pa);
            cs.constrain(f0, RowSet::FirstRow);
            let f1 = cs.sub(b, pb);
            cs.constrain(f1, RowSet::FirstRow);
            let l = cs.sub(b, out);
            cs.constrain(l, RowSet::LastRow);
        }
        vec![TableSpec::new("fib", self.log_rows, cs)]
    }
}
