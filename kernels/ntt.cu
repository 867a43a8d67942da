// Batched NTTs over Goldilocks with many radix-2 stages fused per pass (run as
// radix-8 chunks in registers).
//
// Notation: a column holds N = 2^log_n elements; omega_k is the primitive
// 2^k-th root of unity of backend_api (omega_k = omega_32^(2^(32-k)), so the
// roots are consistent: omega_k^2 = omega_{k-1}).
//
// Decomposition (four-step, applied recursively). A sub-problem of size
// m = n1 * stride (log m = log_m) over indices i = i1 * stride + i2 is split
// as follows; with k = k2 * n1 + k1,
//   X[k] = sum_{i2} omega_m^{i2 k1} omega_{m/n1}^{i2 k2} sum_{i1} x[i] omega_{n1}^{i1 k1}.
// One *pass* does, for every i2 ("line") at once, the size-n1 DFT over i1 in
// shared memory and the twiddle omega_m^{i2 k1}; the remaining size-stride
// DFTs over i2 are the next passes (rows of `stride` contiguous elements).
//
// * DIF pass (natural -> bit-reversed): load line, radix-2 DIF over i1
//   (slot s then holds k1 = bitrev_g(s)), multiply slot s by
//   omega_m^{i2 * bitrev_g(s)}, store in place. Passes run from the top
//   group of index bits down; the final positions are bitrev_n(k).
// * DIT pass (bit-reversed -> natural): the transpose of the DIF pass:
//   multiply slot s by the same twiddle, then radix-2 DIT over i1. Passes run
//   from the bottom group of bits up.
// The inverse transform uses omega^-1 everywhere (no 1/n here: that and the
// coset powers shift^j are folded into the load or store of a pass through
// the `scale_*` tables).
//
// Within a pass, a block holds a tile of C lines of n1 = 2^g elements in
// shared memory (limb-planar; slot i of a line sits at i + i/16, and lines of
// 16 or more are padded by one more element, so that neither runs of lines
// nor elements 16 apart share a bank) and runs the g stages in chunks of up
// to MAX_CHUNK stages: each thread takes 2^r elements into registers, does r
// stages there, writes them back.
//
// A chunk of R stages over bits b_lo .. b_lo + R - 1 of i1 is, for each
// group of slots u + t 2^b_lo (t < 2^R, lo = u mod 2^b_lo, span M =
// 2^(b_lo + R)), a size-2^R DFT over t and one twiddle per slot: in a DIF
// chunk, slot s (which then holds k = bitrev_R(s)) is multiplied by a^k
// after the DFT, a = omega_M^lo (the R radix-2 DIF stages with their
// twiddles omega_M^(lo + tp 2^b_lo) factor this way); a DIT chunk is its
// transpose (slot s multiplied by a^bitrev_R(s) first). Inside the DFT the
// roots are powers of omega_3 = 2^120 mod p, products by 2^(24 m): shifts,
// no multiplier. So R = 3 costs 7 products instead of 12, and a chunk with
// b_lo = 0 (a = 1) none: chunks of fewer than MAX_CHUNK stages are put there.
//
// Twiddles come from tables built on the device by `ntt_powers` and
// `ntt_chunk_twiddles`:
// * chunk_tw: for each span 2^L, 4 <= L <= 12, from entry 7 (2^(L-3) - 2):
//   seven rows (k = 1..7) of 2^(L-3) entries, entry lo of row k holding
//   omega_L^(lo k), or omega_L^-(lo k) for inverse transforms (7154 entries;
//   the threads of a warp read neighbouring entries of a row),
// * tw_lo[c] = omega_T^c (c < 2048), tw_hi[a] = omega_T^(2048 a): the
//   inter-pass twiddles, omega_T^E = tw_lo[E & 2047] * tw_hi[E >> 11],
//   T = log_tw >= log_n; a strided pass with at most THREADS lines a tile
//   reads them once per thread and walks the rest (TwiddleWalk),
// * scale_lo[c] = k * s^c, scale_hi[a] = s^(2048 a): the coefficient-side
//   factor k * s^j of coset transforms (k = 1 or 1/n). With SRC_COSETS the
//   tables repeat per chunk b < 2^log_b (stride scale_stride) with their own s;
//   the first pass of a coset transform splits k * s^j between its load
//   and the lines' twiddle walks (splits_scale).
//
// Stored values are canonical (gl:: and glf:: arithmetic are canonical
// throughout; glf:: is the 32-bit-limb form of goldilocks_limbs.cuh, which
// gl:: also runs on the device).
#include "goldilocks.cuh"
#include "ntt_bitrev.cuh"
#include "kernel_args.cuh"

namespace {

constexpr uint32_t LOG_THREADS = 8;
constexpr uint32_t THREADS = 1u << LOG_THREADS;
// Stages per register chunk: radix 8 for both. The passes are bound by the
// integer pipe, so occupancy pays: Fp's radix-8 chunks fit 64 registers and
// four blocks an SM, 3% faster than radix 16 at three blocks (80 registers,
// which spilled); Fp3 spills when bounded, so it keeps its 128 registers.
constexpr int MAX_CHUNK = 3;  // chunk_dispatch covers r = 1, 2 and MAX_CHUNK

// Where a pass reads element p (of a column of 2^log_n) from.
enum SrcMode : uint32_t {
    SRC_SAME = 0,    // src has the same shape as dst: element p
    SRC_PREFIX = 1,  // src columns of 2^src_log_n: element p if p < 2^src_log_n, else 0
    SRC_SPREAD = 2,  // src columns of 2^src_log_n: element p / B if B | p, else 0
                     // (B = 2^(log_n - src_log_n))
    SRC_COSETS = 3,  // dst column c (of 2^log_n) reads src column c >> log_b
                     // (same height), scaled with the tables of chunk c mod 2^log_b
    SRC_COSETS_BITREV = 4,  // SRC_COSETS from columns in bit-reversed order:
                            // element p at position bitrev_{log_n}(p)
};

// Which index j of the column the coefficient-side factor k * s^j uses.
enum ScaleMode : uint32_t {
    SCALE_NONE = 0,
    SCALE_NATURAL = 1,   // j = p
    SCALE_BITREV = 2,    // j = bitrev_{log_n}(p)
};

}  // namespace

