//! Sequential Keccak Merkle tree: every level kept, leaves first.

use backend_api::{
    hash_node, DeviceElem, DeviceResult, Digest, HostMatrix, MerkleOpening, MerkleShape, MerkleTree,
};

/// A tree built by the reference device: `levels[0]` are the leaf digests,
/// the last level holds the root alone.
#[derive(Clone, Debug)]
pub struct ReferenceTree {
    shape: MerkleShape,
    levels: Vec<Vec<Digest>>,
}

impl MerkleTree for ReferenceTree {
    fn root(&self) -> Digest {
        self.levels.last().expect("a tree has at least one level")[0]
    }
    fn shape(&self) -> &MerkleShape {
        &self.shape
    }
}

/// The values of leaf `leaf`: for each of its rows, for each matrix, that
/// matrix's row there ([`MerkleShape::matrix_row`]) from column 0 up.
fn leaf_values<T: DeviceElem>(
    matrices: &[&HostMatrix<T>],
    shape: &MerkleShape,
    leaf: usize,
) -> Vec<T> {
    let mut values = Vec::new();
    let rpl = shape.rows_per_leaf;
    for r in leaf * rpl..(leaf + 1) * rpl {
        for (i, m) in matrices.iter().enumerate() {
            let row = shape.matrix_row(i, r);
            for c in 0..m.width() {
                values.push(m.get(row, c));
            }
        }
    }
    values
}

/// Leaf `leaf`'s digest, as the tree's shape hashes its values
/// (`MerkleShape::leaf_digest`: the values together, or for a tables tree
/// each matrix's row alone, the row digests joined).
fn leaf_digest<T: DeviceElem>(
    matrices: &[&HostMatrix<T>],
    shape: &MerkleShape,
    leaf: usize,
) -> Digest {
    shape
        .leaf_digest(&leaf_values(matrices, shape, leaf))
        .expect("leaf_values gives a leaf's worth of values")
}

pub(crate) fn commit<T: DeviceElem>(
    matrices: &[&HostMatrix<T>],
    shape: MerkleShape,
) -> DeviceResult<ReferenceTree> {
    let leaves: Vec<Digest> = (0..shape.num_leaves())
        .map(|j| leaf_digest(matrices, &shape, j))
        .collect();
    let mut levels = vec![leaves];
    while levels.last().expect("non-empty").len() > 1 {
        let below = levels.last().expect("non-empty");
        let above = below.chunks(2).map(|p| hash_node(&p[0], &p[1])).collect();
        levels.push(above);
    }
    Ok(ReferenceTree { shape, levels })
}

pub(crate) fn open<T: DeviceElem>(
    tree: &ReferenceTree,
    matrices: &[&HostMatrix<T>],
    leaf_indices: &[usize],
) -> DeviceResult<Vec<MerkleOpening<T>>> {
    let depth = tree.shape.depth();
    Ok(leaf_indices
        .iter()
        .map(|&leaf| MerkleOpening {
            leaf_index: leaf,
            values: leaf_values(matrices, &tree.shape, leaf),
            path: (0..depth)
                .map(|level| tree.levels[level][(leaf >> level) ^ 1])
                .collect(),
        })
        .collect())
}
