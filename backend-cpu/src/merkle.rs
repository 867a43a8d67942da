//! Keccak-256 Merkle trees over column-major matrices.
//!
//! Leaf `j` hashes `LEAF_PREFIX`, then rows `j * rpl .. (j + 1) * rpl`
//! (`rpl` rows per leaf); for each row, each matrix in commit order, that
//! row's values from column 0 up, each `Fp` coefficient absorbed as one
//! sponge lane straight from the matrix (see [`crate::keccak`]). Levels
//! above hash `NODE_PREFIX || left || right` (`backend_api::hash_node`).
//! Every digest layer is kept so that openings need no rehashing.
//!
//! A tables tree (`MerkleShape::table_heights`) first hashes each matrix's
//! rows on their own, then joins one row digest per matrix into each leaf
//! (`backend_api::hash_tables_leaf`).
//!
//! Hashing runs several leaves (or nodes) per Keccak permutation with the
//! widest vector kernel the CPU has (see [`crate::keccak::batch`]): column
//! major storage puts the same word of consecutive leaves side by side.
//! A large tree is hashed in tasks of 256 leaves, each task also hashing
//! the lowest node levels above its leaves while they are in cache
//! (`lower_layers`); one-row leaves of many base columns are first copied
//! into a tile whose columns do not share cache sets (`staged_leaves`).

use crate::alloc::zeroed_digests;
use crate::keccak::batch::{
    as_words, hash_leaves, hash_nodes, hash_tables_leaves, HashKernel, TableRows,
};
use backend_api::{DeviceElem, Digest, MerkleOpening, MerkleShape, MerkleTree};
use rayon::prelude::*;

/// Layers with fewer digests than this are hashed on one thread: spawning
/// would cost more than the hashing.
const SEQUENTIAL_BELOW: usize = 1 << 10;

/// Digests per parallel task: a multiple of every kernel width, small
/// enough to balance, large enough that task overhead is negligible.
const DIGESTS_PER_TASK: usize = 256;

/// A committed tree: every layer of digests, leaves first, root last.
#[derive(Clone, Debug)]
pub struct CpuMerkleTree {
    shape: MerkleShape,
    /// `layers[0]` has one digest per leaf; `layers.last()` is `[root]`.
    layers: Vec<Vec<Digest>>,
}

impl MerkleTree for CpuMerkleTree {
    fn root(&self) -> Digest {
        self.layers.last().expect("a tree has at least one layer")[0]
    }
    fn shape(&self) -> &MerkleShape {
        &self.shape
    }
}

impl CpuMerkleTree {
    /// All digest layers, leaf layer first.
    pub fn layers(&self) -> &[Vec<Digest>] {
        &self.layers
    }
}

/// Hashes one layer up: `parent[i] = node(child[2i], child[2i+1])`.
fn hash_layer(kernel: HashKernel, children: &[Digest]) -> Vec<Digest> {
    let mut parents = zeroed_digests(children.len() / 2);
    if parents.len() < SEQUENTIAL_BELOW {
        hash_nodes(kernel, children, &mut parents);
    } else {
        parents
            .par_chunks_mut(DIGESTS_PER_TASK)
            .zip(children.par_chunks(2 * DIGESTS_PER_TASK))
            .for_each(|(out, kids)| hash_nodes(kernel, kids, out));
    }
    parents
}

/// Node levels hashed in the same task as the leaves below them: a task's
/// [`DIGESTS_PER_TASK`] leaf digests and the 128 + 64 + ... + 8 nodes above
/// them while they are still in cache. That is all but 1/32 of the nodes,
/// so only the small layers above take a pass of their own over memory;
/// and every node level hashed here still fills whole vector groups.
const FUSED_LEVELS: usize = 5;

/// Where a tree's leaves come from: every column of every matrix, in commit
/// order, as raw words.
struct LeafSource<'a> {
    cols: Vec<&'a [u64]>,
    limbs: usize,
    rpl: usize,
}

