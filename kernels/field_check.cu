// The device's field arithmetic against the host's, for the tests
// (backend-cuda/tests/field.rs): each kernel writes what gl:: computes on
// the device for the inputs it is given.
#include "ext3.cuh"

using gl::Fp3;

// out[3i], out[3i+1], out[3i+2] = a[i] + b[i], a[i] - b[i], a[i] * b[i].
extern "C" __global__ void field_check_base(uint64_t* out, const uint64_t* a, const uint64_t* b, uint64_t n) {
    for (uint64_t i = (uint64_t)blockIdx.x * blockDim.x + threadIdx.x; i < n;
         i += (uint64_t)gridDim.x * blockDim.x) {
        out[3 * i] = gl::add(a[i], b[i]);
        out[3 * i + 1] = gl::sub(a[i], b[i]);
        out[3 * i + 2] = gl::mul(a[i], b[i]);
    }
}

// out[i] = a[i] * b[i] in Fp3.
extern "C" __global__ void field_check_ext(Fp3* out, const Fp3* a, const Fp3* b, uint64_t n) {
    for (uint64_t i = (uint64_t)blockIdx.x * blockDim.x + threadIdx.x; i < n;
         i += (uint64_t)gridDim.x * blockDim.x) {
        out[i] = gl::mul(a[i], b[i]);
    }
}

// Sums of `terms` products through gl::Fp3Acc, for i < n:
// out[2i] = sum_j a[j] * b[j], out[2i+1] = sum_j a[j] * b[j].c0 (a base
// factor), over j = i * terms .. (i + 1) * terms.
extern "C" __global__ void field_check_sums(Fp3* out, const Fp3* a, const Fp3* b, uint64_t terms, uint64_t n) {
    for (uint64_t i = (uint64_t)blockIdx.x * blockDim.x + threadIdx.x; i < n;
         i += (uint64_t)gridDim.x * blockDim.x) {
        gl::Fp3Acc ext = gl::fp3_acc_zero(), base = gl::fp3_acc_zero();
        for (uint64_t j = i * terms; j < (i + 1) * terms; ++j) {
            gl::mul_add(ext, a[j], b[j]);
            gl::mul_add(base, a[j], b[j].c0);
        }
        out[2 * i] = gl::reduce(ext);
        out[2 * i + 1] = gl::reduce(base);
    }
}

// out[3i], out[3i+1], out[3i+2] = a[i] 2^24, a[i] 2^48, a[i] 2^72 by the
// shift forms the NTT's radix-8 chunks use (glf::mul_2_24 and friends).
extern "C" __global__ void field_check_pow2(uint64_t* out, const uint64_t* a, uint64_t n) {
    for (uint64_t i = (uint64_t)blockIdx.x * blockDim.x + threadIdx.x; i < n;
         i += (uint64_t)gridDim.x * blockDim.x) {
        out[3 * i] = glf::mul_2_24(a[i]);
        out[3 * i + 1] = glf::mul_2_48(a[i]);
        out[3 * i + 2] = glf::mul_2_72(a[i]);
    }
}
