// Batch inverse with 0 -> 0, by a multi-block scan in three launches.
//
// Block b owns the chunk v[b * CHUNK .. (b + 1) * CHUNK) (CHUNK = THREADS *
// PER_THREAD); thread t the PER_THREAD consecutive elements at
// b * CHUNK + t * PER_THREAD. Zeros count as ones in every product and come
// out as 0. With x_i the elements (zeros replaced by 1):
//   1. batch_inverse_totals: each block's product P_b (tree reduction);
//   2. batch_inverse_totals_invert: P_b <- 1/P_b, one thread per block, so
//      the inversions run in parallel instead of serializing each block;
//   3. batch_inverse_apply: each thread its local exclusive prefix products
//      lp_e and total T_t; a product tree over the T_t in shared memory,
//      whose root inverse 1/P_b comes from step 2, gives every 1/T_t by a
//      down-sweep; then, walking back, 1/x_e = (1/(x_0 .. x_e)) * lp_e.
// Exact field arithmetic: the result does not depend on the launch shape.
#include "field_ops.cuh"

constexpr int THREADS = 256;
constexpr int PER_THREAD = 4;

template <typename F>
__device__ __forceinline__ F nonzero(F a) {
    return gl::FieldOps<F>::is_zero(a) ? gl::FieldOps<F>::one() : a;
}

template <typename F>
__device__ void chunk_total(const F* v, uint64_t n, F* totals) {
    __shared__ F sh[THREADS];
    const int t = threadIdx.x;
    const uint64_t base = (uint64_t)blockIdx.x * THREADS * PER_THREAD + (uint64_t)t * PER_THREAD;
    F acc = gl::FieldOps<F>::one();
#pragma unroll
    for (int e = 0; e < PER_THREAD; ++e)
        if (base + e < n) acc = gl::mul(acc, nonzero(v[base + e]));
    sh[t] = acc;
    __syncthreads();
    for (int s = THREADS / 2; s > 0; s >>= 1) {
        if (t < s) sh[t] = gl::mul(sh[t], sh[t + s]);
        __syncthreads();
    }
    if (t == 0) totals[blockIdx.x] = sh[0];
}

template <typename F>
__device__ void invert_totals(F* totals, uint64_t blocks) {
    uint64_t b = (uint64_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (b < blocks) totals[b] = gl::inv(totals[b]);
}

template <typename F>
__device__ void apply_chunk(F* v, uint64_t n, const F* inv_totals) {
    using Ops = gl::FieldOps<F>;
    // Product tree over the thread totals: node i has children 2i, 2i + 1;
    // leaves THREADS + t. Up-sweep products, then down-sweep inverses in
    // place: 1/left = 1/parent * right, 1/right = 1/parent * left.
    __shared__ F tree[2 * THREADS];
    const int t = threadIdx.x;
    const uint64_t base = (uint64_t)blockIdx.x * THREADS * PER_THREAD + (uint64_t)t * PER_THREAD;

    // The elements are read again on the way back (cached) rather than
    // kept: registers bound the occupancy here.
    F lp[PER_THREAD];
    F acc = Ops::one();
#pragma unroll
    for (int e = 0; e < PER_THREAD; ++e) {
        uint64_t i = base + e;
        lp[e] = acc;
        if (i < n) acc = gl::mul(acc, nonzero(v[i]));
    }
    tree[THREADS + t] = acc;
    __syncthreads();
    for (int s = THREADS / 2; s >= 1; s >>= 1) {
        if (t < s) tree[s + t] = gl::mul(tree[2 * (s + t)], tree[2 * (s + t) + 1]);
        __syncthreads();
    }
    if (t == 0) tree[1] = inv_totals[blockIdx.x];
    __syncthreads();
    for (int s = 1; s < THREADS; s <<= 1) {
        if (t < s) {
            const int i = s + t;
            F inv_parent = tree[i], left = tree[2 * i], right = tree[2 * i + 1];
            tree[2 * i] = gl::mul(inv_parent, right);
            tree[2 * i + 1] = gl::mul(inv_parent, left);
        }
        __syncthreads();
    }
    F r = tree[THREADS + t];  // 1 / T_t
#pragma unroll
    for (int e = PER_THREAD - 1; e >= 0; --e) {
        uint64_t i = base + e;
        if (i >= n) continue;  // past the end: a one, nothing to write
        const F a = v[i];
        const bool z = Ops::is_zero(a);
        F out = z ? Ops::zero() : gl::mul(r, lp[e]);
        r = gl::mul(r, nonzero(a));
        v[i] = out;
    }
}

extern "C" __global__ void __launch_bounds__(THREADS) batch_inverse_totals_base(const uint64_t* v, uint64_t n,
                                                                                uint64_t* totals) {
    chunk_total<uint64_t>(v, n, totals);
}
extern "C" __global__ void __launch_bounds__(THREADS) batch_inverse_totals_ext(const gl::Fp3* v, uint64_t n,
                                                                               gl::Fp3* totals) {
    chunk_total<gl::Fp3>(v, n, totals);
}
extern "C" __global__ void batch_inverse_invert_base(uint64_t* totals, uint64_t blocks) {
    invert_totals<uint64_t>(totals, blocks);
}
extern "C" __global__ void batch_inverse_invert_ext(gl::Fp3* totals, uint64_t blocks) {
    invert_totals<gl::Fp3>(totals, blocks);
}
extern "C" __global__ void __launch_bounds__(THREADS) batch_inverse_apply_base(uint64_t* v, uint64_t n,
                                                                               const uint64_t* inv_totals) {
    apply_chunk<uint64_t>(v, n, inv_totals);
}
extern "C" __global__ void __launch_bounds__(THREADS, 3) batch_inverse_apply_ext(gl::Fp3* v, uint64_t n,
                                                                              const gl::Fp3* inv_totals) {
    apply_chunk<gl::Fp3>(v, n, inv_totals);
}
