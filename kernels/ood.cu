// Out-of-domain evaluation by the barycentric formula
//   p(z) = (z^n - 1)/n * sum_i y_i * omega^i / (z - omega^i)
// for columns of evaluations over H_n (natural order). Per point: the
// weights w_i = omega^i / (z - omega^i) (denominators, a batch inverse, a
// scaling pass), then per column a fixed-shape reduction: block b of column c
// sums rows [b * OOD_CHUNK, (b + 1) * OOD_CHUNK) (thread t its rows t, t + 256,
// ... in order, then a shared-memory tree), and one block per column sums the
// block partials the same way. No atomics; the host applies (z^n - 1)/n.
#include "field_ops.cuh"
#include "power_table.cuh"

using gl::Fp3;

constexpr int OOD_THREADS = 256;
constexpr uint64_t OOD_CHUNK = OOD_THREADS * 16;

extern "C" __global__ void ood_denominators(Fp3 z, uint64_t n, PowerTable omega, Fp3* d) {
    uint64_t i = (uint64_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    d[i] = gl::sub(z, gl::fp3_from_base(table_pow(omega, 1, (uint32_t)i)));
}

extern "C" __global__ void ood_scale_weights(Fp3* w, uint64_t n, PowerTable omega) {
    uint64_t i = (uint64_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    w[i] = gl::mul(w[i], table_pow(omega, 1, (uint32_t)i));
}

// Tree reduction of one value per thread; thread 0 gets the sum.
__device__ Fp3 block_sum(Fp3 x, Fp3* sh) {
    const int t = threadIdx.x;
    sh[t] = x;
    __syncthreads();
    for (int s = OOD_THREADS / 2; s > 0; s >>= 1) {
        if (t < s) sh[t] = gl::add(sh[t], sh[t + s]);
        __syncthreads();
    }
    return sh[0];
}

template <typename F>
__device__ void ood_partial(const F* evals, uint64_t n, const Fp3* w, Fp3* partials) {
    __shared__ Fp3 sh[OOD_THREADS];
    const uint64_t c = blockIdx.y, b = blockIdx.x;
    const F* col = evals + c * n;
    uint64_t lo = b * OOD_CHUNK, hi = lo + OOD_CHUNK < n ? lo + OOD_CHUNK : n;
    // OOD_CHUNK / OOD_THREADS = 16 products per thread, summed unreduced;
    // unrolled so that a thread's loads are in flight together.
    gl::Fp3Acc acc = gl::fp3_acc_zero();
#pragma unroll 4
    for (uint64_t k = 0; k < OOD_CHUNK / OOD_THREADS; ++k) {
        const uint64_t i = lo + threadIdx.x + k * OOD_THREADS;
        if (i < hi) gl::mul_add(acc, w[i], col[i]);
    }
    Fp3 s = block_sum(gl::reduce(acc), sh);
    if (threadIdx.x == 0) partials[c * gridDim.x + b] = s;
}

extern "C" __global__ void __launch_bounds__(OOD_THREADS)
    ood_partial_base(const uint64_t* evals, uint64_t n, const Fp3* w, Fp3* partials) {
    ood_partial<uint64_t>(evals, n, w, partials);
}

extern "C" __global__ void __launch_bounds__(OOD_THREADS)
    ood_partial_ext(const Fp3* evals, uint64_t n, const Fp3* w, Fp3* partials) {
    ood_partial<Fp3>(evals, n, w, partials);
}

// Block c: out[c] = sum of partials[c * blocks .. (c + 1) * blocks).
extern "C" __global__ void __launch_bounds__(OOD_THREADS)
    ood_finish(const Fp3* partials, uint64_t blocks, Fp3* out) {
    __shared__ Fp3 sh[OOD_THREADS];
    const uint64_t c = blockIdx.x;
    Fp3 acc = gl::fp3_zero();
    for (uint64_t i = threadIdx.x; i < blocks; i += OOD_THREADS) acc = gl::add(acc, partials[c * blocks + i]);
    Fp3 s = block_sum(acc, sh);
    if (threadIdx.x == 0) out[c] = s;
}
