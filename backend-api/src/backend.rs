//! [`Backend`]: what a device crate implements. Every method receives
//! arguments that already passed the shared checks of [`crate::check`];
//! [`ProverDevice`](crate::ProverDevice), which the prover calls, is
//! implemented for every backend by running those checks first, and checks
//! the shapes of what the backend returns. So a backend can neither forget
//! a check nor hand the prover a result of the wrong shape.
//!
//! The contract of each method (formula, orders, layout) is documented on
//! the [`ProverDevice`](crate::ProverDevice) method of the same name.

use crate::deep::DeepOpening;
use crate::device::{LogUpTrace, MerkleShape, MerkleTree, TraceColumns};
use crate::domain::{Coset, NttDirection, Order};
use crate::error::DeviceResult;
use crate::expr::{CompositionDomain, ConstraintParams, ConstraintSystem};
use crate::field::{DeviceElem, Fp, Fp3};
use crate::hash::{Digest, MerkleOpening};
use crate::logup::{Interaction, LogUpChallenges};
use crate::matrix::{Buffer, HostMatrix, Matrix};
use crate::memory::CallShape;

/// A matrix in a backend's storage.
pub type BackendMatrix<B, T> = Matrix<<B as Backend>::Buffer<T>>;

/// The primitives of a STARK prover on one kind of hardware, called with
/// validated arguments.
///
/// REQUIRED: the associated types, [`name`](Backend::name),
/// [`new_ctx`](Backend::new_ctx), memory ([`alloc_zeroed`](Backend::alloc_zeroed),
/// [`upload`](Backend::upload), [`download`](Backend::download)) and the
/// primitives [`ntt`](Backend::ntt), [`coeffs_to_coset`](Backend::coeffs_to_coset),
/// [`merkle_commit`](Backend::merkle_commit), [`merkle_open`](Backend::merkle_open),
/// [`batch_inverse`](Backend::batch_inverse), [`fri_fold`](Backend::fri_fold),
/// [`logup_fingerprints`](Backend::logup_fingerprints),
/// [`logup_aux_trace`](Backend::logup_aux_trace), [`grind`](Backend::grind),
/// [`ood_evaluate`](Backend::ood_evaluate),
/// [`deep_composition`](Backend::deep_composition),
/// [`evaluate_constraints`](Backend::evaluate_constraints).
///
/// PROVIDED (override for speed, or to account memory):
/// [`memory_available`](Backend::memory_available) and
/// [`working_memory`](Backend::working_memory) (none known),
/// [`upload_matrix`](Backend::upload_matrix),
/// [`download_matrix`](Backend::download_matrix),
/// [`coset_lde`](Backend::coset_lde) (interpolate, then
/// [`coeffs_to_coset`](Backend::coeffs_to_coset)),
/// [`upload_lde`](Backend::upload_lde) (upload, then extend),
/// [`upload_lde_commit`](Backend::upload_lde_commit) (upload and extend,
/// then commit),
/// [`fri_commit_layer`](Backend::fri_commit_layer) (a Merkle tree of
/// `arity` values per leaf), [`add_scaled`](Backend::add_scaled) (through
/// the host).
///
/// Each method's "Called with" line says which check its arguments passed;
/// its contract is the [`ProverDevice`](crate::ProverDevice) method's.
pub trait Backend: Send + Sync + Sized {
    /// What a call needs to run: `()` on the CPU, a stream on a GPU.
    type DeviceCtx: Clone + Send + Sync;
    /// A buffer of `T`s owned by the device.
    type Buffer<T: DeviceElem>: Buffer;
    /// A committed Merkle tree.
    type MerkleTree: MerkleTree;

    // ============================================================= REQUIRED

    /// A short human-readable name ("cpu", "cuda:0 (NVIDIA H100)", ...).
    fn name(&self) -> String;

    /// A new context. Contexts are independent queues of work.
    fn new_ctx(&self) -> DeviceResult<Self::DeviceCtx>;

    /// Work queued on `ctx` from now on runs after the work queued on
    /// `earlier` so far
    /// ([`ProverDevice::order_after`](crate::ProverDevice::order_after)). A
    /// backend whose calls finish their work before returning has nothing
    /// to do.
    fn order_after(&self, ctx: &Self::DeviceCtx, earlier: &Self::DeviceCtx) -> DeviceResult<()>;

    /// A buffer of `len` zeros.
    fn alloc_zeroed<T: DeviceElem>(
        &self,
        ctx: &Self::DeviceCtx,
        len: usize,
    ) -> DeviceResult<Self::Buffer<T>>;

    /// Copies host data to a new device buffer.
    fn upload<T: DeviceElem>(
        &self,
        ctx: &Self::DeviceCtx,
        data: &[T],
    ) -> DeviceResult<Self::Buffer<T>>;

    /// Copies a whole buffer back to the host.
    fn download<T: DeviceElem>(
        &self,
        ctx: &Self::DeviceCtx,
        buf: &Self::Buffer<T>,
    ) -> DeviceResult<Vec<T>>;

