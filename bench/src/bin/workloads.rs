//! Our prover on every workload (fib-wide, lookup, keccak, vm), on the CPU
//! backend and, built with the `cuda` feature, the CUDA backend, in one
//! program: per-phase prove times (medians), trace cells per second (and
//! committed cells per second: main, aux and composition-part columns in
//! base-field cells over the trace domains), proof
//! size, verify time, peak host RSS, and per proof the peak of device
//! memory and the bytes copied each way over PCIe (CUDA), the CPU/CUDA
//! ratio, and whether the proofs are byte-identical across backends and
//! runs. Exits non-zero if a proof differs or does not verify.
//!
//! ```text
//! cargo run --release -p stark-hal-bench --bin workloads -- [--small] \
//!     [--runs 3] [--only keccak,vm] [--backends cpu,cuda] [--preset blowup4] \
//!     [--fib-cols 64] [--fib-log-rows 20] [--lookup-log-rows 20] \
//!     [--keccak-log-rows 16] [--vm-log-rows 20] [--tables-in-turn] \
//!     [--json out.json]
//! ```
//!
//! `--tables-in-turn` runs a round's per-table work one table after another
//! on one context (`Prover::tables_in_turn`) instead of concurrently.
//!
//! `--small` picks sizes for a 2-core machine (fib-wide 64 x 2^16, lookup
//! 2^16, keccak 2^12, vm 2^16). Each backend proves `--runs` times after
//! one untimed warm-up prove (first use of memory pools and kernels); each
//! workload gets a fresh device; device figures are those of the last timed
//! proof. `bin/plot` turns
//! the JSON into the SVGs of BENCHMARKS.md.

use backend_api::ProverDevice;
use backend_cpu::CpuDevice;
use serde_json::{json, Value};
use stark::{verify_with_key, Options, Prover, SecurityPolicy};
use stark_hal_bench::measure::{gib, median, mib, peak_rss, reset_peak_rss, secs};
use stark_hal_bench::workloads::{Instance, Workload};
use std::process::ExitCode;
use std::time::Instant;

type BenchResult<T> = Result<T, Box<dyn std::error::Error>>;

struct Args {
    workloads: Vec<Workload>,
    backends: Vec<String>,
    runs: usize,
    preset: String,
    json: Option<String>,
    tables_in_turn: bool,
}

fn parse_args() -> Result<Args, String> {
    let (mut fib_cols, mut fib, mut lookup, mut keccak, mut vm) = (64, 20, 20, 16, 20);
    let mut args = Args {
        workloads: Vec::new(),
        backends: vec!["cpu".into()],
        runs: 3,
        preset: "blowup4".into(),
        json: None,
        tables_in_turn: false,
    };
    if cfg!(feature = "cuda") {
        args.backends.push("cuda".into());
    }
    let mut only: Option<Vec<String>> = None;
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "--small" {
            (fib, lookup, keccak, vm) = (16, 16, 12, 16);
            continue;
        }
        if flag == "--tables-in-turn" {
            args.tables_in_turn = true;
            continue;
        }
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let num = |v: &str| v.parse::<u32>().map_err(|e| format!("{flag} {v}: {e}"));
        let list = |v: &str| v.split(',').map(str::to_string).collect::<Vec<_>>();
        match flag.as_str() {
            "--runs" => args.runs = num(&value)?.max(1) as usize,
            "--only" => only = Some(list(&value)),
            "--backends" => args.backends = list(&value),
            "--preset" => args.preset = value,
            "--json" => args.json = Some(value),
            "--fib-cols" => fib_cols = num(&value)? as usize,
            "--fib-log-rows" => fib = num(&value)?,
            "--lookup-log-rows" => lookup = num(&value)?,
            "--keccak-log-rows" => keccak = num(&value)?,
            "--vm-log-rows" => vm = num(&value)?,
            _ => return Err(format!("unknown flag {flag}")),
        }
    }
    let all = [
        Workload::FibWide {
            cols: fib_cols,
            log_rows: fib,
        },
        Workload::Lookup { log_rows: lookup },
        Workload::Keccak { log_rows: keccak },
        Workload::Vm { log_rows: vm },
    ];
    args.workloads = all
        .into_iter()
        .filter(|w| {
            only.as_ref()
                .is_none_or(|o| o.iter().any(|n| n == w.name()))
        })
        .collect();
    for b in &args.backends {
        if b != "cpu" && !(b == "cuda" && cfg!(feature = "cuda")) {
            return Err(format!(
                "backend `{b}` is not in this build (cpu; cuda needs --features cuda)"
            ));
        }
    }
    Ok(args)
}

