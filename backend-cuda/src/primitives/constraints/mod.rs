//! Primitive 9, constraint evaluation on the GPU (kernels/constraints.cu):
//! the system is compiled on the host into bytecode
//! (`program.rs`), uploaded once per
//! call, and interpreted by one thread per composition position.
//!
//! Steps, all on `ctx`'s stream:
//! 1. `constraints_zerofiers` writes `x_k - 1`, `x_k - g^(n-1)` (twice: one
//!    copy stays uninverted for the transition zerofier) for the `M`
//!    positions and `shift^n omega_q^j - 1` for the `q = M/n` values of `x^n`;
//!    one batch inverse inverts the first, last and every-row sections
//!    (contiguous). No element is zero: the shared argument checks reject shifts in
//!    the two-adic subgroup.
//! 2. The interpreter writes `out[k] = sum_c alpha^c C_c(k) / Z_c(k)`, with
//!    the slots in local memory when the program needs few of them, else in
//!    a global scratch buffer, launched over chunks of positions so that the
//!    scratch stays bounded.

mod program;

use self::program::{compile, Program};
use crate::args::fp3_words;
use crate::args::power_table;
use crate::args::EvalArgs;
use crate::launch::{kernel, Grid, KernelId};
use crate::primitives::inverse::invert_in_place;
use crate::{CudaBuffer, CudaCtx, CudaDevice, CudaMatrix, DeviceAlloc};
use backend_api::expr::{CompositionDomain, ConstraintParams, ConstraintSystem};
use backend_api::{DeviceResult, ElemKind, Fp, Fp3, Matrix, TraceColumns};

const THREADS: u32 = 256;
/// Slot counts of the local-memory kernel variants (kernels/constraints.cu).
const LOCAL_VARIANTS: [(usize, KernelId); 2] = [
    (16, KernelId::ConstraintsEvalLocal16),
    (48, KernelId::ConstraintsEvalLocal48),
];
/// Upper bound on the global scratch of one chunk, in bytes.
const SCRATCH_BUDGET: usize = 256 << 20;

/// Word offsets of the parts of a program upload.
struct ProgramLayout {
    pool: usize,
    powers: usize,
    periodic: usize,
}

/// The program as one upload: instructions (two u32 per u64 word, little
/// endian, as a `uint4` reads them), then the pool, the powers and the
/// periodic tables. Returns the words and where each part starts.
fn program_words(p: &Program) -> (Vec<u64>, ProgramLayout) {
    let mut words: Vec<u64> = Vec::with_capacity(p.instructions.len() * 2 + 3 * p.pool.len());
    for ins in &p.instructions {
        words.push(u64::from(ins[0]) | (u64::from(ins[1]) << 32));
        words.push(u64::from(ins[2]) | (u64::from(ins[3]) << 32));
    }
    let pool_at = words.len();
    words.extend(p.pool.iter().flat_map(|&v| fp3_words(v)));
    let powers_at = words.len();
    words.extend(p.powers.iter().flat_map(|&v| fp3_words(v)));
    let periodic_at = words.len();
    words.extend(p.periodic.iter().map(|v| v.value()));
    let layout = ProgramLayout {
        pool: pool_at,
        powers: powers_at,
        periodic: periodic_at,
    };
    (words, layout)
}

/// Positions per launch of the global-scratch kernel: as many as fit
/// `SCRATCH_BUDGET` with `slots` Fp3 slots each, at least one block's worth,
/// at most `m`.
fn chunk_positions(slots: usize, m: usize) -> usize {
    let per_position = slots.max(1) * std::mem::size_of::<Fp3>();
    (SCRATCH_BUDGET / per_position).max(THREADS as usize).min(m)
}

/// An upper bound of [`evaluate`]'s working memory: the zerofier tables
/// (`2M + q` and `M` elements, `q <= M`) and, for a program beyond the
/// local variants, the global scratch (`slots <= nodes`).
pub(crate) fn working_memory(system: &ConstraintSystem, log_eval: u32) -> u64 {
    let m = 1u64 << log_eval;
    let zerofiers = 4 * m * 8;
    let nodes = system.nodes.len() as u64;
    let local = LOCAL_VARIANTS.iter().map(|&(slots, _)| slots as u64).max();
    let scratch = match local {
        Some(slots) if nodes <= slots => 0,
        _ => (SCRATCH_BUDGET as u64)
            .max(nodes * u64::from(THREADS) * 24)
            .min(nodes * m * 24),
    };
    zerofiers + scratch
}

