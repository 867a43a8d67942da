//! Shared pieces of the benchmark programs (see bench/README.md).

pub mod measure;
pub mod p3_keccak_merkle;
pub mod p3_proofs;
pub mod span_times;
pub mod workloads;