/// What one backend measured on one workload.
struct Measured {
    backend: String,
    phases: Vec<(String, f64)>,
    prove_s: f64,
    proof: Vec<u8>,
    deterministic: bool,
    verify_ms: f64,
    peak_host: Option<u64>,
    /// PCIe bytes and device memory peak of the last timed proof.
    device: Option<DeviceFigures>,
}

/// A device's figures around one proof: bytes copied each way over PCIe
/// and the peak of device memory.
#[derive(Clone, Copy, Debug)]
struct DeviceFigures {
    to_device: u64,
    to_host: u64,
    peak_memory: u64,
    /// Pinned host memory the device holds for staging transfers.
    pinned_staging: u64,
}

/// Proves `inst` once untimed and `args.runs` times timed on `device`
/// (tables in turn with `args.tables_in_turn`); verifies the proof. `meter(begin)` reads the device's counters (with `begin`, it
/// first starts a new memory peak); `None` for a device without them.
fn measure<D: ProverDevice>(
    device: D,
    inst: &Instance,
    options: Options,
    args: &Args,
    meter: impl Fn(bool) -> Option<DeviceFigures>,
) -> BenchResult<Measured> {
    let backend = device.name();
    let runs = args.runs;
    let mut prover = Prover::with_options(device, options)?;
    if args.tables_in_turn {
        prover = prover.tables_in_turn();
    }
    let key = prover.setup(inst.air.as_ref())?;
    let (first, _) = prover.prove_with_key(&key, &inst.public, &inst.traces)?;
    let proof = first.to_bytes();
    let (mut totals, mut per_phase, mut deterministic) = (Vec::new(), Vec::new(), true);
    let (mut peak_host, mut device) = (None, None);
    for _ in 0..runs {
        let reset = reset_peak_rss();
        let begin = meter(true);
        let (p, times) = prover.prove_with_key(&key, &inst.public, &inst.traces)?;
        device = begin.zip(meter(false)).map(|(b, e)| DeviceFigures {
            to_device: e.to_device - b.to_device,
            to_host: e.to_host - b.to_host,
            peak_memory: e.peak_memory,
            pinned_staging: e.pinned_staging,
        });
        peak_host = peak_host.max(peak_rss().filter(|_| reset));
        deterministic &= p.to_bytes() == proof;
        totals.push(secs(times.total()));
        per_phase.push(times.0);
    }
    let phases = per_phase[0]
        .iter()
        .enumerate()
        .map(|(i, (name, _))| {
            let s: Vec<f64> = per_phase.iter().map(|t| secs(t[i].1)).collect();
            (name.to_string(), median(&s))
        })
        .collect();
    let policy = SecurityPolicy::insecure_for_tests(0);
    let verify_s: Vec<f64> = (0..3)
        .map(|_| {
            let t = Instant::now();
            verify_with_key(
                inst.air.as_ref(),
                key.verifying_key(),
                &inst.public,
                &first,
                &policy,
            )
            .map(|_| secs(t.elapsed()))
        })
        .collect::<Result<_, _>>()?;
    Ok(Measured {
        backend,
        phases,
        prove_s: median(&totals),
        proof,
        deterministic,
        verify_ms: 1e3 * median(&verify_s),
        peak_host,
        device,
    })
}

#[cfg(feature = "cuda")]
fn measure_cuda(inst: &Instance, options: Options, args: &Args) -> BenchResult<Measured> {
    let device = backend_cuda::CudaDevice::new(0)?;
    let counters = device.clone();
    measure(device, inst, options, args, move |begin| {
        if begin {
            counters.reset_peak_memory();
        }
        let t = counters.transfer_bytes();
        Some(DeviceFigures {
            to_device: t.to_device,
            to_host: t.to_host,
            peak_memory: counters.peak_memory() as u64,
            pinned_staging: (counters.staging_slots() * backend_cuda::STAGING_CHUNK_BYTES) as u64,
        })
    })
}

#[cfg(not(feature = "cuda"))]
fn measure_cuda(_: &Instance, _: Options, _: &Args) -> BenchResult<Measured> {
    Err("built without the `cuda` feature".into())
}

fn print_phases(runs: &[Measured]) {
    print!("  {:<24}", "phase (median s)");
    for m in runs {
        print!(
            " {:>12}",
            m.backend.split_whitespace().next().unwrap_or("?")
        );
    }
    println!();
    for (i, (name, _)) in runs[0].phases.iter().enumerate() {
        print!("  {name:<24}");
        for m in runs {
            print!(" {:>12.4}", m.phases.get(i).map_or(f64::NAN, |p| p.1));
        }
        println!();
    }
    print!("  {:<24}", "prove total");
    for m in runs {
        print!(" {:>12.4}", m.prove_s);
    }
    println!();
}

