//! The `keccak` AIR: its permutation is Keccak-f[1600] (checked against the
//! `keccak` crate, the permutation `sha3` uses) on every state a trace
//! holds; its proofs verify; a trace off by one value anywhere the
//! constraints look is refused.

use backend_api::rng::SplitMix64;
use backend_api::Fp;
use backend_cpu::CpuDevice;
use stark::examples::keccak::{self, KeccakF, ROUNDS, WIDTH};
use stark::{verify_with_key, Options, Prover, ProverError, SecurityPolicy};

fn prover() -> Prover<CpuDevice> {
    Prover::with_options(CpuDevice::new(), Options::insecure_test()).unwrap()
}

fn reference(mut state: [u64; 25]) -> [u64; 25] {
    ::keccak::f1600(&mut state);
    state
}

#[test]
fn the_permutation_written_from_fips_202_is_keccak_f1600() {
    let mut rng = SplitMix64::new(3);
    let mut states = vec![[0u64; 25], [u64::MAX; 25]];
    states.extend((0..20).map(|_| std::array::from_fn(|_| rng.next_u64())));
    for state in states {
        let mut ours = state;
        keccak::keccak_f(&mut ours);
        assert_eq!(ours, reference(state));
    }
}

#[test]
fn every_permutation_in_the_trace_is_keccak_f1600() {
    for (log_rows, seed) in [(5, 1), (7, 2), (9, 3)] {
        let (air, public, trace) = KeccakF::generate(log_rows, seed).unwrap();
        assert!(public.is_empty());
        assert_eq!(trace.width(), WIDTH);
        let perms = air.permutations_in(&trace);
        assert_eq!(perms.len(), (1 << log_rows) / ROUNDS);
        for (input, output) in &perms {
            assert_ne!(*input, [0u64; 25], "states are drawn at random");
            assert_eq!(*output, reference(*input));
        }
    }
}

#[test]
fn keccak_proofs_verify() {
    for log_rows in [5, 6] {
        let (air, public, trace) = KeccakF::generate(log_rows, 11).unwrap();
        let p = prover();
        let key = p.setup(&air).unwrap();
        let (proof, _) = p.prove_with_key(&key, &public, &[trace]).unwrap();
        let policy = SecurityPolicy::insecure_for_tests(16);
        let verified =
            verify_with_key(&air, key.verifying_key(), &public, &proof, &policy).unwrap();
        assert_eq!(verified.instance.params, vec![log_rows as u64]);
    }
}

/// Rows 30 and 31 of a 2^5-row trace: the second permutation's first rounds
/// (the zero state's), so corruptions there test the padding rows too.
#[test]
fn a_trace_off_by_one_value_is_refused() {
    let (air, public, trace) = KeccakF::generate(5, 5).unwrap();
    // One column of each group: a, c, c', a', a'', a''00; on a round's
    // first row, inside, the permutation's last row and a padding row.
    let columns = [0, 100, 420, 740, 2340, 2440, 2503];
    for &col in &columns {
        for row in [0, 7, ROUNDS - 1, 30] {
            let mut bad = trace.clone();
            let v = bad.get(row, col);
            bad.column_mut(col)[row] = if v == Fp::ZERO { Fp::ONE } else { v - Fp::ONE };
            let refused = prover().prove(&air, &public, &[bad]);
            assert!(
                matches!(refused, Err(ProverError::ConstraintsNotSatisfied { .. })),
                "column {col}, row {row}: {refused:?}"
            );
        }
    }
}

#[test]
fn parameters_out_of_range_are_errors() {
    assert!(KeccakF::new(4).is_err());
    assert!(KeccakF::new(23).is_err());
    assert!(KeccakF::from_params(&[5, 5]).is_err());
    assert_eq!(KeccakF::from_params(&[8]).unwrap().num_permutations(), 10);
}
