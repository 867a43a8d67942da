//! Openings of one Merkle tree at many leaves with every digest sent once
//! (docs/PROTOCOL.md, "Batch openings").
//!
//! For the distinct opened leaves `L` (increasing), the verifier hashes
//! each leaf, then climbs the tree level by level: at each level, for each
//! known node in increasing index, the parent is the hash of the node and
//! its sibling, where the sibling is the next known node if that is it, or
//! else the next digest of [`BatchOpening::nodes`]. A query opened twice
//! costs nothing extra, and paths share every node above their meeting
//! point. A tree of `2^d` leaves opened at `q` random leaves sends about
//! `q (d - log2 q + 1)` digests instead of `q d`.

use backend_api::{hash_node, DeviceElem, Digest, MerkleOpening, MerkleShape};

/// One tree's openings at a set of leaves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BatchOpening<T> {
    /// The values of each distinct opened leaf, in increasing leaf order.
    pub leaves: Vec<Vec<T>>,
    /// The sibling digests the opened leaves do not determine: level by
    /// level from the leaves up, in increasing node index within a level.
    pub nodes: Vec<Digest>,
}

/// Why a batch opening does not verify.
#[derive(Copy, Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BatchError {
    /// The number of leaf value vectors is not the number of distinct
    /// indices.
    #[error("{got} leaves opened, {expected} distinct indices queried")]
    LeafCount {
        /// Distinct indices.
        expected: usize,
        /// Leaves in the opening.
        got: usize,
    },
    /// A leaf does not hold the tree's number of values per leaf.
    #[error("a leaf holds {got} values, the tree's leaves hold {expected}")]
    LeafLength {
        /// Values per leaf of the tree.
        expected: usize,
        /// Values in the leaf.
        got: usize,
    },
    /// The opening has fewer sibling digests than the climb needs.
    #[error("too few sibling digests")]
    MissingNodes,
    /// The opening has sibling digests the climb did not use.
    #[error("{0} sibling digests more than needed")]
    ExtraNodes(usize),
    /// An index is past the tree's leaves.
    #[error("leaf index {index} of a tree of {leaves} leaves")]
    IndexOutOfRange {
        /// The index.
        index: usize,
        /// The tree's leaves.
        leaves: usize,
    },
    /// The recomputed root differs from the committed one.
    #[error("the recomputed root differs from the committed one")]
    RootMismatch,
}

/// The distinct values of `indices`, increasing.
pub fn distinct(indices: &[usize]) -> Vec<usize> {
    let mut v = indices.to_vec();
    v.sort_unstable();
    v.dedup();
    v
}

/// The batch opening made of `openings`: one full opening per distinct leaf
/// in increasing order (what `ProverDevice::merkle_open` returns for
/// [`distinct`] indices), all of one tree.
pub fn prune<T>(openings: Vec<MerkleOpening<T>>) -> BatchOpening<T> {
    let depth = openings.first().map_or(0, |o| o.path.len());
    // (node index at this level, an opening below it)
    let mut known: Vec<(usize, usize)> = openings
        .iter()
        .enumerate()
        .map(|(i, o)| (o.leaf_index, i))
        .collect();
    let mut nodes = Vec::new();
    for level in 0..depth {
        let mut next = Vec::with_capacity(known.len());
        let mut i = 0;
        while i < known.len() {
            let (k, rep) = known[i];
            let paired = k % 2 == 0 && known.get(i + 1).is_some_and(|&(k1, _)| k1 == k + 1);
            if paired {
                i += 2;
            } else {
                nodes.push(openings[rep].path[level]);
                i += 1;
            }
            next.push((k / 2, rep));
        }
        known = next;
    }
    BatchOpening {
        leaves: openings.into_iter().map(|o| o.values).collect(),
        nodes,
    }
}

/// Checks `batch` against `root` for a tree of `shape` (whose leaves it
/// hashes by [`MerkleShape::leaf_digest`]) opened at the distinct,
/// increasing `indices`.
pub fn verify_batch<T: DeviceElem>(
    root: &Digest,
    shape: &MerkleShape,
    indices: &[usize],
    batch: &BatchOpening<T>,
) -> Result<(), BatchError> {
    let num_leaves = shape.num_leaves();
    if batch.leaves.len() != indices.len() {
        return Err(BatchError::LeafCount {
            expected: indices.len(),
            got: batch.leaves.len(),
        });
    }
    if let Some(&index) = indices.iter().find(|&&i| i >= num_leaves) {
        return Err(BatchError::IndexOutOfRange {
            index,
            leaves: num_leaves,
        });
    }
    let mut known: Vec<(usize, Digest)> = Vec::with_capacity(indices.len());
    for (&i, values) in indices.iter().zip(&batch.leaves) {
        let digest = shape.leaf_digest(values).ok_or(BatchError::LeafLength {
            expected: shape.leaf_len(),
            got: values.len(),
        })?;
        known.push((i, digest));
    }
    let mut nodes = batch.nodes.iter();
    let mut width = num_leaves;
    while width > 1 {
        let mut next = Vec::with_capacity(known.len());
        let mut i = 0;
        while i < known.len() {
            let (k, h) = known[i];
            let right = known
                .get(i + 1)
                .filter(|&&(k1, _)| k % 2 == 0 && k1 == k + 1);
            let parent = match right {
                Some((_, r)) => {
                    i += 2;
                    hash_node(&h, r)
                }
                None => {
                    let s = nodes.next().ok_or(BatchError::MissingNodes)?;
                    i += 1;
                    if k % 2 == 0 {
                        hash_node(&h, s)
                    } else {
                        hash_node(s, &h)
                    }
                }
            };
            next.push((k / 2, parent));
        }
        known = next;
        width /= 2;
    }
    let extra = nodes.count();
    if extra > 0 {
        return Err(BatchError::ExtraNodes(extra));
    }
    match known.as_slice() {
        [(_, r)] if r == root => Ok(()),
        _ => Err(BatchError::RootMismatch),
    }
}

