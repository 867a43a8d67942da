//! Descriptions of LogUp bus interactions, and their per-row formulas.
//!
//! A table takes part in buses through interactions. On row `r` interaction
//! `k` contributes `s_k * m_k(r) / f_k(r)` to its bus, where
//!
//! * `f_k(r) = z - (bus_k + sum_{i=1..len} alpha^i * v_{k,i}(r))` is the
//!   fingerprint (bus id in the `alpha^0` slot, the values from `alpha^1` up),
//! * `m_k(r)` is the multiplicity,
//! * `s_k` is +1 for [`InteractionKind::Send`] and -1 for `Receive`,
//!
//! and the values `v_{k,i}` and the multiplicity are [`RowExpr`]s:
//! polynomials in row `r`'s main and preprocessed columns (so a selector
//! column can switch an interaction on and off, and a tuple entry can be
//! any combination of columns).
//!
//! A bus balances when the contributions of all rows of all tables (plus
//! any the verifier adds from public data) sum to 0.

use crate::field::{Fp, Fp3};
use core::ops::{Add, Mul, Neg, Sub};

/// The most stack slots an interaction's [`RowExpr`] may need; every
/// backend rejects deeper ones (`crate::check::logup`), so that a GPU can
/// run the programs on a fixed per-thread stack.
pub const MAX_STACK_DEPTH: usize = 16;

/// One step of a [`RowExpr`], a postfix (stack) program: leaves push a
/// value; an operation pops its operands and pushes its result.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum RowOp {
    /// Pushes a constant.
    Const(Fp),
    /// Pushes main column `c` of the row.
    Main(usize),
    /// Pushes preprocessed column `c` of the row.
    Preprocessed(usize),
    /// Pops `y`, then `x`; pushes `x + y`.
    Add,
    /// Pops `y`, then `x`; pushes `x - y`.
    Sub,
    /// Pops `y`, then `x`; pushes `y - x` (lets the deeper operand of a
    /// subtraction be evaluated first).
    SubRev,
    /// Pops `y`, then `x`; pushes `x * y`.
    Mul,
    /// Pops `x`; pushes `-x`.
    Neg,
}

impl RowOp {
    /// Stable byte tag used in canonical encodings.
    pub fn tag(self) -> u8 {
        match self {
            RowOp::Const(_) => 0,
            RowOp::Main(_) => 1,
            RowOp::Preprocessed(_) => 2,
            RowOp::Add => 3,
            RowOp::Sub => 4,
            RowOp::SubRev => 5,
            RowOp::Mul => 6,
            RowOp::Neg => 7,
        }
    }
}

/// A polynomial in one row's main and preprocessed columns, over `Fp`.
///
/// Built with constructors and operators, e.g.
/// `RowExpr::main(0) * RowExpr::preprocessed(1) + RowExpr::constant(Fp::ONE)`.
/// Stored as a postfix program ([`RowOp`]) in which, for every binary
/// operation, the operand needing the deeper stack is evaluated first
/// (Sethi-Ullman order), so the stack depth is at most
/// `1 + log2(number of leaves)`. Devices accept programs of at most
/// [`MAX_STACK_DEPTH`] slots (an expression deeper than that has at least
/// `2^MAX_STACK_DEPTH` leaves).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RowExpr {
    ops: Vec<RowOp>,
    /// Stack slots [`eval`](Self::eval) needs.
    depth: usize,
}

impl RowExpr {
    fn leaf(op: RowOp) -> RowExpr {
        RowExpr {
            ops: vec![op],
            depth: 1,
        }
    }

    /// The constant `k`.
    pub fn constant(k: Fp) -> RowExpr {
        Self::leaf(RowOp::Const(k))
    }

    /// The constant 1 (e.g. the multiplicity of an interaction on every row).
    pub fn one() -> RowExpr {
        Self::constant(Fp::ONE)
    }

    /// Main column `c` of the row.
    pub fn main(c: usize) -> RowExpr {
        Self::leaf(RowOp::Main(c))
    }

    /// Preprocessed column `c` of the row.
    pub fn preprocessed(c: usize) -> RowExpr {
        Self::leaf(RowOp::Preprocessed(c))
    }

