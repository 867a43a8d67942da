//! NTT, coset LDE and coefficients-to-coset against naive O(n^2) transforms,
#![allow(clippy::needless_range_loop)] // index loops mirror the formulas
//! for every order combination, both fields, heights 1 to 2^13 (so that the
//! blocked kernels' outer stages run) and widths 1 (parallel inside a
//! column) and 3 (parallel over columns).

mod common;
use backend_api::{DeviceElem, Fp, Fp3, HostMatrix, Matrix, NttDirection, Order, ProverDevice};
use backend_cpu::CpuDevice;
use common::*;

fn columns<T: DeviceElem>(m: &HostMatrix<T>) -> Vec<Vec<T>> {
    m.columns().map(|c| c.to_vec()).collect()
}

/// Compares every position for small sizes; above 2^8, a spread of
/// positions (a full O(n^2) reference would dominate the test time).
fn positions(n: usize) -> Vec<usize> {
    if n <= 256 {
        (0..n).collect()
    } else {
        (0..n)
            .step_by(n / 61 + 1)
            .chain([1, n / 2 - 1, n / 2, n - 1])
            .collect()
    }
}

fn check_ntt<T: DeviceElem>(log_n: u32, width: usize, shift: Fp) {
    let dev = CpuDevice::new();
    let n = 1 << log_n;
    let w = Fp::root_of_unity(log_n).unwrap();
    let m = random_matrix::<T>(log_n as u64 * 31 + width as u64, width, n);
    let cols = columns(&m);
    for input in Order::ALL {
        for output in Order::ALL {
            let reordered: Vec<Vec<T>> = cols.iter().map(|c| in_order(c, input)).collect();
            // Forward: columns are natural coefficients, reordered to `input`.
            let mut a = HostMatrix::from_columns(&reordered).unwrap();
            dev.ntt(&(), &mut a, NttDirection::Forward, shift, input, output)
                .unwrap();
            // Inverse: the same columns read as evaluations.
            let mut b = HostMatrix::from_columns(&reordered).unwrap();
            dev.ntt(&(), &mut b, NttDirection::Inverse, shift, input, output)
                .unwrap();
            for (c, col) in cols.iter().enumerate() {
                let got_a = to_natural(a.column(c), output);
                let got_b = to_natural(b.column(c), output);
                for i in positions(n) {
                    let x = shift * w.pow(i as u64);
                    assert_eq!(
                        got_a[i],
                        eval_poly(col, x),
                        "forward n={n} {input:?}->{output:?} i={i}"
                    );
                    assert_eq!(
                        got_b[i],
                        naive_idft_at(col, shift, i),
                        "inverse n={n} {input:?}->{output:?} i={i}"
                    );
                }
            }
        }
    }
}

#[test]
fn ntt_matches_naive_dft_small() {
    let shift = Fp::GENERATOR;
    for log_n in 0..=6 {
        check_ntt::<Fp>(log_n, 3, shift);
        check_ntt::<Fp>(log_n, 1, Fp::ONE);
        check_ntt::<Fp3>(log_n, 2, shift);
    }
}

#[test]
fn ntt_matches_naive_dft_blocked_sizes() {
    // 2^13 > the 2^12 block: outer and inner stages both run; 2^17 columns
    // take the parallel split path (one column).
    check_ntt::<Fp>(13, 2, Fp::new(5));
    check_ntt::<Fp3>(13, 1, Fp::new(5));
}

#[test]
fn large_single_column_round_trip() {
    // 2^17 takes the parallel recursion; forward then inverse must return
    // the input, and a spot value must match Horner.
    let dev = CpuDevice::new();
    let n = 1 << 17;
    let m = random_matrix::<Fp>(7, 1, n);
    let mut a = m.clone();
    let s = Fp::new(3);
    dev.ntt(
        &(),
        &mut a,
        NttDirection::Forward,
        s,
        Order::Natural,
        Order::Natural,
    )
    .unwrap();
    let w = Fp::root_of_unity(17).unwrap();
    for i in [0usize, 1, 12345, n - 1] {
        assert_eq!(a.get(i, 0), eval_poly(m.column(0), s * w.pow(i as u64)));
    }
    dev.ntt(
        &(),
        &mut a,
        NttDirection::Inverse,
        s,
        Order::Natural,
        Order::Natural,
    )
    .unwrap();
    assert_eq!(a, m);
}

