//! Constraint evaluation (`ProverDevice::evaluate_constraints`) with the
//! DAG evaluator `backend-api` exports: at each position `k < M` of the
//! bit-reversed LDE, `ConstraintSystem::eval_nodes` over this position's
//! leaf values, then `combine` with the inverse zerofiers.
//!
//! Position `k < M` of a bit-reversed vector of size `2^log_lde >= M` holds
//! the point of natural index `j = br(k, log_eval)` of `shift * H_M`. The
//! next row's point `x * omega_n` has natural index `j + M / n (mod M)`, and
//! a periodic table of `L` entries gives that point entry `j mod L`.

use backend_api::expr::{
    zerofier_inverses, CompositionDomain, ConstraintParams, ConstraintSystem, LeafValues,
};
use backend_api::{bit_reverse, Fp, Fp3, HostMatrix, TraceColumns};

/// The leaf values at one position.
struct Position<'a> {
    trace: TraceColumns<'a, Vec<Fp>>,
    aux: Option<&'a HostMatrix<Fp3>>,
    periodic: &'a [Vec<Fp>],
    /// Rows of the current and the next point.
    rows: [usize; 2],
    /// Natural index of the current point in `shift * H_M`.
    natural: usize,
}

impl LeafValues for Position<'_> {
    fn main(&self, col: usize, next: bool) -> Fp3 {
        Fp3::from_base(self.trace.main.get(self.rows[usize::from(next)], col))
    }
    fn preprocessed(&self, col: usize, next: bool) -> Fp3 {
        let pre = self.trace.preprocessed.expect("checked: present when read");
        Fp3::from_base(pre.get(self.rows[usize::from(next)], col))
    }
    fn aux(&self, col: usize, next: bool) -> Fp3 {
        let aux = self.aux.expect("checked: present when read");
        aux.get(self.rows[usize::from(next)], col)
    }
    fn periodic(&self, i: usize) -> Fp3 {
        let table = &self.periodic[i];
        Fp3::from_base(table[self.natural % table.len()])
    }
}

pub(crate) fn evaluate(
    system: &ConstraintSystem,
    trace: TraceColumns<'_, Vec<Fp>>,
    aux: Option<&HostMatrix<Fp3>>,
    domain: &CompositionDomain,
    params: &ConstraintParams<'_>,
) -> HostMatrix<Fp3> {
    let log_m = domain.log_eval;
    let m = 1usize << log_m;
    let step = m >> domain.log_n;
    let omega = Fp::root_of_unity(log_m).expect("checked: log_eval <= 32");
    let out: Vec<Fp3> = (0..m)
        .map(|k| {
            let natural = bit_reverse(k, log_m);
            let next = bit_reverse((natural + step) % m, log_m);
            let x = Fp3::from_base(domain.shift * omega.pow(natural as u64));
            let leaves = Position {
                trace,
                aux,
                periodic: params.periodic,
                rows: [k, next],
                natural,
            };
            let values = system.eval_nodes(&leaves, params.challenges, params.public);
            let zinv = zerofier_inverses(x, domain.log_n).expect("checked: shift off H_n");
            system.combine(&values, params.alpha, &zinv)
        })
        .collect();
    HostMatrix::from_columns(&[out]).expect("one column")
}
