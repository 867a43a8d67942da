// Keccak-f[1600] and the Keccak-256 sponge (rate 136 bytes = 17 lanes,
// original Keccak padding 0x01 .. 0x80), matching backend_api::keccak256.
//
// Lanes are little-endian 64-bit words of the state. Every message this
// project hashes is a sequence of 8-byte words aligned to lanes (field
// elements as big-endian u64s, 32-byte digests), so a big-endian word w
// enters the state as the lane bswap64(w), and a digest is the first four
// lanes (their in-memory bytes are the digest bytes on a little-endian GPU).
//
// Merkle leaves and nodes start with an 8-byte domain-separation prefix
// (backend_api::LEAF_PREFIX / NODE_PREFIX / TABLES_PREFIX: a tag byte, then
// seven zeros), one whole lane: the *_PREFIX_LANE constants below.
#pragma once
#include <stdint.h>
#include "goldilocks.cuh"

namespace keccak {

constexpr int RATE_LANES = 17;
// The prefixes read as little-endian lanes: tag byte 0x00, 0x01, 0x02 first.
constexpr uint64_t LEAF_PREFIX_LANE = 0x00;
constexpr uint64_t NODE_PREFIX_LANE = 0x01;
constexpr uint64_t TABLES_PREFIX_LANE = 0x02;

#if defined(__CUDACC__)
__device__ __constant__ uint64_t ROUND_CONSTANTS[24] = {
#else
static const uint64_t ROUND_CONSTANTS[24] = {
#endif
    0x0000000000000001ull, 0x0000000000008082ull, 0x800000000000808Aull, 0x8000000080008000ull,
    0x000000000000808Bull, 0x0000000080000001ull, 0x8000000080008081ull, 0x8000000000008009ull,
    0x000000000000008Aull, 0x0000000000000088ull, 0x0000000080008009ull, 0x000000008000000Aull,
    0x000000008000808Bull, 0x800000000000008Bull, 0x8000000000008089ull, 0x8000000000008003ull,
    0x8000000000008002ull, 0x8000000000000080ull, 0x000000000000800Aull, 0x800000008000000Aull,
    0x8000000080008081ull, 0x8000000000008080ull, 0x0000000080000001ull, 0x8000000080008008ull};

GL_FN uint64_t rotl(uint64_t x, int n) { return n == 0 ? x : ((x << n) | (x >> (64 - n))); }

GL_FN uint64_t bswap64(uint64_t x) {
#if defined(__CUDA_ARCH__)
    uint32_t lo = (uint32_t)x, hi = (uint32_t)(x >> 32);
    uint32_t nlo = __byte_perm(hi, 0, 0x0123), nhi = __byte_perm(lo, 0, 0x0123);
    return ((uint64_t)nhi << 32) | nlo;
#else
    return __builtin_bswap64(x);
#endif
}

// a ^ b ^ c as one LOP3 per 32-bit half: written as xors, the compiler
// shares b ^ c between the five lanes that use it and spends a LOP3 more.
GL_FN uint64_t xor3(uint64_t a, uint64_t b, uint64_t c) {
#if defined(__CUDA_ARCH__)
    uint64_t r;
    asm("{\n\t.reg .b32 al, ah, bl, bh, cl, ch;\n\t"
        "mov.b64 {al, ah}, %1;\n\tmov.b64 {bl, bh}, %2;\n\tmov.b64 {cl, ch}, %3;\n\t"
        "lop3.b32 al, al, bl, cl, 0x96;\n\tlop3.b32 ah, ah, bh, ch, 0x96;\n\t"
        "mov.b64 %0, {al, ah};\n\t}"
        : "=l"(r)
        : "l"(a), "l"(b), "l"(c));
    return r;
#else
    return a ^ b ^ c;
#endif
}

// The permutation, in place. State index = x + 5 y.
GL_FN void f1600(uint64_t s[25]) {
#if defined(__CUDA_ARCH__)
#pragma unroll 1
#endif
    for (int round = 0; round < 24; ++round) {
        uint64_t c[5], b[25];
#pragma unroll
        for (int x = 0; x < 5; ++x) c[x] = s[x] ^ s[x + 5] ^ s[x + 10] ^ s[x + 15] ^ s[x + 20];
        // theta: A[x, y] ^= C[x - 1] ^ rotl(C[x + 1], 1), one three-input
        // xor per lane (forming D[x] first costs 10 more LOP3 a round).
#pragma unroll
        for (int x = 0; x < 5; ++x) {
            const uint64_t left = c[(x + 4) % 5], right = rotl(c[(x + 1) % 5], 1);
#pragma unroll
            for (int y = 0; y < 5; ++y) s[x + 5 * y] = xor3(s[x + 5 * y], left, right);
        }
        // rho and pi: B[y, 2x + 3y] = rotl(A[x, y], r[x, y]).
        constexpr int R[25] = {0,  1,  62, 28, 27, 36, 44, 6,  55, 20, 3,  10, 43,
                               25, 39, 41, 45, 15, 21, 8,  18, 2,  61, 56, 14};
#pragma unroll
        for (int x = 0; x < 5; ++x)
#pragma unroll
            for (int y = 0; y < 5; ++y) b[y + 5 * ((2 * x + 3 * y) % 5)] = rotl(s[x + 5 * y], R[x + 5 * y]);
        // chi
#pragma unroll
        for (int y = 0; y < 5; ++y)
#pragma unroll
            for (int x = 0; x < 5; ++x)
                s[x + 5 * y] = b[x + 5 * y] ^ (~b[(x + 1) % 5 + 5 * y] & b[(x + 2) % 5 + 5 * y]);
        s[0] ^= ROUND_CONSTANTS[round];
    }
}

GL_FN void zero(uint64_t s[25]) {
#pragma unroll
    for (int i = 0; i < 25; ++i) s[i] = 0;
}

// Keccak-256 of the 72-byte message NODE_PREFIX || left || right (digests
// as 4 lanes each).
GL_FN void hash_node(const uint64_t left[4], const uint64_t right[4], uint64_t out[4]) {
    uint64_t s[25];
    zero(s);
    s[0] = NODE_PREFIX_LANE;
#pragma unroll
    for (int i = 0; i < 4; ++i) {
        s[1 + i] = left[i];
        s[5 + i] = right[i];
    }
    s[9] ^= 0x01ull;
    s[16] ^= 0x80ull << 56;
    f1600(s);
#pragma unroll
    for (int i = 0; i < 4; ++i) out[i] = s[i];
}

// Messages `prefix` (one lane, as is) || `words` big-endian u64 words,
// produced in order by `next()` (a functor returning the next word):
// lane position 0 is the prefix, positions 1 .. words the words; block b
// covers positions 17b .. 17b + 16, so block b >= 1 starts at word 17b - 1.
// The blocks wholly of message lanes (full_blocks of them) are absorbed
// without a position check per lane (the checks and the branches around
// `next()` cost ~12% of a leaf's instructions). The last block, which
// always exists, holds the remaining `rest` < 17 message lanes, the
// padding byte 0x01 on lane `rest` (a lane of its own since words are
// lane-aligned) and 0x80 on the last byte of lane 16.
GL_FN uint64_t full_blocks(uint64_t words) { return (words + 1) / RATE_LANES; }

// Absorbs full blocks b0 .. b1 - 1; `next()` hands out words from block
// b0's first on.
template <typename Next>
GL_FN void absorb_blocks(uint64_t s[25], uint64_t prefix, uint64_t b0, uint64_t b1, Next& next) {
    for (uint64_t blk = b0; blk < b1; ++blk) {
        s[0] ^= blk == 0 ? prefix : bswap64(next());
#pragma unroll
        for (int k = 1; k < RATE_LANES; ++k) s[k] ^= bswap64(next());
        f1600(s);
    }
}

// Absorbs the last block (every full block absorbed before) and writes the
// digest lanes.
template <typename Next>
GL_FN void absorb_last_block(uint64_t s[25], uint64_t prefix, uint64_t words, Next& next, uint64_t out[4]) {
    const bool first = full_blocks(words) == 0;
    const uint32_t rest = (uint32_t)((words + 1) % RATE_LANES);
#pragma unroll
    for (int k = 0; k < RATE_LANES; ++k) {
        uint64_t lane = 0;
        if ((uint32_t)k < rest) {
            lane = (k == 0 && first) ? prefix : bswap64(next());
        } else if ((uint32_t)k == rest) {
            lane = 0x01ull;
        }
        if (k == RATE_LANES - 1) lane ^= 0x80ull << 56;
        s[k] ^= lane;
    }
    f1600(s);
#pragma unroll
    for (int i = 0; i < 4; ++i) out[i] = s[i];
}

// The digest of the whole message.
template <typename Next>
GL_FN void hash_prefixed_words(uint64_t prefix, uint64_t words, Next& next, uint64_t out[4]) {
    uint64_t s[25];
    zero(s);
    absorb_blocks(s, prefix, 0, full_blocks(words), next);
    absorb_last_block(s, prefix, words, next, out);
}

// The first 8 digest bytes read as a big-endian u64 (for proof of work).
GL_FN uint64_t leading_word(const uint64_t digest[4]) { return bswap64(digest[0]); }

}  // namespace keccak
