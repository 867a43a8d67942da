// Goldilocks add / sub / mul for the NTT kernels, written on 32-bit limbs
// with PTX carry chains (the GPU multiplies 32 x 32 bits natively; a 64-bit
// product compiled from C goes through extra 64-bit emulation).
//
// Same contract as goldilocks.cuh: canonical inputs (< p) give the canonical
// result, so values are identical to gl::add / gl::sub / gl::mul.
// p = 2^64 - 2^32 + 1, EPSILON = 2^64 mod p = 2^32 - 1.
#pragma once
#include "goldilocks.cuh"

namespace glf {

// a + b mod p, computed as a - (p - b): p - b is in [1, p], and
// a - (p - b) borrows exactly when a + b < p, in which case the wrapped
// difference is a + b - p + 2^64 and subtracting EPSILON = 2^64 - p gives
// a + b (as in sub below); otherwise it is a + b - p, already reduced.
__device__ __forceinline__ uint64_t add(uint64_t a, uint64_t b) {
    uint64_t r;
    asm("{\n\t"
        ".reg .u32 a0, a1, b0, b1, n0, n1, d0, d1, m;\n\t"
        "mov.b64 {a0, a1}, %1;\n\t"
        "mov.b64 {b0, b1}, %2;\n\t"
        "sub.cc.u32 n0, 1, b0;\n\t"  // n = p - b
        "subc.u32 n1, 0xFFFFFFFF, b1;\n\t"
        "sub.cc.u32 d0, a0, n0;\n\t"
        "subc.cc.u32 d1, a1, n1;\n\t"
        "subc.u32 m, 0, 0;\n\t"  // m = EPSILON on a borrow, else 0
        "sub.cc.u32 d0, d0, m;\n\t"
        "subc.u32 d1, d1, 0;\n\t"
        "mov.b64 %0, {d0, d1};\n\t"
        "}"
        : "=l"(r)
        : "l"(a), "l"(b));
    return r;
}

// a - b mod p: on a borrow the difference wrapped by 2^64 = EPSILON (mod p),
// so subtract EPSILON; the wrapped value exceeds EPSILON, no second borrow.
__device__ __forceinline__ uint64_t sub(uint64_t a, uint64_t b) {
    uint64_t r;
    asm("{\n\t"
        ".reg .u32 a0, a1, b0, b1, d0, d1, m;\n\t"
        "mov.b64 {a0, a1}, %1;\n\t"
        "mov.b64 {b0, b1}, %2;\n\t"
        "sub.cc.u32 d0, a0, b0;\n\t"
        "subc.cc.u32 d1, a1, b1;\n\t"
        "subc.u32 m, 0, 0;\n\t"  // m = EPSILON on a borrow, else 0
        "sub.cc.u32 d0, d0, m;\n\t"
        "subc.u32 d1, d1, 0;\n\t"
        "mov.b64 %0, {d0, d1};\n\t"
        "}"
        : "=l"(r)
        : "l"(a), "l"(b));
    return r;
}

// a * b mod p. The 128-bit product is r0 + r1 2^32 + r2 2^64 + r3 2^96
// (32-bit limbs, schoolbook with carry chains); with 2^64 = 2^32 - 1 and
// 2^96 = -1 (mod p) it is (r1:r0) - r3 + (r2 2^32 - r2), reduced as in
// gl::reduce128: borrow -> -EPSILON, carry -> +EPSILON, then one "- p".
__device__ __forceinline__ uint64_t mul(uint64_t a, uint64_t b) {
    uint64_t r;
    asm("{\n\t"
        ".reg .u32 a0, a1, b0, b1, r0, r1, r2, r3, t0, t1, u0, u1, m, c;\n\t"
        ".reg .pred q;\n\t"
        "mov.b64 {a0, a1}, %1;\n\t"
        "mov.b64 {b0, b1}, %2;\n\t"
        // 128-bit product
        "mul.lo.u32 r0, a0, b0;\n\t"
        "mul.hi.u32 r1, a0, b0;\n\t"
        "mad.lo.cc.u32 r1, a0, b1, r1;\n\t"
        "madc.hi.u32 r2, a0, b1, 0;\n\t"
        "mad.lo.cc.u32 r1, a1, b0, r1;\n\t"
        "madc.hi.cc.u32 r2, a1, b0, r2;\n\t"
        "addc.u32 r3, 0, 0;\n\t"
        "mad.lo.cc.u32 r2, a1, b1, r2;\n\t"
        "madc.hi.u32 r3, a1, b1, r3;\n\t"
        // t = (r1:r0) - r3, minus EPSILON on a borrow
        "sub.cc.u32 t0, r0, r3;\n\t"
        "subc.cc.u32 t1, r1, 0;\n\t"
        "subc.u32 m, 0, 0;\n\t"
        "sub.cc.u32 t0, t0, m;\n\t"
        "subc.u32 t1, t1, 0;\n\t"
        // u = r2 2^32 - r2
        "sub.cc.u32 u0, 0, r2;\n\t"
        "subc.u32 u1, r2, 0;\n\t"
        // t + u, plus EPSILON on a carry (cannot carry again: u < 2^64 - 2^33)
        "add.cc.u32 t0, t0, u0;\n\t"
        "addc.cc.u32 t1, t1, u1;\n\t"
        "addc.u32 c, 0, 0;\n\t"
        "neg.s32 m, c;\n\t"
        "add.cc.u32 t0, t0, m;\n\t"
        "addc.u32 t1, t1, 0;\n\t"
        // canonical: t >= p exactly when t + EPSILON carries out
        "add.cc.u32 u0, t0, 0xFFFFFFFF;\n\t"
        "addc.cc.u32 u1, t1, 0;\n\t"
        "addc.u32 c, 0, 0;\n\t"
        "setp.ne.u32 q, c, 0;\n\t"
        "selp.u32 t0, u0, t0, q;\n\t"
        "selp.u32 t1, u1, t1, q;\n\t"
        "mov.b64 %0, {t0, t1};\n\t"
        "}"
        : "=l"(r)
        : "l"(a), "l"(b));
    return r;
}

}  // namespace glf
