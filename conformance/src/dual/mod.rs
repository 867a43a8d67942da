//! [`Dual<A, B>`]: a device that runs every call on two devices and fails on
//! the first difference.
//!
//! Contexts, buffers and trees are pairs. After each call the outputs of both
//! sides are downloaded and compared as canonical bytes (in-place methods:
//! the buffers after the call); the first differing element gives
//! [`DeviceError::Mismatch`] with the primitive's name and the element's
//! index (for matrices, the index into the column-major buffer). Errors must
//! agree too: both sides failing with the same variant and argument passes
//! the error through, anything else is a mismatch. Results handed back are
//! side A's (both sides keep their own copy for later calls).

mod buffer;
mod compare;

pub use buffer::{DualBuffer, DualTree};

use backend_api::expr::{CompositionDomain, ConstraintParams, ConstraintSystem};
use backend_api::{
    Backend, BackendMatrix, CallShape, Coset, DeepOpening, DeviceElem, DeviceError, DeviceResult,
    Digest, Fp, Fp3, HostMatrix, Interaction, LogUpChallenges, LogUpTrace, Matrix, MerkleOpening,
    MerkleShape, MerkleTree, NttDirection, Order, ProverDevice, TraceColumns,
};
use buffer::View;

/// Runs each call on `a` and `b` and compares them byte for byte.
#[derive(Clone, Debug, Default)]
pub struct Dual<A, B> {
    pub a: A,
    pub b: B,
}

impl<A, B> Dual<A, B> {
    pub fn new(a: A, b: B) -> Self {
        Dual { a, b }
    }
}

type Buf<D, T> = <D as ProverDevice>::Buffer<T>;
type DualMatrix<A, B, T> = Matrix<DualBuffer<Buf<A, T>, Buf<B, T>>>;

/// A table's main and preprocessed matrices as each side sees them.
struct TraceViews<'m, A: ProverDevice, B: ProverDevice> {
    main_a: View<'m, Buf<A, Fp>>,
    pre_a: Option<View<'m, Buf<A, Fp>>>,
    main_b: View<'m, Buf<B, Fp>>,
    pre_b: Option<View<'m, Buf<B, Fp>>>,
}

impl<A: ProverDevice, B: ProverDevice> TraceViews<'_, A, B> {
    fn a(&self) -> TraceColumns<'_, Buf<A, Fp>> {
        TraceColumns {
            main: &self.main_a,
            preprocessed: self.pre_a.as_deref(),
        }
    }

    fn b(&self) -> TraceColumns<'_, Buf<B, Fp>> {
        TraceColumns {
            main: &self.main_b,
            preprocessed: self.pre_b.as_deref(),
        }
    }
}

