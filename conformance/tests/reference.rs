//! The suite run on the reference device itself (naive sizes): checks its
//! properties (round trips, Horner spot checks, host Merkle roots, balanced
//! buses) and its argument checks.

conformance::conformance_suite!(
    reference,
    conformance::ReferenceDevice::new(),
    conformance::SuiteConfig::naive()
);
