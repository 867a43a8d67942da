//! `impl<B: Backend> ProverDevice for B`: each method runs the shared
//! argument checks of [`crate::check`], calls the backend, then checks the
//! shape of what it returned. This is the only implementation of
//! [`ProverDevice`] ([`Sealed`] keeps it so).

use crate::backend::Backend;
use crate::check;
use crate::deep::DeepOpening;
use crate::device::{
    DeviceMatrix, LogUpTrace, MerkleShape, MerkleTree, ProverDevice, TraceColumns,
};
use crate::domain::{Coset, NttDirection, Order};
use crate::error::{DeviceError, DeviceResult};
use crate::expr::{CompositionDomain, ConstraintParams, ConstraintSystem};
use crate::field::{DeviceElem, Fp, Fp3};
use crate::hash::{Digest, MerkleOpening};
use crate::logup::{logup_aux_width, Interaction, LogUpChallenges};
use crate::matrix::{Buffer, HostMatrix, Matrix};
use crate::memory::CallShape;

/// Keeps [`ProverDevice`] implemented by the blanket impl alone.
pub trait Sealed {}

impl<B: Backend> Sealed for B {}

/// Pairs a buffer with a shape the backend's result must have.
fn shaped<B: Buffer>(
    primitive: &'static str,
    buf: B,
    width: usize,
    height: usize,
) -> DeviceResult<Matrix<B>> {
    let len = buf.len();
    Matrix::new(buf, width, height).ok_or_else(|| {
        DeviceError::bad_output(
            primitive,
            format!("{len} elements for a {width} x {height} matrix"),
        )
    })
}

impl<B: Backend> ProverDevice for B {
    type DeviceCtx = B::DeviceCtx;
    type Buffer<T: DeviceElem> = B::Buffer<T>;
    type MerkleTree = B::MerkleTree;

    fn name(&self) -> String {
        Backend::name(self)
    }

    fn new_ctx(&self) -> DeviceResult<B::DeviceCtx> {
        Backend::new_ctx(self)
    }

    fn memory_available(&self) -> DeviceResult<Option<u64>> {
        Backend::memory_available(self)
    }

    fn working_memory(&self, shape: CallShape<'_>) -> u64 {
        Backend::working_memory(self, shape)
    }

    fn alloc_zeroed<T: DeviceElem>(
        &self,
        ctx: &B::DeviceCtx,
        len: usize,
    ) -> DeviceResult<B::Buffer<T>> {
        let buf = Backend::alloc_zeroed(self, ctx, len)?;
        check::output_count("alloc_zeroed", "elements", buf.len(), len)?;
        Ok(buf)
    }

    fn upload<T: DeviceElem>(&self, ctx: &B::DeviceCtx, data: &[T]) -> DeviceResult<B::Buffer<T>> {
        let buf = Backend::upload(self, ctx, data)?;
        check::output_count("upload", "elements", buf.len(), data.len())?;
        Ok(buf)
    }

    fn download<T: DeviceElem>(
        &self,
        ctx: &B::DeviceCtx,
        buf: &B::Buffer<T>,
    ) -> DeviceResult<Vec<T>> {
        let data = Backend::download(self, ctx, buf)?;
        check::output_count("download", "elements", data.len(), buf.len())?;
        Ok(data)
    }

    fn upload_matrix<T: DeviceElem>(
        &self,
        ctx: &B::DeviceCtx,
        m: &HostMatrix<T>,
    ) -> DeviceResult<DeviceMatrix<Self, T>> {
        let buf = Backend::upload_matrix(self, ctx, m)?;
        shaped("upload_matrix", buf, m.width(), m.height())
    }

    fn download_matrix<T: DeviceElem>(
        &self,
        ctx: &B::DeviceCtx,
        m: &DeviceMatrix<Self, T>,
    ) -> DeviceResult<HostMatrix<T>> {
        let data = ProverDevice::download(self, ctx, m.buffer())?;
        shaped("download", data, m.width(), m.height())
    }

    fn ntt<T: DeviceElem>(
        &self,
        ctx: &B::DeviceCtx,
        matrix: &mut DeviceMatrix<Self, T>,
        direction: NttDirection,
        shift: Fp,
        input: Order,
        output: Order,
    ) -> DeviceResult<()> {
        check::ntt(matrix, shift)?;
        let (w, h) = (matrix.width(), matrix.height());
        Backend::ntt(self, ctx, matrix, direction, shift, input, output)?;
        check::output_matrix("ntt", matrix, w, h)
    }

    fn coset_lde<T: DeviceElem>(
        &self,
        ctx: &B::DeviceCtx,
        evals: &DeviceMatrix<Self, T>,
        input: Order,
        blowup: usize,
        shift: Fp,
        output: Order,
    ) -> DeviceResult<DeviceMatrix<Self, T>> {
        check::lde(evals, blowup, shift)?;
        let out = Backend::coset_lde(self, ctx, evals, input, blowup, shift, output)?;
        check::output_matrix("coset_lde", &out, evals.width(), evals.height() * blowup)?;
        Ok(out)
    }

