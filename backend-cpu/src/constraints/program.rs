//! The constraint DAG compiled once per call for batches of [`LANES`]
//! positions: each live node becomes one instruction run over the whole
//! batch (one dispatch per node and batch instead of per node and
//! position), its value kept in a slot that is reused once its last reader
//! has run, base-field nodes in base-field slots. A constraint's value is
//! added to its row set's sum as soon as its node is computed.

#[cfg(target_arch = "x86_64")]
use crate::lanes::{lanes_x8, mul_add_x8};
#[cfg(target_arch = "x86_64")]
use crate::ntt::x8::{FieldX8, LaneOp};
use crate::wide_sum::WideSum3;
use backend_api::expr::{ConstraintSystem, ExprId, Node};
use backend_api::{Fp, Fp3};

/// Positions per batch: a column's reads for a batch are 2 KB of
/// consecutive rows (measured faster than 64 or 128 positions on keccak's
/// 5,000 column reads per position), while a thread's slots and sums stay
/// within its L2.
pub const LANES: usize = 256;

/// Where a node's values live: a base-field or an extension slot.
#[derive(Clone, Copy, Debug)]
enum Slot {
    Base(usize),
    Ext(usize),
}

/// A base-field instruction (operands: base-field slots).
#[derive(Clone, Copy, Debug)]
enum BaseOp {
    Main { col: usize, next: bool },
    Pre { col: usize, next: bool },
    Periodic(usize),
    Const(Fp),
    Add(usize, usize),
    Sub(usize, usize),
    Mul(usize, usize),
    Neg(usize),
}

/// An extension instruction (operands of either field; a product of a
/// base-field and an extension slot is a scaling).
#[derive(Clone, Copy, Debug)]
enum ExtOp {
    Aux { col: usize, next: bool },
    Const(Fp3),
    Add(Slot, Slot),
    Sub(Slot, Slot),
    Scale { base: usize, ext: usize },
    Mul(Slot, Slot),
    Neg(Slot),
}

/// An instruction and its destination slot.
#[derive(Clone, Copy, Debug)]
enum Code {
    Base(BaseOp, usize),
    Ext(ExtOp, usize),
}

struct Instr {
    code: Code,
    /// `(row set tag, alpha^k)` of each constraint on this node.
    roots: Vec<(usize, Fp3)>,
}

/// The compiled system.
pub struct Program {
    instrs: Vec<Instr>,
    base_slots: usize,
    ext_slots: usize,
    /// Base-field sums and products over whole batches on AVX-512 lanes,
    /// where the CPU has them.
    lanes: Lanes,
}

/// How base-field arithmetic instructions run over a batch.
#[derive(Clone, Copy, Debug)]
pub enum Lanes {
    /// One lane at a time.
    Scalar,
    /// Eight lanes at a time, over all [`LANES`] slots of a batch (lanes
    /// past the batch's length hold stale canonical values and are never
    /// read into a sum).
    #[cfg(target_arch = "x86_64")]
    Avx512(FieldX8),
}

impl Lanes {
    /// The widest the running CPU supports.
    pub fn detect() -> Lanes {
        #[cfg(target_arch = "x86_64")]
        if let Some(k) = FieldX8::new() {
            return Lanes::Avx512(k);
        }
        Lanes::Scalar
    }
}

/// Free slots of one field.
#[derive(Default)]
struct Pool {
    free: Vec<usize>,
    count: usize,
}

impl Pool {
    fn take(&mut self) -> usize {
        self.free.pop().unwrap_or_else(|| {
            self.count += 1;
            self.count - 1
        })
    }
}

fn operands(node: &Node) -> Vec<usize> {
    match *node {
        Node::Add(a, b) | Node::Sub(a, b) | Node::Mul(a, b) => vec![a.index(), b.index()],
        Node::Neg(a) => vec![a.index()],
        _ => Vec::new(),
    }
}

