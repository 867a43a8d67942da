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
//! of prove and verify time, proof bytes and the ratios, each side's first
//! prove of the process apart (cold: empty caches, fresh pages; the
//! median is warm when `--runs` is 3 or more), and exits non-zero
//! if a proof does not verify. Per phase: our prover's phase times against
//! Plonky3's `tracing` spans (recorded by `span_times`), each of our phases
//! beside the spans nearest to it (`NEAREST`).
//!
//! ```text
//! cargo run --release -p stark-hal-bench --bin plonky3_proofs -- \
//!     [--runs 3] [--fib-cols 64] [--fib-log-rows 20] [--keccak-log-rows 16] \
//!     [--only fib-wide|keccak] [--json out.json] [--plonky3-first]
//! ```

use backend_cpu::CpuDevice;
use serde_json::{json, Value};
use stark::examples::keccak::ROUNDS;
use stark::{verify_with_key, Options, Prover, ProvingKey, SecurityPolicy};
use stark_hal_bench::measure::{median, secs};
use stark_hal_bench::p3_proofs::{
    P3FibWide, P3Keccak, P3Params, P3Run, CHALLENGE_FIELD, PROOF_ENCODING,
};
use stark_hal_bench::span_times::SpanTimes;
use stark_hal_bench::workloads::{Instance, Workload};
use std::collections::BTreeMap;
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
    /// Plonky3 proves first in each pair of runs, so that its first prove
    /// is the process's first (a cold start for it rather than for ours).
    plonky3_first: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        runs: 3,
        fib_cols: 64,
        fib_log_rows: 20,
        keccak_log_rows: 16,
        only: None,
        json: None,
        plonky3_first: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "--plonky3-first" {
            a.plonky3_first = true;
            continue;
        }
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

/// Our side: one timed prove and one timed verify, like [`P3Run`], and
/// the prover's phase times.
fn ours_once(
    prover: &Prover<CpuDevice>,
    key: &ProvingKey<CpuDevice>,
    inst: &Instance,
) -> BenchResult<(P3Run, Phases)> {
    let t = Instant::now();
    let (proof, phases) = prover.prove_with_key(key, &inst.public, &inst.traces)?;
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
    let run = P3Run {
        prove_ms,
        verify_ms: 1e3 * secs(t.elapsed()),
        proof_bytes,
    };
    let phases = phases
        .0
        .iter()
        .map(|(n, d)| (n.to_string(), 1e3 * secs(*d)));
    Ok((run, phases.collect()))
}

struct Side {
    /// The first prove of the process: its caches (twiddles, allocator
    /// pages) still empty.
    cold_ms: f64,
    /// Median over all runs.
    prove_ms: f64,
    verify_ms: f64,
    proof_bytes: usize,
}

fn summarize(runs: &[P3Run]) -> Side {
    let pick = |f: fn(&P3Run) -> f64| median(&runs.iter().map(f).collect::<Vec<_>>());
    Side {
        cold_ms: runs[0].prove_ms,
        prove_ms: pick(|r| r.prove_ms),
        verify_ms: pick(|r| r.verify_ms),
        proof_bytes: runs[0].proof_bytes,
    }
}

/// Milliseconds per phase of one prove: ours by phase name, Plonky3's by
/// span path ([`SpanTotals`]).
type Phases = BTreeMap<String, f64>;

/// Each of our phases (or sums of them) and the Plonky3 spans nearest to
/// it, matched by span name anywhere in the span tree (outermost matches
/// only, so a span is not counted twice with its children). The matched
/// spans run on the proving thread, so their times are wall times.
const NEAREST: &[(&str, &[&str], &[&str])] = &[
    (
        "trace LDE + Merkle commit",
        &["main commit"],
        &["commit to trace data"],
    ),
    (
        "constraints + quotient LDE + commit",
        &["composition commit"],
        &["quotient_values", "commit to quotient poly chunks"],
    ),
    (
        "OOD evaluation",
        &["ood evaluation"],
        &[
            "evaluate matrix",
            "compute opened values with Lagrange interpolation",
        ],
    ),
    (
        "DEEP quotient + FRI folds and commits",
        &["deep + fri"],
        &[
            "compute_inverse_denominators",
            "reduce matrix quotient",
            "commit phase",
        ],
    ),
    (
        "grinding + query openings",
        &["grinding", "queries"],
        &["grind for proof-of-work witness", "query phase"],
    ),
];

