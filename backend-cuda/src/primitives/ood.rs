//! Out-of-domain evaluation.

use crate::{CudaCtx, CudaDevice, CudaMatrix};
use backend_api::{DeviceElem, DeviceResult, Fp3};

pub(crate) fn evaluate<T: DeviceElem>(
    _dev: &CudaDevice,
    _ctx: &CudaCtx,
    _evals: &CudaMatrix<T>,
    _log_n: u32,
    _points: &[Fp3],
) -> DeviceResult<Vec<Vec<Fp3>>> {
    Err(super::pending("ood_evaluate"))
}
