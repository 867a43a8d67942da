//! DEEP composition.

use crate::{CudaBuffer, CudaCtx, CudaDevice, CudaMatrix};
use backend_api::{Coset, DeepOpening, DeviceResult, Fp, Fp3};

pub(crate) fn compose(
    _dev: &CudaDevice,
    _ctx: &CudaCtx,
    _domain: Coset,
    _points: &[Fp3],
    _gamma: Fp3,
    _base: &[DeepOpening<'_, CudaBuffer<Fp>>],
    _ext: &[DeepOpening<'_, CudaBuffer<Fp3>>],
) -> DeviceResult<CudaMatrix<Fp3>> {
    Err(super::pending("deep_composition"))
}
