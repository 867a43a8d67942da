//! The whole conformance suite on `SimpleDevice`: every primitive against
//! the reference device and mathematical properties, the invalid-argument
//! checks, the golden digests, and whole proofs of every example AIR
//! (against the reference, the pinned proof digests, several provers at
//! once, and through `Dual<ReferenceDevice, SimpleDevice>`).

conformance::conformance_suite!(
    simple,
    downstream_backend::SimpleDevice::new(),
    conformance::SuiteConfig::small()
);
