//! Symbolic constraint expressions: how an AIR states its constraints once,
//! so that every backend can evaluate them (primitive 9, constraint
//! evaluation) without AIR authors writing device code.
//!
//! A [`ConstraintSystem`] is an arena of [`Node`]s in topological order (a
//! node only refers to nodes with smaller indices, so one pass in index order
//! evaluates the whole DAG) plus a list of [`Constraint`]s, each a node that
//! must vanish on a set of rows ([`RowSet`]).
//!
//! Leaves read, on the current row `r` or the next row `r + 1` (cyclically):
//! main columns (base field), preprocessed columns (base field, fixed by the
//! AIR and committed once), auxiliary columns (Fp3); on the current row:
//! periodic columns (base field, a short pattern repeating down the table);
//! and values fixed for the whole table: challenges (Fp3 values known to the
//! verifier, e.g. LogUp challenges and claimed sums), public inputs (Fp) and
//! constants (Fp).

use crate::field::{Fp, Fp3};

/// Index of a node in its [`ConstraintSystem`].
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ExprId(pub u32);

impl ExprId {
    /// The node's position in [`ConstraintSystem::nodes`].
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// One node of the expression DAG.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Node {
    /// A constant of the base field.
    Const(Fp),
    /// Main column `col` on the current row (`next == false`) or the next.
    Main {
        /// Column index, `< main_width`.
        col: usize,
        /// `true`: row `r + 1` (cyclically); `false`: row `r`.
        next: bool,
    },
    /// Preprocessed (fixed, base-field) column `col` on the current row or
    /// the next.
    Preprocessed {
        /// Column index, `< preprocessed_width`.
        col: usize,
        /// `true`: row `r + 1` (cyclically); `false`: row `r`.
        next: bool,
    },
    /// Periodic column `i` on the current row: row `r` reads
    /// `pattern_i[r mod len_i]` of a pattern whose length is a power of two
    /// dividing the table's height (see [`ConstraintSystem::eval_nodes`] for
    /// its value off the trace domain).
    Periodic(usize),
    /// Auxiliary (Fp3) column `col` on the current row or the next.
    Aux {
        /// Column index, `< aux_width`.
        col: usize,
        /// `true`: row `r + 1` (cyclically); `false`: row `r`.
        next: bool,
    },
    /// Challenge slot `i` (an Fp3 value fixed for the table).
    Challenge(usize),
    /// Public input `i` (an Fp value).
    Public(usize),
    /// `a + b` for operands `(a, b)`, both earlier nodes.
    Add(ExprId, ExprId),
    /// `a - b` for operands `(a, b)`, both earlier nodes.
    Sub(ExprId, ExprId),
    /// `a * b` for operands `(a, b)`, both earlier nodes.
    Mul(ExprId, ExprId),
    /// `-a` for an earlier node `a`.
    Neg(ExprId),
}

/// The rows on which a constraint must vanish, for a trace of `n` rows over
/// `H_n = <g>` (row `r` is the point `g^r`), and the zerofier dividing it:
///
/// * `FirstRow`: row 0, zerofier `x - 1`;
/// * `LastRow`: row `n - 1`, zerofier `x - g^(n-1)`;
/// * `Transition`: rows `0 .. n - 2` (the constraint relates row `r` and
///   `r + 1`), zerofier `(x^n - 1) / (x - g^(n-1))`;
/// * `EveryRow`: all rows, zerofier `x^n - 1`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum RowSet {
    /// Row 0 only (tag 0).
    FirstRow,
    /// Row `n - 1` only (tag 1).
    LastRow,
    /// Rows `0 .. n - 2`, every row but the last (tag 2).
    Transition,
    /// All `n` rows (tag 3).
    EveryRow,
}

impl RowSet {
    /// Degree of the zerofier for a trace of `n` rows.
    pub fn zerofier_degree(self, n: usize) -> usize {
        match self {
            RowSet::FirstRow | RowSet::LastRow => 1,
            RowSet::Transition => n - 1,
            RowSet::EveryRow => n,
        }
    }