    /// `constant + sum coeff * main(column)`.
    pub fn linear(terms: &[(usize, Fp)], constant: Fp) -> RowExpr {
        terms.iter().fold(Self::constant(constant), |acc, &(c, k)| {
            acc + Self::constant(k) * Self::main(c)
        })
    }

    /// The postfix program.
    pub fn ops(&self) -> &[RowOp] {
        &self.ops
    }

    /// Stack slots needed to evaluate the program.
    pub fn stack_depth(&self) -> usize {
        self.depth
    }

    /// `x op y` with the deeper operand first; `swapped` is the operation
    /// for evaluating `y` first.
    fn binary(x: RowExpr, y: RowExpr, op: RowOp, swapped: RowOp) -> RowExpr {
        let depth = if x.depth == y.depth {
            x.depth + 1
        } else {
            x.depth.max(y.depth)
        };
        let (mut first, second, op) = if y.depth > x.depth {
            (y, x, swapped)
        } else {
            (x, y, op)
        };
        first.ops.extend(second.ops);
        first.ops.push(op);
        first.depth = depth;
        first
    }

    /// Evaluates the expression on a row; `main(c)` and `pre(c)` read its
    /// columns.
    pub fn eval(&self, main: impl Fn(usize) -> Fp, pre: impl Fn(usize) -> Fp) -> Fp {
        self.eval_with(&mut Vec::with_capacity(self.depth), main, pre)
    }

    /// [`eval`](Self::eval) with a caller's scratch stack (its contents are
    /// discarded), for evaluating row after row without allocating.
    #[inline]
    pub fn eval_with(
        &self,
        stack: &mut Vec<Fp>,
        main: impl Fn(usize) -> Fp,
        pre: impl Fn(usize) -> Fp,
    ) -> Fp {
        let leaf = |op: RowOp| match op {
            RowOp::Const(k) => Some(k),
            RowOp::Main(c) => Some(main(c)),
            RowOp::Preprocessed(c) => Some(pre(c)),
            _ => None,
        };
        // One leaf (a column or a constant) is by far the common case.
        if let [op] = self.ops[..] {
            return leaf(op).expect("a one-op program is a leaf");
        }
        stack.clear();
        for &op in &self.ops {
            let v = match leaf(op) {
                Some(v) => v,
                None if op == RowOp::Neg => -stack.pop().expect("a well-formed program"),
                None => {
                    let y = stack.pop().expect("a well-formed program");
                    let x = stack.pop().expect("a well-formed program");
                    match op {
                        RowOp::Add => x + y,
                        RowOp::Sub => x - y,
                        RowOp::SubRev => y - x,
                        _ => x * y,
                    }
                }
            };
            stack.push(v);
        }
        stack.pop().expect("a well-formed program")
    }

    /// Degree in the columns (leaves reading columns 1, constants 0), or
    /// `None` if it overflows a `usize`.
    pub fn degree(&self) -> Option<usize> {
        let mut stack: Vec<usize> = Vec::with_capacity(self.depth);
        for op in &self.ops {
            let d = match *op {
                RowOp::Const(_) => 0,
                RowOp::Main(_) | RowOp::Preprocessed(_) => 1,
                RowOp::Neg => stack.pop()?,
                RowOp::Mul => stack.pop()?.checked_add(stack.pop()?)?,
                _ => stack.pop()?.max(stack.pop()?),
            };
            stack.push(d);
        }
        stack.pop()
    }

    /// Largest main column read, if any.
    pub fn max_main_column(&self) -> Option<usize> {
        self.max_column(|op| match op {
            RowOp::Main(c) => Some(c),
            _ => None,
        })
    }

    /// Largest preprocessed column read, if any.
    pub fn max_preprocessed_column(&self) -> Option<usize> {
        self.max_column(|op| match op {
            RowOp::Preprocessed(c) => Some(c),
            _ => None,
        })
    }

    fn max_column(&self, column: impl Fn(RowOp) -> Option<usize>) -> Option<usize> {
        self.ops.iter().filter_map(|&op| column(op)).max()
    }
}

impl Add for RowExpr {
    type Output = RowExpr;
    fn add(self, rhs: RowExpr) -> RowExpr {
        RowExpr::binary(self, rhs, RowOp::Add, RowOp::Add)
    }
}

