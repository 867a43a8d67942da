//! `CpuDevice`: every [`ProverDevice`](backend_api::ProverDevice) primitive on
//! the CPU, parallel with rayon. It is the fast CPU prover's backend and,
//! with `conformance`'s reference, the baseline other backends are checked
//! against byte for byte.
//!
//! One module per primitive family; `device.rs` holds the device type and
//! `backend.rs` its `Backend` impl (arguments arrive checked by
//! `backend_api`'s `ProverDevice` layer). Buffers are `Vec<T>`, matrices
//! column-major, the context is `()`.

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
