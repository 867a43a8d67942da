//! Whole STARK proofs on the GPU: `Prover<CudaDevice>` writes the same bytes
//! as `Prover<CpuDevice>` for every example AIR (`squares` and `lookup`
//! with preprocessed columns, periodic columns, expression-valued buses and
//! public bus messages), the CUDA proof verifies, and two provers proving
//! different AIRs at once from two threads (each with its own context, the
//! one `Prover::new` makes) still write the CPU's bytes.

use backend_api::{Fp, HostMatrix, ProverDevice};
use backend_cpu::CpuDevice;
use backend_cuda::CudaDevice;
use stark::examples::{FibWide, Lookup, Squares};
use stark::{verify_with_key, Air, Options, Proof, Prover, SecurityPolicy};

/// One example instance: its AIR, statement and traces.
struct Job {
    label: String,
    air: Box<dyn Air + Send + Sync>,
    public: Vec<Fp>,
    traces: Vec<HostMatrix<Fp>>,
}

fn fib_wide(cols: usize, log_rows: u32) -> Job {
    let (air, public, trace) = FibWide::generate(cols, log_rows).unwrap();
    Job {
        label: format!("fib-wide {cols} x 2^{log_rows}"),
        air: Box::new(air),
        public,
        traces: vec![trace],
    }
}

fn lookup(log_rows: u32, range_bits: u32, seed: u64) -> Job {
    let (air, public, traces) = Lookup::generate(log_rows, range_bits, seed).unwrap();
    Job {
        label: format!("lookup 2^{log_rows} rows, range 2^{range_bits}, seed {seed}"),
        air: Box::new(air),
        public,
        traces,
    }
}

fn squares(log_rows: u32, start: u64) -> Job {
    let (air, public, trace) = Squares::generate(log_rows, Fp::new(start)).unwrap();
    Job {
        label: format!("squares 2^{log_rows} rows from {start}"),
        air: Box::new(air),
        public,
        traces: vec![trace],
    }
}

fn cuda() -> CudaDevice {
    CudaDevice::new(0).expect("CUDA device")
}

fn prove<D: ProverDevice>(prover: &Prover<D>, job: &Job) -> Proof {
    prover
        .prove(job.air.as_ref(), &job.public, &job.traces)
        .unwrap_or_else(|e| panic!("{} on {}: {e}", job.label, prover.device().name()))
        .0
}

/// Asserts the two proofs' bytes are identical; on a mismatch names the
/// first proof section (of the CPU proof's layout) that differs.
fn assert_same_bytes(label: &str, cpu: &Proof, gpu: &Proof) {
    let (cpu_bytes, sections) = cpu.to_bytes_with_sections();
    let gpu_bytes = gpu.to_bytes();
    if cpu_bytes == gpu_bytes {
        return;
    }
    let first = cpu_bytes
        .iter()
        .zip(&gpu_bytes)
        .position(|(a, b)| a != b)
        .unwrap_or(cpu_bytes.len().min(gpu_bytes.len()));
    let section = sections
        .iter()
        .find(|(_, r)| r.contains(&first))
        .map_or("(past the end)", |(name, _)| *name);
    panic!(
        "{label}: CUDA proof differs from the CPU proof: {} vs {} bytes, \
         first difference at byte {first}, section `{section}`",
        gpu_bytes.len(),
        cpu_bytes.len()
    );
}

/// The CUDA proof verifies with a key set up on the CPU, under a policy
/// that accepts the options' own bits, and names the statement.
fn assert_verifies(job: &Job, options: &Options, proof: &Proof) {
    let key = Prover::with_options(CpuDevice::new(), *options)
        .unwrap()
        .setup(job.air.as_ref())
        .unwrap();
    let policy = SecurityPolicy::insecure_for_tests(key.security(&job.public).conjectured_bits);
    let proof = Proof::from_bytes(&proof.to_bytes()).unwrap();
    let vk = key.verifying_key();
    let verified = verify_with_key(job.air.as_ref(), vk, &job.public, &proof, &policy)
        .unwrap_or_else(|e| panic!("{}: CUDA proof rejected: {e}", job.label));
    assert_eq!(
        verified.instance,
        job.air.instance(&job.public),
        "{}",
        job.label
    );
}

