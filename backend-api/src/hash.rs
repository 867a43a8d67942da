//! Keccak-256 (original Keccak padding, as Ethereum uses it), Merkle leaf and
//! node hashing, path verification, and the proof-of-work predicate.
//! These are the definitions every backend must reproduce byte for byte.
//!
//! Merkle hashing is domain-separated: a leaf hashes [`LEAF_PREFIX`] before
//! its values and a node hashes [`NODE_PREFIX`] before its children, so that
//! no leaf's bytes can be read as a node (or the other way round). Each
//! prefix is a one-byte tag followed by seven zero bytes: one whole 8-byte
//! Keccak lane, so that field elements and digests after it stay aligned to
//! lanes and vectorized backends absorb them without byte shuffles.

use crate::field::DeviceElem;
use sha3::{Digest as _, Keccak256};

/// A 32-byte Keccak-256 digest.
pub type Digest = [u8; 32];

/// Keccak-256 of `bytes`.
pub fn keccak256(bytes: &[u8]) -> Digest {
    Keccak256::digest(bytes).into()
}

/// The tag byte of a Merkle leaf (first byte of [`LEAF_PREFIX`]).
pub const LEAF_TAG: u8 = 0x00;
/// The tag byte of a Merkle node (first byte of [`NODE_PREFIX`]).
pub const NODE_TAG: u8 = 0x01;
/// The tag byte of a tables-tree leaf (first byte of [`TABLES_PREFIX`]).
pub const TABLES_TAG: u8 = 0x02;
/// Hashed before a leaf's values: [`LEAF_TAG`], then seven zero bytes.
pub const LEAF_PREFIX: [u8; 8] = [LEAF_TAG, 0, 0, 0, 0, 0, 0, 0];
/// Hashed before a node's children: [`NODE_TAG`], then seven zero bytes.
pub const NODE_PREFIX: [u8; 8] = [NODE_TAG, 0, 0, 0, 0, 0, 0, 0];

/// Hashed before a tables-tree leaf's row digests: [`TABLES_TAG`], then
/// seven zero bytes.
pub const TABLES_PREFIX: [u8; 8] = [TABLES_TAG, 0, 0, 0, 0, 0, 0, 0];

/// A Merkle leaf: Keccak-256(`LEAF_PREFIX` || the canonical bytes of its
/// values, in order).
pub fn hash_leaf<T: DeviceElem>(values: &[T]) -> Digest {
    let mut hasher = Keccak256::new();
    hasher.update(LEAF_PREFIX);
    let mut buf = [0u8; 24];
    for v in values {
        v.encode_into(&mut buf);
        hasher.update(&buf[..T::BYTES]);
    }
    hasher.finalize().into()
}

/// A leaf of a tree over several tables
/// ([`merkle_commit_tables`](crate::ProverDevice::merkle_commit_tables)):
/// Keccak-256(`TABLES_PREFIX` || `row_digests[0]` || `row_digests[1]` || ..),
/// each row digest the [`hash_leaf`] of one table's row.
pub fn hash_tables_leaf(row_digests: &[Digest]) -> Digest {
    let mut hasher = Keccak256::new();
    hasher.update(TABLES_PREFIX);
    for d in row_digests {
        hasher.update(d);
    }
    hasher.finalize().into()
}

/// A Merkle node: Keccak-256(`NODE_PREFIX` || left || right).
pub fn hash_node(left: &Digest, right: &Digest) -> Digest {
    let mut hasher = Keccak256::new();
    hasher.update(NODE_PREFIX);
    hasher.update(left);
    hasher.update(right);
    hasher.finalize().into()
}

/// What a Merkle opening proves: the values of one leaf and the sibling
/// digests from the leaf's level up to (not including) the root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MerkleOpening<T> {
    /// Index of the leaf, `0 <= leaf_index < num_leaves`.
    pub leaf_index: usize,
    /// The leaf's values in hashing order: for each of the leaf's
    /// `rows_per_leaf` rows in turn, for each committed matrix in turn, that
    /// row's values from column 0 up.
    pub values: Vec<T>,
    /// Sibling digests, leaf level first; `log2(num_leaves)` of them.
    pub path: Vec<Digest>,
}

