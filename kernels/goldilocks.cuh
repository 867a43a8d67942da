// Goldilocks field arithmetic, p = 2^64 - 2^32 + 1, for CUDA kernels.
//
// Every function takes and returns canonical values (< p), exactly as
// backend_api::Fp does, so results are bit-identical to the CPU.
#pragma once
#include <stdint.h>

#if defined(__CUDACC__)
#define GL_FN __host__ __device__ __forceinline__
#include "goldilocks_limbs.cuh"
#else
#define GL_FN inline
#endif

namespace gl {

constexpr uint64_t P = 0xFFFFFFFF00000001ull;
// 2^64 mod p.
constexpr uint64_t EPSILON = 0xFFFFFFFFull;
// A primitive root of unity of order 2^32: 7^((p - 1) / 2^32).
constexpr uint64_t TWO_ADIC_GENERATOR = 0x185629DCDA58878Cull;

// On the device, add, sub and mul run the 32-bit-limb forms of
// goldilocks_limbs.cuh (same values, fewer instructions).
GL_FN uint64_t add(uint64_t a, uint64_t b) {
#if defined(__CUDA_ARCH__)
    return glf::add(a, b);
#else
    uint64_t s = a + b;
    if (s < a) {
        s += EPSILON;  // wrapped by 2^64 = EPSILON (mod p); cannot wrap again
    } else if (s >= P) {
        s -= P;
    }
    return s;
#endif
}

GL_FN uint64_t sub(uint64_t a, uint64_t b) {
#if defined(__CUDA_ARCH__)
    return glf::sub(a, b);
#else
    uint64_t d = a - b;
    if (a < b) d -= EPSILON;  // borrowed 2^64; d > EPSILON here
    return d;
#endif
}

GL_FN uint64_t neg(uint64_t a) { return a == 0 ? 0 : P - a; }

GL_FN uint64_t dbl(uint64_t a) { return add(a, a); }

// Canonical residue of hi * 2^64 + lo. With hi = hi_hi * 2^32 + hi_lo:
// 2^64 = 2^32 - 1 and 2^96 = -1 (mod p).
GL_FN uint64_t reduce128(uint64_t lo, uint64_t hi) {
    uint64_t hi_hi = hi >> 32;
    uint64_t hi_lo = hi & EPSILON;
    uint64_t t0 = lo - hi_hi;
    if (lo < hi_hi) t0 -= EPSILON;
    uint64_t t1 = hi_lo * EPSILON;
    uint64_t r = t0 + t1;
    if (r < t0) r += EPSILON;
    if (r >= P) r -= P;
    return r;
}

GL_FN uint64_t mul(uint64_t a, uint64_t b) {
#if defined(__CUDA_ARCH__)
    return glf::mul(a, b);
#else
    unsigned __int128 x = (unsigned __int128)a * b;
    return reduce128((uint64_t)x, (uint64_t)(x >> 64));
#endif
}

GL_FN uint64_t sqr(uint64_t a) { return mul(a, a); }

GL_FN uint64_t pow(uint64_t base, uint64_t e) {
    uint64_t acc = 1;
    while (e) {
        if (e & 1) acc = mul(acc, base);
        base = sqr(base);
        e >>= 1;
    }
    return acc;
}

// Inverse with 0 -> 0 (Fermat: a^(p-2)).
GL_FN uint64_t inv(uint64_t a) { return pow(a, P - 2); }

// A primitive root of unity of order 2^log_n (log_n <= 32).
GL_FN uint64_t root_of_unity(uint32_t log_n) {
    uint64_t g = TWO_ADIC_GENERATOR;
    for (uint32_t i = log_n; i < 32; ++i) g = sqr(g);
    return g;
}

// Reverses the low log_n bits of i.
GL_FN uint32_t bit_reverse(uint32_t i, uint32_t log_n) {
#if defined(__CUDA_ARCH__)
    return log_n == 0 ? 0 : (__brev(i) >> (32 - log_n));
#else
    uint32_t r = 0;
    for (uint32_t b = 0; b < log_n; ++b) r |= ((i >> b) & 1u) << (log_n - 1 - b);
    return r;
#endif
}

}  // namespace gl
