//! NTT checks: every order, direction and shift against the reference at
//! small sizes; round trip and point evaluation at the largest size.

use super::util::{assert_same, horner, ok, rng, sample_positions, zero_matrix, Harness, SHIFTS};
use super::SuiteConfig;
use backend_api::{Coset, DeviceElem, Fp, HostMatrix, NttDirection, Order, ProverDevice};

const DIRECTIONS: [NttDirection; 2] = [NttDirection::Forward, NttDirection::Inverse];

/// Runs one NTT on the device and on the reference and compares.
fn compare_one<T: DeviceElem, D: ProverDevice>(
    h: &Harness<D>,
    host: &HostMatrix<T>,
    dir: NttDirection,
    shift: Fp,
    input: Order,
    output: Order,
) {
    let case = format!(
        "ntt {:?} {}x{} {dir:?} shift {shift} {input:?}->{output:?}",
        T::KIND,
        host.width(),
        host.height()
    );
    let mut dm = h.up(host);
    ok(h.dev.ntt(&h.ctx, &mut dm, dir, shift, input, output), &case);
    let mut rm = host.clone();
    ok(h.rf.ntt(&(), &mut rm, dir, shift, input, output), &case);
    assert_same(&case, h.down(&dm).buffer(), rm.buffer());
}

fn every_combination<T: DeviceElem, D: ProverDevice>(dev: &D, cfg: &SuiteConfig, salt: u64) {
    let h = Harness::new(dev);
    let mut rng = rng(cfg.seed, salt);
    for log in cfg.ref_logs() {
        for width in [1, 3, 7] {
            for dir in DIRECTIONS {
                for shift in SHIFTS {
                    for input in Order::ALL {
                        for output in Order::ALL {
                            let host = rng.matrix::<T>(width, 1 << log);
                            compare_one(&h, &host, dir, shift, input, output);
                        }
                    }
                }
            }
        }
    }
}

/// Base-field NTT: heights 1, 2, 4, 8, 2^ref; widths 1, 3, 7; both
/// directions, shifts 1 and 7, all four order pairs.
pub fn check_ntt_fp<D: ProverDevice>(dev: &D, cfg: &SuiteConfig) {
    every_combination::<Fp, D>(dev, cfg, 101);
}

/// The same combinations for Fp3 columns.
pub fn check_ntt_fp3<D: ProverDevice>(dev: &D, cfg: &SuiteConfig) {
    every_combination::<backend_api::Fp3, D>(dev, cfg, 102);
}

/// 64 columns, both fields, both directions.
pub fn check_ntt_many_columns<D: ProverDevice>(dev: &D, cfg: &SuiteConfig) {
    let h = Harness::new(dev);
    let mut rng = rng(cfg.seed, 103);
    for dir in DIRECTIONS {
        let fp = rng.matrix::<Fp>(64, 16);
        compare_one(
            &h,
            &fp,
            dir,
            Fp::GENERATOR,
            Order::Natural,
            Order::BitReversed,
        );
        let ext = rng.matrix::<backend_api::Fp3>(64, 8);
        compare_one(&h, &ext, dir, Fp::ONE, Order::BitReversed, Order::Natural);
    }
}

/// All-zero columns stay zero, in every direction and order.
pub fn check_ntt_zeros<D: ProverDevice>(dev: &D, cfg: &SuiteConfig) {
    let h = Harness::new(dev);
    for log in cfg.ref_logs() {
        for dir in DIRECTIONS {
            for input in Order::ALL {
                let zeros = zero_matrix::<Fp>(3, 1 << log);
                compare_one(&h, &zeros, dir, Fp::GENERATOR, input, Order::BitReversed);
                let mut dm = h.up(&zeros);
                ok(
                    h.dev
                        .ntt(&h.ctx, &mut dm, dir, Fp::ONE, input, Order::Natural),
                    "ntt zeros",
                );
                assert_same("ntt of zeros", h.down(&dm).buffer(), zeros.buffer());
            }
        }
    }
}

/// Forward then inverse of `log`-sized columns: spot values equal Horner
/// evaluations of the coefficients, and the round trip is the identity.
fn round_trip<T: DeviceElem, D: ProverDevice>(
    dev: &D,
    cfg: &SuiteConfig,
    log: u32,
    width: usize,
    salt: u64,
) {
    let h = Harness::new(dev);
    let mut rng = rng(cfg.seed, salt);
    let n = 1usize << log;
    let coeffs = rng.matrix::<T>(width, n);
    let (shift, input, output) = (Fp::GENERATOR, Order::Natural, Order::BitReversed);
    let mut dm = h.up(&coeffs);
    let case = format!("ntt round trip {:?} {width}x2^{log}", T::KIND);
    ok(
        h.dev
            .ntt(&h.ctx, &mut dm, NttDirection::Forward, shift, input, output),
        &case,
    );
    let evals = h.down(&dm);
    let coset = Coset::new(log, shift, output);
    for c in 0..width {
        for k in sample_positions(&mut rng, n, 6) {
            let expected = horner(coeffs.column(c), coset.point(k));
            assert_eq!(
                evals.get(k, c),
                expected,
                "{case}: forward value at position {k} of column {c}"
            );
        }
    }
    ok(
        h.dev
            .ntt(&h.ctx, &mut dm, NttDirection::Inverse, shift, output, input),
        &case,
    );
    assert_same(
        format!("{case}: inverse(forward(x)) != x"),
        h.down(&dm).buffer(),
        coeffs.buffer(),
    );
}

/// The largest size: Fp at `2^max_log_height`, Fp3 at a quarter of it.
pub fn check_ntt_round_trip_large<D: ProverDevice>(dev: &D, cfg: &SuiteConfig) {
    round_trip::<Fp, D>(dev, cfg, cfg.max_log_height, 2, 104);
    round_trip::<backend_api::Fp3, D>(dev, cfg, cfg.max_log_height.saturating_sub(2), 1, 105);
}
