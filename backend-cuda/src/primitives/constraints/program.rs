//! Compiles a [`ConstraintSystem`] into the bytecode of
//! `kernels/constraints.cu` (format in `kernels/constraints_program.cuh`).
//!
//! * Only nodes some constraint depends on are evaluated (dead nodes cannot
//!   change the result).
//! * Every live node gets a slot; a slot is freed after the node's last use
//!   and reused, so the kernel's per-thread scratch is the maximum number of
//!   simultaneously live values, not the node count.
//! * Nodes known to lie in the base field (`base_field_nodes`) use base-field
//!   opcodes; `Mul` of an Fp3 and a base value uses the cheaper `MUL_EB`.
//! * Each constraint `c` becomes `acc[rows_c] += alpha^c * value`, emitted
//!   right after its node is computed.

use backend_api::expr::{ConstraintParams, ConstraintSystem, Node};
use backend_api::{DeviceError, DeviceResult, Fp, Fp3};

pub(crate) const OP_LOAD_MAIN: u32 = 0;
pub(crate) const OP_LOAD_AUX: u32 = 1;
pub(crate) const OP_LOAD_POOL: u32 = 2;
pub(crate) const OP_ADD_E: u32 = 3;
pub(crate) const OP_SUB_E: u32 = 4;
pub(crate) const OP_NEG_E: u32 = 5;
pub(crate) const OP_MUL_EE: u32 = 6;
pub(crate) const OP_MUL_EB: u32 = 7;
pub(crate) const OP_ADD_B: u32 = 8;
pub(crate) const OP_SUB_B: u32 = 9;
pub(crate) const OP_NEG_B: u32 = 10;
pub(crate) const OP_MUL_BB: u32 = 11;
pub(crate) const OP_ACC_E: u32 = 12;
pub(crate) const OP_ACC_B: u32 = 13;
pub(crate) const OP_LOAD_PRE: u32 = 14;
pub(crate) const OP_LOAD_PERIODIC: u32 = 15;
/// Flags on the opcode word of an Fp3 instruction: operand `x` (or `y`)
/// sits in a slot written through its `c0` only (a base value), so the
/// kernel reads `c0` and takes `c1 = c2 = 0`. Base values are written that
/// way to move a third of the bytes through the slots, which the kernel
/// keeps in local memory (its speed is that memory's).
pub(crate) const BASE_X: u32 = 1 << 8;
pub(crate) const BASE_Y: u32 = 1 << 9;

/// A compiled system: instructions `[op, dst, x, y]`, the Fp3 pool
/// (constants, challenges, public inputs), `alpha^c` per constraint, and
/// the periodic tables one after the other (`LOAD_PERIODIC` reads table
/// `i` at its word offset with mask `len - 1`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Program {
    pub instructions: Vec<[u32; 4]>,
    pub pool: Vec<Fp3>,
    pub powers: Vec<Fp3>,
    pub periodic: Vec<Fp>,
    /// Slots the kernel needs per position.
    pub slots: usize,
}

fn index_u32(what: &'static str, i: usize) -> DeviceResult<u32> {
    u32::try_from(i).map_err(|_| DeviceError::invalid("system", format!("{what} {i} exceeds u32")))
}

