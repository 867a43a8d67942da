//! `CudaDevice`: the `backend_api::Backend` primitives on NVIDIA GPUs, through the
//! CUDA driver API (`cust` and its raw bindings).
//!
//! * [`CudaDevice`] owns the device's primary context and the kernel modules
//!   compiled from `kernels/*.cu` (embedded fatbins, see `build.rs`).
//! * [`CudaCtx`] is the `DeviceCtx`: a non-blocking stream (and one for
//!   uploads). Every launch, copy and allocation of a call runs on it; the
//!   host waits only where it needs a value (downloads, roots, openings,
//!   nonces). Host transfers go through pinned staging slots the device
//!   pins when it opens and shares between its contexts.
//! * [`CudaBuffer`] is owning, stream-ordered device memory; allocations are
//!   accounted and checked against the device's free memory, and a request
//!   that does not fit returns `DeviceError::OutOfMemory`.
//! * [`launch`] is the kernel-launch helper every launcher module uses.
//! * `backend.rs` implements `backend_api::Backend` with the launchers of
//!   `primitives/` (one module per primitive family's `kernels/*.cu`;
//!   `field_check.cu` holds kernels only the tests launch, `abi_check.cu`
//!   compile-time checks only); `backend_api` checks every call's arguments
//!   and results around it.

mod args;
mod backend;
mod ctx;
mod device;
mod error;
pub mod launch;
mod memory;
mod primitives;
mod timer;
mod transfer;

pub use ctx::CudaCtx;
pub use device::{CudaDevice, DeviceProperties, TransferBytes};
pub use memory::{CudaBuffer, DeviceAlloc, PinnedHost};
pub use primitives::merkle::CudaMerkleTree;
pub use primitives::ntt;
pub use timer::EventTimer;
pub use transfer::{CHUNK_BYTES as STAGING_CHUNK_BYTES, SLOTS as STAGING_SLOTS};

/// A matrix in device memory.
pub type CudaMatrix<T> = backend_api::Matrix<CudaBuffer<T>>;
