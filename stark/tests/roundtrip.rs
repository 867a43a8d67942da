//! Prove and verify every example AIR at several sizes on the CPU backend.

use backend_api::Fp;
use backend_cpu::CpuDevice;
use stark::examples::{FibWide, Lookup, Squares};
use stark::{verify_bytes, verify_with_key, Options, Proof, Prover, SecurityPolicy};

fn prover() -> Prover<CpuDevice> {
    Prover::with_options(CpuDevice::new(), Options::insecure_test()).unwrap()
}

fn policy() -> SecurityPolicy {
    SecurityPolicy::insecure_for_tests(16)
}

#[test]
fn fib_wide_round_trips() {
    for (cols, log_rows) in [(2, 2), (4, 3), (6, 5), (8, 7)] {
        let (air, public, trace) = FibWide::generate(cols, log_rows).unwrap();
        let (proof, _) = prover().prove(&air, &public, &[trace]).unwrap();
        let bytes = proof.to_bytes();
        assert_eq!(Proof::from_bytes(&bytes).unwrap(), proof);
        let v = verify_bytes(&air, &public, &bytes, &policy()).unwrap();
        assert_eq!(v.instance.params, vec![cols as u64, log_rows as u64]);
        assert_eq!(v.security.conjectured_bits, 16);
    }
}

#[test]
fn lookup_round_trips() {
    for (log_rows, range_bits) in [(2, 2), (3, 4), (6, 3), (5, 5)] {
        let (air, public, traces) = Lookup::generate(log_rows, range_bits, 7).unwrap();
        let p = prover();
        let key = p.setup(&air).unwrap();
        let (proof, _) = p.prove_with_key(&key, &public, &traces).unwrap();
        let proof = Proof::from_bytes(&proof.to_bytes()).unwrap();
        verify_with_key(&air, key.verifying_key(), &public, &proof, &policy()).unwrap();
    }
}

#[test]
fn squares_round_trips_and_one_key_serves_many_proofs() {
    for log_rows in [2, 3, 6] {
        let p = prover();
        let air = Squares::new(log_rows).unwrap();
        let key = p.setup(&air).unwrap();
        for start in [0u64, 5, 1 << 40] {
            let (air, public, trace) = Squares::generate(log_rows, Fp::new(start)).unwrap();
            let (proof, _) = p.prove_with_key(&key, &public, &[trace]).unwrap();
            verify_with_key(&air, key.verifying_key(), &public, &proof, &policy()).unwrap();
        }
    }
}
