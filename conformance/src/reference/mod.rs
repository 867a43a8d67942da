//! [`ReferenceDevice`]: the simplest possible implementation of every
//! primitive, written from the contracts in `backend_api::ProverDevice` and
//! nothing else. It is the truth the suite compares backends against, and a
//! worked example of a backend that lives outside the backend crates.
//!
//! Every algorithm is the naive one (O(n^2) DFT, one inverse at a time,
//! sequential hashing, linear nonce search), so keep sizes small: a few
//! hundred rows at most.

mod constraints;
mod deep;
mod fri;
mod grind;
mod inverse;
mod lde;
mod logup;
mod merkle;
mod ntt;
mod ood;

pub use merkle::ReferenceTree;

use backend_api::expr::{CompositionDomain, ConstraintParams, ConstraintSystem};
use backend_api::{
    Backend, BackendMatrix, Coset, DeepOpening, DeviceElem, DeviceResult, Digest, Fp, Fp3,
    Interaction, LogUpChallenges, LogUpTrace, MerkleOpening, MerkleShape, NttDirection, Order,
    TraceColumns,
};

/// The naive reference backend. Buffers are `Vec<T>`, the context is `()`.
#[derive(Clone, Copy, Debug, Default)]
pub struct ReferenceDevice;

impl ReferenceDevice {
    pub fn new() -> Self {
        ReferenceDevice
    }
}

impl Backend for ReferenceDevice {
    type DeviceCtx = ();
    type Buffer<T: DeviceElem> = Vec<T>;
    type MerkleTree = ReferenceTree;

    fn name(&self) -> String {
        "reference".into()
    }

    fn new_ctx(&self) -> DeviceResult<()> {
        Ok(())
    }
    fn order_after(&self, _: &(), _: &()) -> DeviceResult<()> {
        // Every call finishes its work before returning.
        Ok(())
    }

    fn alloc_zeroed<T: DeviceElem>(&self, _: &(), len: usize) -> DeviceResult<Vec<T>> {
        Ok(vec![T::ZERO; len])
    }

    fn upload<T: DeviceElem>(&self, _: &(), data: &[T]) -> DeviceResult<Vec<T>> {
        Ok(data.to_vec())
    }

    fn download<T: DeviceElem>(&self, _: &(), buf: &Vec<T>) -> DeviceResult<Vec<T>> {
        Ok(buf.clone())
    }

    fn ntt<T: DeviceElem>(
        &self,
        _: &(),
        matrix: &mut BackendMatrix<Self, T>,
        direction: NttDirection,
        shift: Fp,
        input: Order,
        output: Order,
    ) -> DeviceResult<()> {
        ntt::ntt(matrix, direction, shift, input, output)
    }

    fn coset_lde<T: DeviceElem>(
        &self,
        _: &(),
        evals: &BackendMatrix<Self, T>,
        input: Order,
        blowup: usize,
        shift: Fp,
        output: Order,
    ) -> DeviceResult<BackendMatrix<Self, T>> {
        lde::coset_lde(evals, input, blowup, shift, output)
    }

    fn coeffs_to_coset<T: DeviceElem>(
        &self,
        _: &(),
        coeffs: &BackendMatrix<Self, T>,
        input: Order,
        blowup: usize,
        shift: Fp,
        output: Order,
    ) -> DeviceResult<BackendMatrix<Self, T>> {
        lde::coeffs_to_coset(coeffs, input, blowup, shift, output)
    }

    fn merkle_commit<T: DeviceElem>(
        &self,
        _: &(),
        matrices: &[&BackendMatrix<Self, T>],
        shape: MerkleShape,
    ) -> DeviceResult<ReferenceTree> {
        merkle::commit(matrices, shape)
    }

    fn merkle_open<T: DeviceElem>(
        &self,
        _: &(),
        tree: &ReferenceTree,
        matrices: &[&BackendMatrix<Self, T>],
        leaf_indices: &[usize],
    ) -> DeviceResult<Vec<MerkleOpening<T>>> {
        merkle::open(tree, matrices, leaf_indices)
    }

    fn batch_inverse<T: DeviceElem>(&self, _: &(), values: &mut Vec<T>) -> DeviceResult<()> {
        inverse::batch_inverse(values);
        Ok(())
    }

    fn fri_fold(
        &self,
        _: &(),
        codeword: &BackendMatrix<Self, Fp3>,
        shift: Fp,
        beta: Fp3,
    ) -> DeviceResult<BackendMatrix<Self, Fp3>> {
        fri::fold(codeword, shift, beta)
    }

    fn logup_fingerprints(
        &self,
        _: &(),
        trace: TraceColumns<'_, Vec<Fp>>,
        interactions: &[Interaction],
        challenges: &LogUpChallenges,
    ) -> DeviceResult<BackendMatrix<Self, Fp3>> {
        logup::fingerprints(trace, interactions, challenges)
    }

    fn logup_aux_trace(
        &self,
        _: &(),
        trace: TraceColumns<'_, Vec<Fp>>,
        interactions: &[Interaction],
        challenges: &LogUpChallenges,
    ) -> DeviceResult<LogUpTrace<Vec<Fp3>>> {
        logup::aux_trace(trace, interactions, challenges)
    }

    fn grind(&self, _: &(), seed: &Digest, bits: u32) -> DeviceResult<u64> {
        grind::grind(seed, bits)
    }

    fn ood_evaluate<T: DeviceElem>(
        &self,
        _: &(),
        evals: &BackendMatrix<Self, T>,
        points: &[Fp3],
    ) -> DeviceResult<Vec<Vec<Fp3>>> {
        ood::evaluate(evals, points)
    }

    fn deep_composition(
        &self,
        _: &(),
        domain: Coset,
        points: &[Fp3],
        gamma: Fp3,
        base: &[DeepOpening<'_, Vec<Fp>>],
        ext: &[DeepOpening<'_, Vec<Fp3>>],
    ) -> DeviceResult<BackendMatrix<Self, Fp3>> {
        deep::compose(domain, points, gamma, base, ext)
    }

    fn evaluate_constraints(
        &self,
        _: &(),
        system: &ConstraintSystem,
        trace: TraceColumns<'_, Vec<Fp>>,
        aux_lde: Option<&BackendMatrix<Self, Fp3>>,
        domain: &CompositionDomain,
        params: &ConstraintParams<'_>,
    ) -> DeviceResult<BackendMatrix<Self, Fp3>> {
        constraints::evaluate(system, trace, aux_lde, domain, params)
    }
}
