//! DEEP composition: `out(x) = sum_k gamma^k (f_c(x) - v_{p,c}) / (x - z_p)`.
//!
//! The terms are numbered in the contract's order (base openings, then ext
//! openings; within one, its evaluations; within one evaluation, columns
//! from 0 up) and grouped by point:
//! `out(x) = sum_p (A_p(x) - V_p) / (x - z_p)` with
//! `A_p(x) = sum gamma^k f_c(x)` and `V_p = sum gamma^k v_{p,c}` over the
//! terms of point `p`. Field arithmetic is exact, so the regrouping gives
//! the same value as the term-by-term sum. Rows run in parallel chunks; per
//! chunk and point, the `1/(x - z_p)` are one batch inversion.

use crate::inverse::invert_chunk;
use crate::ood::times_ext;
use crate::twiddles::scaled_powers;
use backend_api::{bit_reverse, Coset, DeepOpening, DeviceElem, Fp, Fp3, Order};
use rayon::prelude::*;

const CHUNK: usize = 1 << 10;

/// One column's part in a point's sum: the column and its `gamma^k`.
enum Column<'a> {
    Base(&'a [Fp], Fp3),
    Ext(&'a [Fp3], Fp3),
}

struct PointTerms<'a> {
    z: Fp3,
    /// `V_p`.
    claimed: Fp3,
    columns: Vec<Column<'a>>,
}

fn collect_terms<'a, T: DeviceElem>(
    openings: &'a [DeepOpening<'a, Vec<T>>],
    gamma: Fp3,
    power: &mut Fp3,
    by_point: &mut [PointTerms<'a>],
    wrap: impl Fn(&'a [T], Fp3) -> Column<'a>,
) {
    for o in openings {
        let h = o.matrix.height();
        for (p, values) in &o.evaluations {
            for (c, v) in values.iter().enumerate() {
                let col = &o.matrix.buffer()[c * h..(c + 1) * h];
                let entry = &mut by_point[*p];
                entry.claimed += *power * *v;
                entry.columns.push(wrap(col, *power));
                *power *= gamma;
            }
        }
    }
}

/// The DEEP quotient over `domain` (arguments checked).
pub fn compose(
    domain: Coset,
    points: &[Fp3],
    gamma: Fp3,
    base: &[DeepOpening<'_, Vec<Fp>>],
    ext: &[DeepOpening<'_, Vec<Fp3>>],
) -> Vec<Fp3> {
    let n = domain.size();
    let mut by_point: Vec<PointTerms> = points
        .iter()
        .map(|&z| PointTerms {
            z,
            claimed: Fp3::ZERO,
            columns: Vec::new(),
        })
        .collect();
    let mut power = Fp3::ONE;
    collect_terms(base, gamma, &mut power, &mut by_point, Column::Base);
    collect_terms(ext, gamma, &mut power, &mut by_point, Column::Ext);
    by_point.retain(|p| !p.columns.is_empty());

    let natural = scaled_powers(domain.log_n, domain.omega(), domain.shift);
    let x_at = |k: usize| -> Fp {
        let i = match domain.order {
            Order::Natural => k,
            Order::BitReversed => bit_reverse(k, domain.log_n),
        };
        Fp::new(natural[i])
    };

    let mut out = vec![Fp3::ZERO; n];
    out.par_chunks_mut(CHUNK).enumerate().for_each_init(
        || (Vec::new(), Vec::new()),
        |(inv, prefix), (b, chunk)| {
            let r0 = b * CHUNK;
            for pt in &by_point {
                inv.clear();
                inv.extend((0..chunk.len()).map(|i| Fp3::from_base(x_at(r0 + i)) - pt.z));
                invert_chunk(inv, prefix);
                for (i, o) in chunk.iter_mut().enumerate() {
                    let r = r0 + i;
                    let mut a = Fp3::ZERO;
                    for col in &pt.columns {
                        a += match col {
                            Column::Base(c, g) => times_ext(c[r], *g),
                            Column::Ext(c, g) => *g * c[r],
                        };
                    }
                    *o += (a - pt.claimed) * inv[i];
                }
            }
        },
    );
    out
}
