//! Whole STARK proofs, CUDA against CPU on the same host: per-phase wall
//! times of `Prover<CudaDevice>` and `Prover<CpuDevice>` (the prover's own
//! `PhaseTimes`), the speed-up, peak device memory (the device's allocation
//! accounting), peak host RSS (`VmHWM`, reset through `/proc/self/clear_refs`
//! before each prove), and a check that both proofs are byte-identical and
//! that the CUDA proof verifies.
//!
//! ```text
//! cargo run --release -p backend-cuda --example prove_bench -- \
//!     [--cols 64] [--log-rows 20] [--lookup-log-rows 20] [--range-bits 16] \
//!     [--preset blowup4] [--only fib-wide|lookup] [--no-cpu]
//! ```
//!
//! Each AIR gets a fresh `CudaDevice` (so its peak is its own), one cold
//! CUDA prove (first use of the memory pool and kernels) and one warm CUDA
//! prove, whose phases are the ones tabulated; the CPU proves once.
//! Exits non-zero if the proofs differ or the CUDA proof does not verify.

use backend_api::{Fp, HostMatrix, ProverDevice};
use backend_cpu::CpuDevice;
use backend_cuda::CudaDevice;
use stark::examples::{FibWide, Lookup};
use stark::{verify_bytes, Air, Options, PhaseTimes, Prover};
use std::process::ExitCode;
use std::time::Instant;

type BenchResult<T> = Result<T, Box<dyn std::error::Error>>;

struct Args {
    cols: usize,
    log_rows: u32,
    lookup_log_rows: u32,
    range_bits: u32,
    preset: String,
    only: Option<String>,
    cpu: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        cols: 64,
        log_rows: 20,
        lookup_log_rows: 20,
        range_bits: 16,
        preset: "blowup4".into(),
        only: None,
        cpu: true,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "--no-cpu" {
            a.cpu = false;
            continue;
        }
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let num = |v: &str| v.parse::<u32>().map_err(|e| format!("{flag} {v}: {e}"));
        match flag.as_str() {
            "--cols" => a.cols = num(&value)? as usize,
            "--log-rows" => a.log_rows = num(&value)?,
            "--lookup-log-rows" => a.lookup_log_rows = num(&value)?,
            "--range-bits" => a.range_bits = num(&value)?,
            "--preset" => a.preset = value,
            "--only" if value == "fib-wide" || value == "lookup" => a.only = Some(value),
            _ => return Err(format!("unknown flag or value: {flag} {value}")),
        }
    }
    Ok(a)
}

/// A `VmHWM:` / `VmRSS:` line of /proc/self/status, in bytes.
fn proc_status_bytes(key: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(key))?;
    let kib: u64 = line[key.len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kib * 1024)
}

/// Resets the peak RSS to the current RSS (Linux: "5" to clear_refs).
fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn gib(bytes: u64) -> String {
    format!("{:.2} GiB", bytes as f64 / (1u64 << 30) as f64)
}

fn rss_line(label: &str, reset: bool) -> String {
    match (proc_status_bytes("VmHWM:"), proc_status_bytes("VmRSS:")) {
        (Some(hwm), Some(rss)) => format!(
            "{label} peak host RSS {}{} (now {})",
            gib(hwm),
            if reset {
                ""
            } else {
                " (peak not reset: since start)"
            },
            gib(rss)
        ),
        _ => format!("{label} peak host RSS unavailable (no /proc/self/status)"),
    }
}

/// One prove: its proof bytes, phase times, and the host RSS line.
struct Run {
    bytes: Vec<u8>,
    times: PhaseTimes,
    rss: String,
}

fn prove_once<D: ProverDevice>(
    prover: &Prover<D>,
    air: &dyn Air,
    traces: &[HostMatrix<Fp>],
    label: &str,
) -> BenchResult<Run> {
    let reset = reset_peak_rss();
    let (proof, times) = prover.prove(air, traces)?;
    let rss = rss_line(label, reset);
    Ok(Run {
        bytes: proof.to_bytes(),
        times,
        rss,
    })
}

