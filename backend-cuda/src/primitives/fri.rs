//! FRI folding and the joining of codewords (kernels/fri.cu); the formulas
//! and point order are those of `ProverDevice::fri_fold` and
//! `ProverDevice::add_scaled`.

use crate::args::fp3_words;
use crate::launch::{kernel, Grid, KernelId};
use crate::{CudaBuffer, CudaCtx, CudaDevice, CudaMatrix};
use backend_api::{DeviceResult, Fp, Fp3, Matrix};

pub(crate) fn fold(
    dev: &CudaDevice,
    ctx: &CudaCtx,
    codeword: &CudaMatrix<Fp3>,
    log_n: u32,
    shift: Fp,
    beta: Fp3,
) -> DeviceResult<CudaMatrix<Fp3>> {
    let half = codeword.height() / 2;
    let log_half = log_n - 1;
    let k = kernel(dev, KernelId::FriFold);
    let grid = Grid::linear(half, 256, dev)?;
    let out = CudaBuffer::<Fp3>::uninit(ctx, half)?;
    let omega_inv = Fp::root_of_unity(log_n)
        .and_then(Fp::inverse)
        .ok_or_else(|| backend_api::DeviceError::invalid("codeword", "height above 2^32"))?;
    // table[b] = omega_N^-(2^b).
    let mut table = [0u64; 32];
    let mut p = omega_inv;
    for t in table.iter_mut() {
        *t = p.value();
        p = p.square();
    }
    let shift_inv = shift.inverse_or_zero().value();
    let (src, dst, half64, beta_w) = (
        codeword.buffer().as_raw(),
        out.as_raw(),
        half as u64,
        fp3_words(beta),
    );
    // SAFETY: matches fri_fold(const Fp3*, Fp3*, uint64_t, uint32_t,
    // uint64_t, PowerTable (32 u64), Fp3 (3 u64)); buffers outlive it.
    unsafe { crate::launch!(ctx, k, grid; src, dst, half64, log_half, shift_inv, table, beta_w) }?;
    Ok(Matrix::new(out, 1, half).expect("one column of half the height"))
}

/// `acc += scale * x`, element by element (shapes checked by the caller).
pub(crate) fn add_scaled(
    dev: &CudaDevice,
    ctx: &CudaCtx,
    acc: &mut CudaMatrix<Fp3>,
    x: &CudaMatrix<Fp3>,
    scale: Fp3,
) -> DeviceResult<()> {
    let len = acc.buffer().len();
    let k = kernel(dev, KernelId::AddScaled);
    let grid = Grid::linear(len, 256, dev)?;
    let (dst, src, len64, scale_w) = (
        acc.buffer_mut().as_raw(),
        x.buffer().as_raw(),
        len as u64,
        fp3_words(scale),
    );
    // SAFETY: matches add_scaled(Fp3*, const Fp3*, uint64_t, Fp3 (3 u64));
    // both buffers hold `len` elements (equal shapes) and outlive the launch.
    unsafe { crate::launch!(ctx, k, grid; dst, src, len64, scale_w) }?;
    Ok(())
}
