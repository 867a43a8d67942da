//! Keccak-256 Merkle trees over column-major matrices.
//!
//! Leaf `j` hashes rows `j * rpl .. (j + 1) * rpl` (`rpl` rows per leaf); for
//! each row, each matrix in commit order, that row's values from column 0
//! up, each `Fp` coefficient absorbed as one sponge lane straight from the
//! matrix (see [`crate::keccak`]). Levels above hash `left || right`.
//! Every digest layer is kept so that openings need no rehashing.

use crate::keccak::{node, Sponge};
use backend_api::{DeviceElem, Digest, MerkleOpening, MerkleShape, MerkleTree};
use rayon::prelude::*;

/// Layers with fewer digests than this are hashed on one thread: spawning
/// would cost more than the hashing.
const SEQUENTIAL_BELOW: usize = 1 << 10;

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

/// The digest of leaf `leaf` over the column-major buffers `bufs`.
#[inline]
fn hash_leaf_at<T: DeviceElem>(bufs: &[&[T]], height: usize, rpl: usize, leaf: usize) -> Digest {
    let mut sponge = Sponge::new();
    for row in leaf * rpl..(leaf + 1) * rpl {
        for buf in bufs {
            for col in buf.chunks_exact(height) {
                for limb in col[row].limbs() {
                    sponge.absorb_be(limb.value());
                }
            }
        }
    }
    sponge.finish()
}

/// Hashes one layer up: `parent[i] = node(child[2i], child[2i+1])`.
fn hash_layer(children: &[Digest]) -> Vec<Digest> {
    let parent = |pair: &[Digest]| node(&pair[0], &pair[1]);
    if children.len() < SEQUENTIAL_BELOW {
        children.chunks_exact(2).map(parent).collect()
    } else {
        children.par_chunks_exact(2).map(parent).collect()
    }
}

/// Builds the tree (arguments already checked into `shape`).
pub fn commit<T: DeviceElem>(bufs: &[&[T]], shape: MerkleShape) -> CpuMerkleTree {
    let (h, rpl) = (shape.height, shape.rows_per_leaf);
    let leaves = shape.num_leaves();
    let leaf = |j: usize| hash_leaf_at(bufs, h, rpl, j);
    let first: Vec<Digest> = if leaves < SEQUENTIAL_BELOW {
        (0..leaves).map(leaf).collect()
    } else {
        // Consecutive leaves per task keep every column read sequential.
        (0..leaves)
            .into_par_iter()
            .with_min_len(64)
            .map(leaf)
            .collect()
    };
    let mut layers = vec![first];
    while layers.last().expect("non-empty").len() > 1 {
        let next = hash_layer(layers.last().expect("non-empty"));
        layers.push(next);
    }
    CpuMerkleTree { shape, layers }
}

/// The opening of leaf `leaf` (arguments already checked).
pub fn open<T: DeviceElem>(tree: &CpuMerkleTree, bufs: &[&[T]], leaf: usize) -> MerkleOpening<T> {
    let shape = &tree.shape;
    let (h, rpl) = (shape.height, shape.rows_per_leaf);
    let mut values = Vec::with_capacity(shape.leaf_len());
    for row in leaf * rpl..(leaf + 1) * rpl {
        for buf in bufs {
            for col in buf.chunks_exact(h) {
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
