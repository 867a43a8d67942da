//! GPU primitives with data already on the device, next to the CPU backend
//! on the same host: medians of CUDA-event times (GPU) and wall times (CPU),
//! and the CPU/GPU ratio.
//!
//! `cargo run --release -p backend-cuda --example cuda_bench [-- --transfers]`
//! (`--transfers`: only the host <-> device transfer lines).

use backend_api::rng::SplitMix64;
use backend_api::{
    Digest, Fp, Fp3, HostMatrix, Interaction, InteractionKind, LogUpChallenges, Matrix, Order,
    ProverDevice, RowExpr, TraceColumns,
};
use backend_cpu::CpuDevice;
use backend_cuda::{CudaCtx, CudaDevice, DeviceAlloc, EventTimer, PinnedHost};
use std::time::Instant;

const GPU_RUNS: usize = 9;
const CPU_RUNS: usize = 3;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

/// Median GPU milliseconds (after one warm-up run).
fn gpu_ms<R>(
    ctx: &CudaCtx,
    mut f: impl FnMut() -> backend_api::DeviceResult<R>,
) -> Result<f64, String> {
    let timer = EventTimer::new(ctx).map_err(|e| e.to_string())?;
    f().map_err(|e| e.to_string())?;
    let mut times = Vec::new();
    for _ in 0..GPU_RUNS {
        let (_, ms) = timer.time(&mut f).map_err(|e| e.to_string())?;
        times.push(ms as f64);
    }
    Ok(median(times))
}

/// Median CPU milliseconds (after one warm-up run).
fn cpu_ms<R>(mut f: impl FnMut() -> R) -> f64 {
    f();
    median(
        (0..CPU_RUNS)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(f());
                t.elapsed().as_secs_f64() * 1e3
            })
            .collect(),
    )
}

fn row(name: &str, gpu: Result<f64, String>, cpu: Option<f64>) {
    match (gpu, cpu) {
        (Ok(g), Some(c)) => println!("{name:<44} {g:>10.3} ms {c:>11.2} ms {:>9.1}x", c / g),
        (Ok(g), None) => println!("{name:<44} {g:>10.3} ms {:>11} {:>10}", "-", "-"),
        (Err(e), _) => println!("{name:<44} unavailable: {e}"),
    }
}

