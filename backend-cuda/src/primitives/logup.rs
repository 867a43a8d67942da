//! LogUp fingerprints and auxiliary trace.

use crate::{CudaBuffer, CudaCtx, CudaDevice, CudaMatrix};
use backend_api::{DeviceResult, Fp, Fp3, Interaction, LogUpChallenges, LogUpTrace};

pub(crate) fn fingerprints(
    _dev: &CudaDevice,
    _ctx: &CudaCtx,
    _main: &CudaMatrix<Fp>,
    _interactions: &[Interaction],
    _challenges: &LogUpChallenges,
) -> DeviceResult<CudaMatrix<Fp3>> {
    Err(super::pending("logup_fingerprints"))
}

pub(crate) fn aux_trace(
    _dev: &CudaDevice,
    _ctx: &CudaCtx,
    _main: &CudaMatrix<Fp>,
    _interactions: &[Interaction],
    _challenges: &LogUpChallenges,
) -> DeviceResult<LogUpTrace<CudaBuffer<Fp3>>> {
    Err(super::pending("logup_aux_trace"))
}
