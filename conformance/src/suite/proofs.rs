//! Whole proofs: `stark`'s prover driven by the device writes, for every
//! example AIR at several sizes and presets, exactly the bytes it writes on
//! the reference device and the pinned golden digests; several provers on
//! several contexts at once write the same bytes; and the prover run on
//! `Dual<ReferenceDevice, D>` finds no differing byte in any primitive.
//!
//! These checks need `D: Clone`: each prover owns its device handle (a
//! clone shares the device) and makes its own context.

use super::SuiteConfig;
use crate::fixtures::proofs::{assert_same_proof, ProofJob};
use crate::golden::{keccak_hex, PROOF_DIGESTS};
use crate::{Dual, ReferenceDevice};
use backend_api::check::MAX_FRI_LOG_ARITY;
use backend_api::ProverDevice;
use stark::{Options, Proof, Prover};

/// Every preset, by its `Options::by_name` name.
const PRESETS: [&str; 5] = ["test", "blowup2", "blowup4", "blowup8", "blowup16"];

fn prover<D: ProverDevice>(dev: D, options: Options) -> Prover<D> {
    Prover::with_options(dev, options)
        .unwrap_or_else(|e| panic!("Prover::with_options({options:?}): {e}"))
}

/// `jobs` proved on the device and on the reference with `options`
/// (described by `what`): equal bytes, and the device's proof verifies
/// with the device's own key.
fn compare_with_reference<D: ProverDevice + Clone>(
    dev: &D,
    jobs: &[ProofJob],
    options: Options,
    what: &str,
) {
    let on_device = prover(dev.clone(), options);
    let on_reference = prover(ReferenceDevice::new(), options);
    for job in jobs {
        let label = format!("{} ({what})", job.label);
        let got = job.prove(&on_device);
        assert_same_proof(&label, &job.prove(&on_reference), &got);
        job.assert_verifies(&job.setup(&on_device), &got);
    }
}

/// Every example with every preset at 2^3 rows, with every FRI folding
/// arity (2, 4, 8, 16) at 2^5 rows, and with the default preset at
/// `2^proof_log_rows`, byte for byte against the reference.
pub fn check_proofs_match_reference<D: ProverDevice + Clone>(dev: &D, cfg: &SuiteConfig) {
    let small = ProofJob::every_example(3);
    for preset in PRESETS {
        let options = Options::by_name(preset).expect("a preset name");
        compare_with_reference(dev, &small, options, preset);
    }
    let five = ProofJob::every_example(5);
    for log_arity in 1..=MAX_FRI_LOG_ARITY {
        let options = Options::insecure_test().with_fri_log_arity(log_arity);
        compare_with_reference(dev, &five, options, &format!("FRI arity 2^{log_arity}"));
    }
    if cfg.proof_log_rows > 3 {
        let jobs = ProofJob::every_example(cfg.proof_log_rows);
        compare_with_reference(dev, &jobs, Options::default(), "blowup4");
    }
}

/// The proofs of [`PROOF_DIGESTS`](crate::golden::PROOF_DIGESTS) on the
/// device: the same lengths and Keccak-256 digests.
pub fn check_golden_proof_digests<D: ProverDevice + Clone>(dev: &D, _cfg: &SuiteConfig) {
    let p = prover(dev.clone(), Options::default());
    let jobs = [
        ProofJob::fib_wide(4, 4),
        ProofJob::lookup(4, 3, 1),
        ProofJob::squares(4, 3),
    ];
    for (job, golden) in jobs.iter().zip(&PROOF_DIGESTS) {
        assert_eq!(job.air.name(), golden.example, "golden proof order");
        let bytes = job.prove(&p).to_bytes();
        let digest = keccak_hex(&bytes);
        assert_eq!(
            (bytes.len(), digest.as_str()),
            (golden.len, golden.digest),
            "{}: golden proof (length, keccak)",
            job.label
        );
    }
}

/// `threads` provers, each on its own clone of the device and so its own
/// context, prove different examples at `2^proof_log_rows` rows at the same
/// time, twice each; every proof equals the one a lone prover writes.
pub fn check_concurrent_provers<D: ProverDevice + Clone>(dev: &D, cfg: &SuiteConfig) {
    const ROUNDS: usize = 2;
    let options = Options::insecure_test();
    let jobs = ProofJob::every_example(cfg.proof_log_rows);
    let lone = prover(dev.clone(), options);
    let expected: Vec<Proof> = jobs.iter().map(|j| j.prove(&lone)).collect();
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..cfg.threads.max(2))
            .map(|t| {
                let p = prover(dev.clone(), options);
                let (job, want) = (&jobs[t % jobs.len()], &expected[t % jobs.len()]);
                s.spawn(move || {
                    for round in 0..ROUNDS {
                        let label = format!("{} (thread {t}, round {round})", job.label);
                        assert_same_proof(&label, want, &job.prove(&p));
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().expect("a prover thread panicked");
        }
    });
}

/// The prover on `Dual<ReferenceDevice, D>` (every primitive's output
/// compared byte for byte; the first difference is an error naming the
/// primitive) for every example at 2^3 rows, default preset; the proofs
/// verify.
pub fn check_proofs_through_dual_with_reference<D: ProverDevice + Clone>(
    dev: &D,
    _cfg: &SuiteConfig,
) {
    let dual = prover(
        Dual::new(ReferenceDevice::new(), dev.clone()),
        Options::default(),
    );
    for job in ProofJob::every_example(3) {
        let proof = job.prove(&dual);
        job.assert_verifies(&job.setup(&dual), &proof);
    }
}
