//! Unit tests of every NTT kernel the running CPU supports (on an AVX-512
//! machine: the AVX-512 one and the scalar one) against naive transforms
//! and against each other, including raw (non-canonical) inputs and the
//! field's edge values.

use crate::arith::{self, canonical, EPSILON};
use crate::lde::{lde_column_with, LdeInput, LdeParams};
use crate::ntt::bitrev::bit_reverse_copy;
use crate::ntt::radix2::{butterflies_with, dif_with, dit_with, mul_slices_with, NttKernel};
use crate::twiddles::stage_twiddles;
use backend_api::field::P;
use backend_api::rng::SplitMix64;
use backend_api::{bit_reverse, Fp, Order};

/// Edge values first (0, 1, EPSILON, p - 1, p, p + 1, 2^63, 2^64 - 1, ...),
/// then random raw words.
fn raw_values(seed: u64, n: usize) -> Vec<u64> {
    let edges = [
        0,
        1,
        2,
        EPSILON,
        EPSILON + 1,
        P - 1,
        P,
        P + 1,
        1 << 63,
        u64::MAX,
        u64::MAX - 1,
        u64::MAX - EPSILON,
        1 << 32,
        P - EPSILON,
    ];
    let mut rng = SplitMix64::new(seed);
    (0..n)
        .map(|i| edges.get(i).copied().unwrap_or_else(|| rng.next_u64()))
        .collect()
}

/// `x[bit_reverse(i)] = sum_j x_j w^(i j)` over canonical residues, O(n^2).
fn naive_dft_bitrev(x: &[u64], inverse: bool) -> Vec<u64> {
    let n = x.len();
    let log_n = n.trailing_zeros();
    let mut w = Fp::root_of_unity(log_n).unwrap();
    if inverse {
        w = w.inverse().unwrap();
    }
    let mut out = vec![0u64; n];
    for i in 0..n {
        let wi = w.pow(i as u64);
        let mut acc = Fp::ZERO;
        let mut x_pow = Fp::ONE;
        for &v in x {
            acc += Fp::new(canonical(v)) * x_pow;
            x_pow *= wi;
        }
        out[bit_reverse(i, log_n)] = acc.value();
    }
    out
}

#[test]
fn every_kernel_matches_naive_dft() {
    for kernel in NttKernel::supported() {
        for log_n in 0..=10 {
            let n = 1usize << log_n;
            let x = raw_values(log_n as u64, n);
            for inverse in [false, true] {
                let tw = stage_twiddles(log_n, inverse);
                let expect = naive_dft_bitrev(&x, inverse);
                let mut a = x.clone();
                dif_with(kernel, &mut a, &tw, false);
                assert_eq!(a, expect, "{kernel:?} DIF n={n} inverse={inverse}");
                // DIT: bit-reversed input, natural output.
                let mut b: Vec<u64> = (0..n).map(|i| x[bit_reverse(i, log_n)]).collect();
                dit_with(kernel, &mut b, &tw, false);
                let natural: Vec<u64> = (0..n).map(|i| expect[bit_reverse(i, log_n)]).collect();
                assert_eq!(b, natural, "{kernel:?} DIT n={n} inverse={inverse}");
            }
        }
    }
}

#[test]
fn kernels_agree_on_blocked_and_parallel_sizes() {
    // 2^13: outer (gathered) and in-row stages; 2^17: the parallel split.
    for (log_n, parallel) in [(13, false), (13, true), (17, true), (17, false)] {
        let n = 1usize << log_n;
        let x = raw_values(100 + log_n as u64, n);
        let tw = stage_twiddles(log_n, false);
        let mut reference = x.clone();
        dif_with(NttKernel::Scalar, &mut reference, &tw, parallel);
        // Spot-check the scalar kernel itself against the naive sum.
        let w = Fp::root_of_unity(log_n).unwrap();
        for i in [0, 1, 5, n / 3, n - 1] {
            let wi = w.pow(i as u64);
            let mut acc = Fp::ZERO;
            let mut xp = Fp::ONE;
            for &v in &x {
                acc += Fp::new(canonical(v)) * xp;
                xp *= wi;
            }
            assert_eq!(reference[bit_reverse(i, log_n)], acc.value(), "i={i}");
        }
        for kernel in NttKernel::supported() {
            let mut a = x.clone();
            dif_with(kernel, &mut a, &tw, parallel);
            assert_eq!(a, reference, "{kernel:?} DIF n={n} parallel={parallel}");
            // DIT of the DIF output with inverse twiddles is n times the input.
            dit_with(kernel, &mut a, &stage_twiddles(log_n, true), parallel);
            let n_mod = Fp::new(n as u64);
            for (i, (&got, &v)) in a.iter().zip(&x).enumerate() {
                assert_eq!(
                    got,
                    (Fp::new(canonical(v)) * n_mod).value(),
                    "{kernel:?} i={i}"
                );
            }
        }
    }
}

