//! Proof-of-work grinding (kernels/grind.cu): ordered batches of nonces,
//! the smallest valid nonce of the first batch that has one.

use crate::args::seed_lanes;
use crate::launch::{kernel, Grid, KernelId};
use crate::{CudaCtx, CudaDevice, DeviceAlloc};
use backend_api::{DeviceError, DeviceResult, Digest};

/// Nonces per batch: about twice the expected search length, so that most
/// searches end in the first batch, within [2^16, 2^26].
fn batch_len(bits: u32) -> u64 {
    1u64 << (bits + 1).clamp(16, 26)
}

pub(crate) fn grind(
    dev: &CudaDevice,
    ctx: &CudaCtx,
    seed: &Digest,
    bits: u32,
) -> DeviceResult<u64> {
    if bits == 0 {
        return Ok(0);
    }
    let k = kernel(dev, KernelId::Grind);
    let lanes = seed_lanes(seed);
    let result = DeviceAlloc::scratch(ctx, 8)?;
    let threads_total = (dev.properties().sm_count as usize).max(1) * 2048;
    let batch = batch_len(bits);
    let mut start = 0u64;
    loop {
        let count = batch.min(u64::MAX - start).max(1);
        result.memset(ctx, 0xFF)?;
        let grid = Grid::linear((count as usize).min(threads_total), 256, dev)?;
        let res_ptr = result.as_raw();
        // SAFETY: matches grind(Seed (4 u64), uint64_t, uint64_t, uint32_t,
        // unsigned long long*); `result` outlives the launch.
        unsafe { crate::launch!(ctx, k, grid; lanes, start, count, bits, res_ptr) }?;
        let found = result.read_words(ctx, 0, 1)?[0];
        if found != u64::MAX {
            return Ok(found);
        }
        match start.checked_add(count) {
            Some(next) if next < u64::MAX => start = next,
            _ => {
                return Err(DeviceError::Backend {
                    code: -1,
                    name: "NonceSpaceExhausted".into(),
                    message: format!("no nonce below 2^64 - 1 meets {bits} bits"),
                })
            }
        }
    }
}