/// Compiles a system whose call passed the shared argument checks.
pub(crate) fn compile(
    system: &ConstraintSystem,
    params: &ConstraintParams,
) -> DeviceResult<Program> {
    let (challenges, public, alpha) = (params.challenges, params.public, params.alpha);
    let mut periodic: Vec<Fp> = Vec::new();
    let mut periodic_at: Vec<(u32, u32)> = Vec::with_capacity(params.periodic.len());
    for table in params.periodic {
        let mask = index_u32("periodic table length", table.len() - 1)?;
        periodic_at.push((index_u32("periodic table offset", periodic.len())?, mask));
        periodic.extend_from_slice(table);
    }
    let nodes = &system.nodes;
    let n = nodes.len();
    let operands = |node: &Node| -> Vec<usize> {
        match *node {
            Node::Add(a, b) | Node::Sub(a, b) | Node::Mul(a, b) => vec![a.index(), b.index()],
            Node::Neg(a) => vec![a.index()],
            _ => vec![],
        }
    };

    // Liveness: nodes reachable from a constraint, walking down the DAG.
    let mut live = vec![false; n];
    for c in &system.constraints {
        live[c.expr.index()] = true;
    }
    for i in (0..n).rev() {
        if live[i] {
            for o in operands(&nodes[i]) {
                live[o] = true;
            }
        }
    }
    // Last instruction (in node order) reading each node; a constraint
    // reads its node right where it is computed.
    let mut last_use = vec![0usize; n];
    for (i, node) in nodes.iter().enumerate() {
        if !live[i] {
            continue;
        }
        last_use[i] = last_use[i].max(i);
        for o in operands(node) {
            last_use[o] = last_use[o].max(i);
        }
    }
    let mut constraints_of: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (c, con) in system.constraints.iter().enumerate() {
        constraints_of[con.expr.index()].push(c);
    }

    let base = system.base_field_nodes();
    // Nodes whose instruction writes only c0 of its slot (see BASE_X).
    let c0_only: Vec<bool> = nodes
        .iter()
        .enumerate()
        .map(|(i, node)| match node {
            Node::Main { .. } | Node::Preprocessed { .. } | Node::Periodic(_) => true,
            Node::Add(..) | Node::Sub(..) | Node::Neg(..) | Node::Mul(..) => base[i],
            Node::Const(_) | Node::Public(_) | Node::Aux { .. } | Node::Challenge(_) => false,
        })
        .collect();
    let mut pool: Vec<Fp3> = Vec::new();
    let mut instructions: Vec<[u32; 4]> = Vec::new();
    let mut slot_of = vec![u32::MAX; n];
    // Free slots, smallest last (popped first) for locality.
    let mut free: Vec<u32> = Vec::new();
    let mut slots = 0u32;

    for (i, node) in nodes.iter().enumerate() {
        if !live[i] {
            continue;
        }
        let ops = operands(node);
        let src: Vec<u32> = ops.iter().map(|&o| slot_of[o]).collect();
        // Operands read for the last time free their slots before the
        // destination is chosen: the kernel reads operands before writing.
        let mut released: Vec<u32> = Vec::new();
        for (&o, &s) in ops.iter().zip(&src) {
            if last_use[o] == i && !released.contains(&s) {
                released.push(s);
            }
        }
        free.extend(released);
        free.sort_unstable_by(|a, b| b.cmp(a));
        let dst = match free.pop() {
            Some(s) => s,
            None => {
                slots += 1;
                slots - 1
            }
        };
        slot_of[i] = dst;
        let pool_load = |v: Fp3, pool: &mut Vec<Fp3>| -> DeviceResult<[u32; 4]> {
            pool.push(v);
            Ok([
                OP_LOAD_POOL,
                dst,
                index_u32("pool entry", pool.len() - 1)?,
                0,
            ])
        };
        let ins = match *node {
            Node::Const(k) => pool_load(Fp3::from_base(k), &mut pool)?,
            Node::Challenge(j) => pool_load(challenges[j], &mut pool)?,
            Node::Public(j) => pool_load(Fp3::from_base(public[j]), &mut pool)?,
            Node::Main { col, next } => [
                OP_LOAD_MAIN,
                dst,
                index_u32("main column", col)?,
                u32::from(next),
            ],
            Node::Preprocessed { col, next } => [
                OP_LOAD_PRE,
                dst,
                index_u32("preprocessed column", col)?,
                u32::from(next),
            ],
            Node::Periodic(i) => [OP_LOAD_PERIODIC, dst, periodic_at[i].0, periodic_at[i].1],
            Node::Aux { col, next } => [
                OP_LOAD_AUX,
                dst,
                index_u32("aux column", col)?,
                u32::from(next),
            ],
            Node::Add(..) | Node::Sub(..) | Node::Neg(..) | Node::Mul(..) if base[i] => {
                let op = match node {
                    Node::Add(..) => OP_ADD_B,
                    Node::Sub(..) => OP_SUB_B,
                    Node::Neg(..) => OP_NEG_B,
                    _ => OP_MUL_BB,
                };
                [op, dst, src[0], *src.get(1).unwrap_or(&0)]
            }
            Node::Add(..) | Node::Sub(..) | Node::Neg(..) => {
                let op = match node {
                    Node::Add(..) => OP_ADD_E,
                    Node::Sub(..) => OP_SUB_E,
                    _ => OP_NEG_E,
                };
                let flag = |k: usize, bit: u32| match ops.get(k) {
                    Some(&o) if c0_only[o] => bit,
                    _ => 0,
                };
                [
                    op | flag(0, BASE_X) | flag(1, BASE_Y),
                    dst,
                    src[0],
                    *src.get(1).unwrap_or(&0),
                ]
            }
            Node::Mul(a, b) => match (base[a.index()], base[b.index()]) {
                (false, false) => [OP_MUL_EE, dst, src[0], src[1]],
                // Multiplication commutes: put the Fp3 operand first.
                (false, true) => [OP_MUL_EB, dst, src[0], src[1]],
                (true, false) => [OP_MUL_EB, dst, src[1], src[0]],
                (true, true) => unreachable!("a product of base nodes is a base node"),
            },
        };
        instructions.push(ins);
        for &c in &constraints_of[i] {
            let op = if base[i] { OP_ACC_B } else { OP_ACC_E };
            let tag = u32::from(system.constraints[c].rows.tag());
            instructions.push([op, tag, dst, index_u32("constraint", c)?]);
        }
        if last_use[i] == i {
            free.push(dst);
        }
    }

    let mut powers = Vec::with_capacity(system.constraints.len());
    let mut p = Fp3::ONE;
    for _ in &system.constraints {
        powers.push(p);
        p *= alpha;
    }
    index_u32("instruction count", instructions.len())?;
    Ok(Program {
        instructions,
        pool,
        powers,
        periodic,
        slots: slots as usize,
    })
}

