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
//!   and fewer stages than one size-`nB` transform.
//! * `coeffs_to_coset`: the second half of `coset_lde`.
//!
//! Twiddle and power tables are built on the device per call (a few small
//! launches, see `NttTables`), on the call's stream.

mod plan;

use crate::args::NttPassParams;
use crate::launch::{kernel, Grid, Kernel, KernelId};
use crate::{CudaBuffer, CudaCtx, CudaDevice, CudaMatrix};
use backend_api::{DeviceElem, DeviceError, DeviceResult, Fp, Matrix, NttDirection, Order};
use plan::dif_passes;

const THREADS: u32 = 256;
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
}

/// Which index the coefficient-side factor `k * s^j` uses (`ScaleMode`).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Scale {
    None = 0,
    Natural = 1,
    BitReversed = 2,
}

/// Device tables for one call: the stage-major in-tile twiddles `w12` of
/// `omega_12` and `w12_inv` of `omega_12^-1` (4096 slots each, layout in the
/// header of `kernels/ntt.cu`), the two-level powers of `omega_{log_tw}` and,
/// optionally, two-level powers `k * s^j`, one table pair per `(s, k)` given,
/// `scale_stride` u64 apart.
struct NttTables {
    _buf: CudaBuffer<Fp>,
    log_tw: u32,
    w12: u64,
    w12_inv: u64,
    tw_lo: u64,
    tw_hi: u64,
    scale_lo: u64,
    scale_hi: u64,
    scale_stride: u64,
}

/// Entries of a two-level table covering exponents `< 2^log`: 2048 low
/// powers and `2^(log - 11)` (at least 1) high ones.
fn hi_len(log: u32) -> usize {
    1usize << log.saturating_sub(11)
}

/// Launches `out[i] = scale * base^i` for `i < count`.
fn powers(
    dev: &CudaDevice,
    ctx: &CudaCtx,
    out: u64,
    base: Fp,
    scale: Fp,
    count: usize,
) -> DeviceResult<()> {
    let k = kernel(dev, KernelId::NttPowers);
    let grid = Grid::linear(count, THREADS, dev)?;
    let (base, scale, count) = (base.value(), scale.value(), count as u64);
    // SAFETY: matches `ntt_powers(uint64_t*, uint64_t, uint64_t, uint64_t)`;
    // `out` has room for `count` u64 and lives until the caller's work is done
    // (stream order).
    unsafe { crate::launch!(ctx, k, grid; out, base, scale, count) }
}

/// Launches the stage-major twiddle table of `omega12` into `out` (4095 u64).
fn stage_twiddles(dev: &CudaDevice, ctx: &CudaCtx, out: u64, omega12: Fp) -> DeviceResult<()> {
    let k = kernel(dev, KernelId::NttStageTwiddles);
    let grid = Grid::linear(4095, THREADS, dev)?;
    let omega12 = omega12.value();
    // SAFETY: matches `ntt_stage_twiddles(uint64_t*, uint64_t)`; `out` has
    // room for 4095 u64 and lives until the caller's work is done.
    unsafe { crate::launch!(ctx, k, grid; out, omega12) }
}