    /// Called with arguments that passed [`check::ntt`](crate::check::ntt).
    fn ntt<T: DeviceElem>(
        &self,
        ctx: &Self::DeviceCtx,
        matrix: &mut BackendMatrix<Self, T>,
        direction: NttDirection,
        shift: Fp,
        input: Order,
        output: Order,
    ) -> DeviceResult<()>;

    /// Called with arguments that passed [`check::lde`](crate::check::lde).
    fn coeffs_to_coset<T: DeviceElem>(
        &self,
        ctx: &Self::DeviceCtx,
        coeffs: &BackendMatrix<Self, T>,
        input: Order,
        blowup: usize,
        shift: Fp,
        output: Order,
    ) -> DeviceResult<BackendMatrix<Self, T>>;

    /// Called with the shape [`check::merkle_commit`](crate::check::merkle_commit)
    /// or [`check::merkle_commit_tables`](crate::check::merkle_commit_tables)
    /// derived from `matrices`; the tree must report it. A shape with
    /// `table_heights` asks for the tables tree of
    /// [`ProverDevice::merkle_commit_tables`](crate::ProverDevice::merkle_commit_tables).
    fn merkle_commit<T: DeviceElem>(
        &self,
        ctx: &Self::DeviceCtx,
        matrices: &[&BackendMatrix<Self, T>],
        shape: MerkleShape,
    ) -> DeviceResult<Self::MerkleTree>;

    /// Called with arguments that passed
    /// [`check::merkle_open`](crate::check::merkle_open).
    fn merkle_open<T: DeviceElem>(
        &self,
        ctx: &Self::DeviceCtx,
        tree: &Self::MerkleTree,
        matrices: &[&BackendMatrix<Self, T>],
        leaf_indices: &[usize],
    ) -> DeviceResult<Vec<MerkleOpening<T>>>;

    /// Any buffer (nothing to check).
    fn batch_inverse<T: DeviceElem>(
        &self,
        ctx: &Self::DeviceCtx,
        values: &mut Self::Buffer<T>,
    ) -> DeviceResult<()>;

    /// Called with arguments that passed [`check::fri_fold`](crate::check::fri_fold).
    fn fri_fold(
        &self,
        ctx: &Self::DeviceCtx,
        codeword: &BackendMatrix<Self, Fp3>,
        shift: Fp,
        beta: Fp3,
    ) -> DeviceResult<BackendMatrix<Self, Fp3>>;

    /// Called with arguments that passed [`check::logup`](crate::check::logup).
    fn logup_fingerprints(
        &self,
        ctx: &Self::DeviceCtx,
        trace: TraceColumns<'_, Self::Buffer<Fp>>,
        interactions: &[Interaction],
        challenges: &LogUpChallenges,
    ) -> DeviceResult<BackendMatrix<Self, Fp3>>;

    /// Called with arguments that passed [`check::logup`](crate::check::logup).
    fn logup_aux_trace(
        &self,
        ctx: &Self::DeviceCtx,
        trace: TraceColumns<'_, Self::Buffer<Fp>>,
        interactions: &[Interaction],
        challenges: &LogUpChallenges,
    ) -> DeviceResult<LogUpTrace<Self::Buffer<Fp3>>>;

    /// Called with `bits <= 64` ([`check::grind_bits`](crate::check::grind_bits)).
    fn grind(&self, ctx: &Self::DeviceCtx, seed: &Digest, bits: u32) -> DeviceResult<u64>;

    /// Called with arguments that passed [`check::ood`](crate::check::ood).
    fn ood_evaluate<T: DeviceElem>(
        &self,
        ctx: &Self::DeviceCtx,
        evals: &BackendMatrix<Self, T>,
        points: &[Fp3],
    ) -> DeviceResult<Vec<Vec<Fp3>>>;

