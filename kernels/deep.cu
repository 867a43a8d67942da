// DEEP composition: out(x) = sum_k gamma^k (f_c(x) - v_{p,c}) / (x - z_p)
//   = sum_p (A_p(x) - B_p) / (x - z_p),  A_p(x) = sum_(terms at p) gamma^k f_c(x),
// with B_p = sum_(terms at p) gamma^k v_{p,c} from the host. A_p is summed
// per point in registers, 4 points per pass over the entries. An entry is a
// run of `width` columns (n elements apart) of one matrix, either
// * direct: opened at one point p with powers gamma^(k0 + c):
//   A_p += sum_c gamma^(k0 + c) f_c(x); or
// * summed: opened at J points with powers gamma^(k_j + c):
//   S = sum_c gamma^c f_c(x), then A_(p_j) += gamma^(k_j) S for each j,
//   so a wide matrix opened at several points is read and multiplied once.
// The arithmetic is exact, so every grouping gives the same bytes as the
// term-by-term sum.
//
// Table (u64 words): P, then B_p (3 words each); E, then per entry: column
// 0's pointer, width, limbs (1 or 3), J; J = 0: point, k0; J > 0: J x
// (point, gamma^(k_j) in 3 words). gpow[k] = gamma^k for every k of the call.
// dinv[p * N + i] = 1 / (x_i - z_p) for the domain's point x_i.
#include "field_ops.cuh"
#include "power_table.cuh"

using gl::Fp3;

// d[p * N + i] = x_i - z_p with x_i = shift * omega^j, j = i or bitrev(i).
extern "C" __global__ void deep_denominators(Fp3* d, uint64_t n, uint32_t log_n, uint32_t bit_reversed,
                                             uint64_t shift, PowerTable omega, const Fp3* points,
                                             uint32_t npoints) {
    uint64_t i = (uint64_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    uint32_t j = bit_reversed ? gl::bit_reverse((uint32_t)i, log_n) : (uint32_t)i;
    Fp3 x = gl::fp3_from_base(table_pow(omega, shift, j));
    for (uint32_t p = 0; p < npoints; ++p) d[p * n + i] = gl::sub(x, points[p]);
}

// Points per pass of deep_combine (its per-point accumulators).
#define DEEP_POINTS 4
// Threads per block of deep_combine (backend-cuda's deep.rs launches it so);
// the bound lets two blocks share an SM's registers (128 each: room for
// the loads column_sum keeps in flight).
constexpr int DEEP_THREADS = 256;

// Columns whose loads column_sum issues before using any (64 bytes of
// base columns, 48 of Fp3 ones within the register bound): a thread's loads
// are otherwise one at a time (each waits for the product before it), and
// at one load in flight per thread the sums ran at a fraction of the
// memory's bandwidth.
template <typename F>
__host__ __device__ constexpr uint64_t deep_loads() { return sizeof(F) == 8 ? 8 : 2; }

// sum_c pow[c] * f_c(x_i) for F = u64 (base) or Fp3 columns, n elements
// apart from col, accumulated into s (unreduced).
template <typename F>
__device__ __forceinline__ void accumulate_columns(gl::Fp3Acc& s, const F* col, uint64_t width, const Fp3* pow,
                                                   uint64_t n) {
    constexpr uint64_t L = deep_loads<F>();
    uint64_t c = 0;
    for (; c + L <= width; c += L) {
        F v[L];
#pragma unroll
        for (uint64_t k = 0; k < L; ++k) v[k] = col[(c + k) * n];
#pragma unroll
        for (uint64_t k = 0; k < L; ++k) gl::mul_add(s, pow[c + k], v[k]);
    }
    for (; c < width; ++c) gl::mul_add(s, pow[c], col[c * n]);
}

// sum_c pow[c] * f_c(x_i) over `width` columns n elements apart from col0,
// summed unreduced (gl::Fp3Acc: exact below 2^30 columns, far above any
// matrix width) and reduced once.
__device__ __forceinline__ Fp3 column_sum(uint64_t col0, uint64_t width, uint64_t limbs, const Fp3* pow,
                                          uint64_t n, uint64_t i) {
    gl::Fp3Acc s = gl::fp3_acc_zero();
    if (limbs == 1) {
        accumulate_columns(s, (const uint64_t*)col0 + i, width, pow, n);
    } else {
        accumulate_columns(s, (const Fp3*)col0 + i, width, pow, n);
    }
    return gl::reduce(s);
}

// a[q] += v (q < DEEP_POINTS; unrolled so that `a` stays in registers).
__device__ __forceinline__ void add_at(Fp3 (&a)[DEEP_POINTS], uint64_t q, Fp3 v) {
#pragma unroll
    for (int r = 0; r < DEEP_POINTS; ++r) {
        if (q == (uint64_t)r) a[r] = gl::add(a[r], v);
    }
}

extern "C" __global__ void __launch_bounds__(DEEP_THREADS, 2)
    deep_combine(const uint64_t* table, const Fp3* gpow, const Fp3* dinv, uint64_t n, Fp3* out) {
    uint64_t i = (uint64_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    const uint64_t npoints = table[0];
    const uint64_t* b = table + 1;
    const uint64_t nentries = table[1 + 3 * npoints];
    const uint64_t* entries = table + 2 + 3 * npoints;
    Fp3 acc = gl::fp3_zero();
    for (uint64_t p0 = 0; p0 < npoints; p0 += DEEP_POINTS) {
        Fp3 a[DEEP_POINTS];
#pragma unroll
        for (int r = 0; r < DEEP_POINTS; ++r) a[r] = gl::fp3_zero();
        const uint64_t* g = entries;
        for (uint64_t e = 0; e < nentries; ++e) {
            const uint64_t col0 = g[0], width = g[1], limbs = g[2], evals = g[3];
            g += 4;
            if (evals == 0) {
                const uint64_t q = g[0] - p0, k0 = g[1];
                g += 2;
                // (unsigned: a point below p0 wraps to a large q)
                if (q < DEEP_POINTS) add_at(a, q, column_sum(col0, width, limbs, gpow + k0, n, i));
                continue;
            }
            const uint64_t* ev = g;
            g += 4 * evals;
            bool here = false;
            for (uint64_t j = 0; j < evals; ++j) here |= ev[4 * j] - p0 < DEEP_POINTS;
            if (!here) continue;
            const Fp3 s = column_sum(col0, width, limbs, gpow, n, i);
            for (uint64_t j = 0; j < evals; ++j) {
                const uint64_t q = ev[4 * j] - p0;
                if (q < DEEP_POINTS) add_at(a, q, gl::mul(s, gl::fp3(ev[4 * j + 1], ev[4 * j + 2], ev[4 * j + 3])));
            }
        }
#pragma unroll
        for (int r = 0; r < DEEP_POINTS; ++r) {
            const uint64_t p = p0 + r;
            if (p < npoints) {
                const Fp3 bp = gl::fp3(b[3 * p], b[3 * p + 1], b[3 * p + 2]);
                acc = gl::add(acc, gl::mul(gl::sub(a[r], bp), dinv[p * n + i]));
            }
        }
    }
    out[i] = acc;
}
