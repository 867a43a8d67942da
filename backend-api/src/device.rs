//! The device trait the prover calls: every primitive a STARK prover
//! spends its time in, each with its contract. Backends implement
//! [`Backend`](crate::Backend); this trait is implemented for all of them
//! (`checked.rs`), running the shared argument checks before each call and
//! checking the shape of each result.

use crate::deep::DeepOpening;
use crate::domain::{Coset, NttDirection, Order};
use crate::error::DeviceResult;
use crate::expr::{CompositionDomain, ConstraintParams, ConstraintSystem};
use crate::field::{DeviceElem, ElemKind, Fp, Fp3};
use crate::hash::{Digest, MerkleOpening, MerklePathError};
use crate::logup::{Interaction, LogUpChallenges};
use crate::matrix::{Buffer, HostMatrix, Matrix};
use crate::memory::CallShape;

/// A matrix whose storage lives on device `D`.
pub type DeviceMatrix<D, T> = Matrix<<D as ProverDevice>::Buffer<T>>;

/// The shape a Merkle tree was built over; openings are checked against it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MerkleShape {
    /// The field of the committed values.
    pub kind: ElemKind,
    /// Rows of the tallest committed matrix (of every one, for a
    /// [`merkle_commit`](ProverDevice::merkle_commit) tree).
    pub height: usize,
    /// Width of each committed matrix, in commit order.
    pub widths: Vec<usize>,
    /// Consecutive rows (of the tallest matrices) in one leaf.
    pub rows_per_leaf: usize,
    /// `None` for a [`merkle_commit`](ProverDevice::merkle_commit) tree: a
    /// leaf hashes its rows of every matrix together. `Some(heights)` for a
    /// [`merkle_commit_tables`](ProverDevice::merkle_commit_tables) tree of
    /// two or more matrices: matrix `i` has `heights[i]` rows, and a leaf
    /// joins one row digest per matrix ([`MerkleShape::leaf_digest`]).
    pub table_heights: Option<Vec<usize>>,
}

impl MerkleShape {
    /// The shape of [`ProverDevice::merkle_commit_tables`] over matrices of
    /// these `(width, height)`s (at least one; heights powers of two): for
    /// one matrix, [`merkle_commit`](ProverDevice::merkle_commit)'s with
    /// one row per leaf; otherwise a tables shape of `max height` leaves.
    pub fn of_tables(kind: ElemKind, dims: &[(usize, usize)]) -> MerkleShape {
        let widths = dims.iter().map(|d| d.0).collect();
        let heights: Vec<usize> = dims.iter().map(|d| d.1).collect();
        MerkleShape {
            kind,
            height: heights.iter().copied().max().unwrap_or(1),
            widths,
            rows_per_leaf: 1,
            table_heights: (dims.len() > 1).then_some(heights),
        }
    }
    /// Number of leaves, `height / rows_per_leaf`.
    pub fn num_leaves(&self) -> usize {
        self.height / self.rows_per_leaf
    }
    /// Elements in one leaf: `rows_per_leaf * sum(widths)`.
    pub fn leaf_len(&self) -> usize {
        self.rows_per_leaf * self.widths.iter().sum::<usize>()
    }
    /// Path length, `log2(num_leaves)`.
    pub fn depth(&self) -> usize {
        self.num_leaves().trailing_zeros() as usize
    }
    /// Rows of matrix `i`.
    pub fn matrix_height(&self, i: usize) -> usize {
        match &self.table_heights {
            Some(heights) => heights[i],
            None => self.height,
        }
    }
    /// The row of matrix `i` in leaf `leaf` of a one-row-per-leaf tree:
    /// `leaf >> log2(height / heights[i])` (the matrices are bit-reversed
    /// evaluations, so the row at `leaf` of a smaller domain is the one
    /// whose point is `x^(height / heights[i])` for the leaf's `x`).
    pub fn matrix_row(&self, i: usize, leaf: usize) -> usize {
        let ratio = self.height / self.matrix_height(i);
        leaf >> ratio.trailing_zeros()
    }
    /// The digest of a leaf holding `values` (in the order
    /// [`MerkleOpening::values`](crate::MerkleOpening) gives them):
    /// [`hash_leaf`](crate::hash_leaf) of them all, or for a tables tree
    /// [`hash_tables_leaf`](crate::hash_tables_leaf) of each matrix's
    /// `hash_leaf` of its row. `None` when `values` has not
    /// [`leaf_len`](Self::leaf_len) elements.
    pub fn leaf_digest<T: DeviceElem>(&self, values: &[T]) -> Option<Digest> {
        if values.len() != self.leaf_len() {
            return None;
        }
        if self.table_heights.is_none() {
            return Some(crate::hash_leaf(values));
        }
        let mut rest = values;
        let rows: Vec<Digest> = self
            .widths
            .iter()
            .map(|&w| {
                let (row, tail) = rest.split_at(w);
                rest = tail;
                crate::hash_leaf(row)
            })
            .collect();
        Some(crate::hash_tables_leaf(&rows))
    }
    /// Checks that `opening` is a leaf of this shape's tree whose root is
    /// `root`: its values hashed by [`leaf_digest`](Self::leaf_digest), then
    /// its path.
    pub fn verify<T: DeviceElem>(
        &self,
        root: &Digest,
        opening: &MerkleOpening<T>,
    ) -> Result<(), MerklePathError> {
        let leaf = self
            .leaf_digest(&opening.values)
            .ok_or(MerklePathError::LeafLength {
                got: opening.values.len(),
                expected: self.leaf_len(),
            })?;
        crate::verify_merkle_path(
            root,
            self.num_leaves(),
            opening.leaf_index,
            leaf,
            &opening.path,
        )
    }
}

