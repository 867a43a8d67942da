//! The suite run on the CPU backend (sizes up to 2^16).

conformance::conformance_suite!(
    cpu,
    backend_cpu::CpuDevice::new(),
    conformance::SuiteConfig::small()
);
