//! NTT, coset LDE and coefficients-to-coset on the GPU: planning and launches
//! of `kernels/ntt.cu` (its header states the math and index conventions).
//!
//! * `ntt`: natural -> bit-reversed is a chain of DIF passes, bit-reversed ->
//!   natural a chain of DIT passes; the two other order combinations add one
//!   in-place bit-reversal permutation. The coset powers `s^j` (forward, on
//!   load) and `s^-j / n` (inverse, on store) ride on the first / last pass.
//! * `coset_lde`: the unscaled inverse transform of size `n` into a scratch
//!   buffer of coefficients, then one forward transform of size `n * blowup`
//!   whose first pass reads the `n` coefficients as a zero-extended vector
//!   (prefix for DIF, spread by `blowup` for DIT) and multiplies by
//!   `s^j / n`. Output bit-reversed uses DIF (natural coefficients), output
//!   natural uses DIT (bit-reversed coefficients); a mismatch with the order
//!   the inverse transform produces costs one permutation of the `n`-row
//!   coefficients.
//!   With bit-reversed output and blowup `B <= 2^MAX_SPLIT_LOG_B` the
//!   forward transform is split instead: chunk `b` of a bit-reversed output
//!   column (rows `b n .. (b + 1) n`) holds the points
//!   `s omega_{nB}^(bitrev(b)) omega_n^m` at `bitrev_n(m)`, i.e. the
//!   natural -> bit-reversed size-`n` transform of `c_j (s omega_{nB}^bitrev(b))^j / n`.
//!   So the coefficients feed `B` independent size-`n` transforms (one pass
//!   chain over `B * width` columns, per-chunk scale tables): no zero padding
//!   and fewer stages than one size-`nB` transform. Its first pass reads the
//!   coefficients in either order (bit-reversed ones through `bitrev` of the
//!   index, each line still one contiguous run), so the split LDE never
//!   permutes them.
//! * `coeffs_to_coset`: the second half of `coset_lde`.
//! * `upload_lde`: `coset_lde` planned once (`LdePlan`) and run on batches
//!   of columns as they arrive: batch `k + 1` is copied on the context's
//!   copy stream while batch `k` is extended on its stream.
//! * `upload_lde_commit`: `upload_lde`, the rows of each batch's extended
//!   columns hashed into the LDE's tree as the batches complete sponge
//!   blocks (`merkle::RowHasher`).
//!
//! Twiddle and power tables are built on the device the first time a size
//! and coset are needed and cached per device (`tables.rs`).

mod plan;
mod tables;

pub(crate) use tables::TableCache;

use crate::args::NttPassParams;
use crate::launch::{kernel, Grid, Kernel, KernelId};
use crate::primitives::merkle::RowHasher;
use crate::{CudaBuffer, CudaCtx, CudaDevice, CudaMatrix, CudaMerkleTree};
use backend_api::{
    DeviceElem, DeviceError, DeviceResult, Fp, HostMatrix, Matrix, MerkleShape, NttDirection, Order,
};
use plan::dif_passes;
use std::sync::Arc;
use tables::{tables, CachedTables, NttTables};

const THREADS: u32 = 256;
/// log2 of the elements of a pass's tile, for `Fp` and for `Fp3` (what one
/// block's shared memory holds). The pass kernels walk a tile as
/// `tile / THREADS` elements a thread, so a tile covers at least a block.
const FP_TILE_LOG: u32 = 12;
const FP3_TILE_LOG: u32 = 11;
const _: () = assert!(1 << FP_TILE_LOG >= THREADS && 1 << FP3_TILE_LOG >= THREADS);
/// Threads per block of the tiled bit reversal (`bitrev_tiled::THREADS`).
const BITREV_THREADS: u32 = 256;
/// The largest blowup (log2) whose bit-reversed LDE runs as independent
/// size-n transforms per coset (the per-coset scale tables grow with it).
const MAX_SPLIT_LOG_B: u32 = 4;