/// Why a Merkle path did not verify.
#[derive(Copy, Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MerklePathError {
    /// The path does not have `log2(num_leaves)` siblings.
    #[error("path has {got} siblings, a tree of {num_leaves} leaves needs {expected}")]
    PathLength {
        /// Siblings given.
        got: usize,
        /// Siblings needed, `log2(num_leaves)`.
        expected: usize,
        /// Leaves of the tree.
        num_leaves: usize,
    },
    /// The leaf index is `>= num_leaves`.
    #[error("leaf index {index} is out of range for {num_leaves} leaves")]
    IndexOutOfRange {
        /// The leaf index given.
        index: usize,
        /// Leaves of the tree.
        num_leaves: usize,
    },
    /// The opening does not hold one leaf's worth of values.
    #[error("the leaf has {got} values, the tree's leaves hold {expected}")]
    LeafLength {
        /// Values given.
        got: usize,
        /// Values in a leaf.
        expected: usize,
    },
    /// The number of leaves given is not a power of two (the value given).
    #[error("number of leaves {0} is not a power of two")]
    NotPowerOfTwo(usize),
    /// The path is well formed but hashes to a different root.
    #[error("the path does not lead to the root")]
    RootMismatch,
}

/// Checks that `leaf` sits at `index` of a tree of `num_leaves` leaves whose
/// root is `root`. At each level the running digest is the left child when
/// the index's low bit is 0.
pub fn verify_merkle_path(
    root: &Digest,
    num_leaves: usize,
    index: usize,
    leaf: Digest,
    path: &[Digest],
) -> Result<(), MerklePathError> {
    if !num_leaves.is_power_of_two() {
        return Err(MerklePathError::NotPowerOfTwo(num_leaves));
    }
    if index >= num_leaves {
        return Err(MerklePathError::IndexOutOfRange { index, num_leaves });
    }
    let expected = num_leaves.trailing_zeros() as usize;
    if path.len() != expected {
        return Err(MerklePathError::PathLength {
            got: path.len(),
            expected,
            num_leaves,
        });
    }
    let mut node = leaf;
    let mut i = index;
    for sibling in path {
        node = if i & 1 == 0 {
            hash_node(&node, sibling)
        } else {
            hash_node(sibling, &node)
        };
        i >>= 1;
    }
    if &node == root {
        Ok(())
    } else {
        Err(MerklePathError::RootMismatch)
    }
}

/// Verifies an opening: hashes its values as a leaf and checks the path.
pub fn verify_opening<T: DeviceElem>(
    root: &Digest,
    num_leaves: usize,
    opening: &MerkleOpening<T>,
) -> Result<(), MerklePathError> {
    verify_merkle_path(
        root,
        num_leaves,
        opening.leaf_index,
        hash_leaf(&opening.values),
        &opening.path,
    )
}

/// The proof-of-work digest of `nonce`: Keccak-256(seed || nonce as 8 bytes big-endian).
pub fn pow_digest(seed: &Digest, nonce: u64) -> Digest {
    let mut hasher = Keccak256::new();
    hasher.update(seed);
    hasher.update(nonce.to_be_bytes());
    hasher.finalize().into()
}

/// Number of leading zero bits of a digest read as a big-endian 256-bit integer.
pub fn leading_zero_bits(digest: &Digest) -> u32 {
    let mut bits = 0;
    for b in digest {
        if *b == 0 {
            bits += 8;
        } else {
            return bits + b.leading_zeros();
        }
    }
    bits
}

/// Whether `nonce` meets `bits` of difficulty for `seed`: the first `bits`
/// bits of [`pow_digest`] are zero. Equivalently, the first 8 bytes of the
/// digest, read big-endian as a `u64`, are below `2^(64 - bits)`.
pub fn pow_is_valid(seed: &Digest, nonce: u64, bits: u32) -> bool {
    leading_zero_bits(&pow_digest(seed, nonce)) >= bits
}
