//! Sequential Keccak Merkle tree: every level kept, leaves first.

use backend_api::{
    hash_leaf, hash_node, DeviceElem, DeviceResult, Digest, HostMatrix, MerkleOpening, MerkleShape,
    MerkleTree,
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

/// The values of leaf `leaf`: for each of its rows, for each matrix, the row
/// from column 0 up.
fn leaf_values<T: DeviceElem>(
    matrices: &[&HostMatrix<T>],
    rows_per_leaf: usize,
    leaf: usize,
) -> Vec<T> {
    let mut values = Vec::new();
    for r in leaf * rows_per_leaf..(leaf + 1) * rows_per_leaf {
        for m in matrices {
            for c in 0..m.width() {
                values.push(m.get(r, c));
            }
        }
    }
    values
}

pub(crate) fn commit<T: DeviceElem>(
    matrices: &[&HostMatrix<T>],
    shape: MerkleShape,
) -> DeviceResult<ReferenceTree> {
    let leaves: Vec<Digest> = (0..shape.num_leaves())
        .map(|j| hash_leaf(&leaf_values(matrices, shape.rows_per_leaf, j)))
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
            values: leaf_values(matrices, tree.shape.rows_per_leaf, leaf),
            path: (0..depth)
                .map(|level| tree.levels[level][(leaf >> level) ^ 1])
                .collect(),
        })
        .collect())
}