impl<A: ProverDevice, B: ProverDevice> Dual<A, B> {
    fn views_a<'m, T: DeviceElem>(
        matrices: &[&'m DualMatrix<A, B, T>],
    ) -> DeviceResult<Vec<View<'m, Buf<A, T>>>> {
        matrices
            .iter()
            .map(|m| m.buffer().a.view(m.width(), m.height()))
            .collect()
    }

    fn views_b<'m, T: DeviceElem>(
        matrices: &[&'m DualMatrix<A, B, T>],
    ) -> DeviceResult<Vec<View<'m, Buf<B, T>>>> {
        matrices
            .iter()
            .map(|m| m.buffer().b.view(m.width(), m.height()))
            .collect()
    }

    /// Side A's and side B's views of a table's main and preprocessed
    /// matrices.
    fn trace_views<'m>(
        trace: TraceColumns<'m, DualBuffer<Buf<A, Fp>, Buf<B, Fp>>>,
    ) -> DeviceResult<TraceViews<'m, A, B>> {
        let pre_a = trace
            .preprocessed
            .map(|p| Self::views_a(&[p]))
            .transpose()?;
        let pre_b = trace
            .preprocessed
            .map(|p| Self::views_b(&[p]))
            .transpose()?;
        Ok(TraceViews {
            main_a: Self::views_a(&[trace.main])?.remove(0),
            pre_a: pre_a.map(|mut v| v.remove(0)),
            main_b: Self::views_b(&[trace.main])?.remove(0),
            pre_b: pre_b.map(|mut v| v.remove(0)),
        })
    }

    /// Compares two result matrices (shape, then contents) and pairs them.
    fn join<T: DeviceElem>(
        &self,
        ctx: &(A::DeviceCtx, B::DeviceCtx),
        primitive: &'static str,
        ma: Matrix<Buf<A, T>>,
        mb: Matrix<Buf<B, T>>,
    ) -> DeviceResult<DualMatrix<A, B, T>> {
        self.compare_matrices(ctx, primitive, &ma, &mb)?;
        let (w, h) = (ma.width(), ma.height());
        Ok(Matrix::new(DualBuffer::from_matrices(ma, mb), w, h).expect("shape of side A"))
    }

    fn compare_matrices<T: DeviceElem>(
        &self,
        ctx: &(A::DeviceCtx, B::DeviceCtx),
        primitive: &'static str,
        ma: &Matrix<Buf<A, T>>,
        mb: &Matrix<Buf<B, T>>,
    ) -> DeviceResult<()> {
        compare::value(
            primitive,
            0,
            &(ma.width(), ma.height()),
            &(mb.width(), mb.height()),
        )?;
        self.compare_buffers(ctx, primitive, ma.buffer(), mb.buffer())
    }

    fn compare_buffers<T: DeviceElem>(
        &self,
        ctx: &(A::DeviceCtx, B::DeviceCtx),
        primitive: &'static str,
        ba: &Buf<A, T>,
        bb: &Buf<B, T>,
    ) -> DeviceResult<()> {
        let va = self.a.download(&ctx.0, ba)?;
        let vb = self.b.download(&ctx.1, bb)?;
        compare::elems(primitive, &va, &vb)
    }
}

impl<A: ProverDevice, B: ProverDevice> Backend for Dual<A, B> {
    type DeviceCtx = (A::DeviceCtx, B::DeviceCtx);
    type Buffer<T: DeviceElem> = DualBuffer<Buf<A, T>, Buf<B, T>>;
    type MerkleTree = DualTree<A::MerkleTree, B::MerkleTree>;

    fn name(&self) -> String {
        format!("dual({}, {})", self.a.name(), self.b.name())
    }

    fn new_ctx(&self) -> DeviceResult<Self::DeviceCtx> {
        let (a, b) = compare::agree("new_ctx", self.a.new_ctx(), self.b.new_ctx())?;
        Ok((a, b))
    }

    fn order_after(&self, ctx: &Self::DeviceCtx, earlier: &Self::DeviceCtx) -> DeviceResult<()> {
        compare::agree(
            "order_after",
            self.a.order_after(&ctx.0, &earlier.0),
            self.b.order_after(&ctx.1, &earlier.1),
        )?;
        Ok(())
    }

