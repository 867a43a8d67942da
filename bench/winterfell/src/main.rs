//! Side-by-side benchmark, one run, same machine: our CPU prover against
//! winterfell on a 2-column Fibonacci of `2^log_rows` steps, with the same
//! field (Goldilocks + cubic extension), blowup, query count, grinding bits,
//! FRI folding factor (the preset's arity on both sides) and final degree,
//! and a Keccak-family hash (ours: Keccak-256; winterfell: SHA3-256, the
//! same permutation and rate).
//! Prints medians over `--runs` alternating runs and the time ratio.
//!
//! `cargo run --release --manifest-path bench/winterfell/Cargo.toml -- [log_rows] [runs]`

mod winter_fib;

use backend_cpu::CpuDevice;
use stark::examples::FibWide;
use stark::{verify_bytes, Options, Prover as OurProver, SecurityPolicy};
use std::time::{Duration, Instant};
use winter_fib::{build_trace, FibAir, FibProver, FibPublic, Hash};
use winterfell::crypto::{DefaultRandomCoin, MerkleTree};
use winterfell::{AcceptableOptions, BatchingMethod, FieldExtension, ProofOptions, Prover};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Peak resident memory of this process so far (VmHWM), in MiB.
fn peak_rss_mib() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let log_rows: u32 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(20);
    let runs: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(3);
    let n = 1usize << log_rows;
    let ours_opts = Options::blowup4();
    println!(
        "2-column Fibonacci, 2^{log_rows} steps; blowup {}, {} queries, {} grinding bits, FRI fold {}, final degree < {}; {} threads",
        ours_opts.blowup(),
        ours_opts.num_queries,
        ours_opts.grinding_bits,
        1 << ours_opts.fri_log_arity,
        1 << ours_opts.fri_final_log_degree,
        rayon_threads()
    );
    let w_opts = ProofOptions::new(
        ours_opts.num_queries,
        ours_opts.blowup(),
        ours_opts.grinding_bits,
        FieldExtension::Cubic,
        1 << ours_opts.fri_log_arity,
        (1 << ours_opts.fri_final_log_degree) - 1,
        BatchingMethod::Linear,
        BatchingMethod::Linear,
    );

    let (air, public, trace) = FibWide::generate(2, log_rows).expect("valid parameters");
    let ours = OurProver::with_options(CpuDevice::new(), ours_opts).expect("valid options");
    let w_prover = FibProver {
        options: w_opts.clone(),
    };

    let mut t_ours = Vec::new();
    let mut t_w = Vec::new();
    let mut sizes = (0, 0);
    for run in 0..runs {
        let start = Instant::now();
        let (proof, times) = ours
            .prove(&air, &public, std::slice::from_ref(&trace))
            .expect("our proof");
        t_ours.push(start.elapsed());
        let bytes = proof.to_bytes();
        verify_bytes(&air, &public, &bytes, &SecurityPolicy::default())
            .expect("our proof verifies");
        sizes.0 = bytes.len();
        if run == 0 {
            for (name, d) in &times.0 {
                println!("  ours  {name:<22} {:>9.3} s", d.as_secs_f64());
            }
        }

        let w_trace = build_trace(n);
        let result = w_trace.get(1, n - 1);
        let start = Instant::now();
        let proof = w_prover.prove(w_trace).expect("winterfell proof");
        t_w.push(start.elapsed());
        sizes.1 = proof.to_bytes().len();
        winterfell::verify::<FibAir, Hash, DefaultRandomCoin<Hash>, MerkleTree<Hash>>(
            proof,
            FibPublic { result },
            &AcceptableOptions::OptionSet(vec![w_opts.clone()]),
        )
        .expect("winterfell proof verifies");
    }
    let (mo, mw) = (median(t_ours), median(t_w));
    println!(
        "ours       median {:>9.3} s   proof {} bytes",
        mo.as_secs_f64(),
        sizes.0
    );
    println!(
        "winterfell median {:>9.3} s   proof {} bytes",
        mw.as_secs_f64(),
        sizes.1
    );
    println!(
        "ratio ours / winterfell = {:.3}",
        mo.as_secs_f64() / mw.as_secs_f64()
    );
    if let Some(m) = peak_rss_mib() {
        println!("peak RSS of the whole run: {m:.0} MiB");
    }
}

fn rayon_threads() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
}
