//! Tampered proofs, other statements, weak options, wrong keys, truncation
//! and bad witnesses are all rejected with errors naming what was wrong.

use backend_api::{Fp, HostMatrix};
use backend_cpu::CpuDevice;
use stark::examples::{FibWide, Lookup, Squares};
use stark::proof_io::SECTIONS;
use stark::security::PolicyError;
use stark::{
    verify, verify_with_key, Air, Options, Proof, Prover, ProverError, SecurityPolicy, VerifyError,
    VerifyingKey,
};

fn prover() -> Prover<CpuDevice> {
    Prover::with_options(CpuDevice::new(), Options::insecure_test()).unwrap()
}

fn test_policy() -> SecurityPolicy {
    SecurityPolicy::insecure_for_tests(16)
}

/// A proof with everything a verifier needs to check it.
struct Case {
    air: Box<dyn Air>,
    vk: VerifyingKey,
    public: Vec<Fp>,
    proof: Proof,
}

impl Case {
    fn new(air: Box<dyn Air>, public: Vec<Fp>, traces: Vec<HostMatrix<Fp>>) -> Case {
        let p = prover();
        let key = p.setup(air.as_ref()).unwrap();
        let proof = p.prove_with_key(&key, &public, &traces).unwrap().0;
        let vk = key.verifying_key().clone();
        Case {
            air,
            vk,
            public,
            proof,
        }
    }

    fn verify(&self, proof: &Proof) -> Result<stark::Verified, VerifyError> {
        verify_with_key(
            self.air.as_ref(),
            &self.vk,
            &self.public,
            proof,
            &test_policy(),
        )
    }

    fn verify_bytes(&self, bytes: &[u8]) -> Result<stark::Verified, VerifyError> {
        self.verify(&Proof::from_bytes(bytes)?)
    }
}

fn lookup_case() -> Case {
    let (air, public, traces) = Lookup::generate(4, 3, 11).unwrap();
    Case::new(Box::new(air), public, traces)
}

fn fib_case() -> Case {
    let (air, public, trace) = FibWide::generate(4, 4).unwrap();
    Case::new(Box::new(air), public, vec![trace])
}

fn squares_case() -> Case {
    let (air, public, trace) = Squares::generate(4, Fp::new(3)).unwrap();
    Case::new(Box::new(air), public, vec![trace])
}

#[test]
fn flipping_a_byte_in_every_section_is_rejected() {
    for case in [lookup_case(), fib_case(), squares_case()] {
        let (bytes, sections) = case.proof.to_bytes_with_sections();
        case.verify_bytes(&bytes)
            .expect("the untouched proof verifies");
        let names: Vec<&str> = sections.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, SECTIONS.to_vec(), "sections in format order");
        for (name, range) in &sections {
            assert!(!range.is_empty(), "section {name} is empty");
            let picks = [range.start, (range.start + range.end) / 2, range.end - 1];
            for &at in &picks {
                for mask in [0x01u8, 0x80] {
                    let mut bad = bytes.clone();
                    bad[at] ^= mask;
                    assert!(
                        case.verify_bytes(&bad).is_err(),
                        "flip {mask:#x} at byte {at} of section {name} accepted"
                    );
                }
            }
        }
    }
}

#[test]
fn every_byte_of_a_small_proof_matters() {
    // Sampling every 7th byte of a small fib-wide and a small squares proof
    // (the latter with preprocessed openings and public bus messages).
    let (air, public, trace) = FibWide::generate(2, 2).unwrap();
    let small_fib = Case::new(Box::new(air), public, vec![trace]);
    let (air, public, trace) = Squares::generate(2, Fp::new(9)).unwrap();
    let small_squares = Case::new(Box::new(air), public, vec![trace]);
    for case in [small_fib, small_squares] {
        let bytes = case.proof.to_bytes();
        for at in (0..bytes.len()).step_by(7) {
            let mut bad = bytes.clone();
            bad[at] ^= 0x10;
            assert!(
                case.verify_bytes(&bad).is_err(),
                "flip at byte {at} accepted"
            );
        }
    }
}

