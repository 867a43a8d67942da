//! Prove and verify every example AIR at several sizes on the CPU backend.

use backend_cpu::CpuDevice;
use stark::examples::{FibWide, Lookup};
use stark::{verify_bytes, Options, Proof, Prover};

fn prover() -> Prover<CpuDevice> {
    Prover::with_options(CpuDevice::new(), Options::insecure_test()).unwrap()
}

#[test]
fn fib_wide_round_trips() {
    for (cols, log_rows) in [(2, 2), (4, 3), (6, 5), (8, 7)] {
        let (air, trace) = FibWide::generate(cols, log_rows).unwrap();
        let (proof, _) = prover().prove(&air, &[trace]).unwrap();
        let bytes = proof.to_bytes();
        assert_eq!(Proof::from_bytes(&bytes).unwrap(), proof);
        let v = verify_bytes(&bytes, 0).unwrap();
        assert_eq!(v.air.params, vec![cols as u64, log_rows as u64]);
    }
}

#[test]
fn lookup_round_trips() {
    for (log_rows, range_bits) in [(2, 2), (3, 4), (6, 3), (5, 5)] {
        let (air, traces) = Lookup::generate(log_rows, range_bits, 7).unwrap();
        let (proof, _) = prover().prove(&air, &traces).unwrap();
        verify_bytes(&proof.to_bytes(), 0).unwrap();
    }
}
