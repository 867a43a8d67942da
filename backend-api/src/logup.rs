//! Descriptions of LogUp bus interactions, and their per-row formulas.
//!
//! A table takes part in buses through interactions. On row `r` interaction
//! `k` contributes `s_k * m_k(r) / f_k(r)` to its bus, where
//!
//! * `f_k(r) = z - (bus_k + sum_{i=1..len} alpha^i * v_{k,i}(r))` is the
//!   fingerprint (bus id in the `alpha^0` slot, the values from `alpha^1` up),
//! * `m_k(r)` is the multiplicity, a linear combination of columns,
//! * `s_k` is +1 for [`InteractionKind::Send`] and -1 for `Receive`.
//!
//! A bus balances when the contributions of all rows of all tables sum to 0.

use crate::field::{Fp, Fp3};

/// `constant + sum coeff * column`, evaluated on one row of the main trace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinearCombination {
    /// `(column index, coefficient)` pairs.
    pub terms: Vec<(usize, Fp)>,
    /// The constant term.
    pub constant: Fp,
}

impl LinearCombination {
    /// A single column with coefficient 1.
    pub fn column(c: usize) -> Self {
        LinearCombination {
            terms: vec![(c, Fp::ONE)],
            constant: Fp::ZERO,
        }
    }

    /// A constant.
    pub fn constant(k: Fp) -> Self {
        LinearCombination {
            terms: Vec::new(),
            constant: k,
        }
    }

    /// Evaluates on a row given as a function from column index to value.
    pub fn eval(&self, row: impl Fn(usize) -> Fp) -> Fp {
        self.terms
            .iter()
            .fold(self.constant, |acc, &(c, k)| acc + k * row(c))
    }

    /// Largest column index used, if any.
    pub fn max_column(&self) -> Option<usize> {
        self.terms.iter().map(|&(c, _)| c).max()
    }
}

/// Whether an interaction adds (`Send`) or removes (`Receive`) its tuples.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum InteractionKind {
    /// Contributes `+m(r) / f(r)`.
    Send,
    /// Contributes `-m(r) / f(r)`.
    Receive,
}

impl InteractionKind {
    /// +1 or -1.
    pub fn sign(self) -> Fp {
        match self {
            InteractionKind::Send => Fp::ONE,
            InteractionKind::Receive => Fp::NEG_ONE,
        }
    }
}

/// One interaction of a table with a bus.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interaction {
    /// The bus id, placed in the `alpha^0` slot of the fingerprint.
    pub bus: u32,
    /// Send (sign +1) or receive (sign -1).
    pub kind: InteractionKind,
    /// The tuple sent or received, `v_1 .. v_len`.
    pub values: Vec<LinearCombination>,
    /// The multiplicity `m(r)`: how many times row `r` sends or receives the
    /// tuple.
    pub multiplicity: LinearCombination,
}

impl Interaction {
    /// `f(r) = z - (bus + sum_{i>=1} alpha^i v_i(r))`.
    pub fn fingerprint(&self, row: impl Fn(usize) -> Fp + Copy, ch: &LogUpChallenges) -> Fp3 {
        let mut acc = Fp3::from_base(Fp::from(self.bus));
        let mut power = ch.alpha;
        for v in &self.values {
            acc += power * v.eval(row);
            power *= ch.alpha;
        }
        ch.z - acc
    }

    /// `s * m(r)`.
    pub fn signed_multiplicity(&self, row: impl Fn(usize) -> Fp) -> Fp {
        self.kind.sign() * self.multiplicity.eval(row)
    }

    /// Largest column index the interaction reads, if any.
    pub fn max_column(&self) -> Option<usize> {
        self.values
            .iter()
            .chain(core::iter::once(&self.multiplicity))
            .filter_map(LinearCombination::max_column)
            .max()
    }
}

/// The verifier's random challenges for LogUp.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct LogUpChallenges {
    /// The point `z` the fingerprint is subtracted from.
    pub z: Fp3,
    /// The base `alpha` whose powers combine the bus id and tuple values.
    pub alpha: Fp3,
}

/// Number of term columns for `k` interactions: they are batched in pairs,
/// `(0, 1), (2, 3), ...`, the last one alone if `k` is odd.
pub fn logup_term_columns(k: usize) -> usize {
    k.div_ceil(2)
}

/// Width of the LogUp auxiliary trace: the term columns, then the running sum.
pub fn logup_aux_width(k: usize) -> usize {
    logup_term_columns(k) + 1
}
