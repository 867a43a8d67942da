//! NTT and coset LDE on the GPU (owned by the NTT work; placeholders until it lands).

use crate::{CudaCtx, CudaDevice, CudaMatrix};
use backend_api::{DeviceElem, DeviceError, DeviceResult, Fp, NttDirection, Order};

fn unsupported(primitive: &'static str) -> DeviceError {
    DeviceError::Unsupported {
        primitive,
        reason: "the CUDA NTT kernels are not implemented yet".into(),
    }
}

/// Batched in-place NTT; see `ProverDevice::ntt`.
pub fn ntt<T: DeviceElem>(
    _dev: &CudaDevice,
    _ctx: &CudaCtx,
    _matrix: &mut CudaMatrix<T>,
    _direction: NttDirection,
    _shift: Fp,
    _input: Order,
    _output: Order,
) -> DeviceResult<()> {
    Err(unsupported("ntt"))
}

/// Coset LDE from evaluations; see `ProverDevice::coset_lde`.
pub fn coset_lde<T: DeviceElem>(
    _dev: &CudaDevice,
    _ctx: &CudaCtx,
    _evals: &CudaMatrix<T>,
    _input: Order,
    _blowup: usize,
    _shift: Fp,
    _output: Order,
) -> DeviceResult<CudaMatrix<T>> {
    Err(unsupported("coset_lde"))
}

/// Coset evaluations from coefficients; see `ProverDevice::coeffs_to_coset`.
pub fn coeffs_to_coset<T: DeviceElem>(
    _dev: &CudaDevice,
    _ctx: &CudaCtx,
    _coeffs: &CudaMatrix<T>,
    _input: Order,
    _blowup: usize,
    _shift: Fp,
    _output: Order,
) -> DeviceResult<CudaMatrix<T>> {
    Err(unsupported("coeffs_to_coset"))
}
