//! The CUDA NTT, coset LDE and coeffs-to-coset against host references:
//! a naive O(n^2) DFT straight from the trait's formulas at small sizes, and
//! an independent O(n log n) host transform (itself checked against the naive
//! one here, without a GPU) at sizes up to 2^22 rows. Outputs must be equal
//! element for element (canonical values, so byte for byte).

use backend_api::{
    bit_reverse_permute, DeviceElem, DeviceError, Fp, Fp3, HostMatrix, NttDirection, Order,
    ProverDevice,
};
use backend_cuda::{CudaCtx, CudaDevice};

// ---------------------------------------------------------------- inputs

use backend_api::rng::SplitMix64 as Rng;

// ---------------------------------------------------------------- references

fn reorder<T: Copy>(mut v: Vec<T>, order: Order) -> Vec<T> {
    if order == Order::BitReversed {
        bit_reverse_permute(&mut v);
    }
    v
}

/// The trait's definition, literally: O(n^2).
fn naive_ntt<T: DeviceElem>(
    v: &[T],
    dir: NttDirection,
    shift: Fp,
    input: Order,
    output: Order,
) -> Vec<T> {
    let n = v.len();
    let omega = Fp::root_of_unity(n.trailing_zeros()).unwrap();
    let x = reorder(v.to_vec(), input);
    let out: Vec<T> = match dir {
        NttDirection::Forward => (0..n)
            .map(|i| {
                let point = shift * omega.pow(i as u64);
                let mut acc = T::ZERO;
                let mut pw = Fp::ONE;
                for xj in &x {
                    acc += *xj * pw;
                    pw *= point;
                }
                acc
            })
            .collect(),
        NttDirection::Inverse => {
            let n_inv = Fp::new(n as u64).inverse().unwrap();
            let s_inv = shift.inverse().unwrap();
            let w_inv = omega.inverse().unwrap();
            (0..n)
                .map(|j| {
                    let step = w_inv.pow(j as u64);
                    let mut acc = T::ZERO;
                    let mut pw = Fp::ONE;
                    for ei in &x {
                        acc += *ei * pw;
                        pw *= step;
                    }
                    acc * (n_inv * s_inv.pow(j as u64))
                })
                .collect()
        }
    };
    reorder(out, output)
}

/// sum_j x_j root^(ij) for i < n, natural order in and out, by an iterative
/// radix-2 Cooley-Tukey (bit-reverse, then butterflies of growing span).
fn fast_dft<T: DeviceElem>(x: &mut [T], root: Fp) {
    let n = x.len();
    bit_reverse_permute(x);
    let mut len = 2;
    while len <= n {
        let w_len = root.pow((n / len) as u64);
        for block in x.chunks_mut(len) {
            let mut w = Fp::ONE;
            for j in 0..len / 2 {
                let u = block[j];
                let v = block[j + len / 2] * w;
                block[j] = u + v;
                block[j + len / 2] = u - v;
                w *= w_len;
            }
        }
        len *= 2;
    }
}

/// Same contract as `naive_ntt`, in O(n log n).
fn fast_ntt<T: DeviceElem>(
    v: &[T],
    dir: NttDirection,
    shift: Fp,
    input: Order,
    output: Order,
) -> Vec<T> {
    let n = v.len();
    let omega = Fp::root_of_unity(n.trailing_zeros()).unwrap();
    let mut x = reorder(v.to_vec(), input);
    match dir {
        NttDirection::Forward => {
            let mut pw = Fp::ONE;
            for xj in x.iter_mut() {
                *xj *= pw;
                pw *= shift;
            }
            fast_dft(&mut x, omega);
        }
        NttDirection::Inverse => {
            fast_dft(&mut x, omega.inverse().unwrap());
            let s_inv = shift.inverse().unwrap();
            let mut pw = Fp::new(n as u64).inverse().unwrap();
            for xj in x.iter_mut() {
                *xj *= pw;
                pw *= s_inv;
            }
        }
    }
    reorder(x, output)
}

type NttFn<T> = fn(&[T], NttDirection, Fp, Order, Order) -> Vec<T>;