/// The nodes with every read of a column cell (main, preprocessed or aux
/// column, this row or the next) replaced by the first node reading it,
/// so that a batch reads each cell once; and for each node, the node it
/// was replaced by (itself if none). Replaced nodes are left unread.
fn shared_column_reads(nodes: &[Node]) -> (Vec<Node>, Vec<usize>) {
    let mut first = std::collections::HashMap::new();
    let canon: Vec<usize> = nodes
        .iter()
        .enumerate()
        .map(|(i, node)| {
            let key = match *node {
                Node::Main { col, next } => (0u8, col, next),
                Node::Preprocessed { col, next } => (1, col, next),
                Node::Aux { col, next } => (2, col, next),
                _ => return i,
            };
            *first.entry(key).or_insert(i)
        })
        .collect();
    let to = |e: ExprId| ExprId(canon[e.index()] as u32);
    let nodes = nodes
        .iter()
        .map(|node| match *node {
            Node::Add(a, b) => Node::Add(to(a), to(b)),
            Node::Sub(a, b) => Node::Sub(to(a), to(b)),
            Node::Mul(a, b) => Node::Mul(to(a), to(b)),
            Node::Neg(a) => Node::Neg(to(a)),
            leaf => leaf,
        })
        .collect();
    (nodes, canon)
}

/// A node's instruction, given its operands' slots: base-field when every
/// operand is (leaves by their kind).
fn code_of(node: &Node, slot: &[Slot], challenges: &[Fp3], public: &[Fp]) -> Result<BaseOp, ExtOp> {
    use Slot::{Base, Ext};
    let s = |e: backend_api::expr::ExprId| slot[e.index()];
    Ok(match *node {
        Node::Const(v) => BaseOp::Const(v),
        Node::Public(j) => BaseOp::Const(public[j]),
        Node::Main { col, next } => BaseOp::Main { col, next },
        Node::Preprocessed { col, next } => BaseOp::Pre { col, next },
        Node::Periodic(j) => BaseOp::Periodic(j),
        Node::Challenge(j) => return Err(ExtOp::Const(challenges[j])),
        Node::Aux { col, next } => return Err(ExtOp::Aux { col, next }),
        Node::Add(a, b) => match (s(a), s(b)) {
            (Base(x), Base(y)) => BaseOp::Add(x, y),
            (x, y) => return Err(ExtOp::Add(x, y)),
        },
        Node::Sub(a, b) => match (s(a), s(b)) {
            (Base(x), Base(y)) => BaseOp::Sub(x, y),
            (x, y) => return Err(ExtOp::Sub(x, y)),
        },
        Node::Mul(a, b) => match (s(a), s(b)) {
            (Base(x), Base(y)) => BaseOp::Mul(x, y),
            (Base(base), Ext(ext)) | (Ext(ext), Base(base)) => {
                return Err(ExtOp::Scale { base, ext })
            }
            (x, y) => return Err(ExtOp::Mul(x, y)),
        },
        Node::Neg(a) => match s(a) {
            Base(x) => BaseOp::Neg(x),
            x => return Err(ExtOp::Neg(x)),
        },
    })
}

impl Program {
    /// Compiles `system` with the constraint weights `powers` (`alpha^k`
    /// per constraint), challenges and public inputs as constants. Nodes no
    /// constraint depends on are left out.
    pub fn compile(
        system: &ConstraintSystem,
        powers: &[Fp3],
        challenges: &[Fp3],
        public: &[Fp],
        lanes: Lanes,
    ) -> Program {
        let (nodes, canon) = shared_column_reads(&system.nodes);
        let nodes = &nodes;
        let mut roots = vec![Vec::new(); nodes.len()];
        for (con, &power) in system.constraints.iter().zip(powers) {
            roots[canon[con.expr.index()]].push((con.rows.tag() as usize, power));
        }
        let mut live = vec![false; nodes.len()];
        for i in (0..nodes.len()).rev() {
            if !roots[i].is_empty() || live[i] {
                live[i] = true;
                for a in operands(&nodes[i]) {
                    live[a] = true;
                }
            }
        }
        // The last live node reading each node.
        let mut last_read = vec![None; nodes.len()];
        for (i, node) in nodes.iter().enumerate().filter(|&(i, _)| live[i]) {
            for a in operands(node) {
                last_read[a] = Some(i);
            }
        }
        let (mut base_pool, mut ext_pool) = (Pool::default(), Pool::default());
        let mut slot = vec![Slot::Base(0); nodes.len()];
        let mut instrs = Vec::new();
        for (i, node) in nodes.iter().enumerate().filter(|&(i, _)| live[i]) {
            let code = match code_of(node, &slot, challenges, public) {
                Ok(op) => {
                    let d = base_pool.take();
                    slot[i] = Slot::Base(d);
                    Code::Base(op, d)
                }
                Err(op) => {
                    let d = ext_pool.take();
                    slot[i] = Slot::Ext(d);
                    Code::Ext(op, d)
                }
            };
            // Operands read for the last time free their slots (after the
            // destination was taken, so that it never aliases an operand).
            let mut read = operands(node);
            read.dedup();
            for a in read {
                if last_read[a] == Some(i) {
                    release(slot[a], &mut base_pool, &mut ext_pool);
                }
            }
            let node_roots = std::mem::take(&mut roots[i]);
            instrs.push(Instr {
                code,
                roots: node_roots,
            });
            if last_read[i].is_none() {
                release(slot[i], &mut base_pool, &mut ext_pool);
            }
        }
        Program {
            instrs,
            base_slots: base_pool.count,
            ext_slots: ext_pool.count,
            lanes,
        }
    }
}

