//! `stark prove`: generate a witness, prove it on the chosen backend,
//! write the proof, report phases, size, security and the statement.

use crate::registry::{Example, Shape};
use crate::{hex, Backend};
use backend_api::ProverDevice;
use backend_cpu::CpuDevice;
use clap::Args;
use serde_json::json;
use stark::{Options, Prover};
use std::path::PathBuf;
use std::time::Instant;

/// Flags of `stark prove`.
#[derive(Args)]
pub struct ProveArgs {
    #[arg(long, value_enum)]
    air: Example,
    /// fib-wide: number of columns (even).
    #[arg(long, default_value_t = 64)]
    cols: usize,
    /// log2 of the rows (fib-wide, squares, keccak; lookup's source and sink
    /// tables; vm's cpu table). Default: 16, keccak 10, vm 14.
    #[arg(long)]
    log_rows: Option<u32>,
    /// lookup: log2 of the range table's height (default min(log_rows, 16)).
    #[arg(long)]
    range_bits: Option<u32>,
    /// lookup, keccak: witness seed; squares: the input x_0.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// vm: loop iterations (default: as many as the cpu table holds).
    #[arg(long)]
    iterations: Option<usize>,
    #[arg(long, value_enum, default_value_t = Backend::Cpu)]
    backend: Backend,
    /// cuda: the GPU's ordinal.
    #[arg(long, default_value_t = 0)]
    gpu: usize,
    /// cuda: hold the proof to this much device memory, in bytes or with a
    /// suffix K, M or G (powers of 1024), e.g. `20G`: the GPU refuses
    /// allocations past it, and the prover plans the proof to fit (tables
    /// in turn if need be) or fails before any work.
    #[arg(long, value_parser = parse_bytes)]
    gpu_mem_limit: Option<u64>,
    /// Options preset: blowup2, blowup4 (default), blowup8, blowup16, test.
    #[arg(long, default_value = "blowup4")]
    preset: String,
    /// Override the preset's query count.
    #[arg(long)]
    queries: Option<usize>,
    /// Override the preset's grinding bits.
    #[arg(long)]
    grinding: Option<u32>,
    /// Override the preset's FRI folding arity, as log2 (1..=4: arity 2..16).
    #[arg(long)]
    fri_log_arity: Option<u32>,
    /// Override the preset's FRI final log-degree (the final polynomial has
    /// 2^k coefficients).
    #[arg(long)]
    fri_final_log_degree: Option<u32>,
    #[arg(long)]
    out: PathBuf,
    /// Machine-readable output.
    #[arg(long)]
    json: bool,
}

type JobResult = Result<(), Box<dyn std::error::Error>>;

/// Runs `stark prove`.
pub fn run(args: ProveArgs) -> JobResult {
    let mut options = Options::by_name(&args.preset)
        .ok_or_else(|| format!("unknown preset `{}`", args.preset))?;
    if let Some(q) = args.queries {
        options.num_queries = q;
    }
    if let Some(g) = args.grinding {
        options.grinding_bits = g;
    }
    if let Some(k) = args.fri_log_arity {
        options.fri_log_arity = k;
    }
    if let Some(f) = args.fri_final_log_degree {
        options.fri_final_log_degree = f;
    }
    match args.backend {
        Backend::Cpu if args.gpu_mem_limit.is_some() => {
            Err("--gpu-mem-limit applies to --backend cuda".into())
        }
        Backend::Cpu => prove_on(CpuDevice::new(), &args, options, |_, _| None),
        Backend::Cuda => run_on_cuda(&args, options),
    }
}

/// A device's figures of one proof: PCIe bytes each way and the peak of
/// device memory.
#[derive(Copy, Clone, Debug, Default)]
struct DeviceFigures {
    to_device: u64,
    to_host: u64,
    peak_memory: u64,
}

/// Reads a device's counters (`begin`: and starts a new memory peak);
/// `None` for a backend without them (the CPU).
type Meter<D> = fn(&D, bool) -> Option<DeviceFigures>;