/// Host coset LDE / coeffs-to-coset of one column through `ntt`.
fn host_extend<T: DeviceElem>(
    ntt: NttFn<T>,
    v: &[T],
    from_evals: bool,
    input: Order,
    blowup: usize,
    shift: Fp,
    output: Order,
) -> Vec<T> {
    let n = v.len();
    let mut coeffs = if from_evals {
        ntt(v, NttDirection::Inverse, Fp::ONE, input, Order::Natural)
    } else {
        reorder(v.to_vec(), input)
    };
    coeffs.resize(n * blowup, T::ZERO);
    ntt(
        &coeffs,
        NttDirection::Forward,
        shift,
        Order::Natural,
        output,
    )
}

fn columns_map<T: DeviceElem>(m: &HostMatrix<T>, f: impl Fn(&[T]) -> Vec<T>) -> HostMatrix<T> {
    let cols: Vec<Vec<T>> = m.columns().map(f).collect();
    HostMatrix::from_columns(&cols).unwrap()
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

const DIRS: [NttDirection; 2] = [NttDirection::Forward, NttDirection::Inverse];
const SHIFTS: [u64; 2] = [1, 7];

#[test]
fn host_fast_reference_matches_the_naive_dft() {
    let mut rng = Rng::new(1);
    for log_n in 0..=7 {
        let v: Vec<Fp3> = (0..1usize << log_n).map(|_| rng.elem()).collect();
        for dir in DIRS {
            for s in SHIFTS {
                for input in Order::ALL {
                    for output in Order::ALL {
                        let s = Fp::new(s);
                        assert_eq!(
                            fast_ntt(&v, dir, s, input, output),
                            naive_ntt(&v, dir, s, input, output),
                            "log_n {log_n} {dir:?} shift {s:?} {input:?}->{output:?}"
                        );
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------- GPU

fn device() -> (CudaDevice, CudaCtx) {
    let dev = CudaDevice::new(0).expect("a CUDA device");
    let ctx = dev.new_ctx().expect("a context");
    (dev, ctx)
}

#[allow(clippy::too_many_arguments)]
fn check_ntt<T: DeviceElem>(
    dev: &CudaDevice,
    ctx: &CudaCtx,
    host: &HostMatrix<T>,
    reference: NttFn<T>,
    dir: NttDirection,
    shift: Fp,
    input: Order,
    output: Order,
) {
    let mut m = dev.upload_matrix(ctx, host).unwrap();
    dev.ntt(ctx, &mut m, dir, shift, input, output).unwrap();
    let got = dev.download_matrix(ctx, &m).unwrap();
    let want = columns_map(host, |c| reference(c, dir, shift, input, output));
    let what = format!(
        "ntt {:?} {} x 2^{} {dir:?} shift {shift:?} {input:?}->{output:?}",
        T::KIND,
        host.width(),
        host.height().trailing_zeros()
    );
    assert_same(&got, &want, &what);
}

#[allow(clippy::too_many_arguments)]
fn check_extend<T: DeviceElem>(
    dev: &CudaDevice,
    ctx: &CudaCtx,
    host: &HostMatrix<T>,
    reference: NttFn<T>,
    from_evals: bool,
    input: Order,
    blowup: usize,
    shift: Fp,
    output: Order,
) {
    let m = dev.upload_matrix(ctx, host).unwrap();
    let out = if from_evals {
        dev.coset_lde(ctx, &m, input, blowup, shift, output)
            .unwrap()
    } else {
        dev.coeffs_to_coset(ctx, &m, input, blowup, shift, output)
            .unwrap()
    };
    let got = dev.download_matrix(ctx, &out).unwrap();
    let want = columns_map(host, |c| {
        host_extend(reference, c, from_evals, input, blowup, shift, output)
    });
    let what = format!(
        "{} {:?} {} x 2^{} blowup {blowup} shift {shift:?} {input:?}->{output:?}",
        if from_evals {
            "coset_lde"
        } else {
            "coeffs_to_coset"
        },
        T::KIND,
        host.width(),
        host.height().trailing_zeros()
    );
    assert_same(&got, &want, &what);
}

fn ntt_all_combinations<T: DeviceElem>(
    dev: &CudaDevice,
    ctx: &CudaCtx,
    rng: &mut Rng,
    width: usize,
    log_n: u32,
    reference: NttFn<T>,
) {
    let host = rng.matrix::<T>(width, 1 << log_n);
    for dir in DIRS {
        for s in SHIFTS {
            for input in Order::ALL {
                for output in Order::ALL {
                    check_ntt(dev, ctx, &host, reference, dir, Fp::new(s), input, output);
                }
            }
        }
    }
}

fn extend_all_combinations<T: DeviceElem>(
    dev: &CudaDevice,
    ctx: &CudaCtx,
    rng: &mut Rng,
    width: usize,
    log_n: u32,
    blowups: &[usize],
    reference: NttFn<T>,
) {
    let host = rng.matrix::<T>(width, 1 << log_n);
    for &blowup in blowups {
        for from_evals in [true, false] {
            for s in SHIFTS {
                for input in Order::ALL {
                    for output in Order::ALL {
                        let s = Fp::new(s);
                        check_extend(
                            dev, ctx, &host, reference, from_evals, input, blowup, s, output,
                        );
                    }
                }
            }
        }
    }
}

#[test]
#[ignore = "needs a CUDA device"]
fn ntt_small_sizes_match_the_naive_dft() {
    let (dev, ctx) = device();
    let mut rng = Rng::new(2);
    for log_n in 0..=8 {
        for width in [1, 3, 64] {
            if width == 64 && log_n > 6 {
                continue;
            }
            ntt_all_combinations::<Fp>(&dev, &ctx, &mut rng, width, log_n, naive_ntt);
            ntt_all_combinations::<Fp3>(&dev, &ctx, &mut rng, width, log_n, naive_ntt);
        }
    }
}

#[test]
#[ignore = "needs a CUDA device"]
fn ntt_large_sizes_match_the_host_reference() {
    let (dev, ctx) = device();
    let mut rng = Rng::new(3);
    // Every pass shape: one tile, one strided pass plus the contiguous one,
    // two strided passes (log_n > 22 for Fp is too slow for the host reference).
    for log_n in [9, 10, 11, 12, 13, 14, 15, 17, 19, 20, 21, 22] {
        let width = if log_n <= 15 { 3 } else { 1 };
        ntt_all_combinations::<Fp>(&dev, &ctx, &mut rng, width, log_n, fast_ntt);
        if log_n <= 20 {
            ntt_all_combinations::<Fp3>(&dev, &ctx, &mut rng, width, log_n, fast_ntt);
        }
    }
    ntt_all_combinations::<Fp>(&dev, &ctx, &mut rng, 64, 12, fast_ntt);
    ntt_all_combinations::<Fp>(&dev, &ctx, &mut rng, 64, 16, fast_ntt);
}

#[test]
#[ignore = "needs a CUDA device"]
fn lde_small_sizes_match_the_naive_dft() {
    let (dev, ctx) = device();
    let mut rng = Rng::new(4);
    for log_n in 0..=6 {
        for width in [1, 3] {
            extend_all_combinations::<Fp>(
                &dev,
                &ctx,
                &mut rng,
                width,
                log_n,
                &[1, 2, 4, 8],
                naive_ntt,
            );
            extend_all_combinations::<Fp3>(
                &dev,
                &ctx,
                &mut rng,
                width,
                log_n,
                &[1, 2, 4, 8],
                naive_ntt,
            );
        }
    }
    extend_all_combinations::<Fp>(&dev, &ctx, &mut rng, 64, 4, &[4], naive_ntt);
    // Blowups on either side of the per-coset split's limit (2^4).
    for log_n in [3, 6] {
        extend_all_combinations::<Fp>(&dev, &ctx, &mut rng, 3, log_n, &[16, 32], naive_ntt);
    }
}

#[test]
#[ignore = "needs a CUDA device"]
fn lde_large_sizes_match_the_host_reference() {
    let (dev, ctx) = device();
    let mut rng = Rng::new(5);
    for log_n in [9, 11, 13, 16] {
        extend_all_combinations::<Fp>(&dev, &ctx, &mut rng, 3, log_n, &[2, 4], fast_ntt);
        extend_all_combinations::<Fp3>(&dev, &ctx, &mut rng, 3, log_n, &[4], fast_ntt);
    }
    // The benchmark's column height, blowup 4: output 2^22 rows.
    extend_all_combinations::<Fp>(&dev, &ctx, &mut rng, 1, 20, &[4], fast_ntt);
    extend_all_combinations::<Fp>(&dev, &ctx, &mut rng, 64, 12, &[4], fast_ntt);
}

/// The passes' 32-bit-limb field arithmetic (`kernels/ntt_field.cuh`) on
/// every pair of edge values (near 0, 2^32 and p, where its carry and borrow
/// corrections happen) and on random pairs, against the host field.
#[test]
#[ignore = "needs a CUDA device"]
fn pass_arithmetic_matches_the_host_field() {
    use backend_cuda::{launch, DeviceAlloc};
    let (dev, ctx) = device();
    let p = 0xFFFF_FFFF_0000_0001u64;
    let mut edges = vec![];
    for base in [0u64, 1 << 31, 1 << 32, 1 << 63, p - (1 << 32), p >> 1] {
        for d in 0..4u64 {
            edges.push(base.wrapping_add(d));
            edges.push(base.wrapping_sub(d).min(p - 1));
        }
    }
    for x in [
        u32::MAX as u64,
        (u32::MAX as u64) << 32,
        p - 1,
        p - 2,
        p - u32::MAX as u64,
    ] {
        edges.push(x);
    }
    let (mut a, mut b) = (vec![], vec![]);
    for &x in &edges {
        for &y in &edges {
            a.push(x);
            b.push(y);
        }
    }
    let mut rng = Rng::new(8);
    for _ in 0..1 << 16 {
        a.push(rng.fp().value());
        b.push(rng.fp().value());
        // products whose 128-bit limbs sit at their extremes
        let hi = rng.next_u64() | 0xFFFF_FFFF_0000_0000;
        a.push(hi % p);
        b.push((rng.next_u64() >> 1 | 1 << 63) % p);
    }
    let n = a.len();
    let da = DeviceAlloc::from_words(&ctx, &a).unwrap();
    let db = DeviceAlloc::from_words(&ctx, &b).unwrap();
    let out = DeviceAlloc::new(&ctx, 3 * n * 8).unwrap();
    let k = launch::kernel(&dev, launch::KernelId::NttFieldCheck);
    let grid = launch::Grid::linear(n, 256, &dev).unwrap();
    let (po, pa, pb, count) = (out.as_raw(), da.as_raw(), db.as_raw(), n as u64);
    // SAFETY: matches `ntt_field_check(uint64_t*, const uint64_t*, const
    // uint64_t*, uint64_t)`; `out` holds 3n words, `a` and `b` n each.
    unsafe { launch!(&ctx, k, grid; po, pa, pb, count) }.unwrap();
    let got = out.read_words(&ctx, 0, 3 * n).unwrap();
    for i in 0..n {
        let (x, y) = (Fp::new(a[i]), Fp::new(b[i]));
        let want = [(x + y).value(), (x - y).value(), (x * y).value()];
        assert_eq!(
            &got[3 * i..3 * i + 3],
            &want,
            "add/sub/mul of {:#x}, {:#x}",
            a[i],
            b[i]
        );
    }
}

#[test]
#[ignore = "needs a CUDA device"]
fn invalid_arguments_are_rejected() {
    let (dev, ctx) = device();
    let host = Rng::new(6).matrix::<Fp>(2, 8);
    let odd = Rng::new(7).matrix::<Fp>(1, 6);
    let mut m = dev.upload_matrix(&ctx, &host).unwrap();
    let mut bad = dev.upload_matrix(&ctx, &odd).unwrap();
    let argument = |e: DeviceError| match e {
        DeviceError::InvalidArgument { argument, .. } => argument,
        other => panic!("expected InvalidArgument, got {other}"),
    };
    let (f, nat, br) = (NttDirection::Forward, Order::Natural, Order::BitReversed);
    let e = dev.ntt(&ctx, &mut m, f, Fp::ZERO, nat, br).unwrap_err();
    assert_eq!(argument(e), "shift");
    let e = dev.ntt(&ctx, &mut bad, f, Fp::ONE, nat, br).unwrap_err();
    assert_eq!(argument(e), "matrix");
    let e = dev.coset_lde(&ctx, &m, nat, 3, Fp::ONE, br).unwrap_err();
    assert_eq!(argument(e), "blowup");
    let e = dev.coset_lde(&ctx, &m, nat, 0, Fp::ONE, br).unwrap_err();
    assert_eq!(argument(e), "blowup");
    let e = dev
        .coeffs_to_coset(&ctx, &m, nat, 2, Fp::ZERO, br)
        .unwrap_err();
    assert_eq!(argument(e), "shift");
    let e = dev.coset_lde(&ctx, &bad, nat, 2, Fp::ONE, br).unwrap_err();
    assert_eq!(argument(e), "evals");
    // Nothing ran: the matrix is untouched.
    assert_eq!(dev.download_matrix(&ctx, &m).unwrap(), host);
}
