//! The same proof bytes from the CPU backend and the reference device, and a
//! golden digest of a small proof.

use backend_api::{keccak256, ProverDevice};
use backend_cpu::CpuDevice;
use conformance::ReferenceDevice;
use stark::examples::{FibWide, Lookup};
use stark::{verify_bytes, Options, Prover};

fn prove_all<D: ProverDevice>(device: D) -> Vec<Vec<u8>> {
    let prover = Prover::with_options(device, Options::insecure_test()).unwrap();
    let mut out = Vec::new();
    for (cols, log_rows) in [(2, 2), (4, 3)] {
        let (air, trace) = FibWide::generate(cols, log_rows).unwrap();
        out.push(prover.prove(&air, &[trace]).unwrap().0.to_bytes());
    }
    for (log_rows, range_bits) in [(2, 2), (3, 2)] {
        let (air, traces) = Lookup::generate(log_rows, range_bits, 3).unwrap();
        out.push(prover.prove(&air, &traces).unwrap().0.to_bytes());
    }
    out
}

#[test]
fn cpu_and_reference_proofs_are_byte_identical() {
    let cpu = prove_all(CpuDevice::new());
    let reference = prove_all(ReferenceDevice::new());
    assert_eq!(cpu.len(), reference.len());
    for (i, (a, b)) in cpu.iter().zip(&reference).enumerate() {
        verify_bytes(a, 0).unwrap();
        assert!(a == b, "proof {i} differs between cpu and reference");
    }
}

fn hex(d: &[u8]) -> String {
    d.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn golden_proof_digests() {
    let default = Prover::new(CpuDevice::new()).unwrap();
    let (air, trace) = FibWide::generate(4, 4).unwrap();
    let fib = default.prove(&air, &[trace]).unwrap().0.to_bytes();
    let (air, traces) = Lookup::generate(4, 3, 1).unwrap();
    let lookup = default.prove(&air, &traces).unwrap().0.to_bytes();
    assert!(verify_bytes(&fib, 100).unwrap().security_bits >= 100);
    assert!(verify_bytes(&lookup, 100).unwrap().security_bits >= 100);
    insta::assert_snapshot!(format!(
        "fib-wide 4x2^4 default options: {} bytes, keccak {}\nlookup 2^4/2^3 default options: {} bytes, keccak {}",
        fib.len(),
        hex(&keccak256(&fib)),
        lookup.len(),
        hex(&keccak256(&lookup)),
    ));
}