#[cfg(test)]
mod tests {
    //! The bytecode run by a host model of the kernel's interpreter must give
    //! `eval_nodes` + `combine` of backend_api::expr, on random systems.
    use super::*;
    use backend_api::expr::{zerofier_inverses, LeafValues, RowSet};

    use backend_api::rng::SplitMix64 as Rng;
    use conformance::fixtures::{random_system, SystemShape};

    /// The opcode bits of an opcode word (the kernel's OP_MASK).
    const OP_MASK: u32 = 0xFF;

    /// The leaf counts of the random systems (the host model reads them).
    const SHAPE: SystemShape = SystemShape {
        main: 5,
        aux: 2,
        challenges: 3,
        public: 2,
        preprocessed: 2,
        periodic: 2,
    };

    /// Leaf values at one position: `[current, next]` per column, and the
    /// periodic tables read at the position's natural index `nat`.
    struct Point {
        main: Vec<[Fp; 2]>,
        pre: Vec<[Fp; 2]>,
        aux: Vec<[Fp3; 2]>,
        periodic: Vec<Vec<Fp>>,
        nat: usize,
    }

    impl LeafValues for Point {
        fn main(&self, c: usize, next: bool) -> Fp3 {
            Fp3::from_base(self.main[c][next as usize])
        }
        fn preprocessed(&self, c: usize, next: bool) -> Fp3 {
            Fp3::from_base(self.pre[c][next as usize])
        }
        fn aux(&self, c: usize, next: bool) -> Fp3 {
            self.aux[c][next as usize]
        }
        fn periodic(&self, i: usize) -> Fp3 {
            let t = &self.periodic[i];
            Fp3::from_base(t[self.nat & (t.len() - 1)])
        }
    }

