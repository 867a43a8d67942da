//! Runs [`PROGRAM`] and writes the six traces of the run.

use super::{cpu, logic, Instr, Op, Vm, PROGRAM, WORD};
use super::{LOG_BITWISE_ROWS, LOG_MEMORY_ROWS, LOG_RANGE_ROWS, LOG_ROM_ROWS};
use crate::air::AirError;
use crate::examples::{matrix, zero_columns};
use backend_api::{Fp, HostMatrix};

/// A finished run: the output and the traces in table order.
pub(super) struct Run {
    pub output: u16,
    pub traces: Vec<HostMatrix<Fp>>,
}

/// The machine's state and the columns written so far.
struct Machine {
    regs: [u16; 1 << LOG_MEMORY_ROWS],
    last_ts: [u64; 1 << LOG_MEMORY_ROWS],
    cpu: Vec<Vec<Fp>>,
    logic: Vec<Vec<Fp>>,
    logic_rows: usize,
    rom_mult: Vec<u64>,
    range_mult: Vec<u64>,
    bitwise_mult: Vec<u64>,
    output: Option<u16>,
}

fn fp(v: impl Into<u64>) -> Fp {
    Fp::new(v.into())
}

impl Machine {
    fn set(&mut self, row: usize, col: usize, v: Fp) {
        self.cpu[col][row] = v;
    }

    /// Access `k` (0: `rs1`, 1: `rs2`, 2: `rd`) of step `row` to `addr`:
    /// records the previous timestamp and the range-checked gap.
    fn access(&mut self, row: usize, k: usize, addr: u8) {
        let ts = 3 * row as u64 + k as u64 + 1;
        let prev = std::mem::replace(&mut self.last_ts[addr as usize], ts);
        let gap = ts - prev - 1;
        let (lo, hi) = (gap % WORD, gap / WORD);
        self.set(row, cpu::TS_PREV + k, fp(prev));
        self.set(row, cpu::DIFF + 2 * k, fp(lo));
        self.set(row, cpu::DIFF + 2 * k + 1, fp(hi));
        self.range_mult[lo as usize] += 1;
        self.range_mult[hi as usize] += 1;
    }

    fn logic_op(&mut self, op: Op, a: u16, b: u16, c: u16) {
        let r = self.logic_rows;
        self.logic_rows += 1;
        let is_xor = u64::from(op == Op::Xor);
        let words = [a, b, c];
        self.logic[logic::REAL][r] = Fp::ONE;
        self.logic[logic::OP][r] = fp(is_xor);
        for (w, &word) in words.iter().enumerate() {
            self.logic[logic::WORDS + w][r] = fp(word);
            self.logic[logic::BYTES + 2 * w][r] = fp(word & 0xff);
            self.logic[logic::BYTES + 2 * w + 1][r] = fp(word >> 8);
        }
        for shift in [0, 8] {
            let byte = |w: u16| u64::from((w >> shift) & 0xff);
            self.bitwise_mult[((is_xor << 16) | (byte(a) << 8) | byte(b)) as usize] += 1;
        }
    }

    /// Executes the instruction at `pc` as step `row`; returns the next `pc`.
    fn step(&mut self, row: usize, pc: usize, input: u16) -> usize {
        let Instr {
            op,
            rd,
            rs1,
            rs2,
            imm,
        } = PROGRAM[pc];
        self.rom_mult[pc] += 1;
        let (a, b, old) = (
            self.regs[rs1 as usize],
            self.regs[rs2 as usize],
            self.regs[rd as usize],
        );
        let mut next = pc + 1;
        let c = match op {
            Op::Add => {
                let sum = u64::from(a) + u64::from(b) + u64::from(imm);
                self.set(row, cpu::CARRY, fp(sum / WORD));
                self.range_mult[(sum % WORD) as usize] += 1;
                (sum % WORD) as u16
            }
            Op::Xor | Op::And => {
                let c = if op == Op::Xor { a ^ b } else { a & b };
                self.logic_op(op, a, b, c);
                c
            }
            Op::Bnz => {
                if a != 0 {
                    next = imm as usize;
                }
                old
            }
            Op::In => input,
            Op::Out => {
                self.output = Some(a);
                old
            }
            Op::Halt => {
                next = pc;
                old
            }
        };
        let inv = fp(a).inverse_or_zero();
        let values = [
            (cpu::PC, fp(pc as u64)),
            (cpu::CLK, fp(row as u64)),
            (cpu::FLAGS + op as usize, Fp::ONE),
            (cpu::RD, fp(rd)),
            (cpu::RS1, fp(rs1)),
            (cpu::RS2, fp(rs2)),
            (cpu::IMM, fp(imm)),
            (cpu::VAL_A, fp(a)),
            (cpu::VAL_B, fp(b)),
            (cpu::OLD_C, fp(old)),
            (cpu::VAL_C, fp(c)),
            (cpu::INV, inv),
            (cpu::NZ, fp(a) * inv),
        ];
        for (col, v) in values {
            self.set(row, col, v);
        }
        for (k, addr) in [rs1, rs2, rd].into_iter().enumerate() {
            self.access(row, k, addr);
        }
        self.regs[rd as usize] = c;
        next
    }

    fn memory_trace(&self) -> HostMatrix<Fp> {
        matrix(&[
            self.last_ts.iter().map(|&t| fp(t)).collect(),
            self.regs.iter().map(|&v| fp(v)).collect(),
        ])
    }
}

fn multiplicities(counts: &[u64]) -> HostMatrix<Fp> {
    matrix(&[counts.iter().map(|&m| fp(m)).collect()])
}

/// Runs [`PROGRAM`] on input `n` for `2^log_cpu_rows` steps (it halts
/// earlier and repeats `HALT`). Errors: traces too large for memory.
pub(super) fn execute(air: &Vm, n: u16) -> Result<Run, AirError> {
    let (cpu_rows, logic_rows) = (1usize << air.log_cpu_rows, 1usize << air.log_logic_rows);
    let mut m = Machine {
        regs: [0; 1 << LOG_MEMORY_ROWS],
        last_ts: [0; 1 << LOG_MEMORY_ROWS],
        cpu: zero_columns(super::NAME, cpu::WIDTH, cpu_rows)?,
        logic: zero_columns(super::NAME, logic::WIDTH, logic_rows)?,
        logic_rows: 0,
        rom_mult: vec![0; 1 << LOG_ROM_ROWS],
        range_mult: vec![0; 1 << LOG_RANGE_ROWS],
        bitwise_mult: vec![0; 1 << LOG_BITWISE_ROWS],
        output: None,
    };
    let mut pc = 0;
    for row in 0..cpu_rows {
        pc = m.step(row, pc, n);
    }
    let output = m.output.ok_or_else(|| AirError::BadParams {
        air: super::NAME.into(),
        reason: format!("{n} iterations do not finish in {cpu_rows} steps"),
    })?;
    let traces = vec![
        multiplicities(&m.rom_mult),
        matrix(&m.cpu),
        matrix(&m.logic),
        m.memory_trace(),
        multiplicities(&m.range_mult),
        multiplicities(&m.bitwise_mult),
    ];
    Ok(Run { output, traces })
}
