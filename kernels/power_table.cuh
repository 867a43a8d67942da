// g^e from a table of the 2^b-th powers of g, passed to kernels by value:
// one multiplication per set bit of e instead of a square-and-multiply.
#pragma once
#include "goldilocks.cuh"

struct PowerTable {
    uint64_t p[32];  // p[b] = g^(2^b)
};

__device__ __forceinline__ uint64_t table_pow(const PowerTable& t, uint64_t start, uint32_t e) {
    uint64_t acc = start;
    for (int b = 0; e != 0; ++b, e >>= 1)
        if (e & 1) acc = gl::mul(acc, t.p[b]);
    return acc;
}