/// A committed Merkle tree; its digests stay where the device keeps them.
pub trait MerkleTree: Send + Sync {
    /// The root digest (for a one-leaf tree, the leaf digest).
    fn root(&self) -> Digest;
    /// The shape the tree was built over.
    fn shape(&self) -> &MerkleShape;
}

/// The base-field columns of one table: its main trace and, if its AIR
/// fixes any, its preprocessed columns. Both matrices have the same height
/// and hold their columns in the same order of points.
#[derive(Debug)]
pub struct TraceColumns<'a, B> {
    /// The main trace (or its LDE).
    pub main: &'a Matrix<B>,
    /// The preprocessed columns (or their LDE); `None` when there are none.
    pub preprocessed: Option<&'a Matrix<B>>,
}

impl<B> Clone for TraceColumns<'_, B> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<B> Copy for TraceColumns<'_, B> {}

impl<'a, B> TraceColumns<'a, B> {
    /// A main trace with no preprocessed columns.
    pub fn main_only(main: &'a Matrix<B>) -> Self {
        TraceColumns {
            main,
            preprocessed: None,
        }
    }
}

/// The LogUp auxiliary trace of one table.
#[derive(Debug)]
pub struct LogUpTrace<B> {
    /// Height `n`, width `ceil(k / 2) + 1` for `k` interactions: the term
    /// columns, then the running-sum column.
    pub aux: Matrix<B>,
    /// The table's total contribution: the running sum's last entry.
    pub total: Fp3,
}

