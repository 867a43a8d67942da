//! `CpuDevice`: every [`ProverDevice`](backend_api::ProverDevice) primitive on
//! the CPU, parallel with rayon. It is the fast CPU prover's backend and,
//! with `conformance`'s reference, the baseline other backends are checked
//! against byte for byte.
//!
//! One module per primitive family; `device.rs` holds the trait impl, which
//! runs the shared argument checks of `backend_api::check` before any work.
//! Buffers are `Vec<T>`, matrices column-major, the context is `()`.

mod arith;
mod columns;
mod constraints;
mod deep;
mod device;
mod elem;
mod fri;
mod grind;
mod inverse;
mod keccak;
mod lde;
mod logup;
mod merkle;
mod ntt;
mod ntt_bitrev;
mod ntt_scratch;
#[cfg(test)]
mod ntt_tests;
#[cfg(target_arch = "x86_64")]
mod ntt_x8;
mod ood;
mod radix2;
mod twiddles;

pub use merkle::CpuMerkleTree;

/// The CPU backend. Stateless: tables are cached process-wide, keyed by
/// what they are a function of, so every instance computes the same bytes.
#[derive(Clone, Copy, Debug, Default)]
pub struct CpuDevice;

impl CpuDevice {
    pub fn new() -> Self {
        CpuDevice
    }
}
