//! Shared pieces of the benchmark programs.

pub mod p3_keccak_merkle;
pub mod p3_proofs;