namespace {

// Entry e of a two-level power table: lo[e mod 2^11] * hi[e >> 11].
__device__ __forceinline__ uint64_t two_level(const uint64_t* lo, const uint64_t* hi, uint32_t e) {
    const uint64_t a = lo[e & 2047];
    const uint32_t h = e >> 11;
    // hi[0] = 1; skipping it keeps the result identical and saves a product.
    return h == 0 ? a : glf::mul(a, hi[h]);
}

// A pointer the compiler treats as opaque: element addresses are then formed
// as ptr + off * size (one wide multiply-add) instead of being re-associated
// into 64-bit index arithmetic per element.
template <typename T>
__device__ __forceinline__ T* hoisted(T* ptr) {
    asm("" : "+l"(ptr));
    __builtin_assume(__isGlobal(ptr));
    return ptr;
}

// Shared-memory position of slot i of a line (see the header: breaks the
// 16-element periodicity of the banks for 8-byte words).
__device__ __forceinline__ uint32_t sh_pos(uint32_t i) { return i + (i >> 4); }

// Elements of one line in shared memory, padding included.
__host__ __device__ __forceinline__ uint32_t line_stride(uint32_t n1) {
    return n1 + (n1 >> 4) + (n1 >= 16 ? 1 : 0);
}

// v * 2^(24 m) for m = 0..3 (m is a constant once the callers unroll).
__device__ __forceinline__ uint64_t times_pow2_24(uint64_t v, int m) {
    switch (m) {
        case 1: return glf::mul_2_24(v);
        case 2: return glf::mul_2_48(v);
        case 3: return glf::mul_2_72(v);
        default: return v;
    }
}

// The root omega_3^(+-j) as 2^(24 m) with m mod 8 (2^96 = -1, so m >= 4 is
// the negative of 2^(24 (m - 4))): omega_3 = 2^120, omega_3^-1 = 2^72.
__device__ __forceinline__ int root8_exponent(int j, bool inverse) { return ((inverse ? 3 : 5) * j) & 7; }

// DIF butterfly with twiddle 2^(24 m): (y0 + y1, (y0 - y1) 2^(24 m)); a
// negative twiddle swaps the difference instead of negating the product.
__device__ __forceinline__ void dif_butterfly(uint64_t& y0, uint64_t& y1, int m) {
    const uint64_t d = (m & 4) ? glf::sub(y1, y0) : glf::sub(y0, y1);
    y0 = glf::add(y0, y1);
    y1 = times_pow2_24(d, m & 3);
}

// DIT butterfly with twiddle 2^(24 m): (y0 + w y1, y0 - w y1).
__device__ __forceinline__ void dit_butterfly(uint64_t& y0, uint64_t& y1, int m) {
    const uint64_t t = times_pow2_24(y1, m & 3);
    const uint64_t a = glf::add(y0, t), b = glf::sub(y0, t);
    y0 = (m & 4) ? b : a;
    y1 = (m & 4) ? a : b;
}

// Start of the chunk twiddles of span 2^L (4 <= L <= 12) in a chunk table:
// 7 rows (k = 1..7) of 2^(L-3) entries each, spans in increasing order.
__host__ __device__ __forceinline__ uint32_t chunk_tw_base(uint32_t L) { return 7u * ((1u << (L - 3)) - 2u); }

// Multiplies slot s of a radix-8 group by a^bitrev_3(s), a^k being entry lo
// of row k - 1 of the span's chunk twiddles (`rows`, rows 2^b_lo apart).
template <int LIMBS>
__device__ __forceinline__ void slot_twiddles(uint64_t (&x)[LIMBS][8], const uint64_t* rows, uint32_t b_lo,
                                              uint32_t lo) {
    // entry lo of row k - 1 at column + (k - 1) row_bytes: one wide
    // multiply-add per row (the multiplier's pipe, not the busier ALU)
    const uint64_t column = (uint64_t)hoisted(rows + lo);
    const uint32_t row_bytes = 8u << b_lo;
#pragma unroll
    for (int s = 1; s < 8; ++s) {
        const int k = ((s & 1) << 2) | (s & 2) | (s >> 2);
        uint64_t at;
        asm("mad.wide.u32 %0, %1, %2, %3;" : "=l"(at) : "r"(row_bytes), "r"((uint32_t)(k - 1)), "l"(column));
        const uint64_t w = __ldg((const uint64_t*)at);
#pragma unroll
        for (int c = 0; c < LIMBS; ++c) x[c][s] = glf::mul(x[c][s], w);
    }
}

// One chunk of R stages (bits b_lo .. b_lo + R - 1 of i1) over the whole
// tile, as a size-2^R DFT per group of 2^R slots plus one twiddle per slot
// (see the header): every root inside the DFT is a power of omega_3, a
// product by 2^(24 m). Twiddles are needed only when b_lo > 0, which the
// chunk order keeps to R = 3 chunks.
//
// LINEAR: the group's shared positions sh_pos(u + t 2^b_lo) are
// sh_pos(u) + t * step, which holds when b_lo >= 4 (step 2^b_lo +
// 2^(b_lo - 4): the 2^b_lo apart slots cross whole runs of 16) and when
// b_lo + R <= 4 (step 2^b_lo: the group sits in one run of 16); then a slot
// costs one add instead of recomputing its padded position.
template <int LIMBS, int R, bool DIF, bool INVERSE, bool LINEAR>
__device__ __forceinline__ void run_chunk(uint64_t* sh, uint32_t plane, uint32_t ls, uint32_t g,
                                          uint32_t log_c, uint32_t b_lo, const uint64_t* chunk_tw) {
    const uint32_t step = (1u << b_lo) + (b_lo >= 4 ? 1u << (b_lo - 4) : 0u);
    const uint32_t tasks = 1u << (g + log_c - R);
    const uint32_t lo_mask = (1u << b_lo) - 1;
    const uint32_t c_mask = (1u << log_c) - 1;
    // Row k - 1 of this span holds a^k, a = omega_{b_lo + 3}^(+-lo), at index lo.
    const bool twiddled = R == 3 && b_lo != 0;
    const uint64_t* rows = chunk_tw + (twiddled ? chunk_tw_base(b_lo + 3) : 0);
    for (uint32_t q = threadIdx.x; q < tasks; q += THREADS) {
        const uint32_t lo = q & lo_mask;
        const uint32_t rest = q >> b_lo;
        const uint32_t l = rest & c_mask;
        const uint32_t hiu = rest >> log_c;
        const uint32_t u = (hiu << (b_lo + R)) | lo;
        const uint32_t base = l * ls;
        uint32_t pos[1 << R];
#pragma unroll
        for (int t = 0; t < (1 << R); ++t) {
            pos[t] = LINEAR ? (t == 0 ? base + sh_pos(u) : pos[t - 1] + step) : base + sh_pos(u + (t << b_lo));
        }
        uint64_t x[LIMBS][1 << R];
#pragma unroll
        for (int t = 0; t < (1 << R); ++t)
#pragma unroll
            for (int c = 0; c < LIMBS; ++c) x[c][t] = sh[c * plane + pos[t]];
        if constexpr (R == 3) {
            if (!DIF && twiddled) slot_twiddles<LIMBS>(x, rows, b_lo, lo);
        }
        if (DIF) {
            // stage k pairs (t, t + 2^(R-1-k)) with root omega_{R-k}^tp = omega_3^(tp << (3-R+k))
#pragma unroll
            for (int k = 0; k < R; ++k) {
                const int half = 1 << (R - 1 - k);
#pragma unroll
                for (int t = 0; t < (1 << R); ++t) {
                    if (t & half) continue;
                    const int m = root8_exponent((t & (half - 1)) << (3 - R + k), INVERSE);
#pragma unroll
                    for (int c = 0; c < LIMBS; ++c) dif_butterfly(x[c][t], x[c][t + half], m);
                }
            }
        } else {
            // stage k pairs (t, t + 2^k) with root omega_{k+1}^tp = omega_3^(tp << (2-k))
#pragma unroll
            for (int k = 0; k < R; ++k) {
                const int half = 1 << k;
#pragma unroll
                for (int t = 0; t < (1 << R); ++t) {
                    if (t & half) continue;
                    const int m = root8_exponent((t & (half - 1)) << (2 - k), INVERSE);
#pragma unroll
                    for (int c = 0; c < LIMBS; ++c) dit_butterfly(x[c][t], x[c][t + half], m);
                }
            }
        }
        if constexpr (R == 3) {
            if (DIF && twiddled) slot_twiddles<LIMBS>(x, rows, b_lo, lo);
        }
#pragma unroll
        for (int t = 0; t < (1 << R); ++t)
#pragma unroll
            for (int c = 0; c < LIMBS; ++c) sh[c * plane + pos[t]] = x[c][t];
    }
}

template <int LIMBS, bool DIF, bool INVERSE>
__device__ __forceinline__ void chunk_dispatch(uint32_t r, uint64_t* sh, uint32_t plane, uint32_t ls,
                                               uint32_t g, uint32_t log_c, uint32_t b_lo,
                                               const uint64_t* chunk_tw) {
    // r < MAX_CHUNK only at b_lo = 0 (run_stages), where b_lo + r <= 4
    switch (r) {
        case 1: run_chunk<LIMBS, 1, DIF, INVERSE, true>(sh, plane, ls, g, log_c, b_lo, chunk_tw); break;
        case 2: run_chunk<LIMBS, 2, DIF, INVERSE, true>(sh, plane, ls, g, log_c, b_lo, chunk_tw); break;
        default:
            // Fp3 keeps the recomputed positions: eight more live registers
            // would cost it a block per SM
            if (LIMBS == 1 && (b_lo >= 4 || b_lo + MAX_CHUNK <= 4)) {
                run_chunk<LIMBS, MAX_CHUNK, DIF, INVERSE, true>(sh, plane, ls, g, log_c, b_lo, chunk_tw);
            } else {
                run_chunk<LIMBS, MAX_CHUNK, DIF, INVERSE, false>(sh, plane, ls, g, log_c, b_lo, chunk_tw);
            }
            break;
    }
}

// The g stages of a line, in chunks of up to MAX_CHUNK stages; a chunk of
// fewer takes the lowest bits (b_lo = 0, no twiddles): the last chunk of a
// DIF pass, the first of a DIT one.
template <int LIMBS, bool DIF, bool INVERSE>
__device__ __forceinline__ void run_stages(uint64_t* sh, uint32_t plane, uint32_t ls, uint32_t g,
                                           uint32_t log_c, const uint64_t* chunk_tw) {
    const uint32_t partial = g % MAX_CHUNK;
    for (uint32_t done = 0; done < g;) {
        const uint32_t left = g - done;
        uint32_t r, b_lo;
        if (DIF) {
            r = left < (uint32_t)MAX_CHUNK ? left : (uint32_t)MAX_CHUNK;
            b_lo = g - done - r;  // stages done .. done + r - 1 touch bits g-1-done down to g-done-r
        } else {
            r = (done == 0 && partial != 0) ? partial : (uint32_t)MAX_CHUNK;
            b_lo = done;
        }
        chunk_dispatch<LIMBS, DIF, INVERSE>(r, sh, plane, ls, g, log_c, b_lo, chunk_tw);
        done += r;
        __syncthreads();
    }
}

// Position of tile element q: line l and slot i1 (coalesced global access:
// along i1 when lines are contiguous, along lines otherwise).
struct Slot {
    uint32_t l, i1;
};

__device__ __forceinline__ Slot slot_of(uint32_t q, uint32_t g, uint32_t log_c, bool contiguous) {
    if (contiguous) return Slot{q >> g, q & ((1u << g) - 1)};
    return Slot{q & ((1u << log_c) - 1), q >> log_c};
}

// Position of tile element q when the source is bit-reversed: in the first
// DIF pass (log_m = log_n) element i1 2^s + i2 of a column (s = log_n - g)
// sits at bitrev_s(i2) 2^g + bitrev_g(i1), so the 2^g elements of line l
// fill one contiguous run of the source; thread q reads the (q mod 2^g)-th
// element of that run (coalesced), which is slot bitrev_g(q mod 2^g).
__device__ __forceinline__ Slot slot_of_bitrev_source(uint32_t q, uint32_t g) {
    return Slot{q >> g, gl::bit_reverse(q & ((1u << g) - 1), g)};
}

// Where a block's tile sits. Its lines are consecutive: in a strided pass
// 2^log_c consecutive values of i2 (log_c <= log_stride, see plan.rs) of one
// group, in a contiguous pass whole consecutive groups. So tile element
// (l, i1) is global element (over all columns) base + off with
//   off = (i1 << log_stride) + (l << l_shift) < max(2^log_m, tile) <= 2^32,
// and the per-element index arithmetic stays in 32 bits.
struct Tile {
    uint64_t base;
    uint32_t log_stride;
    uint32_t l_shift;
    uint32_t lines;     // lines that exist: 2^log_c except maybe in the grid's last block
    uint32_t i2_0;      // i2 of line 0 (strided passes): line l has i2 = i2_0 + l
    uint64_t col0;      // the column of element (0, 0)
    uint32_t p0;        // its index in that column
    uint32_t n_mask;    // 2^log_n - 1
};

template <bool CONTIGUOUS>
__device__ __forceinline__ Tile tile_of_block(const NttPass& P) {
    const uint32_t g = P.log_g;
    const uint32_t log_stride = CONTIGUOUS ? 0 : P.log_m - g;
    const uint32_t lines_log = P.log_n - g;
    const uint64_t line_mask = (1ull << lines_log) - 1;
    const uint64_t total_lines = P.columns << lines_log;
    const uint64_t line0 = (uint64_t)blockIdx.x << P.log_c;
    const uint64_t o0 = line0 & line_mask;
    const uint64_t stride_mask = (1ull << log_stride) - 1;
    Tile T;
    T.base = ((line0 >> lines_log) << P.log_n) + ((o0 >> log_stride) << P.log_m) + (o0 & stride_mask);
    T.log_stride = log_stride;
    T.l_shift = CONTIGUOUS ? g : 0;
    const uint64_t left = total_lines - line0;
    // (always 2^log_c when the tile is in one column: see tile_in_one_column)
    T.lines = left < (1ull << P.log_c) ? (uint32_t)left : (1u << P.log_c);
    T.i2_0 = (uint32_t)(o0 & stride_mask);
    T.col0 = T.base >> P.log_n;
    T.n_mask = (uint32_t)((1ull << P.log_n) - 1);
    T.p0 = (uint32_t)T.base & T.n_mask;
    return T;
}

// off of tile element (l, i1); q itself when the lines are contiguous and
// read in order.
__device__ __forceinline__ uint32_t tile_offset(const Tile& T, Slot sl) {
    return (sl.i1 << T.log_stride) + (sl.l << T.l_shift);
}

// The whole tile lies in column col0, and all its lines exist, unless a
// contiguous pass's groups are whole columns shorter than the tile (then
// p0 = 0, line l is column col0 + l, and the grid's last block may have
// fewer than 2^log_c lines): log_c <= log_stride in strided passes, and
// contiguous groups of 2^g tile a column of 2^log_n >= 2^(g + log_c).
__device__ __forceinline__ bool tile_in_one_column(const NttPass& P) {
    return P.log_g + P.log_c <= P.log_n;
}

// Start of the source column that dst column `col` reads (SrcMode `mode`).
template <int LIMBS>
__device__ __forceinline__ const uint64_t* source_column(const NttPass& P, uint32_t mode, uint64_t col) {
    const uint64_t* s = (const uint64_t*)P.src;
    if (mode == SRC_COSETS || mode == SRC_COSETS_BITREV) return s + ((col >> P.log_b) << P.log_n) * LIMBS;
    if (mode == SRC_PREFIX || mode == SRC_SPREAD) return s + (col << P.src_log_n) * LIMBS;
    return s + (col << P.log_n) * LIMBS;
}

// Where element p of a dst column sits in its source column (`at`), or
// false when it is an implicit zero (SrcMode `mode`).
__device__ __forceinline__ bool source_index(const NttPass& P, uint32_t mode, uint32_t p, uint32_t& at) {
    if (mode == SRC_COSETS_BITREV) {
        at = gl::bit_reverse(p, P.log_n);
        return true;
    }
    if (mode == SRC_SPREAD) {
        const uint32_t log_b = P.log_n - P.src_log_n;
        at = p >> log_b;
        return (p & ((1u << log_b) - 1)) == 0;
    }
    at = p;
    return mode != SRC_PREFIX || (p >> P.src_log_n) == 0;
}

// The inter-pass twiddle omega_{log_m}^e (or its inverse), e < 2^log_m.
__device__ __forceinline__ uint64_t pass_twiddle(const NttPass& P, uint32_t e) {
    // E < 2^log_tw <= 2^32: no bits are lost in 32 bits
    uint32_t E = e << (P.log_tw - P.log_m);
    if (P.inverse) E = (0u - E) & (0xFFFFFFFFu >> (32 - P.log_tw));
    return two_level((const uint64_t*)P.tw_lo, (const uint64_t*)P.tw_hi, E);
}

// The inter-pass twiddle of tile slot (l, i1) of a strided pass, looked up.
__device__ __forceinline__ uint64_t slot_pass_twiddle(const NttPass& P, const Tile& T, Slot sl) {
    return pass_twiddle(P, (T.i2_0 + sl.l) * gl::bit_reverse(sl.i1, P.log_g));
}

// The coefficient-side factor k * s^j of element p of a column (ScaleMode),
// from one chunk's tables.
__device__ __forceinline__ uint64_t scale_factor(const NttPass& P, uint32_t mode, uint32_t p, const uint64_t* lo,
                                                 const uint64_t* hi) {
    const uint32_t j = (mode == SCALE_BITREV) ? gl::bit_reverse(p, P.log_n) : p;
    return two_level(lo, hi, j);
}

template <int LIMBS>
__device__ __forceinline__ void times(uint64_t (&v)[LIMBS], uint64_t w) {
#pragma unroll
    for (int c = 0; c < LIMBS; ++c) v[c] = glf::mul(v[c], w);
}

// The inter-pass twiddles of one thread's elements in a strided pass whose
// tile has C = 2^log_c <= THREADS lines ("walk" order). Thread t then
// always has line l = t mod C (i2 = i2_0 + l), and its i-th element taken at
// q = t + THREADS bitrev_K(i) (2^K = tile / THREADS elements a thread) has
// i1 = t / C + (bitrev_K(i) << (LOG_THREADS - log_c)), so k1 = bitrev_g(i1) = B0 + i
// with B0 = bitrev_g(t / C): the twiddle omega_{log_m}^(i2 k1) advances by
// one product with r = omega_{log_m}^i2 an element, where a table lookup
// costs a product and two loads. `f` may carry a constant factor of the line.
struct TwiddleWalk {
    uint64_t f;  // the current element's twiddle
    uint64_t r;
    __device__ __forceinline__ void next() { f = glf::mul(f, r); }
};

__device__ __forceinline__ bool walks(const NttPass& P, bool contiguous) {
    return !contiguous && (1u << P.log_c) <= THREADS;
}

// i2 of the thread's line in walk order.
__device__ __forceinline__ uint32_t walk_i2(const NttPass& P, const Tile& T) {
    return T.i2_0 + (threadIdx.x & ((1u << P.log_c) - 1));
}

__device__ __forceinline__ TwiddleWalk twiddle_walk(const NttPass& P, const Tile& T, uint64_t line_factor) {
    const uint32_t i2 = walk_i2(P, T);
    const uint32_t b0 = gl::bit_reverse(threadIdx.x >> P.log_c, P.log_g);
    return TwiddleWalk{glf::mul(pass_twiddle(P, i2 * b0), line_factor), pass_twiddle(P, i2)};
}

// Element q of the thread's i-th step: in walk order, or in plain order.
__device__ __forceinline__ uint32_t step_element(uint32_t i, uint32_t log_steps, bool walk) {
    return threadIdx.x + (walk ? gl::bit_reverse(i, log_steps) : i) * THREADS;
}

// The coset transform's first pass (natural scale on the load of a strided
// DIF pass over the whole column, log_stride >= 11) splits its scale: with
// j = i1 2^log_stride + i2, k s^j = (k s^i2) s^(i1 2^log_stride), and the
// second factor is entry i1 2^(log_stride - 11) of the scale's high table
// (the low one contributes lo[0] = k, taken with the first); the first is
// constant along a line, so it commutes with the line's DFT and rides on the
// store's twiddle walk. One product an element instead of two. The line
// factor's index i2 < 2^log_stride must stay inside the scale table, which
// covers j < 2^src_log_n for a shorter source (SRC_PREFIX, SRC_SPREAD) and
// j < 2^log_n otherwise.
__device__ __forceinline__ bool splits_scale(const NttPass& P, const Tile& T, bool dif, bool walk) {
    const bool shorter = P.src_mode == SRC_PREFIX || P.src_mode == SRC_SPREAD;
    const uint32_t covered = shorter ? P.src_log_n : P.log_n;
    return dif && walk && P.scale_load == SCALE_NATURAL && P.log_m == P.log_n && T.log_stride >= 11 &&
           T.log_stride <= covered;
}

// The scale tables of the tile's column (SRC_COSETS: one set per chunk).
__device__ __forceinline__ uint64_t scale_offset(const NttPass& P, uint64_t col) {
    return (col & ((1ull << P.log_b) - 1)) * P.scale_stride;
}

// The load loops of the common passes are compiled for their source and
// scale, so that no element carries branches on the modes: LOAD_PLAIN (the
// source's own shape, no scale: every pass of a plain transform but
// maybe the first) and the coset transform's first pass (SRC_COSETS or
// SRC_COSETS_BITREV with a split scale); LOAD_ANY reads the modes from P.
enum LoadKind : int { LOAD_ANY, LOAD_PLAIN, LOAD_SPLIT_COSETS, LOAD_SPLIT_COSETS_BITREV };

template <int KIND>
__device__ __forceinline__ uint32_t load_source_mode(const NttPass& P) {
    switch (KIND) {
        case LOAD_PLAIN: return SRC_SAME;
        case LOAD_SPLIT_COSETS: return SRC_COSETS;
        case LOAD_SPLIT_COSETS_BITREV: return SRC_COSETS_BITREV;
        default: return P.src_mode;
    }
}

// Global -> shared: the tile's elements, with the coefficient scaling and,
// in a strided DIT pass, the inter-pass twiddle. ONE_COLUMN (see
// tile_in_one_column) keeps the column's pointers out of the loop. The
// tile has at least THREADS elements (tile_log >= 8, mod.rs).
template <int LIMBS, bool CONTIGUOUS, bool DIF, bool ONE_COLUMN, int KIND>
__device__ __forceinline__ void load_loop(const NttPass& P, const Tile& T, uint64_t* sh, uint32_t plane,
                                          uint32_t ls) {
    const uint32_t g = P.log_g, log_c = P.log_c;
    const uint32_t log_steps = g + log_c - LOG_THREADS;  // log2(tile / THREADS)
    const uint32_t mode = load_source_mode<KIND>(P);
    const uint32_t scale_load = KIND == LOAD_PLAIN ? (uint32_t)SCALE_NONE : P.scale_load;
    const bool bitrev_source = mode == SRC_COSETS_BITREV;
    // (a bit-reversed source orders the tile's elements otherwise)
    const bool walk = walks(P, CONTIGUOUS) && !bitrev_source;
    const bool split_scale = KIND == LOAD_SPLIT_COSETS || KIND == LOAD_SPLIT_COSETS_BITREV ||
                             (KIND == LOAD_ANY && splits_scale(P, T, DIF, walks(P, CONTIGUOUS)));
    const uint64_t* col_src = hoisted(source_column<LIMBS>(P, mode, T.col0));
    uint64_t scale_off = scale_offset(P, T.col0);
    TwiddleWalk tw{1, 1};
    if (!DIF && walk) tw = twiddle_walk(P, T, 1);
#pragma unroll 4
    for (uint32_t i = 0; i < (1u << log_steps); ++i) {
        const uint32_t q = step_element(i, log_steps, walk);
        const Slot sl = bitrev_source ? slot_of_bitrev_source(q, g) : slot_of(q, g, log_c, CONTIGUOUS);
        if (!ONE_COLUMN && sl.l >= T.lines) continue;
        const uint32_t off = (CONTIGUOUS && !bitrev_source) ? q : tile_offset(T, sl);
        uint32_t p = T.p0 + off;
        const uint64_t* cs = col_src;
        if (!ONE_COLUMN) {
            const uint64_t col = T.col0 + (off >> P.log_n);
            p = off & T.n_mask;
            cs = source_column<LIMBS>(P, mode, col);
            scale_off = scale_offset(P, col);
        }
        uint64_t v[LIMBS];
        uint32_t at;
        if (source_index(P, mode, p, at)) {
            const uint64_t* s = cs + (uint64_t)at * LIMBS;
#pragma unroll
            for (int c = 0; c < LIMBS; ++c) v[c] = s[c];
            const uint64_t* hi = (const uint64_t*)P.scale_hi + scale_off;
            if (split_scale) {
                times<LIMBS>(v, hi[sl.i1 << (T.log_stride - 11)]);
            } else if (scale_load != SCALE_NONE) {
                times<LIMBS>(v, scale_factor(P, scale_load, p, (const uint64_t*)P.scale_lo + scale_off, hi));
            }
            if (!DIF && !CONTIGUOUS) {
                times<LIMBS>(v, walk ? tw.f : slot_pass_twiddle(P, T, sl));
            }
        } else {
#pragma unroll
            for (int c = 0; c < LIMBS; ++c) v[c] = 0;
        }
        if (!DIF && walk) tw.next();
#pragma unroll
        for (int c = 0; c < LIMBS; ++c) sh[c * plane + sl.l * ls + sh_pos(sl.i1)] = v[c];
    }
}

// The load loop compiled for the pass's source and scale (LoadKind).
template <int LIMBS, bool CONTIGUOUS, bool DIF, bool ONE_COLUMN>
__device__ __forceinline__ void load_tile(const NttPass& P, const Tile& T, uint64_t* sh, uint32_t plane,
                                          uint32_t ls) {
    if (ONE_COLUMN && P.src_mode == SRC_SAME && P.scale_load == SCALE_NONE) {
        return load_loop<LIMBS, CONTIGUOUS, DIF, ONE_COLUMN, LOAD_PLAIN>(P, T, sh, plane, ls);
    }
    if constexpr (ONE_COLUMN && DIF && !CONTIGUOUS) {
        if (splits_scale(P, T, DIF, walks(P, CONTIGUOUS))) {
            if (P.src_mode == SRC_COSETS) {
                return load_loop<LIMBS, CONTIGUOUS, DIF, ONE_COLUMN, LOAD_SPLIT_COSETS>(P, T, sh, plane, ls);
            }
            if (P.src_mode == SRC_COSETS_BITREV) {
                return load_loop<LIMBS, CONTIGUOUS, DIF, ONE_COLUMN, LOAD_SPLIT_COSETS_BITREV>(P, T, sh, plane, ls);
            }
        }
    }
    load_loop<LIMBS, CONTIGUOUS, DIF, ONE_COLUMN, LOAD_ANY>(P, T, sh, plane, ls);
}

// Shared -> global: in a strided DIF pass with the inter-pass twiddle (and
// the line's share of a split scale, see splits_scale), then the
// coefficient scaling.
template <int LIMBS, bool CONTIGUOUS, bool DIF, bool ONE_COLUMN>
__device__ __forceinline__ void store_tile(const NttPass& P, const Tile& T, const uint64_t* sh, uint32_t plane,
                                           uint32_t ls) {
    const uint32_t g = P.log_g, log_c = P.log_c;
    const uint32_t log_steps = g + log_c - LOG_THREADS;
    const bool walk = walks(P, CONTIGUOUS);
    uint64_t* dst = hoisted((uint64_t*)P.dst + T.base * LIMBS);
    TwiddleWalk tw{1, 1};
    if (DIF && walk) {
        uint64_t line_factor = 1;
        if (splits_scale(P, T, DIF, walk)) {
            const uint64_t off = scale_offset(P, T.col0);
            line_factor = two_level((const uint64_t*)P.scale_lo + off, (const uint64_t*)P.scale_hi + off, walk_i2(P, T));
        }
        tw = twiddle_walk(P, T, line_factor);
    }
#pragma unroll 4
    for (uint32_t i = 0; i < (1u << log_steps); ++i) {
        const uint32_t q = step_element(i, log_steps, walk);
        const Slot sl = slot_of(q, g, log_c, CONTIGUOUS);
        if (!ONE_COLUMN && sl.l >= T.lines) continue;
        const uint32_t off = CONTIGUOUS ? q : tile_offset(T, sl);
        uint64_t v[LIMBS];
#pragma unroll
        for (int c = 0; c < LIMBS; ++c) v[c] = sh[c * plane + sl.l * ls + sh_pos(sl.i1)];
        if (DIF && !CONTIGUOUS) {
            times<LIMBS>(v, walk ? tw.f : slot_pass_twiddle(P, T, sl));
            if (walk) tw.next();
        }
        if (P.scale_store != SCALE_NONE) {
            const uint32_t p = ONE_COLUMN ? T.p0 + off : off & T.n_mask;
            times<LIMBS>(v, scale_factor(P, P.scale_store, p, (const uint64_t*)P.scale_lo,
                                         (const uint64_t*)P.scale_hi));
        }
        uint64_t* d = dst + (uint64_t)off * LIMBS;
#pragma unroll
        for (int c = 0; c < LIMBS; ++c) d[c] = v[c];
    }
}

// CONTIGUOUS: the pass's groups are contiguous (log_m == log_g: the last
// pass of a DIF chain, the first of a DIT one). DIF: a DIF pass, else DIT.
// The host launches the matching instantiation, so that the compiler drops
// the other layout's addressing and the other direction's branches.
template <int LIMBS, bool CONTIGUOUS, bool DIF>
__device__ void ntt_pass(const NttPass& P) {
    extern __shared__ uint64_t sh[];
    const uint32_t g = P.log_g;
    const uint32_t ls = line_stride(1u << g);
    const uint32_t plane = ls << P.log_c;
    const bool one_column = tile_in_one_column(P);

    // (the load and the store each derive the tile's geometry: little to
    // recompute, and nothing of it stays live across the stages)
    if (one_column) {
        load_tile<LIMBS, CONTIGUOUS, DIF, true>(P, tile_of_block<CONTIGUOUS>(P), sh, plane, ls);
    } else {
        load_tile<LIMBS, CONTIGUOUS, DIF, false>(P, tile_of_block<CONTIGUOUS>(P), sh, plane, ls);
    }
    __syncthreads();

    const uint64_t* chunk_tw = (const uint64_t*)P.chunk_tw;
    if (P.inverse) {
        run_stages<LIMBS, DIF, true>(sh, plane, ls, g, P.log_c, chunk_tw);
    } else {
        run_stages<LIMBS, DIF, false>(sh, plane, ls, g, P.log_c, chunk_tw);
    }

    if (one_column) {
        store_tile<LIMBS, CONTIGUOUS, DIF, true>(P, tile_of_block<CONTIGUOUS>(P), sh, plane, ls);
    } else {
        store_tile<LIMBS, CONTIGUOUS, DIF, false>(P, tile_of_block<CONTIGUOUS>(P), sh, plane, ls);
    }
}

// Bit-reversal permutation of every column (2^log_n elements of LIMBS u64):
// dst[bitrev(i)] = src[i]. In place when dst == src (each pair swapped once).
template <int LIMBS>
__device__ void bitrev(uint64_t* dst, const uint64_t* src, uint32_t log_n, uint64_t total) {
    const uint64_t mask = (1ull << log_n) - 1;
    const bool in_place = dst == src;
    for (uint64_t t = (uint64_t)blockIdx.x * blockDim.x + threadIdx.x; t < total;
         t += (uint64_t)gridDim.x * blockDim.x) {
        const uint64_t base = t & ~mask;
        const uint64_t i = t & mask;
        const uint64_t j = gl::bit_reverse((uint32_t)i, log_n);
        if (in_place) {
            if (i < j) {
#pragma unroll
                for (int c = 0; c < LIMBS; ++c) {
                    const uint64_t a = dst[(base + i) * LIMBS + c];
                    dst[(base + i) * LIMBS + c] = dst[(base + j) * LIMBS + c];
                    dst[(base + j) * LIMBS + c] = a;
                }
            }
        } else {
#pragma unroll
            for (int c = 0; c < LIMBS; ++c) dst[(base + j) * LIMBS + c] = src[(base + i) * LIMBS + c];
        }
    }
}

}  // namespace