    /// Stable byte tag used in canonical encodings.
    pub fn tag(self) -> u8 {
        match self {
            RowSet::FirstRow => 0,
            RowSet::LastRow => 1,
            RowSet::Transition => 2,
            RowSet::EveryRow => 3,
        }
    }
}

/// A node that must vanish on `rows`.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Constraint {
    /// The node whose value must be zero.
    pub expr: ExprId,
    /// The rows on which it must be zero.
    pub rows: RowSet,
}

/// The constraints of one table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConstraintSystem {
    /// Topologically ordered: operands of node `i` have indices `< i`.
    pub nodes: Vec<Node>,
    /// The constraints, in order; constraint `k` is weighted by `alpha^k` in
    /// [`combine`](Self::combine).
    pub constraints: Vec<Constraint>,
    /// Width of the main trace the leaves may read.
    pub main_width: usize,
    /// Width of the preprocessed trace (0 if the table has none).
    pub preprocessed_width: usize,
    /// Number of periodic columns ([`Node::Periodic`] indices are below it).
    pub num_periodic: usize,
    /// Width of the auxiliary trace (0 if the table has none).
    pub aux_width: usize,
    /// Number of challenge slots ([`Node::Challenge`] indices are below it).
    pub num_challenges: usize,
    /// Number of public inputs ([`Node::Public`] indices are below it).
    pub num_public: usize,
}

/// Why a [`ConstraintSystem`] is malformed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ExprError {
    /// An operation node names an operand that is not strictly before it.
    #[error("node {node} refers to node {operand}, which is not before it")]
    NotTopological {
        /// Index of the offending node.
        node: usize,
        /// Index of the operand it names (`>= node`).
        operand: usize,
    },
    /// A leaf reads a column, challenge or public input that does not exist.
    #[error("node {node} reads {what} {index}, only {available} exist")]
    LeafOutOfRange {
        /// Index of the offending leaf node.
        node: usize,
        /// What it reads: `"main column"`, `"aux column"`, `"challenge"` or
        /// `"public input"`.
        what: &'static str,
        /// The index it reads.
        index: usize,
        /// How many of `what` the system declares.
        available: usize,
    },
    /// A node's degree (or a constraint's quotient degree) does not fit in
    /// a `usize`: e.g. an expression squared seventy times.
    #[error("node {node}: degree overflows")]
    DegreeOverflow {
        /// Index of the node whose degree overflows.
        node: usize,
    },
    /// A constraint names a node past the end of the arena.
    #[error("constraint {constraint} names node {node}, only {nodes} exist")]
    ConstraintOutOfRange {
        /// Index of the offending constraint.
        constraint: usize,
        /// The node index it names.
        node: usize,
        /// Number of nodes in the system.
        nodes: usize,
    },
}

impl ConstraintSystem {
    /// An empty system over the given leaves, with no preprocessed and no
    /// periodic columns (see [`with_preprocessed`](Self::with_preprocessed)
    /// and [`with_periodic`](Self::with_periodic)).
    pub fn new(
        main_width: usize,
        aux_width: usize,
        num_challenges: usize,
        num_public: usize,
    ) -> Self {
        ConstraintSystem {
            nodes: Vec::new(),
            constraints: Vec::new(),
            main_width,
            preprocessed_width: 0,
            num_periodic: 0,
            aux_width,
            num_challenges,
            num_public,
        }
    }

    /// The same system with `width` preprocessed columns.
    pub fn with_preprocessed(mut self, width: usize) -> Self {
        self.preprocessed_width = width;
        self
    }

    /// The same system with `count` periodic columns.
    pub fn with_periodic(mut self, count: usize) -> Self {
        self.num_periodic = count;
        self
    }

    fn push(&mut self, node: Node) -> ExprId {
        self.nodes.push(node);
        ExprId((self.nodes.len() - 1) as u32)
    }