fn backend_json(m: &Measured, cells: usize, committed: usize) -> Value {
    json!({
        "device": m.backend,
        "phases": m.phases.iter().map(|(n, s)| json!({"name": n, "seconds": s})).collect::<Vec<_>>(),
        "prove_seconds": m.prove_s,
        "cells_per_second": cells as f64 / m.prove_s,
        "committed_cells_per_second": committed as f64 / m.prove_s,
        "proof_bytes": m.proof.len(),
        "verify_ms": m.verify_ms,
        "deterministic": m.deterministic,
        "peak_host_bytes": m.peak_host,
        "peak_device_bytes": m.device.map(|d| d.peak_memory),
        "bytes_to_device": m.device.map(|d| d.to_device),
        "bytes_to_host": m.device.map(|d| d.to_host),
        "pinned_staging_bytes": m.device.map(|d| d.pinned_staging),
    })
}

/// Measures one workload on every backend; returns its JSON and whether
/// its proofs agreed and verified.
fn bench(w: &Workload, args: &Args, options: Options) -> BenchResult<(Value, bool)> {
    let t = Instant::now();
    let inst = w.generate()?;
    let cells = inst.cells();
    let committed = inst.committed_cells(&options)?;
    println!(
        "\n== {}: {} tables, {cells} trace cells, {committed} committed cells (generated in {:.2} s)",
        w.describe(),
        inst.traces.len(),
        secs(t.elapsed())
    );
    let mut runs = Vec::new();
    for b in &args.backends {
        runs.push(match b.as_str() {
            "cuda" => measure_cuda(&inst, options, args)?,
            _ => measure(CpuDevice::new(), &inst, options, args, |_| None)?,
        });
    }
    print_phases(&runs);
    let mut ok = true;
    for m in &runs {
        ok &= m.deterministic;
        println!(
            "  {}: {:.3e} cells/s ({:.3e} committed), proof {} B, verify {:.2} ms, peak host {}, \
             peak device {}, PCIe to device {} / to host {}, pinned staging {}{}",
            m.backend,
            cells as f64 / m.prove_s,
            committed as f64 / m.prove_s,
            m.proof.len(),
            m.verify_ms,
            m.peak_host.map_or("n/a".into(), gib),
            m.device.map_or("n/a".into(), |d| gib(d.peak_memory)),
            m.device.map_or("n/a".into(), |d| mib(d.to_device)),
            m.device.map_or("n/a".into(), |d| mib(d.to_host)),
            m.device.map_or("n/a".into(), |d| mib(d.pinned_staging)),
            if m.deterministic { "" } else { "; RUNS DIFFER" },
        );
    }
    let identical = runs.windows(2).all(|p| p[0].proof == p[1].proof);
    ok &= identical;
    if runs.len() > 1 {
        println!(
            "  proofs byte-identical across backends: {}",
            if identical { "yes" } else { "NO" }
        );
    }
    let ratio = (runs.len() == 2).then(|| runs[0].prove_s / runs[1].prove_s);
    if let Some(r) = ratio {
        println!(
            "  {} / {} prove time: {r:.1}x",
            args.backends[0], args.backends[1]
        );
    }
    let backends: serde_json::Map<String, Value> = args
        .backends
        .iter()
        .zip(&runs)
        .map(|(b, m)| (b.clone(), backend_json(m, cells, committed)))
        .collect();
    let value = json!({
        "workload": w.name(),
        "description": w.describe(),
        "params": inst.air.params(),
        "tables": inst.traces.len(),
        "cells": cells,
        "committed_cells": committed,
        "backends": backends,
        "identical": identical,
        "ratio_first_over_second": ratio,
    });
    Ok((value, ok))
}

fn run(args: &Args) -> BenchResult<bool> {
    let options = Options::by_name(&args.preset)
        .ok_or_else(|| format!("unknown preset `{}`", args.preset))?;
    let threads = rayon::current_num_threads();
    println!(
        "preset {}: blowup {}, {} queries, {} grinding bits; {} timed runs; CPU backend on {threads} threads; tables {}",
        args.preset,
        options.blowup(),
        options.num_queries,
        options.grinding_bits,
        args.runs,
        if args.tables_in_turn { "in turn" } else { "concurrently" },
    );
    let mut ok = true;
    let mut results = Vec::new();
    for w in &args.workloads {
        let (value, good) = bench(w, args, options)?;
        ok &= good;
        results.push(value);
    }
    if let Some(path) = &args.json {
        let out = json!({
            "preset": args.preset,
            "runs": args.runs,
            "tables_in_turn": args.tables_in_turn,
            "cpu_threads": threads,
            "workloads": results,
        });
        std::fs::write(path, serde_json::to_string_pretty(&out)?)?;
        println!("\nwrote {path}");
    }
    Ok(ok)
}

fn main() -> ExitCode {
    let result = parse_args().map_err(Into::into).and_then(|args| run(&args));
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => {
            eprintln!("error: proofs differed between runs or backends");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
