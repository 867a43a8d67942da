//! The twiddle and scale tables the NTT kernels read, built on the device
//! and kept in a per-device cache keyed by what they hold, so that a
//! transform of a size and coset seen before launches nothing to set up.
//!
//! Tables are built on the cache's own context; an event recorded after
//! the build orders every stream that uses them after it (no host wait).
//! They are read-only once built, so any number of streams may share them.

use super::{root, THREADS};
use crate::device::poisoned;
use crate::error::check;
use crate::launch::{kernel, Grid, KernelId};
use crate::{CudaBuffer, CudaCtx, CudaDevice};
use backend_api::{DeviceError, DeviceResult, Fp};
use cust::sys as cu;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Tables kept per device before the cache starts over (each is well under
/// a megabyte; a proof uses a few dozen).
const MAX_CACHED: usize = 64;

/// Device tables of a transform: the in-tile chunk twiddles `chunk_tw` of
/// `omega_12` and `chunk_tw_inv` of `omega_12^-1` (`CHUNK_TW_SLOTS` each,
/// layout in the header of `kernels/ntt.cu`), the two-level powers of
/// `omega_{log_tw}` and,
/// optionally, two-level powers `k * s^j`, one table pair per `(s, k)` given,
/// `scale_stride` u64 apart.
pub(super) struct NttTables {
    _buf: CudaBuffer<Fp>,
    pub(super) log_tw: u32,
    pub(super) chunk_tw: u64,
    pub(super) chunk_tw_inv: u64,
    pub(super) tw_lo: u64,
    pub(super) tw_hi: u64,
    pub(super) scale_lo: u64,
    pub(super) scale_hi: u64,
    pub(super) scale_stride: u64,
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

/// Entries of a chunk twiddle table: seven rows of `2^(L-3)` for each span
/// `2^L`, `4 <= L <= 12` (`chunk_tw_base(13)` of `kernels/ntt.cu`).
const CHUNK_TW_LEN: usize = 7 * ((1 << 10) - 2);
/// Room per direction, rounded up.
const CHUNK_TW_SLOTS: usize = 8192;

/// Launches the chunk twiddle table of `omega12` into `out` (`CHUNK_TW_LEN` u64).
fn chunk_twiddles(dev: &CudaDevice, ctx: &CudaCtx, out: u64, omega12: Fp) -> DeviceResult<()> {
    let k = kernel(dev, KernelId::NttChunkTwiddles);
    let grid = Grid::linear(CHUNK_TW_LEN, THREADS, dev)?;
    let omega12 = omega12.value();
    // SAFETY: matches `ntt_chunk_twiddles(uint64_t*, uint64_t)`; `out` has
    // room for CHUNK_TW_LEN u64 and lives until the caller's work is done.
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
        let tw_at = 2 * CHUNK_TW_SLOTS;
        let len = tw_at + 2048 + tw_hi_len + stride * scales.len();
        let buf = CudaBuffer::<Fp>::uninit(ctx, len)?;
        let chunk_tw = buf.elem_ptr(0);
        let chunk_tw_inv = buf.elem_ptr(CHUNK_TW_SLOTS);
        let tw_lo = buf.elem_ptr(tw_at);
        let tw_hi = buf.elem_ptr(tw_at + 2048);
        let scale_lo = buf.elem_ptr(tw_at + 2048 + tw_hi_len);
        let scale_hi = buf.elem_ptr(tw_at + 2048 + tw_hi_len + 2048);
        let omega_12_inv = omega_12
            .inverse()
            .ok_or_else(|| DeviceError::invalid("height", "no root"))?;
        chunk_twiddles(dev, ctx, chunk_tw, omega_12)?;
        chunk_twiddles(dev, ctx, chunk_tw_inv, omega_12_inv)?;
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
            chunk_tw,
            chunk_tw_inv,
            tw_lo,
            tw_hi,
            scale_lo,
            scale_hi,
            scale_stride: stride as u64,
        })
    }
}

/// What a table set holds: the transform size, the exponent range of the
/// scale tables and each `(s, k)` as canonical values.
#[derive(Clone, PartialEq, Eq, Hash)]
struct TableKey {
    log_tw: u32,
    log_j: u32,
    scales: Vec<(u64, u64)>,
}

