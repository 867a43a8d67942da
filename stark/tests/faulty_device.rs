//! The prover does not trust a device's output: a backend that returns a
//! result of the wrong shape (one primitive at a time) makes the prover
//! fail with `DeviceError::BadOutput` naming the primitive (the checks
//! `ProverDevice` runs around every `Backend` call), never panic or produce
//! a proof.

use backend_api::expr::{CompositionDomain, ConstraintParams, ConstraintSystem};
use backend_api::{
    Backend, BackendMatrix, Coset, DeepOpening, DeviceElem, DeviceError, DeviceResult, Digest, Fp,
    Fp3, Interaction, LogUpChallenges, LogUpTrace, Matrix, MerkleOpening, MerkleShape, MerkleTree,
    NttDirection, Order, TraceColumns,
};
use backend_cpu::{CpuDevice, CpuMerkleTree};
use stark::examples::{Lookup, Squares};
use stark::{Air, Options, Prover, ProverError};

/// Which result comes back malformed.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Fault {
    /// `upload`: one element short (seen through `upload_matrix`).
    Upload,
    /// `coset_lde`: half the height (seen through `upload_lde`).
    CosetLde,
    /// `coeffs_to_coset`: one column short.
    CoeffsToCoset,
    /// `merkle_commit`: a tree claiming two rows per leaf.
    MerkleCommit,
    /// `merkle_open`: one opening short.
    MerkleOpenCount,
    /// `merkle_open`: a sibling short.
    MerklePath,
    /// `logup_aux_trace`: one column short.
    LogUp,
    /// `evaluate_constraints`: half the positions.
    Constraints,
    /// `ntt`: the buffer grows by one element.
    Ntt,
    /// `ood_evaluate`: one value short at the last point.
    Ood,
    /// `ood_evaluate`: one point short.
    OodPoints,
    /// `deep_composition`: twice the height.
    Deep,
    /// `fri_fold`: not halved.
    FriFold,
    /// `add_scaled`: the sum one element short.
    AddScaled,
    /// `download`: one element short.
    Download,
    /// `grind`: a nonce that does not meet the bits.
    Grind,
}

/// `CpuDevice` with one fault.
struct Faulty(Fault);

/// A CPU tree whose reported shape can be wrong.
struct FaultyTree {
    inner: CpuMerkleTree,
    shape: MerkleShape,
}

impl MerkleTree for FaultyTree {
    fn root(&self) -> Digest {
        self.inner.root()
    }
    fn shape(&self) -> &MerkleShape {
        &self.shape
    }
}

fn shrink<T: DeviceElem>(m: Matrix<Vec<T>>, width: usize, height: usize) -> Matrix<Vec<T>> {
    let mut buf = m.into_buffer();
    buf.resize(width * height, T::ZERO);
    Matrix::new(buf, width, height).expect("resized to the shape")
}

impl Backend for Faulty {
    type DeviceCtx = ();
    type Buffer<T: DeviceElem> = Vec<T>;
    type MerkleTree = FaultyTree;

