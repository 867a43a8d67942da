// Goldilocks arithmetic on 32-bit limbs with PTX carry chains, device only:
// the GPU multiplies 32 x 32 bits natively, and a 64-bit product compiled
// from C goes through extra 64-bit emulation. goldilocks.cuh's gl::add,
// gl::sub and gl::mul run these on the device.
//
// Canonical inputs (< p) give the canonical result, the same value as the
// host's arithmetic. p = 2^64 - 2^32 + 1, EPSILON = 2^64 mod p = 2^32 - 1.
#pragma once
#include <stdint.h>

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

// 2^128 r4 + 2^96 r3 + 2^64 r2 + 2^32 r1 + r0 as 32-bit limbs: a sum of
// 128-bit products (mul_add), each below 2^128, so r4 < the number of
// products; reduce() needs r4 < 2^32 - 1.
struct Acc {
    uint32_t r0, r1, r2, r3, r4;
};

__device__ __forceinline__ Acc zero_acc() { return Acc{0, 0, 0, 0, 0}; }

// acc += a * b: the four 32 x 32-bit partial products in three carry chains.
__device__ __forceinline__ void mul_add(Acc& acc, uint64_t a, uint64_t b) {
    asm("{\n\t"
        ".reg .u32 a0, a1, b0, b1;\n\t"
        "mov.b64 {a0, a1}, %5;\n\t"
        "mov.b64 {b0, b1}, %6;\n\t"
        "mad.lo.cc.u32 %0, a0, b0, %0;\n\t"
        "madc.hi.cc.u32 %1, a0, b0, %1;\n\t"
        "madc.hi.cc.u32 %2, a0, b1, %2;\n\t"
        "madc.hi.cc.u32 %3, a1, b1, %3;\n\t"
        "addc.u32 %4, %4, 0;\n\t"
        "mad.lo.cc.u32 %1, a0, b1, %1;\n\t"
        "madc.hi.cc.u32 %2, a1, b0, %2;\n\t"
        "addc.cc.u32 %3, %3, 0;\n\t"
        "addc.u32 %4, %4, 0;\n\t"
        "mad.lo.cc.u32 %1, a1, b0, %1;\n\t"
        "madc.lo.cc.u32 %2, a1, b1, %2;\n\t"
        "addc.cc.u32 %3, %3, 0;\n\t"
        "addc.u32 %4, %4, 0;\n\t"
        "}"
        : "+r"(acc.r0), "+r"(acc.r1), "+r"(acc.r2), "+r"(acc.r3), "+r"(acc.r4)
        : "l"(a), "l"(b));
}

// t mod p for any t < 2^64: t >= p exactly when t + EPSILON carries out,
// and then t + EPSILON mod 2^64 = t - p.
__device__ __forceinline__ uint64_t canonical(uint64_t t) {
    uint64_t r;
    asm("{\n\t"
        ".reg .u32 t0, t1, u0, u1, c;\n\t"
        ".reg .pred q;\n\t"
        "mov.b64 {t0, t1}, %1;\n\t"
        "add.cc.u32 u0, t0, 0xFFFFFFFF;\n\t"
        "addc.cc.u32 u1, t1, 0;\n\t"
        "addc.u32 c, 0, 0;\n\t"
        "setp.ne.u32 q, c, 0;\n\t"
        "selp.u32 t0, u0, t0, q;\n\t"
        "selp.u32 t1, u1, t1, q;\n\t"
        "mov.b64 %0, {t0, t1};\n\t"
        "}"
        : "=l"(r)
        : "l"(t));
    return r;
}

// The canonical residue of 2^96 r3 + 2^64 r2 + 2^32 r1 + r0. With
// 2^64 = EPSILON and 2^96 = -1 (mod p) it is (r1:r0) + r2 EPSILON - r3:
// the product r2 EPSILON is added by the multiplier (mad), which leaves the
// integer ALU, the busier pipe in these kernels, fewer instructions. The
// 66-bit signed result is t + c 2^64 with c in {-1, 0, 1}, and c 2^64 = c
// EPSILON (mod p): t + c EPSILON cannot wrap (c = 1 only when t < 2^64 -
// 2^33 + 1; c = -1 only when t >= 2^64 - 2^32), so one 64-bit add of the
// sign-extended c EPSILON leaves the value below 2^64; then one "- p".
__device__ __forceinline__ uint64_t reduce128(uint32_t r0, uint32_t r1, uint32_t r2, uint32_t r3) {
    uint64_t r;
    asm("{\n\t"
        ".reg .u32 t0, t1, e0, e1, c;\n\t"
        // t + c 2^64 = (r1:r0) + r2 EPSILON - r3
        "mad.lo.cc.u32 t0, %3, 0xFFFFFFFF, %1;\n\t"
        "madc.hi.cc.u32 t1, %3, 0xFFFFFFFF, %2;\n\t"
        "addc.u32 c, 0, 0;\n\t"
        "sub.cc.u32 t0, t0, %4;\n\t"
        "subc.cc.u32 t1, t1, 0;\n\t"
        "subc.u32 c, c, 0;\n\t"
        // + c EPSILON, sign-extended to 64 bits: (-c mod 2^32, c < 0 ? 2^32 - 1 : 0)
        "neg.s32 e0, c;\n\t"
        "shr.s32 e1, c, 31;\n\t"
        "add.cc.u32 t0, t0, e0;\n\t"
        "addc.u32 t1, t1, e1;\n\t"
        "mov.b64 %0, {t0, t1};\n\t"
        "}"
        : "=l"(r)
        : "r"(r0), "r"(r1), "r"(r2), "r"(r3));
    return canonical(r);
}

