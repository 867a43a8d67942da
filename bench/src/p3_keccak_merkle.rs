//! Plonky3's Keccak-256 Merkle commitment, configured as the closest
//! equivalent of ours: one leaf per row, leaf = Keccak-256 of the row's
//! field elements serialized 8 bytes each (`SerializingHasher` over
//! `Keccak256Hash`), node = Keccak-256(left || right)
//! (`CompressionFunctionFromHasher<Keccak256Hash, 2, 32>`), arity 2, cap
//! height 0 (a single root). The one difference: Plonky3 serializes each
//! Goldilocks element little-endian, ours big-endian; the messages have the
//! same lengths (8 bytes per element, 64 per node), so the same number of
//! Keccak-f permutations, but the roots differ.

use p3_commit::Mmcs;
use p3_goldilocks::Goldilocks;
use p3_matrix::dense::RowMajorMatrix;
use p3_matrix::Matrix;
use p3_merkle_tree::MerkleTreeMmcs;
use p3_symmetric::{CompressionFunctionFromHasher, SerializingHasher};
use sha3::{Digest as _, Keccak256};

type LeafHash = SerializingHasher<p3_keccak::Keccak256Hash>;
type NodeHash = CompressionFunctionFromHasher<p3_keccak::Keccak256Hash, 2, 32>;
/// Plonky3's binary Keccak-256 Merkle tree over Goldilocks rows.
pub type P3KeccakMmcs = MerkleTreeMmcs<Goldilocks, u8, LeafHash, NodeHash, 2, 32>;

pub fn p3_keccak_mmcs() -> P3KeccakMmcs {
    MerkleTreeMmcs::new(
        SerializingHasher::new(p3_keccak::Keccak256Hash),
        CompressionFunctionFromHasher::new(p3_keccak::Keccak256Hash),
        0,
    )
}

/// Commits one row-major matrix and returns the root.
pub fn p3_commit_root<M: Matrix<Goldilocks>>(mmcs: &P3KeccakMmcs, m: M) -> [u8; 32] {
    let (cap, tree) = mmcs.commit(vec![m]);
    drop(tree);
    cap.roots()[0]
}

/// The root Plonky3's configuration should produce, computed here with
/// `sha3` from its definition: Keccak-256 of each row's elements as 8-byte
/// little-endian words, then Keccak-256(left || right) up to the root.
/// Checks that [`p3_commit_root`] does the hashing work described above.
pub fn expected_p3_root(m: &RowMajorMatrix<Goldilocks>) -> [u8; 32] {
    use p3_field::PrimeField64;
    let mut layer: Vec<[u8; 32]> = m
        .rows()
        .map(|row| {
            let mut h = Keccak256::new();
            for v in row {
                h.update(v.as_canonical_u64().to_le_bytes());
            }
            h.finalize().into()
        })
        .collect();
    while layer.len() > 1 {
        layer = layer
            .chunks_exact(2)
            .map(|p| {
                let mut h = Keccak256::new();
                h.update(p[0]);
                h.update(p[1]);
                h.finalize().into()
            })
            .collect();
    }
    layer[0]
}