// One entry point per element type, layout and direction (build.rs finds
// kernels by their `extern "C"` definitions, so they are spelled out).
extern "C" __global__ void __launch_bounds__(THREADS, 4) ntt_pass_fp_strided_dif(const NttPass p) {
    ntt_pass<1, false, true>(p);
}
extern "C" __global__ void __launch_bounds__(THREADS, 4) ntt_pass_fp_strided_dit(const NttPass p) {
    ntt_pass<1, false, false>(p);
}
extern "C" __global__ void __launch_bounds__(THREADS, 4) ntt_pass_fp_contiguous_dif(const NttPass p) {
    ntt_pass<1, true, true>(p);
}
extern "C" __global__ void __launch_bounds__(THREADS, 4) ntt_pass_fp_contiguous_dit(const NttPass p) {
    ntt_pass<1, true, false>(p);
}
extern "C" __global__ void __launch_bounds__(THREADS) ntt_pass_fp3_strided_dif(const NttPass p) {
    ntt_pass<3, false, true>(p);
}
extern "C" __global__ void __launch_bounds__(THREADS) ntt_pass_fp3_strided_dit(const NttPass p) {
    ntt_pass<3, false, false>(p);
}
extern "C" __global__ void __launch_bounds__(THREADS) ntt_pass_fp3_contiguous_dif(const NttPass p) {
    ntt_pass<3, true, true>(p);
}
extern "C" __global__ void __launch_bounds__(THREADS) ntt_pass_fp3_contiguous_dit(const NttPass p) {
    ntt_pass<3, true, false>(p);
}