/// Where the first pass reads from (`SrcMode` of the kernel).
#[derive(Copy, Clone, Debug)]
enum FirstPassInput {
    /// Columns of the transform's own size at this address (may be the destination).
    Same(u64),
    /// Columns of `2^log` at this address: the transform's input is each
    /// column followed by zeros.
    Prefix(u64, u32),
    /// Columns of `2^log` at this address: element `j` at position `j * B`,
    /// zeros elsewhere (`B = 2^(log_n - log)`).
    Spread(u64, u32),
    /// Columns of the transform's size at this address, each read by `2^log_b`
    /// consecutive destination columns; destination column `c` is scaled with
    /// the scale tables of chunk `c mod 2^log_b`.
    Cosets(u64, u32),
    /// `Cosets` from columns in bit-reversed order (element `j` at
    /// `bitrev(j)`): meant for DIF transforms, whose first pass reads each
    /// line as one contiguous run of the source (others would gather).
    CosetsBitReversed(u64, u32),
}

/// Which index the coefficient-side factor `k * s^j` uses (`ScaleMode`).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Scale {
    None = 0,
    Natural = 1,
    BitReversed = 2,
}

fn root(log: u32) -> DeviceResult<Fp> {
    Fp::root_of_unity(log)
        .ok_or_else(|| DeviceError::invalid("height", format!("2^{log} exceeds the two-adicity")))
}

/// `1 / 2^log`.
fn inv_pow2(log: u32) -> Fp {
    Fp::new(1u64 << log).inverse_or_zero()
}

/// The per-element-type kernels and tile size.
struct Kernels {
    /// The pass kernels, `[contiguous][dif]`: strided (`log_g < log_m`) or
    /// contiguous groups (`log_g == log_m`), DIT or DIF.
    passes: [[Kernel; 2]; 2],
    bitrev: Kernel,
    /// The tiled bit reversal, for `log_n >= 2 * bitrev_tile_log`.
    bitrev_tiled: Kernel,
    /// log2 of the side of the tiled bit reversal's square tile.
    bitrev_tile_log: u32,
    limbs: u32,
    /// log2 of the elements per block tile.
    tile_log: u32,
}

impl Kernels {
    fn for_elem<T: DeviceElem>(dev: &CudaDevice) -> DeviceResult<Kernels> {
        use KernelId::*;
        let (passes, bitrev, bitrev_tiled, bitrev_tile_log, limbs, tile_log) = match T::LIMBS {
            1 => (
                [
                    [NttPassFpStridedDit, NttPassFpStridedDif],
                    [NttPassFpContiguousDit, NttPassFpContiguousDif],
                ],
                NttBitrevFp,
                NttBitrevTiledFp,
                5,
                1,
                FP_TILE_LOG,
            ),
            3 => (
                [
                    [NttPassFp3StridedDit, NttPassFp3StridedDif],
                    [NttPassFp3ContiguousDit, NttPassFp3ContiguousDif],
                ],
                NttBitrevFp3,
                NttBitrevTiledFp3,
                4,
                3,
                FP3_TILE_LOG,
            ),
            other => {
                return Err(DeviceError::Unsupported {
                    primitive: "ntt",
                    reason: format!("elements of {other} limbs"),
                })
            }
        };
        let k = Kernels {
            passes: passes.map(|p| p.map(|id| kernel(dev, id))),
            bitrev: kernel(dev, bitrev),
            bitrev_tiled: kernel(dev, bitrev_tiled),
            bitrev_tile_log,
            limbs,
            tile_log,
        };
        // The largest tile needs more than the default 48 KiB of dynamic
        // shared memory for Fp3: raise the kernel's limit to what we use.
        let max = (1..=tile_log)
            .map(|g| k.shared_bytes(g, tile_log - g))
            .max()
            .unwrap_or(0);
        for id in passes.iter().flatten() {
            dev.inner.allow_dynamic_shared(*id, max as usize)?;
        }
        Ok(k)
    }

    /// Dynamic shared memory of a tile of `2^log_c` lines of `2^log_g`
    /// (padded as `line_stride` of the kernel: one element per 16, plus one
    /// for lines of 16 or more).
    fn shared_bytes(&self, log_g: u32, log_c: u32) -> u32 {
        let n1 = 1u32 << log_g;
        let line = n1 + (n1 >> 4) + u32::from(n1 >= 16);
        self.limbs * (line << log_c) * 8
    }
}

/// One transform of `columns` columns of `2^log_n` at `dst`.
struct Transform<'a> {
    dev: &'a CudaDevice,
    ctx: &'a CudaCtx,
    kernels: &'a Kernels,
    tables: &'a NttTables,
    columns: usize,
}

