//! `vm`: a small register machine of 16-bit words running a fixed program
//! held in a ROM, proved with six tables and six LogUp buses, the shape of a
//! zkVM.
//!
//! # Machine
//!
//! Registers `r0..r255` live in memory (addresses `0..256`, all zero at the
//! start; the program never writes `r0`). Every instruction reads `rs1` and
//! `rs2` and writes `rd` (instructions without a result write back the old
//! value):
//!
//! | op | code | effect |
//! |---|---|---|
//! | `ADD` | 0 | `rd = rs1 + rs2 + imm mod 2^16` (carry 0, 1 or 2) |
//! | `XOR` | 1 | `rd = rs1 ^ rs2` |
//! | `AND` | 2 | `rd = rs1 & rs2` |
//! | `BNZ` | 3 | `pc = imm` if `rs1 != 0` |
//! | `IN` | 4 | `rd =` the public input |
//! | `OUT` | 5 | `rs1` is the public output |
//! | `HALT` | 6 | `pc` stays |
//!
//! [`PROGRAM`] reads `n`, runs `16 n` times a loop of seven instructions (a
//! Fibonacci-like mix of additions and logic with the loop counters) and
//! outputs a word:
//! `n` up to `2^16 - 1` fills a `cpu` table of up to `2^22` rows.
//!
//! # Tables and buses
//!
//! * `rom` (`2^8` rows): preprocessed `(pc, op, rd, rs1, rs2, imm)`, main
//!   `mult`; receives the instruction on [`PROGRAM_BUS`] `mult` times.
//! * `cpu` (`2^log_cpu_rows` rows, one per step; `HALT` pads): sends
//!   `(pc, op, rd, rs1, rs2, imm)` on [`PROGRAM_BUS`]; three memory accesses
//!   per step at timestamps `3 clk + 1, + 2, + 3` on [`MEMORY_BUS`] (each
//!   receives `(addr, ts_prev, old)` and sends `(addr, ts, new)`), with
//!   `ts - ts_prev - 1 = lo + 2^16 hi` and `lo`, `hi` range-checked, so
//!   every access follows the previous one to its address; sends `XOR` and
//!   `AND` to the `logic` table on [`LOGIC_BUS`]; range-checks an `ADD`
//!   result; takes the input and gives the output on [`IO_BUS`].
//! * `logic` (`2^log_logic_rows` rows): receives `(op, a, b, c)`, splits each
//!   word into bytes and looks the byte triples up on [`BITWISE_BUS`].
//! * `memory` (`2^8` rows, one per address): sends the initial
//!   `(addr, 0, 0)` and receives the final `(addr, ts, value)`.
//! * `range` (`2^16` rows): preprocessed `0..2^16`, receives on
//!   [`RANGE_BUS`] with multiplicities.
//! * `bitwise` (`2^17` rows): preprocessed `(op, x, y, x op y)` for `AND`
//!   (`op = 0`) and `XOR` (`op = 1`) on bytes, receives on [`BITWISE_BUS`].
//!
//! The public inputs `[n, output]` enter as bus messages: `(0, n)` sent and
//! `(1, output)` received on [`IO_BUS`], balanced by the one `IN` and the
//! one `OUT` the program executes. Parameters `[log_cpu_rows,
//! log_logic_rows]`.

mod execute;

use super::Generated;
use crate::air::{Air, AirError, PublicInteraction, TableSpec};
use backend_api::expr::{ConstraintSystem, ExprId, RowSet};
use backend_api::{Fp, HostMatrix, Interaction, InteractionKind, RowExpr};

/// The AIR's name.
pub const NAME: &str = "vm";
/// Instructions fetched: `(pc, op, rd, rs1, rs2, imm)`.
pub const PROGRAM_BUS: u32 = 0;
/// Memory accesses: `(addr, timestamp, value)`.
pub const MEMORY_BUS: u32 = 1;
/// 16-bit range checks.
pub const RANGE_BUS: u32 = 2;
/// Byte-wise `AND`/`XOR` lookups: `(op, x, y, z)`.
pub const BITWISE_BUS: u32 = 3;
/// Word-wise logic operations from `cpu` to `logic`: `(op, a, b, c)`.
pub const LOGIC_BUS: u32 = 4;
/// Program input `(0, value)` and output `(1, value)`.
pub const IO_BUS: u32 = 5;

