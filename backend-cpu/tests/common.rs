//! Naive references shared by the tests: they define truth at small sizes.
#![allow(dead_code)]

use backend_api::rng::SplitMix64;
use backend_api::{bit_reverse, DeviceElem, Fp, HostMatrix, Matrix, Order};

pub fn rng(seed: u64) -> SplitMix64 {
    SplitMix64::new(seed)
}

pub fn random_matrix<T: DeviceElem>(seed: u64, width: usize, height: usize) -> HostMatrix<T> {
    Matrix::new(rng(seed).elems(width * height), width, height).unwrap()
}

/// Reorders a natural-order vector into `order`.
pub fn in_order<T: Copy>(v: &[T], order: Order) -> Vec<T> {
    match order {
        Order::Natural => v.to_vec(),
        Order::BitReversed => {
            let log = v.len().trailing_zeros();
            (0..v.len()).map(|p| v[bit_reverse(p, log)]).collect()
        }
    }
}

/// Reads a vector in `order` back into natural order.
pub fn to_natural<T: Copy>(v: &[T], order: Order) -> Vec<T> {
    // Bit reversal is an involution.
    in_order(v, order)
}

/// `sum_j c_j x^j` by Horner.
pub fn eval_poly<T: DeviceElem>(coeffs: &[T], x: Fp) -> T {
    coeffs.iter().rev().fold(T::ZERO, |acc, &c| acc * x + c)
}

/// Naive O(n^2) coset DFT: `e_i = sum_j c_j (s w^i)^j`, natural orders.
pub fn naive_dft<T: DeviceElem>(coeffs: &[T], shift: Fp, n_out: usize) -> Vec<T> {
    let log = n_out.trailing_zeros();
    let w = Fp::root_of_unity(log).unwrap();
    (0..n_out)
        .map(|i| eval_poly(coeffs, shift * w.pow(i as u64)))
        .collect()
}

/// Naive inverse at one index: `c_j = 1/n s^-j sum_i e_i w^-ij`.
pub fn naive_idft_at<T: DeviceElem>(evals: &[T], shift: Fp, j: usize) -> T {
    let n = evals.len();
    let log = n.trailing_zeros();
    let w_inv_j = Fp::root_of_unity(log)
        .unwrap()
        .inverse()
        .unwrap()
        .pow(j as u64);
    let n_inv = Fp::new(n as u64).inverse().unwrap();
    let s_inv = shift.inverse().unwrap();
    let mut acc = T::ZERO;
    let mut x = Fp::ONE;
    for &e in evals {
        acc += e * x;
        x *= w_inv_j;
    }
    acc * (n_inv * s_inv.pow(j as u64))
}
