//! FRI folding.

use crate::{CudaCtx, CudaDevice, CudaMatrix};
use backend_api::{DeviceResult, Fp, Fp3};

pub(crate) fn fold(
    _dev: &CudaDevice,
    _ctx: &CudaCtx,
    _codeword: &CudaMatrix<Fp3>,
    _log_n: u32,
    _shift: Fp,
    _beta: Fp3,
) -> DeviceResult<CudaMatrix<Fp3>> {
    Err(super::pending("fri_fold"))
}