/// A backend that runs the primitives of a STARK prover.
///
/// # Conventions shared by every method
///
/// * Field elements crossing this API are canonical (the types guarantee it).
/// * Matrices are column-major ([`Matrix`]); columns are independent unless a
///   method says otherwise. Heights are powers of two, `1 <= height <= 2^32`.
/// * `H_n` is the subgroup of order `n = 2^k` generated by
///   `omega_n = Fp::root_of_unity(k)`; a coset is `shift * H_n`.
///   Orders of vectors are explicit ([`Order`]).
/// * Every call takes the context it runs on. Work is ordered within one
///   context; different contexts may run concurrently from several threads.
/// * Arguments are validated before any work starts; a violation returns
///   [`DeviceError::InvalidArgument`](crate::DeviceError::InvalidArgument)
///   naming the argument, and leaves every buffer as it was. The shared
///   checks are in [`crate::check`].
/// * Results have the shapes this contract gives them (matrix sizes, value
///   counts, tree shapes, openings at the requested leaves, valid nonces);
///   a backend that breaks one yields
///   [`DeviceError::BadOutput`](crate::DeviceError::BadOutput) naming the
///   method, so callers may rely on the shapes.
/// * Results are deterministic: the same inputs give the same bytes on every
///   backend, whatever the thread count or launch shape.
///
/// Sealed: implemented exactly for the types implementing
/// [`Backend`](crate::Backend), which is what a device crate implements.
pub trait ProverDevice: Send + Sync + Sized + crate::checked::Sealed {
    /// What a call needs to run: `()` on the CPU, a stream on a GPU.
    type DeviceCtx: Clone + Send + Sync;
    /// A buffer of `T`s owned by the device.
    type Buffer<T: DeviceElem>: Buffer;
    /// A committed Merkle tree.
    type MerkleTree: MerkleTree;

    /// A short human-readable name ("cpu", "cuda:0 (NVIDIA H100)", ...).
    fn name(&self) -> String;

    /// A new context. Contexts are independent queues of work.
    fn new_ctx(&self) -> DeviceResult<Self::DeviceCtx>;

    /// Orders contexts: work queued on `ctx` after this call runs after all
    /// the work queued on `earlier` before it (results `earlier`'s work
    /// writes are then visible to `ctx`'s), without waiting on the host.
    /// Buffers may be used on, and dropped from, any context of the device:
    /// a buffer's memory is released only after every piece of work queued
    /// before its drop.
    fn order_after(&self, ctx: &Self::DeviceCtx, earlier: &Self::DeviceCtx) -> DeviceResult<()>;

    // ---------------------------------------------------------------- memory

    /// Bytes of device memory that allocations may still take, if the
    /// device knows (a GPU: its free memory and any limit set on it); `None`
    /// for memory the device does not account (host memory).
    fn memory_available(&self) -> DeviceResult<Option<u64>>;