#[test]
fn a_valid_proof_for_other_public_inputs_is_rejected() {
    for case in [fib_case(), squares_case()] {
        case.verify(&case.proof).unwrap();
        for k in 0..case.public.len() {
            let mut other = case.public.clone();
            other[k] += Fp::ONE;
            let err = verify_with_key(
                case.air.as_ref(),
                &case.vk,
                &other,
                &case.proof,
                &test_policy(),
            )
            .unwrap_err();
            assert!(
                matches!(&err, VerifyError::Statement { what, .. } if *what == format!("public input {k}")),
                "{err}"
            );
            // Editing the proof's own copy of the statement to match does
            // not help: the transcript binds the public inputs.
            let mut edited = case.proof.clone();
            edited.air.public_inputs = other.clone();
            let res = verify_with_key(case.air.as_ref(), &case.vk, &other, &edited, &test_policy());
            assert!(
                res.is_err(),
                "public input {k} edited into the proof and accepted"
            );
        }
        let err = verify_with_key(
            case.air.as_ref(),
            &case.vk,
            &case.public[1..],
            &case.proof,
            &test_policy(),
        )
        .unwrap_err();
        assert!(matches!(err, VerifyError::PublicInputCount { .. }), "{err}");
    }
}

#[test]
fn a_proof_of_another_air_or_instance_is_rejected_naming_the_difference() {
    let case = fib_case();
    let other = FibWide::new(4, 5).unwrap();
    let err = verify(&other, &case.public, &case.proof, &test_policy()).unwrap_err();
    assert!(
        matches!(&err, VerifyError::Statement { what, .. } if what == "parameters"),
        "{err}"
    );
    let lookup = Lookup::new(4, 4).unwrap();
    let err = verify(&lookup, &[], &case.proof, &test_policy()).unwrap_err();
    assert!(
        matches!(&err, VerifyError::Statement { what, .. } if what == "AIR name"),
        "{err}"
    );
}