impl<'a> LeafSource<'a> {
    fn new<T: DeviceElem>(bufs: &[&'a [T]], height: usize, rpl: usize) -> Self {
        let cols = bufs
            .iter()
            .flat_map(|buf| as_words(buf).chunks_exact(height * T::LIMBS))
            .collect();
        LeafSource {
            cols,
            limbs: T::LIMBS,
            rpl,
        }
    }

    /// Digests of leaves `first .. first + out.len()`; `tile` is the
    /// calling worker's scratch.
    fn hash(&self, kernel: HashKernel, first: usize, out: &mut [Digest], tile: &mut Vec<u64>) {
        let staged = self.limbs == 1 && self.rpl == 1 && self.cols.len() >= STAGE_FROM_COLUMNS;
        if staged {
            // A tile holds one task's rows.
            for (k, out) in out.chunks_mut(DIGESTS_PER_TASK).enumerate() {
                staged_leaves(kernel, &self.cols, first + k * DIGESTS_PER_TASK, out, tile);
            }
        } else {
            hash_leaves(kernel, &self.cols, self.limbs, self.rpl, first, out);
        }
    }
}

/// Digests of the `height / rpl` leaves of `bufs` (matrices of `height`
/// rows, hashed row by row together).
fn leaf_digests<T: DeviceElem>(
    kernel: HashKernel,
    bufs: &[&[T]],
    height: usize,
    rpl: usize,
) -> Vec<Digest> {
    let source = LeafSource::new(bufs, height, rpl);
    let mut out = zeroed_digests(height / rpl);
    if out.len() < SEQUENTIAL_BELOW {
        source.hash(kernel, 0, &mut out, &mut Vec::new());
    } else {
        // Consecutive leaves per task keep every column read sequential.
        out.par_chunks_mut(DIGESTS_PER_TASK)
            .enumerate()
            .for_each_init(Vec::new, |tile, (task, out)| {
                source.hash(kernel, task * DIGESTS_PER_TASK, out, tile)
            });
    }
    out
}

/// The leaf layer of `bufs` and, for a large tree, the [`FUSED_LEVELS`]
/// node layers above it, each task hashing its leaves and then their
/// subtree.
fn lower_layers<T: DeviceElem>(
    kernel: HashKernel,
    bufs: &[&[T]],
    height: usize,
    rpl: usize,
) -> Vec<Vec<Digest>> {
    let leaves = height / rpl;
    if leaves < SEQUENTIAL_BELOW {
        return vec![leaf_digests(kernel, bufs, height, rpl)];
    }
    let source = LeafSource::new(bufs, height, rpl);
    // `leaves` is a power of two >= SEQUENTIAL_BELOW, so every task's piece
    // of every fused layer is whole.
    let mut layers: Vec<Vec<Digest>> = (0..=FUSED_LEVELS)
        .map(|level| zeroed_digests(leaves >> level))
        .collect();
    let mut tasks: Vec<Vec<&mut [Digest]>> = (0..leaves / DIGESTS_PER_TASK)
        .map(|_| Vec::with_capacity(FUSED_LEVELS + 1))
        .collect();
    for (level, layer) in layers.iter_mut().enumerate() {
        for (task, piece) in tasks
            .iter_mut()
            .zip(layer.chunks_mut(DIGESTS_PER_TASK >> level))
        {
            task.push(piece);
        }
    }
    tasks
        .into_par_iter()
        .enumerate()
        .for_each_init(Vec::new, |tile, (t, mut pieces)| {
            source.hash(kernel, t * DIGESTS_PER_TASK, pieces[0], tile);
            for level in 1..pieces.len() {
                let (below, above) = pieces.split_at_mut(level);
                hash_nodes(kernel, below[level - 1], above[0]);
            }
        });
    layers
}

/// Base-field columns from which a task's rows are staged in a tile before
/// hashing (see [`staged_leaves`]).
const STAGE_FROM_COLUMNS: usize = 16;

/// Words from one column of a tile to the next: a task's rows and one cache
/// line more. Columns of a power-of-two height put the same row of every
/// column in one cache set, so hashing a group of rows straight from the
/// matrix keeps more lines of one set in flight than L1 and L2 have ways;
/// in the tile those lines fall in different sets.
const TILE_STRIDE: usize = DIGESTS_PER_TASK + 8;

/// Leaves `first .. first + out.len()` of one-row leaves of base columns:
/// the rows are copied column by column (sequential runs the hardware
/// prefetcher follows) into `tile`, then hashed from there.
fn staged_leaves(
    kernel: HashKernel,
    cols: &[&[u64]],
    first: usize,
    out: &mut [Digest],
    tile: &mut Vec<u64>,
) {
    let rows = out.len();
    tile.resize(cols.len() * TILE_STRIDE, 0);
    for (col, staged) in cols.iter().zip(tile.chunks_exact_mut(TILE_STRIDE)) {
        staged[..rows].copy_from_slice(&col[first..first + rows]);
    }
    let staged: Vec<&[u64]> = tile.chunks_exact(TILE_STRIDE).map(|t| &t[..rows]).collect();
    hash_leaves(kernel, &staged, 1, 1, 0, out);
}

/// The leaves of a tables tree: each matrix's row digests, joined per leaf.
fn table_leaf_digests<T: DeviceElem>(
    kernel: HashKernel,
    bufs: &[&[T]],
    shape: &MerkleShape,
) -> Vec<Digest> {
    let rows: Vec<Vec<Digest>> = bufs
        .iter()
        .enumerate()
        .map(|(i, buf)| leaf_digests(kernel, &[buf], shape.matrix_height(i), 1))
        .collect();
    let tables: Vec<TableRows> = rows
        .iter()
        .map(|digests| TableRows {
            digests,
            shift: (shape.height / digests.len()).trailing_zeros(),
        })
        .collect();
    let mut out = zeroed_digests(shape.height);
    if out.len() < SEQUENTIAL_BELOW {
        hash_tables_leaves(kernel, &tables, 0, &mut out);
    } else {
        out.par_chunks_mut(DIGESTS_PER_TASK)
            .enumerate()
            .for_each(|(task, out)| {
                hash_tables_leaves(kernel, &tables, task * DIGESTS_PER_TASK, out)
            });
    }
    out
}

/// Builds the tree (arguments already checked into `shape`).
pub fn commit<T: DeviceElem>(bufs: &[&[T]], shape: MerkleShape) -> CpuMerkleTree {
    let kernel = HashKernel::detect();
    let mut layers = match shape.table_heights {
        Some(_) => vec![table_leaf_digests(kernel, bufs, &shape)],
        None => lower_layers(kernel, bufs, shape.height, shape.rows_per_leaf),
    };
    while layers.last().expect("non-empty").len() > 1 {
        let next = hash_layer(kernel, layers.last().expect("non-empty"));
        layers.push(next);
    }
    CpuMerkleTree { shape, layers }
}

/// The opening of leaf `leaf` (arguments already checked).
pub fn open<T: DeviceElem>(tree: &CpuMerkleTree, bufs: &[&[T]], leaf: usize) -> MerkleOpening<T> {
    let shape = &tree.shape;
    let rpl = shape.rows_per_leaf;
    let mut values = Vec::with_capacity(shape.leaf_len());
    for r in 0..rpl {
        for (i, buf) in bufs.iter().enumerate() {
            let row = shape.matrix_row(i, leaf * rpl + r);
            for col in buf.chunks_exact(shape.matrix_height(i)) {
                values.push(col[row]);
            }
        }
    }
    let path = tree.layers[..tree.layers.len() - 1]
        .iter()
        .enumerate()
        .map(|(level, layer)| layer[(leaf >> level) ^ 1])
        .collect();
    MerkleOpening {
        leaf_index: leaf,
        values,
        path,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use backend_api::rng::SplitMix64;
    use backend_api::Fp;

    #[test]
    fn staged_leaves_equal_leaves_hashed_in_place() {
        // Enough columns for the staged path; leaves hashed on one thread
        // in several tiles (the last one partial), and in parallel tasks;
        // every kernel the CPU has.
        let width = STAGE_FROM_COLUMNS + 1;
        let mut rng = SplitMix64::new(5);
        for height in [
            2 * DIGESTS_PER_TASK + 8,
            SEQUENTIAL_BELOW + 3 * DIGESTS_PER_TASK,
        ] {
            let data: Vec<Fp> = (0..width * height)
                .map(|_| Fp::new(rng.next_u64()))
                .collect();
            let cols: Vec<&[u64]> = as_words(&data).chunks_exact(height).collect();
            for kernel in HashKernel::supported() {
                let staged = leaf_digests(kernel, &[&data], height, 1);
                let mut direct = vec![[0u8; 32]; height];
                hash_leaves(kernel, &cols, 1, 1, 0, &mut direct);
                assert_eq!(staged, direct, "{kernel:?} height {height}");
                let last: Vec<Fp> = (0..width).map(|c| data[c * height + height - 1]).collect();
                assert_eq!(
                    staged[height - 1],
                    backend_api::hash_leaf(&last),
                    "{kernel:?}"
                );
            }
        }
    }

    #[test]
    fn fused_lower_levels_equal_the_definition() {
        // A tree large enough for the fused levels, with one-row leaves
        // of many columns (staged) and of one column, and two-row leaves.
        let mut rng = SplitMix64::new(9);
        let height = 4 * SEQUENTIAL_BELOW;
        for (width, rpl) in [(STAGE_FROM_COLUMNS, 1), (3, 2), (1, 1)] {
            let data: Vec<Fp> = (0..width * height)
                .map(|_| Fp::new(rng.next_u64()))
                .collect();
            let shape = MerkleShape {
                kind: backend_api::ElemKind::Base,
                height,
                widths: vec![width],
                rows_per_leaf: rpl,
                table_heights: None,
            };
            let tree = commit(&[data.as_slice()], shape);
            let leaf = |j: usize| {
                let values: Vec<Fp> = (j * rpl..(j + 1) * rpl)
                    .flat_map(|r| (0..width).map(move |c| (c, r)))
                    .map(|(c, r)| data[c * height + r])
                    .collect();
                backend_api::hash_leaf(&values)
            };
            let mut layer: Vec<Digest> = (0..height / rpl).map(leaf).collect();
            for (level, got) in tree.layers().iter().enumerate() {
                assert_eq!(got, &layer, "width {width} rpl {rpl} level {level}");
                layer = layer
                    .chunks_exact(2)
                    .map(|p| backend_api::hash_node(&p[0], &p[1]))
                    .collect();
            }
            assert_eq!(tree.layers().last().map(Vec::len), Some(1));
        }
    }
}