/// Public inputs: `[n, output]`.
const PUBLIC_INPUTS: usize = 2;
const LOG_ROM_ROWS: u32 = 8;
const LOG_MEMORY_ROWS: u32 = 8;
const LOG_RANGE_ROWS: u32 = 16;
const LOG_BITWISE_ROWS: u32 = 17;
const WORD: u64 = 1 << 16;

/// An opcode.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Op {
    /// `rd = rs1 + rs2 + imm mod 2^16`.
    Add = 0,
    /// `rd = rs1 ^ rs2`.
    Xor = 1,
    /// `rd = rs1 & rs2`.
    And = 2,
    /// `pc = imm` if `rs1 != 0`.
    Bnz = 3,
    /// `rd =` the public input.
    In = 4,
    /// `rs1` is the public output.
    Out = 5,
    /// Stay.
    Halt = 6,
}
const OPS: usize = 7;

/// One instruction.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Instr {
    /// The operation.
    pub op: Op,
    /// Destination register.
    pub rd: u8,
    /// First source register.
    pub rs1: u8,
    /// Second source register.
    pub rs2: u8,
    /// Immediate (an addend, or a branch target).
    pub imm: u16,
}

const fn instr(op: Op, rd: u8, rs1: u8, rs2: u8, imm: u16) -> Instr {
    Instr {
        op,
        rd,
        rs1,
        rs2,
        imm,
    }
}

/// The program: `r1 = n; a = 0; b = 1;` then for each outer counter
/// `r1 = n, ..., 1` an inner loop over `k = 16, ..., 1` of `t = a + b;
/// u = t ^ r1; w = u & k; a = b; b = u + w`, then output `b`. It takes
/// `5 + 115 n` steps.
pub const PROGRAM: [Instr; 15] = [
    instr(Op::In, 1, 0, 0, 0),
    instr(Op::Add, 2, 0, 0, 0),
    instr(Op::Add, 3, 0, 0, 1),
    instr(Op::Add, 7, 0, 0, INNER), // outer: k = 16
    instr(Op::Add, 4, 2, 3, 0),     // inner: t = a + b
    instr(Op::Xor, 5, 4, 1, 0),
    instr(Op::And, 6, 5, 7, 0),
    instr(Op::Add, 2, 3, 0, 0),
    instr(Op::Add, 3, 5, 6, 0),
    instr(Op::Add, 7, 7, 0, 0xffff), // k -= 1
    instr(Op::Bnz, 0, 7, 0, 4),
    instr(Op::Add, 1, 1, 0, 0xffff), // n -= 1
    instr(Op::Bnz, 0, 1, 0, 3),
    instr(Op::Out, 0, 3, 0, 0),
    instr(Op::Halt, 0, 0, 0, 0),
];
/// Iterations of the inner loop per outer iteration.
pub const INNER: u16 = 16;
/// Steps before the outer loop, in one outer iteration, and after it (to
/// the first `HALT`).
const PROLOGUE: usize = 3;
const LOOP: usize = 1 + 7 * INNER as usize + 2;
const EPILOGUE: usize = 2;
/// Logic operations (`XOR`, `AND`) per outer iteration.
const LOGIC_OPS: usize = 2 * INNER as usize;

/// The `vm` AIR.
#[derive(Clone, Debug)]
pub struct Vm {
    /// `cpu` has `2^log_cpu_rows` rows (`4..=22`).
    pub log_cpu_rows: u32,
    /// `logic` has `2^log_logic_rows` rows (`2..=22`).
    pub log_logic_rows: u32,
}

/// The six traces of a run, in table order.
pub type VmTraces = Vec<HostMatrix<Fp>>;