// a * b mod p: the 128-bit product (schoolbook on 32-bit limbs), reduced.
__device__ __forceinline__ uint64_t mul(uint64_t a, uint64_t b) {
    uint32_t r0, r1, r2, r3;
    asm("{\n\t"
        ".reg .u32 a0, a1, b0, b1;\n\t"
        "mov.b64 {a0, a1}, %4;\n\t"
        "mov.b64 {b0, b1}, %5;\n\t"
        "mul.lo.u32 %0, a0, b0;\n\t"
        "mul.hi.u32 %1, a0, b0;\n\t"
        "mad.lo.cc.u32 %1, a0, b1, %1;\n\t"
        "madc.hi.u32 %2, a0, b1, 0;\n\t"
        "mad.lo.cc.u32 %1, a1, b0, %1;\n\t"
        "madc.hi.cc.u32 %2, a1, b0, %2;\n\t"
        "addc.u32 %3, 0, 0;\n\t"
        "mad.lo.cc.u32 %2, a1, b1, %2;\n\t"
        "madc.hi.u32 %3, a1, b1, %3;\n\t"
        "}"
        : "=r"(r0), "=r"(r1), "=r"(r2), "=r"(r3)
        : "l"(a), "l"(b));
    return reduce128(r0, r1, r2, r3);
}

// Products by the powers 2^24, 2^48 and 2^72 (with signs, these are the
// 8th roots of unity: omega_3 = -2^24, and 2^96 = -1): shifts and one
// reduction, no 64-bit product. Canonical input, canonical result. Writing
// x 2^(24 m) on 32-bit limbs (y3:y2:y1:y0), 2^64 = EPSILON, 2^96 = -1 and
// 2^128 = -2^32 (mod p) reduce it.

// x 2^24 = y2 2^64 + (y1:y0), y2 < 2^24: (y1:y0) + y2 EPSILON through the
// multiplier as in reduce128 (whose r3 is 0 here: t + c 2^64 with c in
// {0, 1}, and t < 2^56 when c = 1, so adding c EPSILON cannot wrap).
__device__ __forceinline__ uint64_t mul_2_24(uint64_t x) {
    uint64_t r;
    asm("{\n\t"
        ".reg .u32 x0, x1, y0, y1, y2, t0, t1, c;\n\t"
        "mov.b64 {x0, x1}, %1;\n\t"
        "shl.b32 y0, x0, 24;\n\t"
        "shf.l.clamp.b32 y1, x0, x1, 24;\n\t"
        "shr.u32 y2, x1, 8;\n\t"
        "mad.lo.cc.u32 t0, y2, 0xFFFFFFFF, y0;\n\t"
        "madc.hi.cc.u32 t1, y2, 0xFFFFFFFF, y1;\n\t"
        "addc.u32 c, 0, 0;\n\t"
        "neg.s32 c, c;\n\t"
        "add.cc.u32 t0, t0, c;\n\t"
        "addc.u32 t1, t1, 0;\n\t"
        "mov.b64 %0, {t0, t1};\n\t"
        "}"
        : "=l"(r)
        : "l"(x));
    return canonical(r);
}

// x 2^48 = y3 2^96 + y2 2^64 + y1 2^32 (y1 = x0 2^16, y3 < 2^16)
//        = (y1 + y2) 2^32 - (y2 + y3) (mod p). With h + c 2^32 = y1 + y2,
// c 2^64 = c 2^32 - c, so the value is (h + c) 2^32 - (y2 + y3 + c), where
// h + c < 2^32 (y1 + y2 < 2^33 - 2^16): both sides are below p, and sub()
// takes their difference mod p.
__device__ __forceinline__ uint64_t mul_2_48(uint64_t x) {
    const uint32_t x0 = (uint32_t)x, x1 = (uint32_t)(x >> 32);
    const uint32_t y1 = x0 << 16, y2 = __funnelshift_l(x0, x1, 16), y3 = x1 >> 16;
    const uint64_t sum = (uint64_t)y1 + y2;
    const uint32_t c = (uint32_t)(sum >> 32);
    const uint32_t h = (uint32_t)sum + c;
    return sub((uint64_t)h << 32, (uint64_t)y2 + y3 + c);
}

// x 2^72 = (x 2^8) 2^64 with x 2^8 = (y2:y1:y0), y2 < 2^8:
//        = y0 EPSILON - y1 - y2 2^32 = y0 2^32 - (y0 + y1 + y2 2^32) (mod p),
// both sides below p.
__device__ __forceinline__ uint64_t mul_2_72(uint64_t x) {
    const uint32_t x0 = (uint32_t)x, x1 = (uint32_t)(x >> 32);
    const uint32_t y0 = x0 << 8, y1 = __funnelshift_l(x0, x1, 8), y2 = x1 >> 24;
    return sub((uint64_t)y0 << 32, (uint64_t)y0 + y1 + ((uint64_t)y2 << 32));
}

// The canonical residue of an accumulator: 2^128 = -2^32 (mod p), so the
// value is reduce128(r0..r3) - r4 2^32, and r4 2^32 < p while r4 < 2^32 - 1.
__device__ __forceinline__ uint64_t reduce(const Acc& acc) {
    return sub(reduce128(acc.r0, acc.r1, acc.r2, acc.r3), (uint64_t)acc.r4 << 32);
}

}  // namespace glf
