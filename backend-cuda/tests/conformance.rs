//! The conformance suite on the GPU (heights up to 2^22), and the same suite
//! on `Dual<CpuDevice, CudaDevice>`, which compares every result of the two
//! backends byte for byte.

use backend_cpu::CpuDevice;
use backend_cuda::CudaDevice;
use conformance::{Dual, SuiteConfig};

conformance::conformance_suite!(
    cuda,
    CudaDevice::new(0).expect("CUDA device"),
    SuiteConfig::gpu(),
    ignore = "needs a CUDA device"
);

conformance::conformance_suite!(
    cpu_vs_cuda,
    Dual::new(CpuDevice::new(), CudaDevice::new(0).expect("CUDA device")),
    SuiteConfig::gpu(),
    ignore = "needs a CUDA device"
);