impl Vm {
    /// The AIR. Errors: [`AirError::BadParams`] for heights out of range.
    pub fn new(log_cpu_rows: u32, log_logic_rows: u32) -> Result<Self, AirError> {
        if !(4..=22).contains(&log_cpu_rows) || !(2..=22).contains(&log_logic_rows) {
            return Err(AirError::BadParams {
                air: NAME.into(),
                reason: "need log_cpu_rows in 4..=22 and log_logic_rows in 2..=22".into(),
            });
        }
        Ok(Vm {
            log_cpu_rows,
            log_logic_rows,
        })
    }

    /// The AIR from its parameters `[log_cpu_rows, log_logic_rows]`.
    pub fn from_params(params: &[u64]) -> Result<Self, AirError> {
        let (cpu, logic) = super::two_params(NAME, params)?;
        let fit = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
        Self::new(fit(cpu), fit(logic))
    }

    /// The most loop iterations a `cpu` table of `2^log_cpu_rows` rows holds.
    pub fn max_iterations(log_cpu_rows: u32) -> usize {
        (1usize << log_cpu_rows).saturating_sub(PROLOGUE + EPILOGUE) / LOOP
    }

    /// The AIR sized for `n` iterations in a `cpu` table of `2^log_cpu_rows`
    /// rows, its public inputs `[n, output]` and its six traces. Errors:
    /// `n` not in `1..=min(max_iterations, 2^16 - 1)`, heights out of range.
    pub fn generate(log_cpu_rows: u32, n: usize) -> Generated<Vm, VmTraces> {
        let max = Self::max_iterations(log_cpu_rows.min(22)).min(WORD as usize - 1);
        if !(1..=max).contains(&n) {
            return Err(AirError::BadParams {
                air: NAME.into(),
                reason: format!("{n} iterations: need 1..={max} for 2^{log_cpu_rows} cpu rows"),
            });
        }
        let log_logic_rows = (LOGIC_OPS * n).next_power_of_two().trailing_zeros().max(2);
        let air = Self::new(log_cpu_rows, log_logic_rows)?;
        let run = execute::execute(&air, n as u16)?;
        let public = vec![Fp::from(n as u32), Fp::from(u32::from(run.output))];
        Ok((air, public, run.traces))
    }

    /// What [`PROGRAM`] outputs for `n`, by direct interpretation.
    pub fn expected_output(n: u16) -> u16 {
        let (mut a, mut b) = (0u16, 1u16);
        for outer in (1..=n).rev() {
            for k in (1..=INNER).rev() {
                let t = a.wrapping_add(b);
                let u = t ^ outer;
                let w = u & k;
                (a, b) = (b, u.wrapping_add(w));
            }
        }
        b
    }
}

/// Column indices of the `cpu` table.
pub mod cpu {
    /// The program counter.
    pub const PC: usize = 0;
    /// The step number (timestamps are `3 clk + 1, + 2, + 3`).
    pub const CLK: usize = 1;
    /// One-hot flags, one per opcode (in [`super::Op`] order).
    pub const FLAGS: usize = 2;
    /// The instruction's destination register.
    pub const RD: usize = FLAGS + super::OPS;
    /// The instruction's first source register.
    pub const RS1: usize = RD + 1;
    /// The instruction's second source register.
    pub const RS2: usize = RD + 2;
    /// The instruction's immediate.
    pub const IMM: usize = RD + 3;
    /// The value read from `rs1`.
    pub const VAL_A: usize = IMM + 1;
    /// The value read from `rs2`.
    pub const VAL_B: usize = VAL_A + 1;
    /// The value `rd` held before the step.
    pub const OLD_C: usize = VAL_A + 2;
    /// The value written to `rd`.
    pub const VAL_C: usize = VAL_A + 3;
    /// `ts_prev` of the accesses to `rs1`, `rs2`, `rd`.
    pub const TS_PREV: usize = VAL_C + 1;
    /// `(lo, hi)` of `ts - ts_prev - 1` per access.
    pub const DIFF: usize = TS_PREV + 3;
    /// The carry of an `ADD` (0, 1 or 2).
    pub const CARRY: usize = DIFF + 6;
    /// `1 / val_a`, or 0 when `val_a = 0`.
    pub const INV: usize = CARRY + 1;
    /// `val_a * inv`: 1 exactly when `val_a != 0`.
    pub const NZ: usize = INV + 1;
    /// Main-trace width.
    pub const WIDTH: usize = NZ + 1;
}