/// Plonky3's milliseconds in spans named `names`: the outermost matches
/// (a path none of whose ancestors matches), summed.
fn span_ms(spans: &Phases, names: &[&str]) -> f64 {
    spans
        .iter()
        .filter(|(path, _)| {
            let parts: Vec<&str> = path.split('/').collect();
            let matches = |p: &&str| names.contains(p);
            parts.last().is_some_and(matches) && !parts[..parts.len() - 1].iter().any(matches)
        })
        .map(|(_, ms)| ms)
        .sum()
}

/// Medians over runs of each key.
fn median_phases(runs: &[Phases]) -> Phases {
    let keys: std::collections::BTreeSet<&String> = runs.iter().flat_map(|r| r.keys()).collect();
    keys.into_iter()
        .map(|k| {
            let v: Vec<f64> = runs
                .iter()
                .map(|r| r.get(k).copied().unwrap_or(0.0))
                .collect();
            (k.clone(), median(&v))
        })
        .collect()
}

/// Prints both provers' phases and the nearest-phase table; returns the
/// latter as JSON.
fn compare_phases(ours: &Phases, theirs: &Phases) -> Value {
    println!("  our phases (median ms):");
    for (name, ms) in ours {
        println!("    {name:<40} {ms:>10.1}");
    }
    println!(
        "  Plonky3 spans (median ms; a span on a rayon worker thread has no parent and shows at \
         the top level, summed over the workers)"
    );
    for (path, ms) in theirs {
        println!("    {path:<90} {ms:>10.1}");
    }
    println!(
        "  {:<40} {:>10} {:>10} {:>8}",
        "phase (ours ~ Plonky3's nearest)", "ours ms", "P3 ms", "ratio"
    );
    let mut rows = Vec::new();
    for (label, our_names, their_names) in NEAREST {
        let (o, t) = (ours_ms(ours, our_names), span_ms(theirs, their_names));
        println!("  {label:<40} {o:>10.1} {t:>10.1} {:>8.2}", o / t.max(1e-9));
        rows.push(json!({"phase": label, "ours_ms": o, "plonky3_ms": t, "ours_phases": our_names, "plonky3_spans": their_names}));
    }
    let (o, t) = (ours[REST], theirs[REST]);
    println!("  {REST:<40} {o:>10.1} {t:>10.1}");
    rows.push(json!({"phase": REST, "ours_ms": o, "plonky3_ms": t}));
    Value::Array(rows)
}

/// The key, in both sides' phases, of what `NEAREST` leaves out of a
/// prove's time (a run's own total less its matched phases).
const REST: &str = "rest of the prove time";

/// Our milliseconds in the phases named `names`.
fn ours_ms(phases: &Phases, names: &[&str]) -> f64 {
    names
        .iter()
        .map(|n| phases.get(*n).copied().unwrap_or(0.0))
        .sum()
}

/// Adds [`REST`] to one run's phases.
fn with_rest(mut phases: Phases, prove_ms: f64, matched: impl Fn(&Phases, usize) -> f64) -> Phases {
    let sum: f64 = (0..NEAREST.len()).map(|g| matched(&phases, g)).sum();
    phases.insert(REST.into(), prove_ms - sum);
    phases
}

