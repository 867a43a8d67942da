//! Field types, canonical encodings, the [`Backend`] trait every device
//! crate implements, and the [`ProverDevice`] trait the prover calls.
//!
//! * [`Fp`]: Goldilocks, p = 2^64 - 2^32 + 1; [`Fp3`] = `Fp[w]/(w^3 - 2)`.
//! * Bytes: an `Fp` is its canonical value as 8 bytes big-endian; an `Fp3` is
//!   c0 || c1 || c2. Hashes, transcripts and proofs use these bytes only.
//! * [`ProverDevice`]: NTT, coset LDE, Keccak Merkle trees, batch inverse,
//!   FRI fold, LogUp, grinding, OOD evaluation, DEEP composition and
//!   constraint evaluation, each with its contract in its doc comment;
//!   implemented for every [`Backend`] by running the shared checks
//!   ([`check`]) around each call.

#![deny(missing_docs)]

mod backend;
pub mod check;
mod checked;
mod deep;
mod device;
mod domain;
mod error;
pub mod expr;
pub mod field;
mod hash;
pub mod logup;
mod matrix;
mod memory;
pub mod periodic;
pub mod rng;

pub use backend::{Backend, BackendMatrix};
pub use deep::DeepOpening;
pub use device::{DeviceMatrix, LogUpTrace, MerkleShape, MerkleTree, ProverDevice, TraceColumns};
pub use domain::{bit_reverse, bit_reverse_permute, Coset, NttDirection, Order};
pub use error::{DeviceError, DeviceResult};
pub use field::{elems_to_bytes, DeviceElem, ElemKind, Fp, Fp3};
pub use hash::{
    hash_leaf, hash_node, hash_tables_leaf, keccak256, leading_zero_bits, pow_digest, pow_is_valid,
    verify_merkle_path, verify_opening, Digest, MerkleOpening, MerklePathError, LEAF_PREFIX,
    LEAF_TAG, NODE_PREFIX, NODE_TAG, TABLES_PREFIX, TABLES_TAG,
};
pub use logup::{Interaction, InteractionKind, LogUpChallenges, RowExpr, RowOp, MAX_STACK_DEPTH};
pub use matrix::{Buffer, HostMatrix, Matrix};
pub use memory::CallShape;