    /// The kernel's interpreter, on the host. Base values are written with
    /// garbage in c1 and c2 (the kernel leaves whatever the slot held), so
    /// an Fp3 instruction that reads one without its BASE_ flag goes wrong.
    fn run(p: &Program, at: &Point, zinv: &[Fp3; 4]) -> Fp3 {
        let mut s = vec![Fp3::ZERO; p.slots];
        let mut acc = [Fp3::ZERO; 4];
        let b = |v: Fp3| v.0[0];
        let c0 = |v: Fp| Fp3::new(v, Fp::new(0xDEAD), Fp::new(0xBEEF));
        for &[word, dst, x, y] in &p.instructions {
            let (d, x, y) = (dst as usize, x as usize, y as usize);
            let operand = |s: &[Fp3], i: usize, flag: u32| {
                if word & flag != 0 {
                    Fp3::from_base(s[i].0[0])
                } else {
                    s[i]
                }
            };
            let sx = |s: &[Fp3]| operand(s, x, BASE_X);
            let sy = |s: &[Fp3]| operand(s, y, BASE_Y);
            match word & OP_MASK {
                OP_LOAD_MAIN => s[d] = c0(at.main[x][y]),
                OP_LOAD_PRE => s[d] = c0(at.pre[x][y]),
                OP_LOAD_PERIODIC => s[d] = c0(p.periodic[x + (at.nat & y)]),
                OP_LOAD_AUX => s[d] = at.aux[x][y],
                OP_LOAD_POOL => s[d] = p.pool[x],
                OP_ADD_E => s[d] = sx(&s) + sy(&s),
                OP_SUB_E => s[d] = sx(&s) - sy(&s),
                OP_NEG_E => s[d] = -sx(&s),
                OP_MUL_EE => s[d] = sx(&s) * sy(&s),
                OP_MUL_EB => s[d] = sx(&s).mul_base(b(s[y])),
                OP_ADD_B => s[d] = c0(b(s[x]) + b(s[y])),
                OP_SUB_B => s[d] = c0(b(s[x]) - b(s[y])),
                OP_NEG_B => s[d] = c0(-b(s[x])),
                OP_MUL_BB => s[d] = c0(b(s[x]) * b(s[y])),
                OP_ACC_E => acc[d] += p.powers[y] * sx(&s),
                OP_ACC_B => acc[d] += p.powers[y].mul_base(b(s[x])),
                op => panic!("bad opcode {op}"),
            }
        }
        (0..4).fold(Fp3::ZERO, |r, t| r + acc[t] * zinv[t])
    }

    #[test]
    fn bytecode_matches_the_definition() {
        let mut rng = Rng::new(7);
        for case in 0..40 {
            let sys = random_system(&mut rng, &SHAPE, 10 + case * 5, 1 + case % 9);
            sys.validate().unwrap();
            let ch: Vec<Fp3> = (0..3).map(|_| rng.fp3()).collect();
            let pb: Vec<Fp> = (0..2).map(|_| rng.fp()).collect();
            let periodic = vec![rng.elems(1), rng.elems(4)];
            let params = ConstraintParams {
                challenges: &ch,
                public: &pb,
                periodic: &periodic,
                alpha: rng.fp3(),
            };
            let p = compile(&sys, &params).unwrap();
            assert!(p.slots <= sys.nodes.len());
            for nat in 0..4 {
                let at = Point {
                    main: (0..5).map(|_| [rng.fp(), rng.fp()]).collect(),
                    pre: (0..2).map(|_| [rng.fp(), rng.fp()]).collect(),
                    aux: (0..2).map(|_| [rng.fp3(), rng.fp3()]).collect(),
                    periodic: periodic.clone(),
                    nat: nat * 5 + 2,
                };
                let zinv = zerofier_inverses(rng.fp3(), 3).unwrap();
                let vals = sys.eval_nodes(&at, &ch, &pb);
                let want = sys.combine(&vals, params.alpha, &zinv);
                assert_eq!(run(&p, &at, &zinv), want, "case {case}");
            }
        }
    }

    #[test]
    fn slots_are_reused_and_dead_nodes_skipped() {
        // A chain x0 + x1 + ... + x99: two live values at a time.
        let mut s = ConstraintSystem::new(100, 0, 0, 0);
        let leaves: Vec<_> = (0..100).map(|c| s.main(c)).collect();
        let _dead = s.mul(leaves[0], leaves[1]);
        let mut acc = s.main(0);
        for c in 1..100 {
            let l = s.main(c);
            acc = s.add(acc, l);
        }
        s.constrain(acc, RowSet::EveryRow);
        let params = ConstraintParams {
            challenges: &[],
            public: &[],
            periodic: &[],
            alpha: Fp3::ONE,
        };
        let p = compile(&s, &params).unwrap();
        assert_eq!(p.slots, 2);
        // 100 loads, 99 adds, one accumulate; the first 100 leaves and the
        // product are dead.
        assert_eq!(p.instructions.len(), 200);
    }
}
