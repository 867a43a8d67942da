//! The conformance suite, primitives and whole proofs, on the GPU (heights
//! up to 2^22), on `Dual<ReferenceDevice, CudaDevice>` (every result of the
//! naive reference and the GPU compared byte for byte, at the naive sizes)
//! and on `Dual<CpuDevice, CudaDevice>` (the same at the GPU's sizes).

use backend_cpu::CpuDevice;
use backend_cuda::CudaDevice;
use conformance::{Dual, ReferenceDevice, SuiteConfig};

conformance::conformance_suite!(
    cuda,
    CudaDevice::new(0).expect("CUDA device"),
    SuiteConfig::gpu(),
    ignore = "needs a CUDA device"
);

conformance::conformance_suite!(
    reference_vs_cuda,
    Dual::new(
        ReferenceDevice::new(),
        CudaDevice::new(0).expect("CUDA device")
    ),
    SuiteConfig::naive(),
    ignore = "needs a CUDA device"
);

conformance::conformance_suite!(
    cpu_vs_cuda,
    Dual::new(CpuDevice::new(), CudaDevice::new(0).expect("CUDA device")),
    SuiteConfig::gpu(),
    ignore = "needs a CUDA device"
);
