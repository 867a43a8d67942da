//! LogUp (kernels/logup.cu): fingerprints, term columns and the running sum.
//!
//! Interactions are serialized into one flat u64 table (layout in
//! kernels/logup.cu): headers, then each value's and multiplicity's
//! `RowExpr` postfix program, which the kernel runs on a stack of
//! `backend_api::MAX_STACK_DEPTH` slots per row; the running sum is a three-pass multi-block
//! prefix scan (block sums, one block scanning those, then the blocks apply
//! their offsets), exact in the field and so independent of the launch
//! shape.

use super::inverse::invert_in_place;
use crate::args::fp3_words;
use crate::launch::{kernel, Grid, KernelId};
use crate::{CudaBuffer, CudaCtx, CudaDevice, CudaMatrix, DeviceAlloc};
use backend_api::logup::{logup_aux_width, logup_term_columns};
use backend_api::{
    DeviceError, DeviceResult, ElemKind, Fp, Fp3, Interaction, LogUpChallenges, LogUpTrace, Matrix,
    RowExpr, RowOp, TraceColumns,
};

/// Appends `e` as its op count and `(tag, argument)` pairs. The kernel's
/// stack (`MAX_STACK` in kernels/logup.cu) has `backend_api::MAX_STACK_DEPTH`
/// slots, which the shared argument checks made every program fit.
fn push_expr(out: &mut Vec<u64>, e: &RowExpr) {
    out.push(e.ops().len() as u64);
    for &op in e.ops() {
        let arg = match op {
            RowOp::Const(k) => k.value(),
            RowOp::Main(c) | RowOp::Preprocessed(c) => c as u64,
            _ => 0,
        };
        out.extend([u64::from(op.tag()), arg]);
    }
}

/// The flat interaction table and the largest tuple length.
fn serialize(interactions: &[Interaction]) -> (Vec<u64>, usize) {
    let mut words = vec![0u64; 5 * interactions.len()];
    let mut max_len = 0;
    for (k, it) in interactions.iter().enumerate() {
        max_len = max_len.max(it.values.len());
        let values_at = words.len() as u64;
        for v in &it.values {
            push_expr(&mut words, v);
        }
        let mult_at = words.len() as u64;
        push_expr(&mut words, &it.multiplicity);
        words[5 * k..5 * k + 5].copy_from_slice(&[
            Fp::from(it.bus).value(),
            it.kind.sign().value(),
            it.values.len() as u64,
            values_at,
            mult_at,
        ]);
    }
    (words, max_len)
}

/// Device tables of one call: interactions and alpha^1 .. alpha^max_len.
struct Tables {
    table: DeviceAlloc,
    alpha_pows: DeviceAlloc,
    count: u32,
}

fn tables(
    ctx: &CudaCtx,
    interactions: &[Interaction],
    ch: &LogUpChallenges,
) -> DeviceResult<Tables> {
    let (words, max_len) = serialize(interactions);
    let mut pows = Vec::with_capacity(3 * max_len.max(1));
    let mut p = ch.alpha;
    for _ in 0..max_len.max(1) {
        pows.extend_from_slice(&fp3_words(p));
        p *= ch.alpha;
    }
    Ok(Tables {
        table: DeviceAlloc::scratch_words(ctx, &words)?,
        alpha_pows: DeviceAlloc::scratch_words(ctx, &pows)?,
        count: u32::try_from(interactions.len())
            .map_err(|_| DeviceError::invalid("interactions", "more than 2^32 interactions"))?,
    })
}

/// The main and preprocessed column pointers (0 when there are no
/// preprocessed columns: the checked expressions then read none).
fn trace_ptrs(trace: TraceColumns<'_, CudaBuffer<Fp>>) -> (u64, u64) {
    (
        trace.main.buffer().as_raw(),
        trace.preprocessed.map_or(0, |p| p.buffer().as_raw()),
    )
}

/// Writes the fingerprints (width = interactions, column-major) to `out`.
fn launch_fingerprints(
    dev: &CudaDevice,
    ctx: &CudaCtx,
    trace: TraceColumns<'_, CudaBuffer<Fp>>,
    t: &Tables,
    z: Fp3,
    out: &CudaBuffer<Fp3>,
) -> DeviceResult<()> {
    let k = kernel(dev, KernelId::LogupFingerprints);
    let n = trace.main.height();
    let grid = Grid::linear(n, 256, dev)?;
    let (main_ptr, pre_ptr) = trace_ptrs(trace);
    let (n64, table_ptr, count, pows_ptr, z_w, out_ptr) = (
        n as u64,
        t.table.as_raw(),
        t.count,
        t.alpha_pows.as_raw(),
        fp3_words(z),
        out.as_raw(),
    );
    // SAFETY: matches logup_fingerprints(const uint64_t*, const uint64_t*,
    // uint64_t, const uint64_t*, uint32_t, const Fp3*, Fp3, Fp3*); main and
    // pre hold n rows of the columns the (checked) expressions read; all
    // buffers outlive the launch.
    unsafe {
        crate::launch!(ctx, k, grid; main_ptr, pre_ptr, n64, table_ptr, count, pows_ptr, z_w, out_ptr)
    }
}