impl Transform<'_> {
    /// Runs the passes: DIF (natural -> bit-reversed) or DIT (bit-reversed ->
    /// natural). The first pass reads `src`, the others work in place on
    /// `dst`; `load` applies on the first pass, `store` on the last.
    #[allow(clippy::too_many_arguments)]
    fn run(
        &self,
        dst: u64,
        src: FirstPassInput,
        log_n: u32,
        dif: bool,
        inverse: bool,
        load: Scale,
        store: Scale,
    ) -> DeviceResult<()> {
        let mut passes = dif_passes(log_n, self.kernels.tile_log);
        if !dif {
            passes.reverse();
        }
        let last = passes.len() - 1;
        for (i, pass) in passes.iter().enumerate() {
            let (src_ptr, src_mode, src_log_n, log_b) = match (i, src) {
                (0, FirstPassInput::Same(p)) => (p, 0, log_n, 0),
                (0, FirstPassInput::Prefix(p, l)) => (p, 1, l, 0),
                (0, FirstPassInput::Spread(p, l)) => (p, 2, l, 0),
                (0, FirstPassInput::Cosets(p, b)) => (p, 3, log_n, b),
                (0, FirstPassInput::CosetsBitReversed(p, b)) => (p, 4, log_n, b),
                _ => (dst, 0, log_n, 0),
            };
            let params = NttPassParams {
                dst,
                src: src_ptr,
                chunk_tw: if inverse {
                    self.tables.chunk_tw_inv
                } else {
                    self.tables.chunk_tw
                },
                tw_lo: self.tables.tw_lo,
                tw_hi: self.tables.tw_hi,
                scale_lo: self.tables.scale_lo,
                scale_hi: self.tables.scale_hi,
                columns: self.columns as u64,
                log_n,
                log_m: pass.log_m,
                log_g: pass.log_g,
                log_c: pass.log_c,
                log_tw: self.tables.log_tw,
                inverse: u32::from(inverse),
                src_mode,
                src_log_n,
                scale_load: if i == 0 { load as u32 } else { 0 },
                scale_store: if i == last { store as u32 } else { 0 },
                log_b,
                scale_stride: self.tables.scale_stride,
            };
            let lines = (self.columns as u128) << (log_n - pass.log_g);
            let blocks = usize::try_from(lines.div_ceil(1u128 << pass.log_c))
                .map_err(|_| crate::error::too_large("ntt", format!("{lines} lines")))?;
            let grid = Grid::blocks(blocks, THREADS, self.dev)?
                .with_shared(self.kernels.shared_bytes(pass.log_g, pass.log_c));
            let kernel =
                self.kernels.passes[usize::from(pass.log_g == pass.log_m)][usize::from(dif)];
            // SAFETY: matches `ntt_pass_*(NttPass)` (repr(C) mirror); every
            // pointer covers what the pass touches (`columns` columns of the
            // stated heights) and stays alive in stream order.
            unsafe { crate::launch!(self.ctx, kernel, grid; params) }?;
        }
        Ok(())
    }

    /// `dst[bitrev(i)] = src[i]` within each column of `2^log_n` (in place
    /// when `dst == src`, otherwise the buffers are disjoint).
    ///
    /// Columns of at least one square tile use the tiled kernel (coalesced
    /// reads and writes through shared memory); shorter ones the per-element
    /// kernel. Both compute the same permutation.
    fn bit_reverse(&self, dst: u64, src: u64, log_n: u32) -> DeviceResult<()> {
        let tile_log = self.kernels.bitrev_tile_log;
        if log_n >= 2 * tile_log {
            // One block per (column, middle index) item, blocks striding
            // over items; half the items are the second tile of a pair.
            let items = (self.columns as u128) << (log_n - 2 * tile_log);
            let blocks = items.clamp(1, 1 << 20) as usize;
            let grid = Grid::blocks(blocks, BITREV_THREADS, self.dev)?;
            let columns = self.columns as u64;
            // SAFETY: matches `ntt_bitrev_tiled_*(uint64_t*, const uint64_t*,
            // uint32_t, uint64_t)`; both buffers hold `columns` columns of
            // `2^log_n` elements and are equal or disjoint (callers).
            return unsafe {
                crate::launch!(self.ctx, self.kernels.bitrev_tiled, grid; dst, src, log_n, columns)
            };
        }
        let total = (self.columns as u64) << log_n;
        let blocks = (total.div_ceil(THREADS as u64)).clamp(1, 1 << 20) as usize;
        let grid = Grid::blocks(blocks, THREADS, self.dev)?;
        // SAFETY: matches `ntt_bitrev_*(uint64_t*, const uint64_t*, uint32_t,
        // uint64_t)`; both buffers hold `total` elements.
        unsafe { crate::launch!(self.ctx, self.kernels.bitrev, grid; dst, src, log_n, total) }
    }
}

