//! Whole STARK proofs on the GPU at sizes the reference device cannot
//! reach: `Prover<CudaDevice>` writes the same bytes as `Prover<CpuDevice>`
//! for every example AIR up to 2^18 rows (keccak to 2^13) and with every
//! preset, the CUDA proof verifies with a key set up on the CPU, and two separate
//! `CudaDevice` handles proving at once still write the CPU's bytes. The
//! conformance suite (`tests/conformance.rs`) adds proofs against the
//! reference device, the golden proof digests, several provers on one
//! device from several threads, and the prover on
//! `Dual<ReferenceDevice, CudaDevice>`.

use backend_cpu::CpuDevice;
use backend_cuda::CudaDevice;
use conformance::fixtures::{assert_same_proof, ProofJob};
use stark::{Options, Proof, Prover};

fn cuda() -> CudaDevice {
    CudaDevice::new(0).expect("CUDA device")
}

/// Proves every job on both backends with `options`, compares the bytes
/// and verifies the GPU's proof with the CPU's key.
fn check_jobs(jobs: &[ProofJob], options: Options) {
    let gpu = Prover::with_options(cuda(), options).unwrap();
    let cpu = Prover::with_options(CpuDevice::new(), options).unwrap();
    for job in jobs {
        let gpu_proof = job.prove(&gpu);
        assert_same_proof(&job.label, &job.prove(&cpu), &gpu_proof);
        job.assert_verifies(&job.setup(&cpu), &gpu_proof);
    }
}

#[test]
#[ignore = "needs a CUDA device"]
fn fib_wide_proofs_match_the_cpu() {
    let jobs = [
        ProofJob::fib_wide(2, 10),
        ProofJob::fib_wide(8, 12),
        ProofJob::fib_wide(64, 14),
        ProofJob::fib_wide(6, 3),
    ];
    check_jobs(&jobs, Options::default());
}

#[test]
#[ignore = "needs a CUDA device"]
fn lookup_proofs_match_the_cpu() {
    let jobs = [
        ProofJob::lookup(4, 3, 1),
        ProofJob::lookup(10, 6, 2),
        ProofJob::lookup(14, 10, 3),
        ProofJob::lookup(16, 16, 4),
    ];
    check_jobs(&jobs, Options::default());
}

#[test]
#[ignore = "needs a CUDA device"]
fn squares_proofs_match_the_cpu() {
    let jobs = [
        ProofJob::squares(2, 1),
        ProofJob::squares(5, 3),
        ProofJob::squares(12, 1 << 40),
        ProofJob::squares(18, 7),
    ];
    check_jobs(&jobs, Options::default());
}

#[test]
#[ignore = "needs a CUDA device"]
fn keccak_proofs_match_the_cpu() {
    let jobs = [
        ProofJob::keccak(5, 1),
        ProofJob::keccak(8, 2),
        ProofJob::keccak(11, 3),
        ProofJob::keccak(13, 4),
    ];
    check_jobs(&jobs, Options::default());
}

#[test]
#[ignore = "needs a CUDA device"]
fn vm_proofs_match_the_cpu() {
    let jobs = [
        ProofJob::vm(7),
        ProofJob::vm(10),
        ProofJob::vm(14),
        ProofJob::vm(18),
    ];
    check_jobs(&jobs, Options::default());
}

/// Other blowups (FRI with more or fewer layers, more queries) and the
/// small test preset, at 2^11 rows (keccak at 2^6, vm at 2^8 cpu rows).
#[test]
#[ignore = "needs a CUDA device"]
fn other_presets_match_the_cpu() {
    for options in [
        Options::blowup2(),
        Options::blowup8(),
        Options::blowup16(),
        Options::insecure_test(),
    ] {
        check_jobs(&ProofJob::every_example(11), options);
        check_jobs(&[ProofJob::keccak(6, 5), ProofJob::vm(8)], options);
    }
}

/// Two separate `CudaDevice` handles (each retaining the primary context,
/// with its own prover) proving at once from two threads.
#[test]
#[ignore = "needs a CUDA device"]
fn concurrent_devices_match_the_cpu() {
    let jobs = [ProofJob::lookup(12, 8, 7), ProofJob::fib_wide(32, 12)];
    let options = Options::default();
    let cpu = Prover::with_options(CpuDevice::new(), options).unwrap();
    let expected: Vec<Proof> = jobs.iter().map(|j| j.prove(&cpu)).collect();
    let proofs: Vec<Proof> = std::thread::scope(|s| {
        let handles: Vec<_> = jobs
            .iter()
            .map(|job| {
                s.spawn(move || {
                    let prover = Prover::with_options(cuda(), options).unwrap();
                    job.prove(&prover)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for ((job, cpu_proof), gpu_proof) in jobs.iter().zip(&expected).zip(&proofs) {
        assert_same_proof(&job.label, cpu_proof, gpu_proof);
        job.assert_verifies(&job.setup(&cpu), gpu_proof);
    }
}