    fn upload_lde<T: DeviceElem>(
        &self,
        ctx: &B::DeviceCtx,
        evals: &HostMatrix<T>,
        input: Order,
        blowup: usize,
        shift: Fp,
        output: Order,
    ) -> DeviceResult<(DeviceMatrix<Self, T>, DeviceMatrix<Self, T>)> {
        check::lde(evals, blowup, shift)?;
        let (m, lde) = Backend::upload_lde(self, ctx, evals, input, blowup, shift, output)?;
        let (w, h) = (evals.width(), evals.height());
        check::output_matrix("upload_lde", &m, w, h)?;
        check::output_matrix("upload_lde", &lde, w, h * blowup)?;
        Ok((m, lde))
    }

    fn upload_lde_commit<T: DeviceElem>(
        &self,
        ctx: &B::DeviceCtx,
        evals: &HostMatrix<T>,
        input: Order,
        blowup: usize,
        shift: Fp,
        output: Order,
    ) -> DeviceResult<(DeviceMatrix<Self, T>, DeviceMatrix<Self, T>, B::MerkleTree)> {
        check::lde(evals, blowup, shift)?;
        let (w, h) = (evals.width(), evals.height());
        let shape = MerkleShape::of_tables(T::KIND, &[(w, h * blowup)]);
        let (m, lde, tree) = Backend::upload_lde_commit(
            self,
            ctx,
            evals,
            input,
            blowup,
            shift,
            output,
            shape.clone(),
        )?;
        check::output_matrix("upload_lde_commit", &m, w, h)?;
        check::output_matrix("upload_lde_commit", &lde, w, h * blowup)?;
        check::output_tree("upload_lde_commit", tree.shape(), &shape)?;
        Ok((m, lde, tree))
    }

    fn coeffs_to_coset<T: DeviceElem>(
        &self,
        ctx: &B::DeviceCtx,
        coeffs: &DeviceMatrix<Self, T>,
        input: Order,
        blowup: usize,
        shift: Fp,
        output: Order,
    ) -> DeviceResult<DeviceMatrix<Self, T>> {
        check::lde(coeffs, blowup, shift)?;
        let out = Backend::coeffs_to_coset(self, ctx, coeffs, input, blowup, shift, output)?;
        let (w, h) = (coeffs.width(), coeffs.height() * blowup);
        check::output_matrix("coeffs_to_coset", &out, w, h)?;
        Ok(out)
    }

    fn order_after(&self, ctx: &B::DeviceCtx, earlier: &B::DeviceCtx) -> DeviceResult<()> {
        Backend::order_after(self, ctx, earlier)
    }

    fn merkle_commit<T: DeviceElem>(
        &self,
        ctx: &B::DeviceCtx,
        matrices: &[&DeviceMatrix<Self, T>],
        rows_per_leaf: usize,
    ) -> DeviceResult<B::MerkleTree> {
        let shape = check::merkle_commit::<T, _>(matrices, rows_per_leaf)?;
        let tree = Backend::merkle_commit(self, ctx, matrices, shape.clone())?;
        check::output_tree("merkle_commit", tree.shape(), &shape)?;
        Ok(tree)
    }

    fn merkle_commit_tables<T: DeviceElem>(
        &self,
        ctx: &B::DeviceCtx,
        matrices: &[&DeviceMatrix<Self, T>],
    ) -> DeviceResult<B::MerkleTree> {
        let shape = check::merkle_commit_tables::<T, _>(matrices)?;
        let tree = Backend::merkle_commit(self, ctx, matrices, shape.clone())?;
        check::output_tree("merkle_commit_tables", tree.shape(), &shape)?;
        Ok(tree)
    }

    fn merkle_open<T: DeviceElem>(
        &self,
        ctx: &B::DeviceCtx,
        tree: &B::MerkleTree,
        matrices: &[&DeviceMatrix<Self, T>],
        leaf_indices: &[usize],
    ) -> DeviceResult<Vec<MerkleOpening<T>>> {
        check::merkle_open::<T, _>(tree.shape(), matrices, leaf_indices)?;
        let openings = Backend::merkle_open(self, ctx, tree, matrices, leaf_indices)?;
        check::output_openings(&openings, tree.shape(), leaf_indices)?;
        Ok(openings)
    }

    fn batch_inverse<T: DeviceElem>(
        &self,
        ctx: &B::DeviceCtx,
        values: &mut B::Buffer<T>,
    ) -> DeviceResult<()> {
        let len = values.len();
        Backend::batch_inverse(self, ctx, values)?;
        check::output_count("batch_inverse", "elements", values.len(), len)
    }