/// Gives a slot back to its pool.
fn release(slot: Slot, base: &mut Pool, ext: &mut Pool) {
    match slot {
        Slot::Base(s) => base.free.push(s),
        Slot::Ext(s) => ext.free.push(s),
    }
}

/// What the instructions read: the columns (each of the LDE's `M`
/// positions) and the periodic tables.
pub struct Inputs<'a> {
    pub main: &'a [&'a [Fp]],
    pub pre: &'a [&'a [Fp]],
    pub aux: &'a [&'a [Fp3]],
    pub periodic: &'a [Vec<Fp>],
}

/// The positions of one batch: `len <= LANES` positions `row`, the
/// positions of their next rows, and their natural indices (for periodic
/// columns).
pub struct Batch {
    pub len: usize,
    pub row: [usize; LANES],
    pub next: [usize; LANES],
    pub nat: [usize; LANES],
    /// The first row (next row) when the lanes' rows (next rows) are
    /// consecutive, so that a column read is one copy; set by
    /// [`find_runs`](Self::find_runs).
    pub row_run: Option<usize>,
    pub next_run: Option<usize>,
}

impl Batch {
    /// Records which of `row` and `next` are runs of consecutive rows
    /// (`row` always is in the prover's batches; `next` is unless a carry
    /// of the bit-reversed step reaches the lanes' bits).
    pub fn find_runs(&mut self) {
        let run = |r: &[usize]| {
            let consecutive = r.iter().enumerate().all(|(l, &x)| x == r[0] + l);
            (consecutive && !r.is_empty()).then(|| r[0])
        };
        self.row_run = run(&self.row[..self.len]);
        self.next_run = run(&self.next[..self.len]);
    }
}

/// `out[l] = column[row of lane l]` (its row, or its next row with
/// `next`): one copy when those rows are consecutive.
fn gather<T: Copy>(column: &[T], batch: &Batch, next: bool, out: &mut [T]) {
    let (rows, run) = match next {
        true => (&batch.next, batch.next_run),
        false => (&batch.row, batch.row_run),
    };
    match run {
        Some(start) => out.copy_from_slice(&column[start..start + out.len()]),
        None => {
            for (o, &r) in out.iter_mut().zip(rows.iter()) {
                *o = column[r];
            }
        }
    }
}

/// Per row set (by tag) and lane, the sum of `alpha^k C_k` over the
/// constraints run so far. A base-field `C_k` adds its products with the
/// three coefficients of `alpha^k`: on AVX-512 lanes into three planes of
/// canonical sums (a product and a sum per coefficient, eight lanes at a
/// time), on scalar lanes unreduced into [`WideSum3`]s; an extension `C_k`
/// adds to an `Fp3` sum. Only the row sets a batch added to are cleared.
/// (On the heap: about 150 KB.)
pub struct RowSetSums {
    wide: Box<[[WideSum3; LANES]; 4]>,
    planes: Box<[[[Fp; LANES]; 3]; 4]>,
    ext: Box<[[Fp3; LANES]; 4]>,
    used: [bool; 4],
}

