//! Entry points of the AVX-512 field arithmetic ([`FieldX8`]) on slices of
//! `Fp`, for code outside the NTT: the constraint program, the DEEP
//! combination and the OOD sums. Each is compiled with AVX-512F enabled, so the eight-lane
//! helpers inline into it; callers hold a [`FieldX8`], which exists only
//! where the CPU has AVX-512F.

use crate::elem::{fp_as_u64, fp_as_u64_mut};
use crate::ntt::x8::{FieldX8, LaneOp};
use backend_api::Fp;

/// `dst[i] = x[i] op y[i]` ([`FieldX8::lanes`]).
#[target_feature(enable = "avx512f")]
pub(crate) fn lanes_x8(k: FieldX8, op: LaneOp, dst: &mut [Fp], x: &[Fp], y: &[Fp]) {
    k.lanes(op, fp_as_u64_mut(dst), fp_as_u64(x), fp_as_u64(y));
}

/// `acc[i] += x[i] * s` ([`FieldX8::mul_add`]).
#[target_feature(enable = "avx512f")]
pub(crate) fn mul_add_x8(k: FieldX8, acc: &mut [Fp], x: &[Fp], s: Fp) {
    k.mul_add(fp_as_u64_mut(acc), fp_as_u64(x), s.value());
}

/// `sum_i a[i] * b[i]` for canonical words `a` ([`FieldX8::dot`]).
#[target_feature(enable = "avx512f")]
pub(crate) fn dot_x8(k: FieldX8, a: &[u64], b: &[Fp]) -> Fp {
    Fp::new(k.dot(a, fp_as_u64(b)))
}
