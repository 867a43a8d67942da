//! `impl Backend for CudaDevice`: the launchers of `primitives/`, called
//! with arguments `backend_api`'s `ProverDevice` layer has checked (and
//! whose results it checks).

use crate::primitives::{self, constraints, ntt};
use crate::{CudaBuffer, CudaCtx, CudaDevice, CudaMatrix, CudaMerkleTree};
use backend_api::expr::{CompositionDomain, ConstraintParams, ConstraintSystem};
use backend_api::{
    Backend, CallShape, Coset, DeepOpening, DeviceElem, DeviceResult, Digest, Fp, Fp3, HostMatrix,
    Interaction, LogUpChallenges, LogUpTrace, MerkleOpening, MerkleShape, NttDirection, Order,
    TraceColumns,
};

impl Backend for CudaDevice {
    type DeviceCtx = CudaCtx;
    type Buffer<T: DeviceElem> = CudaBuffer<T>;
    type MerkleTree = CudaMerkleTree;

    fn name(&self) -> String {
        format!("cuda:{} ({})", self.inner.ordinal, self.inner.props.name)
    }

    fn new_ctx(&self) -> DeviceResult<CudaCtx> {
        CudaCtx::new(self.inner.clone())
    }

    fn order_after(&self, ctx: &CudaCtx, earlier: &CudaCtx) -> DeviceResult<()> {
        ctx.order_after(earlier)
    }

    fn memory_available(&self) -> DeviceResult<Option<u64>> {
        Ok(Some(self.inner.allocatable()? as u64))
    }

    fn working_memory(&self, shape: CallShape<'_>) -> u64 {
        primitives::working::working_memory(shape)
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

    fn upload_lde<T: DeviceElem>(
        &self,
        ctx: &CudaCtx,
        evals: &HostMatrix<T>,
        input: Order,
        blowup: usize,
        shift: Fp,
        output: Order,
    ) -> DeviceResult<(CudaMatrix<T>, CudaMatrix<T>)> {
        ntt::upload_lde(self, ctx, evals, (input, blowup, shift, output))
    }

    fn upload_lde_commit<T: DeviceElem>(
        &self,
        ctx: &CudaCtx,
        evals: &HostMatrix<T>,
        input: Order,
        blowup: usize,
        shift: Fp,
        output: Order,
        shape: MerkleShape,
    ) -> DeviceResult<(CudaMatrix<T>, CudaMatrix<T>, CudaMerkleTree)> {
        let args = (input, blowup, shift, output);
        ntt::upload_lde_commit(self, ctx, evals, args, shape)
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
        shape: MerkleShape,
    ) -> DeviceResult<CudaMerkleTree> {
        primitives::merkle::commit(self, ctx, matrices, shape)
    }

    fn merkle_open<T: DeviceElem>(
        &self,
        ctx: &CudaCtx,
        tree: &CudaMerkleTree,
        matrices: &[&CudaMatrix<T>],
        leaf_indices: &[usize],
    ) -> DeviceResult<Vec<MerkleOpening<T>>> {
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
        let log_n = codeword.height().trailing_zeros();
        primitives::fri::fold(self, ctx, codeword, log_n, shift, beta)
    }

    fn add_scaled(
        &self,
        ctx: &CudaCtx,
        acc: &mut CudaMatrix<Fp3>,
        x: &CudaMatrix<Fp3>,
        scale: Fp3,
    ) -> DeviceResult<()> {
        primitives::fri::add_scaled(self, ctx, acc, x, scale)
    }

    fn logup_fingerprints(
        &self,
        ctx: &CudaCtx,
        trace: TraceColumns<'_, CudaBuffer<Fp>>,
        interactions: &[Interaction],
        challenges: &LogUpChallenges,
    ) -> DeviceResult<CudaMatrix<Fp3>> {
        primitives::logup::fingerprints(self, ctx, trace, interactions, challenges)
    }

    fn logup_aux_trace(
        &self,
        ctx: &CudaCtx,
        trace: TraceColumns<'_, CudaBuffer<Fp>>,
        interactions: &[Interaction],
        challenges: &LogUpChallenges,
    ) -> DeviceResult<LogUpTrace<CudaBuffer<Fp3>>> {
        primitives::logup::aux_trace(self, ctx, trace, interactions, challenges)
    }

    fn grind(&self, ctx: &CudaCtx, seed: &Digest, bits: u32) -> DeviceResult<u64> {
        primitives::grind::grind(self, ctx, seed, bits)
    }

    fn ood_evaluate<T: DeviceElem>(
        &self,
        ctx: &CudaCtx,
        evals: &CudaMatrix<T>,
        points: &[Fp3],
    ) -> DeviceResult<Vec<Vec<Fp3>>> {
        let log_n = evals.height().trailing_zeros();
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
