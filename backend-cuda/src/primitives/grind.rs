//! Proof-of-work grinding.

use crate::{CudaCtx, CudaDevice};
use backend_api::{DeviceResult, Digest};

pub(crate) fn grind(
    _dev: &CudaDevice,
    _ctx: &CudaCtx,
    _seed: &Digest,
    _bits: u32,
) -> DeviceResult<u64> {
    Err(super::pending("grind"))
}
