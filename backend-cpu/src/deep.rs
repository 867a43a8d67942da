//! DEEP composition: `out(x) = sum_k gamma^k (f_c(x) - v_{p,c}) / (x - z_p)`.
//!
//! The terms are numbered in the contract's order (base openings, then ext
//! openings; within one, its evaluations; within one evaluation, columns
//! from 0 up) and summed per point:
//! `out(x) = sum_p (A_p(x) - V_p) / (x - z_p)` with
//! `A_p(x) = sum gamma^k f_c(x)` and `V_p = sum gamma^k v_{p,c}` over the
//! terms of point `p`. An opening at several points whose columns are
//! wide enough is summed once, `S(x) = sum_c gamma^c f_c(x)`, and adds
//! `gamma^(k_j) S(x)` to each of its points' `A_p` (its terms there have
//! powers `gamma^(k_j + c)`). Field arithmetic is exact, so the regrouping
//! gives the same value as the term-by-term sum. Rows run in parallel
//! chunks, each column read along the chunk; per chunk and point, the
//! `1/(x - z_p)` are one batch inversion.

use crate::alloc::zeroed;
use crate::inverse::invert_chunk;
#[cfg(target_arch = "x86_64")]
use crate::lanes::mul_add_x8;
#[cfg(target_arch = "x86_64")]
use crate::ntt::x8::FieldX8;
use crate::twiddles::scaled_powers;
use crate::wide_sum::WideSum3;
use backend_api::{bit_reverse, Coset, DeepOpening, DeviceElem, Fp, Fp3, Order};
use rayon::prelude::*;

const CHUNK: usize = 1 << 10;

/// An opening's columns (each `n` long, column-major).
enum Columns<'a> {
    Base(&'a [Fp]),
    Ext(&'a [Fp3]),
}

/// How an opening's terms enter the per-point sums.
enum Entry<'a> {
    /// Opened at one point `p` with powers `gamma^(k0 + c)`: added column
    /// by column into `A_p` (`powers` = those powers).
    Direct {
        columns: Columns<'a>,
        point: usize,
        powers: Vec<Fp3>,
    },
    /// `S = sum_c gamma^c f_c`, then `gamma^(k_j) S` into `A_(p_j)`.
    Summed {
        columns: Columns<'a>,
        points: Vec<(usize, Fp3)>,
    },
}

/// Base-field products of an `Fp3` by `Fp3` product, and of an `Fp3` by a
/// column element of `limbs` limbs: what the choice of entry weighs.
const EXT_MUL: usize = 9;
fn column_mul(limbs: usize) -> usize {
    3 * limbs
}

/// The entries of `openings` and their `V_p`, numbering the terms from
/// `*k` (and `*power = gamma^k`) on.
fn collect<'a, T: DeviceElem>(
    openings: &'a [DeepOpening<'a, Vec<T>>],
    gamma: Fp3,
    (k, power): (&mut usize, &mut Fp3),
    claimed: &mut [Fp3],
    entries: &mut Vec<Entry<'a>>,
    wrap: impl Fn(&'a [T]) -> Columns<'a>,
) {
    for o in openings {
        let width = o.matrix.width();
        let mut starts = Vec::with_capacity(o.evaluations.len());
        for (p, values) in &o.evaluations {
            starts.push((*p, *k, *power));
            for v in values {
                claimed[*p] += *power * *v;
                *k += 1;
                *power *= gamma;
            }
        }
        let j = starts.len();
        let columns = || wrap(o.matrix.buffer());
        if j > 1 && (j - 1) * width * column_mul(T::LIMBS) > j * EXT_MUL {
            entries.push(Entry::Summed {
                columns: columns(),
                points: starts.iter().map(|&(p, _, g)| (p, g)).collect(),
            });
        } else {
            for &(point, _, g) in &starts {
                let powers = std::iter::successors(Some(g), |&x| Some(x * gamma));
                entries.push(Entry::Direct {
                    columns: columns(),
                    point,
                    powers: powers.take(width).collect(),
                });
            }
        }
    }
}

