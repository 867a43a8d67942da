//! Keccak Merkle trees built on the device (kernels/merkle.cu).
//!
//! The tree's digests (`2N - 1` for `N` leaves, level by level, leaves
//! first) stay in device memory; a commit brings back only the root, an
//! opening only the requested leaves' values and their sibling digests.
//! A tables tree hashes each matrix's rows into a scratch buffer first and
//! joins them into its leaves (`merkle_join_tables`).

use crate::args::leaf_word_table;
use crate::launch::{kernel, Grid, KernelId};
use crate::{CudaCtx, CudaDevice, CudaMatrix, DeviceAlloc};
use backend_api::{DeviceElem, DeviceResult, Digest, Fp, MerkleOpening, MerkleShape, MerkleTree};

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
/// Lanes of a Keccak-256 sponge block (kernels/keccak.cuh `RATE_LANES`).
const SPONGE_RATE_LANES: u64 = 17;

/// The device copy of a [`leaf_word_table`], with the kernels' arguments.
struct LeafWords {
    table: DeviceAlloc,
    /// Words per leaf: the table's entries.
    words: u64,
    /// Words from one leaf's first word to the next leaf's.
    stride: u64,
}

impl LeafWords {
    /// For `primitive` (named in its error).
    fn new<T: DeviceElem>(
        primitive: &'static str,
        ctx: &CudaCtx,
        matrices: &[&CudaMatrix<T>],
        (height, rows_per_leaf): (usize, usize),
    ) -> DeviceResult<LeafWords> {
        let table = leaf_word_table(matrices, height, rows_per_leaf).map_err(|_| {
            crate::error::too_large(primitive, "the leaf word table does not fit in host memory")
        })?;
        Ok(LeafWords {
            table: DeviceAlloc::scratch_words(ctx, &table)?,
            words: table.len() as u64,
            stride: (rows_per_leaf * T::LIMBS) as u64,
        })
    }
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
    out: u64,
) -> DeviceResult<()> {
    let leaves = height / rows_per_leaf;
    let leaf_kernel = kernel(dev, KernelId::MerkleLeaves);
    let grid = Grid::linear(leaves, 128, dev)?;
    let words = LeafWords::new("merkle_commit", ctx, matrices, (height, rows_per_leaf))?;
    let (table_ptr, wpl, stride, n_leaves) = (
        words.table.as_raw(),
        words.words,
        words.stride,
        leaves as u64,
    );
    // SAFETY: matches merkle_leaves(const uint64_t* const*, uint64_t,
    // uint64_t, uint64_t, uint64_t*); entry w of the table is the address
    // of word w of leaf 0, and word w of leaf j < leaves lies `stride * j`
    // words on, inside the matrices; `out` holds `leaves` digests; the table
    // and the matrices outlive the launch in stream order (frees are
    // stream-ordered).
    unsafe { crate::launch!(ctx, leaf_kernel, grid; table_ptr, wpl, stride, n_leaves, out) }
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
        hash_leaves(dev, ctx, &[*m], (height, 1), digests.as_raw())?;
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
    let digests = DeviceAlloc::new(ctx, (2 * shape.num_leaves() - 1) * 32)?;
    match shape.table_heights {
        Some(_) => join_tables(dev, ctx, matrices, &shape, digests.as_raw())?,
        None => {
            let rows = (shape.height, shape.rows_per_leaf);
            hash_leaves(dev, ctx, matrices, rows, digests.as_raw())?;
        }
    }
    with_nodes(dev, ctx, shape, digests)
}

/// The tree whose leaf digests are level 0 of `digests`: hashes every
/// level above it and reads the root.
fn with_nodes(
    dev: &CudaDevice,
    ctx: &CudaCtx,
    shape: MerkleShape,
    digests: DeviceAlloc,
) -> DeviceResult<CudaMerkleTree> {
    let leaves = shape.num_leaves();
    let depth = shape.depth() as u32;
    let digests_ptr = digests.as_raw();
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

/// A one-table tree (one row per leaf) hashed while its matrix is written
/// column by column (`upload_lde_commit`): once the first columns are
/// written, every leaf absorbs the sponge blocks they complete
/// (`merkle_leaves_blocks`, the states kept in device memory between
/// launches); [`finish`](Self::finish) absorbs the rest, then hashes the
/// nodes.
pub(crate) struct RowHasher<'a> {
    dev: &'a CudaDevice,
    ctx: &'a CudaCtx,
    shape: MerkleShape,
    words: LeafWords,
    /// Words of a row per column.
    limbs: usize,
    /// Full sponge blocks of a leaf, and how many every leaf has absorbed.
    blocks: (u64, u64),
    /// 25 lanes per leaf, from the first launch that stops before the
    /// last block.
    states: Option<DeviceAlloc>,
    digests: DeviceAlloc,
}