    fn fri_fold(
        &self,
        ctx: &B::DeviceCtx,
        codeword: &DeviceMatrix<Self, Fp3>,
        shift: Fp,
        beta: Fp3,
    ) -> DeviceResult<DeviceMatrix<Self, Fp3>> {
        check::fri_fold(codeword, shift)?;
        let out = Backend::fri_fold(self, ctx, codeword, shift, beta)?;
        check::output_matrix("fri_fold", &out, 1, codeword.height() / 2)?;
        Ok(out)
    }

    fn add_scaled(
        &self,
        ctx: &B::DeviceCtx,
        acc: &mut DeviceMatrix<Self, Fp3>,
        x: &DeviceMatrix<Self, Fp3>,
        scale: Fp3,
    ) -> DeviceResult<()> {
        check::add_scaled(acc, x)?;
        let len = acc.buffer().len();
        Backend::add_scaled(self, ctx, acc, x, scale)?;
        check::output_count("add_scaled", "elements", acc.buffer().len(), len)
    }

    fn fri_commit_layer(
        &self,
        ctx: &B::DeviceCtx,
        codeword: &DeviceMatrix<Self, Fp3>,
        log_arity: u32,
    ) -> DeviceResult<B::MerkleTree> {
        let shape = check::fri_commit_layer(codeword, log_arity)?;
        let tree = Backend::fri_commit_layer(self, ctx, codeword, shape.clone())?;
        check::output_tree("fri_commit_layer", tree.shape(), &shape)?;
        Ok(tree)
    }

    fn logup_fingerprints(
        &self,
        ctx: &B::DeviceCtx,
        trace: TraceColumns<'_, B::Buffer<Fp>>,
        interactions: &[Interaction],
        challenges: &LogUpChallenges,
    ) -> DeviceResult<DeviceMatrix<Self, Fp3>> {
        check::logup(trace, interactions)?;
        let out = Backend::logup_fingerprints(self, ctx, trace, interactions, challenges)?;
        let (w, h) = (interactions.len(), trace.main.height());
        check::output_matrix("logup_fingerprints", &out, w, h)?;
        Ok(out)
    }

    fn logup_aux_trace(
        &self,
        ctx: &B::DeviceCtx,
        trace: TraceColumns<'_, B::Buffer<Fp>>,
        interactions: &[Interaction],
        challenges: &LogUpChallenges,
    ) -> DeviceResult<LogUpTrace<B::Buffer<Fp3>>> {
        check::logup(trace, interactions)?;
        let out = Backend::logup_aux_trace(self, ctx, trace, interactions, challenges)?;
        let (w, h) = (logup_aux_width(interactions.len()), trace.main.height());
        check::output_matrix("logup_aux_trace", &out.aux, w, h)?;
        Ok(out)
    }

    fn grind(&self, ctx: &B::DeviceCtx, seed: &Digest, bits: u32) -> DeviceResult<u64> {
        check::grind_bits(bits)?;
        let nonce = Backend::grind(self, ctx, seed, bits)?;
        check::output_nonce(seed, nonce, bits)?;
        Ok(nonce)
    }

    fn ood_evaluate<T: DeviceElem>(
        &self,
        ctx: &B::DeviceCtx,
        evals: &DeviceMatrix<Self, T>,
        points: &[Fp3],
    ) -> DeviceResult<Vec<Vec<Fp3>>> {
        check::ood(evals, points)?;
        let values = Backend::ood_evaluate(self, ctx, evals, points)?;
        check::output_count("ood_evaluate", "points", values.len(), points.len())?;
        for v in &values {
            check::output_count("ood_evaluate", "values at a point", v.len(), evals.width())?;
        }
        Ok(values)
    }

    fn deep_composition(
        &self,
        ctx: &B::DeviceCtx,
        domain: Coset,
        points: &[Fp3],
        gamma: Fp3,
        base: &[DeepOpening<'_, B::Buffer<Fp>>],
        ext: &[DeepOpening<'_, B::Buffer<Fp3>>],
    ) -> DeviceResult<DeviceMatrix<Self, Fp3>> {
        check::deep(&domain, points, base, ext)?;
        let out = Backend::deep_composition(self, ctx, domain, points, gamma, base, ext)?;
        check::output_matrix("deep_composition", &out, 1, domain.size())?;
        Ok(out)
    }

    fn evaluate_constraints(
        &self,
        ctx: &B::DeviceCtx,
        system: &ConstraintSystem,
        trace: TraceColumns<'_, B::Buffer<Fp>>,
        aux_lde: Option<&DeviceMatrix<Self, Fp3>>,
        domain: &CompositionDomain,
        params: &ConstraintParams<'_>,
    ) -> DeviceResult<DeviceMatrix<Self, Fp3>> {
        check::evaluation(system, trace, aux_lde, domain, params)?;
        let out = Backend::evaluate_constraints(self, ctx, system, trace, aux_lde, domain, params)?;
        check::output_matrix("evaluate_constraints", &out, 1, 1usize << domain.log_eval)?;
        Ok(out)
    }
}