#[test]
fn test_options_fail_the_default_policy_and_pass_only_insecurely() {
    let case = fib_case();
    let err = verify(
        case.air.as_ref(),
        &case.public,
        &case.proof,
        &SecurityPolicy::default(),
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            VerifyError::InsufficientSecurity {
                kind: "conjectured",
                got: 16,
                required: 100
            }
        ),
        "{err}"
    );
    assert_eq!(SecurityPolicy::at_least(99), Err(PolicyError(99)));
    assert!(SecurityPolicy::at_least(100).is_ok());
    let v = verify(case.air.as_ref(), &case.public, &case.proof, &test_policy()).unwrap();
    assert_eq!(v.security.conjectured_bits, 16);
    // Demanding provable bits the options do not give fails too.
    let strict = test_policy().with_provable_bits(v.security.provable_bits + 1);
    let err = verify(case.air.as_ref(), &case.public, &case.proof, &strict).unwrap_err();
    assert!(
        matches!(
            err,
            VerifyError::InsufficientSecurity {
                kind: "provable",
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn pinned_options_reject_any_other() {
    let case = fib_case();
    let pinned = test_policy().pin_options(Options::insecure_test());
    verify(case.air.as_ref(), &case.public, &case.proof, &pinned).unwrap();
    let mut other = Options::insecure_test();
    other.num_queries += 1;
    let err = verify(
        case.air.as_ref(),
        &case.public,
        &case.proof,
        &test_policy().pin_options(other),
    )
    .unwrap_err();
    assert!(matches!(err, VerifyError::OptionsNotPinned { .. }), "{err}");
}

#[test]
fn the_default_presets_give_a_hundred_bits_for_every_example() {
    // Layouts only: no trace is generated, so the large shape costs nothing.
    let fib = FibWide::new(64, 20).unwrap();
    for options in [
        Options::blowup2(),
        Options::blowup4(),
        Options::blowup8(),
        Options::blowup16(),
    ] {
        let p = Prover::with_options(CpuDevice::new(), options).unwrap();
        let airs: Vec<(Box<dyn Air>, Vec<Fp>)> = vec![
            (Box::new(fib.clone()), vec![Fp::ZERO; 96]),
            (Box::new(Lookup::new(8, 6).unwrap()), vec![]),
            (Box::new(Squares::new(8).unwrap()), vec![Fp::ONE, Fp::ONE]),
        ];
        for (air, public) in airs {
            let key = p.setup(air.as_ref()).unwrap();
            let s = key.security(&public);
            assert!(
                s.conjectured_bits >= 100,
                "{} {options:?}: {s:?}",
                air.name()
            );
            assert_eq!(s.conjectured_bits, s.query_bits.min(128), "{s:?}");
            assert!(s.field_bits > s.query_bits, "{s:?}");
            assert!(s.provable_bits < s.conjectured_bits, "{s:?}");
        }
    }
}

#[test]
fn a_key_for_another_air_or_blowup_is_rejected() {
    let case = lookup_case();
    let (other_air, _, _) = Lookup::generate(4, 2, 1).unwrap();
    let other_key = prover().setup(&other_air).unwrap();
    let err = verify_with_key(
        case.air.as_ref(),
        other_key.verifying_key(),
        &case.public,
        &case.proof,
        &test_policy(),
    )
    .unwrap_err();
    assert!(matches!(err, VerifyError::VerifyingKey(_)), "{err}");
    let mut wrong_blowup = case.vk.clone();
    wrong_blowup.log_blowup += 1;
    let err = verify_with_key(
        case.air.as_ref(),
        &wrong_blowup,
        &case.public,
        &case.proof,
        &test_policy(),
    )
    .unwrap_err();
    assert!(matches!(err, VerifyError::VerifyingKey(_)), "{err}");
    let mut wrong_root = case.vk.clone();
    wrong_root.preprocessed_root = Some([7; 32]);
    assert!(verify_with_key(
        case.air.as_ref(),
        &wrong_root,
        &case.public,
        &case.proof,
        &test_policy()
    )
    .is_err());
    // An AIR with preprocessed columns needs its key.
    let err = verify(case.air.as_ref(), &case.public, &case.proof, &test_policy()).unwrap_err();
    assert!(matches!(err, VerifyError::VerifyingKey(_)), "{err}");
}

#[test]
fn verifying_keys_round_trip_through_bytes_and_reject_malformed_ones() {
    let case = lookup_case();
    let bytes = case.vk.to_bytes();
    assert_eq!(VerifyingKey::from_bytes(&bytes).unwrap(), case.vk);
    for len in [0, 3, 4, 40, bytes.len() - 1] {
        assert!(VerifyingKey::from_bytes(&bytes[..len]).is_err(), "{len}");
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(VerifyingKey::from_bytes(&longer).is_err());
    let mut bad_flag = bytes.clone();
    let flag = 4 + 32 + 1 + 8;
    bad_flag[flag] = 2;
    assert!(VerifyingKey::from_bytes(&bad_flag).is_err());
}

#[test]
fn truncated_or_extended_proofs_are_rejected() {
    let case = lookup_case();
    let bytes = case.proof.to_bytes();
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
        assert!(case.verify_bytes(&bytes[..len]).is_err());
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(Proof::from_bytes(&longer).is_err());
}

#[test]
fn huge_length_prefixes_do_not_allocate_or_panic() {
    let (bytes, sections) = lookup_case().proof.to_bytes_with_sections();
    for (name, range) in &sections {
        let fixed = ["magic", "version", "options", "pow_nonce", "air"];
        let digests = ["main_root", "aux_root", "parts_root"];
        if fixed.contains(name) || digests.contains(name) {
            continue;
        }
        // Every other section starts with a u32 count, after a presence
        // byte for the optional openings.
        let start = range.start
            + usize::from(
                name.ends_with("opening") && *name != "main_opening" && *name != "parts_opening",
            );
        let mut bad = bytes.clone();
        bad[start..start + 4].copy_from_slice(&u32::MAX.to_be_bytes());
        assert!(Proof::from_bytes(&bad).is_err(), "section {name}");
    }
    // A presence byte other than 0 or 1.
    for name in ["aux_root", "pre_opening", "aux_opening"] {
        let range = &sections.iter().find(|(n, _)| *n == name).unwrap().1;
        let mut bad = bytes.clone();
        bad[range.start] = 2;
        assert!(Proof::from_bytes(&bad).is_err(), "section {name}");
    }
}

#[test]
fn bad_witnesses_and_statements_are_prover_errors() {
    let (air, public, mut trace) = FibWide::generate(4, 3).unwrap();
    trace.column_mut(1)[5] += Fp::ONE;
    assert!(matches!(
        prover().prove(&air, &public, &[trace]),
        Err(ProverError::ConstraintsNotSatisfied { .. })
    ));
    let (air, public, trace) = FibWide::generate(4, 3).unwrap();
    assert!(matches!(
        prover().prove(&air, &public[1..], &[trace]),
        Err(ProverError::PublicInputCount {
            expected: 6,
            got: 5
        })
    ));

    // A source value outside the range table unbalances bus 0.
    let (air, public, mut traces) = Lookup::generate(3, 2, 5).unwrap();
    traces[1].column_mut(0)[0] = Fp::new(100);
    traces[1].column_mut(2)[0] = Fp::new(100) + traces[1].get(0, 1);
    assert!(matches!(
        prover().prove(&air, &public, &traces),
        Err(ProverError::UnbalancedBuses(_))
    ));

    let (air, public, traces) = Lookup::generate(3, 2, 5).unwrap();
    assert!(matches!(
        prover().prove(&air, &public, &traces[..2]),
        Err(ProverError::TraceCount { .. })
    ));
}

#[test]
fn a_key_from_other_options_is_refused() {
    let air = Squares::new(3).unwrap();
    let key = prover().setup(&air).unwrap();
    let (_, public, trace) = Squares::generate(3, Fp::ONE).unwrap();
    let other = Prover::with_options(CpuDevice::new(), Options::blowup8()).unwrap();
    assert!(matches!(
        other.prove_with_key(&key, &public, &[trace]),
        Err(ProverError::KeyOptions)
    ));
}

#[test]
fn proving_is_deterministic() {
    let (air, public, traces) = Lookup::generate(4, 3, 9).unwrap();
    let a = prover().prove(&air, &public, &traces).unwrap().0.to_bytes();
    let b = prover().prove(&air, &public, &traces).unwrap().0.to_bytes();
    assert_eq!(a, b);
}

/// With every FRI folding arity (2, 4, 8, 16), a three-table proof
/// verifies, and flipping any of a sample of bytes of its FRI and opening
/// sections is rejected.
#[test]
fn every_fri_arity_verifies_and_its_fri_bytes_matter() {
    for log_arity in 1..=4 {
        let options = Options::insecure_test().with_fri_log_arity(log_arity);
        let p = Prover::with_options(CpuDevice::new(), options).unwrap();
        let (air, public, traces) = Lookup::generate(6, 4, 3).unwrap();
        let key = p.setup(&air).unwrap();
        let proof = p.prove_with_key(&key, &public, &traces).unwrap().0;
        let vk = key.verifying_key().clone();
        drop(key);
        let case = Case {
            air: Box::new(air),
            vk,
            public,
            proof,
        };
        let (bytes, sections) = case.proof.to_bytes_with_sections();
        case.verify_bytes(&bytes)
            .expect("the untouched proof verifies");
        let fri_and_openings = ["fri_roots", "fri_final", "main_opening", "fri_openings"];
        for (name, range) in sections
            .iter()
            .filter(|(n, _)| fri_and_openings.contains(n))
        {
            for at in range.clone().step_by(97) {
                let mut bad = bytes.clone();
                bad[at] ^= 0x04;
                assert!(
                    case.verify_bytes(&bad).is_err(),
                    "arity 2^{log_arity}: flip at byte {at} of {name} accepted"
                );
            }
        }
    }
}

/// A tree is opened once per proof: a 2^2-row table has 16 LDE leaves, so
/// its 40 default queries open at most 16 distinct rows, and its batch
/// sends fewer sibling digests than one path per query would.
#[test]
fn repeated_query_positions_are_opened_once() {
    let (air, public, trace) = FibWide::generate(2, 2).unwrap();
    let p = Prover::new(CpuDevice::new()).unwrap();
    let proof = p.prove(&air, &public, &[trace]).unwrap().0;
    let main = &proof.main_opening;
    assert!(main.leaves.len() <= 16, "{} leaves", main.leaves.len());
    assert!(main.nodes.len() < 40 * 4, "{} nodes", main.nodes.len());
    verify(&air, &public, &proof, &SecurityPolicy::default()).unwrap();
}

/// One tree per round across tables of mixed heights: `lookup` (a 2^4-row
/// table and a 2^3-row range table) opens each round's tree once, every
/// leaf holding each table's row; a change to any one table's row in any
/// leaf of the main, aux or composition tree is refused as an opening of
/// that tree, and so is a leaf missing a table's row.
#[test]
fn round_trees_hold_every_table_and_each_row_matters() {
    let case = lookup_case();
    let specs = case.air.tables();
    assert!(specs.len() > 1 && specs[0].log_height != specs[1].log_height);
    let main_width: usize = specs.iter().map(|t| t.width).sum();
    let main = &case.proof.main_opening;
    assert!(main.leaves.iter().all(|l| l.len() == main_width));
    assert!(main.leaves.len() <= case.proof.options.num_queries);
    let expect_opening = |proof: &Proof, tree: &str| match case.verify(proof) {
        Err(VerifyError::Opening { tree: t, .. }) => assert_eq!(t, tree),
        other => panic!("{tree}: {other:?}"),
    };
    for leaf in 0..main.leaves.len() {
        // The first and the last value: the tallest and the shortest table.
        for at in [0, main_width - 1] {
            let mut bad = case.proof.clone();
            bad.main_opening.leaves[leaf][at] += Fp::ONE;
            expect_opening(&bad, "main");
        }
        let mut bad = case.proof.clone();
        bad.main_opening.leaves[leaf].pop();
        expect_opening(&bad, "main");
    }
    let aux = case
        .proof
        .aux_opening
        .as_ref()
        .expect("lookup has interactions");
    for leaf in 0..aux.leaves.len() {
        for at in [0, aux.leaves[leaf].len() - 1] {
            let mut bad = case.proof.clone();
            let b = bad.aux_opening.as_mut().unwrap();
            b.leaves[leaf][at] += backend_api::Fp3::ONE;
            expect_opening(&bad, "aux");
        }
    }
    let parts = &case.proof.parts_opening;
    for leaf in 0..parts.leaves.len() {
        let mut bad = case.proof.clone();
        let last = parts.leaves[leaf].len() - 1;
        bad.parts_opening.leaves[leaf][last] += backend_api::Fp3::ONE;
        expect_opening(&bad, "composition");
    }
    // A proof without its aux tree, or with the preprocessed opening
    // dropped, is refused for its shape.
    let mut bad = case.proof.clone();
    bad.aux_opening = None;
    assert!(matches!(case.verify(&bad), Err(VerifyError::Shape { .. })));
    let mut bad = case.proof.clone();
    bad.pre_opening = None;
    assert!(matches!(case.verify(&bad), Err(VerifyError::Shape { .. })));
}
