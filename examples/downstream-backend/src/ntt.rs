//! NTT and coefficients-to-coset (`ProverDevice::ntt`, `coeffs_to_coset`):
//! an iterative radix-2 Cooley-Tukey transform on one column at a time.
//!
//! Forward, natural order: `e_i = sum_j c_j (shift * omega_n^i)^j`, computed
//! as the plain DFT of `c_j * shift^j`. Inverse: the DFT with `omega_n^-1`,
//! then `c_j = n^-1 shift^-j * (that)_j`. The butterflies read their input
//! bit-reversed and write natural order, so a natural-order input is
//! permuted first and a bit-reversed output permuted last.

use backend_api::{bit_reverse_permute, DeviceElem, Fp, HostMatrix, NttDirection, Order};

/// The twiddles of one transform size.
pub(crate) struct Plan {
    log_n: u32,
    /// `omega_n^k` for `k < n/2`.
    forward: Vec<Fp>,
    /// `omega_n^-k` for `k < n/2`.
    inverse: Vec<Fp>,
}

fn powers(base: Fp, count: usize) -> Vec<Fp> {
    std::iter::successors(Some(Fp::ONE), |&p| Some(p * base))
        .take(count)
        .collect()
}

impl Plan {
    /// Twiddles for columns of `n` values (a power of two, checked by the
    /// caller's contract).
    pub(crate) fn new(n: usize) -> Plan {
        let log_n = n.trailing_zeros();
        let omega = Fp::root_of_unity(log_n).expect("n is a checked power of two <= 2^32");
        let omega_inv = omega.inverse().expect("roots of unity are non-zero");
        Plan {
            log_n,
            forward: powers(omega, n / 2),
            inverse: powers(omega_inv, n / 2),
        }
    }

    /// In place: `sum_j x_j w^(i j)`, bit-reversed input, natural output,
    /// with `w^k = twiddles[k]`.
    fn butterflies<T: DeviceElem>(&self, x: &mut [T], twiddles: &[Fp]) {
        for s in 1..=self.log_n {
            let half = 1usize << (s - 1);
            let stride = twiddles.len() >> (s - 1);
            for block in x.chunks_mut(2 * half) {
                let (lo, hi) = block.split_at_mut(half);
                for (j, (a, b)) in lo.iter_mut().zip(hi.iter_mut()).enumerate() {
                    let t = *b * twiddles[j * stride];
                    *b = *a - t;
                    *a += t;
                }
            }
        }
    }

    /// One column, in place.
    pub(crate) fn transform<T: DeviceElem>(
        &self,
        x: &mut [T],
        direction: NttDirection,
        shift: Fp,
        input: Order,
        output: Order,
    ) {
        if input == Order::Natural {
            bit_reverse_permute(x);
        }
        // After the permutation position k holds natural index br(k).
        let scale_at = |k: usize| backend_api::bit_reverse(k, self.log_n) as u64;
        match direction {
            NttDirection::Forward => {
                if shift != Fp::ONE {
                    for (k, v) in x.iter_mut().enumerate() {
                        *v *= shift.pow(scale_at(k));
                    }
                }
                self.butterflies(x, &self.forward);
            }
            NttDirection::Inverse => {
                self.butterflies(x, &self.inverse);
                let n_inv = Fp::new(1u64 << self.log_n)
                    .inverse()
                    .expect("n < p is non-zero");
                let shift_inv = shift.inverse().expect("a checked non-zero shift");
                let mut factor = n_inv;
                for v in x.iter_mut() {
                    *v *= factor;
                    factor *= shift_inv;
                }
            }
        }
        if output == Order::BitReversed {
            bit_reverse_permute(x);
        }
    }
}

/// Evaluations of each column's polynomial (coefficients in `input` order)
/// over `shift * H_{n * blowup}`, in `output` order: the coefficients
/// zero-padded to `n * blowup` and transformed forward with `shift`.
pub(crate) fn coeffs_to_coset<T: DeviceElem>(
    coeffs: &HostMatrix<T>,
    input: Order,
    blowup: usize,
    shift: Fp,
    output: Order,
) -> HostMatrix<T> {
    let big = coeffs.height() * blowup;
    let plan = Plan::new(big);
    let columns: Vec<Vec<T>> = coeffs
        .columns()
        .map(|c| {
            let mut v = c.to_vec();
            if input == Order::BitReversed {
                bit_reverse_permute(&mut v);
            }
            v.resize(big, T::ZERO);
            plan.transform(&mut v, NttDirection::Forward, shift, Order::Natural, output);
            v
        })
        .collect();
    HostMatrix::from_columns(&columns).expect("checked: at least one column")
}