impl NttTables {
    /// Tables for transforms up to `2^log_tw`, plus `k * s^j` for `j < 2^log_j`
    /// for each `(s, k)` of `scales`.
    fn build(
        dev: &CudaDevice,
        ctx: &CudaCtx,
        log_tw: u32,
        scales: &[(Fp, Fp)],
        log_j: u32,
    ) -> DeviceResult<NttTables> {
        let omega_12 = root(12)?;
        let omega = root(log_tw)?;
        let tw_hi_len = hi_len(log_tw);
        let s_hi_len = hi_len(log_j);
        let stride = 2048 + s_hi_len;
        let len = 8192 + 2048 + tw_hi_len + stride * scales.len();
        let buf = CudaBuffer::<Fp>::uninit(ctx, len)?;
        let w12 = buf.elem_ptr(0);
        let w12_inv = buf.elem_ptr(4096);
        let tw_lo = buf.elem_ptr(8192);
        let tw_hi = buf.elem_ptr(8192 + 2048);
        let scale_lo = buf.elem_ptr(8192 + 2048 + tw_hi_len);
        let scale_hi = buf.elem_ptr(8192 + 2048 + tw_hi_len + 2048);
        let omega_12_inv = omega_12
            .inverse()
            .ok_or_else(|| DeviceError::invalid("height", "no root"))?;
        stage_twiddles(dev, ctx, w12, omega_12)?;
        stage_twiddles(dev, ctx, w12_inv, omega_12_inv)?;
        powers(dev, ctx, tw_lo, omega, Fp::ONE, 2048)?;
        powers(dev, ctx, tw_hi, omega.pow(2048), Fp::ONE, tw_hi_len)?;
        for (i, &(s, k)) in scales.iter().enumerate() {
            let off = (stride * i * 8) as u64;
            powers(dev, ctx, scale_lo + off, s, k, 2048)?;
            powers(dev, ctx, scale_hi + off, s.pow(2048), Fp::ONE, s_hi_len)?;
        }
        Ok(NttTables {
            _buf: buf,
            log_tw,
            w12,
            w12_inv,
            tw_lo,
            tw_hi,
            scale_lo,
            scale_hi,
            scale_stride: stride as u64,
        })
    }
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
    pass: Kernel,
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
        let (pass, bitrev, bitrev_tiled, bitrev_tile_log, limbs, tile_log) = match T::LIMBS {
            1 => (
                KernelId::NttPassFp,
                KernelId::NttBitrevFp,
                KernelId::NttBitrevTiledFp,
                5,
                1,
                12,
            ),
            3 => (
                KernelId::NttPassFp3,
                KernelId::NttBitrevFp3,
                KernelId::NttBitrevTiledFp3,
                4,
                3,
                11,
            ),
            other => {
                return Err(DeviceError::Unsupported {
                    primitive: "ntt",
                    reason: format!("elements of {other} limbs"),
                })
            }
        };
        let k = Kernels {
            pass: kernel(dev, pass),
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
        dev.inner.allow_dynamic_shared(pass, max as usize)?;
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
                _ => (dst, 0, log_n, 0),
            };
            let params = NttPassParams {
                dst,
                src: src_ptr,
                w12: if inverse {
                    self.tables.w12_inv
                } else {
                    self.tables.w12
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
                dif: u32::from(dif),
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
            // SAFETY: matches `ntt_pass_*(NttPass)` (repr(C) mirror); every
            // pointer covers what the pass touches (`columns` columns of the
            // stated heights) and stays alive in stream order.
            unsafe { crate::launch!(self.ctx, self.kernels.pass, grid; params) }?;
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
    let tables = NttTables::build(dev, ctx, log_n, scale.as_slice(), log_n)?;
    let t = Transform {
        dev,
        ctx,
        kernels: &kernels,
        tables: &tables,
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
    let log_big = log_n + log_b;
    let big = 1usize << log_big;
    let out_len = width.checked_mul(big).ok_or_else(|| {
        crate::error::too_large("coset_lde", format!("{width} x 2^{log_big} elements"))
    })?;
    let out = CudaBuffer::<T>::uninit(ctx, out_len)?;
    let kernels = Kernels::for_elem::<T>(dev)?;
    // k * s^j with k = 1/n for evaluations (the inverse transform is unscaled).
    let k = if from_evals { inv_pow2(log_n) } else { Fp::ONE };
    // DIF wants natural coefficients, DIT bit-reversed ones.
    let dif = output == Order::BitReversed;
    let split = dif && log_n >= 1 && log_b <= MAX_SPLIT_LOG_B;
    let tables = if split {
        // chunk b of each output column is the coset s * omega_big^bitrev(b)
        let omega_big = root(log_big)?;
        let cosets: Vec<(Fp, Fp)> = (0..1u32 << log_b)
            .map(|b| (shift * omega_big.pow(u64::from(bit_reverse(b, log_b))), k))
            .collect();
        NttTables::build(dev, ctx, log_n, &cosets, log_n)?
    } else {
        NttTables::build(dev, ctx, log_big, &[(shift, k)], log_n)?
    };
    let t = Transform {
        dev,
        ctx,
        kernels: &kernels,
        tables: &tables,
        columns: width,
    };
    let dst = out.as_raw();
    if log_big == 0 {
        // One point, one coefficient: e_0 = c_0.
        t.bit_reverse(dst, m.buffer().as_raw(), 0)?;
        return into_matrix(out, width, big);
    }
    let want = if dif {
        Order::Natural
    } else {
        Order::BitReversed
    };
    let src = m.buffer().as_raw();
    let scratch;
    let coeffs = if log_n == 0 {
        src // one element: evaluation = coefficient, both orders alike
    } else if from_evals {
        scratch = CudaBuffer::<T>::uninit(ctx, m.buffer().len())?;
        let c = scratch.as_raw();
        // natural evaluations -> DIF -> bit-reversed coefficients, and back.
        let inv_dif = input == Order::Natural;
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
        if got != want {
            t.bit_reverse(c, c, log_n)?;
        }
        c
    } else if input != want {
        scratch = CudaBuffer::<T>::uninit(ctx, m.buffer().len())?;
        t.bit_reverse(scratch.as_raw(), src, log_n)?;
        scratch.as_raw()
    } else {
        src
    };
    if split {
        // 2^log_b independent size-n transforms, one per output chunk.
        let chunks = Transform {
            columns: width << log_b,
            ..t
        };
        chunks.run(
            dst,
            FirstPassInput::Cosets(coeffs, log_b),
            log_n,
            true,
            false,
            Scale::Natural,
            Scale::None,
        )?;
    } else if dif {
        t.run(
            dst,
            FirstPassInput::Prefix(coeffs, log_n),
            log_big,
            true,
            false,
            Scale::Natural,
            Scale::None,
        )?;
    } else {
        t.run(
            dst,
            FirstPassInput::Spread(coeffs, log_n),
            log_big,
            false,
            false,
            Scale::BitReversed,
            Scale::None,
        )?;
    }
    into_matrix(out, width, big)
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