impl RowSetSums {
    pub fn new() -> RowSetSums {
        RowSetSums {
            wide: Box::new([[WideSum3::default(); LANES]; 4]),
            planes: Box::new([[[Fp::ZERO; LANES]; 3]; 4]),
            ext: Box::new([[Fp3::ZERO; LANES]; 4]),
            used: [true; 4],
        }
    }

    /// Every sum back to zero, for the next batch.
    pub fn clear(&mut self) {
        for tag in (0..4).filter(|&t| self.used[t]) {
            self.wide[tag].fill(WideSum3::default());
            self.planes[tag].iter_mut().for_each(|p| p.fill(Fp::ZERO));
            self.ext[tag].fill(Fp3::ZERO);
        }
        self.used = [false; 4];
    }

    /// The sum of row set `tag` at lane `l`.
    pub fn get(&self, tag: usize, l: usize) -> Fp3 {
        let p = &self.planes[tag];
        self.ext[tag][l] + self.wide[tag][l].reduce() + Fp3::new(p[0][l], p[1][l], p[2][l])
    }

    /// Adds `power * values[l]` to row set `tag` at every lane `l < len`
    /// (all [`LANES`] on vector lanes: the stale lanes are never read).
    fn add_base(&mut self, tag: usize, power: Fp3, values: &[Fp], len: usize, lanes: Lanes) {
        self.used[tag] = true;
        #[cfg(target_arch = "x86_64")]
        if let Lanes::Avx512(k) = lanes {
            for (plane, p) in self.planes[tag].iter_mut().zip(power.coeffs()) {
                // SAFETY: `k` exists only where AVX-512F was detected.
                unsafe { mul_add_x8(k, plane, values, p) };
            }
            return;
        }
        let _ = lanes;
        let k = power.coeffs().map(Fp::value);
        for (acc, &v) in self.wide[tag][..len].iter_mut().zip(values) {
            acc.add_scaled(v.value(), k);
        }
    }

    /// Adds `power * values[l]` to row set `tag` at every lane `l < len`.
    fn add_ext(&mut self, tag: usize, power: Fp3, values: &[Fp3], len: usize) {
        self.used[tag] = true;
        for (s, &v) in self.ext[tag][..len].iter_mut().zip(values) {
            *s += power * v;
        }
    }
}

/// One thread's slots.
pub struct Registers {
    base: Vec<Fp>,
    ext: Vec<Fp3>,
}

impl Program {
    /// Slots for [`run`](Self::run).
    pub fn registers(&self) -> Registers {
        Registers {
            base: vec![Fp::ZERO; self.base_slots * LANES],
            ext: vec![Fp3::ZERO; self.ext_slots * LANES],
        }
    }

    /// Runs every instruction over `batch`; adds `alpha^k C_k` of each
    /// constraint to its row set's sums (lane by lane).
    pub fn run(
        &self,
        inputs: &Inputs<'_>,
        batch: &Batch,
        regs: &mut Registers,
        sums: &mut RowSetSums,
    ) {
        let len = batch.len;
        for ins in &self.instrs {
            match ins.code {
                Code::Base(op, d) => {
                    base_op(op, d * LANES, inputs, batch, &mut regs.base, self.lanes)
                }
                Code::Ext(op, d) => ext_op(op, d * LANES, inputs, batch, regs),
            }
            for &(tag, power) in &ins.roots {
                match ins.code {
                    Code::Base(_, d) => {
                        let values = &regs.base[d * LANES..(d + 1) * LANES];
                        sums.add_base(tag, power, values, len, self.lanes);
                    }
                    Code::Ext(_, d) => {
                        sums.add_ext(tag, power, &regs.ext[d * LANES..(d + 1) * LANES], len);
                    }
                }
            }
        }
    }
}

