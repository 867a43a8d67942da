//! Merkle commitment and openings (`ProverDevice::merkle_commit`,
//! `merkle_open`) over a tree kept in one array, heap-ordered: node 1 is
//! the root, node `i` has children `2i` and `2i + 1`, and the `L` leaves
//! are nodes `L..2L`. Leaf `j` hashes, for each of its `rows_per_leaf`
//! rows in turn, each matrix's row from column 0 up
//! (`backend_api::hash_leaf`); inner nodes hash their two children
//! (`backend_api::hash_node`). A tables tree (`MerkleShape::table_heights`)
//! joins each matrix's row digest per leaf (`backend_api::hash_tables_leaf`).

use backend_api::{
    hash_node, DeviceElem, Digest, HostMatrix, MerkleOpening, MerkleShape, MerkleTree,
};

/// A tree built by `SimpleDevice`.
#[derive(Clone, Debug)]
pub struct FlatTree {
    shape: MerkleShape,
    /// `nodes[0]` is unused; `nodes.len() == 2 * num_leaves`.
    nodes: Vec<Digest>,
}

impl MerkleTree for FlatTree {
    fn root(&self) -> Digest {
        self.nodes[1]
    }
    fn shape(&self) -> &MerkleShape {
        &self.shape
    }
}

/// The values leaf `leaf` holds, in opening order: per row of the leaf,
/// per matrix, that matrix's row there from column 0 up.
fn leaf_values<T: DeviceElem>(
    matrices: &[&HostMatrix<T>],
    shape: &MerkleShape,
    leaf: usize,
) -> Vec<T> {
    let rpl = shape.rows_per_leaf;
    (leaf * rpl..(leaf + 1) * rpl)
        .flat_map(|r| {
            matrices.iter().enumerate().flat_map(move |(i, m)| {
                let row = shape.matrix_row(i, r);
                (0..m.width()).map(move |c| m.get(row, c))
            })
        })
        .collect()
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

impl FlatTree {
    /// The tree over `matrices`, of the checked `shape`.
    pub(crate) fn build<T: DeviceElem>(
        matrices: &[&HostMatrix<T>],
        shape: MerkleShape,
    ) -> FlatTree {
        let leaves = shape.num_leaves();
        let mut nodes = vec![[0u8; 32]; 2 * leaves];
        for j in 0..leaves {
            nodes[leaves + j] = leaf_digest(matrices, &shape, j);
        }
        for i in (1..leaves).rev() {
            nodes[i] = hash_node(&nodes[2 * i], &nodes[2 * i + 1]);
        }
        FlatTree { shape, nodes }
    }

    /// The opening of a checked leaf index: its values and the siblings on
    /// the way up.
    pub(crate) fn open<T: DeviceElem>(
        &self,
        matrices: &[&HostMatrix<T>],
        leaf: usize,
    ) -> MerkleOpening<T> {
        let mut path = Vec::new();
        let mut i = self.shape.num_leaves() + leaf;
        while i > 1 {
            path.push(self.nodes[i ^ 1]);
            i >>= 1;
        }
        MerkleOpening {
            leaf_index: leaf,
            values: leaf_values(matrices, &self.shape, leaf),
            path,
        }
    }
}
