//! Primitive 9, constraint evaluation: an interpreter over the expression
//! DAG, parallel over chunks of LDE positions (see the contract on
//! `ProverDevice::evaluate_constraints`).
//!
//! Per chunk of positions `k`: the points `x_k` (from a natural-order table
//! of `shift * omega_M^i`), the inverse zerofiers (`1/(x^n - 1)` takes only
//! `M/n` values, `x^n = shift^n * omega_{M/n}^(i mod M/n)`; `1/(x - 1)` and
//! `1/(x - g^(n-1))` by one batch inversion per chunk), then every node in
//! index order per position, base-field nodes with base-field arithmetic.

use backend_api::expr::{CompositionDomain, ConstraintParams, ConstraintSystem, Node, RowSet};
use backend_api::{bit_reverse, DeviceResult, Fp, Fp3, Matrix, TraceColumns};
use rayon::prelude::*;

/// Positions per parallel task.
const CHUNK: usize = 1024;

/// Inverts every element in place (all are non-zero by construction: the
/// domain avoids the trace domain).
fn invert_all(v: &mut [Fp]) {
    let mut prefix = Vec::with_capacity(v.len());
    let mut acc = Fp::ONE;
    for x in v.iter() {
        prefix.push(acc);
        acc *= *x;
    }
    let mut inv = acc.inverse_or_zero();
    for (x, p) in v.iter_mut().zip(prefix).rev() {
        let next = inv * *x;
        *x = inv * p;
        inv = next;
    }
}

