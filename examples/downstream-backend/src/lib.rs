//! `SimpleDevice`: every STARK primitive on one CPU thread, in plain Rust.
//!
//! This crate is what a backend author outside this repository writes: it
//! depends on `backend-api` only, implements [`Backend`] (each method gets
//! arguments the shared checks already validated; `ProverDevice`, which the
//! prover calls, comes for free), and runs `conformance::conformance_suite!`
//! in `tests/conformance.rs`, primitives and whole proofs. It uses the
//! specification helpers `backend-api` exports (the leaf and node hashes,
//! the proof-of-work predicate, LogUp fingerprints, the constraint DAG
//! evaluator) and writes its own algorithms: an iterative radix-2 NTT,
//! a Merkle tree in one flat array, Montgomery batch inversion, the
//! barycentric formula. It keeps [`Backend`]'s provided `coset_lde`,
//! `fri_commit_layer` and `add_scaled`.
//!
//! The module of each family says which contract it meets; the contracts
//! themselves are on `backend_api::ProverDevice`.

mod constraints;
mod fri;
mod inverse;
mod logup;
mod merkle;
mod ntt;
mod ood;

pub use merkle::FlatTree;

use backend_api::expr::{CompositionDomain, ConstraintParams, ConstraintSystem};
use backend_api::{
    pow_is_valid, Backend, BackendMatrix, Coset, DeepOpening, DeviceElem, DeviceError,
    DeviceResult, Digest, Fp, Fp3, Interaction, LogUpChallenges, LogUpTrace, MerkleOpening,
    MerkleShape, NttDirection, Order, TraceColumns,
};

/// A single-threaded CPU backend. Buffers are `Vec<T>`; the context is `()`.
#[derive(Clone, Copy, Debug, Default)]
pub struct SimpleDevice;

impl SimpleDevice {
    pub fn new() -> Self {
        SimpleDevice
    }
}

impl Backend for SimpleDevice {
    type DeviceCtx = ();
    type Buffer<T: DeviceElem> = Vec<T>;
    type MerkleTree = FlatTree;

    fn name(&self) -> String {
        "simple (single-threaded CPU, downstream example)".into()
    }

    fn new_ctx(&self) -> DeviceResult<()> {
        Ok(())
    }
    fn order_after(&self, _: &(), _: &()) -> DeviceResult<()> {
        // Every call finishes its work before returning.
        Ok(())
    }

    fn alloc_zeroed<T: DeviceElem>(&self, _: &(), len: usize) -> DeviceResult<Vec<T>> {
        let mut v = Vec::new();
        v.try_reserve_exact(len)
            .map_err(|_| DeviceError::OutOfMemory {
                requested: len.saturating_mul(T::BYTES),
                available: 0,
            })?;
        v.resize(len, T::ZERO);
        Ok(v)
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
        let plan = ntt::Plan::new(matrix.height());
        for c in 0..matrix.width() {
            plan.transform(matrix.column_mut(c), direction, shift, input, output);
        }
        Ok(())
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
        Ok(ntt::coeffs_to_coset(coeffs, input, blowup, shift, output))
    }

    fn merkle_commit<T: DeviceElem>(
        &self,
        _: &(),
        matrices: &[&BackendMatrix<Self, T>],
        shape: MerkleShape,
    ) -> DeviceResult<FlatTree> {
        Ok(FlatTree::build(matrices, shape))
    }

    fn merkle_open<T: DeviceElem>(
        &self,
        _: &(),
        tree: &FlatTree,
        matrices: &[&BackendMatrix<Self, T>],
        leaf_indices: &[usize],
    ) -> DeviceResult<Vec<MerkleOpening<T>>> {
        Ok(leaf_indices
            .iter()
            .map(|&leaf| tree.open(matrices, leaf))
            .collect())
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
        Ok(fri::fold(codeword.column(0), shift, beta))
    }

    fn logup_fingerprints(
        &self,
        _: &(),
        trace: TraceColumns<'_, Vec<Fp>>,
        interactions: &[Interaction],
        challenges: &LogUpChallenges,
    ) -> DeviceResult<BackendMatrix<Self, Fp3>> {
        Ok(logup::fingerprints(trace, interactions, challenges))
    }

    fn logup_aux_trace(
        &self,
        _: &(),
        trace: TraceColumns<'_, Vec<Fp>>,
        interactions: &[Interaction],
        challenges: &LogUpChallenges,
    ) -> DeviceResult<LogUpTrace<Vec<Fp3>>> {
        Ok(logup::aux_trace(trace, interactions, challenges))
    }

    /// The smallest valid nonce, by counting up from 0.
    fn grind(&self, _: &(), seed: &Digest, bits: u32) -> DeviceResult<u64> {
        (0..=u64::MAX)
            .find(|&nonce| pow_is_valid(seed, nonce, bits))
            .ok_or_else(|| DeviceError::Backend {
                code: -1,
                name: "NoNonce".into(),
                message: format!("no 64-bit nonce meets {bits} bits"),
            })
    }

    fn ood_evaluate<T: DeviceElem>(
        &self,
        _: &(),
        evals: &BackendMatrix<Self, T>,
        points: &[Fp3],
    ) -> DeviceResult<Vec<Vec<Fp3>>> {
        Ok(points.iter().map(|&z| ood::barycentric(evals, z)).collect())
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
        Ok(ood::deep_quotient(domain, points, gamma, base, ext))
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
        Ok(constraints::evaluate(
            system, trace, aux_lde, domain, params,
        ))
    }
}