/// Proves every job on both backends with `options` and compares.
fn check_jobs(jobs: &[Job], options: Options) {
    let gpu = Prover::with_options(cuda(), options).unwrap();
    let cpu = Prover::with_options(CpuDevice::new(), options).unwrap();
    for job in jobs {
        let gpu_proof = prove(&gpu, job);
        let cpu_proof = prove(&cpu, job);
        assert_same_bytes(&job.label, &cpu_proof, &gpu_proof);
        assert_verifies(job, &options, &gpu_proof);
    }
}

#[test]
#[ignore = "needs a CUDA device"]
fn fib_wide_proofs_match_the_cpu() {
    let jobs = [
        fib_wide(2, 10),
        fib_wide(8, 12),
        fib_wide(64, 14),
        fib_wide(6, 3),
    ];
    check_jobs(&jobs, Options::default());
}

#[test]
#[ignore = "needs a CUDA device"]
fn lookup_proofs_match_the_cpu() {
    let jobs = [
        lookup(4, 3, 1),
        lookup(10, 6, 2),
        lookup(14, 10, 3),
        lookup(16, 16, 4),
    ];
    check_jobs(&jobs, Options::default());
}

#[test]
#[ignore = "needs a CUDA device"]
fn squares_proofs_match_the_cpu() {
    let jobs = [
        squares(2, 1),
        squares(5, 3),
        squares(12, 1 << 40),
        squares(18, 7),
    ];
    check_jobs(&jobs, Options::default());
}

/// Other blowups (FRI with more or fewer layers, more queries) and the
/// small test preset.
#[test]
#[ignore = "needs a CUDA device"]
fn other_presets_match_the_cpu() {
    for options in [
        Options::blowup2(),
        Options::blowup8(),
        Options::blowup16(),
        Options::insecure_test(),
    ] {
        check_jobs(
            &[fib_wide(4, 11), lookup(11, 7, 5), squares(10, 2)],
            options,
        );
    }
}

/// Two threads, each with its own prover (so its own `CudaCtx` and stream)
/// on clones of one `CudaDevice`, prove different AIRs at the same time,
/// several times over; every proof equals the CPU's.
#[test]
#[ignore = "needs a CUDA device"]
fn concurrent_provers_on_two_contexts_match_the_cpu() {
    const ROUNDS: usize = 3;
    let jobs = [fib_wide(16, 13), lookup(13, 9, 6), squares(13, 4)];
    let options = Options::default();
    let cpu = Prover::with_options(CpuDevice::new(), options).unwrap();
    let expected: Vec<Proof> = jobs.iter().map(|j| prove(&cpu, j)).collect();
    let device = cuda();
    let proofs: Vec<Vec<Proof>> = std::thread::scope(|s| {
        let handles: Vec<_> = jobs
            .iter()
            .map(|job| {
                let prover = Prover::with_options(device.clone(), options).unwrap();
                s.spawn(move || (0..ROUNDS).map(|_| prove(&prover, job)).collect())
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for ((job, cpu_proof), gpu_proofs) in jobs.iter().zip(&expected).zip(&proofs) {
        assert_eq!(gpu_proofs.len(), ROUNDS);
        for (round, gpu_proof) in gpu_proofs.iter().enumerate() {
            let label = format!("{} (thread round {round})", job.label);
            assert_same_bytes(&label, cpu_proof, gpu_proof);
        }
        assert_verifies(job, &options, &gpu_proofs[0]);
    }
}

/// Two separate `CudaDevice` handles (each retaining the primary context,
/// with its own prover) proving at once from two threads.
#[test]
#[ignore = "needs a CUDA device"]
fn concurrent_devices_match_the_cpu() {
    let jobs = [lookup(12, 8, 7), fib_wide(32, 12)];
    let options = Options::default();
    let cpu = Prover::with_options(CpuDevice::new(), options).unwrap();
    let expected: Vec<Proof> = jobs.iter().map(|j| prove(&cpu, j)).collect();
    let proofs: Vec<Proof> = std::thread::scope(|s| {
        let handles: Vec<_> = jobs
            .iter()
            .map(|job| {
                s.spawn(move || {
                    let prover = Prover::with_options(cuda(), options).unwrap();
                    prove(&prover, job)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for ((job, cpu_proof), gpu_proof) in jobs.iter().zip(&expected).zip(&proofs) {
        assert_same_bytes(&job.label, cpu_proof, gpu_proof);
        assert_verifies(job, &options, gpu_proof);
    }
}
