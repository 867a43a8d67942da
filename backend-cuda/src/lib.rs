//! `CudaDevice`: the [`ProverDevice`] primitives on NVIDIA GPUs, through the
//! CUDA driver API (`cust` and its raw bindings).
//!
//! * [`CudaDevice`] owns the device's primary context and the kernel modules
//!   compiled from `kernels/*.cu` (embedded fatbins, see `build.rs`).
//! * [`CudaCtx`] is the `DeviceCtx`: a non-blocking stream plus pinned staging
//!   buffers. Every launch, copy and allocation of a call runs on it; the host
//!   waits only where it needs a value (downloads, roots, openings, nonces).
//! * [`CudaBuffer`] is owning, stream-ordered device memory; allocations are
//!   accounted and checked against the device's free memory, and a request
//!   that does not fit returns `DeviceError::OutOfMemory`.
//! * [`launch`] is the kernel-launch helper every launcher module uses.

mod constraints;
mod ctx;
mod device;
mod error;
pub mod launch;
mod memory;
pub mod ntt;
mod primitives;
mod timer;
mod transfer;

pub use ctx::CudaCtx;
pub use device::{CudaDevice, DeviceProperties};
pub use memory::{CudaBuffer, DeviceAlloc, PinnedHost};
pub use primitives::merkle::CudaMerkleTree;
pub use timer::EventTimer;
pub use transfer::{CHUNK_BYTES as STAGING_CHUNK_BYTES, SLOTS as STAGING_SLOTS};

use backend_api::expr::{CompositionDomain, ConstraintParams, ConstraintSystem};
use backend_api::{
    check, Coset, DeepOpening, DeviceElem, DeviceResult, Digest, Fp, Fp3, HostMatrix, Interaction,
    LogUpChallenges, LogUpTrace, Matrix, MerkleOpening, NttDirection, Order, ProverDevice,
    TraceColumns,
};

/// A matrix in device memory.
pub type CudaMatrix<T> = Matrix<CudaBuffer<T>>;

impl ProverDevice for CudaDevice {
    type DeviceCtx = CudaCtx;
    type Buffer<T: DeviceElem> = CudaBuffer<T>;
    type MerkleTree = CudaMerkleTree;

    fn name(&self) -> String {
        format!("cuda:{} ({})", self.inner.ordinal, self.inner.props.name)
    }

    fn new_ctx(&self) -> DeviceResult<CudaCtx> {
        CudaCtx::new(self.inner.clone())
    }

    fn alloc_zeroed<T: DeviceElem>(
        &self,
        ctx: &CudaCtx,
        len: usize,
    ) -> DeviceResult<CudaBuffer<T>> {
        CudaBuffer::zeroed(ctx, len)
    }

    fn upload<T: DeviceElem>(&self, ctx: &CudaCtx, data: &[T]) -> DeviceResult<CudaBuffer<T>> {
        CudaBuffer::from_host(ctx, data)
    }

    fn download<T: DeviceElem>(&self, ctx: &CudaCtx, buf: &CudaBuffer<T>) -> DeviceResult<Vec<T>> {
        buf.to_host(ctx)
    }

    fn upload_matrix<T: DeviceElem>(
        &self,
        ctx: &CudaCtx,
        m: &HostMatrix<T>,
    ) -> DeviceResult<CudaMatrix<T>> {
        let buf = self.upload(ctx, m.buffer())?;
        Matrix::new(buf, m.width(), m.height()).ok_or_else(|| shape_lost("upload_matrix"))
    }

    fn ntt<T: DeviceElem>(
        &self,
        ctx: &CudaCtx,
        matrix: &mut CudaMatrix<T>,
        direction: NttDirection,
        shift: Fp,
        input: Order,
        output: Order,
    ) -> DeviceResult<()> {
        ntt::ntt(self, ctx, matrix, direction, shift, input, output)
    }

    fn coset_lde<T: DeviceElem>(
        &self,
        ctx: &CudaCtx,
        evals: &CudaMatrix<T>,
        input: Order,
        blowup: usize,
        shift: Fp,
        output: Order,
    ) -> DeviceResult<CudaMatrix<T>> {
        ntt::coset_lde(self, ctx, evals, input, blowup, shift, output)
    }

    fn coeffs_to_coset<T: DeviceElem>(
        &self,
        ctx: &CudaCtx,
        coeffs: &CudaMatrix<T>,
        input: Order,
        blowup: usize,
        shift: Fp,
        output: Order,
    ) -> DeviceResult<CudaMatrix<T>> {
        ntt::coeffs_to_coset(self, ctx, coeffs, input, blowup, shift, output)
    }

