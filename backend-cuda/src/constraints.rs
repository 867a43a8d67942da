//! Primitive 9, constraint evaluation: not implemented on CUDA yet. The
//! arguments are checked like on every backend, then the call reports
//! `DeviceError::Unsupported` (no silent fallback to the host).

use crate::{CudaBuffer, CudaMatrix};
use backend_api::expr::{check_evaluation, CompositionDomain, ConstraintSystem};
use backend_api::{DeviceError, DeviceResult, Fp, Fp3, Matrix};

pub fn evaluate(
    system: &ConstraintSystem,
    main: &Matrix<CudaBuffer<Fp>>,
    aux: Option<&Matrix<CudaBuffer<Fp3>>>,
    domain: &CompositionDomain,
    challenges: &[Fp3],
    public: &[Fp],
) -> DeviceResult<CudaMatrix<Fp3>> {
    check_evaluation(system, main, aux, domain, challenges, public)?;
    Err(DeviceError::Unsupported {
        primitive: "evaluate_constraints",
        reason: "the CUDA constraint-evaluation kernel is not written yet".into(),
    })
}