impl Sub for RowExpr {
    type Output = RowExpr;
    fn sub(self, rhs: RowExpr) -> RowExpr {
        RowExpr::binary(self, rhs, RowOp::Sub, RowOp::SubRev)
    }
}

impl Mul for RowExpr {
    type Output = RowExpr;
    fn mul(self, rhs: RowExpr) -> RowExpr {
        RowExpr::binary(self, rhs, RowOp::Mul, RowOp::Mul)
    }
}

impl Neg for RowExpr {
    type Output = RowExpr;
    fn neg(mut self) -> RowExpr {
        self.ops.push(RowOp::Neg);
        self
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

    /// Stable byte tag used in canonical encodings (0 send, 1 receive).
    pub fn tag(self) -> u8 {
        match self {
            InteractionKind::Send => 0,
            InteractionKind::Receive => 1,
        }
    }
}

/// One interaction of a table with a bus.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Interaction {
    /// The bus id, placed in the `alpha^0` slot of the fingerprint.
    pub bus: u32,
    /// Send (sign +1) or receive (sign -1).
    pub kind: InteractionKind,
    /// The tuple sent or received, `v_1 .. v_len`.
    pub values: Vec<RowExpr>,
    /// The multiplicity `m(r)`: how many times row `r` sends or receives the
    /// tuple.
    pub multiplicity: RowExpr,
}

impl Interaction {
    /// `f = z - (bus + sum_{i>=1} alpha^i v_i)` for tuple values `values`.
    pub fn fingerprint_of(bus: u32, values: &[Fp], ch: &LogUpChallenges) -> Fp3 {
        let mut acc = Fp3::from_base(Fp::from(bus));
        let mut power = ch.alpha;
        for v in values {
            acc += power.mul_base(*v);
            power *= ch.alpha;
        }
        ch.z - acc
    }

    /// `f(r)` on a row: `main(c)` and `pre(c)` read its columns.
    pub fn fingerprint(
        &self,
        main: impl Fn(usize) -> Fp + Copy,
        pre: impl Fn(usize) -> Fp + Copy,
        ch: &LogUpChallenges,
    ) -> Fp3 {
        let values: Vec<Fp> = self.values.iter().map(|v| v.eval(main, pre)).collect();
        Self::fingerprint_of(self.bus, &values, ch)
    }

    /// `s * m(r)` on a row.
    pub fn signed_multiplicity(&self, main: impl Fn(usize) -> Fp, pre: impl Fn(usize) -> Fp) -> Fp {
        self.kind.sign() * self.multiplicity.eval(main, pre)
    }

    /// Every expression of the interaction: the values, then the
    /// multiplicity.
    pub fn exprs(&self) -> impl Iterator<Item = &RowExpr> {
        self.values
            .iter()
            .chain(core::iter::once(&self.multiplicity))
    }

    /// Largest main column the interaction reads, if any.
    pub fn max_main_column(&self) -> Option<usize> {
        self.exprs().filter_map(RowExpr::max_main_column).max()
    }

    /// Largest preprocessed column the interaction reads, if any.
    pub fn max_preprocessed_column(&self) -> Option<usize> {
        self.exprs()
            .filter_map(RowExpr::max_preprocessed_column)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deeper_operand_goes_first_and_depth_stays_logarithmic() {
        // A right-leaning chain c0 - (c1 - (c2 - ...)) of 64 leaves.
        let mut e = RowExpr::main(63);
        for c in (0..63).rev() {
            e = RowExpr::main(c) - e;
        }
        assert_eq!(e.stack_depth(), 2);
        let row: Vec<Fp> = (0..64).map(|i| Fp::new(3 * i + 1)).collect();
        let want = (0..63).rev().fold(row[63], |acc, c| row[c] - acc);
        assert_eq!(e.eval(|c| row[c], |_| Fp::ZERO), want);
        // A balanced product of 16 leaves needs 5 slots.
        let mut level: Vec<RowExpr> = (0..16).map(RowExpr::main).collect();
        while level.len() > 1 {
            level = level
                .chunks(2)
                .map(|p| p[0].clone() * p[1].clone())
                .collect();
        }
        assert_eq!(level[0].stack_depth(), 5);
        assert_eq!(level[0].degree(), Some(16));
    }
}