    fn merkle_commit<T: DeviceElem>(
        &self,
        ctx: &CudaCtx,
        matrices: &[&CudaMatrix<T>],
        rows_per_leaf: usize,
    ) -> DeviceResult<CudaMerkleTree> {
        let shape = check::merkle_commit::<T, _>(matrices, rows_per_leaf)?;
        primitives::merkle::commit(self, ctx, matrices, shape)
    }

    fn merkle_open<T: DeviceElem>(
        &self,
        ctx: &CudaCtx,
        tree: &CudaMerkleTree,
        matrices: &[&CudaMatrix<T>],
        leaf_indices: &[usize],
    ) -> DeviceResult<Vec<MerkleOpening<T>>> {
        check::merkle_open::<T, _>(&tree.shape, matrices, leaf_indices)?;
        primitives::merkle::open(self, ctx, tree, matrices, leaf_indices)
    }

    fn batch_inverse<T: DeviceElem>(
        &self,
        ctx: &CudaCtx,
        values: &mut CudaBuffer<T>,
    ) -> DeviceResult<()> {
        primitives::inverse::batch_inverse(self, ctx, values)
    }

    fn fri_fold(
        &self,
        ctx: &CudaCtx,
        codeword: &CudaMatrix<Fp3>,
        shift: Fp,
        beta: Fp3,
    ) -> DeviceResult<CudaMatrix<Fp3>> {
        let log_n = check::fri_fold(codeword, shift)?;
        primitives::fri::fold(self, ctx, codeword, log_n, shift, beta)
    }

    fn logup_fingerprints(
        &self,
        ctx: &CudaCtx,
        trace: TraceColumns<'_, CudaBuffer<Fp>>,
        interactions: &[Interaction],
        challenges: &LogUpChallenges,
    ) -> DeviceResult<CudaMatrix<Fp3>> {
        check::logup(trace, interactions)?;
        primitives::logup::fingerprints(self, ctx, trace, interactions, challenges)
    }

    fn logup_aux_trace(
        &self,
        ctx: &CudaCtx,
        trace: TraceColumns<'_, CudaBuffer<Fp>>,
        interactions: &[Interaction],
        challenges: &LogUpChallenges,
    ) -> DeviceResult<LogUpTrace<CudaBuffer<Fp3>>> {
        check::logup(trace, interactions)?;
        primitives::logup::aux_trace(self, ctx, trace, interactions, challenges)
    }

    fn grind(&self, ctx: &CudaCtx, seed: &Digest, bits: u32) -> DeviceResult<u64> {
        check::grind_bits(bits)?;
        primitives::grind::grind(self, ctx, seed, bits)
    }

    fn ood_evaluate<T: DeviceElem>(
        &self,
        ctx: &CudaCtx,
        evals: &CudaMatrix<T>,
        points: &[Fp3],
    ) -> DeviceResult<Vec<Vec<Fp3>>> {
        let log_n = check::ood(evals, points)?;
        primitives::ood::evaluate(self, ctx, evals, log_n, points)
    }

    fn deep_composition(
        &self,
        ctx: &CudaCtx,
        domain: Coset,
        points: &[Fp3],
        gamma: Fp3,
        base: &[DeepOpening<'_, CudaBuffer<Fp>>],
        ext: &[DeepOpening<'_, CudaBuffer<Fp3>>],
    ) -> DeviceResult<CudaMatrix<Fp3>> {
        check::deep(&domain, points, base, ext)?;
        primitives::deep::compose(self, ctx, domain, points, gamma, base, ext)
    }

    fn evaluate_constraints(
        &self,
        ctx: &CudaCtx,
        system: &ConstraintSystem,
        trace: TraceColumns<'_, CudaBuffer<Fp>>,
        aux_lde: Option<&CudaMatrix<Fp3>>,
        domain: &CompositionDomain,
        params: &ConstraintParams<'_>,
    ) -> DeviceResult<CudaMatrix<Fp3>> {
        constraints::evaluate(self, ctx, system, trace, aux_lde, domain, params)
    }
}

fn shape_lost(primitive: &'static str) -> backend_api::DeviceError {
    backend_api::DeviceError::Backend {
        code: -1,
        name: "ShapeMismatch".into(),
        message: format!("{primitive}: buffer length does not match the matrix shape"),
    }
}