/// Batched in-place NTT; see `ProverDevice::ntt` (arguments checked).
pub fn ntt<T: DeviceElem>(
    dev: &CudaDevice,
    ctx: &CudaCtx,
    matrix: &mut CudaMatrix<T>,
    direction: NttDirection,
    shift: Fp,
    input: Order,
    output: Order,
) -> DeviceResult<()> {
    let log_n = matrix.height().trailing_zeros();
    if log_n == 0 {
        // One point: e_0 = c_0 * s^0 and back; nothing moves.
        return Ok(());
    }
    let inverse = direction == NttDirection::Inverse;
    let scale = if inverse {
        let s_inv = shift
            .inverse()
            .ok_or_else(|| DeviceError::invalid("shift", "not invertible"))?;
        Some((s_inv, inv_pow2(log_n)))
    } else {
        (shift != Fp::ONE).then_some((shift, Fp::ONE))
    };
    let kernels = Kernels::for_elem::<T>(dev)?;
    let tables = tables(dev, ctx, log_n, scale.as_slice(), log_n)?;
    let t = Transform {
        dev,
        ctx,
        kernels: &kernels,
        tables: &tables.tables,
        columns: matrix.width(),
    };
    let data = matrix.buffer().as_raw();
    match (input, output) {
        (Order::Natural, Order::BitReversed) => {
            let (l, s) = scales(inverse, scale.is_some(), true, false);
            t.run(data, FirstPassInput::Same(data), log_n, true, inverse, l, s)
        }
        (Order::BitReversed, Order::Natural) => {
            let (l, s) = scales(inverse, scale.is_some(), false, true);
            t.run(
                data,
                FirstPassInput::Same(data),
                log_n,
                false,
                inverse,
                l,
                s,
            )
        }
        (Order::Natural, Order::Natural) => {
            let (l, s) = scales(inverse, scale.is_some(), true, false);
            t.run(data, FirstPassInput::Same(data), log_n, true, inverse, l, s)?;
            t.bit_reverse(data, data, log_n)
        }
        (Order::BitReversed, Order::BitReversed) => {
            t.bit_reverse(data, data, log_n)?;
            let (l, s) = scales(inverse, scale.is_some(), true, false);
            t.run(data, FirstPassInput::Same(data), log_n, true, inverse, l, s)
        }
    }
}

/// Load and store scale modes of a transform whose input / output are in
/// natural order or not: the factor belongs to the coefficients, i.e. the
/// input of a forward and the output of an inverse transform.
fn scales(inverse: bool, scaled: bool, natural_in: bool, natural_out: bool) -> (Scale, Scale) {
    let mode = |natural: bool| match (scaled, natural) {
        (false, _) => Scale::None,
        (true, true) => Scale::Natural,
        (true, false) => Scale::BitReversed,
    };
    if inverse {
        (Scale::None, mode(natural_out))
    } else {
        (mode(natural_in), Scale::None)
    }
}

/// Coset LDE from evaluations; see `ProverDevice::coset_lde`.
pub fn coset_lde<T: DeviceElem>(
    dev: &CudaDevice,
    ctx: &CudaCtx,
    evals: &CudaMatrix<T>,
    input: Order,
    blowup: usize,
    shift: Fp,
    output: Order,
) -> DeviceResult<CudaMatrix<T>> {
    let (log_n, log_b) = (evals.height().trailing_zeros(), blowup.trailing_zeros());
    extend(dev, ctx, evals, input, log_n, log_b, shift, output, true)
}

