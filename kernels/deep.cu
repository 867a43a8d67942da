// DEEP composition: out(x) = sum_k gamma^k (f_c(x) - v_{p,c}) / (x - z_p),
// computed per point group g (the terms at point z_p):
//   out(x) = sum_g (A_g(x) - B_g) * 1/(x - z_p),  A_g(x) = sum gamma^k f_c(x),
// with B_g = sum gamma^k v_{p,c} from the host (exact field arithmetic, so
// the regrouping gives the same bytes as the term-by-term sum).
//
// Group table (u64 words): point index, B_g (3 words), term count, then per
// term: column pointer, limbs (1 or 3), gamma^k (3 words).
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

extern "C" __global__ void deep_combine(const uint64_t* table, uint32_t groups, const Fp3* dinv, uint64_t n,
                                        Fp3* out) {
    uint64_t i = (uint64_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    Fp3 acc = gl::fp3_zero();
    const uint64_t* g = table;
    for (uint32_t k = 0; k < groups; ++k) {
        uint64_t p = g[0];
        Fp3 b = gl::fp3(g[1], g[2], g[3]);
        uint64_t terms = g[4];
        g += 5;
        Fp3 a = gl::fp3_zero();
        for (uint64_t t = 0; t < terms; ++t, g += 5) {
            Fp3 gamma_k = gl::fp3(g[2], g[3], g[4]);
            if (g[1] == 1) {
                const uint64_t* col = (const uint64_t*)g[0];
                a = gl::add(a, gl::mul(gamma_k, col[i]));
            } else {
                const Fp3* col = (const Fp3*)g[0];
                a = gl::add(a, gl::mul(gamma_k, col[i]));
            }
        }
        acc = gl::add(acc, gl::mul(gl::sub(a, b), dinv[p * n + i]));
    }
    out[i] = acc;
}
