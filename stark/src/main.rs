//! `stark`: prove and verify the example AIRs from the command line.
//!
//! ```text
//! stark prove --air fib-wide --cols 64 --log-rows 20 [--backend cpu] --out proof.bin
//! stark prove --air lookup --log-rows 16 --range-bits 8 --out proof.bin
//! stark prove --air fib-wide --backend cuda --gpu 0 --out proof.bin   # feature `cuda`
//! stark verify proof.bin
//! ```

use backend_api::{Fp, HostMatrix, ProverDevice};
use backend_cpu::CpuDevice;
use clap::{Parser, Subcommand, ValueEnum};
use stark::examples::{FibWide, Lookup};
use stark::{verify_bytes, Air, Options, Prover};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

#[derive(Parser)]
#[command(
    name = "stark",
    about = "Prove and verify example AIRs with the multi-table STARK"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Copy, Clone, PartialEq, Eq, ValueEnum)]
enum AirName {
    FibWide,
    Lookup,
}

#[derive(Copy, Clone, PartialEq, Eq, ValueEnum)]
enum Backend {
    /// CpuDevice (rayon).
    Cpu,
    /// CudaDevice (needs a binary built with the `cuda` feature).
    Cuda,
}

#[derive(Subcommand)]
enum Command {
    /// Generate a witness for an example AIR, prove it, write the proof.
    Prove {
        #[arg(long, value_enum)]
        air: AirName,
        /// fib-wide: number of columns (even).
        #[arg(long, default_value_t = 64)]
        cols: usize,
        /// log2 of the rows (fib-wide; lookup's source and sink tables).
        #[arg(long, default_value_t = 16)]
        log_rows: u32,
        /// lookup: log2 of the range table's height (default min(log_rows, 16)).
        #[arg(long)]
        range_bits: Option<u32>,
        /// lookup: witness seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long, value_enum, default_value_t = Backend::Cpu)]
        backend: Backend,
        /// cuda: the GPU's ordinal.
        #[arg(long, default_value_t = 0)]
        gpu: usize,
        /// Options preset: blowup2, blowup4 (default), blowup8, blowup16, test.
        #[arg(long, default_value = "blowup4")]
        preset: String,
        /// Override the preset's query count.
        #[arg(long)]
        queries: Option<usize>,
        /// Override the preset's grinding bits.
        #[arg(long)]
        grinding: Option<u32>,
        #[arg(long)]
        out: PathBuf,
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
    /// Verify a proof file.
    Verify {
        proof: PathBuf,
        /// Reject proofs claiming fewer conjectured bits.
        #[arg(long, default_value_t = 0)]
        min_bits: u32,
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Prove {
            air,
            cols,
            log_rows,
            range_bits,
            seed,
            backend,
            gpu,
            preset,
            queries,
            grinding,
            out,
            json,
        } => {
            let Some(mut options) = Options::by_name(&preset) else {
                eprintln!("unknown preset `{preset}`");
                return ExitCode::FAILURE;
            };
            if let Some(q) = queries {
                options.num_queries = q;
            }
            if let Some(g) = grinding {
                options.grinding_bits = g;
            }
            let job = ProveJob {
                air,
                cols,
                log_rows,
                range_bits: range_bits.unwrap_or(log_rows.min(16)),
                seed,
                options,
                out,
                json,
            };
            let res = match backend {
                Backend::Cpu => job.run(CpuDevice::new()),
                Backend::Cuda => run_on_cuda(&job, gpu),
            };
            match res {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Verify {
            proof,
            min_bits,
            json,
        } => verify_file(&proof, min_bits, json),
    }
}

type JobResult = Result<(), Box<dyn std::error::Error>>;

/// Proves on GPU number `ordinal` with the CUDA backend.
#[cfg(feature = "cuda")]
fn run_on_cuda(job: &ProveJob, ordinal: usize) -> JobResult {
    job.run(backend_cuda::CudaDevice::new(ordinal)?)
}

/// Without the `cuda` feature there is no CUDA backend to run: say so
/// rather than proving on the CPU instead.
#[cfg(not(feature = "cuda"))]
fn run_on_cuda(_job: &ProveJob, _ordinal: usize) -> JobResult {
    Err(NO_CUDA.into())
}

#[cfg(not(feature = "cuda"))]
const NO_CUDA: &str = "this `stark` binary was built without CUDA support \
     (rebuild with `cargo build --release -p stark --features cuda`)";

struct ProveJob {
    air: AirName,
    cols: usize,
    log_rows: u32,
    range_bits: u32,
    seed: u64,
    options: Options,
    out: PathBuf,
    json: bool,
}

fn json_str(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

impl ProveJob {
    fn run<D: ProverDevice>(&self, device: D) -> JobResult {
        let start = Instant::now();
        let json = self.json;
        let progress = move |phase: &str| {
            if !json {
                eprintln!("[{:>8.3}s] {phase} ...", start.elapsed().as_secs_f64());
            }
        };
        progress("trace generation");
        let t0 = Instant::now();
        let (air, traces): (Box<dyn Air>, Vec<HostMatrix<Fp>>) = match self.air {
            AirName::FibWide => {
                let (a, t) = FibWide::generate(self.cols, self.log_rows)?;
                (Box::new(a), vec![t])
            }
            AirName::Lookup => {
                let (a, t) = Lookup::generate(self.log_rows, self.range_bits, self.seed)?;
                (Box::new(a), t)
            }
        };
        let trace_time = t0.elapsed();
        let backend_name = device.name();
        let prover = Prover::with_options(device, self.options)?.on_phase(progress);
        let (proof, times) = prover.prove(air.as_ref(), &traces)?;
        let bytes = proof.to_bytes();
        std::fs::write(&self.out, &bytes)?;
        let bits = self.options.security_bits();
        let instance = air.instance();
        let mut phases: Vec<(&str, f64)> = vec![("trace generation", trace_time.as_secs_f64())];
        phases.extend(times.0.iter().map(|(n, d)| (*n, d.as_secs_f64())));
        let prove_total = times.total().as_secs_f64();
        if self.json {
            let list: Vec<String> = phases
                .iter()
                .map(|(n, s)| format!("{{\"name\":{},\"seconds\":{s:.6}}}", json_str(n)))
                .collect();
            println!(
                "{{\"air\":{},\"params\":{:?},\"backend\":{},\"log_blowup\":{},\"queries\":{},\"grinding_bits\":{},\"phases\":[{}],\"prove_seconds\":{prove_total:.6},\"proof_bytes\":{},\"security_bits\":{bits},\"out\":{}}}",
                json_str(&instance.name),
                instance.params,
                json_str(&backend_name),
                self.options.log_blowup,
                self.options.num_queries,
                self.options.grinding_bits,
                list.join(","),
                bytes.len(),
                json_str(&self.out.display().to_string()),
            );
        } else {
            println!(
                "air       {} {:?} on {backend_name}",
                instance.name, instance.params
            );
            println!(
                "options   blowup {}, {} queries, {} grinding bits",
                self.options.blowup(),
                self.options.num_queries,
                self.options.grinding_bits
            );
            println!("{:<22} {:>10} {:>7}", "phase", "seconds", "share");
            for (name, s) in &phases {
                println!(
                    "{name:<22} {s:>10.3} {:>6.1}%",
                    100.0 * s / prove_total.max(1e-9)
                );
            }
            println!(
                "{:<22} {prove_total:>10.3}  (excluding trace generation)",
                "prove total"
            );
            println!("proof     {} bytes -> {}", bytes.len(), self.out.display());
            println!(
                "security  {bits} bits (conjectured: min(queries * log2(blowup) + grinding, {}))",
                stark::options::FIELD_SECURITY_CAP
            );
        }
        Ok(())
    }
}

fn verify_file(path: &PathBuf, min_bits: u32, json: bool) -> ExitCode {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    };
    let start = Instant::now();
    let res = verify_bytes(&bytes, min_bits);
    let secs = start.elapsed().as_secs_f64();
    match res {
        Ok(v) => {
            if json {
                println!(
                    "{{\"valid\":true,\"air\":{},\"params\":{:?},\"security_bits\":{},\"proof_bytes\":{},\"verify_seconds\":{secs:.6}}}",
                    json_str(&v.air.name),
                    v.air.params,
                    v.security_bits,
                    bytes.len()
                );
            } else {
                println!(
                    "valid: {} {:?}, {} bits, {} bytes, verified in {:.1} ms",
                    v.air.name,
                    v.air.params,
                    v.security_bits,
                    bytes.len(),
                    secs * 1e3
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            if json {
                println!("{{\"valid\":false,\"error\":{}}}", json_str(&e.to_string()));
            } else {
                eprintln!("invalid proof: {e}");
            }
            ExitCode::FAILURE
        }
    }
}

#[cfg(all(test, not(feature = "cuda")))]
mod tests {
    use super::*;

    /// `--backend cuda` in a binary without the feature is an error naming
    /// the missing support, and nothing is proved or written.
    #[test]
    fn cuda_backend_without_the_feature_is_an_error() {
        let out = std::env::temp_dir().join(format!("stark-no-cuda-{}.bin", std::process::id()));
        let job = ProveJob {
            air: AirName::FibWide,
            cols: 2,
            log_rows: 3,
            range_bits: 3,
            seed: 1,
            options: Options::insecure_test(),
            out: out.clone(),
            json: true,
        };
        let err = run_on_cuda(&job, 0).unwrap_err().to_string();
        assert!(err.contains("without CUDA support"), "{err}");
        assert!(!out.exists());
    }
}
