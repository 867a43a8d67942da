//! The conformance suite on `CpuDevice` (sizes up to 2^16).

conformance::conformance_suite!(
    cpu,
    backend_cpu::CpuDevice::new(),
    conformance::SuiteConfig::small()
);

// The GPU configuration's sizes (largest checks at 2^22) on the CPU backend:
// too slow for CI on two cores, run on demand with `-- --ignored`.
conformance::conformance_suite!(
    cpu_large,
    backend_cpu::CpuDevice::new(),
    conformance::SuiteConfig::gpu(),
    ignore = "large sizes (2^22); run with --ignored"
);
