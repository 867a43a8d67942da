//! `impl Backend for CpuDevice`: the kernels of the sibling modules,
//! called with arguments `backend_api`'s `ProverDevice` layer has checked.

use crate::alloc::{try_copy, try_zeroed};
use crate::columns::{map_in_place, map_to_new};
use crate::lde::{lde_column, LdeInput, LdeParams};
use crate::merkle::{self, CpuMerkleTree};
use crate::ntt::ntt_column;
use crate::{deep, fri, grind, inverse, logup, ood, CpuDevice};
use backend_api::expr::{CompositionDomain, ConstraintParams, ConstraintSystem};
use backend_api::{
    Backend, BackendMatrix, Coset, DeepOpening, DeviceElem, DeviceError, DeviceResult, Digest, Fp,
    Fp3, Interaction, LogUpChallenges, LogUpTrace, Matrix, MerkleOpening, MerkleShape,
    NttDirection, Order, TraceColumns,
};

impl CpuDevice {
    fn extend<T: DeviceElem>(
        &self,
        m: &Matrix<Vec<T>>,
        source: LdeInput,
        input: Order,
        blowup: usize,
        shift: Fp,
        output: Order,
    ) -> DeviceResult<Matrix<Vec<T>>> {
        let (log_n, log_b) = (log2(m.height()), log2(blowup));
        let params = LdeParams {
            log_n,
            log_b,
            shift,
            source,
            input,
            output,
        };
        let out_height = m.height() << log_b;
        let out = map_to_new(m.buffer(), m.height(), out_height, |src, dst, par| {
            lde_column(src, dst, &params, par)
        });
        Ok(Matrix::new(out, m.width(), out_height).expect("width * height elements"))
    }
}

/// `log2(n)` of a power of two `n` (the checks made sure of it).
fn log2(n: usize) -> u32 {
    n.trailing_zeros()
}

fn buffers<'a, T: DeviceElem>(matrices: &[&'a Matrix<Vec<T>>]) -> Vec<&'a [T]> {
    matrices.iter().map(|m| m.buffer().as_slice()).collect()
}

fn rows<'a>(trace: TraceColumns<'a, Vec<Fp>>) -> logup::Rows<'a> {
    logup::Rows {
        main: trace.main.buffer(),
        pre: trace.preprocessed.map_or(&[], |p| p.buffer().as_slice()),
        h: trace.main.height(),
    }
}

impl Backend for CpuDevice {
    type DeviceCtx = ();
    type Buffer<T: DeviceElem> = Vec<T>;
    type MerkleTree = CpuMerkleTree;

    fn name(&self) -> String {
        format!("cpu ({} threads)", rayon::current_num_threads())
    }

    fn new_ctx(&self) -> DeviceResult<()> {
        Ok(())
    }
    fn order_after(&self, _: &(), _: &()) -> DeviceResult<()> {
        // Every call finishes its work before returning.
        Ok(())
    }

    fn alloc_zeroed<T: DeviceElem>(&self, _: &(), len: usize) -> DeviceResult<Vec<T>> {
        try_zeroed(len)
    }

    fn upload<T: DeviceElem>(&self, _: &(), data: &[T]) -> DeviceResult<Vec<T>> {
        try_copy(data)
    }

    fn download<T: DeviceElem>(&self, ctx: &(), buf: &Vec<T>) -> DeviceResult<Vec<T>> {
        self.upload(ctx, buf)
    }

    fn ntt<T: DeviceElem>(
        &self,
        _: &(),
        matrix: &mut BackendMatrix<Self, T>,
        direction: NttDirection,
        shift: Fp,
        input: Order,
        output: Order,
    ) -> DeviceResult<()> {
        let h = matrix.height();
        let log_n = log2(h);
        map_in_place(matrix.buffer_mut(), h, |col, par| {
            ntt_column(col, log_n, direction, shift, input, output, par)
        });
        Ok(())
    }

    fn coset_lde<T: DeviceElem>(
        &self,
        _: &(),
        evals: &BackendMatrix<Self, T>,
        input: Order,
        blowup: usize,
        shift: Fp,
        output: Order,
    ) -> DeviceResult<BackendMatrix<Self, T>> {
        self.extend(evals, LdeInput::Evaluations, input, blowup, shift, output)
    }

    fn coeffs_to_coset<T: DeviceElem>(
        &self,
        _: &(),
        coeffs: &BackendMatrix<Self, T>,
        input: Order,
        blowup: usize,
        shift: Fp,
        output: Order,
    ) -> DeviceResult<BackendMatrix<Self, T>> {
        self.extend(coeffs, LdeInput::Coefficients, input, blowup, shift, output)
    }

