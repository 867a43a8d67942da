// The cubic extension Fp3 = Fp[w] / (w^3 - 2), matching backend_api::Fp3:
// an element is (c0, c1, c2) = c0 + c1 w + c2 w^2, laid out as three u64s.
#pragma once
#include "goldilocks.cuh"

namespace gl {

struct Fp3 {
    uint64_t c0, c1, c2;
};

GL_FN Fp3 fp3(uint64_t c0, uint64_t c1, uint64_t c2) { return Fp3{c0, c1, c2}; }
GL_FN Fp3 fp3_zero() { return Fp3{0, 0, 0}; }
GL_FN Fp3 fp3_one() { return Fp3{1, 0, 0}; }
GL_FN Fp3 fp3_from_base(uint64_t x) { return Fp3{x, 0, 0}; }
GL_FN bool fp3_is_zero(Fp3 a) { return (a.c0 | a.c1 | a.c2) == 0; }

GL_FN Fp3 add(Fp3 a, Fp3 b) { return Fp3{add(a.c0, b.c0), add(a.c1, b.c1), add(a.c2, b.c2)}; }
GL_FN Fp3 sub(Fp3 a, Fp3 b) { return Fp3{sub(a.c0, b.c0), sub(a.c1, b.c1), sub(a.c2, b.c2)}; }
GL_FN Fp3 neg(Fp3 a) { return Fp3{neg(a.c0), neg(a.c1), neg(a.c2)}; }

// Multiplication by a base-field element.
GL_FN Fp3 mul(Fp3 a, uint64_t k) { return Fp3{mul(a.c0, k), mul(a.c1, k), mul(a.c2, k)}; }

// c0 = a0 b0 + 2 (a1 b2 + a2 b1), c1 = a0 b1 + a1 b0 + 2 a2 b2,
// c2 = a0 b2 + a1 b1 + a2 b0.
GL_FN Fp3 mul(Fp3 a, Fp3 b);

#if defined(__CUDA_ARCH__)
// A sum of products in Fp3 kept unreduced: each coefficient a 160-bit sum of
// 128-bit products (glf::Acc), reduced once at the end. A coefficient takes
// one product per base-field factor and three per Fp3 factor; its sum stays
// exact for fewer than 2^32 - 1 products (glf::reduce), i.e. sums of fewer
// than 2^30 terms of either kind.
struct Fp3Acc {
    glf::Acc c0, c1, c2;
};

__device__ __forceinline__ Fp3Acc fp3_acc_zero() {
    return Fp3Acc{glf::zero_acc(), glf::zero_acc(), glf::zero_acc()};
}

// acc += a * k (k in the base field).
__device__ __forceinline__ void mul_add(Fp3Acc& acc, Fp3 a, uint64_t k) {
    glf::mul_add(acc.c0, a.c0, k);
    glf::mul_add(acc.c1, a.c1, k);
    glf::mul_add(acc.c2, a.c2, k);
}

// acc += a * b, with 2 b1 and 2 b2 formed first so that no sum needs doubling.
__device__ __forceinline__ void mul_add(Fp3Acc& acc, Fp3 a, Fp3 b) {
    const uint64_t b1x2 = dbl(b.c1), b2x2 = dbl(b.c2);
    glf::mul_add(acc.c0, a.c0, b.c0);
    glf::mul_add(acc.c0, a.c1, b2x2);
    glf::mul_add(acc.c0, a.c2, b1x2);
    glf::mul_add(acc.c1, a.c0, b.c1);
    glf::mul_add(acc.c1, a.c1, b.c0);
    glf::mul_add(acc.c1, a.c2, b2x2);
    glf::mul_add(acc.c2, a.c0, b.c2);
    glf::mul_add(acc.c2, a.c1, b.c1);
    glf::mul_add(acc.c2, a.c2, b.c0);
}

__device__ __forceinline__ Fp3 reduce(const Fp3Acc& acc) {
    return Fp3{glf::reduce(acc.c0), glf::reduce(acc.c1), glf::reduce(acc.c2)};
}
#endif

// On the device each coefficient is one sum of three 128-bit products,
// reduced once (Fp3Acc).
GL_FN Fp3 mul(Fp3 a, Fp3 b) {
#if defined(__CUDA_ARCH__)
    Fp3Acc acc = fp3_acc_zero();
    mul_add(acc, a, b);
    return reduce(acc);
#else
    uint64_t c0 = add(mul(a.c0, b.c0), dbl(add(mul(a.c1, b.c2), mul(a.c2, b.c1))));
    uint64_t c1 = add(add(mul(a.c0, b.c1), mul(a.c1, b.c0)), dbl(mul(a.c2, b.c2)));
    uint64_t c2 = add(add(mul(a.c0, b.c2), mul(a.c1, b.c1)), mul(a.c2, b.c0));
    return Fp3{c0, c1, c2};
#endif
}

GL_FN Fp3 sqr(Fp3 a) { return mul(a, a); }

// The adjugate of a (the product of its two conjugates): A0 = a0^2 - 2 a1 a2,
// A1 = 2 a2^2 - a0 a1, A2 = a1^2 - a0 a2, so that a * adj(a) = norm(a) in Fp.
GL_FN Fp3 adjugate(Fp3 a) {
    return Fp3{sub(sqr(a.c0), dbl(mul(a.c1, a.c2))), sub(dbl(sqr(a.c2)), mul(a.c0, a.c1)),
               sub(sqr(a.c1), mul(a.c0, a.c2))};
}

// norm(a) = a * adj(a) = a0 A0 + 2 (a2 A1 + a1 A2): 0 only for a = 0.
GL_FN uint64_t norm(Fp3 a, Fp3 adj) {
    return add(mul(a.c0, adj.c0), dbl(add(mul(a.c2, adj.c1), mul(a.c1, adj.c2))));
}

// Inverse with 0 -> 0: adj(a) / norm(a).
GL_FN Fp3 inv(Fp3 a) {
    const Fp3 adj = adjugate(a);
    return mul(adj, inv(norm(a, adj)));
}

GL_FN Fp3 pow(Fp3 base, uint64_t e) {
    Fp3 acc = fp3_one();
    while (e) {
        if (e & 1) acc = mul(acc, base);
        base = sqr(base);
        e >>= 1;
    }
    return acc;
}

}  // namespace gl
