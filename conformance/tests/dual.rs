//! `Dual` runs the suite with two devices side by side, and detects a
//! device that differs from the other in a single element.

use backend_api::{
    Coset, DeepOpening, DeviceElem, DeviceError, DeviceResult, Fp, Fp3, HostMatrix, Interaction,
    InteractionKind, LogUpChallenges, NttDirection, Order, ProverDevice, RowExpr, TraceColumns,
};
use backend_cpu::CpuDevice;
use conformance::{Dual, ReferenceDevice, SuiteConfig};

conformance::conformance_suite!(
    reference_vs_cpu,
    Dual::new(ReferenceDevice::new(), CpuDevice::new()),
    SuiteConfig::naive()
);

// Exercises Dual itself (reshapes, pairs of contexts, threads) at the small
// configuration's sizes, where the naive reference would be too slow.
conformance::conformance_suite!(
    cpu_vs_cpu,
    Dual::new(CpuDevice::new(), CpuDevice::new()),
    SuiteConfig::small()
);

/// The faulty backend, in a module of its own: only it sees `Backend`, so
/// the tests below call `ProverDevice` methods without ambiguity.
mod faulty {
    use backend_api::expr::{CompositionDomain, ConstraintParams, ConstraintSystem};
    use backend_api::{
        Backend, BackendMatrix, Coset, DeepOpening, DeviceElem, DeviceError, DeviceResult, Digest,
        Fp, Fp3, HostMatrix, Interaction, LogUpChallenges, LogUpTrace, MerkleOpening, MerkleShape,
        NttDirection, Order, TraceColumns,
    };
    use conformance::{ReferenceDevice, ReferenceTree};

    /// Which primitive the faulty device gets wrong.
    #[derive(Copy, Clone, Debug, PartialEq)]
    pub enum Fault {
        Ntt,
        Lde,
        BatchInverse,
        Merkle,
        FriFold,
        LogUp,
        Ood,
        Deep,
        Constraints,
        Grind,
        /// Returns 0 for `bits > 64` instead of rejecting them (the checks
        /// around every backend call reject them first).
        AcceptsBadBits,
        /// Refuses to grind (an `Unsupported` error).
        RefusesGrind,
    }

    /// The reference device, except that one output element of the chosen
    /// primitive is off by one (element `FLIPPED`).
    pub struct Faulty(pub Fault);

    pub const FLIPPED: usize = 5;

    /// Changes element `FLIPPED` (the last one of shorter vectors).
    fn flip<T: DeviceElem>(v: &mut [T]) {
        let i = FLIPPED.min(v.len().saturating_sub(1));
        if let Some(x) = v.get_mut(i) {
            *x += T::ONE;
        }
    }

    impl Backend for Faulty {
        type DeviceCtx = ();
        type Buffer<T: DeviceElem> = Vec<T>;
        type MerkleTree = ReferenceTree;