    fn merkle_commit<T: DeviceElem>(
        &self,
        _: &(),
        matrices: &[&BackendMatrix<Self, T>],
        shape: MerkleShape,
    ) -> DeviceResult<CpuMerkleTree> {
        Ok(merkle::commit(&buffers(matrices), shape))
    }

    fn merkle_open<T: DeviceElem>(
        &self,
        _: &(),
        tree: &CpuMerkleTree,
        matrices: &[&BackendMatrix<Self, T>],
        leaf_indices: &[usize],
    ) -> DeviceResult<Vec<MerkleOpening<T>>> {
        let bufs = buffers(matrices);
        Ok(leaf_indices
            .iter()
            .map(|&i| merkle::open(tree, &bufs, i))
            .collect())
    }

    fn batch_inverse<T: DeviceElem>(&self, _: &(), values: &mut Vec<T>) -> DeviceResult<()> {
        inverse::batch_inverse(values);
        Ok(())
    }

    fn fri_fold(
        &self,
        _: &(),
        codeword: &BackendMatrix<Self, Fp3>,
        shift: Fp,
        beta: Fp3,
    ) -> DeviceResult<BackendMatrix<Self, Fp3>> {
        let out = fri::fold(codeword.buffer(), log2(codeword.height()), shift, beta);
        let h = out.len();
        Ok(Matrix::new(out, 1, h).expect("one column"))
    }

    fn add_scaled(
        &self,
        _: &(),
        acc: &mut BackendMatrix<Self, Fp3>,
        x: &BackendMatrix<Self, Fp3>,
        scale: Fp3,
    ) -> DeviceResult<()> {
        use rayon::prelude::*;
        acc.buffer_mut()
            .par_iter_mut()
            .zip(x.buffer().par_iter())
            .for_each(|(a, b)| *a += scale * *b);
        Ok(())
    }

    fn logup_fingerprints(
        &self,
        _: &(),
        trace: TraceColumns<'_, Vec<Fp>>,
        interactions: &[Interaction],
        challenges: &LogUpChallenges,
    ) -> DeviceResult<BackendMatrix<Self, Fp3>> {
        let h = trace.main.height();
        let out = logup::fingerprints(rows(trace), interactions, challenges);
        Ok(Matrix::new(out, interactions.len(), h).expect("k columns"))
    }

    fn logup_aux_trace(
        &self,
        _: &(),
        trace: TraceColumns<'_, Vec<Fp>>,
        interactions: &[Interaction],
        challenges: &LogUpChallenges,
    ) -> DeviceResult<LogUpTrace<Vec<Fp3>>> {
        let h = trace.main.height();
        let (aux, total) = logup::aux_trace(rows(trace), interactions, challenges);
        let width = aux.len() / h;
        Ok(LogUpTrace {
            aux: Matrix::new(aux, width, h).expect("width * h elements"),
            total,
        })
    }

    fn grind(&self, _: &(), seed: &Digest, bits: u32) -> DeviceResult<u64> {
        grind::grind(seed, bits).ok_or_else(|| {
            DeviceError::invalid("bits", format!("no nonce below 2^64 meets {bits} bits"))
        })
    }

    fn ood_evaluate<T: DeviceElem>(
        &self,
        _: &(),
        evals: &BackendMatrix<Self, T>,
        points: &[Fp3],
    ) -> DeviceResult<Vec<Vec<Fp3>>> {
        Ok(ood::evaluate(evals.buffer(), log2(evals.height()), points))
    }

    fn deep_composition(
        &self,
        _: &(),
        domain: Coset,
        points: &[Fp3],
        gamma: Fp3,
        base: &[DeepOpening<'_, Vec<Fp>>],
        ext: &[DeepOpening<'_, Vec<Fp3>>],
    ) -> DeviceResult<BackendMatrix<Self, Fp3>> {
        let out = deep::compose(domain, points, gamma, base, ext);
        let n = out.len();
        Ok(Matrix::new(out, 1, n).expect("one column"))
    }

    fn evaluate_constraints(
        &self,
        _: &(),
        system: &ConstraintSystem,
        trace: TraceColumns<'_, Vec<Fp>>,
        aux_lde: Option<&BackendMatrix<Self, Fp3>>,
        domain: &CompositionDomain,
        params: &ConstraintParams<'_>,
    ) -> DeviceResult<BackendMatrix<Self, Fp3>> {
        crate::constraints::evaluate(system, trace, aux_lde, domain, params)
    }
}