/// Coset evaluations from coefficients; see `ProverDevice::coeffs_to_coset`.
pub fn coeffs_to_coset<T: DeviceElem>(
    dev: &CudaDevice,
    ctx: &CudaCtx,
    coeffs: &CudaMatrix<T>,
    input: Order,
    blowup: usize,
    shift: Fp,
    output: Order,
) -> DeviceResult<CudaMatrix<T>> {
    let (log_n, log_b) = (coeffs.height().trailing_zeros(), blowup.trailing_zeros());
    extend(dev, ctx, coeffs, input, log_n, log_b, shift, output, false)
}

/// `coset_lde` (`from_evals`) or `coeffs_to_coset`, arguments checked.
#[allow(clippy::too_many_arguments)]
fn extend<T: DeviceElem>(
    dev: &CudaDevice,
    ctx: &CudaCtx,
    m: &CudaMatrix<T>,
    input: Order,
    log_n: u32,
    log_b: u32,
    shift: Fp,
    output: Order,
    from_evals: bool,
) -> DeviceResult<CudaMatrix<T>> {
    let width = m.width();
    let out = lde_buffer::<T>(ctx, width, log_n + log_b)?;
    let plan = LdePlan::new::<T>(dev, ctx, input, log_n, log_b, shift, output, from_evals)?;
    let scratch = plan.scratch::<T>(ctx, width)?;
    let scratch = scratch.as_ref().map(CudaBuffer::as_raw);
    plan.run(m.buffer().as_raw(), out.as_raw(), width, scratch)?;
    into_matrix(out, width, 1 << (log_n + log_b))
}

/// Bytes of trace columns `upload_lde` copies before extending them: big
/// enough for efficient transforms, small enough that the first batch's
/// copy, which nothing overlaps, stays short (about 0.6 ms over PCIe 5).
const UPLOAD_BATCH_BYTES: usize = 32 << 20;

/// Upload and coset LDE; see `ProverDevice::upload_lde` (arguments
/// checked).
pub fn upload_lde<T: DeviceElem>(
    dev: &CudaDevice,
    ctx: &CudaCtx,
    evals: &HostMatrix<T>,
    args: LdeArgs,
) -> DeviceResult<(CudaMatrix<T>, CudaMatrix<T>)> {
    let lde = lde_matrix(ctx, evals, args.1)?;
    let trace = upload_extend(dev, ctx, evals, args, &lde, |_| Ok(()))?;
    Ok((trace, lde))
}

/// Upload, coset LDE and the LDE's tree; see
/// `ProverDevice::upload_lde_commit` (arguments checked, `shape` the
/// tree's). Each batch's extended columns complete sponge blocks of every
/// row, which are absorbed while later batches are copied (`RowHasher`).
pub fn upload_lde_commit<T: DeviceElem>(
    dev: &CudaDevice,
    ctx: &CudaCtx,
    evals: &HostMatrix<T>,
    args: LdeArgs,
    shape: MerkleShape,
) -> DeviceResult<(CudaMatrix<T>, CudaMatrix<T>, CudaMerkleTree)> {
    let lde = lde_matrix(ctx, evals, args.1)?;
    let mut rows = RowHasher::new(dev, ctx, &lde, shape)?;
    let trace = upload_extend(dev, ctx, evals, args, &lde, |columns| {
        rows.columns_written(columns)
    })?;
    Ok((trace, lde, rows.finish()?))
}

/// An LDE's input order, blowup, shift and output order.
pub type LdeArgs = (Order, usize, Fp, Order);

/// An uninitialized matrix for the LDE of `evals` by `blowup`.
fn lde_matrix<T: DeviceElem>(
    ctx: &CudaCtx,
    evals: &HostMatrix<T>,
    blowup: usize,
) -> DeviceResult<CudaMatrix<T>> {
    let (width, n) = (evals.width(), evals.height());
    let log_big = n.trailing_zeros() + blowup.trailing_zeros();
    into_matrix(lde_buffer::<T>(ctx, width, log_big)?, width, 1 << log_big)
}

