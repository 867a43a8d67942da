// Batch inverse with 0 -> 0, one launch, one pass over memory.
//
// Block b owns the chunk v[b * CHUNK .. (b + 1) * CHUNK) (CHUNK = THREADS *
// PER_THREAD); thread t of it the PER_THREAD elements b * CHUNK + e * THREADS
// + t (so that every load and store is coalesced). Montgomery's trick needs
// the elements in some fixed order, not in index order: here the order is
// thread by thread, and within a thread by e. Zeros count as ones in every
// product and come out as 0. With x the elements (zeros replaced by 1):
//   1. each thread its exclusive prefix products lp_e over its elements and
//      its total T_t;
//   2. warp shuffles give every lane the product F of the totals of the
//      lanes before it and B of those after it; the warps' totals W_w go
//      through shared memory, where warp 0 scans them the same way and
//      inverts the block's product P (never 0) once, handing each warp
//      G_w = (1/P) * (W before w) * (W after w);
//   3. 1/T_t = G_w * F * B (the product of every other total over P); then,
//      walking back over the thread's elements, 1/x_e = (1/(lp_e x_e)) lp_e.
// Exact field arithmetic: the result does not depend on the launch shape.
#include "field_ops.cuh"

namespace {

constexpr int THREADS = 256;
constexpr int WARPS = THREADS / 32;
// Elements per thread: what the thread keeps in registers (x_e and lp_e).
template <typename F>
__host__ __device__ constexpr int per_thread() {
    return gl::FieldOps<F>::LIMBS == 1 ? 8 : 4;
}

template <typename F>
__device__ __forceinline__ F nonzero(F a) {
    return gl::FieldOps<F>::is_zero(a) ? gl::FieldOps<F>::one() : a;
}

__device__ __forceinline__ uint64_t shfl_up(uint64_t a, int d) { return __shfl_up_sync(0xffffffffu, a, d); }
__device__ __forceinline__ uint64_t shfl_down(uint64_t a, int d) { return __shfl_down_sync(0xffffffffu, a, d); }
__device__ __forceinline__ gl::Fp3 shfl_up(gl::Fp3 a, int d) {
    return gl::Fp3{shfl_up(a.c0, d), shfl_up(a.c1, d), shfl_up(a.c2, d)};
}
__device__ __forceinline__ gl::Fp3 shfl_down(gl::Fp3 a, int d) {
    return gl::Fp3{shfl_down(a.c0, d), shfl_down(a.c1, d), shfl_down(a.c2, d)};
}
__device__ __forceinline__ uint64_t shfl_from(uint64_t a, int lane) { return __shfl_sync(0xffffffffu, a, lane); }
__device__ __forceinline__ gl::Fp3 shfl_from(gl::Fp3 a, int lane) {
    return gl::Fp3{shfl_from(a.c0, lane), shfl_from(a.c1, lane), shfl_from(a.c2, lane)};
}

// Over the first `lanes` lanes of the warp (a power of two; every lane of
// the warp calls it): `before` = product of x over the lanes below, `after`
// = over the lanes above (each 1 where there are none).
template <typename F>
__device__ __forceinline__ void exclusive_products(F x, int lanes, F& before, F& after) {
    using Ops = gl::FieldOps<F>;
    const int lane = threadIdx.x & 31;
    F up = x, down = x;
    for (int d = 1; d < lanes; d <<= 1) {
        F u = shfl_up(up, d), w = shfl_down(down, d);
        if (lane >= d) up = gl::mul(up, u);
        if (lane + d < lanes) down = gl::mul(down, w);
    }
    // Inclusive to exclusive: shift by one lane.
    F u = shfl_up(up, 1), w = shfl_down(down, 1);
    before = lane >= 1 ? u : Ops::one();
    after = lane + 1 < lanes ? w : Ops::one();
}

template <typename F>
__device__ void invert_chunk(F* v, uint64_t n) {
    using Ops = gl::FieldOps<F>;
    constexpr int PER = per_thread<F>();
    __shared__ F warp_total[WARPS];
    __shared__ F warp_scale[WARPS];
    const int t = threadIdx.x, lane = t & 31, warp = t >> 5;
    const uint64_t base = (uint64_t)blockIdx.x * THREADS * PER + t;

    F x[PER], lp[PER];
    F total = Ops::one();
#pragma unroll
    for (int e = 0; e < PER; ++e) {
        const uint64_t i = base + (uint64_t)e * THREADS;
        x[e] = i < n ? v[i] : Ops::one();
        lp[e] = total;
        total = gl::mul(total, nonzero(x[e]));
    }

    F before, after;
    exclusive_products(total, 32, before, after);
    if (lane == 31) warp_total[warp] = gl::mul(before, total);
    __syncthreads();
    if (warp == 0) {
        const F w = lane < WARPS ? warp_total[lane] : Ops::one();
        F wb, wa;
        exclusive_products(w, WARPS, wb, wa);
        // Lane WARPS - 1 holds the block's product P = wb * w.
        F inv_p = Ops::one();
        if (lane == WARPS - 1) inv_p = gl::inv(gl::mul(wb, w));
        inv_p = shfl_from(inv_p, WARPS - 1);
        if (lane < WARPS) warp_scale[lane] = gl::mul(inv_p, gl::mul(wb, wa));
    }
    __syncthreads();

    F r = gl::mul(warp_scale[warp], gl::mul(before, after));  // 1 / T_t
#pragma unroll
    for (int e = PER - 1; e >= 0; --e) {
        const uint64_t i = base + (uint64_t)e * THREADS;
        const F out = Ops::is_zero(x[e]) ? Ops::zero() : gl::mul(r, lp[e]);
        r = gl::mul(r, nonzero(x[e]));
        if (i < n) v[i] = out;
    }
}

}  // namespace

extern "C" __global__ void __launch_bounds__(THREADS) batch_inverse_base(uint64_t* v, uint64_t n) {
    invert_chunk<uint64_t>(v, n);
}
extern "C" __global__ void __launch_bounds__(THREADS) batch_inverse_ext(gl::Fp3* v, uint64_t n) {
    invert_chunk<gl::Fp3>(v, n);
}
