// DEEP composition: out(x) = sum_k gamma^k (f_c(x) - v_{p,c}) / (x - z_p).
// Regrouped per opening o (a matrix of width w whose columns are opened at
// points p_o1, p_o2, ..; its terms at its j-th point carry gamma^(k_oj + c)
// for column c):
//   out(x) = sum_o sum_j gamma^(k_oj) S_o(x) / (x - z_(p_oj)) - sum_p B_p / (x - z_p),
//   S_o(x) = sum_c gamma^c f_c(x),  B_p = sum_(terms at p) gamma^k v_{p,c},
// so each column is read once and multiplied once whatever the number of
// points it is opened at. B_p comes from the host; the arithmetic is exact,
// so the regrouping gives the same bytes as the term-by-term sum.
//
// Table (u64 words): P, then B_p (3 words each, p < P); E, then per
// opening: column 0's pointer, width, limbs (1 or 3), J, then J x (point,
// gamma^(k_oj) in 3 words). Columns of an opening are n elements apart.
// gpow[c] = gamma^c for c below the widest opening's width.
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

extern "C" __global__ void deep_combine(const uint64_t* table, const Fp3* gpow, const Fp3* dinv, uint64_t n,
                                        Fp3* out) {
    uint64_t i = (uint64_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    Fp3 acc = gl::fp3_zero();
    const uint64_t* g = table;
    const uint64_t npoints = *g++;
    for (uint64_t p = 0; p < npoints; ++p, g += 3) {
        acc = gl::sub(acc, gl::mul(gl::fp3(g[0], g[1], g[2]), dinv[p * n + i]));
    }
    const uint64_t openings = *g++;
    for (uint64_t o = 0; o < openings; ++o) {
        const uint64_t width = g[1], limbs = g[2], evals = g[3];
        Fp3 s = gl::fp3_zero();
        if (limbs == 1) {
            const uint64_t* col = (const uint64_t*)g[0] + i;
            for (uint64_t c = 0; c < width; ++c) s = gl::add(s, gl::mul(gpow[c], col[c * n]));
        } else {
            const Fp3* col = (const Fp3*)g[0] + i;
            for (uint64_t c = 0; c < width; ++c) s = gl::add(s, gl::mul(gpow[c], col[c * n]));
        }
        g += 4;
        for (uint64_t j = 0; j < evals; ++j, g += 4) {
            Fp3 scaled = gl::mul(s, gl::fp3(g[1], g[2], g[3]));
            acc = gl::add(acc, gl::mul(scaled, dinv[g[0] * n + i]));
        }
    }
    out[i] = acc;
}