/// Uploads `evals` and extends it into `lde`: the columns go up in batches
/// of about `UPLOAD_BATCH_BYTES` on the context's copy stream, each batch
/// extended on its stream while the next one is copied; after each batch,
/// `written(c)` may queue work on the stream that reads the LDE's first
/// `c` columns. Returns the uploaded matrix.
fn upload_extend<T: DeviceElem>(
    dev: &CudaDevice,
    ctx: &CudaCtx,
    evals: &HostMatrix<T>,
    (input, blowup, shift, output): LdeArgs,
    lde: &CudaMatrix<T>,
    mut written: impl FnMut(usize) -> DeviceResult<()>,
) -> DeviceResult<CudaMatrix<T>> {
    let (width, n) = (evals.width(), evals.height());
    let (log_n, log_b) = (n.trailing_zeros(), blowup.trailing_zeros());
    let trace = CudaBuffer::<T>::uninit(ctx, evals.buffer().len())?;
    let plan = LdePlan::new::<T>(dev, ctx, input, log_n, log_b, shift, output, true)?;
    let column_bytes = n * std::mem::size_of::<T>();
    let batch = (UPLOAD_BATCH_BYTES / column_bytes).clamp(1, width);
    let scratch = plan.scratch::<T>(ctx, batch)?;
    let scratch = scratch.as_ref().map(CudaBuffer::as_raw);
    let src = crate::memory::elem_bytes(evals.buffer());
    let extend_batch = |k: usize| {
        let first = k * batch;
        let columns = batch.min(width - first);
        plan.run(
            trace.elem_ptr(first * n),
            lde.buffer().elem_ptr((first * n) << log_b),
            columns,
            scratch,
        )?;
        written(first + columns)
    };
    // SAFETY: `trace` holds exactly `src.len()` bytes, allocated on `ctx`
    // and alive until the returned matrix is dropped (stream order).
    unsafe { ctx.upload_pipelined(src, trace.as_raw(), batch * column_bytes, extend_batch)? };
    into_matrix(trace, width, n)
}

/// An uninitialized buffer for `width` columns of `2^log_big` rows.
fn lde_buffer<T: DeviceElem>(
    ctx: &CudaCtx,
    width: usize,
    log_big: u32,
) -> DeviceResult<CudaBuffer<T>> {
    let len = width.checked_mul(1usize << log_big).ok_or_else(|| {
        crate::error::too_large("coset_lde", format!("{width} x 2^{log_big} elements"))
    })?;
    CudaBuffer::<T>::uninit(ctx, len)
}

/// How columns of `2^log_n` rows are extended by `2^log_b`: the tables
/// and kernels, built once, then [`run`](Self::run) on any columns.
struct LdePlan<'a> {
    dev: &'a CudaDevice,
    ctx: &'a CudaCtx,
    kernels: Kernels,
    tables: Arc<CachedTables>,
    input: Order,
    log_n: u32,
    log_b: u32,
    from_evals: bool,
    /// The forward transform is DIF (bit-reversed output), which wants
    /// natural coefficients; DIT wants bit-reversed ones.
    dif: bool,
    /// `2^log_b` independent size-`n` transforms (module header).
    split: bool,
}