/// The values of leaf `leaf` in `batch`, opened at the distinct increasing
/// `indices`; `None` if `leaf` was not opened.
pub fn leaf_values<'b, T>(
    batch: &'b BatchOpening<T>,
    indices: &[usize],
    leaf: usize,
) -> Option<&'b [T]> {
    let i = indices.binary_search(&leaf).ok()?;
    batch.leaves.get(i).map(Vec::as_slice)
}

#[cfg(test)]
mod tests {
    use super::*;
    use backend_api::{hash_leaf, ElemKind, Fp};

    /// A tree of `leaves` leaves of one value each.
    fn shape(leaves: usize) -> MerkleShape {
        MerkleShape::of_tables(ElemKind::Base, &[(1, leaves)])
    }

    /// A tree over `leaves` one-value leaves, built here from the
    /// definitions: the root and each leaf's full opening.
    fn tree(leaves: usize) -> (Digest, Vec<MerkleOpening<Fp>>) {
        let values: Vec<Vec<Fp>> = (0..leaves)
            .map(|i| vec![Fp::new(i as u64 * 7 + 1)])
            .collect();
        let mut levels = vec![values.iter().map(|v| hash_leaf(v)).collect::<Vec<_>>()];
        while levels.last().unwrap().len() > 1 {
            let up = levels
                .last()
                .unwrap()
                .chunks(2)
                .map(|p| hash_node(&p[0], &p[1]))
                .collect();
            levels.push(up);
        }
        let root = levels.last().unwrap()[0];
        let openings = (0..leaves)
            .map(|i| MerkleOpening {
                leaf_index: i,
                values: values[i].clone(),
                path: (0..levels.len() - 1)
                    .map(|d| levels[d][(i >> d) ^ 1])
                    .collect(),
            })
            .collect();
        (root, openings)
    }

    fn batch(all: &[MerkleOpening<Fp>], indices: &[usize]) -> BatchOpening<Fp> {
        prune(indices.iter().map(|&i| all[i].clone()).collect())
    }

    #[test]
    fn pruned_openings_verify_and_share_nodes() {
        let (root, all) = tree(16);
        for queries in [vec![3], vec![0, 1], vec![5, 5, 2, 14, 3], (0..16).collect()] {
            let idx = distinct(&queries);
            let b = batch(&all, &idx);
            verify_batch(&root, &shape(16), &idx, &b).unwrap();
            assert!(b.nodes.len() <= 4 * idx.len());
        }
        // Every leaf opened: no sibling digest is needed.
        assert!(batch(&all, &(0..16).collect::<Vec<_>>()).nodes.is_empty());
        // Siblings 0 and 1: the path above them only.
        assert_eq!(batch(&all, &[0, 1]).nodes.len(), 3);
        let (root1, one) = tree(1);
        verify_batch(&root1, &shape(1), &[0], &batch(&one, &[0])).unwrap();
    }

    #[test]
    fn every_change_is_rejected() {
        let (root, all) = tree(16);
        let idx = distinct(&[2, 9, 10, 15]);
        let good = batch(&all, &idx);
        for n in 0..good.nodes.len() {
            let mut b = good.clone();
            b.nodes[n][0] ^= 1;
            assert_eq!(
                verify_batch(&root, &shape(16), &idx, &b),
                Err(BatchError::RootMismatch)
            );
        }
        let mut b = good.clone();
        b.leaves[1].push(Fp::ONE);
        assert_eq!(
            verify_batch(&root, &shape(16), &idx, &b),
            Err(BatchError::LeafLength {
                expected: 1,
                got: 2
            })
        );
        for l in 0..good.leaves.len() {
            let mut b = good.clone();
            b.leaves[l][0] += Fp::ONE;
            assert_eq!(
                verify_batch(&root, &shape(16), &idx, &b),
                Err(BatchError::RootMismatch)
            );
        }
        let mut b = good.clone();
        b.nodes.pop();
        assert_eq!(
            verify_batch(&root, &shape(16), &idx, &b),
            Err(BatchError::MissingNodes)
        );
        let mut b = good.clone();
        b.nodes.push([0; 32]);
        assert_eq!(
            verify_batch(&root, &shape(16), &idx, &b),
            Err(BatchError::ExtraNodes(1))
        );
        let other = distinct(&[2, 9, 11, 15]);
        assert!(verify_batch(&root, &shape(16), &other, &good).is_err());
        assert!(matches!(
            verify_batch(&root, &shape(16), &[2, 9, 10, 16], &good),
            Err(BatchError::IndexOutOfRange { index: 16, .. })
        ));
        assert!(matches!(
            verify_batch(&root, &shape(16), &idx[..3], &good),
            Err(BatchError::LeafCount { .. })
        ));
    }
}
