//! Keccak Merkle trees built on the device (kernels/merkle.cu).
//!
//! The tree's digests (`2N - 1` for `N` leaves, level by level, leaves
//! first) stay in device memory; a commit brings back only the root, an
//! opening only the requested leaves' values and their sibling digests.
//! A tables tree hashes each matrix's rows into a scratch buffer first and
//! joins them into its leaves (`merkle_join_tables`).

use crate::args::matrix_refs;
use crate::launch::{kernel, Grid, KernelId};
use crate::{CudaCtx, CudaDevice, CudaMatrix, DeviceAlloc};
use backend_api::{
    DeviceElem, DeviceResult, Digest, ElemKind, Fp, MerkleOpening, MerkleShape, MerkleTree,
};

/// A committed tree: every level's digests stay in device memory.
pub struct CudaMerkleTree {
    pub(crate) shape: MerkleShape,
    pub(crate) root: Digest,
    /// All digests, level 0 (leaves) first, 32 bytes each.
    pub(crate) digests: DeviceAlloc,
}

impl MerkleTree for CudaMerkleTree {
    fn root(&self) -> Digest {
        self.root
    }
    fn shape(&self) -> &MerkleShape {
        &self.shape
    }
}

/// Levels one `merkle_nodes` launch builds: 2^(levels-1) <= 256 threads.
const MAX_FUSED_LEVELS: u32 = 9;
/// Levels with at least this many parents are built one launch per level
/// (`merkle_level`, every thread hashing): the fused kernel idles half its
/// threads more at each of its steps, which halves its hashing rate on the
/// wide levels (ncu on the H200 host: 7.6 ms of node hashing against
/// 7.0 ms for four times as many leaf permutations).
const WIDE_LEVEL: usize = 1 << 13;
/// Threads per block of `merkle_level`.
const LEVEL_THREADS: u32 = 128;

/// The device table of the kernels' `MatrixRef`s.
fn matrix_table<T: DeviceElem>(
    ctx: &CudaCtx,
    matrices: &[&CudaMatrix<T>],
) -> DeviceResult<DeviceAlloc> {
    DeviceAlloc::scratch_words(ctx, &matrix_refs(matrices))
}

fn words_per_leaf<T: DeviceElem>(shape: &MerkleShape) -> DeviceResult<u64> {
    shape
        .leaf_len()
        .checked_mul(T::LIMBS)
        .map(|w| w as u64)
        .ok_or_else(|| crate::error::too_large("merkle_commit", "leaf length overflows"))
}

fn digest_of(words: &[u64]) -> Digest {
    let mut d = [0u8; 32];
    for (i, w) in words.iter().take(4).enumerate() {
        d[i * 8..i * 8 + 8].copy_from_slice(&w.to_le_bytes());
    }
    d
}

/// Hashes leaf `j` of `matrices` (all of `height` rows) into digest `j` at
/// `out` for `j < height / rows_per_leaf`.
fn hash_leaves<T: DeviceElem>(
    dev: &CudaDevice,
    ctx: &CudaCtx,
    matrices: &[&CudaMatrix<T>],
    (height, rows_per_leaf): (usize, usize),
    words_per_leaf: u64,
    out: u64,
) -> DeviceResult<()> {
    let leaves = height / rows_per_leaf;
    let nmats = u32::try_from(matrices.len())
        .map_err(|_| crate::error::too_large("merkle_commit", "too many matrices"))?;
    let leaf_kernel = match T::KIND {
        ElemKind::Base => kernel(dev, KernelId::MerkleLeavesBase),
        ElemKind::Ext => kernel(dev, KernelId::MerkleLeavesExt),
    };
    let grid = Grid::linear(leaves, 128, dev)?;
    let table = matrix_table(ctx, matrices)?;
    let table_ptr = table.as_raw();
    let (height, rpl, n_leaves, wpl, out) = (
        height as u64,
        rows_per_leaf as u64,
        leaves as u64,
        words_per_leaf,
        out,
    );
    // SAFETY: matches merkle_leaves_*(const MatrixRef*, uint32_t, uint64_t,
    // uint64_t, uint64_t, uint64_t, uint64_t*); `out` holds `leaves`
    // digests; the table and the matrices outlive the launch in stream
    // order (frees are stream-ordered).
    unsafe {
        crate::launch!(ctx, leaf_kernel, grid; table_ptr, nmats, height, rpl, n_leaves, wpl, out)
    }
}

