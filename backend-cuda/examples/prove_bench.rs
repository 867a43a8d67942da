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
//!     [--preset blowup4] [--only fib-wide|lookup] [--no-cpu] [--diagnose]
//! ```
//!
//! `--diagnose` first runs the primitives the prover uses on a `cols x
//! 2^log_rows` table (random values; the LDE, the composition's inverse NTT
//! and coefficient LDE, OOD evaluation, Merkle root) on both devices and says
//! which outputs differ, to localize a proof mismatch.
//!
//! Each AIR gets a fresh `CudaDevice` (so its peak is its own), one cold
//! CUDA prove (first use of the memory pool and kernels) and one warm CUDA
//! prove, whose phases are the ones tabulated; the CPU proves once.
//! Exits non-zero if the proofs differ or the CUDA proof does not verify.

use backend_api::rng::SplitMix64;
use backend_api::{Fp, Fp3, HostMatrix, MerkleTree, NttDirection, Order, ProverDevice};
use backend_cpu::CpuDevice;
use backend_cuda::CudaDevice;
use stark::examples::{FibWide, Lookup};
use stark::{
    verify_with_key, Air, Options, PhaseTimes, Proof, Prover, SecurityPolicy, VerifyError,
};
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
    diagnose: bool,
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
        diagnose: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "--no-cpu" {
            a.cpu = false;
            continue;
        }
        if flag == "--diagnose" {
            a.diagnose = true;
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
    (public, traces): (&[Fp], &[HostMatrix<Fp>]),
    label: &str,
) -> BenchResult<Run> {
    let reset = reset_peak_rss();
    let (proof, times) = prover.prove(air, public, traces)?;
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
    (public, traces): (&[Fp], &[HostMatrix<Fp>]),
    options: Options,
    with_cpu: bool,
) -> BenchResult<bool> {
    let statement = (public, traces);
    let cells: usize = traces.iter().map(|t| t.width() * t.height()).sum();
    println!("\n== {label}: {} tables, {cells} trace cells", traces.len());
    let t = Instant::now();
    let device = CudaDevice::new(0)?;
    let open_s = t.elapsed().as_secs_f64();
    let gpu = Prover::with_options(device.clone(), options)?;
    let cold = prove_once(&gpu, air, statement, "CUDA")?;
    let warm = prove_once(&gpu, air, statement, "CUDA")?;
    println!(
        "  CUDA device open {open_s:.3} s; cold prove {:.3} s, warm prove {:.3} s (tabulated)",
        cold.times.total().as_secs_f64(),
        warm.times.total().as_secs_f64()
    );
    let mut ok = cold.bytes == warm.bytes;
    if !ok {
        println!("  MISMATCH: the two CUDA proofs differ (nondeterminism)");
    }
    let cpu = if with_cpu {
        let prover = Prover::with_options(CpuDevice::new(), options)?;
        // A CPU failure is a finding to report next to the CUDA figures.
        match prove_once(&prover, air, statement, "CPU ") {
            Ok(run) => Some(run),
            Err(e) => {
                ok = false;
                println!("  CPU prove FAILED: {e}");
                None
            }
        }
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
    // The verifying key from a CPU setup; a policy that accepts the preset
    // chosen on the command line, whose bits are printed.
    let vk = Prover::with_options(CpuDevice::new(), options)?
        .setup(air)?
        .verifying_key()
        .clone();
    let policy = SecurityPolicy::insecure_for_tests(0);
    let t = Instant::now();
    let verified = Proof::from_bytes(&warm.bytes)
        .map_err(VerifyError::from)
        .and_then(|proof| verify_with_key(air, &vk, public, &proof, &policy));
    match verified {
        Ok(v) => println!(
            "  CUDA proof verifies: {} bits conjectured, {} provable, {:.1} ms",
            v.security.conjectured_bits,
            v.security.provable_bits,
            t.elapsed().as_secs_f64() * 1e3
        ),
        Err(e) => {
            ok = false;
            println!("  CUDA proof REJECTED: {e}");
        }
    }
    Ok(ok)
}

/// Where two downloaded matrices (column-major, `height` rows) first differ.
fn first_difference<T: PartialEq>(a: &[T], b: &[T], height: usize) -> Option<(usize, usize)> {
    if a.len() != b.len() {
        return Some((usize::MAX, usize::MAX));
    }
    let i = a.iter().zip(b).position(|(x, y)| x != y)?;
    Some((i / height, i % height))
}

fn report<T: PartialEq>(name: &str, cpu: &[T], gpu: &[T], height: usize) -> bool {
    match first_difference(cpu, gpu, height) {
        None => {
            println!("  {name:<46} identical ({} elements)", cpu.len());
            true
        }
        Some((c, r)) => {
            let wrong = cpu.iter().zip(gpu).filter(|(x, y)| x != y).count();
            println!(
                "  {name:<46} DIFFER: first at column {c} row {r}; {wrong} of {} elements",
                cpu.len()
            );
            false
        }
    }
}

/// The prover's primitives on identical random inputs, CPU against CUDA.
fn diagnose(cols: usize, log_rows: u32, options: &Options) -> BenchResult<bool> {
    println!("\n== primitives on a {cols} x 2^{log_rows} table, CPU against CUDA");
    let (cpu, gpu) = (CpuDevice::new(), CudaDevice::new(0)?);
    let (cc, gc) = (cpu.new_ctx()?, gpu.new_ctx()?);
    let n = 1usize << log_rows;
    let (blowup, shift) = (options.blowup(), options.shift);
    let mut rng = SplitMix64::new(0xD1A6);
    let mut ok = true;

    // Round 1: the main LDE (natural in, bit-reversed out) and its tree.
    let trace: HostMatrix<Fp> = rng.matrix(cols, n);
    let (ct, gt) = (
        cpu.upload_matrix(&cc, &trace)?,
        gpu.upload_matrix(&gc, &trace)?,
    );
    let (cl, gl) = (
        cpu.coset_lde(&cc, &ct, Order::Natural, blowup, shift, Order::BitReversed)?,
        gpu.coset_lde(&gc, &gt, Order::Natural, blowup, shift, Order::BitReversed)?,
    );
    let (cv, gv) = (
        cpu.download(&cc, cl.buffer())?,
        gpu.download(&gc, gl.buffer())?,
    );
    ok &= report("coset_lde Fp (main LDE)", &cv, &gv, n * blowup);
    let (croot, groot) = (
        cpu.merkle_commit(&cc, &[&cl], 1)?.root(),
        gpu.merkle_commit(&gc, &[&gl], 1)?.root(),
    );
    ok &= report("merkle_commit root (main LDE)", &[croot], &[groot], 1);

    // Round 3: composition evaluations (bit-reversed, 2 parts) -> coefficients
    // -> parts' LDE.
    let comp: HostMatrix<Fp3> = rng.matrix(1, 2 * n);
    let (mut cm, mut gm) = (
        cpu.upload_matrix(&cc, &comp)?,
        gpu.upload_matrix(&gc, &comp)?,
    );
    let inv = (
        NttDirection::Inverse,
        shift,
        Order::BitReversed,
        Order::Natural,
    );
    cpu.ntt(&cc, &mut cm, inv.0, inv.1, inv.2, inv.3)?;
    gpu.ntt(&gc, &mut gm, inv.0, inv.1, inv.2, inv.3)?;
    let (cv, gv) = (
        cpu.download(&cc, cm.buffer())?,
        gpu.download(&gc, gm.buffer())?,
    );
    ok &= report("ntt Fp3 inverse coset (composition)", &cv, &gv, 2 * n);
    let parts: HostMatrix<Fp3> = rng.matrix(2, n);
    let (cp, gp) = (
        cpu.upload_matrix(&cc, &parts)?,
        gpu.upload_matrix(&gc, &parts)?,
    );
    let (cl, gl) = (
        cpu.coeffs_to_coset(&cc, &cp, Order::Natural, blowup, shift, Order::BitReversed)?,
        gpu.coeffs_to_coset(&gc, &gp, Order::Natural, blowup, shift, Order::BitReversed)?,
    );
    let (cv, gv) = (
        cpu.download(&cc, cl.buffer())?,
        gpu.download(&gc, gl.buffer())?,
    );
    ok &= report("coeffs_to_coset Fp3 (parts LDE)", &cv, &gv, n * blowup);

    // Round 4: OOD evaluation of the trace, and the parts' forward NTT.
    let points = [rng.fp3(), rng.fp3()];
    let (co, go) = (
        cpu.ood_evaluate(&cc, &ct, &points)?,
        gpu.ood_evaluate(&gc, &gt, &points)?,
    );
    ok &= report(
        "ood_evaluate Fp (trace, 2 points)",
        &co.concat(),
        &go.concat(),
        1,
    );
    let fwd = (
        NttDirection::Forward,
        Fp::ONE,
        Order::Natural,
        Order::Natural,
    );
    let (mut cp, mut gp) = (cp, gp);
    cpu.ntt(&cc, &mut cp, fwd.0, fwd.1, fwd.2, fwd.3)?;
    gpu.ntt(&gc, &mut gp, fwd.0, fwd.1, fwd.2, fwd.3)?;
    let (cv, gv) = (
        cpu.download(&cc, cp.buffer())?,
        gpu.download(&gc, gp.buffer())?,
    );
    ok &= report("ntt Fp3 forward natural (parts over H_n)", &cv, &gv, n);
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
    if args.diagnose {
        ok &= diagnose(args.cols, args.log_rows, &options)?;
    }
    if args.only.as_deref() != Some("lookup") {
        let t = Instant::now();
        let (air, public, trace) = FibWide::generate(args.cols, args.log_rows)?;
        let gen_s = t.elapsed().as_secs_f64();
        let label = format!(
            "fib-wide {} x 2^{} (trace generation {gen_s:.3} s)",
            args.cols, args.log_rows
        );
        ok &= bench(&label, &air, (&public, &[trace]), options, args.cpu)?;
    }
    if args.only.as_deref() != Some("fib-wide") {
        let range_bits = args.range_bits.min(args.lookup_log_rows);
        let t = Instant::now();
        let (air, public, traces) = Lookup::generate(args.lookup_log_rows, range_bits, 1)?;
        let gen_s = t.elapsed().as_secs_f64();
        let label = format!(
            "lookup 2^{} rows, range 2^{range_bits} (trace generation {gen_s:.3} s)",
            args.lookup_log_rows
        );
        ok &= bench(&label, &air, (&public, &traces), options, args.cpu)?;
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
