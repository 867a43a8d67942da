//! Plonky3 whole proofs at small sizes: each workload proves and verifies,
//! and a wrong public output is rejected.

use stark_hal_bench::p3_proofs::{P3FibWide, P3Keccak, P3Params, CHALLENGE_FIELD, PROOF_ENCODING};

const SMALL: P3Params = P3Params {
    log_blowup: 2,
    num_queries: 8,
    pow_bits: 4,
    log_final_poly_len: 3,
    max_log_arity: 1,
};

#[test]
fn names_are_set() {
    assert!(CHALLENGE_FIELD == "Goldilocks^3" || CHALLENGE_FIELD == "Goldilocks^2");
    assert!(!PROOF_ENCODING.is_empty());
}

#[test]
fn fib_wide_proves_and_verifies() {
    let w = P3FibWide::new(8, 8, &SMALL);
    assert_eq!(w.public_values().len(), 12);
    let run = w.run().expect("fib-wide proof verifies");
    assert!(run.proof_bytes > 0);
    assert!(run.prove_ms >= 0.0 && run.verify_ms >= 0.0);
    // A second run on the same workload (the trace is copied, not consumed).
    let again = w.run().expect("second run verifies");
    assert_eq!(again.proof_bytes, run.proof_bytes);
}

#[test]
fn fib_wide_wrong_output_is_rejected() {
    let w = P3FibWide::new(8, 8, &SMALL).with_wrong_output();
    let err = w.run().expect_err("a wrong b_last must not verify");
    assert!(err.contains("verification failed"), "{err}");
}

#[test]
fn keccak_proves_and_verifies() {
    let w = P3Keccak::new(4, &SMALL);
    assert_eq!(w.trace_rows(), 128); // 4 * 24 rows, padded to a power of two
    assert!(w.trace_width() > 0);
    let run = w.run().expect("keccak proof verifies");
    assert!(run.proof_bytes > 0);
}

/// One timing at a benchmark-like size; run with
/// `cargo test --release -p stark-hal-bench --test p3_proofs -- --ignored --nocapture`.
#[test]
#[ignore = "timing, not a check"]
fn fib_wide_64x2_14_timing() {
    let params = P3Params {
        log_blowup: 2,
        num_queries: 42,
        pow_bits: 16,
        log_final_poly_len: 3,
        max_log_arity: 1,
    };
    let w = P3FibWide::new(64, 14, &params);
    let run = w.run().expect("verifies");
    println!(
        "p3 fib-wide 64 x 2^14: prove {:.1} ms, verify {:.1} ms, proof {} bytes ({PROOF_ENCODING}, {CHALLENGE_FIELD})",
        run.prove_ms, run.verify_ms, run.proof_bytes
    );
}