    /// The smaller of the two: a proof runs on both.
    fn memory_available(&self) -> DeviceResult<Option<u64>> {
        let (a, b) = (self.a.memory_available()?, self.b.memory_available()?);
        Ok(match (a, b) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        })
    }

    fn working_memory(&self, shape: CallShape<'_>) -> u64 {
        self.a
            .working_memory(shape)
            .max(self.b.working_memory(shape))
    }

    fn alloc_zeroed<T: DeviceElem>(
        &self,
        ctx: &Self::DeviceCtx,
        len: usize,
    ) -> DeviceResult<Self::Buffer<T>> {
        let (a, b) = compare::agree(
            "alloc_zeroed",
            self.a.alloc_zeroed(&ctx.0, len),
            self.b.alloc_zeroed(&ctx.1, len),
        )?;
        self.compare_buffers::<T>(ctx, "alloc_zeroed", &a, &b)?;
        Ok(DualBuffer::from_flat(a, b))
    }

    fn upload<T: DeviceElem>(
        &self,
        ctx: &Self::DeviceCtx,
        data: &[T],
    ) -> DeviceResult<Self::Buffer<T>> {
        let (a, b) = compare::agree(
            "upload",
            self.a.upload(&ctx.0, data),
            self.b.upload(&ctx.1, data),
        )?;
        self.compare_buffers::<T>(ctx, "upload", &a, &b)?;
        Ok(DualBuffer::from_flat(a, b))
    }

    fn download<T: DeviceElem>(
        &self,
        ctx: &Self::DeviceCtx,
        buf: &Self::Buffer<T>,
    ) -> DeviceResult<Vec<T>> {
        let len = backend_api::Buffer::len(buf);
        let (va, vb) = (buf.a.view(1, len)?, buf.b.view(1, len)?);
        let (a, b) = compare::agree(
            "download",
            self.a.download(&ctx.0, va.buffer()),
            self.b.download(&ctx.1, vb.buffer()),
        )?;
        compare::elems("download", &a, &b)?;
        Ok(a)
    }

    fn ntt<T: DeviceElem>(
        &self,
        ctx: &Self::DeviceCtx,
        matrix: &mut BackendMatrix<Self, T>,
        direction: NttDirection,
        shift: Fp,
        input: Order,
        output: Order,
    ) -> DeviceResult<()> {
        let (w, h) = (matrix.width(), matrix.height());
        let buf = matrix.buffer_mut();
        let ma = buf.a.get_mut(w, h)?;
        let ra = self.a.ntt(&ctx.0, ma, direction, shift, input, output);
        let mb = buf.b.get_mut(w, h)?;
        let rb = self.b.ntt(&ctx.1, mb, direction, shift, input, output);
        compare::agree("ntt", ra, rb)?;
        let (ma, mb) = (buf.a.view(w, h)?, buf.b.view(w, h)?);
        self.compare_matrices(ctx, "ntt", &ma, &mb)
    }

    fn coset_lde<T: DeviceElem>(
        &self,
        ctx: &Self::DeviceCtx,
        evals: &BackendMatrix<Self, T>,
        input: Order,
        blowup: usize,
        shift: Fp,
        output: Order,
    ) -> DeviceResult<BackendMatrix<Self, T>> {
        let (va, vb) = (&Self::views_a(&[evals])?[0], &Self::views_b(&[evals])?[0]);
        let (ma, mb) = compare::agree(
            "coset_lde",
            self.a.coset_lde(&ctx.0, va, input, blowup, shift, output),
            self.b.coset_lde(&ctx.1, vb, input, blowup, shift, output),
        )?;
        self.join(ctx, "coset_lde", ma, mb)
    }

    fn upload_lde<T: DeviceElem>(
        &self,
        ctx: &Self::DeviceCtx,
        evals: &HostMatrix<T>,
        input: Order,
        blowup: usize,
        shift: Fp,
        output: Order,
    ) -> DeviceResult<(DualMatrix<A, B, T>, DualMatrix<A, B, T>)> {
        let ((ta, la), (tb, lb)) = compare::agree(
            "upload_lde",
            self.a
                .upload_lde(&ctx.0, evals, input, blowup, shift, output),
            self.b
                .upload_lde(&ctx.1, evals, input, blowup, shift, output),
        )?;
        let trace = self.join(ctx, "upload_lde (upload)", ta, tb)?;
        let lde = self.join(ctx, "upload_lde", la, lb)?;
        Ok((trace, lde))
    }

    fn upload_lde_commit<T: DeviceElem>(
        &self,
        ctx: &Self::DeviceCtx,
        evals: &HostMatrix<T>,
        input: Order,
        blowup: usize,
        shift: Fp,
        output: Order,
        _shape: MerkleShape,
    ) -> DeviceResult<(DualMatrix<A, B, T>, DualMatrix<A, B, T>, Self::MerkleTree)> {
        let ((ta, la, ra), (tb, lb, rb)) = compare::agree(
            "upload_lde_commit",
            self.a
                .upload_lde_commit(&ctx.0, evals, input, blowup, shift, output),
            self.b
                .upload_lde_commit(&ctx.1, evals, input, blowup, shift, output),
        )?;
        let trace = self.join(ctx, "upload_lde_commit (upload)", ta, tb)?;
        let lde = self.join(ctx, "upload_lde_commit", la, lb)?;
        compare::value("upload_lde_commit", 0, ra.shape(), rb.shape())?;
        compare::roots("upload_lde_commit", &ra.root(), &rb.root())?;
        Ok((trace, lde, DualTree { a: ra, b: rb }))
    }

    fn coeffs_to_coset<T: DeviceElem>(
        &self,
        ctx: &Self::DeviceCtx,
        coeffs: &BackendMatrix<Self, T>,
        input: Order,
        blowup: usize,
        shift: Fp,
        output: Order,
    ) -> DeviceResult<BackendMatrix<Self, T>> {
        let (va, vb) = (&Self::views_a(&[coeffs])?[0], &Self::views_b(&[coeffs])?[0]);
        let (ma, mb) = compare::agree(
            "coeffs_to_coset",
            self.a
                .coeffs_to_coset(&ctx.0, va, input, blowup, shift, output),
            self.b
                .coeffs_to_coset(&ctx.1, vb, input, blowup, shift, output),
        )?;
        self.join(ctx, "coeffs_to_coset", ma, mb)
    }

    fn merkle_commit<T: DeviceElem>(
        &self,
        ctx: &Self::DeviceCtx,
        matrices: &[&BackendMatrix<Self, T>],
        shape: MerkleShape,
    ) -> DeviceResult<Self::MerkleTree> {
        let (va, vb) = (Self::views_a(matrices)?, Self::views_b(matrices)?);
        let ra: Vec<_> = va.iter().map(|v| &**v).collect();
        let rb: Vec<_> = vb.iter().map(|v| &**v).collect();
        let rpl = shape.rows_per_leaf;
        let (ta, tb) = if shape.table_heights.is_some() {
            compare::agree(
                "merkle_commit_tables",
                self.a.merkle_commit_tables(&ctx.0, &ra),
                self.b.merkle_commit_tables(&ctx.1, &rb),
            )?
        } else {
            compare::agree(
                "merkle_commit",
                self.a.merkle_commit(&ctx.0, &ra, rpl),
                self.b.merkle_commit(&ctx.1, &rb, rpl),
            )?
        };
        compare::value("merkle_commit", 0, ta.shape(), tb.shape())?;
        compare::roots("merkle_commit", &ta.root(), &tb.root())?;
        Ok(DualTree { a: ta, b: tb })
    }

    fn merkle_open<T: DeviceElem>(
        &self,
        ctx: &Self::DeviceCtx,
        tree: &Self::MerkleTree,
        matrices: &[&BackendMatrix<Self, T>],
        leaf_indices: &[usize],
    ) -> DeviceResult<Vec<MerkleOpening<T>>> {
        let (va, vb) = (Self::views_a(matrices)?, Self::views_b(matrices)?);
        let ra: Vec<_> = va.iter().map(|v| &**v).collect();
        let rb: Vec<_> = vb.iter().map(|v| &**v).collect();
        let (oa, ob) = compare::agree(
            "merkle_open",
            self.a.merkle_open(&ctx.0, &tree.a, &ra, leaf_indices),
            self.b.merkle_open(&ctx.1, &tree.b, &rb, leaf_indices),
        )?;
        compare::openings("merkle_open", &oa, &ob)?;
        Ok(oa)
    }

    fn batch_inverse<T: DeviceElem>(
        &self,
        ctx: &Self::DeviceCtx,
        values: &mut Self::Buffer<T>,
    ) -> DeviceResult<()> {
        let len = backend_api::Buffer::len(values);
        let ra = self
            .a
            .batch_inverse(&ctx.0, values.a.get_mut(1, len)?.buffer_mut());
        let rb = self
            .b
            .batch_inverse(&ctx.1, values.b.get_mut(1, len)?.buffer_mut());
        compare::agree("batch_inverse", ra, rb)?;
        let (ma, mb) = (values.a.view(1, len)?, values.b.view(1, len)?);
        self.compare_buffers::<T>(ctx, "batch_inverse", ma.buffer(), mb.buffer())
    }

    fn fri_fold(
        &self,
        ctx: &Self::DeviceCtx,
        codeword: &BackendMatrix<Self, Fp3>,
        shift: Fp,
        beta: Fp3,
    ) -> DeviceResult<BackendMatrix<Self, Fp3>> {
        let (va, vb) = (
            &Self::views_a(&[codeword])?[0],
            &Self::views_b(&[codeword])?[0],
        );
        let (ma, mb) = compare::agree(
            "fri_fold",
            self.a.fri_fold(&ctx.0, va, shift, beta),
            self.b.fri_fold(&ctx.1, vb, shift, beta),
        )?;
        self.join(ctx, "fri_fold", ma, mb)
    }

    fn add_scaled(
        &self,
        ctx: &Self::DeviceCtx,
        acc: &mut BackendMatrix<Self, Fp3>,
        x: &BackendMatrix<Self, Fp3>,
        scale: Fp3,
    ) -> DeviceResult<()> {
        let (w, h) = (acc.width(), acc.height());
        let (xa, xb) = (&Self::views_a(&[x])?[0], &Self::views_b(&[x])?[0]);
        let buf = acc.buffer_mut();
        let ra = self.a.add_scaled(&ctx.0, buf.a.get_mut(w, h)?, xa, scale);
        let rb = self.b.add_scaled(&ctx.1, buf.b.get_mut(w, h)?, xb, scale);
        compare::agree("add_scaled", ra, rb)?;
        let (ma, mb) = (buf.a.view(w, h)?, buf.b.view(w, h)?);
        self.compare_matrices(ctx, "add_scaled", &ma, &mb)
    }

    fn fri_commit_layer(
        &self,
        ctx: &Self::DeviceCtx,
        codeword: &BackendMatrix<Self, Fp3>,
        shape: MerkleShape,
    ) -> DeviceResult<Self::MerkleTree> {
        let (va, vb) = (
            &Self::views_a(&[codeword])?[0],
            &Self::views_b(&[codeword])?[0],
        );
        let log_arity = shape.rows_per_leaf.trailing_zeros();
        let (ta, tb) = compare::agree(
            "fri_commit_layer",
            self.a.fri_commit_layer(&ctx.0, va, log_arity),
            self.b.fri_commit_layer(&ctx.1, vb, log_arity),
        )?;
        compare::value("fri_commit_layer", 0, ta.shape(), tb.shape())?;
        compare::roots("fri_commit_layer", &ta.root(), &tb.root())?;
        Ok(DualTree { a: ta, b: tb })
    }

    fn logup_fingerprints(
        &self,
        ctx: &Self::DeviceCtx,
        trace: TraceColumns<'_, Self::Buffer<Fp>>,
        interactions: &[Interaction],
        challenges: &LogUpChallenges,
    ) -> DeviceResult<BackendMatrix<Self, Fp3>> {
        let views = Self::trace_views(trace)?;
        let (ma, mb) = compare::agree(
            "logup_fingerprints",
            self.a
                .logup_fingerprints(&ctx.0, views.a(), interactions, challenges),
            self.b
                .logup_fingerprints(&ctx.1, views.b(), interactions, challenges),
        )?;
        self.join(ctx, "logup_fingerprints", ma, mb)
    }

    fn logup_aux_trace(
        &self,
        ctx: &Self::DeviceCtx,
        trace: TraceColumns<'_, Self::Buffer<Fp>>,
        interactions: &[Interaction],
        challenges: &LogUpChallenges,
    ) -> DeviceResult<LogUpTrace<Self::Buffer<Fp3>>> {
        let views = Self::trace_views(trace)?;
        let (ta, tb) = compare::agree(
            "logup_aux_trace",
            self.a
                .logup_aux_trace(&ctx.0, views.a(), interactions, challenges),
            self.b
                .logup_aux_trace(&ctx.1, views.b(), interactions, challenges),
        )?;
        let aux = self.join(ctx, "logup_aux_trace", ta.aux, tb.aux)?;
        compare::elems("logup_aux_trace.total", &[ta.total], &[tb.total])?;
        Ok(LogUpTrace {
            aux,
            total: ta.total,
        })
    }

    fn grind(&self, ctx: &Self::DeviceCtx, seed: &Digest, bits: u32) -> DeviceResult<u64> {
        let (a, b) = compare::agree(
            "grind",
            self.a.grind(&ctx.0, seed, bits),
            self.b.grind(&ctx.1, seed, bits),
        )?;
        compare::value("grind", 0, &a, &b)?;
        Ok(a)
    }

    fn ood_evaluate<T: DeviceElem>(
        &self,
        ctx: &Self::DeviceCtx,
        evals: &BackendMatrix<Self, T>,
        points: &[Fp3],
    ) -> DeviceResult<Vec<Vec<Fp3>>> {
        let (va, vb) = (&Self::views_a(&[evals])?[0], &Self::views_b(&[evals])?[0]);
        let (a, b) = compare::agree(
            "ood_evaluate",
            self.a.ood_evaluate(&ctx.0, va, points),
            self.b.ood_evaluate(&ctx.1, vb, points),
        )?;
        // Flattened point-major: index = point * width + column.
        compare::value("ood_evaluate", 0, &a.len(), &b.len())?;
        let fa: Vec<Fp3> = a.iter().flatten().copied().collect();
        let fb: Vec<Fp3> = b.iter().flatten().copied().collect();
        compare::elems("ood_evaluate", &fa, &fb)?;
        Ok(a)
    }

    fn deep_composition(
        &self,
        ctx: &Self::DeviceCtx,
        domain: Coset,
        points: &[Fp3],
        gamma: Fp3,
        base: &[DeepOpening<'_, Self::Buffer<Fp>>],
        ext: &[DeepOpening<'_, Self::Buffer<Fp3>>],
    ) -> DeviceResult<BackendMatrix<Self, Fp3>> {
        let base_m: Vec<_> = base.iter().map(|o| o.matrix).collect();
        let ext_m: Vec<_> = ext.iter().map(|o| o.matrix).collect();
        let (base_va, base_vb) = (Self::views_a(&base_m)?, Self::views_b(&base_m)?);
        let (ext_va, ext_vb) = (Self::views_a(&ext_m)?, Self::views_b(&ext_m)?);
        fn side<'v, B>(
            openings: &[DeepOpening<'_, impl backend_api::Buffer>],
            views: &'v [View<'_, B>],
        ) -> Vec<DeepOpening<'v, B>> {
            openings
                .iter()
                .zip(views)
                .map(|(o, v)| DeepOpening {
                    matrix: &**v,
                    evaluations: o.evaluations.clone(),
                })
                .collect()
        }
        let (ba, bb) = (side(base, &base_va), side(base, &base_vb));
        let (ea, eb) = (side(ext, &ext_va), side(ext, &ext_vb));
        let (ma, mb) = compare::agree(
            "deep_composition",
            self.a
                .deep_composition(&ctx.0, domain, points, gamma, &ba, &ea),
            self.b
                .deep_composition(&ctx.1, domain, points, gamma, &bb, &eb),
        )?;
        self.join(ctx, "deep_composition", ma, mb)
    }

    fn evaluate_constraints(
        &self,
        ctx: &Self::DeviceCtx,
        system: &ConstraintSystem,
        trace: TraceColumns<'_, Self::Buffer<Fp>>,
        aux_lde: Option<&BackendMatrix<Self, Fp3>>,
        domain: &CompositionDomain,
        params: &ConstraintParams<'_>,
    ) -> DeviceResult<BackendMatrix<Self, Fp3>> {
        let views = Self::trace_views(trace)?;
        let aux_a = aux_lde.map(|a| Self::views_a(&[a])).transpose()?;
        let aux_b = aux_lde.map(|a| Self::views_b(&[a])).transpose()?;
        let (xa, xb) = (
            aux_a.as_ref().map(|v| &*v[0]),
            aux_b.as_ref().map(|v| &*v[0]),
        );
        let (ra, rb) = compare::agree(
            "evaluate_constraints",
            self.a
                .evaluate_constraints(&ctx.0, system, views.a(), xa, domain, params),
            self.b
                .evaluate_constraints(&ctx.1, system, views.b(), xb, domain, params),
        )?;
        self.join(ctx, "evaluate_constraints", ra, rb)
    }
}

/// The name a [`Dual`] mismatch reports, if `err` is one.
pub fn mismatch_primitive(err: &DeviceError) -> Option<(&'static str, usize)> {
    match err {
        DeviceError::Mismatch {
            primitive, index, ..
        } => Some((*primitive, *index)),
        _ => None,
    }
}
