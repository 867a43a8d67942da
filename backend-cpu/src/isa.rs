//! Which vector instruction sets the running CPU has, detected once per
//! process. The NTT butterflies (`ntt::x8`) and the batched Keccak
//! (`keccak::x4`, `keccak::x8`) pick their kernels from here, so a feature
//! is tested in one place and the kernels a CPU may run agree.

/// AVX-512 Foundation (the NTT's 8-lane butterflies).
#[cfg(target_arch = "x86_64")]
pub(crate) fn avx512f() -> bool {
    is_x86_feature_detected!("avx512f")
}

/// AVX-512 Foundation and Byte/Word (the 8-state Keccak).
#[cfg(target_arch = "x86_64")]
pub(crate) fn avx512bw() -> bool {
    avx512f() && is_x86_feature_detected!("avx512bw")
}

/// AVX2 (the 4-state Keccak).
#[cfg(target_arch = "x86_64")]
pub(crate) fn avx2() -> bool {
    is_x86_feature_detected!("avx2")
}