/// Base columns summed per pass over a chunk's rows: a row's three
/// coefficient sums stay in registers, unreduced, across the group.
const GROUP: usize = 16;

/// `acc[i] += sum_c powers[c] * column_c[r0 + i]`: extension columns one
/// by one; base columns on AVX-512 lanes where the CPU has them, else in
/// groups of [`GROUP`] with their products summed unreduced ([`WideSum3`]).
fn add_columns(acc: &mut [Fp3], columns: &Columns<'_>, powers: &[Fp3], n: usize, r0: usize) {
    let rows = r0..r0 + acc.len();
    let column = |c: usize| c * n + rows.start..c * n + rows.end;
    match columns {
        Columns::Base(m) => {
            let cols: Vec<&[Fp]> = (0..powers.len()).map(|c| &m[column(c)]).collect();
            #[cfg(target_arch = "x86_64")]
            if let Some(k) = FieldX8::new().filter(|_| acc.len().is_multiple_of(8)) {
                return add_base_x8(k, acc, &cols, powers);
            }
            add_base_wide(acc, &cols, powers);
        }
        Columns::Ext(m) => {
            for (c, &g) in powers.iter().enumerate() {
                for (a, &f) in acc.iter_mut().zip(&m[column(c)]) {
                    *a += g * f;
                }
            }
        }
    }
}

/// `acc[i] += sum_c powers[c] * cols[c][i]` on AVX-512 lanes: each
/// coefficient of the sum as its own plane, column by column, a product
/// and a sum per row eight rows at a time (`acc`'s length a multiple of 8).
#[cfg(target_arch = "x86_64")]
fn add_base_x8(k: FieldX8, acc: &mut [Fp3], cols: &[&[Fp]], powers: &[Fp3]) {
    let mut planes = vec![vec![Fp::ZERO; acc.len()]; 3];
    for (col, g) in cols.iter().zip(powers) {
        for (plane, p) in planes.iter_mut().zip(g.coeffs()) {
            // SAFETY: `k` exists only where AVX-512F was detected.
            unsafe { mul_add_x8(k, plane, col, p) };
        }
    }
    for (i, a) in acc.iter_mut().enumerate() {
        *a += Fp3::new(planes[0][i], planes[1][i], planes[2][i]);
    }
}

