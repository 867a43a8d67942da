// FRI folding: positions 2i and 2i+1 of the bit-reversed codeword hold f(x)
// and f(-x) for x = shift * omega_N^bitrev(i, log_half); the output at i is
//   g(x^2) = (f(x) + f(-x)) / 2 + beta * (f(x) - f(-x)) / (2x).
// 1/x = shift^-1 * prod_{bit b of bitrev(i)} omega_N^-(2^b), from a table of
// the 2^b-th powers of omega_N^-1 passed by value.
#include "ext3.cuh"
#include "power_table.cuh"

extern "C" __global__ void fri_fold(const gl::Fp3* in, gl::Fp3* out, uint64_t half, uint32_t log_half,
                                    uint64_t shift_inv, PowerTable omega_inv, gl::Fp3 beta) {
    uint64_t i = (uint64_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= half) return;
    uint32_t j = gl::bit_reverse((uint32_t)i, log_half);
    uint64_t x_inv = table_pow(omega_inv, shift_inv, j);
    const uint64_t inv2 = (gl::P + 1) / 2;
    gl::Fp3 a = in[2 * i], c = in[2 * i + 1];
    gl::Fp3 even = gl::mul(gl::add(a, c), inv2);
    gl::Fp3 odd = gl::mul(gl::sub(a, c), gl::mul(inv2, x_inv));
    out[i] = gl::add(even, gl::mul(beta, odd));
}

// acc[i] += scale * x[i] for i < len: a table's DEEP codeword joining the
// proof's FRI codeword (ProverDevice::add_scaled).
extern "C" __global__ void add_scaled(gl::Fp3* acc, const gl::Fp3* x, uint64_t len, gl::Fp3 scale) {
    uint64_t i = (uint64_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= len) return;
    acc[i] = gl::add(acc[i], gl::mul(scale, x[i]));
}