    // The builders below append one node and return its id. They check
    // nothing; `validate` does, once the system is complete.

    /// Appends the constant `k`; returns its id.
    pub fn constant(&mut self, k: Fp) -> ExprId {
        self.push(Node::Const(k))
    }
    /// Appends main column `col` on the current row `r`; returns its id.
    pub fn main(&mut self, col: usize) -> ExprId {
        self.push(Node::Main { col, next: false })
    }
    /// Appends main column `col` on the next row `r + 1` (cyclically);
    /// returns its id.
    pub fn main_next(&mut self, col: usize) -> ExprId {
        self.push(Node::Main { col, next: true })
    }
    /// Appends preprocessed column `col` on the current row `r`; returns its
    /// id.
    pub fn preprocessed(&mut self, col: usize) -> ExprId {
        self.push(Node::Preprocessed { col, next: false })
    }
    /// Appends preprocessed column `col` on the next row `r + 1`
    /// (cyclically); returns its id.
    pub fn preprocessed_next(&mut self, col: usize) -> ExprId {
        self.push(Node::Preprocessed { col, next: true })
    }
    /// Appends periodic column `i` on the current row; returns its id.
    pub fn periodic(&mut self, i: usize) -> ExprId {
        self.push(Node::Periodic(i))
    }
    /// Appends auxiliary column `col` on the current row `r`; returns its id.
    pub fn aux(&mut self, col: usize) -> ExprId {
        self.push(Node::Aux { col, next: false })
    }
    /// Appends auxiliary column `col` on the next row `r + 1` (cyclically);
    /// returns its id.
    pub fn aux_next(&mut self, col: usize) -> ExprId {
        self.push(Node::Aux { col, next: true })
    }
    /// Appends challenge slot `i` (an Fp3 value); returns its id.
    pub fn challenge(&mut self, i: usize) -> ExprId {
        self.push(Node::Challenge(i))
    }
    /// Appends public input `i` (an Fp value); returns its id.
    pub fn public(&mut self, i: usize) -> ExprId {
        self.push(Node::Public(i))
    }
    /// Appends `a + b`; returns its id.
    pub fn add(&mut self, a: ExprId, b: ExprId) -> ExprId {
        self.push(Node::Add(a, b))
    }
    /// Appends `a - b`; returns its id.
    pub fn sub(&mut self, a: ExprId, b: ExprId) -> ExprId {
        self.push(Node::Sub(a, b))
    }
    /// Appends `a * b`; returns its id.
    pub fn mul(&mut self, a: ExprId, b: ExprId) -> ExprId {
        self.push(Node::Mul(a, b))
    }
    /// Appends `-a`; returns its id.
    pub fn neg(&mut self, a: ExprId) -> ExprId {
        self.push(Node::Neg(a))
    }

    /// Sum of several terms (the constant 0 if there are none).
    pub fn sum(&mut self, terms: &[ExprId]) -> ExprId {
        match terms.split_first() {
            None => self.constant(Fp::ZERO),
            Some((&first, rest)) => rest.iter().fold(first, |acc, &t| self.add(acc, t)),
        }
    }

    /// Requires `expr` to vanish on `rows`.
    pub fn constrain(&mut self, expr: ExprId, rows: RowSet) {
        self.constraints.push(Constraint { expr, rows });
    }

