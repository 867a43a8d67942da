//! The CPU NTT's own code paths, at sizes the conformance suite's small
//! configuration does not reach: the blocked kernel's outer stages (columns
//! longer than its 2^12-element block) and the parallel recursion inside
//! one long column (2^17). Truth is `conformance::fixtures` (Horner, the
//! naive DFT), compared at a spread of positions where the O(n^2)
//! definition at every position would dominate the test time. Everything
//! else, every order and field at small sizes included, is the suite's
//! (`tests/conformance.rs`).

use backend_api::rng::SplitMix64;
use backend_api::{DeviceElem, Fp, Fp3, HostMatrix, NttDirection, Order, ProverDevice};
use backend_cpu::CpuDevice;
use conformance::fixtures::{from_natural, horner, naive_dft, to_natural};

/// About 64 positions spread over `0..n`, both ends and the middle included.
fn positions(n: usize) -> Vec<usize> {
    (0..n)
        .step_by(n / 61 + 1)
        .chain([1, n / 2 - 1, n / 2, n - 1])
        .collect()
}

/// The columns of `m` (natural order) stored in `order`.
fn reorder<T: DeviceElem>(
    m: &HostMatrix<T>,
    f: fn(&[T], Order) -> Vec<T>,
    order: Order,
) -> HostMatrix<T> {
    let cols: Vec<Vec<T>> = m.columns().map(|c| f(c, order)).collect();
    HostMatrix::from_columns(&cols).expect("equal columns")
}

/// `ntt(dir, shift, input -> output)` of `m`'s natural-order columns,
/// returned in natural order.
fn device_ntt<T: DeviceElem>(
    m: &HostMatrix<T>,
    dir: NttDirection,
    shift: Fp,
    (input, output): (Order, Order),
) -> HostMatrix<T> {
    let mut a = reorder(m, from_natural, input);
    ProverDevice::ntt(&CpuDevice::new(), &(), &mut a, dir, shift, input, output)
        .expect("valid arguments");
    reorder(&a, to_natural, output)
}

/// Forward NTT of random coefficients against Horner at spread positions,
/// for every order pair; the inverse NTT must return the coefficients.
fn check_ntt<T: DeviceElem>(log_n: u32, width: usize, shift: Fp) {
    let n = 1usize << log_n;
    let m: HostMatrix<T> = SplitMix64::new(u64::from(log_n) * 31 + width as u64).matrix(width, n);
    let w = Fp::root_of_unity(log_n).expect("two-adic");
    for input in Order::ALL {
        for output in Order::ALL {
            let case = format!("n=2^{log_n} width {width} {input:?}->{output:?}");
            let evals = device_ntt(&m, NttDirection::Forward, shift, (input, output));
            for (c, coeffs) in m.columns().enumerate() {
                for i in positions(n) {
                    let x = shift * w.pow(i as u64);
                    assert_eq!(
                        evals.get(i, c),
                        horner(coeffs, x),
                        "forward {case} position {i}"
                    );
                }
            }
            let back = device_ntt(&evals, NttDirection::Inverse, shift, (input, output));
            assert!(back == m, "inverse {case} does not return the coefficients");
        }
    }
}

#[test]
fn blocked_kernel_outer_stages() {
    check_ntt::<Fp>(13, 2, Fp::new(5));
    check_ntt::<Fp3>(13, 1, Fp::new(5));
}

#[test]
fn parallel_recursion_in_one_long_column() {
    check_ntt::<Fp>(17, 1, Fp::new(3));
}

/// The LDE of a blocked-size column equals the naive DFT of its
/// zero-padded coefficients at every position.
#[test]
fn blocked_lde_matches_naive_dft() {
    let (log_n, blowup, shift) = (12u32, 4usize, Fp::GENERATOR);
    let n = 1usize << log_n;
    let coeffs: Vec<Fp> = SplitMix64::new(99).elems(n);
    let evals = naive_dft(&coeffs, Fp::ONE);
    let mut padded = coeffs;
    padded.resize(n * blowup, Fp::ZERO);
    let want = naive_dft(&padded, shift);
    let input = HostMatrix::from_columns(&[evals]).expect("one column");
    let got = ProverDevice::coset_lde(
        &CpuDevice::new(),
        &(),
        &input,
        Order::Natural,
        blowup,
        shift,
        Order::Natural,
    )
    .expect("valid arguments");
    assert!(got.column(0) == &want[..], "LDE differs from the naive DFT");
}
