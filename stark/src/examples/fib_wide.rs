//! `fib-wide`: `W` columns (W even), each pair `(a, b)` a Fibonacci
//! recurrence `a' = b, b' = a + b` started from public inputs, with the last
//! row's `b` checked against a public output.
//!
//! Parameters `[W, log_rows]`; public inputs, per pair `p`: `a_0, b_0,
//! b_last` (so `3 W / 2` of them). The generated witness starts pair `p` at
//! `(p, p + 1)`.

use crate::air::{Air, AirError, AirInstance, TableSpec};
use backend_api::expr::{ConstraintSystem, RowSet};
use backend_api::{Fp, HostMatrix, Matrix};

/// The AIR's name in the registry ([`crate::examples::air_from_instance`]).
pub const NAME: &str = "fib-wide";

/// The `fib-wide` AIR: one table of `cols` columns and `2^log_rows` rows.
#[derive(Clone, Debug)]
pub struct FibWide {
    /// Main-trace width `W` (even, `2..=4096`).
    pub cols: usize,
    /// The table has `2^log_rows` rows (`2..=26`).
    pub log_rows: u32,
    /// Public inputs, per column pair `p`: `a_0, b_0, b_last`.
    pub public: Vec<Fp>,
}

fn check_params(cols: u64, log_rows: u64) -> Result<(), AirError> {
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
    Ok(())
}

impl FibWide {
    /// The AIR and its trace for `cols` columns and `2^log_rows` rows.
    /// Errors: [`AirError::BadParams`] if `cols` is not even in `2..=4096` or
    /// `log_rows` is not in `2..=26`.
    pub fn generate(cols: usize, log_rows: u32) -> Result<(FibWide, HostMatrix<Fp>), AirError> {
        check_params(cols as u64, log_rows as u64)?;
        let n = 1usize << log_rows;
        let mut buf = vec![Fp::ZERO; cols * n];
        let mut public = Vec::with_capacity(3 * cols / 2);
        for (p, pair) in buf.chunks_exact_mut(2 * n).enumerate() {
            let (a, b) = pair.split_at_mut(n);
            a[0] = Fp::from(p as u32);
            b[0] = Fp::from(p as u32 + 1);
            for r in 1..n {
                a[r] = b[r - 1];
                b[r] = a[r - 1] + b[r - 1];
            }
            public.extend([a[0], b[0], b[n - 1]]);
        }
        let trace = Matrix::new(buf, cols, n).expect("cols * n elements");
        Ok((
            FibWide {
                cols,
                log_rows,
                public,
            },
            trace,
        ))
    }

    /// Rebuilds the AIR from `inst.params = [W, log_rows]` and its public
    /// inputs. Errors: [`AirError::BadParams`] for a wrong parameter count,
    /// out-of-range parameters or a public-input count other than `3 W / 2`.
    pub fn from_instance(inst: &AirInstance) -> Result<FibWide, AirError> {
        let [cols, log_rows] = inst.params[..] else {
            return Err(AirError::BadParams {
                air: NAME.into(),
                reason: format!("expected 2 parameters, got {}", inst.params.len()),
            });
        };
        check_params(cols, log_rows)?;
        if inst.public_inputs.len() as u64 != 3 * cols / 2 {
            return Err(AirError::BadParams {
                air: NAME.into(),
                reason: "expected 3 public inputs per column pair".into(),
            });
        }
        Ok(FibWide {
            cols: cols as usize,
            log_rows: log_rows as u32,
            public: inst.public_inputs.clone(),
        })
    }
}

impl Air for FibWide {
    fn instance(&self) -> AirInstance {
        AirInstance {
            name: NAME.into(),
            params: vec![self.cols as u64, self.log_rows as u64],
            public_inputs: self.public.clone(),
        }
    }

    fn tables(&self) -> Vec<TableSpec> {
        let mut cs = ConstraintSystem::new(self.cols, 0, 0, self.public.len());
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
        vec![TableSpec {
            name: "fib".into(),
            log_height: self.log_rows,
            width: self.cols,
            constraints: cs,
            interactions: Vec::new(),
        }]
    }
}