    /// Checks topological order, that every leaf and constraint is in range,
    /// and that every degree fits in a `usize`.
    pub fn validate(&self) -> Result<(), ExprError> {
        for (i, node) in self.nodes.iter().enumerate() {
            let operands: &[ExprId] = match node {
                Node::Add(a, b) | Node::Sub(a, b) | Node::Mul(a, b) => &[*a, *b],
                Node::Neg(a) => &[*a][..],
                _ => &[],
            };
            for op in operands {
                if op.index() >= i {
                    return Err(ExprError::NotTopological {
                        node: i,
                        operand: op.index(),
                    });
                }
            }
            let leaf = match *node {
                Node::Main { col, .. } => Some(("main column", col, self.main_width)),
                Node::Preprocessed { col, .. } => {
                    Some(("preprocessed column", col, self.preprocessed_width))
                }
                Node::Periodic(i) => Some(("periodic column", i, self.num_periodic)),
                Node::Aux { col, .. } => Some(("aux column", col, self.aux_width)),
                Node::Challenge(c) => Some(("challenge", c, self.num_challenges)),
                Node::Public(p) => Some(("public input", p, self.num_public)),
                _ => None,
            };
            if let Some((what, index, available)) = leaf {
                if index >= available {
                    return Err(ExprError::LeafOutOfRange {
                        node: i,
                        what,
                        index,
                        available,
                    });
                }
            }
        }
        for (k, c) in self.constraints.iter().enumerate() {
            if c.expr.index() >= self.nodes.len() {
                return Err(ExprError::ConstraintOutOfRange {
                    constraint: k,
                    node: c.expr.index(),
                    nodes: self.nodes.len(),
                });
            }
        }
        self.degrees().map(|_| ())
    }

    /// Degree of every node in units of the trace degree `n - 1`: leaves
    /// reading columns (main, preprocessed, aux, periodic) have degree 1;
    /// constants, challenges and public inputs 0; sums take the maximum,
    /// products add. (A periodic column of period `p` is a polynomial of
    /// degree `(p - 1) n / p <= n - 1`, see [`eval_nodes`](Self::eval_nodes),
    /// so counting it as 1 never undercounts.) Operands must come before
    /// their node (checked by [`validate`](Self::validate)).
    /// Errors: [`ExprError::DegreeOverflow`] naming the first node whose
    /// degree does not fit in a `usize`.
    pub fn degrees(&self) -> Result<Vec<usize>, ExprError> {
        let mut deg: Vec<usize> = Vec::with_capacity(self.nodes.len());
        for (i, node) in self.nodes.iter().enumerate() {
            let operand = |e: ExprId| {
                deg.get(e.index())
                    .copied()
                    .ok_or(ExprError::NotTopological {
                        node: i,
                        operand: e.index(),
                    })
            };
            let d = match *node {
                Node::Const(_) | Node::Challenge(_) | Node::Public(_) => 0,
                Node::Main { .. }
                | Node::Preprocessed { .. }
                | Node::Aux { .. }
                | Node::Periodic(_) => 1,
                Node::Add(a, b) | Node::Sub(a, b) => operand(a)?.max(operand(b)?),
                Node::Mul(a, b) => operand(a)?
                    .checked_add(operand(b)?)
                    .ok_or(ExprError::DegreeOverflow { node: i })?,
                Node::Neg(a) => operand(a)?,
            };
            deg.push(d);
        }
        Ok(deg)
    }

    /// Whether each node's value always lies in the base field (it reads no
    /// aux column and no challenge). Lets evaluators use cheaper arithmetic.
    pub fn base_field_nodes(&self) -> Vec<bool> {
        let mut base: Vec<bool> = Vec::with_capacity(self.nodes.len());
        for node in &self.nodes {
            let b = match *node {
                Node::Const(_)
                | Node::Main { .. }
                | Node::Preprocessed { .. }
                | Node::Periodic(_)
                | Node::Public(_) => true,
                Node::Aux { .. } | Node::Challenge(_) => false,
                Node::Add(a, b) | Node::Sub(a, b) | Node::Mul(a, b) => {
                    base[a.index()] && base[b.index()]
                }
                Node::Neg(a) => base[a.index()],
            };
            base.push(b);
        }
        base
    }