#[test]
fn butterflies_and_products_match_scalar_arithmetic_on_edge_values() {
    let n = 64;
    for kernel in NttKernel::supported() {
        for seed in 0..4 {
            let a = raw_values(seed, n);
            let mut b = raw_values(seed + 10, n);
            b.rotate_left(seed as usize * 3 + 1);
            let w = raw_values(seed + 20, n);
            let mut prod = vec![0u64; n];
            mul_slices_with(kernel, &mut prod, &a, &w);
            let (mut lo, mut hi) = (a.clone(), b.clone());
            butterflies_with(kernel, &mut lo, &mut hi, &w, true);
            let (mut lo2, mut hi2) = (a.clone(), b.clone());
            butterflies_with(kernel, &mut lo2, &mut hi2, &w, false);
            for i in 0..n {
                let f = |v: u64| Fp::new(canonical(v));
                let (fa, fb, fw) = (f(a[i]), f(b[i]), f(w[i]));
                assert_eq!(
                    f(prod[i]),
                    fa * fw,
                    "{kernel:?} mul {:#x} {:#x}",
                    a[i],
                    w[i]
                );
                assert_eq!(canonical(arith::mul(a[i], w[i])), (fa * fw).value());
                assert_eq!(f(lo[i]), fa + fb, "{kernel:?} DIF sum i={i}");
                assert_eq!(f(hi[i]), (fa - fb) * fw, "{kernel:?} DIF difference i={i}");
                assert_eq!(f(lo2[i]), fa + fb * fw, "{kernel:?} DIT sum i={i}");
                assert_eq!(f(hi2[i]), fa - fb * fw, "{kernel:?} DIT difference i={i}");
            }
        }
    }
}

#[test]
fn blocked_bit_reverse_copy_is_the_permutation() {
    for log_n in 0..=13 {
        let n = 1usize << log_n;
        let src: Vec<u64> = (0..n as u64).map(|i| i * 7 + 3).collect();
        let mut dst = vec![u64::MAX; n];
        bit_reverse_copy(&src, &mut dst, log_n);
        for i in 0..n {
            assert_eq!(dst[bit_reverse(i, log_n)], src[i], "n={n} i={i}");
        }
    }
}

#[test]
fn lde_is_identical_on_every_kernel() {
    for (log_n, log_b, parallel) in [(3, 1, false), (7, 2, false), (13, 2, false), (17, 1, true)] {
        let n = 1usize << log_n;
        let src: Vec<u64> = raw_values(7 + log_n as u64, n)
            .into_iter()
            .map(canonical)
            .collect();
        for source in [LdeInput::Evaluations, LdeInput::Coefficients] {
            for input in Order::ALL {
                for output in Order::ALL {
                    let p = LdeParams {
                        log_n,
                        log_b,
                        shift: Fp::GENERATOR,
                        source,
                        input,
                        output,
                    };
                    let mut reference = vec![0u64; n << log_b];
                    lde_column_with(NttKernel::Scalar, &src, &mut reference, &p, parallel);
                    assert!(reference.iter().all(|&v| v < P));
                    for kernel in NttKernel::supported() {
                        let mut out = vec![0u64; n << log_b];
                        lde_column_with(kernel, &src, &mut out, &p, parallel);
                        assert_eq!(out, reference, "{kernel:?} n={n} {input:?}->{output:?}");
                    }
                }
            }
        }
    }
}

#[test]
#[cfg(target_arch = "x86_64")]
fn avx512_kernel_is_detected_when_the_cpu_has_it() {
    let has = is_x86_feature_detected!("avx512f");
    assert_eq!(NttKernel::supported().contains(&NttKernel::Avx512), has);
    assert_eq!(NttKernel::detect() == NttKernel::Avx512, has);
    assert_eq!(NttKernel::supported().last(), Some(&NttKernel::Scalar));
}

#[test]
fn scratch_buffer_has_the_requested_length_and_nests() {
    use crate::ntt::scratch::with_buffer;
    let outer = with_buffer(100, |a| {
        assert_eq!(a.len(), 100);
        a.fill(7);
        // A nested call gets its own buffer: `a` keeps its contents.
        let inner = with_buffer(10, |b| {
            b.fill(1);
            b.len()
        });
        assert_eq!(inner, 10);
        a.iter().sum::<u64>()
    });
    assert_eq!(outer, 700);
    with_buffer(50, |c| assert_eq!(c.len(), 50));
    with_buffer(200, |c| assert_eq!(c.len(), 200));
}

#[test]
fn ntt_columns_agree_whether_parallel_or_not() {
    // 2^14 values: several parallel pieces of the scaling and the final
    // permutation; every direction, order pair and a coset shift.
    use crate::ntt::ntt_column;
    use backend_api::NttDirection;
    let log_n = 14;
    let input: Vec<u64> = raw_values(21, 1 << log_n)
        .into_iter()
        .map(canonical)
        .collect();
    for direction in [NttDirection::Forward, NttDirection::Inverse] {
        for (from, to) in [
            (Order::Natural, Order::Natural),
            (Order::Natural, Order::BitReversed),
            (Order::BitReversed, Order::Natural),
            (Order::BitReversed, Order::BitReversed),
        ] {
            for shift in [Fp::ONE, Fp::new(7)] {
                let run = |parallel| {
                    let mut x = input.clone();
                    ntt_column(&mut x, log_n, direction, shift, from, to, parallel);
                    x
                };
                assert_eq!(
                    run(true),
                    run(false),
                    "{direction:?} {from:?} -> {to:?} shift {shift:?}"
                );
            }
        }
    }
}
