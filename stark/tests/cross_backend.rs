//! The same proof bytes from the CPU backend and the reference device, and
//! golden digests of small proofs.

use backend_api::{keccak256, Fp, ProverDevice};
use backend_cpu::CpuDevice;
use conformance::ReferenceDevice;
use stark::examples::{FibWide, Lookup, Squares};
use stark::{verify_with_key, Air, Options, Prover, SecurityPolicy};

/// Proves every example at two sizes; returns the proofs' bytes, each
/// checked to verify.
fn prove_all<D: ProverDevice>(
    device: D,
    options: Options,
    policy: &SecurityPolicy,
) -> Vec<Vec<u8>> {
    let prover = Prover::with_options(device, options).unwrap();
    let mut cases: Vec<(Box<dyn Air>, Vec<Fp>, Vec<_>)> = Vec::new();
    for (cols, log_rows) in [(2, 2), (4, 3)] {
        let (air, public, trace) = FibWide::generate(cols, log_rows).unwrap();
        cases.push((Box::new(air), public, vec![trace]));
    }
    for (log_rows, range_bits) in [(2, 2), (3, 2)] {
        let (air, public, traces) = Lookup::generate(log_rows, range_bits, 3).unwrap();
        cases.push((Box::new(air), public, traces));
    }
    for log_rows in [2, 4] {
        let (air, public, trace) = Squares::generate(log_rows, Fp::new(7)).unwrap();
        cases.push((Box::new(air), public, vec![trace]));
    }
    cases
        .iter()
        .map(|(air, public, traces)| {
            let key = prover.setup(air.as_ref()).unwrap();
            let (proof, _) = prover.prove_with_key(&key, public, traces).unwrap();
            verify_with_key(air.as_ref(), key.verifying_key(), public, &proof, policy).unwrap();
            proof.to_bytes()
        })
        .collect()
}

#[test]
fn cpu_and_reference_proofs_are_byte_identical() {
    let (options, policy) = (
        Options::insecure_test(),
        SecurityPolicy::insecure_for_tests(16),
    );
    let cpu = prove_all(CpuDevice::new(), options, &policy);
    let reference = prove_all(ReferenceDevice::new(), options, &policy);
    assert_eq!(cpu.len(), reference.len());
    for (i, (a, b)) in cpu.iter().zip(&reference).enumerate() {
        assert!(a == b, "proof {i} differs between cpu and reference");
    }
}

fn hex(d: &[u8]) -> String {
    d.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn golden_proof_digests() {
    let default = Prover::new(CpuDevice::new()).unwrap();
    let policy = SecurityPolicy::default();
    let (fib, fib_public, trace) = FibWide::generate(4, 4).unwrap();
    let (lookup, lookup_public, traces) = Lookup::generate(4, 3, 1).unwrap();
    let (squares, squares_public, squares_trace) = Squares::generate(4, Fp::new(3)).unwrap();
    let cases: [(&dyn Air, &[Fp], Vec<_>); 3] = [
        (&fib, &fib_public, vec![trace]),
        (&lookup, &lookup_public, traces),
        (&squares, &squares_public, vec![squares_trace]),
    ];
    let mut lines = Vec::new();
    for (air, public, traces) in cases {
        let key = default.setup(air).unwrap();
        let (proof, _) = default.prove_with_key(&key, public, &traces).unwrap();
        let v = verify_with_key(air, key.verifying_key(), public, &proof, &policy).unwrap();
        assert!(v.security.conjectured_bits >= 100);
        let bytes = proof.to_bytes();
        lines.push(format!(
            "{} {:?} default options: {} bytes, keccak {}",
            air.name(),
            air.params(),
            bytes.len(),
            hex(&keccak256(&bytes))
        ));
    }
    insta::assert_snapshot!(lines.join("\n"));
}