    /// An upper bound of the working memory a call of `shape` allocates for
    /// itself (beyond its arguments and result) and frees before returning,
    /// in bytes of the memory [`memory_available`](Self::memory_available)
    /// reports.
    fn working_memory(&self, shape: CallShape<'_>) -> u64;

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

    /// Copies a whole buffer back to the host. Provers use it only for small
    /// buffers; downloading an LDE is a test and debugging operation.
    fn download<T: DeviceElem>(
        &self,
        ctx: &Self::DeviceCtx,
        buf: &Self::Buffer<T>,
    ) -> DeviceResult<Vec<T>>;

    /// Uploads a host matrix, keeping its shape.
    fn upload_matrix<T: DeviceElem>(
        &self,
        ctx: &Self::DeviceCtx,
        m: &HostMatrix<T>,
    ) -> DeviceResult<DeviceMatrix<Self, T>>;

    /// Downloads a device matrix, keeping its shape.
    fn download_matrix<T: DeviceElem>(
        &self,
        ctx: &Self::DeviceCtx,
        m: &DeviceMatrix<Self, T>,
    ) -> DeviceResult<HostMatrix<T>>;

    // ------------------------------------------------------- 1. NTT

    /// Batched NTT of every column, in place.
    ///
    /// With `n = height`, `omega = omega_n` and `s = shift`:
    /// * `Forward`: input coefficients `c_j`, output evaluations
    ///   `e_i = sum_j c_j (s * omega^i)^j`, i.e. over the coset `s * H_n`.
    /// * `Inverse`: the exact inverse (input `e_i`, output `c_j`, with the
    ///   `1/n` and `s^-j` scalings).
    ///
    /// `input` and `output` give the orders of the vector before and after
    /// (index `j` resp. `i` stored at `bit_reverse(.)` when `BitReversed`).
    ///
    /// Errors: `matrix` with no columns or a height that is not a power of
    /// two or above `2^32`; `shift` zero.
    fn ntt<T: DeviceElem>(
        &self,
        ctx: &Self::DeviceCtx,
        matrix: &mut DeviceMatrix<Self, T>,
        direction: NttDirection,
        shift: Fp,
        input: Order,
        output: Order,
    ) -> DeviceResult<()>;

    // ------------------------------------------------------- 2. coset LDE

    /// Low-degree extension: each column holds evaluations over `H_n`
    /// (`n = height`, order `input`) of a polynomial `p` of degree `< n`.
    /// Returns `p` evaluated over `shift * H_{n * blowup}` in order `output`:
    /// a matrix of the same width and height `n * blowup`.
    ///
    /// Errors: as [`ntt`](Self::ntt), plus `blowup` zero, not a power of two,
    /// or with `n * blowup > 2^32`.
    fn coset_lde<T: DeviceElem>(
        &self,
        ctx: &Self::DeviceCtx,
        evals: &DeviceMatrix<Self, T>,
        input: Order,
        blowup: usize,
        shift: Fp,
        output: Order,
    ) -> DeviceResult<DeviceMatrix<Self, T>>;

    /// [`upload_matrix`](Self::upload_matrix) and
    /// [`coset_lde`](Self::coset_lde) in one call: returns `(m,
    /// coset_lde(m, input, blowup, shift, output))` with `m =
    /// upload_matrix(evals)`. One call, so that a backend can extend the
    /// first columns while the later ones are still being copied.
    ///
    /// Errors: as [`coset_lde`](Self::coset_lde).
    #[allow(clippy::type_complexity)]
    fn upload_lde<T: DeviceElem>(
        &self,
        ctx: &Self::DeviceCtx,
        evals: &HostMatrix<T>,
        input: Order,
        blowup: usize,
        shift: Fp,
        output: Order,
    ) -> DeviceResult<(DeviceMatrix<Self, T>, DeviceMatrix<Self, T>)>;

    /// [`upload_lde`](Self::upload_lde), then
    /// [`merkle_commit_tables`](Self::merkle_commit_tables) of the LDE alone,
    /// in one call: returns `(m, lde, tree)` with `(m, lde) =
    /// upload_lde(evals, ..)` and `tree = merkle_commit_tables(&[&lde])`
    /// (one row per leaf). One call, so that a backend can hash the rows'
    /// leading columns while the later ones are still being copied and
    /// extended (a one-table round's commitment).
    ///
    /// Errors: as [`coset_lde`](Self::coset_lde).
    #[allow(clippy::type_complexity)]
    fn upload_lde_commit<T: DeviceElem>(
        &self,
        ctx: &Self::DeviceCtx,
        evals: &HostMatrix<T>,
        input: Order,
        blowup: usize,
        shift: Fp,
        output: Order,
    ) -> DeviceResult<(
        DeviceMatrix<Self, T>,
        DeviceMatrix<Self, T>,
        Self::MerkleTree,
    )>;

    /// Like [`coset_lde`](Self::coset_lde) but the columns hold the
    /// coefficients `c_0 .. c_{n-1}` (order `input`) instead of evaluations:
    /// returns `sum_j c_j x^j` for `x` over `shift * H_{n * blowup}`.
    fn coeffs_to_coset<T: DeviceElem>(
        &self,
        ctx: &Self::DeviceCtx,
        coeffs: &DeviceMatrix<Self, T>,
        input: Order,
        blowup: usize,
        shift: Fp,
        output: Order,
    ) -> DeviceResult<DeviceMatrix<Self, T>>;

    // ------------------------------------------------------- 3. Merkle

    /// Commits to one or more matrices of the same height `h` with a binary
    /// Keccak-256 tree.
    ///
    /// Leaf `j` (of `h / rows_per_leaf`) covers rows
    /// `j * rows_per_leaf .. (j + 1) * rows_per_leaf`; its digest is
    /// [`hash_leaf`](crate::hash_leaf) of, for each of those rows in turn, for
    /// each matrix in turn, that row's values from column 0 up. A node is
    /// [`hash_node`](crate::hash_node)`(left, right)`; a one-leaf tree's root
    /// is the leaf digest.
    ///
    /// Errors: no matrices, a matrix with no columns, heights that differ or
    /// are not powers of two, `rows_per_leaf` not a power of two or above `h`.
    fn merkle_commit<T: DeviceElem>(
        &self,
        ctx: &Self::DeviceCtx,
        matrices: &[&DeviceMatrix<Self, T>],
        rows_per_leaf: usize,
    ) -> DeviceResult<Self::MerkleTree>;

    /// Commits to matrices of any power-of-two heights (one per table of a
    /// round, say) with one binary Keccak-256 tree of one row per leaf, so
    /// that one path opens every table at a query.
    ///
    /// With one matrix this is [`merkle_commit`](Self::merkle_commit)`(.., 1)`.
    /// With `m >= 2` matrices of heights `h_i`, `H = max h_i`, the tree has
    /// `H` leaves; leaf `j` is
    /// [`hash_tables_leaf`](crate::hash_tables_leaf)`(d_0, .., d_{m-1})`,
    /// where `d_i` is [`hash_leaf`](crate::hash_leaf) of row
    /// `j >> log2(H / h_i)` of matrix `i` (column 0 up). Nodes and the root
    /// are as in `merkle_commit`. Each `d_i` depends on matrix `i` alone, so
    /// the rows of disjoint sets of matrices can be hashed apart (on
    /// different devices, say) and joined at the leaves.
    ///
    /// Errors: no matrices, a matrix with no columns, a height that is not a
    /// power of two.
    fn merkle_commit_tables<T: DeviceElem>(
        &self,
        ctx: &Self::DeviceCtx,
        matrices: &[&DeviceMatrix<Self, T>],
    ) -> DeviceResult<Self::MerkleTree>;

    /// Opens leaves of a tree built by [`merkle_commit`](Self::merkle_commit)
    /// or [`merkle_commit_tables`](Self::merkle_commit_tables) over
    /// `matrices` (the same ones, in the same order). Returns one opening
    /// per index, in the order given; repeated indices repeat. The values of
    /// a tables tree's leaf `j` are, for each matrix `i` in turn, its row
    /// [`MerkleShape::matrix_row`]`(i, j)` from column 0 up.
    ///
    /// Errors: matrices whose shape differs from the tree's, an index
    /// `>= num_leaves`.
    fn merkle_open<T: DeviceElem>(
        &self,
        ctx: &Self::DeviceCtx,
        tree: &Self::MerkleTree,
        matrices: &[&DeviceMatrix<Self, T>],
        leaf_indices: &[usize],
    ) -> DeviceResult<Vec<MerkleOpening<T>>>;

    // ------------------------------------------------------- 4. batch inverse

    /// Replaces every element by its inverse, with 0 mapped to 0. Any length,
    /// including 0.
    fn batch_inverse<T: DeviceElem>(
        &self,
        ctx: &Self::DeviceCtx,
        values: &mut Self::Buffer<T>,
    ) -> DeviceResult<()>;

    // ------------------------------------------------------- 5. FRI

    /// Folds a codeword in half with the challenge `beta`.
    ///
    /// `codeword` is one column of `N = 2^k >= 2` values of `f` over
    /// `shift * H_N` in **bit-reversed** order, so positions `2i` and `2i+1`
    /// hold `f(x)` and `f(-x)` for `x = shift * omega_N^bit_reverse(i, k-1)`.
    /// The result, one column of `N/2` values over `shift^2 * H_{N/2}` in
    /// bit-reversed order, is at position `i`:
    ///
    /// `g(x^2) = (f(x) + f(-x)) / 2 + beta * (f(x) - f(-x)) / (2x)`.
    ///
    /// Errors: `codeword` not one column, `N < 2`, `shift` zero.
    fn fri_fold(
        &self,
        ctx: &Self::DeviceCtx,
        codeword: &DeviceMatrix<Self, Fp3>,
        shift: Fp,
        beta: Fp3,
    ) -> DeviceResult<DeviceMatrix<Self, Fp3>>;

    /// Commits a FRI layer of folding arity `a = 2^log_arity`: a Merkle
    /// tree over the codeword with `a` consecutive values per leaf, so leaf
    /// `i` holds the values of `f` on the coset `x * <omega_a>` (bit-reversed
    /// order) that one `a`-ary fold combines; for `a = 2`, the pair `f(x),
    /// f(-x)`. The same tree as [`merkle_commit`](Self::merkle_commit) of
    /// the codeword with `a` rows per leaf.
    ///
    /// Errors: `codeword` not one column, `log_arity` not in `1..=4`, fewer
    /// than `a` values.
    fn fri_commit_layer(
        &self,
        ctx: &Self::DeviceCtx,
        codeword: &DeviceMatrix<Self, Fp3>,
        log_arity: u32,
    ) -> DeviceResult<Self::MerkleTree>;

    /// `acc[i] += scale * x[i]` for every element: how a table's DEEP
    /// codeword joins the proof's one FRI codeword once that has been
    /// folded to its size.
    ///
    /// Errors: `acc` and `x` of different shapes.
    fn add_scaled(
        &self,
        ctx: &Self::DeviceCtx,
        acc: &mut DeviceMatrix<Self, Fp3>,
        x: &DeviceMatrix<Self, Fp3>,
        scale: Fp3,
    ) -> DeviceResult<()>;

    // ------------------------------------------------------- 6. LogUp

    /// The fingerprints `f_k(r)` of every interaction (see [`crate::logup`])
    /// on every row `r` of `trace` (height `n`, natural order; the
    /// interactions' expressions read row `r` of `trace.main` and
    /// `trace.preprocessed`). Returns a matrix of width
    /// `interactions.len()`, height `n`.
    ///
    /// Errors: `trace.main` malformed, `trace.preprocessed` of another
    /// height, no interactions, an expression reading a main or preprocessed
    /// column past the width (or a preprocessed column when there are none).
    fn logup_fingerprints(
        &self,
        ctx: &Self::DeviceCtx,
        trace: TraceColumns<'_, Self::Buffer<Fp>>,
        interactions: &[Interaction],
        challenges: &LogUpChallenges,
    ) -> DeviceResult<DeviceMatrix<Self, Fp3>>;

    /// The LogUp auxiliary trace of a table.
    ///
    /// Term column `j` is `t_j(r) = s_a m_a(r) / f_a(r) + s_b m_b(r) / f_b(r)`
    /// for the interaction pair `(a, b) = (2j, 2j+1)` (only `a` when `2j+1`
    /// is past the end); inverses are pseudo-inverses (1/0 = 0). The last
    /// column is the inclusive running sum
    /// `phi(r) = sum_{r' <= r} sum_j t_j(r')`, and `total = phi(n - 1)`.
    ///
    /// Errors: as [`logup_fingerprints`](Self::logup_fingerprints).
    fn logup_aux_trace(
        &self,
        ctx: &Self::DeviceCtx,
        trace: TraceColumns<'_, Self::Buffer<Fp>>,
        interactions: &[Interaction],
        challenges: &LogUpChallenges,
    ) -> DeviceResult<LogUpTrace<Self::Buffer<Fp3>>>;

    // ------------------------------------------------------- 7. grinding

    /// The smallest nonce `>= 0` with [`pow_is_valid`](crate::pow_is_valid)
    /// `(seed, nonce, bits)`. Smallest, not any: proofs must not depend on
    /// which thread found a nonce first. `bits == 0` returns 0.
    ///
    /// Errors: `bits > 64`.
    fn grind(&self, ctx: &Self::DeviceCtx, seed: &Digest, bits: u32) -> DeviceResult<u64>;

    // ------------------------------------------------------- 8. OOD and DEEP

    /// Evaluates each column's polynomial (the columns hold its evaluations
    /// over `H_n`, natural order) at each point, by the barycentric formula
    /// `p(z) = (z^n - 1)/n * sum_i y_i * omega^i / (z - omega^i)`.
    /// Returns `values[p][c]` for point `p`, column `c`.
    ///
    /// Errors: `evals` malformed, a point inside `H_n` (`z^n = 1`).
    fn ood_evaluate<T: DeviceElem>(
        &self,
        ctx: &Self::DeviceCtx,
        evals: &DeviceMatrix<Self, T>,
        points: &[Fp3],
    ) -> DeviceResult<Vec<Vec<Fp3>>>;

    /// The DEEP quotient codeword over `domain` (size `N`; every matrix has
    /// height `N` and holds evaluations over `domain`, in its order):
    ///
    /// `out(x) = sum gamma^k * (f_c(x) - v_{p,c}) / (x - z_p)`
    ///
    /// summed over the openings in this order, with `k = 0, 1, 2, ...`:
    /// the `base` openings then the `ext` openings, in slice order; within
    /// one, its `evaluations` in order (point `z_p = points[p]`, values
    /// `v_{p,c}`); within one evaluation, the columns `c` from 0 up.
    /// Returns one column of height `N`, in the domain's order.
    ///
    /// Errors: a height other than `N`, a point index out of range, a value
    /// vector whose length is not the width, a point inside the domain.
    fn deep_composition(
        &self,
        ctx: &Self::DeviceCtx,
        domain: Coset,
        points: &[Fp3],
        gamma: Fp3,
        base: &[DeepOpening<'_, Self::Buffer<Fp>>],
        ext: &[DeepOpening<'_, Self::Buffer<Fp3>>],
    ) -> DeviceResult<DeviceMatrix<Self, Fp3>>;
    // ------------------------------------------------------- 9. constraints

    /// The composition polynomial's evaluations over the LDE domain.
    ///
    /// `trace.main` and `trace.preprocessed` (Fp, the latter given exactly
    /// when `system.preprocessed_width > 0`) and `aux_lde` (Fp3, given
    /// exactly when `system.aux_width > 0`) hold the table's columns over
    /// `shift * H_{2^log_lde}` in **bit-reversed** order, one column per
    /// trace column. With `M = 2^log_eval`, returns one column of `M`
    /// values: at position `k`, with `x_k = shift * omega_M^bit_reverse(k,
    /// log_eval)` (the LDE's position `k`; the first `M` positions of a
    /// bit-reversed vector form the sub-coset `shift * H_M`),
    ///
    /// `out[k] = sum_c alpha^c * C_c(x_k) / Z_c(x_k)`
    ///
    /// over the constraints `c = 0, 1, ...` of `system` in order, where
    /// `C_c` is the constraint's expression with current-row leaves read at
    /// position `k`, next-row leaves at
    /// [`CompositionDomain::next_position`]`(k)` (the position of `x_k * g`,
    /// `g = omega_n`, `n = 2^log_n`), periodic column `i` at
    /// `params.periodic[i][bit_reverse(k, log_eval) mod len]`, challenge
    /// `i` = `params.challenges[i]`, public input `i` = `params.public[i]`,
    /// `alpha = params.alpha`; and `Z_c` the zerofier of the constraint's
    /// [`RowSet`](crate::expr::RowSet) for `n` rows. The result is exact
    /// field arithmetic, so any evaluation order gives the same bytes;
    /// [`ConstraintSystem::eval_nodes`], [`ConstraintSystem::combine`] and
    /// [`zerofier_inverses`](crate::expr::zerofier_inverses) define it
    /// point by point.
    ///
    /// Errors: those of [`check::evaluation`](crate::check::evaluation).
    fn evaluate_constraints(
        &self,
        ctx: &Self::DeviceCtx,
        system: &ConstraintSystem,
        trace: TraceColumns<'_, Self::Buffer<Fp>>,
        aux_lde: Option<&DeviceMatrix<Self, Fp3>>,
        domain: &CompositionDomain,
        params: &ConstraintParams<'_>,
    ) -> DeviceResult<DeviceMatrix<Self, Fp3>>;
}