    /// The number `q` of composition parts of degree `< n` for a trace of `n`
    /// rows: the smallest power of two with `q * n > deg(C_k) - deg(Z_k)` for
    /// every constraint `k`, where `deg(C_k) = d_k * (n - 1)` for expression
    /// degree `d_k` ([`degrees`](Self::degrees)). At least 1. Assumes
    /// `n >= 2`.
    ///
    /// Errors: [`ExprError::DegreeOverflow`] naming the constraint's node if
    /// its degree or the part count does not fit in a `usize`; the errors of
    /// [`degrees`](Self::degrees).
    pub fn composition_parts(&self, n: usize) -> Result<usize, ExprError> {
        let deg = self.degrees()?;
        let mut parts = 1usize;
        for (k, c) in self.constraints.iter().enumerate() {
            let node = c.expr.index();
            let overflow = ExprError::DegreeOverflow { node };
            let num = deg
                .get(node)
                .ok_or(ExprError::ConstraintOutOfRange {
                    constraint: k,
                    node,
                    nodes: deg.len(),
                })?
                .checked_mul(n - 1)
                .ok_or(overflow.clone())?;
            let quotient = num.saturating_sub(c.rows.zerofier_degree(n));
            let needed = (quotient + 1).div_ceil(n);
            parts = parts.max(needed.checked_next_power_of_two().ok_or(overflow)?);
        }
        Ok(parts)
    }

    /// Evaluates every node on one point, reading leaves from `leaves` (main
    /// and preprocessed values are Fp3 so that the same code serves
    /// out-of-domain points). Returns the value of each node. This is the
    /// definition every evaluator must agree with.
    ///
    /// A periodic column `i` with pattern `P` of length `p` is the
    /// polynomial `pi` of degree `< p` with `pi(omega_p^j) = P[j]`, composed
    /// with `x -> x^(n/p)`: its value at row `r` (the point `g^r`) is
    /// `P[r mod p]`, at any point `x` it is `pi(x^(n/p))`. `leaves.periodic`
    /// returns that value at the point being evaluated.
    pub fn eval_nodes(
        &self,
        leaves: &impl LeafValues,
        challenges: &[Fp3],
        public: &[Fp],
    ) -> Vec<Fp3> {
        let mut v: Vec<Fp3> = Vec::with_capacity(self.nodes.len());
        for node in &self.nodes {
            let x = match *node {
                Node::Const(k) => Fp3::from_base(k),
                Node::Main { col, next } => leaves.main(col, next),
                Node::Preprocessed { col, next } => leaves.preprocessed(col, next),
                Node::Periodic(i) => leaves.periodic(i),
                Node::Aux { col, next } => leaves.aux(col, next),
                Node::Challenge(i) => challenges[i],
                Node::Public(i) => Fp3::from_base(public[i]),
                Node::Add(a, b) => v[a.index()] + v[b.index()],
                Node::Sub(a, b) => v[a.index()] - v[b.index()],
                Node::Mul(a, b) => v[a.index()] * v[b.index()],
                Node::Neg(a) => -v[a.index()],
            };
            v.push(x);
        }
        v
    }
}

/// The values of a system's trace leaves at one point, for
/// [`ConstraintSystem::eval_nodes`]. `next` selects the point times `g`.
pub trait LeafValues {
    /// Main column `col`.
    fn main(&self, col: usize, next: bool) -> Fp3;
    /// Preprocessed column `col`.
    fn preprocessed(&self, col: usize, next: bool) -> Fp3;
    /// Auxiliary column `col`.
    fn aux(&self, col: usize, next: bool) -> Fp3;
    /// Periodic column `i` (current row only).
    fn periodic(&self, i: usize) -> Fp3;
}

/// The inverse zerofiers of the four [`RowSet`]s at one point `x` outside
/// `H_n`, indexed by [`RowSet::tag`]: `1/(x - 1)`, `1/(x - g^(n-1))`,
/// `(x - g^(n-1)) / (x^n - 1)`, `1/(x^n - 1)`.
pub fn zerofier_inverses(x: Fp3, log_n: u32) -> Option<[Fp3; 4]> {
    let g = Fp::root_of_unity(log_n)?;
    let g_last = g.pow((1u64 << log_n) - 1);
    let x_n = x.pow(1u64 << log_n);
    let first = (x - Fp3::ONE).inverse()?;
    let last_factor = x - Fp3::from_base(g_last);
    let last = last_factor.inverse()?;
    let every = (x_n - Fp3::ONE).inverse()?;
    Some([first, last, last_factor * every, every])
}

