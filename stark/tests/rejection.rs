//! Tampered proofs, wrong public inputs, truncation and bad witnesses are
//! all rejected with errors.

use backend_api::Fp;
use backend_cpu::CpuDevice;
use stark::examples::{FibWide, Lookup};
use stark::proof_io::SECTIONS;
use stark::{verify, verify_bytes, Options, Proof, Prover, ProverError, VerifyError};

fn prover() -> Prover<CpuDevice> {
    Prover::with_options(CpuDevice::new(), Options::insecure_test()).unwrap()
}

fn lookup_proof() -> Proof {
    let (air, traces) = Lookup::generate(4, 3, 11).unwrap();
    prover().prove(&air, &traces).unwrap().0
}

fn fib_proof() -> Proof {
    let (air, trace) = FibWide::generate(4, 4).unwrap();
    prover().prove(&air, &[trace]).unwrap().0
}

#[test]
fn flipping_a_byte_in_every_section_is_rejected() {
    for proof in [lookup_proof(), fib_proof()] {
        let (bytes, sections) = proof.to_bytes_with_sections();
        verify_bytes(&bytes, 0).expect("the untouched proof verifies");
        let names: Vec<&str> = sections.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, SECTIONS.to_vec(), "sections in format order");
        let mut tested = 0;
        for (name, range) in &sections {
            assert!(!range.is_empty(), "section {name} is empty");
            let picks = [range.start, (range.start + range.end) / 2, range.end - 1];
            for &at in &picks {
                for mask in [0x01u8, 0x80] {
                    let mut bad = bytes.clone();
                    bad[at] ^= mask;
                    let res = verify_bytes(&bad, 0);
                    assert!(
                        res.is_err(),
                        "flip {mask:#x} at byte {at} of section {name} accepted"
                    );
                }
            }
            tested += 1;
        }
        assert_eq!(tested, SECTIONS.len());
    }
}

#[test]
fn every_byte_of_a_small_proof_matters() {
    // Exhaustive over a small fib-wide proof, sampling every 7th byte.
    let (air, trace) = FibWide::generate(2, 2).unwrap();
    let bytes = prover().prove(&air, &[trace]).unwrap().0.to_bytes();
    for at in (0..bytes.len()).step_by(7) {
        let mut bad = bytes.clone();
        bad[at] ^= 0x10;
        assert!(verify_bytes(&bad, 0).is_err(), "flip at byte {at} accepted");
    }
}

#[test]
fn changed_public_inputs_are_rejected() {
    let proof = fib_proof();
    verify(&proof, 0).unwrap();
    for k in 0..proof.air.public_inputs.len() {
        let mut bad = proof.clone();
        bad.air.public_inputs[k] += Fp::ONE;
        assert!(
            verify(&bad, 0).is_err(),
            "public input {k} changed and accepted"
        );
    }
    let mut bad = proof.clone();
    bad.air.public_inputs.pop();
    assert!(matches!(verify(&bad, 0), Err(VerifyError::Air(_))));
    let mut bad = proof;
    bad.air.params[0] = 6;
    assert!(verify(&bad, 0).is_err());
}

#[test]
fn truncated_or_extended_proofs_are_rejected() {
    let bytes = lookup_proof().to_bytes();
    for len in [
        0,
        1,
        4,
        5,
        6,
        40,
        bytes.len() / 3,
        bytes.len() / 2,
        bytes.len() - 1,
    ] {
        assert!(
            Proof::from_bytes(&bytes[..len]).is_err(),
            "truncated to {len} accepted"
        );
        assert!(verify_bytes(&bytes[..len], 0).is_err());
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(Proof::from_bytes(&longer).is_err());
}

#[test]
fn huge_length_prefixes_do_not_allocate_or_panic() {
    let (bytes, sections) = lookup_proof().to_bytes_with_sections();
    for (name, range) in &sections {
        if matches!(*name, "magic" | "version" | "options" | "pow_nonce" | "air") {
            continue;
        }
        // Every other section starts with a u32 count.
        let mut bad = bytes.clone();
        bad[range.start..range.start + 4].copy_from_slice(&u32::MAX.to_be_bytes());
        assert!(Proof::from_bytes(&bad).is_err(), "section {name}");
    }
}

#[test]
fn insufficient_security_is_rejected() {
    let proof = fib_proof();
    let bits = proof.options.security_bits();
    assert!(verify(&proof, bits).is_ok());
    assert!(matches!(
        verify(&proof, bits + 1),
        Err(VerifyError::InsufficientSecurity { .. })
    ));
}

#[test]
fn bad_witnesses_are_prover_errors() {
    let (air, mut trace) = FibWide::generate(4, 3).unwrap();
    trace.column_mut(1)[5] += Fp::ONE;
    assert!(matches!(
        prover().prove(&air, &[trace]),
        Err(ProverError::ConstraintsNotSatisfied { .. })
    ));

    // A source value outside the range table unbalances bus 0.
    let (air, mut traces) = Lookup::generate(3, 2, 5).unwrap();
    traces[1].column_mut(0)[0] = Fp::new(100);
    traces[1].column_mut(2)[0] = Fp::new(100) + traces[1].get(0, 1);
    assert!(matches!(
        prover().prove(&air, &traces),
        Err(ProverError::UnbalancedBuses(_))
    ));

    let (air, traces) = Lookup::generate(3, 2, 5).unwrap();
    assert!(matches!(
        prover().prove(&air, &traces[..2]),
        Err(ProverError::TraceCount { .. })
    ));
}

#[test]
fn proving_is_deterministic() {
    let (air, traces) = Lookup::generate(4, 3, 9).unwrap();
    let a = prover().prove(&air, &traces).unwrap().0.to_bytes();
    let b = prover().prove(&air, &traces).unwrap().0.to_bytes();
    assert_eq!(a, b);
}