pub(crate) fn evaluate(
    dev: &CudaDevice,
    ctx: &CudaCtx,
    system: &ConstraintSystem,
    trace: TraceColumns<'_, CudaBuffer<Fp>>,
    aux: Option<&Matrix<CudaBuffer<Fp3>>>,
    domain: &CompositionDomain,
    params: &ConstraintParams<'_>,
) -> DeviceResult<CudaMatrix<Fp3>> {
    let program = compile(system, params)?;
    let log_eval = domain.log_eval;
    let m = 1usize << log_eval;
    let q = m >> domain.log_n;
    let n = 1u64 << domain.log_n;
    let g_last = Fp::root_of_unity(domain.log_n)
        .expect("checked log_n <= 32")
        .pow(n - 1);
    let omega_m = Fp::root_of_unity(log_eval).expect("checked log_eval <= 32");
    let omega_q = Fp::root_of_unity(q.trailing_zeros()).expect("q <= M");

    // Kernels first: a missing one fails before any allocation or launch.
    let zk = kernel(dev, KernelId::ConstraintsZerofiers);
    let local = LOCAL_VARIANTS
        .iter()
        .find(|(slots, _)| program.slots <= *slots);
    let eval = match local {
        Some(&(_, id)) => kernel(dev, id),
        None => kernel(dev, KernelId::ConstraintsEvalGlobal),
    };

    // Zerofier tables: [first: M][last: M][every: q] inverted, last_factor: M.
    let zinv = CudaBuffer::<Fp>::scratch(ctx, 2 * m + q)?;
    let last_factor = CudaBuffer::<Fp>::scratch(ctx, m)?;
    let (first_ptr, last_ptr, every_ptr) = (zinv.as_raw(), zinv.elem_ptr(m), zinv.elem_ptr(2 * m));
    let zgrid = Grid::linear(m, THREADS, dev)?;
    let (lf_ptr, m64, shift, om, q64, shift_n, oq) = (
        last_factor.as_raw(),
        m as u64,
        domain.shift.value(),
        power_table(omega_m),
        q as u64,
        domain.shift.pow(n).value(),
        power_table(omega_q),
    );
    let g_last = g_last.value();
    // SAFETY: constraints_zerofiers(uint64_t* x4, uint64_t, uint32_t,
    // uint64_t, PowerTable, uint64_t, uint64_t, uint64_t, PowerTable); the
    // sections hold M, M, M and q elements (q <= M, so one thread per
    // position covers both ranges); buffers are freed in stream order.
    unsafe {
        crate::launch!(ctx, zk, zgrid;
            first_ptr, last_ptr, lf_ptr, every_ptr, m64, log_eval, shift, om, g_last, q64,
            shift_n, oq)?;
    }
    invert_in_place(dev, ctx, ElemKind::Base, zinv.as_raw(), zinv.len())?;

    let (words, layout) = program_words(&program);
    let table = DeviceAlloc::scratch_words(ctx, &words)?;
    let out = CudaBuffer::<Fp3>::uninit(ctx, m)?;
    let word = |i: usize| table.as_raw() + (i * 8) as u64;
    let mut args = EvalArgs {
        program: table.as_raw(),
        pool: word(layout.pool),
        powers: word(layout.powers),
        main: trace.main.buffer().as_raw(),
        pre: trace.preprocessed.map_or(0, |p| p.buffer().as_raw()),
        aux: aux.map_or(0, |a| a.buffer().as_raw()),
        periodic: word(layout.periodic),
        first: first_ptr,
        last: last_ptr,
        last_factor: lf_ptr,
        every: every_ptr,
        out: out.as_raw(),
        scratch: 0,
        lde_height: 1u64 << domain.log_lde,
        m: m64,
        step: q64,
        q_mask: q64 - 1,
        start: 0,
        count: m64,
        program_len: program.instructions.len() as u32,
        log_eval,
    };

    if local.is_some() {
        let grid = Grid::linear(m, THREADS, dev)?;
        // SAFETY: the kernel takes one EvalArgs by value (layout mirrored
        // above); every pointer in it addresses a live buffer of the sizes
        // the kernel reads: program/pool/powers/periodic from `table` (slots,
        // indices and periodic offsets and masks produced by `compile` for
        // this system, leaves in range and periodic lengths powers of two
        // by the shared argument checks), main/pre/aux of height lde_height, the
        // zerofier tables and `out` of M elements.
        unsafe { crate::launch!(ctx, eval, grid; args) }?;
    } else {
        let chunk = chunk_positions(program.slots, m);
        let scratch = CudaBuffer::<Fp3>::scratch(ctx, program.slots * chunk)?;
        args.scratch = scratch.as_raw();
        let mut start = 0usize;
        while start < m {
            let count = chunk.min(m - start);
            args.start = start as u64;
            args.count = count as u64;
            let grid = Grid::linear(count, THREADS, dev)?;
            // SAFETY: as for the local variants; the scratch holds
            // `slots * chunk >= slots * count` elements, slot-major with
            // stride `count`. Chunks run in stream order, so reusing the
            // scratch is race-free.
            unsafe { crate::launch!(ctx, eval, grid; args) }?;
            start += count;
        }
    }
    Ok(Matrix::new(out, 1, m).expect("one column of M"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_are_bounded_by_budget_block_and_domain() {
        assert_eq!(chunk_positions(66, 32), 32);
        assert_eq!(chunk_positions(66, 1 << 18), SCRATCH_BUDGET / (66 * 24));
        assert_eq!(chunk_positions(1 << 30, 1 << 20), THREADS as usize);
        assert_eq!(chunk_positions(49, 2), 2);
    }
}
