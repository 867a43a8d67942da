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
    let mut parents = vec![[0u8; 32]; children.len() / 2];
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

/// Digests of the `height / rpl` leaves of `bufs` (matrices of `height`
/// rows, hashed row by row together).
fn leaf_digests<T: DeviceElem>(
    kernel: HashKernel,
    bufs: &[&[T]],
    height: usize,
    rpl: usize,
) -> Vec<Digest> {
    // Every column of every matrix, in commit order, as raw words.
    let cols: Vec<&[u64]> = bufs
        .iter()
        .flat_map(|buf| as_words(buf).chunks_exact(height * T::LIMBS))
        .collect();
    let mut out = vec![[0u8; 32]; height / rpl];
    if out.len() < SEQUENTIAL_BELOW {
        hash_leaves(kernel, &cols, T::LIMBS, rpl, 0, &mut out);
    } else if T::LIMBS == 1 && rpl == 1 && cols.len() >= STAGE_FROM_COLUMNS {
        out.par_chunks_mut(DIGESTS_PER_TASK)
            .enumerate()
            .for_each_init(Vec::new, |tile, (task, out)| {
                staged_leaves(kernel, &cols, task * DIGESTS_PER_TASK, out, tile)
            });
    } else {
        // Consecutive leaves per task keep every column read sequential.
        out.par_chunks_mut(DIGESTS_PER_TASK)
            .enumerate()
            .for_each(|(task, out)| {
                hash_leaves(kernel, &cols, T::LIMBS, rpl, task * DIGESTS_PER_TASK, out)
            });
    }
    out
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
    let mut out = vec![[0u8; 32]; shape.height];
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
    let first = match shape.table_heights {
        Some(_) => table_leaf_digests(kernel, bufs, &shape),
        None => leaf_digests(kernel, bufs, shape.height, shape.rows_per_leaf),
    };
    let mut layers = vec![first];
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
        // Enough columns and leaves for the staged path, a partial last
        // task, and every kernel the CPU has.
        let (width, height) = (
            STAGE_FROM_COLUMNS + 1,
            SEQUENTIAL_BELOW + 3 * DIGESTS_PER_TASK,
        );
        let mut rng = SplitMix64::new(5);
        let data: Vec<Fp> = (0..width * height)
            .map(|_| Fp::new(rng.next_u64()))
            .collect();
        for kernel in HashKernel::supported() {
            let staged = leaf_digests(kernel, &[&data], height, 1);
            let cols: Vec<&[u64]> = as_words(&data).chunks_exact(height).collect();
            let mut direct = vec![[0u8; 32]; height];
            hash_leaves(kernel, &cols, 1, 1, 0, &mut direct);
            assert_eq!(staged, direct, "{kernel:?}");
            let last = (0..width).map(|c| data[c * height + height - 1]);
            assert_eq!(
                staged[height - 1],
                backend_api::hash_leaf(&last.collect::<Vec<_>>()),
                "{kernel:?}"
            );
        }
    }
}
