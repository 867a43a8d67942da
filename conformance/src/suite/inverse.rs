//! Batch inverse checks.

use super::util::{assert_same, ok, rng, Harness};
use super::SuiteConfig;
use backend_api::rng::SplitMix64;
use backend_api::{DeviceElem, Fp, Fp3, ProverDevice};

/// Random values with every `zero_every`-th one zero.
fn with_zeros<T: DeviceElem>(rng: &mut SplitMix64, len: usize, zero_every: usize) -> Vec<T> {
    (0..len)
        .map(|i| {
            if i % zero_every == 0 {
                T::ZERO
            } else {
                rng.elem()
            }
        })
        .collect()
}

/// Inverts on the device; checks `x * y = 1` (or both zero), and equality
/// with the reference's one-by-one inverses.
fn compare_one<T: DeviceElem, D: ProverDevice>(h: &Harness<D>, values: &[T]) {
    let case = format!("batch_inverse {:?} len {}", T::KIND, values.len());
    let mut buf = ok(h.dev.upload(&h.ctx, values), &case);
    ok(h.dev.batch_inverse(&h.ctx, &mut buf), &case);
    let got = ok(h.dev.download(&h.ctx, &buf), &case);
    let mut want = values.to_vec();
    ok(h.rf.batch_inverse(&(), &mut want), &case);
    assert_same(&case, &got, &want);
    for (i, (x, y)) in values.iter().zip(&got).enumerate() {
        let ok = if x.is_zero() {
            y.is_zero()
        } else {
            *x * *y == T::ONE
        };
        assert!(
            ok,
            "{case}: element {i}: {x:?} * {y:?} is not 1 (or 0 -> 0)"
        );
    }
}

fn lengths<T: DeviceElem, D: ProverDevice>(dev: &D, cfg: &SuiteConfig, salt: u64) {
    let h = Harness::new(dev);
    let mut rng = rng(cfg.seed, salt);
    for len in [0, 1, 2, 3, 7, 64, 1000, 2048, 4099] {
        compare_one::<T, D>(&h, &with_zeros(&mut rng, len, 5));
        compare_one::<T, D>(&h, &with_zeros(&mut rng, len, usize::MAX));
    }
}

/// Fp: lengths 0, 1, 2, 3, 7, 64, 1000, 2048, 4099, with and without zeros.
pub fn check_batch_inverse_fp<D: ProverDevice>(dev: &D, cfg: &SuiteConfig) {
    lengths::<Fp, D>(dev, cfg, 401);
}

/// Fp3, the same lengths.
pub fn check_batch_inverse_fp3<D: ProverDevice>(dev: &D, cfg: &SuiteConfig) {
    lengths::<Fp3, D>(dev, cfg, 402);
}

/// All zeros map to zeros; a vector of `2^max_log_height` with scattered
/// zeros inverts correctly.
pub fn check_batch_inverse_zeros_and_large<D: ProverDevice>(dev: &D, cfg: &SuiteConfig) {
    let h = Harness::new(dev);
    let mut rng = rng(cfg.seed, 403);
    for len in [1, 2, 17, 1024] {
        compare_one::<Fp, D>(&h, &vec![Fp::ZERO; len]);
        compare_one::<Fp3, D>(&h, &vec![Fp3::ZERO; len]);
    }
    compare_one::<Fp3, D>(&h, &with_zeros(&mut rng, 1 << cfg.max_log_height, 7));
    compare_one::<Fp, D>(&h, &with_zeros(&mut rng, 1 << cfg.max_log_height, 1 << 12));
}