/// The leaves of a tables tree at `out`: each matrix's rows hashed alone,
/// then one row digest per matrix joined into each of the `shape.height`
/// leaves.
fn join_tables<T: DeviceElem>(
    dev: &CudaDevice,
    ctx: &CudaCtx,
    matrices: &[&CudaMatrix<T>],
    shape: &MerkleShape,
    out: u64,
) -> DeviceResult<()> {
    let mut rows = Vec::with_capacity(matrices.len());
    let mut table = Vec::with_capacity(2 * matrices.len());
    for (i, m) in matrices.iter().enumerate() {
        let height = shape.matrix_height(i);
        let digests = DeviceAlloc::scratch(ctx, height * 32)?;
        let wpl = (m.width() * T::LIMBS) as u64;
        hash_leaves(dev, ctx, &[*m], (height, 1), wpl, digests.as_raw())?;
        table.push(digests.as_raw());
        table.push(u64::from((shape.height / height).trailing_zeros()));
        rows.push(digests);
    }
    let table = DeviceAlloc::scratch_words(ctx, &table)?;
    let join = kernel(dev, KernelId::MerkleJoinTables);
    let grid = Grid::linear(shape.height, 128, dev)?;
    let (table_ptr, ntables, leaves) = (table.as_raw(), matrices.len() as u32, shape.height as u64);
    // SAFETY: matches merkle_join_tables(const uint64_t*, uint32_t,
    // uint64_t, uint64_t*); the table holds a (digests, shift) pair per
    // matrix whose digests cover row `leaf >> shift` of every leaf; `rows`
    // and the table are freed after the launch in stream order.
    unsafe { crate::launch!(ctx, join, grid; table_ptr, ntables, leaves, out) }
}

pub(crate) fn commit<T: DeviceElem>(
    dev: &CudaDevice,
    ctx: &CudaCtx,
    matrices: &[&CudaMatrix<T>],
    shape: MerkleShape,
) -> DeviceResult<CudaMerkleTree> {
    let leaves = shape.num_leaves();
    let depth = shape.depth() as u32;
    let digests = DeviceAlloc::new(ctx, (2 * leaves - 1) * 32)?;
    let digests_ptr = digests.as_raw();
    match shape.table_heights {
        Some(_) => join_tables(dev, ctx, matrices, &shape, digests_ptr)?,
        None => {
            let wpl = words_per_leaf::<T>(&shape)?;
            let rows = (shape.height, shape.rows_per_leaf);
            hash_leaves(dev, ctx, matrices, rows, wpl, digests_ptr)?;
        }
    }
    let (level_kernel, nodes_kernel) = (
        kernel(dev, KernelId::MerkleLevel),
        kernel(dev, KernelId::MerkleNodes),
    );
    let n_leaves = leaves as u64;
    let mut from = 0u32;
    while from < depth && (leaves >> (from + 1)) >= WIDE_LEVEL {
        let grid = Grid::linear(leaves >> (from + 1), LEVEL_THREADS, dev)?;
        // SAFETY: matches merkle_level(uint64_t*, uint64_t, uint32_t); the
        // digests hold every level of a tree of `leaves` leaves.
        unsafe { crate::launch!(ctx, level_kernel, grid; digests_ptr, n_leaves, from) }?;
        from += 1;
    }
    while from < depth {
        let levels = (depth - from).min(MAX_FUSED_LEVELS);
        let blocks = (leaves >> from) >> levels;
        let grid = Grid::blocks(blocks, 1 << (levels - 1), dev)?;
        // SAFETY: matches merkle_nodes(uint64_t*, uint64_t, uint32_t, uint32_t).
        unsafe { crate::launch!(ctx, nodes_kernel, grid; digests_ptr, n_leaves, from, levels) }?;
        from += levels;
    }
    let root = digest_of(&digests.read_words(ctx, (2 * leaves - 2) * 32, 4)?);
    Ok(CudaMerkleTree {
        shape,
        root,
        digests,
    })
}

/// For each of `rows` (leaf indices of `matrices`, all of `height` rows):
/// `words_per_leaf` value words, then `depth` sibling digests of `tree`
/// above leaf `leaves[k]` (none when `depth` is 0), one chunk per index.
struct Gather<'a> {
    tree: &'a CudaMerkleTree,
    height: usize,
    rows_per_leaf: usize,
    words_per_leaf: u64,
    depth: u32,
}

