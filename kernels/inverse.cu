// Batch inverse with 0 -> 0, by a multi-block scan in three launches.
//
// The scan runs in the base field for both element kinds: an Fp3 element x
// is inverted as adj(x) / N(x) (ext3.cuh), whose norm N(x) = x adj(x) lies
// in Fp and is 0 only for x = 0; a base element is its own "norm" with
// adjugate 1. So with n_i the norms (zeros replaced by 1 in every product),
// 1/x_i = adj(x_i) / n_i, and 0 stays 0.
//
// Block b owns the chunk v[b * CHUNK .. (b + 1) * CHUNK) (CHUNK = THREADS *
// PER_THREAD); thread t the PER_THREAD consecutive elements at
// b * CHUNK + t * PER_THREAD.
//   1. batch_inverse_totals_*: each block's product P_b of norms (tree
//      reduction);
//   2. batch_inverse_invert: P_b <- 1/P_b, one thread per block, so the
//      inversions run in parallel instead of serializing each block;
//   3. batch_inverse_apply_*: each thread its local exclusive prefix
//      products lp_e and total T_t; a product tree over the T_t in shared
//      memory, whose root inverse 1/P_b comes from step 2, gives every 1/T_t
//      by a down-sweep; then, walking back, 1/n_e = (1/(n_0 .. n_e)) * lp_e
//      and 1/x_e = adj(x_e) / n_e.
// Exact field arithmetic: the result does not depend on the launch shape.
#include "field_ops.cuh"

constexpr int THREADS = 256;
constexpr int PER_THREAD = 4;

using gl::Fp3;

// An element as its norm and what turns the norm's inverse into its own.
template <typename F>
struct Split;

template <>
struct Split<uint64_t> {
    uint64_t norm;
    static __device__ __forceinline__ Split of(uint64_t x) { return Split{x}; }
    __device__ __forceinline__ uint64_t inverse(uint64_t norm_inv) const { return norm_inv; }
};

template <>
struct Split<Fp3> {
    Fp3 adj;
    uint64_t norm;
    static __device__ __forceinline__ Split of(Fp3 x) {
        const Fp3 adj = gl::adjugate(x);
        return Split{adj, gl::norm(x, adj)};
    }
    __device__ __forceinline__ Fp3 inverse(uint64_t norm_inv) const { return gl::mul(adj, norm_inv); }
};

__device__ __forceinline__ uint64_t nonzero(uint64_t a) { return a == 0 ? 1 : a; }

template <typename F>
__device__ void chunk_total(const F* v, uint64_t n, uint64_t* totals) {
    __shared__ uint64_t sh[THREADS];
    const int t = threadIdx.x;
    const uint64_t base = (uint64_t)blockIdx.x * THREADS * PER_THREAD + (uint64_t)t * PER_THREAD;
    uint64_t acc = 1;
#pragma unroll
    for (int e = 0; e < PER_THREAD; ++e)
        if (base + e < n) acc = gl::mul(acc, nonzero(Split<F>::of(v[base + e]).norm));
    sh[t] = acc;
    __syncthreads();
    for (int s = THREADS / 2; s > 0; s >>= 1) {
        if (t < s) sh[t] = gl::mul(sh[t], sh[t + s]);
        __syncthreads();
    }
    if (t == 0) totals[blockIdx.x] = sh[0];
}

template <typename F>
__device__ void apply_chunk(F* v, uint64_t n, const uint64_t* inv_totals) {
    using Ops = gl::FieldOps<F>;
    // Product tree over the thread totals: node i has children 2i, 2i + 1;
    // leaves THREADS + t. Up-sweep products, then down-sweep inverses in
    // place: 1/left = 1/parent * right, 1/right = 1/parent * left.
    __shared__ uint64_t tree[2 * THREADS];
    const int t = threadIdx.x;
    const uint64_t base = (uint64_t)blockIdx.x * THREADS * PER_THREAD + (uint64_t)t * PER_THREAD;

    Split<F> x[PER_THREAD];
    uint64_t lp[PER_THREAD];
    uint64_t acc = 1;
#pragma unroll
    for (int e = 0; e < PER_THREAD; ++e) {
        const uint64_t i = base + e;
        lp[e] = acc;
        x[e] = Split<F>::of(i < n ? v[i] : Ops::one());
        acc = gl::mul(acc, nonzero(x[e].norm));
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
            const uint64_t inv_parent = tree[i], left = tree[2 * i], right = tree[2 * i + 1];
            tree[2 * i] = gl::mul(inv_parent, right);
            tree[2 * i + 1] = gl::mul(inv_parent, left);
        }
        __syncthreads();
    }
    uint64_t r = tree[THREADS + t];  // 1 / T_t
#pragma unroll
    for (int e = PER_THREAD - 1; e >= 0; --e) {
        const uint64_t i = base + e;
        const uint64_t norm = x[e].norm;
        const F out = norm == 0 ? Ops::zero() : x[e].inverse(gl::mul(r, lp[e]));
        r = gl::mul(r, nonzero(norm));
        if (i < n) v[i] = out;
    }
}

extern "C" __global__ void __launch_bounds__(THREADS) batch_inverse_totals_base(const uint64_t* v, uint64_t n,
                                                                                uint64_t* totals) {
    chunk_total<uint64_t>(v, n, totals);
}
extern "C" __global__ void __launch_bounds__(THREADS) batch_inverse_totals_ext(const Fp3* v, uint64_t n,
                                                                               uint64_t* totals) {
    chunk_total<Fp3>(v, n, totals);
}
extern "C" __global__ void batch_inverse_invert(uint64_t* totals, uint64_t blocks) {
    uint64_t b = (uint64_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (b < blocks) totals[b] = gl::inv(totals[b]);
}
extern "C" __global__ void __launch_bounds__(THREADS) batch_inverse_apply_base(uint64_t* v, uint64_t n,
                                                                               const uint64_t* inv_totals) {
    apply_chunk<uint64_t>(v, n, inv_totals);
}
extern "C" __global__ void __launch_bounds__(THREADS) batch_inverse_apply_ext(Fp3* v, uint64_t n,
                                                                              const uint64_t* inv_totals) {
    apply_chunk<Fp3>(v, n, inv_totals);
}