/// Column indices of the `logic` table: `is_real, op, a, b, c`, then the
/// bytes `a0, a1, b0, b1, c0, c1`.
pub mod logic {
    /// `is_real`: 1 on rows holding an operation, 0 on padding.
    pub const REAL: usize = 0;
    /// The operation: 0 for `AND`, 1 for `XOR`.
    pub const OP: usize = 1;
    /// The words `a, b, c` (three columns).
    pub const WORDS: usize = 2;
    /// Their bytes `a0, a1, b0, b1, c0, c1` (six columns).
    pub const BYTES: usize = 5;
    /// Main-trace width.
    pub const WIDTH: usize = 11;
}

fn main_values(cols: &[usize]) -> Vec<RowExpr> {
    cols.iter().map(|&c| RowExpr::main(c)).collect()
}

fn send(bus: u32, values: Vec<RowExpr>, multiplicity: RowExpr) -> Interaction {
    Interaction {
        bus,
        kind: InteractionKind::Send,
        values,
        multiplicity,
    }
}

fn receive(bus: u32, values: Vec<RowExpr>, multiplicity: RowExpr) -> Interaction {
    Interaction {
        kind: InteractionKind::Receive,
        ..send(bus, values, multiplicity)
    }
}

fn constant(v: u64) -> RowExpr {
    RowExpr::constant(Fp::new(v))
}

/// `sum_i flag_i` over the given opcodes, as a row expression.
fn flags(ops: &[Op]) -> RowExpr {
    ops.iter()
        .map(|&op| RowExpr::main(cpu::FLAGS + op as usize))
        .reduce(|a, b| a + b)
        .expect("at least one opcode")
}

/// `ts` of access `k` (0: `rs1`, 1: `rs2`, 2: `rd`) on a row: `3 clk + k + 1`.
fn timestamp(k: usize) -> RowExpr {
    constant(3) * RowExpr::main(cpu::CLK) + constant(k as u64 + 1)
}

fn cpu_interactions() -> Vec<Interaction> {
    use cpu::*;
    let opcode = (1..OPS)
        .map(|k| constant(k as u64) * RowExpr::main(FLAGS + k))
        .fold(constant(0), |a, b| a + b);
    let fetched = vec![
        RowExpr::main(PC),
        opcode,
        RowExpr::main(RD),
        RowExpr::main(RS1),
        RowExpr::main(RS2),
        RowExpr::main(IMM),
    ];
    let mut out = vec![send(PROGRAM_BUS, fetched, RowExpr::one())];
    let accesses = [(RS1, VAL_A, VAL_A), (RS2, VAL_B, VAL_B), (RD, OLD_C, VAL_C)];
    for (k, (addr, old, new)) in accesses.into_iter().enumerate() {
        let prev = main_values(&[addr, TS_PREV + k, old]);
        out.push(receive(MEMORY_BUS, prev, RowExpr::one()));
        let next = vec![RowExpr::main(addr), timestamp(k), RowExpr::main(new)];
        out.push(send(MEMORY_BUS, next, RowExpr::one()));
        for limb in 0..2 {
            out.push(send(
                RANGE_BUS,
                main_values(&[DIFF + 2 * k + limb]),
                RowExpr::one(),
            ));
        }
    }
    out.push(send(RANGE_BUS, main_values(&[VAL_C]), flags(&[Op::Add])));
    let logic_op = vec![
        RowExpr::main(FLAGS + Op::Xor as usize),
        RowExpr::main(VAL_A),
        RowExpr::main(VAL_B),
        RowExpr::main(VAL_C),
    ];
    out.push(send(LOGIC_BUS, logic_op, flags(&[Op::Xor, Op::And])));
    let input = vec![constant(0), RowExpr::main(VAL_C)];
    out.push(receive(IO_BUS, input, flags(&[Op::In])));
    let output = vec![constant(1), RowExpr::main(VAL_A)];
    out.push(send(IO_BUS, output, flags(&[Op::Out])));
    out
}

