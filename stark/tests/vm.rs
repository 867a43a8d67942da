//! The `vm` AIR: runs of its program prove and verify; the proof pins the
//! program's input and output; a run that breaks the machine's rules is
//! refused.

use backend_api::Fp;
use backend_cpu::CpuDevice;
use stark::examples::vm::{cpu, Vm};
use stark::{verify_with_key, Air, Options, Prover, ProverError, SecurityPolicy};

fn prover() -> Prover<CpuDevice> {
    Prover::with_options(CpuDevice::new(), Options::insecure_test()).unwrap()
}

fn policy() -> SecurityPolicy {
    SecurityPolicy::insecure_for_tests(16)
}

#[test]
fn the_public_output_is_the_programs_output() {
    for (log_cpu_rows, n) in [(7, 1), (8, 2), (10, 8)] {
        let (air, public, traces) = Vm::generate(log_cpu_rows, n).unwrap();
        assert_eq!(
            public,
            vec![
                Fp::from(n as u32),
                Fp::from(u32::from(Vm::expected_output(n as u16)))
            ]
        );
        assert_eq!(traces.len(), air.tables().len());
        assert_eq!(air.tables().len(), 6);
    }
    assert_eq!(Vm::max_iterations(10), (1024 - 5) / 115);
    // The output depends on n (the program does not collapse to a constant).
    let outputs: std::collections::BTreeSet<u16> = (1..=64).map(Vm::expected_output).collect();
    assert!(outputs.len() > 48, "{} distinct outputs", outputs.len());
    assert!(Vm::generate(8, Vm::max_iterations(8) + 1).is_err());
    assert!(Vm::generate(8, 0).is_err());
    assert!(Vm::generate(6, 1).is_err());
}

#[test]
fn runs_prove_and_verify_and_pin_input_and_output() {
    let p = prover();
    for (log_cpu_rows, n) in [(7, 1), (9, Vm::max_iterations(9))] {
        let (air, public, traces) = Vm::generate(log_cpu_rows, n).unwrap();
        let key = p.setup(&air).unwrap();
        let (proof, _) = p.prove_with_key(&key, &public, &traces).unwrap();
        let vk = key.verifying_key();
        verify_with_key(&air, vk, &public, &proof, &policy()).unwrap();
        let wrong_output = [public[0], public[1] + Fp::ONE];
        assert!(verify_with_key(&air, vk, &wrong_output, &proof, &policy()).is_err());
        let wrong_input = [public[0] + Fp::ONE, public[1]];
        assert!(verify_with_key(&air, vk, &wrong_input, &proof, &policy()).is_err());
    }
}

/// Six tables concurrently (a context and a thread each) or in turn on one
/// context: the same proof bytes.
#[test]
fn tables_in_turn_give_the_same_proof() {
    let (air, public, traces) = Vm::generate(8, 2).unwrap();
    let prove = |p: Prover<CpuDevice>| {
        let key = p.setup(&air).unwrap();
        p.prove_with_key(&key, &public, &traces)
            .unwrap()
            .0
            .to_bytes()
    };
    assert_eq!(prove(prover()), prove(prover().tables_in_turn()));
}

#[test]
fn a_prover_claiming_another_output_is_refused() {
    let (air, mut public, traces) = Vm::generate(7, 1).unwrap();
    public[1] += Fp::ONE;
    assert!(matches!(
        prover().prove(&air, &public, &traces),
        Err(ProverError::UnbalancedBuses(_))
    ));
}

#[test]
fn runs_that_break_the_rules_are_refused() {
    let (air, public, traces) = Vm::generate(7, 1).unwrap();
    // Row 4 is the inner loop's first ADD (t = a + b); row 5 its XOR.
    let cases = [
        (4, cpu::VAL_C, "an ADD result off by one"),
        (5, cpu::VAL_C, "an XOR result off by one"),
        (3, cpu::VAL_A, "a read that is not the register's value"),
        (3, cpu::PC, "a jump the program does not make"),
        (3, cpu::TS_PREV, "a read of an older write"),
    ];
    for (row, col, what) in cases {
        let mut bad = traces.clone();
        let cpu = &mut bad[1];
        cpu.column_mut(col)[row] += Fp::ONE;
        let refused = prover().prove(&air, &public, &bad);
        assert!(
            matches!(
                refused,
                Err(ProverError::ConstraintsNotSatisfied { .. } | ProverError::UnbalancedBuses(_))
            ),
            "{what}: {refused:?}"
        );
    }
}
