//! The CUDA NTT, coset LDE and coeffs-to-coset at what only the GPU
//! backend has: every pass shape (one tile, one strided pass plus the
//! contiguous one, two strided passes) up to 2^22 rows, blowups on either
//! side of the per-coset split's limit. Truth is `CpuDevice` (itself checked against the reference's
//! naive DFT by the conformance suite); outputs must be equal element for
//! element (canonical values, so byte for byte). Small sizes, every order
//! and the invalid-argument checks are the suite's (`tests/conformance.rs`).

use backend_api::rng::SplitMix64 as Rng;
use backend_api::{DeviceElem, Fp, Fp3, HostMatrix, NttDirection, Order, ProverDevice};
use backend_cpu::CpuDevice;
use backend_cuda::{CudaCtx, CudaDevice};

const SHIFTS: [u64; 2] = [1, 7];

fn device() -> (CudaDevice, CudaCtx) {
    let dev = CudaDevice::new(0).expect("a CUDA device");
    let ctx = dev.new_ctx().expect("a context");
    (dev, ctx)
}

/// Index of the first difference, for a readable failure.
fn assert_same<T: DeviceElem>(got: &HostMatrix<T>, want: &HostMatrix<T>, what: &str) {
    assert_eq!(
        (got.width(), got.height()),
        (want.width(), want.height()),
        "{what}: shape"
    );
    if let Some(i) = (0..want.buffer().len()).find(|&i| got.buffer()[i] != want.buffer()[i]) {
        panic!(
            "{what}: first difference at column {}, row {}: got {:?}, want {:?}",
            i / want.height(),
            i % want.height(),
            got.buffer()[i],
            want.buffer()[i]
        );
    }
}

/// One transform of `host`, on the GPU and on the CPU.
#[derive(Clone, Copy, Debug)]
enum Transform {
    Ntt(NttDirection),
    CosetLde(usize),
    CoeffsToCoset(usize),
}

impl Transform {
    fn run<D: ProverDevice, T: DeviceElem>(
        self,
        dev: &D,
        ctx: &D::DeviceCtx,
        host: &HostMatrix<T>,
        shift: Fp,
        (input, output): (Order, Order),
    ) -> HostMatrix<T> {
        let m = dev.upload_matrix(ctx, host).expect("upload");
        let out = match self {
            Transform::Ntt(dir) => {
                let mut m = m;
                dev.ntt(ctx, &mut m, dir, shift, input, output)
                    .expect("ntt");
                m
            }
            Transform::CosetLde(b) => dev
                .coset_lde(ctx, &m, input, b, shift, output)
                .expect("coset_lde"),
            Transform::CoeffsToCoset(b) => dev
                .coeffs_to_coset(ctx, &m, input, b, shift, output)
                .expect("coeffs_to_coset"),
        };
        dev.download_matrix(ctx, &out).expect("download")
    }
}

/// `transforms` of a random `width x 2^log_n` matrix for both shifts and
/// every order pair, GPU against CPU.
fn compare_all<T: DeviceElem>(
    (dev, ctx): (&CudaDevice, &CudaCtx),
    rng: &mut Rng,
    width: usize,
    log_n: u32,
    transforms: &[Transform],
) {
    let host = rng.matrix::<T>(width, 1 << log_n);
    for &t in transforms {
        for s in SHIFTS.map(Fp::new) {
            for input in Order::ALL {
                for output in Order::ALL {
                    let got = t.run(dev, ctx, &host, s, (input, output));
                    let want = t.run(&CpuDevice::new(), &(), &host, s, (input, output));
                    let what = format!(
                        "{t:?} {:?} {width} x 2^{log_n} shift {s:?} {input:?}->{output:?}",
                        T::KIND
                    );
                    assert_same(&got, &want, &what);
                }
            }
        }
    }
}

const NTTS: [Transform; 2] = [
    Transform::Ntt(NttDirection::Forward),
    Transform::Ntt(NttDirection::Inverse),
];