    fn name(&self) -> String {
        format!("faulty cpu ({:?})", self.0)
    }
    fn new_ctx(&self) -> DeviceResult<()> {
        Ok(())
    }
    fn order_after(&self, _: &(), _: &()) -> DeviceResult<()> {
        // Every call finishes its work before returning.
        Ok(())
    }
    fn alloc_zeroed<T: DeviceElem>(&self, c: &(), len: usize) -> DeviceResult<Vec<T>> {
        Backend::alloc_zeroed(&CpuDevice, c, len)
    }
    fn upload<T: DeviceElem>(&self, c: &(), data: &[T]) -> DeviceResult<Vec<T>> {
        let mut v = Backend::upload(&CpuDevice, c, data)?;
        if self.0 == Fault::Upload {
            v.pop();
        }
        Ok(v)
    }
    fn download<T: DeviceElem>(&self, c: &(), buf: &Vec<T>) -> DeviceResult<Vec<T>> {
        let mut v = Backend::download(&CpuDevice, c, buf)?;
        if self.0 == Fault::Download {
            v.pop();
        }
        Ok(v)
    }
    fn ntt<T: DeviceElem>(
        &self,
        c: &(),
        m: &mut BackendMatrix<Self, T>,
        d: NttDirection,
        s: Fp,
        i: Order,
        o: Order,
    ) -> DeviceResult<()> {
        Backend::ntt(&CpuDevice, c, m, d, s, i, o)?;
        if self.0 == Fault::Ntt {
            m.buffer_mut().push(T::ZERO);
        }
        Ok(())
    }
    fn coset_lde<T: DeviceElem>(
        &self,
        c: &(),
        m: &BackendMatrix<Self, T>,
        i: Order,
        b: usize,
        s: Fp,
        o: Order,
    ) -> DeviceResult<BackendMatrix<Self, T>> {
        let out = Backend::coset_lde(&CpuDevice, c, m, i, b, s, o)?;
        let (w, h) = (out.width(), out.height());
        Ok(match self.0 {
            Fault::CosetLde if h > 1 => shrink(out, w, h / 2),
            _ => out,
        })
    }
    fn coeffs_to_coset<T: DeviceElem>(
        &self,
        c: &(),
        m: &BackendMatrix<Self, T>,
        i: Order,
        b: usize,
        s: Fp,
        o: Order,
    ) -> DeviceResult<BackendMatrix<Self, T>> {
        let out = Backend::coeffs_to_coset(&CpuDevice, c, m, i, b, s, o)?;
        let (w, h) = (out.width(), out.height());
        Ok(match self.0 {
            Fault::CoeffsToCoset => shrink(out, w - 1, h),
            _ => out,
        })
    }
    fn merkle_commit<T: DeviceElem>(
        &self,
        c: &(),
        m: &[&BackendMatrix<Self, T>],
        shape: MerkleShape,
    ) -> DeviceResult<FaultyTree> {
        let inner = Backend::merkle_commit(&CpuDevice, c, m, shape)?;
        let mut shape = inner.shape().clone();
        if self.0 == Fault::MerkleCommit {
            shape.rows_per_leaf *= 2;
        }
        Ok(FaultyTree { inner, shape })
    }
    fn merkle_open<T: DeviceElem>(
        &self,
        c: &(),
        t: &FaultyTree,
        m: &[&BackendMatrix<Self, T>],
        idx: &[usize],
    ) -> DeviceResult<Vec<MerkleOpening<T>>> {
        let mut v = Backend::merkle_open(&CpuDevice, c, &t.inner, m, idx)?;
        match self.0 {
            Fault::MerkleOpenCount => {
                v.pop();
            }
            Fault::MerklePath => {
                if let Some(o) = v.first_mut() {
                    o.path.pop();
                }
            }
            _ => {}
        }
        Ok(v)
    }
    fn batch_inverse<T: DeviceElem>(&self, c: &(), v: &mut Vec<T>) -> DeviceResult<()> {
        Backend::batch_inverse(&CpuDevice, c, v)
    }
    fn fri_fold(
        &self,
        c: &(),
        cw: &BackendMatrix<Self, Fp3>,
        s: Fp,
        beta: Fp3,
    ) -> DeviceResult<BackendMatrix<Self, Fp3>> {
        let out = Backend::fri_fold(&CpuDevice, c, cw, s, beta)?;
        Ok(match self.0 {
            Fault::FriFold => shrink(out, 1, cw.height()),
            _ => out,
        })
    }
    fn add_scaled(
        &self,
        c: &(),
        acc: &mut BackendMatrix<Self, Fp3>,
        x: &BackendMatrix<Self, Fp3>,
        scale: Fp3,
    ) -> DeviceResult<()> {
        Backend::add_scaled(&CpuDevice, c, acc, x, scale)?;
        if self.0 == Fault::AddScaled {
            acc.buffer_mut().pop();
        }
        Ok(())
    }
    fn logup_fingerprints(
        &self,
        c: &(),
        t: TraceColumns<'_, Vec<Fp>>,
        its: &[Interaction],
        ch: &LogUpChallenges,
    ) -> DeviceResult<BackendMatrix<Self, Fp3>> {
        Backend::logup_fingerprints(&CpuDevice, c, t, its, ch)
    }
    fn logup_aux_trace(
        &self,
        c: &(),
        t: TraceColumns<'_, Vec<Fp>>,
        its: &[Interaction],
        ch: &LogUpChallenges,
    ) -> DeviceResult<LogUpTrace<Vec<Fp3>>> {
        let mut out = Backend::logup_aux_trace(&CpuDevice, c, t, its, ch)?;
        if self.0 == Fault::LogUp {
            let (w, h) = (out.aux.width(), out.aux.height());
            out.aux = shrink(out.aux, w - 1, h);
        }
        Ok(out)
    }
    fn grind(&self, c: &(), seed: &Digest, bits: u32) -> DeviceResult<u64> {
        let nonce = Backend::grind(&CpuDevice, c, seed, bits)?;
        Ok(match self.0 {
            // The first nonce below the smallest valid one is invalid.
            Fault::Grind if nonce > 0 => nonce - 1,
            _ => nonce,
        })
    }
    fn ood_evaluate<T: DeviceElem>(
        &self,
        c: &(),
        m: &BackendMatrix<Self, T>,
        points: &[Fp3],
    ) -> DeviceResult<Vec<Vec<Fp3>>> {
        let mut v = Backend::ood_evaluate(&CpuDevice, c, m, points)?;
        match self.0 {
            Fault::Ood => {
                v.last_mut().map(Vec::pop);
            }
            Fault::OodPoints => {
                v.pop();
            }
            _ => {}
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
        let out = Backend::deep_composition(&CpuDevice, c, domain, points, gamma, base, ext)?;
        let h = out.height();
        Ok(match self.0 {
            Fault::Deep => shrink(out, 1, 2 * h),
            _ => out,
        })
    }
    fn evaluate_constraints(
        &self,
        c: &(),
        system: &ConstraintSystem,
        trace: TraceColumns<'_, Vec<Fp>>,
        aux: Option<&BackendMatrix<Self, Fp3>>,
        domain: &CompositionDomain,
        params: &ConstraintParams<'_>,
    ) -> DeviceResult<BackendMatrix<Self, Fp3>> {
        let out = Backend::evaluate_constraints(&CpuDevice, c, system, trace, aux, domain, params)?;
        let h = out.height();
        Ok(match self.0 {
            Fault::Constraints => shrink(out, 1, h / 2),
            _ => out,
        })
    }
}

/// The primitive each fault is reported under.
fn primitive(fault: Fault) -> &'static str {
    match fault {
        Fault::Upload => "upload_matrix",
        // A proof's first LDE is a main trace's, uploaded and extended in
        // one call (whose default extends with `coset_lde`).
        Fault::CosetLde => "upload_lde",
        Fault::CoeffsToCoset => "coeffs_to_coset",
        // The first tree of a proof is a round's, over all its tables.
        Fault::MerkleCommit => "merkle_commit_tables",
        Fault::MerkleOpenCount | Fault::MerklePath => "merkle_open",
        Fault::LogUp => "logup_aux_trace",
        Fault::Constraints => "evaluate_constraints",
        Fault::Ntt => "ntt",
        Fault::Ood | Fault::OodPoints => "ood_evaluate",
        Fault::Deep => "deep_composition",
        Fault::FriFold => "fri_fold",
        Fault::AddScaled => "add_scaled",
        Fault::Download => "download",
        Fault::Grind => "grind",
    }
}