/// A base-field instruction into `b[d .. d + len]`.
fn base_op(op: BaseOp, d: usize, inputs: &Inputs<'_>, batch: &Batch, b: &mut [Fp], lanes: Lanes) {
    let len = batch.len;
    #[cfg(target_arch = "x86_64")]
    if let Lanes::Avx512(k) = lanes {
        let vector = match op {
            BaseOp::Add(x, y) => Some((LaneOp::Add, x, y)),
            BaseOp::Sub(x, y) => Some((LaneOp::Sub, x, y)),
            BaseOp::Mul(x, y) => Some((LaneOp::Mul, x, y)),
            _ => None,
        };
        if let Some((op, x, y)) = vector {
            let (dst, x, y) = dst_and_operands(b, d, x * LANES, y * LANES);
            // SAFETY: `k` exists only where AVX-512F was detected.
            unsafe { lanes_x8(k, op, dst, x, y) };
            return;
        }
    }
    let _ = lanes;
    match op {
        BaseOp::Main { col, next } => gather(inputs.main[col], batch, next, &mut b[d..d + len]),
        BaseOp::Pre { col, next } => gather(inputs.pre[col], batch, next, &mut b[d..d + len]),
        BaseOp::Periodic(j) => {
            let t = &inputs.periodic[j];
            let mask = t.len() - 1;
            for l in 0..len {
                b[d + l] = t[batch.nat[l] & mask];
            }
        }
        BaseOp::Const(v) => b[d..d + len].fill(v),
        BaseOp::Add(x, y) => {
            let (x, y) = (x * LANES, y * LANES);
            for l in 0..len {
                b[d + l] = b[x + l] + b[y + l];
            }
        }
        BaseOp::Sub(x, y) => {
            let (x, y) = (x * LANES, y * LANES);
            for l in 0..len {
                b[d + l] = b[x + l] - b[y + l];
            }
        }
        BaseOp::Mul(x, y) => {
            let (x, y) = (x * LANES, y * LANES);
            for l in 0..len {
                b[d + l] = b[x + l] * b[y + l];
            }
        }
        BaseOp::Neg(x) => {
            let x = x * LANES;
            for l in 0..len {
                b[d + l] = -b[x + l];
            }
        }
    }
}

/// The destination slot at `d` and the operand slots at `x` and `y` of
/// `b` (element offsets of whole slots; the destination never aliases an
/// operand: `Program::compile` takes it before freeing them).
fn dst_and_operands(b: &mut [Fp], d: usize, x: usize, y: usize) -> (&mut [Fp], &[Fp], &[Fp]) {
    assert!(d != x && d != y, "a destination slot aliases an operand");
    let (below, from_d) = b.split_at_mut(d);
    let (dst, above) = from_d.split_at_mut(LANES);
    let (below, above) = (&*below, &*above);
    let slot = |s: usize| match s < d {
        true => &below[s..s + LANES],
        false => &above[s - d - LANES..s - d],
    };
    (dst, slot(x), slot(y))
}