        fn name(&self) -> String {
            format!("faulty({:?})", self.0)
        }
        fn new_ctx(&self) -> DeviceResult<()> {
            Ok(())
        }
        fn order_after(&self, _: &(), _: &()) -> DeviceResult<()> {
            Ok(())
        }
        fn alloc_zeroed<T: DeviceElem>(&self, c: &(), len: usize) -> DeviceResult<Vec<T>> {
            Backend::alloc_zeroed(&ReferenceDevice, c, len)
        }
        fn upload<T: DeviceElem>(&self, c: &(), data: &[T]) -> DeviceResult<Vec<T>> {
            Backend::upload(&ReferenceDevice, c, data)
        }
        fn download<T: DeviceElem>(&self, c: &(), buf: &Vec<T>) -> DeviceResult<Vec<T>> {
            Backend::download(&ReferenceDevice, c, buf)
        }
        fn ntt<T: DeviceElem>(
            &self,
            c: &(),
            m: &mut HostMatrix<T>,
            d: NttDirection,
            s: Fp,
            i: Order,
            o: Order,
        ) -> DeviceResult<()> {
            Backend::ntt(&ReferenceDevice, c, m, d, s, i, o)?;
            if self.0 == Fault::Ntt {
                flip(m.buffer_mut());
            }
            Ok(())
        }
        fn coset_lde<T: DeviceElem>(
            &self,
            c: &(),
            m: &HostMatrix<T>,
            i: Order,
            b: usize,
            s: Fp,
            o: Order,
        ) -> DeviceResult<HostMatrix<T>> {
            let mut out = Backend::coset_lde(&ReferenceDevice, c, m, i, b, s, o)?;
            if self.0 == Fault::Lde {
                flip(out.buffer_mut());
            }
            Ok(out)
        }
        fn coeffs_to_coset<T: DeviceElem>(
            &self,
            c: &(),
            m: &HostMatrix<T>,
            i: Order,
            b: usize,
            s: Fp,
            o: Order,
        ) -> DeviceResult<HostMatrix<T>> {
            Backend::coeffs_to_coset(&ReferenceDevice, c, m, i, b, s, o)
        }
        fn merkle_commit<T: DeviceElem>(
            &self,
            c: &(),
            ms: &[&HostMatrix<T>],
            shape: MerkleShape,
        ) -> DeviceResult<ReferenceTree> {
            if self.0 != Fault::Merkle {
                return Backend::merkle_commit(&ReferenceDevice, c, ms, shape);
            }
            // Hash a copy of the first matrix with one element changed.
            let mut first = ms[0].clone();
            flip(first.buffer_mut());
            let mut changed: Vec<&HostMatrix<T>> = ms.to_vec();
            changed[0] = &first;
            Backend::merkle_commit(&ReferenceDevice, c, &changed, shape)
        }
        fn merkle_open<T: DeviceElem>(
            &self,
            c: &(),
            t: &ReferenceTree,
            ms: &[&HostMatrix<T>],
            idx: &[usize],
        ) -> DeviceResult<Vec<MerkleOpening<T>>> {
            Backend::merkle_open(&ReferenceDevice, c, t, ms, idx)
        }
        fn batch_inverse<T: DeviceElem>(&self, c: &(), v: &mut Vec<T>) -> DeviceResult<()> {
            Backend::batch_inverse(&ReferenceDevice, c, v)?;
            if self.0 == Fault::BatchInverse {
                flip(v);
            }
            Ok(())
        }
        fn fri_fold(
            &self,
            c: &(),
            cw: &HostMatrix<Fp3>,
            s: Fp,
            beta: Fp3,
        ) -> DeviceResult<HostMatrix<Fp3>> {
            let mut out = Backend::fri_fold(&ReferenceDevice, c, cw, s, beta)?;
            if self.0 == Fault::FriFold {
                flip(out.buffer_mut());
            }
            Ok(out)
        }
        fn logup_fingerprints(
            &self,
            c: &(),
            m: TraceColumns<'_, Vec<Fp>>,
            its: &[Interaction],
            ch: &LogUpChallenges,
        ) -> DeviceResult<HostMatrix<Fp3>> {
            Backend::logup_fingerprints(&ReferenceDevice, c, m, its, ch)
        }
        fn logup_aux_trace(
            &self,
            c: &(),
            m: TraceColumns<'_, Vec<Fp>>,
            its: &[Interaction],
            ch: &LogUpChallenges,
        ) -> DeviceResult<LogUpTrace<Vec<Fp3>>> {
            let mut t = Backend::logup_aux_trace(&ReferenceDevice, c, m, its, ch)?;
            if self.0 == Fault::LogUp {
                flip(t.aux.buffer_mut());
            }
            Ok(t)
        }
        fn grind(&self, c: &(), seed: &Digest, bits: u32) -> DeviceResult<u64> {
            match self.0 {
                Fault::Grind => Ok(Backend::grind(&ReferenceDevice, c, seed, bits)? + 1),
                Fault::AcceptsBadBits if bits > 64 => Ok(0),
                Fault::RefusesGrind => Err(DeviceError::Unsupported {
                    primitive: "grind",
                    reason: "this faulty device does not grind".into(),
                }),
                _ => Backend::grind(&ReferenceDevice, c, seed, bits),
            }
        }
        fn ood_evaluate<T: DeviceElem>(
            &self,
            c: &(),
            m: &HostMatrix<T>,
            points: &[Fp3],
        ) -> DeviceResult<Vec<Vec<Fp3>>> {
            let mut v = Backend::ood_evaluate(&ReferenceDevice, c, m, points)?;
            if self.0 == Fault::Ood {
                // The last column at the last point: with two points and three
                // columns, flattened index 5.
                if let Some(x) = v.last_mut().and_then(|p| p.last_mut()) {
                    *x += Fp3::ONE;
                }
            }
            Ok(v)
        }
        fn deep_composition(
            &self,
            c: &(),
            domain: Coset,
            points: &[Fp3],
            gamma: Fp3,
            base: &[DeepOpening<'_, Vec<Fp>>],
            ext: &[DeepOpening<'_, Vec<Fp3>>],
        ) -> DeviceResult<BackendMatrix<Self, Fp3>> {
            let mut out =
                Backend::deep_composition(&ReferenceDevice, c, domain, points, gamma, base, ext)?;
            if self.0 == Fault::Deep {
                flip(out.buffer_mut());
            }
            Ok(out)
        }

        fn evaluate_constraints(
            &self,
            c: &(),
            system: &ConstraintSystem,
            trace: TraceColumns<'_, Vec<Fp>>,
            aux: Option<&HostMatrix<Fp3>>,
            domain: &CompositionDomain,
            params: &ConstraintParams<'_>,
        ) -> DeviceResult<HostMatrix<Fp3>> {
            let mut out = Backend::evaluate_constraints(
                &ReferenceDevice,
                c,
                system,
                trace,
                aux,
                domain,
                params,
            )?;
            if self.0 == Fault::Constraints {
                flip(out.buffer_mut());
            }
            Ok(out)
        }
    }
}

use faulty::{Fault, Faulty, FLIPPED};

fn dual(fault: Fault) -> Dual<ReferenceDevice, Faulty> {
    Dual::new(ReferenceDevice::new(), Faulty(fault))
}

#[track_caller]
fn assert_mismatch<T>(r: DeviceResult<T>, primitive: &str, index: usize) {
    match r {
        Err(DeviceError::Mismatch {
            primitive: p,
            index: i,
            ..
        }) => {
            assert_eq!(
                (p, i),
                (primitive, index),
                "mismatch reported at the wrong place"
            );
        }
        Err(e) => panic!("expected a mismatch in {primitive}, got error {e}"),
        Ok(_) => panic!("expected a mismatch in {primitive}, got Ok"),
    }
}

fn matrix<T: DeviceElem>(width: usize, height: usize) -> HostMatrix<T> {
    let mut rng = backend_api::rng::SplitMix64::new(99);
    HostMatrix::new(rng.elems(width * height), width, height).expect("sized")
}

#[test]
fn dual_reports_ntt_mismatch() {
    let d = dual(Fault::Ntt);
    let ctx = d.new_ctx().unwrap();
    let mut m = d.upload_matrix(&ctx, &matrix::<Fp>(2, 8)).unwrap();
    let r = d.ntt(
        &ctx,
        &mut m,
        NttDirection::Forward,
        Fp::ONE,
        Order::Natural,
        Order::Natural,
    );
    assert_mismatch(r, "ntt", FLIPPED);
}

#[test]
fn dual_reports_lde_mismatch() {
    let d = dual(Fault::Lde);
    let ctx = d.new_ctx().unwrap();
    let m = d.upload_matrix(&ctx, &matrix::<Fp3>(1, 4)).unwrap();
    let r = d.coset_lde(
        &ctx,
        &m,
        Order::Natural,
        2,
        Fp::GENERATOR,
        Order::BitReversed,
    );
    assert_mismatch(r, "coset_lde", FLIPPED);
}

#[test]
fn dual_reports_batch_inverse_mismatch() {
    let d = dual(Fault::BatchInverse);
    let ctx = d.new_ctx().unwrap();
    let mut b = d.upload(&ctx, &matrix::<Fp>(1, 16).into_buffer()).unwrap();
    assert_mismatch(d.batch_inverse(&ctx, &mut b), "batch_inverse", FLIPPED);
}

#[test]
fn dual_reports_merkle_root_mismatch() {
    let d = dual(Fault::Merkle);
    let ctx = d.new_ctx().unwrap();
    let m = d.upload_matrix(&ctx, &matrix::<Fp>(2, 8)).unwrap();
    assert_mismatch(d.merkle_commit(&ctx, &[&m], 1), "merkle_commit", 0);
}

#[test]
fn dual_reports_fri_fold_mismatch() {
    let d = dual(Fault::FriFold);
    let ctx = d.new_ctx().unwrap();
    let cw = d.upload_matrix(&ctx, &matrix::<Fp3>(1, 16)).unwrap();
    let r = d.fri_fold(
        &ctx,
        &cw,
        Fp::GENERATOR,
        Fp3::new(Fp::new(3), Fp::ONE, Fp::ZERO),
    );
    assert_mismatch(r, "fri_fold", FLIPPED);
}

#[test]
fn dual_reports_logup_mismatch() {
    let d = dual(Fault::LogUp);
    let ctx = d.new_ctx().unwrap();
    let main = d.upload_matrix(&ctx, &matrix::<Fp>(2, 8)).unwrap();
    let it = Interaction {
        bus: 1,
        kind: InteractionKind::Send,
        values: vec![RowExpr::main(0)],
        multiplicity: RowExpr::main(1),
    };
    let ch = LogUpChallenges {
        z: Fp3::new(Fp::new(9), Fp::ONE, Fp::ONE),
        alpha: Fp3::new(Fp::new(4), Fp::ZERO, Fp::ONE),
    };
    assert_mismatch(
        d.logup_aux_trace(&ctx, TraceColumns::main_only(&main), &[it], &ch),
        "logup_aux_trace",
        FLIPPED,
    );
}

#[test]
fn dual_reports_ood_mismatch() {
    let d = dual(Fault::Ood);
    let ctx = d.new_ctx().unwrap();
    let m = d.upload_matrix(&ctx, &matrix::<Fp>(3, 8)).unwrap();
    let points = [
        Fp3::new(Fp::new(3), Fp::ONE, Fp::ZERO),
        Fp3::new(Fp::new(5), Fp::ZERO, Fp::ONE),
    ];
    assert_mismatch(d.ood_evaluate(&ctx, &m, &points), "ood_evaluate", FLIPPED);
}

#[test]
fn dual_reports_deep_mismatch() {
    let d = dual(Fault::Deep);
    let ctx = d.new_ctx().unwrap();
    let m = d.upload_matrix(&ctx, &matrix::<Fp>(2, 8)).unwrap();
    let base = [DeepOpening {
        matrix: &m,
        evaluations: vec![(0, vec![Fp3::ONE, Fp3::ZERO])],
    }];
    let domain = Coset::new(3, Fp::GENERATOR, Order::Natural);
    let z = [Fp3::new(Fp::new(3), Fp::ONE, Fp::ZERO)];
    let r = d.deep_composition(
        &ctx,
        domain,
        &z,
        Fp3::new(Fp::new(2), Fp::ONE, Fp::ONE),
        &base,
        &[],
    );
    assert_mismatch(r, "deep_composition", FLIPPED);
}

#[test]
fn dual_reports_grind_mismatch() {
    let d = dual(Fault::Grind);
    let ctx = d.new_ctx().unwrap();
    assert_mismatch(d.grind(&ctx, &[1; 32], 4), "grind", 0);
}

#[test]
fn dual_reports_disagreeing_errors() {
    let d = dual(Fault::RefusesGrind);
    let ctx = d.new_ctx().unwrap();
    // Side A returns a nonce, side B an error: that is a mismatch.
    assert_mismatch(d.grind(&ctx, &[1; 32], 4), "grind", 0);
    // Bad arguments are rejected before either side runs.
    assert_eq!(
        d.grind(&ctx, &[1; 32], 65).unwrap_err().invalid_argument(),
        Some("bits")
    );
}

#[test]
fn checks_run_before_a_backend_that_would_accept_bad_input() {
    // The faulty backend returns a "nonce" for 65 bits, but the checks of
    // `ProverDevice` reject the argument before it is called.
    let faulty = Faulty(Fault::AcceptsBadBits);
    assert_eq!(
        ProverDevice::grind(&faulty, &(), &[1; 32], 65)
            .unwrap_err()
            .invalid_argument(),
        Some("bits")
    );
    conformance::suite::bad_grind_bits_65(&faulty, &SuiteConfig::naive());
}

#[test]
fn dual_passes_agreeing_errors_through() {
    let d = dual(Fault::Ntt);
    let ctx = d.new_ctx().unwrap();
    let m = d.upload_matrix(&ctx, &matrix::<Fp>(1, 4)).unwrap();
    let err = d
        .coset_lde(&ctx, &m, Order::Natural, 0, Fp::ONE, Order::Natural)
        .err();
    assert_eq!(err.and_then(|e| e.invalid_argument()), Some("blowup"));
}

#[test]
fn dual_reshapes_flat_uploads() {
    // A buffer uploaded flat and then viewed as 3 columns of 4 must give both
    // sides the same 3x4 matrix.
    let d = Dual::new(ReferenceDevice::new(), CpuDevice::new());
    let ctx = d.new_ctx().unwrap();
    let host = matrix::<Fp>(3, 4);
    let flat = d.upload(&ctx, host.buffer()).unwrap();
    let m = backend_api::Matrix::new(flat, 3, 4).unwrap();
    let lde = d
        .coset_lde(&ctx, &m, Order::Natural, 2, Fp::GENERATOR, Order::Natural)
        .unwrap();
    let want = ReferenceDevice
        .coset_lde(&(), &host, Order::Natural, 2, Fp::GENERATOR, Order::Natural)
        .unwrap();
    assert_eq!(d.download_matrix(&ctx, &lde).unwrap(), want);
}

/// Runs a suite check on a faulty device; it must fail.
fn suite_rejects(check: fn(&Faulty, &SuiteConfig), fault: Fault) {
    let r = std::panic::catch_unwind(|| check(&Faulty(fault), &SuiteConfig::naive()));
    assert!(
        r.is_err(),
        "the suite accepted a device with fault {fault:?}"
    );
}

#[test]
fn suite_catches_faulty_devices() {
    use conformance::suite::*;
    suite_rejects(check_ntt_fp::<Faulty>, Fault::Ntt);
    suite_rejects(check_ntt_round_trip_large::<Faulty>, Fault::Ntt);
    suite_rejects(check_lde_fp3::<Faulty>, Fault::Lde);
    suite_rejects(check_lde_large::<Faulty>, Fault::Lde);
    suite_rejects(check_batch_inverse_fp::<Faulty>, Fault::BatchInverse);
    suite_rejects(check_merkle_fp::<Faulty>, Fault::Merkle);
    suite_rejects(check_merkle_large::<Faulty>, Fault::Merkle);
    suite_rejects(check_fri_fold::<Faulty>, Fault::FriFold);
    suite_rejects(check_logup_aux_trace::<Faulty>, Fault::LogUp);
    suite_rejects(check_logup_large::<Faulty>, Fault::LogUp);
    suite_rejects(check_ood_fp::<Faulty>, Fault::Ood);
    suite_rejects(check_deep::<Faulty>, Fault::Deep);
    suite_rejects(check_grind::<Faulty>, Fault::Grind);
    suite_rejects(check_constraints::<Faulty>, Fault::Constraints);
    suite_rejects(check_constraints_large::<Faulty>, Fault::Constraints);
    suite_rejects(check_golden_digests::<Faulty>, Fault::Ntt);
    suite_rejects(check_golden_digests::<Faulty>, Fault::Deep);
}

#[test]
fn suite_accepts_the_unmodified_faulty_wrapper() {
    // The wrapper with a fault elsewhere passes the checks of other families,
    // so the rejections above are caused by the injected faults.
    use conformance::suite::*;
    check_ntt_fp(&Faulty(Fault::Deep), &SuiteConfig::naive());
    check_deep(&Faulty(Fault::Ntt), &SuiteConfig::naive());
    check_grind(&Faulty(Fault::AcceptsBadBits), &SuiteConfig::naive());
}