    /// Called with arguments that passed [`check::deep`](crate::check::deep).
    fn deep_composition(
        &self,
        ctx: &Self::DeviceCtx,
        domain: Coset,
        points: &[Fp3],
        gamma: Fp3,
        base: &[DeepOpening<'_, Self::Buffer<Fp>>],
        ext: &[DeepOpening<'_, Self::Buffer<Fp3>>],
    ) -> DeviceResult<BackendMatrix<Self, Fp3>>;

    /// Called with arguments that passed
    /// [`check::evaluation`](crate::check::evaluation).
    fn evaluate_constraints(
        &self,
        ctx: &Self::DeviceCtx,
        system: &ConstraintSystem,
        trace: TraceColumns<'_, Self::Buffer<Fp>>,
        aux_lde: Option<&BackendMatrix<Self, Fp3>>,
        domain: &CompositionDomain,
        params: &ConstraintParams<'_>,
    ) -> DeviceResult<BackendMatrix<Self, Fp3>>;

    // ============================================================= PROVIDED

    /// By default `None`: memory the device does not account.
    fn memory_available(&self) -> DeviceResult<Option<u64>> {
        Ok(None)
    }

    /// By default 0: a backend whose calls allocate working memory in the
    /// memory [`memory_available`](Backend::memory_available) reports
    /// bounds it here.
    fn working_memory(&self, _shape: CallShape<'_>) -> u64 {
        0
    }

    /// [`upload`](Backend::upload) of the matrix's buffer, keeping its
    /// shape (a buffer of another length is reported by the caller).
    fn upload_matrix<T: DeviceElem>(
        &self,
        ctx: &Self::DeviceCtx,
        m: &HostMatrix<T>,
    ) -> DeviceResult<Self::Buffer<T>> {
        self.upload(ctx, m.buffer())
    }

    /// [`download`](Backend::download) of the matrix's buffer.
    fn download_matrix<T: DeviceElem>(
        &self,
        ctx: &Self::DeviceCtx,
        m: &BackendMatrix<Self, T>,
    ) -> DeviceResult<Vec<T>> {
        self.download(ctx, m.buffer())
    }

    /// Called with arguments that passed [`check::lde`](crate::check::lde).
    /// By default: a copy of the columns (through the host), an inverse NTT
    /// to coefficients in natural order, then
    /// [`coeffs_to_coset`](Backend::coeffs_to_coset).
    fn coset_lde<T: DeviceElem>(
        &self,
        ctx: &Self::DeviceCtx,
        evals: &BackendMatrix<Self, T>,
        input: Order,
        blowup: usize,
        shift: Fp,
        output: Order,
    ) -> DeviceResult<BackendMatrix<Self, T>> {
        let host = self.download(ctx, evals.buffer())?;
        let copy = self.upload(ctx, &host)?;
        let mut coeffs = Matrix::new(copy, evals.width(), evals.height()).ok_or_else(|| {
            crate::DeviceError::bad_output("upload", "the copy of the columns has another length")
        })?;
        self.ntt(
            ctx,
            &mut coeffs,
            NttDirection::Inverse,
            Fp::ONE,
            input,
            Order::Natural,
        )?;
        self.coeffs_to_coset(ctx, &coeffs, Order::Natural, blowup, shift, output)
    }

    /// Called with arguments that passed [`check::lde`](crate::check::lde).
    /// By default [`upload_matrix`](Backend::upload_matrix), then
    /// [`coset_lde`](Backend::coset_lde) of the uploaded matrix.
    #[allow(clippy::type_complexity)]
    fn upload_lde<T: DeviceElem>(
        &self,
        ctx: &Self::DeviceCtx,
        evals: &HostMatrix<T>,
        input: Order,
        blowup: usize,
        shift: Fp,
        output: Order,
    ) -> DeviceResult<(BackendMatrix<Self, T>, BackendMatrix<Self, T>)> {
        let buf = self.upload_matrix(ctx, evals)?;
        let m = Matrix::new(buf, evals.width(), evals.height()).ok_or_else(|| {
            crate::DeviceError::bad_output("upload_matrix", "a buffer of another length")
        })?;
        let lde = self.coset_lde(ctx, &m, input, blowup, shift, output)?;
        Ok((m, lde))
    }

    /// Called with arguments that passed [`check::lde`](crate::check::lde).
    /// By default [`upload_lde`](Backend::upload_lde), then
    /// [`merkle_commit`](Backend::merkle_commit) of the LDE with `shape`
    /// (one row per leaf).
    #[allow(clippy::type_complexity)]
    #[allow(clippy::too_many_arguments)]
    fn upload_lde_commit<T: DeviceElem>(
        &self,
        ctx: &Self::DeviceCtx,
        evals: &HostMatrix<T>,
        input: Order,
        blowup: usize,
        shift: Fp,
        output: Order,
        shape: MerkleShape,
    ) -> DeviceResult<(
        BackendMatrix<Self, T>,
        BackendMatrix<Self, T>,
        Self::MerkleTree,
    )> {
        let (m, lde) = self.upload_lde(ctx, evals, input, blowup, shift, output)?;
        let tree = self.merkle_commit(ctx, &[&lde], shape)?;
        Ok((m, lde, tree))
    }

    /// Called with matrices of one shape ([`check::add_scaled`](crate::check::add_scaled)).
    /// By default through the host: both downloaded, combined, `acc`
    /// uploaded again.
    fn add_scaled(
        &self,
        ctx: &Self::DeviceCtx,
        acc: &mut BackendMatrix<Self, Fp3>,
        x: &BackendMatrix<Self, Fp3>,
        scale: Fp3,
    ) -> DeviceResult<()> {
        let mut a = self.download(ctx, acc.buffer())?;
        let b = self.download(ctx, x.buffer())?;
        for (ai, bi) in a.iter_mut().zip(&b) {
            *ai += scale * *bi;
        }
        *acc.buffer_mut() = self.upload(ctx, &a)?;
        Ok(())
    }

    /// Called with a single-column codeword of at least `shape.rows_per_leaf`
    /// (the arity) values and the shape of its tree
    /// ([`check::fri_commit_layer`](crate::check::fri_commit_layer)).
    /// By default: [`merkle_commit`](Backend::merkle_commit) with the
    /// arity's values per leaf.
    fn fri_commit_layer(
        &self,
        ctx: &Self::DeviceCtx,
        codeword: &BackendMatrix<Self, Fp3>,
        shape: MerkleShape,
    ) -> DeviceResult<Self::MerkleTree> {
        self.merkle_commit(ctx, &[codeword], shape)
    }
}