/// Alternates `args.runs` proves of ours and theirs (ours first unless
/// `args.plonky3_first`); prints and returns the
/// comparison, per phase too.
fn compare(
    label: &str,
    workload: Workload,
    args: &Args,
    spans: &SpanTimes,
    theirs: &dyn Fn() -> Result<P3Run, String>,
) -> BenchResult<Value> {
    let inst = workload.generate()?;
    println!("\n== {label} ({} trace cells on our side)", inst.cells());
    let prover = Prover::with_options(CpuDevice::new(), Options::blowup4())?;
    let key = prover.setup(inst.air.as_ref())?;
    let (mut ours_runs, mut their_runs) = (Vec::new(), Vec::new());
    let (mut ours_phases, mut their_phases) = (Vec::new(), Vec::new());
    for _ in 0..args.runs {
        let mut ours_step = || -> BenchResult<()> {
            let (run, phases) = ours_once(&prover, &key, &inst)?;
            ours_phases.push(with_rest(phases, run.prove_ms, |p, g| {
                ours_ms(p, NEAREST[g].1)
            }));
            ours_runs.push(run);
            Ok(())
        };
        let mut their_step = || -> BenchResult<()> {
            spans.take();
            let run = theirs()?;
            let totals = spans
                .take()
                .into_iter()
                .map(|(path, (s, _))| (path, 1e3 * s));
            their_phases.push(with_rest(totals.collect(), run.prove_ms, |p, g| {
                span_ms(p, NEAREST[g].2)
            }));
            their_runs.push(run);
            Ok(())
        };
        if args.plonky3_first {
            their_step()?;
            ours_step()?;
        } else {
            ours_step()?;
            their_step()?;
        }
    }
    let (o, t) = (summarize(&ours_runs), summarize(&their_runs));
    println!(
        "  {:<10} {:>12} {:>12} {:>12} {:>12}",
        "", "prove ms", "first prove", "verify ms", "proof B"
    );
    for (name, s) in [("ours", &o), ("Plonky3", &t)] {
        println!(
            "  {name:<10} {:>12.1} {:>12.1} {:>12.2} {:>12}",
            s.prove_ms, s.cold_ms, s.verify_ms, s.proof_bytes
        );
    }
    let ratio = |a: f64, b: f64| a / b.max(1e-9);
    println!(
        "  ours / Plonky3: prove {:.2}, first prove {:.2}, verify {:.2}, proof size {:.2}",
        ratio(o.prove_ms, t.prove_ms),
        ratio(o.cold_ms, t.cold_ms),
        ratio(o.verify_ms, t.verify_ms),
        ratio(o.proof_bytes as f64, t.proof_bytes as f64)
    );
    let phases = compare_phases(&median_phases(&ours_phases), &median_phases(&their_phases));
    let side = |s: &Side| json!({"prove_ms": s.prove_ms, "first_prove_ms": s.cold_ms, "verify_ms": s.verify_ms, "proof_bytes": s.proof_bytes});
    Ok(json!({
        "workload": label,
        "ours": side(&o),
        "plonky3": side(&t),
        "prove_ratio": ratio(o.prove_ms, t.prove_ms),
        "first_prove_ratio": ratio(o.cold_ms, t.cold_ms),
        "size_ratio": ratio(o.proof_bytes as f64, t.proof_bytes as f64),
        "phases": phases,
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
         (Plonky3: at most {}); {} alternating runs, {} first; {} rayon threads",
        options.blowup(),
        options.num_queries,
        options.grinding_bits,
        options.fri_final_log_degree,
        1 << options.fri_log_arity,
        1 << options.fri_log_arity,
        args.runs,
        if args.plonky3_first { "Plonky3" } else { "ours" },
        rayon::current_num_threads()
    );
    println!(
        "challenges: ours Goldilocks^3, Plonky3 {CHALLENGE_FIELD}; Plonky3 proof bytes: {PROOF_ENCODING} encoding"
    );
    let spans = SpanTimes::install()?;
    let mut results = Vec::new();
    if args.only.as_deref() != Some("keccak") {
        let (cols, log_rows) = (args.fib_cols, args.fib_log_rows);
        let theirs = P3FibWide::new(cols, log_rows, &params);
        let label = format!("fib-wide {cols} x 2^{log_rows}");
        let w = Workload::FibWide { cols, log_rows };
        results.push(compare(&label, w, args, &spans, &|| theirs.run())?);
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
        results.push(compare(&label, w, args, &spans, &|| theirs.run())?);
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