fn main() {
    let opening = Instant::now();
    let dev = CudaDevice::new(0).expect("CUDA device");
    let open_ms = opening.elapsed().as_secs_f64() * 1e3;
    let ctx = dev.new_ctx().expect("context");
    let cpu = CpuDevice::new();
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    println!(
        "device: {} ({} SMs), opened in {open_ms:.1} ms; CPU backend: {threads} threads",
        dev.name(),
        dev.properties().sm_count
    );
    println!("GPU: median of {GPU_RUNS} (CUDA events); CPU: median of {CPU_RUNS} (wall)\n");
    println!(
        "{:<44} {:>13} {:>14} {:>10}",
        "primitive", "GPU", "CPU", "CPU/GPU"
    );
    let mut rng = SplitMix64::new(0xBE7C);
    if std::env::args().any(|a| a == "--transfers") {
        transfers(&dev, &ctx, &mut rng);
        return;
    }

    // Coset LDE 64 x 2^20, blowup 4 (also the input of the Merkle commit).
    let trace = HostMatrix::new(rng.elems::<Fp>(64 << 20), 64, 1 << 20).unwrap();
    let shift = Fp::new(7);
    let d_trace = dev.upload_matrix(&ctx, &trace).unwrap();
    let g = gpu_ms(&ctx, || {
        dev.coset_lde(&ctx, &d_trace, Order::Natural, 4, shift, Order::BitReversed)
    });
    let c = cpu_ms(|| {
        cpu.coset_lde(&(), &trace, Order::Natural, 4, shift, Order::BitReversed)
            .unwrap()
    });
    row("coset LDE 64 x 2^20 Fp, blowup 4", g, Some(c));

    pipeline(&dev, &ctx, &trace, shift);

    // Keccak Merkle commit of the 64 x 2^22 LDE.
    let lde_host = HostMatrix::new(rng.elems::<Fp>(64 << 22), 64, 1 << 22).unwrap();
    let lde = dev.upload_matrix(&ctx, &lde_host).unwrap();
    let g = gpu_ms(&ctx, || dev.merkle_commit(&ctx, &[&lde], 1));
    let c = cpu_ms(|| cpu.merkle_commit(&(), &[&lde_host], 1).unwrap());
    row("Keccak Merkle commit 64 x 2^22 Fp", g, Some(c));
    drop(lde);
    drop(lde_host);

    // Batch inverse 2^22 Fp3.
    let v = rng.elems::<Fp3>(1 << 22);
    let mut d_v = dev.upload(&ctx, &v).unwrap();
    let g = gpu_ms(&ctx, || dev.batch_inverse(&ctx, &mut d_v));
    let mut hv = v.clone();
    let c = cpu_ms(|| cpu.batch_inverse(&(), &mut hv).unwrap());
    row("batch inverse 2^22 Fp3", g, Some(c));

    // FRI fold 2^22 Fp3.
    let cw_host = Matrix::new(v.clone(), 1, 1 << 22).unwrap();
    let cw = dev.upload_matrix(&ctx, &cw_host).unwrap();
    let beta = rng.fp3();
    let g = gpu_ms(&ctx, || dev.fri_fold(&ctx, &cw, shift, beta));
    let c = cpu_ms(|| cpu.fri_fold(&(), &cw_host, shift, beta).unwrap());
    row("FRI fold 2^22 Fp3", g, Some(c));

    // LogUp 2^20 rows x 8 interactions over 16 main columns.
    let main_host = HostMatrix::new(rng.elems::<Fp>(16 << 20), 16, 1 << 20).unwrap();
    let main = dev.upload_matrix(&ctx, &main_host).unwrap();
    let interactions: Vec<Interaction> = (0..8)
        .map(|k| Interaction {
            bus: k as u32 % 3,
            kind: if k % 2 == 0 {
                InteractionKind::Send
            } else {
                InteractionKind::Receive
            },
            values: vec![RowExpr::main(k), RowExpr::main(k + 8)],
            multiplicity: RowExpr::main((k + 3) % 16),
        })
        .collect();
    let ch = LogUpChallenges {
        z: rng.fp3(),
        alpha: rng.fp3(),
    };
    let g = gpu_ms(&ctx, || {
        dev.logup_aux_trace(&ctx, TraceColumns::main_only(&main), &interactions, &ch)
    });
    let c = cpu_ms(|| {
        cpu.logup_aux_trace(&(), TraceColumns::main_only(&main_host), &interactions, &ch)
            .unwrap()
    });
    row("LogUp aux trace 2^20 rows x 8 interactions", g, Some(c));

    // Grinding, 20 bits.
    let seed: Digest = std::array::from_fn(|i| i as u8 * 13 + 1);
    let g = gpu_ms(&ctx, || dev.grind(&ctx, &seed, 20));
    let c = cpu_ms(|| cpu.grind(&(), &seed, 20).unwrap());
    row("grinding 20 bits", g, Some(c));
    println!("  (nonce {})", dev.grind(&ctx, &seed, 20).unwrap());

    transfers(&dev, &ctx, &mut rng);
    println!(
        "\npeak device memory tracked: {} MiB",
        dev.peak_memory() >> 20
    );
}

/// Round 1 of a one-table proof from the host trace, on the wall clock up
/// to its root (or a synchronize): the upload alone, `upload_lde`, then
/// `merkle_commit_tables`, and both in one `upload_lde_commit` (rows hashed
/// while later columns are copied and extended).
fn pipeline(dev: &CudaDevice, ctx: &CudaCtx, trace: &HostMatrix<Fp>, shift: Fp) {
    let (natural, br) = (Order::Natural, Order::BitReversed);
    let wall_row = |name: &str, ms: Result<f64, String>| row(name, ms, None);
    wall_row(
        "upload 64 x 2^20 Fp (wall, + sync)",
        wall_ms(|| {
            let m = dev.upload_matrix(ctx, trace)?;
            ctx.synchronize()?;
            Ok(m)
        }),
    );
    wall_row(
        "upload_lde 64 x 2^20, blowup 4 (wall, + sync)",
        wall_ms(|| {
            let m = dev.upload_lde(ctx, trace, natural, 4, shift, br)?;
            ctx.synchronize()?;
            Ok(m)
        }),
    );
    wall_row(
        "upload_lde, then merkle_commit_tables (wall)",
        wall_ms(|| {
            let (m, lde) = dev.upload_lde(ctx, trace, natural, 4, shift, br)?;
            let tree = dev.merkle_commit_tables(ctx, &[&lde])?;
            Ok((m, lde, tree))
        }),
    );
    wall_row(
        "upload_lde_commit 64 x 2^20, blowup 4 (wall)",
        wall_ms(|| dev.upload_lde_commit(ctx, trace, natural, 4, shift, br)),
    );
}