pub(crate) fn fingerprints(
    dev: &CudaDevice,
    ctx: &CudaCtx,
    trace: TraceColumns<'_, CudaBuffer<Fp>>,
    interactions: &[Interaction],
    challenges: &LogUpChallenges,
) -> DeviceResult<CudaMatrix<Fp3>> {
    let n = trace.main.height();
    let t = tables(ctx, interactions, challenges)?;
    let out = CudaBuffer::<Fp3>::uninit(ctx, n * interactions.len())?;
    launch_fingerprints(dev, ctx, trace, &t, challenges.z, &out)?;
    Ok(Matrix::new(out, interactions.len(), n).expect("width * height elements"))
}

pub(crate) fn aux_trace(
    dev: &CudaDevice,
    ctx: &CudaCtx,
    trace: TraceColumns<'_, CudaBuffer<Fp>>,
    interactions: &[Interaction],
    challenges: &LogUpChallenges,
) -> DeviceResult<LogUpTrace<CudaBuffer<Fp3>>> {
    let n = trace.main.height();
    let kcount = interactions.len();
    let t = tables(ctx, interactions, challenges)?;
    let finv = CudaBuffer::<Fp3>::scratch(ctx, n * kcount)?;
    launch_fingerprints(dev, ctx, trace, &t, challenges.z, &finv)?;
    invert_in_place(dev, ctx, ElemKind::Ext, finv.as_raw(), finv.len())?;

    let width = logup_aux_width(kcount);
    let aux = CudaBuffer::<Fp3>::uninit(ctx, n * width)?;
    let terms = kernel(dev, KernelId::LogupTerms);
    let grid = Grid::linear(n, 256, dev)?;
    let (main_ptr, pre_ptr) = trace_ptrs(trace);
    let (n64, table_ptr, count, finv_ptr, aux_ptr) = (
        n as u64,
        t.table.as_raw(),
        t.count,
        finv.as_raw(),
        aux.as_raw(),
    );
    // SAFETY: matches logup_terms(const uint64_t*, const uint64_t*, uint64_t,
    // const uint64_t*, uint32_t, const Fp3*, Fp3*); main and pre hold n rows
    // of the columns the (checked) expressions read; all buffers outlive
    // the launch.
    unsafe {
        crate::launch!(ctx, terms, grid; main_ptr, pre_ptr, n64, table_ptr, count, finv_ptr, aux_ptr)
    }?;
    drop(finv);

    let phi = aux.elem_ptr(logup_term_columns(kcount) * n);
    prefix_sum_in_place(dev, ctx, phi, n)?;
    let total = aux.range_to_host(ctx, n * width - 1, 1)?[0];
    Ok(LogUpTrace {
        aux: Matrix::new(aux, width, n).expect("width * height elements"),
        total,
    })
}

/// Elements per scan block (SCAN_THREADS * SCAN_PER_THREAD of the kernel).
const SCAN_CHUNK: usize = 256 * 8;

/// Inclusive prefix sums of `n` Fp3 values at `ptr`, in place.
pub(crate) fn prefix_sum_in_place(
    dev: &CudaDevice,
    ctx: &CudaCtx,
    ptr: cust::sys::CUdeviceptr,
    n: usize,
) -> DeviceResult<()> {
    let blocks = n.div_ceil(SCAN_CHUNK);
    let sums = CudaBuffer::<Fp3>::scratch(ctx, blocks)?;
    let k1 = kernel(dev, KernelId::ScanBlockSums);
    let k2 = kernel(dev, KernelId::ScanBlockOffsets);
    let k3 = kernel(dev, KernelId::ScanApply);
    let grid = Grid::blocks(blocks, 256, dev)?;
    let (n64, b64, sums_ptr) = (n as u64, blocks as u64, sums.as_raw());
    // SAFETY: signatures scan_block_sums(const Fp3*, uint64_t, Fp3*),
    // scan_block_offsets(Fp3*, uint64_t), scan_apply(Fp3*, uint64_t,
    // const Fp3*); `ptr` holds n elements, `sums` one per block.
    unsafe {
        crate::launch!(ctx, k1, grid; ptr, n64, sums_ptr)?;
        crate::launch!(ctx, k2, Grid::blocks(1, 1024, dev)?; sums_ptr, b64)?;
        crate::launch!(ctx, k3, grid; ptr, n64, sums_ptr)
    }
}
