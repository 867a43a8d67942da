//! Kernel arguments: the host side of every struct the kernels take by
//! value or read from device tables (`kernels/kernel_args.cuh`,
//! `constraints_program.cuh`, `power_table.cuh`, `ext3.cuh`), and the
//! conversions into them. Each mirror's size and alignment is asserted at
//! compile time against `kernels/abi_layouts.cuh`, the table the kernels'
//! compiler asserts the C structs against (`kernels/abi_check.cu`).

use crate::device::{ABI_EVAL_ARGS, ABI_FP3, ABI_NTT_PASS, ABI_POWER_TABLE, ABI_SEED};
use crate::CudaMatrix;
use backend_api::{DeviceElem, Digest, Fp, Fp3};
use cust::sys::CUdeviceptr;
use std::collections::TryReserveError;
use std::mem::{align_of, size_of};

/// `(size, alignment)` of `T`.
const fn layout<T>() -> (usize, usize) {
    (size_of::<T>(), align_of::<T>())
}

/// The kernels' `gl::Fp3`: `c0, c1, c2`.
pub(crate) type Fp3Words = [u64; 3];
/// The kernels' `PowerTable`: `p[b] = g^(2^b)`.
pub(crate) type PowerTable = [u64; 32];
/// The kernels' `Seed`: a digest's 32 bytes as little-endian lanes.
pub(crate) type SeedLanes = [u64; 4];

/// `NttPass` of `kernels/ntt.cu`, field for field.
#[repr(C)]
#[derive(Copy, Clone, Debug, Default)]
pub(crate) struct NttPassParams {
    pub(crate) dst: u64,
    pub(crate) src: u64,
    pub(crate) chunk_tw: u64,
    pub(crate) tw_lo: u64,
    pub(crate) tw_hi: u64,
    pub(crate) scale_lo: u64,
    pub(crate) scale_hi: u64,
    pub(crate) columns: u64,
    pub(crate) log_n: u32,
    pub(crate) log_m: u32,
    pub(crate) log_g: u32,
    pub(crate) log_c: u32,
    pub(crate) log_tw: u32,
    pub(crate) inverse: u32,
    pub(crate) src_mode: u32,
    pub(crate) src_log_n: u32,
    pub(crate) scale_load: u32,
    pub(crate) scale_store: u32,
    pub(crate) log_b: u32,
    pub(crate) scale_stride: u64,
}

/// Mirrors `EvalArgs` of kernels/constraints_program.cuh.
#[repr(C)]
#[derive(Copy, Clone, Debug)]
pub(crate) struct EvalArgs {
    pub(crate) program: CUdeviceptr,
    pub(crate) pool: CUdeviceptr,
    pub(crate) powers: CUdeviceptr,
    pub(crate) main: CUdeviceptr,
    pub(crate) pre: CUdeviceptr,
    pub(crate) aux: CUdeviceptr,
    pub(crate) periodic: CUdeviceptr,
    pub(crate) first: CUdeviceptr,
    pub(crate) last: CUdeviceptr,
    pub(crate) last_factor: CUdeviceptr,
    pub(crate) every: CUdeviceptr,
    pub(crate) out: CUdeviceptr,
    pub(crate) scratch: CUdeviceptr,
    pub(crate) lde_height: u64,
    pub(crate) m: u64,
    pub(crate) step: u64,
    pub(crate) q_mask: u64,
    pub(crate) start: u64,
    pub(crate) count: u64,
    pub(crate) program_len: u32,
    pub(crate) log_eval: u32,
}

const _: () = {
    assert!(eq(layout::<NttPassParams>(), ABI_NTT_PASS));
    assert!(eq(layout::<EvalArgs>(), ABI_EVAL_ARGS));
    assert!(eq(layout::<PowerTable>(), ABI_POWER_TABLE));
    assert!(eq(layout::<Fp3Words>(), ABI_FP3));
    assert!(eq(layout::<SeedLanes>(), ABI_SEED));
};

const fn eq(a: (usize, usize), b: (usize, usize)) -> bool {
    a.0 == b.0 && a.1 == b.1
}

/// `x` as the kernels' `gl::Fp3`.
pub(crate) fn fp3_words(x: Fp3) -> Fp3Words {
    x.coeffs().map(Fp::value)
}

/// `[g^(2^b) for b in 0..32]`, the kernels' `PowerTable`.
pub(crate) fn power_table(g: Fp) -> PowerTable {
    let mut t = [0u64; 32];
    let mut p = g;
    for x in t.iter_mut() {
        *x = p.value();
        p = p.square();
    }
    t
}

/// A digest as the kernels' `Seed`.
pub(crate) fn seed_lanes(seed: &Digest) -> SeedLanes {
    std::array::from_fn(|i| u64::from_le_bytes(seed[8 * i..8 * i + 8].try_into().expect("8 bytes")))
}

/// The leaf word table of `kernels/merkle.cu`: the device address of every
/// u64 word of the leaf whose rows start at row 0 of `matrices` (column-major,
/// `height` rows each), in hashing order: row by row, matrix by matrix,
/// column by column, limb by limb (`backend_api::hash_leaf`). Word `w` of
/// leaf `j` is `rows_per_leaf * LIMBS * j` words after entry `w`.
pub(crate) fn leaf_word_table<T: DeviceElem>(
    matrices: &[&CudaMatrix<T>],
    height: usize,
    rows_per_leaf: usize,
) -> Result<Vec<u64>, TryReserveError> {
    let row_words: usize = matrices.iter().map(|m| m.width() * T::LIMBS).sum();
    let mut table = Vec::new();
    table.try_reserve_exact(row_words.saturating_mul(rows_per_leaf))?;
    for row in 0..rows_per_leaf {
        for m in matrices {
            let column =
                |c: usize| m.buffer().as_raw() + ((c * height + row) * T::LIMBS * 8) as u64;
            for c in 0..m.width() {
                table.extend((0..T::LIMBS as u64).map(|l| column(c) + 8 * l));
            }
        }
    }
    Ok(table)
}
