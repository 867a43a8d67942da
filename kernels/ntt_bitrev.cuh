// Tiled bit-reversal permutation of columns of 2^log_n elements of LIMBS u64
// (AoS): dst[bitrev(i)] = src[i], in place when dst == src, otherwise src and
// dst must not overlap.
//
// Index split (T = tile_log bits, M = log_n - 2T >= 0 middle bits):
//   i = (a << (T + M)) | (m << T) | b,   a, b < 2^T, m < 2^M,
//   bitrev(i) = (rev_T(b) << (T + M)) | (rev_M(m) << T) | rev_T(a).
// Tile m is the 2^T x 2^T set {(a, m, b)}: rows a, each 2^T consecutive
// elements b. bitrev maps tile m onto tile rev_M(m), transposing it and
// reversing both coordinates:
//   dst(a', rev_M(m), b') = src(a = rev_T(b'), m, b = rev_T(a')).
// A block owns the pair {m, rev_M(m)} with m <= rev_M(m): it reads both tiles
// row by row (coalesced runs of 2^T elements) into shared memory, then writes
// each into the other's place row by row (coalesced again). The pair is
// disjoint from every other pair, so in-place operation is race free.
// Work items are (column, m); blocks stride over them.
#pragma once

#include <stdint.h>

#include "goldilocks.cuh"

namespace bitrev_tiled {

constexpr uint32_t THREADS = 256;

template <int LIMBS, int T>
struct Tile {
    static constexpr uint32_t SIDE = 1u << T;
    static constexpr uint32_t ROW_WORDS = SIDE * LIMBS;
    // One spare word per row spreads the transposed reads over the banks.
    static constexpr uint32_t STRIDE = ROW_WORDS + 1;
    static constexpr uint32_t WORDS = SIDE * ROW_WORDS;
};

// Copies tile m of `col` (rows a, words r of the row) into s[a * STRIDE + r].
template <int LIMBS, int T>
__device__ __forceinline__ void load_tile(uint64_t* s, const uint64_t* col, uint64_t m,
                                          uint32_t log_n) {
    using Tl = Tile<LIMBS, T>;
    for (uint32_t w = threadIdx.x; w < Tl::WORDS; w += blockDim.x) {
        const uint32_t a = w / Tl::ROW_WORDS;
        const uint32_t r = w % Tl::ROW_WORDS;
        const uint64_t row = ((uint64_t)a << (log_n - T)) | (m << T);
        s[a * Tl::STRIDE + r] = col[row * LIMBS + r];
    }
}

// Writes the tile held in s (read as tile m) to its image, tile rev_M(m) = m2.
template <int LIMBS, int T>
__device__ __forceinline__ void store_tile(uint64_t* col, const uint64_t* s, uint64_t m2,
                                           uint32_t log_n) {
    using Tl = Tile<LIMBS, T>;
    for (uint32_t w = threadIdx.x; w < Tl::WORDS; w += blockDim.x) {
        const uint32_t a2 = w / Tl::ROW_WORDS;
        const uint32_t r2 = w % Tl::ROW_WORDS;
        const uint32_t b2 = r2 / LIMBS;
        const uint32_t c = r2 % LIMBS;
        // source element (a = rev_T(b2), b = rev_T(a2)) of the tile in s
        const uint32_t a = gl::bit_reverse(b2, T);
        const uint32_t b = gl::bit_reverse(a2, T);
        const uint64_t row = ((uint64_t)a2 << (log_n - T)) | (m2 << T);
        col[row * LIMBS + r2] = s[a * Tl::STRIDE + b * LIMBS + c];
    }
}

// Requires log_n >= 2T; `columns` columns of 2^log_n elements.
template <int LIMBS, int T>
__device__ void permute(uint64_t* dst, const uint64_t* src, uint32_t log_n, uint64_t columns) {
    using Tl = Tile<LIMBS, T>;
    __shared__ uint64_t s0[Tl::SIDE * Tl::STRIDE];
    __shared__ uint64_t s1[Tl::SIDE * Tl::STRIDE];
    const uint32_t log_m = log_n - 2 * T;
    const uint64_t items = columns << log_m;
    const uint64_t col_words = ((uint64_t)LIMBS) << log_n;
    // All threads of a block see the same item, so the barriers are uniform.
    for (uint64_t item = blockIdx.x; item < items; item += gridDim.x) {
        const uint64_t m = item & ((1ull << log_m) - 1);
        const uint64_t m2 = gl::bit_reverse((uint32_t)m, log_m);
        if (m > m2) continue;  // the pair belongs to item m2
        const uint64_t base = (item >> log_m) * col_words;
        load_tile<LIMBS, T>(s0, src + base, m, log_n);
        if (m2 != m) load_tile<LIMBS, T>(s1, src + base, m2, log_n);
        __syncthreads();
        store_tile<LIMBS, T>(dst + base, s0, m2, log_n);
        if (m2 != m) store_tile<LIMBS, T>(dst + base, s1, m, log_n);
        __syncthreads();  // before the next item overwrites s0 / s1
    }
}

}  // namespace bitrev_tiled