const FAULTS: [Fault; 16] = [
    Fault::Upload,
    Fault::CosetLde,
    Fault::CoeffsToCoset,
    Fault::MerkleCommit,
    Fault::MerkleOpenCount,
    Fault::MerklePath,
    Fault::LogUp,
    Fault::Constraints,
    Fault::Ntt,
    Fault::Ood,
    Fault::OodPoints,
    Fault::Deep,
    Fault::FriFold,
    Fault::AddScaled,
    Fault::Download,
    Fault::Grind,
];

#[test]
fn malformed_device_results_are_errors_naming_the_primitive() {
    let mut options = Options::insecure_test();
    // Enough grinding that the smallest valid nonce is not 0.
    options.grinding_bits = 8;
    let (lookup, lookup_public, lookup_traces) = Lookup::generate(4, 3, 5).unwrap();
    let (squares, squares_public, squares_trace) = Squares::generate(4, Fp::new(2)).unwrap();
    let cases: [(&dyn Air, &[Fp], Vec<_>); 2] = [
        (&lookup, &lookup_public, lookup_traces),
        (&squares, &squares_public, vec![squares_trace]),
    ];
    for (air, public, traces) in cases {
        // The honest device proves.
        Prover::with_options(CpuDevice::new(), options)
            .unwrap()
            .prove(air, public, &traces)
            .unwrap();
        for fault in FAULTS {
            // One table: its DEEP codeword is the FRI's; nothing is added.
            if fault == Fault::AddScaled && air.tables().len() == 1 {
                continue;
            }
            let prover = Prover::with_options(Faulty(fault), options).unwrap();
            match prover.prove(air, public, &traces) {
                Err(ProverError::Device(DeviceError::BadOutput {
                    primitive: p,
                    reason,
                })) => {
                    assert_eq!(p, primitive(fault), "{fault:?} on {}: {reason}", air.name());
                }
                Err(e) => panic!("{fault:?} on {}: unexpected error {e}", air.name()),
                Ok(_) => panic!("{fault:?} on {}: a proof from a faulty device", air.name()),
            }
        }
    }
}
