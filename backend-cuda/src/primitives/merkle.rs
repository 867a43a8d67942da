//! Keccak Merkle trees built on the device (kernels/merkle.cu).
//!
//! The tree's digests (`2N - 1` for `N` leaves, level by level, leaves
//! first) stay in device memory; a commit brings back only the root, an
//! opening only the requested leaves' values and their sibling digests.

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

/// The device table of the kernels' `MatrixRef`s.
fn matrix_table<T: DeviceElem>(
    ctx: &CudaCtx,
    matrices: &[&CudaMatrix<T>],
) -> DeviceResult<DeviceAlloc> {
    DeviceAlloc::from_words(ctx, &matrix_refs(matrices))
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

pub(crate) fn commit<T: DeviceElem>(
    dev: &CudaDevice,
    ctx: &CudaCtx,
    matrices: &[&CudaMatrix<T>],
    shape: MerkleShape,
) -> DeviceResult<CudaMerkleTree> {
    let leaves = shape.num_leaves();
    let depth = shape.depth() as u32;
    let nmats = u32::try_from(matrices.len())
        .map_err(|_| crate::error::too_large("merkle_commit", "too many matrices"))?;
    let wpl = words_per_leaf::<T>(&shape)?;
    let leaf_kernel = match T::KIND {
        ElemKind::Base => kernel(dev, KernelId::MerkleLeavesBase),
        ElemKind::Ext => kernel(dev, KernelId::MerkleLeavesExt),
    };
    let nodes_kernel = kernel(dev, KernelId::MerkleNodes);
    let leaf_grid = Grid::linear(leaves, 128, dev)?;

    let table = matrix_table(ctx, matrices)?;
    let digests = DeviceAlloc::new(ctx, (2 * leaves - 1) * 32)?;
    let (height, rpl, n_leaves) = (
        shape.height as u64,
        shape.rows_per_leaf as u64,
        leaves as u64,
    );
    let (table_ptr, digests_ptr) = (table.as_raw(), digests.as_raw());
    // SAFETY: matches merkle_leaves_*(const MatrixRef*, uint32_t, uint64_t,
    // uint64_t, uint64_t, uint64_t, uint64_t*); the table and the matrices
    // outlive the launch in stream order (frees are stream-ordered).
    unsafe {
        crate::launch!(ctx, leaf_kernel, leaf_grid; table_ptr, nmats, height, rpl, n_leaves, wpl, digests_ptr)
    }?;

    let mut from = 0u32;
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
    let depth = shape.depth() as u32;
    let wpl = words_per_leaf::<T>(shape)?;
    let per_opening = wpl as usize + 4 * depth as usize;
    let gather = kernel(
        dev,
        match T::KIND {
            ElemKind::Base => KernelId::MerkleOpenBase,
            ElemKind::Ext => KernelId::MerkleOpenExt,
        },
    );
    let nmats = matrices.len() as u32;
    let table = matrix_table(ctx, matrices)?;
    let indices: Vec<u64> = leaf_indices.iter().map(|&i| i as u64).collect();
    let index_table = DeviceAlloc::from_words(ctx, &indices)?;
    let out = DeviceAlloc::new(ctx, per_opening * 8 * indices.len())?;
    let grid = Grid::linear(indices.len(), 64, dev)?;
    let (height, rpl, leaves, count) = (
        shape.height as u64,
        shape.rows_per_leaf as u64,
        shape.num_leaves() as u64,
        indices.len() as u64,
    );
    let (table_ptr, digests_ptr, idx_ptr, out_ptr) = (
        table.as_raw(),
        tree.digests.as_raw(),
        index_table.as_raw(),
        out.as_raw(),
    );
    // SAFETY: matches merkle_open_*(const MatrixRef*, uint32_t, uint64_t,
    // uint64_t, const uint64_t*, uint64_t, uint32_t, const uint64_t*,
    // uint64_t, uint64_t, uint64_t*); all buffers outlive it in stream order.
    unsafe {
        crate::launch!(ctx, gather, grid; table_ptr, nmats, height, rpl, digests_ptr, leaves, depth,
            idx_ptr, count, wpl, out_ptr)
    }?;
    let words = out.read_words(ctx, 0, per_opening * indices.len())?;
    Ok(leaf_indices
        .iter()
        .zip(words.chunks_exact(per_opening))
        .map(|(&leaf_index, chunk)| {
            let (vals, path) = chunk.split_at(wpl as usize);
            let limbs: Vec<Fp> = vals.iter().map(|&w| Fp::new(w)).collect();
            MerkleOpening {
                leaf_index,
                values: limbs.chunks_exact(T::LIMBS).map(T::from_limbs).collect(),
                path: path.chunks_exact(4).map(digest_of).collect(),
            }
        })
        .collect())
}
