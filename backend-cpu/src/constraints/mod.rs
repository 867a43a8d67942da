//! Primitive 9, constraint evaluation: the expression DAG compiled once
//! into a slot program (`program.rs`) run over batches of positions,
//! parallel over chunks of LDE positions (see the contract on
//! `ProverDevice::evaluate_constraints`).
//!
//! Per chunk of positions `k`: the points `x_k` (from a natural-order table
//! of `shift * omega_M^i`), the inverse zerofiers (`1/(x^n - 1)` takes only
//! `M/n` values, `x^n = shift^n * omega_{M/n}^(i mod M/n)`; `1/(x - 1)` and
//! `1/(x - g^(n-1))` by one batch inversion per chunk), then the program
//! over batches of `LANES` positions, and per position the row sets' sums
//! of `alpha^k C_k`, each divided by its zerofier.

use crate::alloc::zeroed;
use backend_api::expr::{CompositionDomain, ConstraintParams, ConstraintSystem, RowSet};
use backend_api::{bit_reverse, DeviceResult, Fp, Fp3, Matrix, TraceColumns};
use program::{Batch, Inputs, Lanes, Program, RowSetSums, LANES};
use rayon::prelude::*;

mod program;

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
    let mut points = zeroed::<Fp>(m);
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

    let mut powers = Vec::with_capacity(system.constraints.len());
    let mut p = Fp3::ONE;
    for _ in &system.constraints {
        powers.push(p);
        p *= params.alpha;
    }
    let program = Program::compile(system, &powers, challenges, public, Lanes::detect());
    let has = |rows: RowSet| system.constraints.iter().any(|c| c.rows == rows);
    let row_sets: Vec<RowSet> = [
        RowSet::FirstRow,
        RowSet::LastRow,
        RowSet::Transition,
        RowSet::EveryRow,
    ]
    .into_iter()
    .filter(|&rs| has(rs))
    .collect();
    let needs_first = has(RowSet::FirstRow);
    let needs_last = has(RowSet::LastRow) || has(RowSet::Transition);
    let main_cols: Vec<&[Fp]> = trace.main.columns().collect();
    let pre_cols: Vec<&[Fp]> = trace
        .preprocessed
        .map(|p| p.columns().collect())
        .unwrap_or_default();
    let aux_cols: Vec<&[Fp3]> = aux.map(|a| a.columns().collect()).unwrap_or_default();
    let inputs = Inputs {
        main: &main_cols,
        pre: &pre_cols,
        aux: &aux_cols,
        periodic,
    };

    let mut out = zeroed::<Fp3>(m);
    out.par_chunks_mut(CHUNK).enumerate().for_each_init(
        || (program.registers(), RowSetSums::new()),
        |(regs, sums), (c, chunk)| {
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
            for (b, lanes) in chunk.chunks_mut(LANES).enumerate() {
                let r0 = b * LANES;
                let mut batch = Batch {
                    len: lanes.len(),
                    row: [0; LANES],
                    next: [0; LANES],
                    nat: [0; LANES],
                    row_run: None,
                    next_run: None,
                };
                for l in 0..lanes.len() {
                    let k = start + r0 + l;
                    batch.row[l] = k;
                    batch.next[l] = domain.next_position(k);
                    batch.nat[l] = nat[r0 + l];
                }
                batch.find_runs();
                sums.clear();
                program.run(&inputs, &batch, regs, sums);
                // sum over row sets of (sum_k alpha^k C_k) / Z.
                for (l, o) in lanes.iter_mut().enumerate() {
                    let r = r0 + l;
                    let every = inv_every[nat[r] & (q - 1)];
                    let zinv = |rows: RowSet| match rows {
                        RowSet::FirstRow => inv_first[r],
                        RowSet::LastRow => inv_last[r],
                        RowSet::Transition => last_factor[r] * every,
                        RowSet::EveryRow => every,
                    };
                    *o = row_sets
                        .iter()
                        .map(|&rs| sums.get(rs.tag() as usize, l).mul_base(zinv(rs)))
                        .sum();
                }
            }
        },
    );
    Ok(Matrix::new(out, 1, m).expect("one column of M"))
}
