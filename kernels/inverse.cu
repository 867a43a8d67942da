// Batch inverse with 0 -> 0, one field inversion per block.
//
// Block b owns the chunk v[b * CHUNK .. (b + 1) * CHUNK) (CHUNK = THREADS *
// PER_THREAD); thread t the PER_THREAD consecutive elements at
// b * CHUNK + t * PER_THREAD. Zeros count as ones in every product and come
// out as 0. With x_i the elements (zeros replaced by 1):
//   1. each thread: local exclusive prefix products lp_e and total T_t;
//   2. the block: inclusive prefix (X) and suffix (S) scans of the T_t, the
//      block total P = X_{THREADS-1}, and one inversion 1/P;
//   3. each thread: 1/T_t = (1/P) * X_{t-1} * S_{t+1}, then walking back,
//      1/x_e = (1/(x_0 .. x_e)) * lp_e.
// Chunks are independent, so there is no inter-block step. Exact field
// arithmetic: the result does not depend on the launch shape.
#include "field_ops.cuh"

constexpr int THREADS = 256;
constexpr int PER_THREAD = 8;

template <typename F>
__device__ void batch_inverse_chunk(F* v, uint64_t n) {
    using Ops = gl::FieldOps<F>;
    __shared__ F pre[THREADS];
    __shared__ F suf[THREADS];
    __shared__ F inv_total;
    const int t = threadIdx.x;
    const uint64_t base = (uint64_t)blockIdx.x * THREADS * PER_THREAD + (uint64_t)t * PER_THREAD;

    F a[PER_THREAD], lp[PER_THREAD];
    F acc = Ops::one();
#pragma unroll
    for (int e = 0; e < PER_THREAD; ++e) {
        uint64_t i = base + e;
        a[e] = i < n ? v[i] : Ops::one();
        lp[e] = acc;
        if (!Ops::is_zero(a[e])) acc = gl::mul(acc, a[e]);
    }
    pre[t] = acc;
    suf[t] = acc;
    __syncthreads();
    for (int off = 1; off < THREADS; off <<= 1) {
        F p = t >= off ? gl::mul(pre[t - off], pre[t]) : pre[t];
        F s = t + off < THREADS ? gl::mul(suf[t], suf[t + off]) : suf[t];
        __syncthreads();
        pre[t] = p;
        suf[t] = s;
        __syncthreads();
    }
    if (t == 0) inv_total = gl::inv(pre[THREADS - 1]);
    __syncthreads();
    F r = inv_total;
    if (t > 0) r = gl::mul(r, pre[t - 1]);
    if (t + 1 < THREADS) r = gl::mul(r, suf[t + 1]);
#pragma unroll
    for (int e = PER_THREAD - 1; e >= 0; --e) {
        uint64_t i = base + e;
        bool z = Ops::is_zero(a[e]);
        F out = z ? Ops::zero() : gl::mul(r, lp[e]);
        if (!z) r = gl::mul(r, a[e]);
        if (i < n) v[i] = out;
    }
}

extern "C" __global__ void __launch_bounds__(THREADS) batch_inverse_base(uint64_t* v, uint64_t n) {
    batch_inverse_chunk<uint64_t>(v, n);
}

extern "C" __global__ void __launch_bounds__(THREADS) batch_inverse_ext(gl::Fp3* v, uint64_t n) {
    batch_inverse_chunk<gl::Fp3>(v, n);
}