/// The `cpu` table's constraints (degree at most 3), one method per rule.
struct CpuConstraints {
    cs: ConstraintSystem,
}

impl CpuConstraints {
    fn col(&mut self, c: usize) -> ExprId {
        self.cs.main(c)
    }
    fn flag(&mut self, op: Op) -> ExprId {
        self.cs.main(cpu::FLAGS + op as usize)
    }
    fn k(&mut self, v: u64) -> ExprId {
        self.cs.constant(Fp::new(v))
    }
    fn every_row(&mut self, e: ExprId) {
        self.cs.constrain(e, RowSet::EveryRow);
    }

    /// `pc = clk = 0` on the first row; `clk' = clk + 1`;
    /// `pc' = pc + 1 + bnz * nz * (imm - pc - 1) - halt`.
    fn control_flow(&mut self) {
        use cpu::*;
        for c in [PC, CLK] {
            let v = self.col(c);
            self.cs.constrain(v, RowSet::FirstRow);
        }
        let (clk, clk1, one) = (self.col(CLK), self.cs.main_next(CLK), self.k(1));
        let inc = self.cs.add(clk, one);
        let e = self.cs.sub(clk1, inc);
        self.cs.constrain(e, RowSet::Transition);
        let (pc, pc1, imm, nz) = (
            self.col(PC),
            self.cs.main_next(PC),
            self.col(IMM),
            self.col(NZ),
        );
        let (bnz, halt) = (self.flag(Op::Bnz), self.flag(Op::Halt));
        let pc_inc = self.cs.add(pc, one);
        let jump = self.cs.sub(imm, pc_inc);
        let taken = self.cs.mul(bnz, nz);
        let offset = self.cs.mul(taken, jump);
        let moved = self.cs.add(pc_inc, offset);
        let next = self.cs.sub(moved, halt);
        let e = self.cs.sub(pc1, next);
        self.cs.constrain(e, RowSet::Transition);
    }

    /// Each flag is a bit and exactly one is set.
    fn one_hot_flags(&mut self) {
        let one = self.k(1);
        let mut all = Vec::new();
        for c in cpu::FLAGS..cpu::FLAGS + OPS {
            let b = self.col(c);
            let b1 = self.cs.sub(b, one);
            let e = self.cs.mul(b, b1);
            self.every_row(e);
            all.push(self.col(c));
        }
        let sum = self.cs.sum(&all);
        let e = self.cs.sub(sum, one);
        self.every_row(e);
    }

    /// `ADD`: `val_c + 2^16 carry = val_a + val_b + imm`, the carry 0, 1
    /// or 2; `BNZ`, `OUT`, `HALT` write back the old value.
    fn results(&mut self) {
        use cpu::*;
        let (a, b, c, carry, imm) = (
            self.col(VAL_A),
            self.col(VAL_B),
            self.col(VAL_C),
            self.col(CARRY),
            self.col(IMM),
        );
        let word = self.k(WORD);
        let wrapped = self.cs.mul(word, carry);
        let lhs = self.cs.add(c, wrapped);
        let ab = self.cs.add(a, b);
        let rhs = self.cs.add(ab, imm);
        let diff = self.cs.sub(lhs, rhs);
        let add = self.flag(Op::Add);
        let e = self.cs.mul(add, diff);
        self.every_row(e);
        let (one, two) = (self.k(1), self.k(2));
        let (c1, c2) = (self.cs.sub(carry, one), self.cs.sub(carry, two));
        let c01 = self.cs.mul(carry, c1);
        let e = self.cs.mul(c01, c2);
        self.every_row(e);
        let keep = [Op::Bnz, Op::Out, Op::Halt].map(|op| self.flag(op));
        let keeps = self.cs.sum(&keep);
        let old = self.col(OLD_C);
        let same = self.cs.sub(c, old);
        let e = self.cs.mul(keeps, same);
        self.every_row(e);
    }