impl ConstraintSystem {
    /// The composition value at one point: `sum_k alpha^k * C_k * zinv[rows_k]`
    /// over the constraints in order, from the node values of
    /// [`eval_nodes`](Self::eval_nodes) and the inverse zerofiers of
    /// [`zerofier_inverses`].
    pub fn combine(&self, node_values: &[Fp3], alpha: Fp3, zinv: &[Fp3; 4]) -> Fp3 {
        let mut acc = Fp3::ZERO;
        let mut power = Fp3::ONE;
        for c in &self.constraints {
            acc += power * node_values[c.expr.index()] * zinv[c.rows.tag() as usize];
            power *= alpha;
        }
        acc
    }
}

/// Where primitive 9 (constraint evaluation) evaluates the composition.
///
/// The LDE matrices have height `2^log_lde` and hold their columns over
/// `shift * H_{2^log_lde}` in bit-reversed order. The composition is
/// evaluated on their first `M = 2^log_eval` positions (`log_n <= log_eval
/// <= log_lde`), which are exactly the coset `shift * H_M` in bit-reversed
/// order: position `k` is `x_k = shift * omega_M^bit_reverse(k, log_eval)`.
/// The "next row" of position `k` is the position of `x_k * g` with
/// `g = omega_n`: `bit_reverse((bit_reverse(k) + M / n) mod M, log_eval)`.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct CompositionDomain {
    /// The trace has `n = 2^log_n` rows.
    pub log_n: u32,
    /// Height of the LDE matrices.
    pub log_lde: u32,
    /// Number of positions evaluated, `M = 2^log_eval`.
    pub log_eval: u32,
    /// The coset shift; must lie outside the two-adic subgroup.
    pub shift: Fp,
}

impl CompositionDomain {
    /// Position of the next row's point, for position `k < M`.
    pub fn next_position(&self, k: usize) -> usize {
        let m = 1usize << self.log_eval;
        let step = m >> self.log_n;
        let i = crate::domain::bit_reverse(k, self.log_eval);
        crate::domain::bit_reverse((i + step) & (m - 1), self.log_eval)
    }

    /// The point at position `k < M`. Panics if `log_eval > 32` (run
    /// [`crate::check::evaluation`] first).
    pub fn point(&self, k: usize) -> Fp {
        let omega = Fp::root_of_unity(self.log_eval).expect("log_eval <= 32");
        self.shift * omega.pow(crate::domain::bit_reverse(k, self.log_eval) as u64)
    }
}

/// The values of one call of primitive 9 besides the trace: fixed for the
/// whole table.
#[derive(Copy, Clone, Debug)]
pub struct ConstraintParams<'a> {
    /// Challenge `i` is `challenges[i]`; `system.num_challenges` of them.
    pub challenges: &'a [Fp3],
    /// Public input `i` is `public[i]`; `system.num_public` of them.
    pub public: &'a [Fp],
    /// Periodic column `i` over the evaluation domain `shift * H_M`, in
    /// natural order and reduced to one period: `periodic[i]` has a
    /// power-of-two length `L <= M`, and position `k` reads
    /// `periodic[i][bit_reverse(k, log_eval) mod L]`. For a pattern of
    /// period `p` on `n` rows, `L = M p / n` and entry `t` is the column's
    /// polynomial at `x = shift * omega_M^t`, i.e. `pi((shift *
    /// omega_M^t)^(n/p))` (see [`ConstraintSystem::eval_nodes`]).
    /// `system.num_periodic` of them.
    pub periodic: &'a [Vec<Fp>],
    /// The constraint-combining challenge.
    pub alpha: Fp3,
}