fn extensions(blowups: &[usize]) -> Vec<Transform> {
    blowups
        .iter()
        .flat_map(|&b| [Transform::CosetLde(b), Transform::CoeffsToCoset(b)])
        .collect()
}

#[test]
#[ignore = "needs a CUDA device"]
fn ntt_pass_shapes_match_cpu() {
    let (dev, ctx) = device();
    let mut rng = Rng::new(3);
    for log_n in [9, 10, 11, 12, 13, 14, 15, 17, 19, 20, 21, 22] {
        let width = if log_n <= 15 { 3 } else { 1 };
        compare_all::<Fp>((&dev, &ctx), &mut rng, width, log_n, &NTTS);
        if log_n <= 20 {
            compare_all::<Fp3>((&dev, &ctx), &mut rng, width, log_n, &NTTS);
        }
    }
    compare_all::<Fp>((&dev, &ctx), &mut rng, 64, 12, &NTTS);
    compare_all::<Fp>((&dev, &ctx), &mut rng, 64, 16, &NTTS);
}

#[test]
#[ignore = "needs a CUDA device"]
fn lde_large_sizes_and_split_blowups_match_cpu() {
    let (dev, ctx) = device();
    let mut rng = Rng::new(5);
    let gpu = (&dev, &ctx);
    for log_n in [9, 11, 13, 16] {
        compare_all::<Fp>(gpu, &mut rng, 3, log_n, &extensions(&[2, 4]));
        compare_all::<Fp3>(gpu, &mut rng, 3, log_n, &extensions(&[4]));
    }
    // The benchmark's column height, blowup 4: output 2^22 rows.
    compare_all::<Fp>(gpu, &mut rng, 1, 20, &extensions(&[4]));
    compare_all::<Fp>(gpu, &mut rng, 64, 12, &extensions(&[4]));
    // Blowups on either side of the per-coset split's limit (2^4).
    for log_n in [3, 6] {
        compare_all::<Fp>(gpu, &mut rng, 3, log_n, &extensions(&[16, 32]));
    }
    // Blowups past the per-coset limit extend each column as one zero-padded
    // transform with a strided first pass. Its stride 2^12 exceeds the 2^11
    // rows at log_n 11, so the kernel keeps that pass's coset scale on the
    // load (the scale tables cover j < 2^log_n); at log_n 13 it splits the
    // scale between the pass's load and store (kernels/ntt.cu, splits_scale).
    for log_n in [11, 13] {
        compare_all::<Fp>(gpu, &mut rng, 2, log_n, &extensions(&[32, 64]));
    }
    compare_all::<Fp3>(gpu, &mut rng, 1, 11, &extensions(&[64]));
}

/// The twiddle tables are cached per device: the first LDE of a shape
/// builds them on the cache's own context, LDEs on other contexts reuse
/// them (ordered after the build by an event), and after
/// `release_cached_tables` they are built again. Every result equals the
/// CPU's; releasing gives their memory back.
#[test]
#[ignore = "needs a CUDA device"]
fn cached_tables_serve_every_context_and_are_released() {
    let dev = CudaDevice::new(0).expect("a CUDA device");
    let before = dev.memory_in_use();
    let mut rng = Rng::new(9);
    let host = rng.matrix::<Fp>(4, 1 << 16);
    let orders = (Order::Natural, Order::BitReversed);
    let shift = Fp::new(7);
    let want = Transform::CosetLde(4).run(&CpuDevice, &(), &host, shift, orders);
    let ctxs = [dev.new_ctx().unwrap(), dev.new_ctx().unwrap()];
    for round in 0..2 {
        for (i, ctx) in ctxs.iter().enumerate() {
            let got = Transform::CosetLde(4).run(&dev, ctx, &host, shift, orders);
            assert_same(&got, &want, &format!("round {round}, context {i}"));
        }
        assert!(
            dev.memory_in_use() > before,
            "the tables stay on the device after the LDEs"
        );
        dev.release_cached_tables().unwrap();
    }
    assert_eq!(dev.memory_in_use(), before, "released tables are freed");
}