/// Proves on GPU number `args.gpu` with the CUDA backend.
#[cfg(feature = "cuda")]
fn run_on_cuda(args: &ProveArgs, options: Options) -> JobResult {
    let meter = |dev: &backend_cuda::CudaDevice, begin: bool| {
        if begin {
            dev.reset_peak_memory();
        }
        let t = dev.transfer_bytes();
        Some(DeviceFigures {
            to_device: t.to_device,
            to_host: t.to_host,
            peak_memory: dev.peak_memory() as u64,
        })
    };
    let device = backend_cuda::CudaDevice::new(args.gpu)?;
    let limit = args.gpu_mem_limit.map(usize::try_from).transpose()?;
    device.set_memory_limit(limit);
    prove_on(device, args, options, meter)
}

/// `20G`, `512M`, `64K` (powers of 1024) or a plain byte count.
fn parse_bytes(s: &str) -> Result<u64, String> {
    let (digits, shift) = match s.as_bytes().last() {
        Some(b'G' | b'g') => (&s[..s.len() - 1], 30),
        Some(b'M' | b'm') => (&s[..s.len() - 1], 20),
        Some(b'K' | b'k') => (&s[..s.len() - 1], 10),
        _ => (s, 0),
    };
    let n: u64 = digits
        .parse()
        .map_err(|e| format!("`{s}`: {e} (a byte count, or with K, M or G)"))?;
    n.checked_mul(1 << shift)
        .ok_or_else(|| format!("`{s}` is more bytes than fit in 64 bits"))
}

/// Without the `cuda` feature there is no CUDA backend to run: say so
/// rather than proving on the CPU instead.
#[cfg(not(feature = "cuda"))]
fn run_on_cuda(_args: &ProveArgs, _options: Options) -> JobResult {
    Err(NO_CUDA.into())
}

#[cfg(not(feature = "cuda"))]
const NO_CUDA: &str = "this `stark` binary was built without CUDA support \
     (rebuild with `cargo build --release -p stark-cli --features cuda`)";