/// Prints GB/s of `bytes` moved in `ms`, next to the time.
fn rate(name: &str, bytes: usize, ms: Result<f64, String>) {
    match ms {
        Ok(ms) => println!(
            "{name:<44} {ms:>10.3} ms  ({:.1} GB/s)",
            bytes as f64 / ms / 1e6
        ),
        Err(e) => println!("{name:<44} unavailable: {e}"),
    }
}

/// Median wall milliseconds of `f` (after one warm-up run).
fn wall_ms<R>(mut f: impl FnMut() -> backend_api::DeviceResult<R>) -> Result<f64, String> {
    f().map_err(|e| e.to_string())?;
    let mut times = Vec::new();
    for _ in 0..GPU_RUNS {
        let t = Instant::now();
        let r = std::hint::black_box(f().map_err(|e| e.to_string())?);
        times.push(t.elapsed().as_secs_f64() * 1e3);
        // Freed outside the timed span.
        drop(r);
    }
    Ok(median(times))
}

/// Host <-> device transfers of 512 MiB (the size of a 64 x 2^20 Fp trace):
/// pinned memory straight to and from the device, and the API's `upload` /
/// `download` from and to ordinary pageable memory through the context's
/// pinned staging. `upload` is timed both with stream events and on the wall
/// clock up to a synchronize (the DMA of its last chunks may outlive the
/// call); `download` on the wall clock (it returns with the data).
fn transfers(dev: &CudaDevice, ctx: &CudaCtx, rng: &mut SplitMix64) {
    let bytes = 512usize << 20;
    // Downloads into fresh vectors depend on the host's huge-page policy.
    if let Ok(thp) = std::fs::read_to_string("/sys/kernel/mm/transparent_hugepage/enabled") {
        println!("host transparent huge pages: {}", thp.trim());
    }
    let mut pinned = PinnedHost::new(ctx, bytes).unwrap();
    pinned
        .as_mut_slice()
        .unwrap()
        .iter_mut()
        .enumerate()
        .for_each(|(i, b)| *b = i as u8);
    let dst = DeviceAlloc::new(ctx, bytes).unwrap();
    rate(
        "H2D 512 MiB from pinned memory",
        bytes,
        gpu_ms(ctx, || pinned.copy_to(ctx, &dst)),
    );
    rate(
        "D2H 512 MiB to pinned memory",
        bytes,
        gpu_ms(ctx, || pinned.copy_from(ctx, &dst)),
    );
    drop(dst);
    drop(pinned);
    let host: Vec<Fp> = rng.elems::<Fp>(bytes / 8);
    rate(
        "upload() 512 MiB pageable (events)",
        bytes,
        gpu_ms(ctx, || dev.upload(ctx, &host)),
    );
    rate(
        "upload() 512 MiB pageable (wall, + sync)",
        bytes,
        wall_ms(|| {
            let b = dev.upload(ctx, &host)?;
            ctx.synchronize()?;
            Ok(b)
        }),
    );
    let d_host = dev.upload(ctx, &host).unwrap();
    rate(
        "download() 512 MiB to pageable (wall)",
        bytes,
        wall_ms(|| dev.download(ctx, &d_host)),
    );
    // The same through one host thread (the copies in and out of staging
    // are what the thread count changes).
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    rate(
        "upload() 512 MiB, 1 host thread (wall, + sync)",
        bytes,
        one.install(|| {
            wall_ms(|| {
                let b = dev.upload(ctx, &host)?;
                ctx.synchronize()?;
                Ok(b)
            })
        }),
    );
    rate(
        "download() 512 MiB, 1 host thread (wall)",
        bytes,
        one.install(|| wall_ms(|| dev.download(ctx, &d_host))),
    );
    let back = dev.download(ctx, &d_host).unwrap();
    println!(
        "  (round trip of the 512 MiB {})",
        if back == host { "is exact" } else { "DIFFERS" }
    );
}