pub fn evaluate(
    system: &ConstraintSystem,
    trace: TraceColumns<'_, Vec<Fp>>,
    aux: Option<&Matrix<Vec<Fp3>>>,
    domain: &CompositionDomain,
    params: &ConstraintParams<'_>,
) -> DeviceResult<Matrix<Vec<Fp3>>> {
    let (challenges, public, periodic) = (params.challenges, params.public, params.periodic);
    let log_m = domain.log_eval;
    let m = 1usize << log_m;
    let n = 1u64 << domain.log_n;
    let q = m >> domain.log_n;
    let g_last = Fp::root_of_unity(domain.log_n)
        .expect("checked log_n <= 32")
        .pow(n - 1);
    let omega = Fp::root_of_unity(log_m).expect("checked log_eval <= 32");

    // Natural-order points shift * omega^i, built in parallel chunks.
    let mut points = vec![Fp::ZERO; m];
    points
        .par_chunks_mut(CHUNK)
        .enumerate()
        .for_each(|(c, chunk)| {
            let mut x = domain.shift * omega.pow((c * CHUNK) as u64);
            for p in chunk {
                *p = x;
                x *= omega;
            }
        });
    // 1/(x^n - 1) for the q values of x^n.
    let omega_q = Fp::root_of_unity(q.trailing_zeros()).expect("q <= M");
    let shift_n = domain.shift.pow(n);
    let mut inv_every: Vec<Fp> = (0..q)
        .map(|j| shift_n * omega_q.pow(j as u64) - Fp::ONE)
        .collect();
    invert_all(&mut inv_every);

    let base = system.base_field_nodes();
    let mut powers = Vec::with_capacity(system.constraints.len());
    let mut p = Fp3::ONE;
    for _ in &system.constraints {
        powers.push(p);
        p *= params.alpha;
    }
    let needs_first = system
        .constraints
        .iter()
        .any(|c| c.rows == RowSet::FirstRow);
    let needs_last = system
        .constraints
        .iter()
        .any(|c| matches!(c.rows, RowSet::LastRow | RowSet::Transition));
    let main_cols: Vec<&[Fp]> = trace.main.columns().collect();
    let pre_cols: Vec<&[Fp]> = trace
        .preprocessed
        .map(|p| p.columns().collect())
        .unwrap_or_default();
    let aux_cols: Vec<&[Fp3]> = aux.map(|a| a.columns().collect()).unwrap_or_default();

    let mut out = vec![Fp3::ZERO; m];
    out.par_chunks_mut(CHUNK)
        .enumerate()
        .for_each(|(c, chunk)| {
            let start = c * CHUNK;
            let len = chunk.len();
            let nat: Vec<usize> = (start..start + len)
                .map(|k| bit_reverse(k, log_m))
                .collect();
            let xs: Vec<Fp> = nat.iter().map(|&i| points[i]).collect();
            let mut inv_first: Vec<Fp> = Vec::new();
            if needs_first {
                inv_first = xs.iter().map(|&x| x - Fp::ONE).collect();
                invert_all(&mut inv_first);
            }
            let mut last_factor: Vec<Fp> = Vec::new();
            let mut inv_last: Vec<Fp> = Vec::new();
            if needs_last {
                last_factor = xs.iter().map(|&x| x - g_last).collect();
                inv_last = last_factor.clone();
                invert_all(&mut inv_last);
            }
            let mut vals = vec![Fp3::ZERO; system.nodes.len()];
            for (r, o) in chunk.iter_mut().enumerate() {
                let k = start + r;
                let next = domain.next_position(k);
                for (i, node) in system.nodes.iter().enumerate() {
                    vals[i] = match *node {
                        Node::Const(v) => Fp3::from_base(v),
                        Node::Main { col, next: nx } => {
                            Fp3::from_base(main_cols[col][if nx { next } else { k }])
                        }
                        Node::Preprocessed { col, next: nx } => {
                            Fp3::from_base(pre_cols[col][if nx { next } else { k }])
                        }
                        Node::Periodic(i) => {
                            let t = &periodic[i];
                            Fp3::from_base(t[nat[r] & (t.len() - 1)])
                        }
                        Node::Aux { col, next: nx } => aux_cols[col][if nx { next } else { k }],
                        Node::Challenge(j) => challenges[j],
                        Node::Public(j) => Fp3::from_base(public[j]),
                        // Base-field nodes: arithmetic on the base limb only.
                        Node::Add(a, b) if base[i] => {
                            Fp3::from_base(vals[a.index()].0[0] + vals[b.index()].0[0])
                        }
                        Node::Sub(a, b) if base[i] => {
                            Fp3::from_base(vals[a.index()].0[0] - vals[b.index()].0[0])
                        }
                        Node::Neg(a) if base[i] => Fp3::from_base(-vals[a.index()].0[0]),
                        Node::Add(a, b) => vals[a.index()] + vals[b.index()],
                        Node::Sub(a, b) => vals[a.index()] - vals[b.index()],
                        Node::Mul(a, b) => {
                            let (va, vb) = (vals[a.index()], vals[b.index()]);
                            match (base[a.index()], base[b.index()]) {
                                (true, true) => Fp3::from_base(va.0[0] * vb.0[0]),
                                (true, false) => vb.mul_base(va.0[0]),
                                (false, true) => va.mul_base(vb.0[0]),
                                (false, false) => va * vb,
                            }
                        }
                        Node::Neg(a) => -vals[a.index()],
                    };
                }
                // sum_k alpha^k C_k / Z_k, summed per row set (one zerofier
                // each) and a base-field C_k multiplied as one.
                let mut sums = [Fp3::ZERO; 4];
                for (con, power) in system.constraints.iter().zip(&powers) {
                    let e = con.expr.index();
                    sums[con.rows.tag() as usize] += match base[e] {
                        true => power.mul_base(vals[e].0[0]),
                        false => *power * vals[e],
                    };
                }
                let every = inv_every[nat[r] & (q - 1)];
                let zinv = |rows: RowSet| match rows {
                    RowSet::FirstRow => inv_first[r],
                    RowSet::LastRow => inv_last[r],
                    RowSet::Transition => last_factor[r] * every,
                    RowSet::EveryRow => every,
                };
                let rows = [
                    RowSet::FirstRow,
                    RowSet::LastRow,
                    RowSet::Transition,
                    RowSet::EveryRow,
                ];
                *o = rows
                    .into_iter()
                    .filter(|rs| sums[rs.tag() as usize] != Fp3::ZERO)
                    .map(|rs| sums[rs.tag() as usize].mul_base(zinv(rs)))
                    .sum();
            }
        });
    Ok(Matrix::new(out, 1, m).expect("one column of M"))
}
