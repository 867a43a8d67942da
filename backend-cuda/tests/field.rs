//! The device's field arithmetic (`kernels/goldilocks_limbs.cuh`, used by
//! `gl::` in every kernel, and `gl::Fp3Acc`'s unreduced sums) against the
//! host field, on the edge values where its carry and borrow corrections
//! happen and on random values (`kernels/field_check.cu`).

use backend_api::rng::SplitMix64 as Rng;
use backend_api::{Fp, Fp3, ProverDevice};
use backend_cuda::{launch, CudaCtx, CudaDevice, DeviceAlloc};

const P: u64 = 0xFFFF_FFFF_0000_0001;

fn device() -> (CudaDevice, CudaCtx) {
    let dev = CudaDevice::new(0).expect("a CUDA device");
    let ctx = dev.new_ctx().expect("a context");
    (dev, ctx)
}

/// Canonical values near 0, 2^31, 2^32, 2^63 and p.
fn edges() -> Vec<u64> {
    let mut edges = vec![];
    for base in [0u64, 1 << 31, 1 << 32, 1 << 63, P - (1 << 32), P >> 1] {
        for d in 0..4u64 {
            edges.push(base.wrapping_add(d));
            edges.push(base.wrapping_sub(d).min(P - 1));
        }
    }
    edges.extend([
        u32::MAX as u64,
        (u32::MAX as u64) << 32,
        P - 1,
        P - 2,
        P - u32::MAX as u64,
    ]);
    edges
}

/// A canonical value whose high 32-bit limb is all ones or a random one.
fn extreme_or_random(rng: &mut Rng) -> u64 {
    if rng.next_u64() & 1 == 0 {
        (rng.next_u64() | 0xFFFF_FFFF_0000_0000) % P
    } else {
        rng.fp().value()
    }
}

fn fp3_words(xs: &[Fp3]) -> Vec<u64> {
    xs.iter().flat_map(|x| x.coeffs().map(Fp::value)).collect()
}

fn fp3_from_words(w: &[u64]) -> Vec<Fp3> {
    w.chunks(3)
        .map(|c| Fp3::new(Fp::new(c[0]), Fp::new(c[1]), Fp::new(c[2])))
        .collect()
}

/// Every pair of edge values and random pairs, against the host field.
#[test]
#[ignore = "needs a CUDA device"]
fn base_field_add_sub_mul_match_the_host() {
    let (dev, ctx) = device();
    let edges = edges();
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
        a.push(hi % P);
        b.push((rng.next_u64() >> 1 | 1 << 63) % P);
    }
    let n = a.len();
    let da = DeviceAlloc::from_words(&ctx, &a).unwrap();
    let db = DeviceAlloc::from_words(&ctx, &b).unwrap();
    let out = DeviceAlloc::new(&ctx, 3 * n * 8).unwrap();
    let k = launch::kernel(&dev, launch::KernelId::FieldCheckBase);
    let grid = launch::Grid::linear(n, 256, &dev).unwrap();
    let (po, pa, pb, count) = (out.as_raw(), da.as_raw(), db.as_raw(), n as u64);
    // SAFETY: matches `field_check_base(uint64_t*, const uint64_t*, const
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

/// The shift forms of the products by 2^24, 2^48 and 2^72 (the NTT's roots
/// of order 8), on every edge value, values whose limbs are all ones, and
/// random values, against the host's products.
#[test]
#[ignore = "needs a CUDA device"]
fn products_by_powers_of_two_match_the_host() {
    let (dev, ctx) = device();
    let mut a = edges();
    let mut rng = Rng::new(24);
    for _ in 0..1 << 16 {
        a.push(rng.fp().value());
        a.push(extreme_or_random(&mut rng));
        // low limb all ones: the shifted-out bits at their largest
        a.push((rng.next_u64() | 0xFFFF_FFFF) % P);
    }
    let n = a.len();
    let da = DeviceAlloc::from_words(&ctx, &a).unwrap();
    let out = DeviceAlloc::new(&ctx, 3 * n * 8).unwrap();
    let k = launch::kernel(&dev, launch::KernelId::FieldCheckPow2);
    let grid = launch::Grid::linear(n, 256, &dev).unwrap();
    let (po, pa, count) = (out.as_raw(), da.as_raw(), n as u64);
    // SAFETY: matches `field_check_pow2(uint64_t*, const uint64_t*,
    // uint64_t)`; `out` holds 3n words, `a` n.
    unsafe { launch!(&ctx, k, grid; po, pa, count) }.unwrap();
    let got = out.read_words(&ctx, 0, 3 * n).unwrap();
    let two = Fp::new(2);
    for i in 0..n {
        let x = Fp::new(a[i]);
        let want = [24, 48, 72].map(|e| (x * two.pow(e)).value());
        assert_eq!(
            &got[3 * i..3 * i + 3],
            &want,
            "2^24, 2^48, 2^72 times {:#x}",
            a[i]
        );
    }
}