/// Proves on `device`; `meter` reads its PCIe and memory figures around
/// the proof (not the setup).
fn prove_on<D: ProverDevice>(
    device: D,
    args: &ProveArgs,
    options: Options,
    meter: Meter<D>,
) -> JobResult {
    let start = Instant::now();
    let json = args.json;
    let progress = move |phase: &str| {
        if !json {
            eprintln!("[{:>8.3}s] {phase} ...", start.elapsed().as_secs_f64());
        }
    };
    progress("trace generation");
    let t0 = Instant::now();
    let log_rows = args.log_rows.unwrap_or(args.air.default_log_rows());
    let shape = Shape {
        cols: args.cols,
        log_rows,
        range_bits: args.range_bits.unwrap_or(log_rows.min(16)),
        seed: args.seed,
        iterations: args.iterations,
    };
    let inst = args.air.generate(&shape)?;
    let trace_time = t0.elapsed().as_secs_f64();
    let backend_name = device.name();
    let mut prover = Prover::with_options(device, options)?.on_phase(progress);
    if let Some(budget) = args.gpu_mem_limit {
        prover = prover.with_memory_budget(budget);
    }
    let t_setup = Instant::now();
    let key = prover.setup(inst.air.as_ref())?;
    let setup_time = t_setup.elapsed().as_secs_f64();
    let begin = meter(prover.device(), true);
    let (proof, times) = prover.prove_with_key(&key, &inst.public, &inst.traces)?;
    let device_figures = begin
        .zip(meter(prover.device(), false))
        .map(|(b, e)| DeviceFigures {
            to_device: e.to_device - b.to_device,
            to_host: e.to_host - b.to_host,
            peak_memory: e.peak_memory,
        });
    let bytes = proof.to_bytes();
    std::fs::write(&args.out, &bytes)?;
    let security = key.security(&inst.public);
    let statement = hex(&key.statement(&inst.public));
    let mut phases: Vec<(&str, f64)> =
        vec![("trace generation", trace_time), ("setup", setup_time)];
    phases.extend(times.0.iter().map(|(n, d)| (*n, d.as_secs_f64())));
    let prove_total = times.total().as_secs_f64();
    let instance = &proof.air;
    if args.json {
        let phases: Vec<_> = phases
            .iter()
            .map(|(name, seconds)| json!({"name": name, "seconds": seconds}))
            .collect();
        let out = json!({
            "air": instance.name,
            "params": instance.params,
            "public_inputs": instance.public_inputs.iter().map(|v| v.value()).collect::<Vec<_>>(),
            "statement": statement,
            "backend": backend_name,
            "log_blowup": options.log_blowup,
            "queries": options.num_queries,
            "grinding_bits": options.grinding_bits,
            "fri_log_arity": options.fri_log_arity,
            "fri_final_log_degree": options.fri_final_log_degree,
            "phases": phases,
            "prove_seconds": prove_total,
            "proof_bytes": bytes.len(),
            "conjectured_bits": security.conjectured_bits,
            "provable_bits": security.provable_bits,
            "bytes_to_device": device_figures.map(|f| f.to_device),
            "bytes_to_host": device_figures.map(|f| f.to_host),
            "peak_device_bytes": device_figures.map(|f| f.peak_memory),
            "out": args.out.display().to_string(),
        });
        println!("{out}");
        return Ok(());
    }
    println!(
        "air       {} {:?} on {backend_name}",
        instance.name, instance.params
    );
    println!("statement {statement}");
    println!(
        "options   blowup {}, {} queries, {} grinding bits, FRI arity {}, final degree < 2^{}",
        options.blowup(),
        options.num_queries,
        options.grinding_bits,
        1u32 << options.fri_log_arity,
        options.fri_final_log_degree
    );
    println!("{:<22} {:>10} {:>7}", "phase", "seconds", "share");
    for (name, s) in &phases {
        println!(
            "{name:<22} {s:>10.3} {:>6.1}%",
            100.0 * s / prove_total.max(1e-9)
        );
    }
    println!(
        "{:<22} {prove_total:>10.3}  (excluding trace generation and setup)",
        "prove total"
    );
    if let Some(f) = device_figures {
        println!(
            "device    {} bytes to the device, {} to the host, peak memory {} bytes",
            f.to_device, f.to_host, f.peak_memory
        );
    }
    println!("proof     {} bytes -> {}", bytes.len(), args.out.display());
    println!(
        "security  {} bits conjectured (queries {}, field {}, hash 128), {} bits provable",
        security.conjectured_bits, security.query_bits, security.field_bits, security.provable_bits
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(backend: Backend, out: PathBuf, gpu_mem_limit: Option<u64>) -> ProveArgs {
        ProveArgs {
            air: Example::FibWide,
            cols: 2,
            log_rows: Some(3),
            range_bits: None,
            seed: 1,
            iterations: None,
            backend,
            gpu: 0,
            gpu_mem_limit,
            preset: "test".into(),
            queries: None,
            grinding: None,
            fri_log_arity: None,
            fri_final_log_degree: None,
            out,
            json: true,
        }
    }

    fn out(name: &str) -> PathBuf {
        std::env::temp_dir().join(format!("stark-{name}-{}.bin", std::process::id()))
    }

    /// `--backend cuda` in a binary without the feature is an error naming
    /// the missing support, and nothing is proved or written.
    #[cfg(not(feature = "cuda"))]
    #[test]
    fn cuda_backend_without_the_feature_is_an_error() {
        let out = out("no-cuda");
        let err = run(args(Backend::Cuda, out.clone(), None))
            .unwrap_err()
            .to_string();
        assert!(err.contains("without CUDA support"), "{err}");
        assert!(!out.exists());
    }

    /// `--gpu-mem-limit` with the CPU backend is refused, not ignored.
    #[test]
    fn a_gpu_memory_limit_on_the_cpu_is_an_error() {
        let out = out("cpu-limit");
        let err = run(args(Backend::Cpu, out.clone(), Some(1 << 30)))
            .unwrap_err()
            .to_string();
        assert!(err.contains("--gpu-mem-limit"), "{err}");
        assert!(!out.exists());
    }

    #[test]
    fn byte_counts_read_with_and_without_a_suffix() {
        assert_eq!(parse_bytes("20G"), Ok(20 << 30));
        assert_eq!(parse_bytes("512m"), Ok(512 << 20));
        assert_eq!(parse_bytes("64K"), Ok(64 << 10));
        assert_eq!(parse_bytes("1000"), Ok(1000));
        assert!(parse_bytes("G").is_err());
        assert!(parse_bytes("1.5G").is_err());
        assert!(parse_bytes("99999999999G").is_err());
    }
}