fn check_lde<T: DeviceElem>(log_n: u32, width: usize, blowup: usize, shift: Fp) {
    let dev = CpuDevice::new();
    let n = 1usize << log_n;
    let big = n * blowup;
    let coeffs = random_matrix::<T>(99 + log_n as u64, width, n);
    let cols = columns(&coeffs);
    let wants: Vec<Vec<T>> = cols.iter().map(|c| naive_dft(c, shift, big)).collect();
    // Evaluations over H_n of the same polynomials.
    let evals: Vec<Vec<T>> = cols.iter().map(|c| naive_dft(c, Fp::ONE, n)).collect();
    for input in Order::ALL {
        for output in Order::ALL {
            let e: Vec<Vec<T>> = evals.iter().map(|c| in_order(c, input)).collect();
            let e = HostMatrix::from_columns(&e).unwrap();
            let got = dev
                .coset_lde(&(), &e, input, blowup, shift, output)
                .unwrap();
            assert_eq!((got.width(), got.height()), (width, big));
            let k: Vec<Vec<T>> = cols.iter().map(|c| in_order(c, input)).collect();
            let k = HostMatrix::from_columns(&k).unwrap();
            let got2 = dev
                .coeffs_to_coset(&(), &k, input, blowup, shift, output)
                .unwrap();
            for c in 0..width {
                let want = in_order(&wants[c], output);
                assert_eq!(
                    got.column(c),
                    &want[..],
                    "lde n={n} b={blowup} {input:?}->{output:?}"
                );
                assert_eq!(
                    got2.column(c),
                    &want[..],
                    "c2c n={n} b={blowup} {input:?}->{output:?}"
                );
            }
        }
    }
}

#[test]
fn lde_matches_naive_evaluation() {
    for log_n in 0..=5 {
        for blowup in [1, 2, 4, 8] {
            check_lde::<Fp>(log_n, 3, blowup, Fp::GENERATOR);
            check_lde::<Fp3>(log_n, 1, blowup, Fp::new(11));
        }
    }
    check_lde::<Fp>(13, 2, 2, Fp::GENERATOR);
    check_lde::<Fp>(12, 1, 4, Fp::GENERATOR);
}

#[test]
fn zeros_stay_zero() {
    let dev = CpuDevice::new();
    let z = Matrix::new(vec![Fp::ZERO; 64], 2, 32).unwrap();
    let out = dev
        .coset_lde(
            &(),
            &z,
            Order::Natural,
            4,
            Fp::GENERATOR,
            Order::BitReversed,
        )
        .unwrap();
    assert!(out.buffer().iter().all(|v| v.is_zero()));
}

#[test]
fn bad_arguments_are_rejected() {
    let dev = CpuDevice::new();
    let mut m = Matrix::new(vec![Fp::ONE; 6], 2, 3).unwrap();
    let e = dev.ntt(
        &(),
        &mut m,
        NttDirection::Forward,
        Fp::ONE,
        Order::Natural,
        Order::Natural,
    );
    assert_eq!(e.unwrap_err().invalid_argument(), Some("matrix"));
    let mut m = Matrix::new(vec![Fp::ONE; 8], 2, 4).unwrap();
    let e = dev.ntt(
        &(),
        &mut m,
        NttDirection::Forward,
        Fp::ZERO,
        Order::Natural,
        Order::Natural,
    );
    assert_eq!(e.unwrap_err().invalid_argument(), Some("shift"));
    assert_eq!(m.buffer(), &vec![Fp::ONE; 8], "nothing changed on error");
    for blowup in [0, 3, 1 << 31] {
        let e = dev.coset_lde(&(), &m, Order::Natural, blowup, Fp::ONE, Order::Natural);
        assert_eq!(e.unwrap_err().invalid_argument(), Some("blowup"));
    }
    let empty: HostMatrix<Fp> = Matrix::new(vec![], 0, 4).unwrap();
    let e = dev.coeffs_to_coset(&(), &empty, Order::Natural, 2, Fp::ONE, Order::Natural);
    assert_eq!(e.unwrap_err().invalid_argument(), Some("evals"));
}