/// `acc[i] += sum_c powers[c] * cols[c][i]` one row at a time, columns in
/// groups of [`GROUP`] whose products are summed unreduced ([`WideSum3`]).
fn add_base_wide(acc: &mut [Fp3], cols: &[&[Fp]], powers: &[Fp3]) {
    for (cols, gs) in cols.chunks(GROUP).zip(powers.chunks(GROUP)) {
        let gs: Vec<[u64; 3]> = gs.iter().map(|g| g.coeffs().map(Fp::value)).collect();
        for (i, a) in acc.iter_mut().enumerate() {
            let mut w = WideSum3::default();
            for (col, &g) in cols.iter().zip(&gs) {
                w.add_scaled(col[i].value(), g);
            }
            *a += w.reduce();
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
    let mut claimed = vec![Fp3::ZERO; points.len()];
    let mut entries = Vec::new();
    let (mut k, mut power) = (0, Fp3::ONE);
    let terms = (&mut k, &mut power);
    collect(
        base,
        gamma,
        terms,
        &mut claimed,
        &mut entries,
        Columns::Base,
    );
    let terms = (&mut k, &mut power);
    collect(ext, gamma, terms, &mut claimed, &mut entries, Columns::Ext);
    let widest = entries.iter().map(|e| match e {
        Entry::Summed { columns, .. } => width(columns, n),
        Entry::Direct { .. } => 0,
    });
    let widest = widest.max().unwrap_or(0);
    let gamma_powers: Vec<Fp3> = std::iter::successors(Some(Fp3::ONE), |&x| Some(x * gamma))
        .take(widest)
        .collect();
    let used: Vec<bool> = (0..points.len())
        .map(|p| entries.iter().any(|e| e.opens(p)))
        .collect();

    let natural = scaled_powers(domain.log_n, domain.omega(), domain.shift);
    let x_at = |k: usize| -> Fp {
        let i = match domain.order {
            Order::Natural => k,
            Order::BitReversed => bit_reverse(k, domain.log_n),
        };
        Fp::new(natural[i])
    };

    let mut out = zeroed::<Fp3>(n);
    out.par_chunks_mut(CHUNK).enumerate().for_each_init(
        || {
            (
                vec![Vec::new(); points.len()],
                Vec::new(),
                Vec::new(),
                Vec::new(),
            )
        },
        |(sums, s, inv, prefix), (b, chunk)| {
            let (r0, len) = (b * CHUNK, chunk.len());
            for a in sums.iter_mut() {
                a.clear();
                a.resize(len, Fp3::ZERO);
            }
            for e in &entries {
                match e {
                    Entry::Direct {
                        columns,
                        point,
                        powers,
                    } => add_columns(&mut sums[*point], columns, powers, n, r0),
                    Entry::Summed { columns, points } => {
                        s.clear();
                        s.resize(len, Fp3::ZERO);
                        let w = width(columns, n);
                        add_columns(s, columns, &gamma_powers[..w], n, r0);
                        for &(p, g) in points {
                            for (a, &v) in sums[p].iter_mut().zip(s.iter()) {
                                *a += g * v;
                            }
                        }
                    }
                }
            }
            for (p, &z) in points.iter().enumerate().filter(|&(p, _)| used[p]) {
                inv.clear();
                inv.extend((0..len).map(|i| Fp3::from_base(x_at(r0 + i)) - z));
                invert_chunk(inv, prefix);
                for ((o, &a), &d) in chunk.iter_mut().zip(&sums[p]).zip(inv.iter()) {
                    *o += (a - claimed[p]) * d;
                }
            }
        },
    );
    out
}

/// Columns of `n` elements in an opening's buffer.
fn width(columns: &Columns<'_>, n: usize) -> usize {
    match columns {
        Columns::Base(m) => m.len() / n,
        Columns::Ext(m) => m.len() / n,
    }
}

impl Entry<'_> {
    fn opens(&self, p: usize) -> bool {
        match self {
            Entry::Direct { point, .. } => *point == p,
            Entry::Summed { points, .. } => points.iter().any(|&(q, _)| q == p),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both base-column kernels against the plain field sum.
    #[test]
    fn base_column_sums_match_the_field() {
        let rows = 64;
        let cols: Vec<Vec<Fp>> = (0..37u64)
            .map(|c| {
                (0..rows as u64)
                    .map(|r| Fp::new((c * 7919 + r).wrapping_mul(0x9e37_79b9_7f4a_7c15)))
                    .collect()
            })
            .collect();
        let cols: Vec<&[Fp]> = cols.iter().map(Vec::as_slice).collect();
        let gamma = Fp3::new(Fp::new(3), Fp::NEG_ONE, Fp::new(1 << 50));
        let powers: Vec<Fp3> = std::iter::successors(Some(gamma), |&x| Some(x * gamma))
            .take(cols.len())
            .collect();
        let start: Vec<Fp3> = (0..rows as u64)
            .map(|r| Fp3::from_base(Fp::new(r)))
            .collect();
        let want: Vec<Fp3> = (0..rows)
            .map(|i| {
                start[i]
                    + cols
                        .iter()
                        .zip(&powers)
                        .map(|(c, &g)| g.mul_base(c[i]))
                        .sum::<Fp3>()
            })
            .collect();
        let mut wide = start.clone();
        add_base_wide(&mut wide, &cols, &powers);
        assert_eq!(wide, want);
        #[cfg(target_arch = "x86_64")]
        if let Some(k) = FieldX8::new() {
            let mut x8 = start.clone();
            add_base_x8(k, &mut x8, &cols, &powers);
            assert_eq!(x8, want);
        }
    }
}
