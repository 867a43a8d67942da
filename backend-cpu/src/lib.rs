//! `CpuDevice`: every [`ProverDevice`](backend_api::ProverDevice) primitive on
//! the CPU, parallel with rayon. It is the fast CPU prover's backend and,
//! with `conformance`'s reference, the baseline other backends are checked
//! against byte for byte.
//!
//! One module per primitive family; `device.rs` holds the device type and
//! `backend.rs` its `Backend` impl (arguments arrive checked by
//! `backend_api`'s `ProverDevice` layer). Buffers are `Vec<T>`, matrices
//! column-major, the context is `()`.
//!
//! Performance: work runs on rayon's global pool (`RAYON_NUM_THREADS`
//! sets its size). On Linux, buffers of 8 MiB and more are offered
//! transparent huge pages (`madvise`), which needs
//! `/sys/kernel/mm/transparent_hugepage/enabled` at `madvise` or `always`;
//! at `never` the results are the same and large proofs on many cores are
//! slower (about 9% for a 64 x 2^20 trace on 16 cores, BENCHMARKS.md).

mod alloc;
mod arith;
mod backend;
mod columns;
mod constraints;
mod deep;
mod device;
mod elem;
mod fri;
mod grind;
mod inverse;
mod isa;
mod keccak;
#[cfg(target_arch = "x86_64")]
mod lanes;
mod lde;
mod logup;
mod merkle;
mod ntt;
mod ood;
mod twiddles;
mod wide_sum;

pub use device::CpuDevice;
pub use merkle::CpuMerkleTree;