impl Gather<'_> {
    fn run<T: DeviceElem>(
        &self,
        dev: &CudaDevice,
        ctx: &CudaCtx,
        matrices: &[&CudaMatrix<T>],
        indices: &[u64],
    ) -> DeviceResult<Vec<u64>> {
        let per_opening = self.words_per_leaf as usize + 4 * self.depth as usize;
        let gather = kernel(
            dev,
            match T::KIND {
                ElemKind::Base => KernelId::MerkleOpenBase,
                ElemKind::Ext => KernelId::MerkleOpenExt,
            },
        );
        let nmats = matrices.len() as u32;
        let table = matrix_table(ctx, matrices)?;
        let index_table = DeviceAlloc::scratch_words(ctx, indices)?;
        let out = DeviceAlloc::scratch(ctx, (per_opening * 8 * indices.len()).max(8))?;
        // one thread per output word
        let grid = Grid::linear(per_opening * indices.len(), 256, dev)?;
        let (height, rpl, leaves, count, depth, wpl) = (
            self.height as u64,
            self.rows_per_leaf as u64,
            self.tree.shape.num_leaves() as u64,
            indices.len() as u64,
            self.depth,
            self.words_per_leaf,
        );
        let (table_ptr, digests_ptr, idx_ptr, out_ptr) = (
            table.as_raw(),
            self.tree.digests.as_raw(),
            index_table.as_raw(),
            out.as_raw(),
        );
        // SAFETY: matches merkle_open_*(const MatrixRef*, uint32_t, uint64_t,
        // uint64_t, const uint64_t*, uint64_t, uint32_t, const uint64_t*,
        // uint64_t, uint64_t, uint64_t*); every index is a row group of the
        // matrices and, when `depth > 0`, a leaf of the tree; all buffers
        // outlive the launch in stream order.
        unsafe {
            crate::launch!(ctx, gather, grid; table_ptr, nmats, height, rpl, digests_ptr, leaves,
                depth, idx_ptr, count, wpl, out_ptr)
        }?;
        out.read_words(ctx, 0, per_opening * indices.len())
    }
}

fn values_of<T: DeviceElem>(words: &[u64]) -> Vec<T> {
    let limbs: Vec<Fp> = words.iter().map(|&w| Fp::new(w)).collect();
    limbs.chunks_exact(T::LIMBS).map(T::from_limbs).collect()
}

pub(crate) fn open<T: DeviceElem>(
    dev: &CudaDevice,
    ctx: &CudaCtx,
    tree: &CudaMerkleTree,
    matrices: &[&CudaMatrix<T>],
    leaf_indices: &[usize],
) -> DeviceResult<Vec<MerkleOpening<T>>> {
    if leaf_indices.is_empty() {
        return Ok(Vec::new());
    }
    let shape = &tree.shape;
    let indices: Vec<u64> = leaf_indices.iter().map(|&i| i as u64).collect();
    let depth = shape.depth() as u32;
    let wpl = words_per_leaf::<T>(shape)? as usize;
    if shape.table_heights.is_none() {
        // Values and path of each leaf in one launch.
        let gather = Gather {
            tree,
            height: shape.height,
            rows_per_leaf: shape.rows_per_leaf,
            words_per_leaf: wpl as u64,
            depth,
        };
        let words = gather.run(dev, ctx, matrices, &indices)?;
        let per_opening = wpl + 4 * depth as usize;
        return Ok(leaf_indices
            .iter()
            .zip(words.chunks_exact(per_opening))
            .map(|(&leaf_index, chunk)| {
                let (vals, path) = chunk.split_at(wpl);
                MerkleOpening {
                    leaf_index,
                    values: values_of(vals),
                    path: path.chunks_exact(4).map(digest_of).collect(),
                }
            })
            .collect());
    }
    // A tables tree: each matrix's rows in a launch of their own (they sit
    // at other indices than the leaf), then the paths.
    let mut openings: Vec<MerkleOpening<T>> = leaf_indices
        .iter()
        .map(|&leaf_index| MerkleOpening {
            leaf_index,
            values: Vec::with_capacity(shape.leaf_len()),
            path: Vec::new(),
        })
        .collect();
    for (i, m) in matrices.iter().enumerate() {
        let rows: Vec<u64> = leaf_indices
            .iter()
            .map(|&l| shape.matrix_row(i, l) as u64)
            .collect();
        let row_words = m.width() * T::LIMBS;
        let gather = Gather {
            tree,
            height: shape.matrix_height(i),
            rows_per_leaf: 1,
            words_per_leaf: row_words as u64,
            depth: 0,
        };
        let words = gather.run(dev, ctx, &[*m], &rows)?;
        for (o, chunk) in openings.iter_mut().zip(words.chunks_exact(row_words)) {
            o.values.extend(values_of::<T>(chunk));
        }
    }
    if depth > 0 {
        let paths = Gather {
            tree,
            height: shape.matrix_height(0),
            rows_per_leaf: 1,
            words_per_leaf: 0,
            depth,
        };
        let words = paths.run(dev, ctx, &matrices[..1], &indices)?;
        for (o, chunk) in openings
            .iter_mut()
            .zip(words.chunks_exact(4 * depth as usize))
        {
            o.path = chunk.chunks_exact(4).map(digest_of).collect();
        }
    }
    Ok(openings)
}
