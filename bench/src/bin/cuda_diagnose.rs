//! The primitives the prover uses, on identical random inputs, CPU against
//! CUDA: says which outputs differ, to localize a proof mismatch between
//! the backends (the main LDE and its Merkle root, the composition's
//! inverse NTT and coefficient LDE, OOD evaluation, a forward NTT).
//!
//! ```text
//! cargo run --release -p stark-hal-bench --features cuda --bin cuda_diagnose -- \
//!     [--cols 64] [--log-rows 20] [--preset blowup4]
//! ```
//! Exits non-zero if any output differs.

use backend_api::rng::SplitMix64;
use backend_api::{Fp, Fp3, HostMatrix, MerkleTree, NttDirection, Order, ProverDevice};
use backend_cpu::CpuDevice;
use backend_cuda::CudaDevice;
use stark::Options;
use std::process::ExitCode;

type BenchResult<T> = Result<T, Box<dyn std::error::Error>>;

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

fn parse_args() -> Result<(usize, u32, Options), String> {
    let (mut cols, mut log_rows, mut preset) = (64usize, 20u32, "blowup4".to_string());
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let num = |v: &str| v.parse::<u32>().map_err(|e| format!("{flag} {v}: {e}"));
        match flag.as_str() {
            "--cols" => cols = num(&value)? as usize,
            "--log-rows" => log_rows = num(&value)?,
            "--preset" => preset = value,
            _ => return Err(format!("unknown flag {flag}")),
        }
    }
    let options = Options::by_name(&preset).ok_or_else(|| format!("unknown preset `{preset}`"))?;
    Ok((cols, log_rows, options))
}

fn main() -> ExitCode {
    let result = parse_args()
        .map_err(Into::into)
        .and_then(|(cols, log_rows, options)| diagnose(cols, log_rows, &options));
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => {
            eprintln!("error: CPU and CUDA outputs differ");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
