//! The prover's memory plan on the GPU: the peak a proof reaches stays
//! within its `MemoryPlan` (and within twice it: the plan is a bound, not a
//! guess); a proof of fib-wide 64 x 2^22 and of vm 2^22 under a 20 GiB
//! budget (the device held to it too) writes the same bytes as without,
//! as does one table under a budget that leaves no room to commit round 1
//! while extending it;
//! a budget no proof fits fails before the first upload.

use backend_cuda::CudaDevice;
use conformance::fixtures::ProofJob;
use stark::{Options, Prover, ProverError};

const GIB: u64 = 1 << 30;

fn cuda() -> CudaDevice {
    CudaDevice::new(0).expect("CUDA device")
}

#[test]
#[ignore = "needs a CUDA device"]
fn the_peak_stays_within_the_plan() {
    let jobs = [
        ProofJob::fib_wide(64, 18),
        ProofJob::lookup(18, 16, 1),
        ProofJob::keccak(12, 1),
        ProofJob::vm(18),
    ];
    for in_turn in [false, true] {
        for job in &jobs {
            let dev = cuda();
            let mut prover = Prover::with_options(dev.clone(), Options::default()).unwrap();
            if in_turn {
                prover = prover.tables_in_turn();
            }
            let key = job.setup(&prover);
            let plan = prover.memory_plan(&key);
            let planned = plan.peak(prover.schedule(&key).unwrap());
            let before = dev.memory_in_use() as u64;
            dev.reset_peak_memory();
            prover
                .prove_with_key(&key, &job.public, &job.traces)
                .unwrap_or_else(|e| panic!("{}: {e}", job.label));
            let peak = dev.peak_memory() as u64 - before;
            println!(
                "{} (tables in turn: {in_turn}): peak {peak} B, planned {planned} B ({:.2}x)",
                job.label,
                planned as f64 / peak as f64
            );
            assert!(
                peak <= planned,
                "{}: peak {peak} above the plan {planned}",
                job.label
            );
            assert!(
                planned <= 2 * peak,
                "{}: plan {planned} over twice the peak {peak}",
                job.label
            );
        }
    }
}

/// Proves `job` on a fresh device held to `limit` bytes with a prover
/// budget of the same, and without; returns both proofs' bytes and the
/// constrained proof's peak.
fn with_and_without_limit(job: &ProofJob, limit: u64) -> (Vec<u8>, Vec<u8>, u64) {
    let free = Prover::with_options(cuda(), Options::default()).unwrap();
    let want = job.prove(&free).to_bytes();
    drop(free);
    let dev = cuda();
    dev.set_memory_limit(Some(limit as usize));
    let held = Prover::with_options(dev.clone(), Options::default())
        .unwrap()
        .with_memory_budget(limit);
    dev.reset_peak_memory();
    let got = job.prove(&held).to_bytes();
    (want, got, dev.peak_memory() as u64)
}

#[test]
#[ignore = "needs a CUDA device"]
fn a_20_gib_budget_gives_the_same_bytes() {
    for job in [ProofJob::fib_wide(64, 22), ProofJob::vm(22)] {
        let (want, got, peak) = with_and_without_limit(&job, 20 * GIB);
        println!("{}: peak {peak} B under the 20 GiB limit", job.label);
        assert!(want == got, "{}: other bytes under the budget", job.label);
        assert!(peak <= 20 * GIB);
    }
}

/// One table under a budget just below its peak when round 1 hashes the
/// rows while it extends them: round 1 extends, then commits, within the
/// budget, and the proof is the same.
#[test]
#[ignore = "needs a CUDA device"]
fn a_budget_below_committing_while_extending_commits_after_extending() {
    let job = ProofJob::fib_wide(64, 20);
    let free = Prover::with_options(cuda(), Options::default()).unwrap();
    let key = job.setup(&free);
    let fused = free.schedule(&key).unwrap();
    assert!(fused.commit_while_extending, "{fused:?}");
    let plan = free.memory_plan(&key);
    let budget = plan.peak(fused) - 1;
    let (want, got, peak) = with_and_without_limit(&job, budget);
    let held = free.with_memory_budget(budget);
    let schedule = held.schedule(&key).unwrap();
    assert!(!schedule.commit_while_extending, "{schedule:?}");
    println!("{}: peak {peak} B under {budget} B", job.label);
    assert!(want == got, "{}: other bytes under the budget", job.label);
    assert!(peak <= budget);
}

#[test]
#[ignore = "needs a CUDA device"]
fn a_budget_no_proof_fits_fails_before_the_first_upload() {
    let job = ProofJob::fib_wide(64, 20);
    let dev = cuda();
    let prover = Prover::with_options(dev.clone(), Options::default())
        .unwrap()
        .with_memory_budget(GIB);
    let key = job.setup(&prover);
    let sent = dev.transfer_bytes().to_device;
    match prover.prove_with_key(&key, &job.public, &job.traces) {
        Err(ProverError::OutOfMemory {
            needed, available, ..
        }) => assert!(needed > available && available <= GIB),
        other => panic!("expected OutOfMemory, got {:?}", other.map(|_| ())),
    }
    assert_eq!(dev.transfer_bytes().to_device, sent, "nothing was uploaded");
}