extern "C" __global__ void ntt_bitrev_fp(uint64_t* dst, const uint64_t* src, uint32_t log_n, uint64_t total) {
    bitrev<1>(dst, src, log_n, total);
}
extern "C" __global__ void ntt_bitrev_fp3(uint64_t* dst, const uint64_t* src, uint32_t log_n, uint64_t total) {
    bitrev<3>(dst, src, log_n, total);
}

// Tiled bit reversal (see ntt_bitrev.cuh) for log_n >= 2 * tile bits: 32 x 32
// tiles for Fp, 16 x 16 for Fp3 (two tiles of each fit the static shared memory).
extern "C" __global__ void __launch_bounds__(bitrev_tiled::THREADS)
    ntt_bitrev_tiled_fp(uint64_t* dst, const uint64_t* src, uint32_t log_n, uint64_t columns) {
    bitrev_tiled::permute<1, 5>(dst, src, log_n, columns);
}
extern "C" __global__ void __launch_bounds__(bitrev_tiled::THREADS)
    ntt_bitrev_tiled_fp3(uint64_t* dst, const uint64_t* src, uint32_t log_n, uint64_t columns) {
    bitrev_tiled::permute<3, 4>(dst, src, log_n, columns);
}

// out[i] = scale * base^i for i < count.
extern "C" __global__ void ntt_powers(uint64_t* out, uint64_t base, uint64_t scale, uint64_t count) {
    for (uint64_t i = (uint64_t)blockIdx.x * blockDim.x + threadIdx.x; i < count;
         i += (uint64_t)gridDim.x * blockDim.x) {
        out[i] = gl::mul(scale, gl::pow(base, i));
    }
}

// The chunk twiddle table (see the header): entry e of span 2^L, row k - 1,
// index lo holds omega12^((lo k) << (12 - L)) = omega_L^(lo k).
extern "C" __global__ void ntt_chunk_twiddles(uint64_t* out, uint64_t omega12) {
    const uint32_t len = chunk_tw_base(13);
    for (uint32_t e = blockIdx.x * blockDim.x + threadIdx.x; e < len; e += gridDim.x * blockDim.x) {
        // chunk_tw_base(L) / 7 + 2 = 2^(L-3) <= e / 7 + 2 < 2^(L-2)
        const uint32_t L = 3 + (31 - __clz(e / 7 + 2));
        const uint32_t rem = e - chunk_tw_base(L);
        const uint32_t k = (rem >> (L - 3)) + 1;
        const uint32_t lo = rem & ((1u << (L - 3)) - 1);
        out[e] = gl::pow(omega12, (uint64_t)(lo * k) << (12 - L));
    }
}