impl<'a> LdePlan<'a> {
    #[allow(clippy::too_many_arguments)]
    fn new<T: DeviceElem>(
        dev: &'a CudaDevice,
        ctx: &'a CudaCtx,
        input: Order,
        log_n: u32,
        log_b: u32,
        shift: Fp,
        output: Order,
        from_evals: bool,
    ) -> DeviceResult<LdePlan<'a>> {
        let log_big = log_n + log_b;
        let kernels = Kernels::for_elem::<T>(dev)?;
        // k * s^j with k = 1/n for evaluations (the inverse transform is unscaled).
        let k = if from_evals { inv_pow2(log_n) } else { Fp::ONE };
        let dif = output == Order::BitReversed;
        let split = dif && log_n >= 1 && log_b <= MAX_SPLIT_LOG_B;
        let tables = if split {
            // chunk b of each output column is the coset s * omega_big^bitrev(b)
            let omega_big = root(log_big)?;
            let cosets: Vec<(Fp, Fp)> = (0..1u32 << log_b)
                .map(|b| (shift * omega_big.pow(u64::from(bit_reverse(b, log_b))), k))
                .collect();
            tables(dev, ctx, log_n, &cosets, log_n)?
        } else {
            tables(dev, ctx, log_big, &[(shift, k)], log_n)?
        };
        Ok(LdePlan {
            dev,
            ctx,
            kernels,
            tables,
            input,
            log_n,
            log_b,
            from_evals,
            dif,
            split,
        })
    }

    /// The order of the coefficients the forward transform reads: DIF
    /// wants natural ones, DIT bit-reversed ones.
    fn wanted(&self) -> Order {
        if self.dif {
            Order::Natural
        } else {
            Order::BitReversed
        }
    }

    /// Whether the forward transform reads coefficients in `order` as they
    /// are: the split transform reads either order.
    fn reads(&self, order: Order) -> bool {
        self.split || order == self.wanted()
    }

    /// Whether the coefficients need a buffer of their own: they are
    /// interpolated, or permuted from the input's order.
    fn needs_scratch(&self) -> bool {
        self.log_n > 0 && (self.from_evals || !self.reads(self.input))
    }

    /// Scratch for [`run`](Self::run) on up to `columns` columns, if it
    /// needs any.
    fn scratch<T: DeviceElem>(
        &self,
        ctx: &CudaCtx,
        columns: usize,
    ) -> DeviceResult<Option<CudaBuffer<T>>> {
        if !self.needs_scratch() {
            return Ok(None);
        }
        CudaBuffer::<T>::scratch(ctx, columns << self.log_n).map(Some)
    }

    fn transform(&self, columns: usize) -> Transform<'_> {
        Transform {
            dev: self.dev,
            ctx: self.ctx,
            kernels: &self.kernels,
            tables: &self.tables.tables,
            columns,
        }
    }

    /// Extends `columns` columns of `2^log_n` rows at `src` into the
    /// columns of `2^(log_n + log_b)` rows at `dst`; `scratch` has room for
    /// `columns << log_n` elements where [`needs_scratch`](Self::needs_scratch).
    fn run(&self, src: u64, dst: u64, columns: usize, scratch: Option<u64>) -> DeviceResult<()> {
        let (log_n, log_b) = (self.log_n, self.log_b);
        let t = self.transform(columns);
        if log_n + log_b == 0 {
            // One point, one coefficient: e_0 = c_0.
            return t.bit_reverse(dst, src, 0);
        }
        let (coeffs, order) = match (self.needs_scratch(), scratch) {
            // in an order the forward transform reads (or one element)
            (false, _) => (src, self.input),
            (true, None) => {
                return Err(DeviceError::bad_output(
                    "coset_lde",
                    "internal: the coefficients were given no scratch buffer",
                ))
            }
            (true, Some(c)) if self.from_evals => {
                // natural evaluations -> DIF -> bit-reversed coefficients;
                // bit-reversed ones -> DIT -> natural coefficients.
                let inv_dif = self.input == Order::Natural;
                t.run(
                    c,
                    FirstPassInput::Same(src),
                    log_n,
                    inv_dif,
                    true,
                    Scale::None,
                    Scale::None,
                )?;
                let got = if inv_dif {
                    Order::BitReversed
                } else {
                    Order::Natural
                };
                if self.reads(got) {
                    (c, got)
                } else {
                    t.bit_reverse(c, c, log_n)?;
                    (c, self.wanted())
                }
            }
            (true, Some(c)) => {
                t.bit_reverse(c, src, log_n)?;
                (c, self.wanted())
            }
        };
        if self.split {
            // 2^log_b independent size-n transforms, one per output chunk,
            // reading the coefficients in whichever order they are.
            let input = match order {
                Order::Natural => FirstPassInput::Cosets(coeffs, log_b),
                Order::BitReversed => FirstPassInput::CosetsBitReversed(coeffs, log_b),
            };
            let chunks = self.transform(columns << log_b);
            chunks.run(dst, input, log_n, true, false, Scale::Natural, Scale::None)
        } else if self.dif {
            t.run(
                dst,
                FirstPassInput::Prefix(coeffs, log_n),
                log_n + log_b,
                true,
                false,
                Scale::Natural,
                Scale::None,
            )
        } else {
            t.run(
                dst,
                FirstPassInput::Spread(coeffs, log_n),
                log_n + log_b,
                false,
                false,
                Scale::BitReversed,
                Scale::None,
            )
        }
    }
}

/// Reverses the low `log` bits of `i`.
fn bit_reverse(i: u32, log: u32) -> u32 {
    if log == 0 {
        0
    } else {
        i.reverse_bits() >> (32 - log)
    }
}

fn into_matrix<T: DeviceElem>(
    buf: CudaBuffer<T>,
    width: usize,
    height: usize,
) -> DeviceResult<CudaMatrix<T>> {
    Matrix::new(buf, width, height)
        .ok_or_else(|| DeviceError::bad_output("coset_lde", "an output buffer of another length"))
}