/// An extension instruction into `regs.ext[d .. d + len]`.
fn ext_op(op: ExtOp, d: usize, inputs: &Inputs<'_>, batch: &Batch, regs: &mut Registers) {
    let len = batch.len;
    let Registers { base, ext } = regs;
    let get = |base: &[Fp], ext: &[Fp3], s: Slot, l: usize| match s {
        Slot::Base(s) => Fp3::from_base(base[s * LANES + l]),
        Slot::Ext(s) => ext[s * LANES + l],
    };
    match op {
        ExtOp::Aux { col, next } => gather(inputs.aux[col], batch, next, &mut ext[d..d + len]),
        ExtOp::Const(v) => ext[d..d + len].fill(v),
        ExtOp::Add(x, y) => {
            for l in 0..len {
                ext[d + l] = get(base, ext, x, l) + get(base, ext, y, l);
            }
        }
        ExtOp::Sub(x, y) => {
            for l in 0..len {
                ext[d + l] = get(base, ext, x, l) - get(base, ext, y, l);
            }
        }
        ExtOp::Scale { base: x, ext: y } => {
            for l in 0..len {
                ext[d + l] = ext[y * LANES + l].mul_base(base[x * LANES + l]);
            }
        }
        ExtOp::Mul(x, y) => {
            for l in 0..len {
                ext[d + l] = get(base, ext, x, l) * get(base, ext, y, l);
            }
        }
        ExtOp::Neg(x) => {
            for l in 0..len {
                ext[d + l] = -get(base, ext, x, l);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use backend_api::field::P;

    /// Slots 0 and 1 hold operands (edge values, then pseudo-random ones),
    /// slot 2 the result.
    fn slots() -> Vec<Fp> {
        let edge = [0, 1, 2, P - 1, P - 2, 1 << 32, (1 << 32) - 1, P >> 1];
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            Fp::new(state)
        };
        let mut b: Vec<Fp> = (0..3 * LANES).map(|_| next()).collect();
        for (i, &e) in edge.iter().enumerate() {
            b[i] = Fp::new(e);
            b[LANES + edge.len() - 1 - i] = Fp::new(e);
        }
        b
    }

    #[test]
    fn row_set_sums_on_every_lane_kernel_match_the_field() {
        let values = slots();
        let power = Fp3::new(Fp::new(P - 3), Fp::new(1 << 40), Fp::new(12345));
        let ext: Vec<Fp3> = values.iter().map(|&v| Fp3::new(v, Fp::ONE, v)).collect();
        for lanes in [Lanes::Scalar, Lanes::detect()] {
            let mut sums = RowSetSums::new();
            sums.clear();
            for k in 0..3 {
                sums.add_base(1, power, &values[k * LANES..(k + 1) * LANES], LANES, lanes);
            }
            sums.add_ext(2, power, &ext[..LANES], LANES);
            for l in 0..LANES {
                let want: Fp3 = (0..3).map(|k| power.mul_base(values[k * LANES + l])).sum();
                assert_eq!(sums.get(1, l), want, "{lanes:?} lane {l}");
                assert_eq!(sums.get(2, l), power * ext[l], "{lanes:?} lane {l}");
                assert_eq!(sums.get(0, l), Fp3::ZERO);
            }
            sums.clear();
            assert_eq!(sums.get(1, 0), Fp3::ZERO, "clear empties the used row sets");
        }
    }

    #[test]
    fn column_reads_copy_runs_and_gather_the_rest() {
        let column: Vec<u64> = (0..4 * LANES as u64).map(|x| x * 3 + 1).collect();
        let mut batch = Batch {
            len: LANES,
            row: std::array::from_fn(|l| 5 + l),
            next: std::array::from_fn(|l| (7 * l + 2) % (4 * LANES)),
            nat: [0; LANES],
            row_run: None,
            next_run: None,
        };
        batch.next[LANES - 1] = batch.next[0] + LANES - 1;
        batch.find_runs();
        assert_eq!((batch.row_run, batch.next_run), (Some(5), None));
        for next in [false, true] {
            let mut out = vec![0; LANES];
            gather(&column, &batch, next, &mut out);
            let rows = if next { &batch.next } else { &batch.row };
            let want: Vec<u64> = rows.iter().map(|&r| column[r]).collect();
            assert_eq!(out, want, "next = {next}");
        }
    }

    #[test]
    fn arithmetic_on_every_lane_kernel_matches_the_field() {
        let inputs = Inputs {
            main: &[],
            pre: &[],
            aux: &[],
            periodic: &[],
        };
        let batch = Batch {
            len: LANES,
            row: [0; LANES],
            next: [0; LANES],
            nat: [0; LANES],
            row_run: None,
            next_run: None,
        };
        type Reference = fn(Fp, Fp) -> Fp;
        let ops: [(BaseOp, Reference); 4] = [
            (BaseOp::Add(0, 1), |a, b| a + b),
            (BaseOp::Sub(0, 1), |a, b| a - b),
            (BaseOp::Mul(0, 1), |a, b| a * b),
            (BaseOp::Mul(1, 1), |_, b| b * b),
        ];
        for lanes in [Lanes::Scalar, Lanes::detect()] {
            for (op, want) in ops {
                let mut b = slots();
                let (x, y) = (b[..LANES].to_vec(), b[LANES..2 * LANES].to_vec());
                base_op(op, 2 * LANES, &inputs, &batch, &mut b, lanes);
                for l in 0..LANES {
                    assert_eq!(
                        b[2 * LANES + l],
                        want(x[l], y[l]),
                        "{lanes:?} {op:?} lane {l}"
                    );
                    assert!(b[2 * LANES + l].value() < P, "canonical");
                }
            }
        }
    }
}
