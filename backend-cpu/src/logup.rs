//! LogUp fingerprints, term columns and running sum, in row chunks.
//!
//! Interaction values and multiplicities are [`RowExpr`] postfix programs,
//! run per row on a reused scratch stack ([`RowExpr::eval_with`]).
//!
//! For a chunk of rows, one pass computes every interaction's fingerprint
//! `f_k(r) = z - (bus_k + sum_i alpha^i v_{k,i}(r))` into per-thread scratch,
//! batch-inverts the chunk (one field inversion, 1/0 = 0), and writes the
//! term columns `t_j(r) = s_a m_a / f_a + s_b m_b / f_b` and each row's sum
//! `sum_j t_j(r)`. The running sum `phi(r) = sum_{r' <= r} row_sum(r')` is
//! then a parallel prefix sum: each chunk's total, an exclusive scan over
//! the chunk totals (in chunk order), and each chunk's local inclusive scan
//! started from its offset. Field addition is exact, so this equals the
//! sequential sum bit for bit.

use crate::alloc::zeroed;
use crate::inverse::invert_chunk;
use backend_api::{Fp, Fp3, Interaction, LogUpChallenges, RowExpr};
use rayon::prelude::*;

/// Rows per chunk.
const CHUNK: usize = 1 << 10;

/// An interaction with its challenge powers resolved.
struct Prepared<'a> {
    it: &'a Interaction,
    /// `alpha^1 .. alpha^len` for the values.
    powers: Vec<Fp3>,
    /// `z - bus`.
    z_minus_bus: Fp3,
    sign: Fp,
}

fn prepare<'a>(interactions: &'a [Interaction], ch: &LogUpChallenges) -> Vec<Prepared<'a>> {
    interactions
        .iter()
        .map(|it| {
            let mut p = ch.alpha;
            let powers = it
                .values
                .iter()
                .map(|_| {
                    let q = p;
                    p *= ch.alpha;
                    q
                })
                .collect();
            Prepared {
                it,
                powers,
                z_minus_bus: ch.z - Fp3::from_base(Fp::from(it.bus)),
                sign: it.kind.sign(),
            }
        })
        .collect()
}

/// The column-major main and preprocessed traces of one table, height `h`.
#[derive(Clone, Copy)]
pub struct Rows<'a> {
    pub main: &'a [Fp],
    pub pre: &'a [Fp],
    pub h: usize,
}

impl Rows<'_> {
    /// `e` on row `r`; `stack` is scratch (its contents are discarded).
    #[inline]
    fn eval(&self, e: &RowExpr, r: usize, stack: &mut Vec<Fp>) -> Fp {
        let h = self.h;
        e.eval_with(stack, |c| self.main[c * h + r], |c| self.pre[c * h + r])
    }

    #[inline]
    fn fingerprint(&self, p: &Prepared, r: usize, stack: &mut Vec<Fp>) -> Fp3 {
        let mut acc = p.z_minus_bus;
        for (v, &pw) in p.it.values.iter().zip(&p.powers) {
            acc -= pw.mul_base(self.eval(v, r, stack));
        }
        acc
    }
}

/// Fingerprints, column-major: width `interactions.len()`, height `h`.
pub fn fingerprints(rows: Rows, interactions: &[Interaction], ch: &LogUpChallenges) -> Vec<Fp3> {
    let prep = prepare(interactions, ch);
    let h = rows.h;
    let mut out = zeroed::<Fp3>(h * prep.len());
    out.par_chunks_mut(h).zip(&prep).for_each(|(col, p)| {
        col.par_chunks_mut(CHUNK)
            .enumerate()
            .for_each_init(Vec::new, |stack, (b, chunk)| {
                for (i, v) in chunk.iter_mut().enumerate() {
                    *v = rows.fingerprint(p, b * CHUNK + i, stack);
                }
            });
    });
    out
}

/// The auxiliary trace (column-major, width `ceil(k/2) + 1`, height `h`)
/// and the total `phi(h - 1)`.
pub fn aux_trace(
    rows: Rows,
    interactions: &[Interaction],
    ch: &LogUpChallenges,
) -> (Vec<Fp3>, Fp3) {
    let h = rows.h;
    let prep = prepare(interactions, ch);
    let k = prep.len();
    let terms = k.div_ceil(2);
    let mut aux = zeroed::<Fp3>(h * (terms + 1));
    // Hand each row chunk its slice of every column.
    let mut per_chunk: Vec<Vec<&mut [Fp3]>> = (0..h.div_ceil(CHUNK)).map(|_| Vec::new()).collect();
    for col in aux.chunks_mut(h) {
        for (b, piece) in col.chunks_mut(CHUNK).enumerate() {
            per_chunk[b].push(piece);
        }
    }
    // Pass 1: terms and row sums (into the running-sum column); returns the
    // chunk's total.
    let totals: Vec<Fp3> = per_chunk
        .par_iter_mut()
        .enumerate()
        .map_init(
            || (Vec::new(), Vec::new(), Vec::new()),
            |(inv, prefix, stack), (b, cols)| {
                let r0 = b * CHUNK;
                let len = cols[0].len();
                // inv[i * k + a] = 1 / f_a(r0 + i).
                inv.clear();
                for i in 0..len {
                    for p in &prep {
                        inv.push(rows.fingerprint(p, r0 + i, stack));
                    }
                }
                invert_chunk(inv, prefix);
                let (term_cols, phi) = cols.split_at_mut(terms);
                let phi = &mut phi[0];
                let mut total = Fp3::ZERO;
                for i in 0..len {
                    let mut row_sum = Fp3::ZERO;
                    for (j, col) in term_cols.iter_mut().enumerate() {
                        let mut t = Fp3::ZERO;
                        for a in [2 * j, 2 * j + 1].into_iter().filter(|&a| a < k) {
                            let m =
                                prep[a].sign * rows.eval(&prep[a].it.multiplicity, r0 + i, stack);
                            t += inv[i * k + a].mul_base(m);
                        }
                        col[i] = t;
                        row_sum += t;
                    }
                    phi[i] = row_sum;
                    total += row_sum;
                }
                total
            },
        )
        .collect();
    // Exclusive scan of the chunk totals, in chunk order.
    let mut offsets = Vec::with_capacity(totals.len());
    let mut acc = Fp3::ZERO;
    for t in &totals {
        offsets.push(acc);
        acc += *t;
    }
    // Pass 2: each chunk's inclusive scan from its offset.
    per_chunk
        .par_iter_mut()
        .zip(offsets)
        .for_each(|(cols, offset)| {
            let mut run = offset;
            for v in cols[terms].iter_mut() {
                run += *v;
                *v = run;
            }
        });
    (aux, acc)
}