/// Built tables and the event recorded on the cache's stream after their
/// last kernel.
pub(super) struct CachedTables {
    pub(super) tables: NttTables,
    ready: cu::CUevent,
}

// SAFETY: the event is only recorded once (before the entry is shared) and
// then only waited on, which the driver allows from any thread.
unsafe impl Send for CachedTables {}
// SAFETY: see `Send`.
unsafe impl Sync for CachedTables {}

impl Drop for CachedTables {
    fn drop(&mut self) {
        // SAFETY: created in `TableCache::get`, destroyed once; the driver
        // releases it only after the waits already queued on it.
        unsafe { cu::cuEventDestroy_v2(self.ready) };
    }
}

/// The NTT tables of one device (in [`CudaDevice`], so that dropping the
/// last handle frees them).
#[derive(Default)]
pub(crate) struct TableCache {
    inner: Mutex<CacheState>,
}

#[derive(Default)]
struct CacheState {
    /// Made on the first miss.
    ctx: Option<CudaCtx>,
    entries: HashMap<TableKey, Arc<CachedTables>>,
}

impl TableCache {
    /// Drops every table (they are rebuilt when next needed); their memory
    /// is freed after the work already queued that reads them.
    pub(crate) fn clear(&self) -> DeviceResult<()> {
        let mut state = self.inner.lock().map_err(|_| poisoned("NTT table cache"))?;
        state.entries.clear();
        Ok(())
    }
}

/// The tables for transforms up to `2^log_tw` with `k * s^j` for `j <
/// 2^log_j` for each `(s, k)` of `scales`, from `dev`'s cache (built on a
/// miss); work queued on `ctx` from now on runs after they are built.
pub(super) fn tables(
    dev: &CudaDevice,
    ctx: &CudaCtx,
    log_tw: u32,
    scales: &[(Fp, Fp)],
    log_j: u32,
) -> DeviceResult<Arc<CachedTables>> {
    let key = TableKey {
        log_tw,
        log_j,
        scales: scales.iter().map(|(s, k)| (s.value(), k.value())).collect(),
    };
    let cached = {
        let mut state = dev
            .ntt_tables
            .inner
            .lock()
            .map_err(|_| poisoned("NTT table cache"))?;
        match state.entries.get(&key) {
            Some(hit) => hit.clone(),
            None => {
                let built = build_cached(dev, &mut state, log_tw, scales, log_j)?;
                if state.entries.len() >= MAX_CACHED {
                    state.entries.clear();
                }
                state.entries.insert(key, built.clone());
                built
            }
        }
    };
    ctx.make_current()?;
    // SAFETY: both handles are alive (the entry is held by `cached`).
    check(
        unsafe { cu::cuStreamWaitEvent(ctx.stream(), cached.ready, 0) },
        "cuStreamWaitEvent",
    )?;
    Ok(cached)
}

/// Builds tables on the cache's context and records their event.
fn build_cached(
    dev: &CudaDevice,
    state: &mut CacheState,
    log_tw: u32,
    scales: &[(Fp, Fp)],
    log_j: u32,
) -> DeviceResult<Arc<CachedTables>> {
    let ctx = match &state.ctx {
        Some(c) => c.clone(),
        None => state.ctx.insert(CudaCtx::new(dev.inner.clone())?).clone(),
    };
    let tables = NttTables::build(dev, &ctx, log_tw, scales, log_j)?;
    let mut ready = std::ptr::null_mut();
    // SAFETY: out-pointer; destroyed by `CachedTables::drop` (or below).
    check(
        unsafe {
            cu::cuEventCreate(
                &mut ready,
                cu::CUevent_flags::CU_EVENT_DISABLE_TIMING as u32,
            )
        },
        "cuEventCreate",
    )?;
    let cached = CachedTables { tables, ready };
    // SAFETY: the event and the stream are alive; on an error `cached`
    // destroys the event.
    check(
        unsafe { cu::cuEventRecord(ready, ctx.stream()) },
        "cuEventRecord",
    )?;
    Ok(Arc::new(cached))
}