    /// `nz = val_a * inv` is 1 exactly when `val_a != 0`.
    fn branch_test(&mut self) {
        use cpu::*;
        let (a, inv, nz, one) = (self.col(VAL_A), self.col(INV), self.col(NZ), self.k(1));
        let prod = self.cs.mul(a, inv);
        let e = self.cs.sub(nz, prod);
        self.every_row(e);
        let not_nz = self.cs.sub(one, nz);
        let e = self.cs.mul(a, not_nz);
        self.every_row(e);
    }

    /// Per access `k`: `ts - ts_prev - 1 = lo + 2^16 hi`, i.e.
    /// `3 clk + k - ts_prev = lo + 2^16 hi`.
    fn timestamps(&mut self) {
        use cpu::*;
        for access in 0..3 {
            let (three, kk, word) = (self.k(3), self.k(access as u64), self.k(WORD));
            let clk = self.col(CLK);
            let clk3 = self.cs.mul(three, clk);
            let ts = self.cs.add(clk3, kk);
            let prev = self.col(TS_PREV + access);
            let gap = self.cs.sub(ts, prev);
            let (lo, hi) = (self.col(DIFF + 2 * access), self.col(DIFF + 2 * access + 1));
            let hi_word = self.cs.mul(word, hi);
            let limbs = self.cs.add(lo, hi_word);
            let e = self.cs.sub(gap, limbs);
            self.every_row(e);
        }
    }
}

/// The `cpu` table's constraints.
fn cpu_constraints() -> ConstraintSystem {
    let mut b = CpuConstraints {
        cs: ConstraintSystem::new(cpu::WIDTH, 0, 0, PUBLIC_INPUTS),
    };
    b.control_flow();
    b.one_hot_flags();
    b.results();
    b.branch_test();
    b.timestamps();
    b.cs
}

/// The `logic` table's constraints: `is_real` is a bit, each word is its
/// two bytes.
fn logic_constraints() -> ConstraintSystem {
    use logic::*;
    let mut cs = ConstraintSystem::new(WIDTH, 0, 0, PUBLIC_INPUTS);
    let real = cs.main(REAL);
    let one = cs.constant(Fp::ONE);
    let r1 = cs.sub(real, one);
    let e = cs.mul(real, r1);
    cs.constrain(e, RowSet::EveryRow);
    let byte = cs.constant(Fp::new(256));
    for w in 0..3 {
        let (word, lo, hi) = (
            cs.main(WORDS + w),
            cs.main(BYTES + 2 * w),
            cs.main(BYTES + 2 * w + 1),
        );
        let shifted = cs.mul(byte, hi);
        let bytes = cs.add(lo, shifted);
        let e = cs.sub(word, bytes);
        cs.constrain(e, RowSet::EveryRow);
    }
    cs
}

fn logic_interactions() -> Vec<Interaction> {
    use logic::*;
    let real = RowExpr::main(REAL);
    let mut out = vec![receive(
        LOGIC_BUS,
        main_values(&[OP, WORDS, WORDS + 1, WORDS + 2]),
        real.clone(),
    )];
    for half in 0..2 {
        let bytes = main_values(&[OP, BYTES + half, BYTES + 2 + half, BYTES + 4 + half]);
        out.push(send(BITWISE_BUS, bytes, real.clone()));
    }
    out
}