impl<'a> RowHasher<'a> {
    /// For `m`, whose columns are written later on `ctx`'s stream; `shape`
    /// is its one-table tree's. The leaf word table goes up now: an upload
    /// among the writes would wait for a staging slot behind them.
    pub(crate) fn new<T: DeviceElem>(
        dev: &'a CudaDevice,
        ctx: &'a CudaCtx,
        m: &CudaMatrix<T>,
        shape: MerkleShape,
    ) -> DeviceResult<RowHasher<'a>> {
        let words = LeafWords::new("upload_lde_commit", ctx, &[m], (m.height(), 1))?;
        Ok(RowHasher {
            dev,
            ctx,
            blocks: ((words.words + 1) / SPONGE_RATE_LANES, 0),
            words,
            limbs: T::LIMBS,
            states: None,
            digests: DeviceAlloc::new(ctx, (2 * shape.num_leaves() - 1) * 32)?,
            shape,
        })
    }

    /// Columns `0 .. columns` are written (in stream order): absorbs the
    /// full blocks they complete, unless every column is (then
    /// [`finish`](Self::finish) does).
    pub(crate) fn columns_written(&mut self, columns: usize) -> DeviceResult<()> {
        let words = (columns * self.limbs) as u64;
        let ready = ((words + 1) / SPONGE_RATE_LANES).min(self.blocks.0);
        if words >= self.words.words || ready <= self.blocks.1 {
            return Ok(());
        }
        let states = match &self.states {
            Some(s) => s.as_raw(),
            None => {
                let lanes = 25 * self.shape.num_leaves() * 8;
                self.states
                    .insert(DeviceAlloc::scratch(self.ctx, lanes)?)
                    .as_raw()
            }
        };
        self.launch((self.blocks.1, ready), false, states)?;
        self.blocks.1 = ready;
        Ok(())
    }

    /// Every column is written: the remaining blocks, the leaf digests,
    /// the nodes and the root.
    pub(crate) fn finish(self) -> DeviceResult<CudaMerkleTree> {
        let states = self.states.as_ref().map_or(0, DeviceAlloc::as_raw);
        self.launch((self.blocks.1, self.blocks.0), true, states)?;
        with_nodes(self.dev, self.ctx, self.shape, self.digests)
    }

    /// `merkle_leaves_blocks` over blocks `b0 .. b1` of every leaf.
    fn launch(&self, (b0, b1): (u64, u64), finish: bool, states: u64) -> DeviceResult<()> {
        let leaves_kernel = kernel(self.dev, KernelId::MerkleLeavesBlocks);
        let leaves = self.shape.num_leaves();
        let grid = Grid::linear(leaves, 128, self.dev)?;
        let (table, wpl, stride, n_leaves) = (
            self.words.table.as_raw(),
            self.words.words,
            self.words.stride,
            leaves as u64,
        );
        let (finish, digests) = (u32::from(finish), self.digests.as_raw());
        // SAFETY: matches merkle_leaves_blocks(const uint64_t* const*,
        // uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint32_t,
        // uint64_t*, uint64_t*); the table as in `hash_leaves`, its words
        // of blocks below b1 (all with `finish`) written before this launch
        // in stream order; `states` holds 25 lanes per leaf whenever b0 > 0
        // or the launch stores them (not `finish`); the digests hold the
        // leaves; all outlive the launch in stream order.
        unsafe {
            crate::launch!(self.ctx, leaves_kernel, grid; table, wpl, stride, n_leaves, b0, b1,
                finish, states, digests)
        }
    }
}

/// For each of `rows` (leaf indices of `matrices`, all of `height` rows):
/// the leaf's value words (none without matrices), then `depth` sibling
/// digests of `tree` above leaf `leaves[k]` (none when `depth` is 0), one
/// chunk per index.
struct Gather<'a> {
    tree: &'a CudaMerkleTree,
    height: usize,
    rows_per_leaf: usize,
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
        let gather = kernel(dev, KernelId::MerkleOpen);
        let shape = (self.height, self.rows_per_leaf);
        let words = LeafWords::new("merkle_open", ctx, matrices, shape)?;
        let per_opening = words.words as usize + 4 * self.depth as usize;
        let index_table = DeviceAlloc::scratch_words(ctx, indices)?;
        let out = DeviceAlloc::scratch(ctx, (per_opening * 8 * indices.len()).max(8))?;
        // one thread per output word
        let grid = Grid::linear(per_opening * indices.len(), 256, dev)?;
        let (wpl, stride, leaves, depth, count) = (
            words.words,
            words.stride,
            self.tree.shape.num_leaves() as u64,
            self.depth,
            indices.len() as u64,
        );
        let (table_ptr, digests_ptr, idx_ptr, out_ptr) = (
            words.table.as_raw(),
            self.tree.digests.as_raw(),
            index_table.as_raw(),
            out.as_raw(),
        );
        // SAFETY: matches merkle_open(const uint64_t* const*, uint64_t,
        // uint64_t, const uint64_t*, uint64_t, uint32_t, const uint64_t*,
        // uint64_t, uint64_t*); the table as in `hash_leaves`; every index
        // is a row group of the matrices and, when `depth > 0`, a leaf of
        // the tree; all buffers outlive the launch in stream order.
        unsafe {
            crate::launch!(ctx, gather, grid; table_ptr, wpl, stride, digests_ptr, leaves, depth,
                idx_ptr, count, out_ptr)
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
            depth,
        };
        let words = paths.run::<T>(dev, ctx, &[], &indices)?;
        for (o, chunk) in openings
            .iter_mut()
            .zip(words.chunks_exact(4 * depth as usize))
        {
            o.path = chunk.chunks_exact(4).map(digest_of).collect();
        }
    }
    Ok(openings)
}