fn print_table(cuda: &PhaseTimes, cpu: Option<&PhaseTimes>) {
    println!(
        "  {:<22} {:>10} {:>10} {:>9}",
        "phase", "CUDA s", "CPU s", "CPU/CUDA"
    );
    let row = |name: &str, g: f64, c: Option<f64>| match c {
        Some(c) => println!("  {name:<22} {g:>10.3} {c:>10.3} {:>8.1}x", c / g.max(1e-9)),
        None => println!("  {name:<22} {g:>10.3} {:>10} {:>9}", "-", "-"),
    };
    for (i, (name, d)) in cuda.0.iter().enumerate() {
        // The prover records the same phases in the same order on every device.
        let c = cpu
            .and_then(|t| t.0.get(i))
            .filter(|(n, _)| n == name)
            .map(|(_, d)| d.as_secs_f64());
        row(name, d.as_secs_f64(), c);
    }
    row(
        "prove total",
        cuda.total().as_secs_f64(),
        cpu.map(|t| t.total().as_secs_f64()),
    );
}

/// Benchmarks one AIR; returns whether the proofs matched and verified.
fn bench(
    label: &str,
    air: &dyn Air,
    traces: &[HostMatrix<Fp>],
    options: Options,
    with_cpu: bool,
) -> BenchResult<bool> {
    let cells: usize = traces.iter().map(|t| t.width() * t.height()).sum();
    println!("\n== {label}: {} tables, {cells} trace cells", traces.len());
    let t = Instant::now();
    let device = CudaDevice::new(0)?;
    let open_s = t.elapsed().as_secs_f64();
    let gpu = Prover::with_options(device.clone(), options)?;
    let cold = prove_once(&gpu, air, traces, "CUDA")?;
    let warm = prove_once(&gpu, air, traces, "CUDA")?;
    println!(
        "  CUDA device open {open_s:.3} s; cold prove {:.3} s, warm prove {:.3} s (tabulated)",
        cold.times.total().as_secs_f64(),
        warm.times.total().as_secs_f64()
    );
    let cpu = if with_cpu {
        let prover = Prover::with_options(CpuDevice::new(), options)?;
        Some(prove_once(&prover, air, traces, "CPU ")?)
    } else {
        None
    };
    print_table(&warm.times, cpu.as_ref().map(|r| &r.times));
    println!(
        "  CUDA peak device memory {} (of {})",
        gib(device.peak_memory() as u64),
        gib(device.properties().total_memory as u64)
    );
    println!("  {}", warm.rss);
    let mut ok = cold.bytes == warm.bytes;
    if !ok {
        println!("  MISMATCH: the two CUDA proofs differ (nondeterminism)");
    }
    if let Some(cpu) = &cpu {
        println!("  {}", cpu.rss);
        if cpu.bytes == warm.bytes {
            println!("  proofs byte-identical ({} bytes)", warm.bytes.len());
        } else {
            ok = false;
            println!(
                "  MISMATCH: CUDA proof {} bytes, CPU proof {} bytes, differ",
                warm.bytes.len(),
                cpu.bytes.len()
            );
        }
    }
    let t = Instant::now();
    match verify_bytes(&warm.bytes, options.security_bits()) {
        Ok(v) => println!(
            "  CUDA proof verifies: {} bits, {:.1} ms",
            v.security_bits,
            t.elapsed().as_secs_f64() * 1e3
        ),
        Err(e) => {
            ok = false;
            println!("  CUDA proof REJECTED: {e}");
        }
    }
    Ok(ok)
}

fn run(args: &Args) -> BenchResult<bool> {
    let options = Options::by_name(&args.preset)
        .ok_or_else(|| format!("unknown preset `{}`", args.preset))?;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "preset {}: blowup {}, {} queries, {} grinding bits; CPU backend on {threads} threads",
        args.preset,
        options.blowup(),
        options.num_queries,
        options.grinding_bits
    );
    let mut ok = true;
    if args.only.as_deref() != Some("lookup") {
        let t = Instant::now();
        let (air, trace) = FibWide::generate(args.cols, args.log_rows)?;
        let gen_s = t.elapsed().as_secs_f64();
        let label = format!(
            "fib-wide {} x 2^{} (trace generation {gen_s:.3} s)",
            args.cols, args.log_rows
        );
        ok &= bench(&label, &air, &[trace], options, args.cpu)?;
    }
    if args.only.as_deref() != Some("fib-wide") {
        let range_bits = args.range_bits.min(args.lookup_log_rows);
        let t = Instant::now();
        let (air, traces) = Lookup::generate(args.lookup_log_rows, range_bits, 1)?;
        let gen_s = t.elapsed().as_secs_f64();
        let label = format!(
            "lookup 2^{} rows, range 2^{range_bits} (trace generation {gen_s:.3} s)",
            args.lookup_log_rows
        );
        ok &= bench(&label, &air, &traces, options, args.cpu)?;
    }
    Ok(ok)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    match run(&args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => {
            eprintln!("error: a proof mismatched or did not verify");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
