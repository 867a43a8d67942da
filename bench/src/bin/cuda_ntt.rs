//! Times the CUDA NTT kernels with data already on the device: coset LDE of
//! 64 x 2^20 `Fp` at blowup 4 (output 64 x 2^22, 2 GiB) for each order pair,
//! plus the plain transforms it is made of. CUDA events on the context's
//! stream, warm-up first, median of 7 runs.
//!
//! `cargo run --release -p backend-cuda --example ntt_bench [log_n] [width]`

use backend_api::{Fp, Fp3, HostMatrix, NttDirection, Order, ProverDevice};
use backend_cuda::{CudaCtx, CudaDevice};
use cust::sys as cu;

const RUNS: usize = 7;

/// Median milliseconds of `f` over `RUNS` runs, timed with events on `ctx`'s stream.
fn time_ms(ctx: &CudaCtx, mut f: impl FnMut()) -> f32 {
    f(); // warm-up: module load, first allocations
    ctx.synchronize().unwrap();
    let mut times = Vec::with_capacity(RUNS);
    // SAFETY: plain event API on the context's live stream; events destroyed below.
    unsafe {
        let (mut start, mut stop) = (std::ptr::null_mut(), std::ptr::null_mut());
        assert_eq!(
            cu::cuEventCreate(&mut start, 0),
            cu::cudaError_enum::CUDA_SUCCESS
        );
        assert_eq!(
            cu::cuEventCreate(&mut stop, 0),
            cu::cudaError_enum::CUDA_SUCCESS
        );
        for _ in 0..RUNS {
            cu::cuEventRecord(start, ctx.stream());
            f();
            cu::cuEventRecord(stop, ctx.stream());
            assert_eq!(
                cu::cuEventSynchronize(stop),
                cu::cudaError_enum::CUDA_SUCCESS
            );
            let mut ms = 0f32;
            cu::cuEventElapsedTime(&mut ms, start, stop);
            times.push(ms);
        }
        cu::cuEventDestroy_v2(start);
        cu::cuEventDestroy_v2(stop);
    }
    times.sort_by(f32::total_cmp);
    times[RUNS / 2]
}

fn random_matrix<T: backend_api::DeviceElem>(
    width: usize,
    height: usize,
    seed: u64,
) -> HostMatrix<T> {
    let mut s = seed;
    let mut next = move || {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        Fp::from_u128((s >> 1) as u128 * 0x9E37_79B9)
    };
    let buf: Vec<T> = (0..width * height)
        .map(|_| {
            let limbs: Vec<Fp> = (0..T::LIMBS).map(|_| next()).collect();
            T::from_limbs(&limbs)
        })
        .collect();
    HostMatrix::new(buf, width, height).unwrap()
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("a number"))
        .collect();
    let log_n = *args.first().unwrap_or(&20) as u32;
    let width = *args.get(1).unwrap_or(&64);
    let dev = CudaDevice::new(0).expect("a CUDA device");
    let ctx = dev.new_ctx().unwrap();
    println!("device: {}", dev.name());
    let (nat, br) = (Order::Natural, Order::BitReversed);
    let shift = Fp::GENERATOR;

    let host = random_matrix::<Fp>(width, 1 << log_n, 1);
    let evals = dev.upload_matrix(&ctx, &host).unwrap();
    let gib = (width << (log_n + 2)) as f64 * 8.0 / (1u64 << 30) as f64;
    println!("coset LDE Fp {width} x 2^{log_n}, blowup 4 (output {gib:.2} GiB):");
    for (input, output) in [(br, br), (nat, br), (nat, nat), (br, nat)] {
        let ms = time_ms(&ctx, || {
            let out = dev
                .coset_lde(&ctx, &evals, input, 4, shift, output)
                .unwrap();
            drop(out);
        });
        println!("  {input:?} -> {output:?}: {ms:.3} ms");
    }
    let ms = time_ms(&ctx, || {
        drop(
            dev.coeffs_to_coset(&ctx, &evals, nat, 4, shift, br)
                .unwrap(),
        );
    });
    println!(
        "coeffs_to_coset Fp {width} x 2^{log_n} -> 2^{}, Natural -> BitReversed: {ms:.3} ms",
        log_n + 2
    );

    let mut m = dev.upload_matrix(&ctx, &host).unwrap();
    for (dir, input, output) in [
        (NttDirection::Forward, nat, br),
        (NttDirection::Inverse, br, nat),
        (NttDirection::Forward, nat, nat),
    ] {
        let ms = time_ms(&ctx, || {
            dev.ntt(&ctx, &mut m, dir, shift, input, output).unwrap()
        });
        println!("ntt Fp {width} x 2^{log_n} {dir:?} {input:?} -> {output:?}: {ms:.3} ms");
    }
    drop((m, evals));

    let w3 = (width / 3).max(1);
    let host3 = random_matrix::<Fp3>(w3, 1 << log_n, 2);
    let evals3 = dev.upload_matrix(&ctx, &host3).unwrap();
    let ms = time_ms(&ctx, || {
        drop(dev.coset_lde(&ctx, &evals3, nat, 4, shift, br).unwrap());
    });
    println!("coset LDE Fp3 {w3} x 2^{log_n}, blowup 4, Natural -> BitReversed: {ms:.3} ms");
}
