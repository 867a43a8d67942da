//! Whole proofs, our CPU prover against Plonky3's `p3-uni-stark`, side by
//! side in one run with the same parameters (blowup, queries, grinding bits
//! before the queries, final polynomial size, FRI folding arity, Keccak-256
//! Merkle trees over Goldilocks) on two workloads:
//!
//! * fib-wide: our `fib-wide` AIR against the same AIR written for Plonky3
//!   ([`stark_hal_bench::p3_proofs::FibWideAir`]);
//! * keccak: our Keccak-f AIR against Plonky3's `p3-keccak-air`, both
//!   proving `floor(2^log_rows / 24)` permutations in `2^log_rows` rows.
//!
//! Runs alternate (ours, Plonky3, ours, ...); the program prints medians
//! of prove and verify time, proof bytes and the ratios, and exits non-zero
//! if a proof does not verify.
//!
//! ```text
//! cargo run --release -p stark-hal-bench --bin plonky3_proofs -- \
//!     [--runs 3] [--fib-cols 64] [--fib-log-rows 20] [--keccak-log-rows 16] \
//!     [--only fib-wide|keccak] [--json out.json]
//! ```

use backend_cpu::CpuDevice;
use serde_json::{json, Value};
use stark::examples::keccak::ROUNDS;
use stark::{verify_with_key, Options, Prover, ProvingKey, SecurityPolicy};
use stark_hal_bench::measure::{median, secs};
use stark_hal_bench::p3_proofs::{
    P3FibWide, P3Keccak, P3Params, P3Run, CHALLENGE_FIELD, PROOF_ENCODING,
};
use stark_hal_bench::workloads::{Instance, Workload};
use std::process::ExitCode;
use std::time::Instant;

type BenchResult<T> = Result<T, Box<dyn std::error::Error>>;

struct Args {
    runs: usize,
    fib_cols: usize,
    fib_log_rows: u32,
    keccak_log_rows: u32,
    only: Option<String>,
    json: Option<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        runs: 3,
        fib_cols: 64,
        fib_log_rows: 20,
        keccak_log_rows: 16,
        only: None,
        json: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let num = |v: &str| v.parse::<u32>().map_err(|e| format!("{flag} {v}: {e}"));
        match flag.as_str() {
            "--runs" => a.runs = num(&value)?.max(1) as usize,
            "--fib-cols" => a.fib_cols = num(&value)? as usize,
            "--fib-log-rows" => a.fib_log_rows = num(&value)?,
            "--keccak-log-rows" => a.keccak_log_rows = num(&value)?,
            "--only" if value == "fib-wide" || value == "keccak" => a.only = Some(value),
            "--json" => a.json = Some(value),
            _ => return Err(format!("unknown flag or value: {flag} {value}")),
        }
    }
    Ok(a)
}

/// Our side: one timed prove and one timed verify, like [`P3Run`].
fn ours_once(
    prover: &Prover<CpuDevice>,
    key: &ProvingKey<CpuDevice>,
    inst: &Instance,
) -> BenchResult<P3Run> {
    let t = Instant::now();
    let (proof, _) = prover.prove_with_key(key, &inst.public, &inst.traces)?;
    let prove_ms = 1e3 * secs(t.elapsed());
    let proof_bytes = proof.to_bytes().len();
    let policy = SecurityPolicy::insecure_for_tests(0);
    let t = Instant::now();
    verify_with_key(
        inst.air.as_ref(),
        key.verifying_key(),
        &inst.public,
        &proof,
        &policy,
    )?;
    Ok(P3Run {
        prove_ms,
        verify_ms: 1e3 * secs(t.elapsed()),
        proof_bytes,
    })
}

struct Side {
    prove_ms: f64,
    verify_ms: f64,
    proof_bytes: usize,
}

fn summarize(runs: &[P3Run]) -> Side {
    let pick = |f: fn(&P3Run) -> f64| median(&runs.iter().map(f).collect::<Vec<_>>());
    Side {
        prove_ms: pick(|r| r.prove_ms),
        verify_ms: pick(|r| r.verify_ms),
        proof_bytes: runs[0].proof_bytes,
    }
}

