//! [`CpuDevice`], the CPU backend's device type; its primitives are in
//! `backend.rs`.

/// The CPU backend. Stateless: tables are cached process-wide, keyed by
/// what they are a function of, so every instance computes the same bytes.
#[derive(Clone, Copy, Debug, Default)]
pub struct CpuDevice;

impl CpuDevice {
    /// The CPU device (rayon's global thread pool).
    pub fn new() -> Self {
        CpuDevice
    }
}