/// A table whose only main column is a multiplicity with which it receives
/// its preprocessed row on `bus`.
fn lookup_table(name: &str, log_height: u32, bus: u32, preprocessed: usize) -> TableSpec {
    let cs = ConstraintSystem::new(1, 0, 0, PUBLIC_INPUTS).with_preprocessed(preprocessed);
    let values = (0..preprocessed).map(RowExpr::preprocessed).collect();
    TableSpec::new(name, log_height, cs).with_interactions(vec![receive(
        bus,
        values,
        RowExpr::main(0),
    )])
}

fn memory_table() -> TableSpec {
    let cs = ConstraintSystem::new(2, 0, 0, PUBLIC_INPUTS).with_preprocessed(1);
    let addr = RowExpr::preprocessed(0);
    let initial = vec![addr.clone(), constant(0), constant(0)];
    let last = vec![addr, RowExpr::main(0), RowExpr::main(1)];
    TableSpec::new("memory", LOG_MEMORY_ROWS, cs).with_interactions(vec![
        send(MEMORY_BUS, initial, RowExpr::one()),
        receive(MEMORY_BUS, last, RowExpr::one()),
    ])
}

impl Air for Vm {
    fn name(&self) -> String {
        NAME.into()
    }

    fn params(&self) -> Vec<u64> {
        vec![self.log_cpu_rows as u64, self.log_logic_rows as u64]
    }

    fn num_public_inputs(&self) -> usize {
        PUBLIC_INPUTS
    }

    fn tables(&self) -> Vec<TableSpec> {
        vec![
            lookup_table("rom", LOG_ROM_ROWS, PROGRAM_BUS, 6),
            TableSpec::new("cpu", self.log_cpu_rows, cpu_constraints())
                .with_interactions(cpu_interactions()),
            TableSpec::new("logic", self.log_logic_rows, logic_constraints())
                .with_interactions(logic_interactions()),
            memory_table(),
            lookup_table("range", LOG_RANGE_ROWS, RANGE_BUS, 1),
            lookup_table("bitwise", LOG_BITWISE_ROWS, BITWISE_BUS, 4),
        ]
    }

    fn preprocessed_trace(&self, table: usize) -> Option<HostMatrix<Fp>> {
        let column =
            |n: u32, f: &dyn Fn(u64) -> u64| (0..1u64 << n).map(|r| Fp::new(f(r))).collect();
        let columns: Vec<Vec<Fp>> = match table {
            0 => {
                let field = |f: fn(&Instr) -> u64| {
                    column(LOG_ROM_ROWS, &|pc| PROGRAM.get(pc as usize).map_or(0, f))
                };
                vec![
                    column(LOG_ROM_ROWS, &|pc| pc),
                    field(|i| i.op as u64),
                    field(|i| i.rd.into()),
                    field(|i| i.rs1.into()),
                    field(|i| i.rs2.into()),
                    field(|i| i.imm.into()),
                ]
            }
            3 => vec![column(LOG_MEMORY_ROWS, &|a| a)],
            4 => vec![column(LOG_RANGE_ROWS, &|v| v)],
            5 => {
                // row = op * 2^16 + x * 2^8 + y
                let op = |r: u64| r >> 16;
                let x = |r: u64| (r >> 8) & 0xff;
                let y = |r: u64| r & 0xff;
                let z = move |r: u64| if op(r) == 0 { x(r) & y(r) } else { x(r) ^ y(r) };
                vec![
                    column(LOG_BITWISE_ROWS, &op),
                    column(LOG_BITWISE_ROWS, &x),
                    column(LOG_BITWISE_ROWS, &y),
                    column(LOG_BITWISE_ROWS, &z),
                ]
            }
            _ => return None,
        };
        Some(super::matrix(&columns))
    }

    fn public_interactions(&self, public: &[Fp]) -> Vec<PublicInteraction> {
        let message = |kind, channel: u32, value| PublicInteraction {
            bus: IO_BUS,
            kind,
            values: vec![Fp::from(channel), value],
            multiplicity: Fp::ONE,
        };
        vec![
            message(InteractionKind::Send, 0, public[0]),
            message(InteractionKind::Receive, 1, public[1]),
        ]
    }
}