/// Alternates `runs` proves of ours and theirs; prints and returns the
/// comparison.
fn compare(
    label: &str,
    workload: Workload,
    runs: usize,
    theirs: &dyn Fn() -> Result<P3Run, String>,
) -> BenchResult<Value> {
    let inst = workload.generate()?;
    println!("\n== {label} ({} trace cells on our side)", inst.cells());
    let prover = Prover::with_options(CpuDevice::new(), Options::blowup4())?;
    let key = prover.setup(inst.air.as_ref())?;
    let (mut ours_runs, mut their_runs) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        ours_runs.push(ours_once(&prover, &key, &inst)?);
        their_runs.push(theirs()?);
    }
    let (o, t) = (summarize(&ours_runs), summarize(&their_runs));
    println!(
        "  {:<10} {:>12} {:>12} {:>12}",
        "", "prove ms", "verify ms", "proof B"
    );
    for (name, s) in [("ours", &o), ("Plonky3", &t)] {
        println!(
            "  {name:<10} {:>12.1} {:>12.2} {:>12}",
            s.prove_ms, s.verify_ms, s.proof_bytes
        );
    }
    let ratio = |a: f64, b: f64| a / b.max(1e-9);
    println!(
        "  ours / Plonky3: prove {:.2}, verify {:.2}, proof size {:.2}",
        ratio(o.prove_ms, t.prove_ms),
        ratio(o.verify_ms, t.verify_ms),
        ratio(o.proof_bytes as f64, t.proof_bytes as f64)
    );
    let side = |s: &Side| json!({"prove_ms": s.prove_ms, "verify_ms": s.verify_ms, "proof_bytes": s.proof_bytes});
    Ok(json!({
        "workload": label,
        "ours": side(&o),
        "plonky3": side(&t),
        "prove_ratio": ratio(o.prove_ms, t.prove_ms),
        "size_ratio": ratio(o.proof_bytes as f64, t.proof_bytes as f64),
    }))
}

fn run(args: &Args) -> BenchResult<()> {
    let options = Options::blowup4();
    let params = P3Params {
        log_blowup: options.log_blowup as usize,
        num_queries: options.num_queries,
        pow_bits: options.grinding_bits as usize,
        log_final_poly_len: options.fri_final_log_degree as usize,
        max_log_arity: options.fri_log_arity as usize,
    };
    println!(
        "blowup {}, {} queries, {} grinding bits, final polynomial 2^{} coefficients, FRI arity {} \
         (Plonky3: at most {}); {} alternating runs; {} rayon threads",
        options.blowup(),
        options.num_queries,
        options.grinding_bits,
        options.fri_final_log_degree,
        1 << options.fri_log_arity,
        1 << options.fri_log_arity,
        args.runs,
        rayon::current_num_threads()
    );
    println!(
        "challenges: ours Goldilocks^3, Plonky3 {CHALLENGE_FIELD}; Plonky3 proof bytes: {PROOF_ENCODING} encoding"
    );
    let mut results = Vec::new();
    if args.only.as_deref() != Some("keccak") {
        let (cols, log_rows) = (args.fib_cols, args.fib_log_rows);
        let theirs = P3FibWide::new(cols, log_rows, &params);
        let label = format!("fib-wide {cols} x 2^{log_rows}");
        let w = Workload::FibWide { cols, log_rows };
        results.push(compare(&label, w, args.runs, &|| theirs.run())?);
    }
    if args.only.as_deref() != Some("fib-wide") {
        let log_rows = args.keccak_log_rows;
        let perms = (1usize << log_rows) / ROUNDS;
        let theirs = P3Keccak::new(perms, &params);
        if theirs.trace_rows() != 1 << log_rows {
            return Err(format!("Plonky3's keccak trace has {} rows", theirs.trace_rows()).into());
        }
        let label = format!(
            "keccak {perms} permutations, 2^{log_rows} rows (Plonky3 width {})",
            theirs.trace_width()
        );
        let w = Workload::Keccak { log_rows };
        results.push(compare(&label, w, args.runs, &|| theirs.run())?);
    }
    if let Some(path) = &args.json {
        let out = json!({
            "runs": args.runs,
            "threads": rayon::current_num_threads(),
            "log_blowup": params.log_blowup,
            "queries": params.num_queries,
            "grinding_bits": params.pow_bits,
            "plonky3_challenge_field": CHALLENGE_FIELD,
            "comparisons": results,
        });
        std::fs::write(path, serde_json::to_string_pretty(&out)?)?;
        println!("\nwrote {path}");
    }
    Ok(())
}

fn main() -> ExitCode {
    match parse_args().map_err(Into::into).and_then(|a| run(&a)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