/// Fp3 products with every coefficient drawn from the edge values, and
/// random ones, against the host's `Fp3` multiplication.
#[test]
#[ignore = "needs a CUDA device"]
fn extension_products_match_the_host() {
    let (dev, ctx) = device();
    let edges = edges();
    let mut rng = Rng::new(11);
    let pick = |rng: &mut Rng| Fp::new(edges[(rng.next_u64() % edges.len() as u64) as usize]);
    let (mut a, mut b) = (vec![], vec![]);
    for _ in 0..1 << 15 {
        a.push(Fp3::new(pick(&mut rng), pick(&mut rng), pick(&mut rng)));
        b.push(Fp3::new(pick(&mut rng), pick(&mut rng), pick(&mut rng)));
        let mut r = || Fp::new(extreme_or_random(&mut rng));
        a.push(Fp3::new(r(), r(), r()));
        b.push(Fp3::new(r(), r(), r()));
    }
    let all_max = Fp3::new(Fp::new(P - 1), Fp::new(P - 1), Fp::new(P - 1));
    a.push(all_max);
    b.push(all_max);
    let n = a.len();
    let da = DeviceAlloc::from_words(&ctx, &fp3_words(&a)).unwrap();
    let db = DeviceAlloc::from_words(&ctx, &fp3_words(&b)).unwrap();
    let out = DeviceAlloc::new(&ctx, 3 * n * 8).unwrap();
    let k = launch::kernel(&dev, launch::KernelId::FieldCheckExt);
    let grid = launch::Grid::linear(n, 256, &dev).unwrap();
    let (po, pa, pb, count) = (out.as_raw(), da.as_raw(), db.as_raw(), n as u64);
    // SAFETY: matches `field_check_ext(Fp3*, const Fp3*, const Fp3*,
    // uint64_t)`; every buffer holds n elements of 3 words.
    unsafe { launch!(&ctx, k, grid; po, pa, pb, count) }.unwrap();
    let got = fp3_from_words(&out.read_words(&ctx, 0, 3 * n).unwrap());
    for i in 0..n {
        assert_eq!(got[i], a[i] * b[i], "{:?} * {:?}", a[i], b[i]);
    }
}

/// Unreduced sums of many products (`gl::Fp3Acc`, whose top limb grows with
/// the number of terms) against sums of reduced host products: the largest
/// values, where every 128-bit product is near 2^128, and random ones.
#[test]
#[ignore = "needs a CUDA device"]
fn unreduced_sums_match_sums_of_host_products() {
    let (dev, ctx) = device();
    let mut rng = Rng::new(12);
    let max = Fp::new(P - 1);
    for (terms, sums) in [(1u64, 4096u64), (3, 4096), (64, 1024), (5000, 16)] {
        let len = (terms * sums) as usize;
        let (mut a, mut b) = (Vec::with_capacity(len), Vec::with_capacity(len));
        for j in 0..len {
            if j < 2 * terms as usize {
                // the first two sums: every coefficient p - 1
                a.push(Fp3::new(max, max, max));
                b.push(Fp3::new(max, max, max));
            } else {
                let mut r = || Fp::new(extreme_or_random(&mut rng));
                a.push(Fp3::new(r(), r(), r()));
                b.push(Fp3::new(r(), r(), r()));
            }
        }
        let da = DeviceAlloc::from_words(&ctx, &fp3_words(&a)).unwrap();
        let db = DeviceAlloc::from_words(&ctx, &fp3_words(&b)).unwrap();
        let out = DeviceAlloc::new(&ctx, 6 * sums as usize * 8).unwrap();
        let k = launch::kernel(&dev, launch::KernelId::FieldCheckSums);
        let grid = launch::Grid::linear(sums as usize, 128, &dev).unwrap();
        let (po, pa, pb) = (out.as_raw(), da.as_raw(), db.as_raw());
        // SAFETY: matches `field_check_sums(Fp3*, const Fp3*, const Fp3*,
        // uint64_t, uint64_t)`; `a` and `b` hold terms * sums elements,
        // `out` 2 * sums.
        unsafe { launch!(&ctx, k, grid; po, pa, pb, terms, sums) }.unwrap();
        let got = fp3_from_words(&out.read_words(&ctx, 0, 6 * sums as usize).unwrap());
        for i in 0..sums as usize {
            let span = i * terms as usize..(i + 1) * terms as usize;
            let ext: Fp3 = span.clone().map(|j| a[j] * b[j]).sum();
            let base: Fp3 = span.map(|j| a[j] * b[j].coeffs()[0]).sum();
            assert_eq!(got[2 * i], ext, "{terms} terms, sum {i} (Fp3 factors)");
            assert_eq!(
                got[2 * i + 1],
                base,
                "{terms} terms, sum {i} (base factors)"
            );
        }
    }
}
