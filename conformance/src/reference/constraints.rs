//! Constraint evaluation (primitive 9) the long way, written without the
//! helpers of `backend_api::expr`, so that it
//! cross-checks them: the DAG is interpreted node by node, the next row's
//! position is found by searching the domain for `x * g`, a periodic
//! table entry by searching the table's domain for the point, and every
//! zerofier is computed from its definition and inverted on its own.

use backend_api::expr::{CompositionDomain, ConstraintParams, ConstraintSystem, Node, RowSet};
use backend_api::{Coset, DeviceResult, Fp, Fp3, HostMatrix, Order, TraceColumns};

/// The zerofier of `rows` for `n = 2^log_n` rows at `x`.
fn zerofier(rows: RowSet, x: Fp, log_n: u32) -> Fp {
    let n = 1u64 << log_n;
    let g = Fp::root_of_unity(log_n).expect("log_n <= 32");
    let vanishing = x.pow(n) - Fp::ONE;
    let last_row = x - g.pow(n - 1);
    match rows {
        RowSet::FirstRow => x - Fp::ONE,
        RowSet::LastRow => last_row,
        RowSet::Transition => vanishing * last_row.inverse().expect("x off H_n"),
        RowSet::EveryRow => vanishing,
    }
}

/// The entry of a periodic table (`L` entries, entry `t` belonging to the
/// point `shift * omega_M^t` of the domain `shift * H_M` and to every point
/// with the same `(M/L)`-th power) read at the point `x`: the entry `t`
/// with `(shift * omega_M^t)^(M/L) = x^(M/L)`, found by search.
fn periodic_entry(table: &[Fp], x: Fp, domain: &CompositionDomain) -> Fp {
    let m = 1u64 << domain.log_eval;
    let len = table.len() as u64;
    let omega = Fp::root_of_unity(domain.log_eval).expect("checked");
    let power = m / len;
    let t = (0..len)
        .find(|&t| (domain.shift * omega.pow(t)).pow(power) == x.pow(power))
        .expect("x lies in shift * H_M");
    table[t as usize]
}

pub(crate) fn evaluate(
    system: &ConstraintSystem,
    trace: TraceColumns<'_, Vec<Fp>>,
    aux: Option<&HostMatrix<Fp3>>,
    domain: &CompositionDomain,
    params: &ConstraintParams<'_>,
) -> DeviceResult<HostMatrix<Fp3>> {
    let (main, pre) = (trace.main, trace.preprocessed);
    let (challenges, public, alpha) = (params.challenges, params.public, params.alpha);
    let m = 1usize << domain.log_eval;
    // Positions 0..M of the bit-reversed LDE vector.
    let lde = Coset::new(domain.log_lde, domain.shift, Order::BitReversed);
    let points: Vec<Fp> = (0..m).map(|k| lde.point(k)).collect();
    let g = Fp::root_of_unity(domain.log_n).expect("checked");
    let next: Vec<usize> = points
        .iter()
        .map(|&x| {
            points
                .iter()
                .position(|&y| y == x * g)
                .expect("x * g lies in shift * H_M")
        })
        .collect();
    let out: Vec<Fp3> = (0..m)
        .map(|k| {
            let row = |next_row: bool| if next_row { next[k] } else { k };
            let mut values: Vec<Fp3> = Vec::with_capacity(system.nodes.len());
            for node in &system.nodes {
                let v = match *node {
                    Node::Const(c) => Fp3::from_base(c),
                    Node::Main { col, next } => Fp3::from_base(main.get(row(next), col)),
                    Node::Preprocessed { col, next } => {
                        Fp3::from_base(pre.expect("checked present").get(row(next), col))
                    }
                    Node::Periodic(i) => {
                        Fp3::from_base(periodic_entry(&params.periodic[i], points[k], domain))
                    }
                    Node::Aux { col, next } => aux.expect("checked present").get(row(next), col),
                    Node::Challenge(i) => challenges[i],
                    Node::Public(i) => Fp3::from_base(public[i]),
                    Node::Add(a, b) => values[a.index()] + values[b.index()],
                    Node::Sub(a, b) => values[a.index()] - values[b.index()],
                    Node::Mul(a, b) => values[a.index()] * values[b.index()],
                    Node::Neg(a) => -values[a.index()],
                };
                values.push(v);
            }
            let mut acc = Fp3::ZERO;
            let mut power = Fp3::ONE;
            for c in &system.constraints {
                let z_inv = zerofier(c.rows, points[k], domain.log_n)
                    .inverse()
                    .expect("shift off the two-adic subgroup");
                acc += power * values[c.expr.index()] * z_inv;
                power *= alpha;
            }
            acc
        })
        .collect();
    Ok(HostMatrix::from_columns(&[out]).expect("one column"))
}
