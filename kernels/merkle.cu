// Keccak Merkle trees over column-major matrices, built on the device.
//
// Digest storage: one array of 2N - 1 digests (4 lanes each) for N leaves,
// level by level: level k (N >> k digests) starts at digest 2N - 2 (N >> k),
// so level 0 holds the leaves and digest 2N - 2 is the root.
//
// Leaf j hashes LEAF_PREFIX, then, for each of rows j*R .. j*R + R - 1 in
// turn, for each matrix in turn, that row's elements from column 0 up, each
// as LIMBS big-endian u64 words (c0, c1, c2 for Fp3): backend_api::hash_leaf.
// Nodes hash NODE_PREFIX || left || right: backend_api::hash_node.
//
// A tables tree (backend_api::ProverDevice::merkle_commit_tables) first
// hashes each matrix's rows alone (merkle_leaves with one matrix, one row
// per leaf), then merkle_join_tables joins one row digest per matrix into
// each leaf: TABLES_PREFIX || rows_0[j >> shift_0] || rows_1[j >> shift_1]
// || ... (backend_api::hash_tables_leaf).
#include "keccak.cuh"

// Word w of leaf j is the u64 at `leaf_words[w] + j * leaf_stride`: the host
// lists the address of every word of leaf 0 in hashing order
// (backend-cuda's merkle.rs, `leaf_word_table`), and leaf_stride is rows per
// leaf * LIMBS. A word then costs a load of its table entry (the same
// address in every thread of a warp), an add and its own load; walking the
// matrices' shapes cost ~25 instructions a word, ~12% of a leaf.
struct LeafWords {
    const uint64_t* const* entry;
    uint64_t offset;

    __device__ uint64_t operator()() { return (*entry++)[offset]; }
};

extern "C" __global__ void merkle_leaves(const uint64_t* const* leaf_words, uint64_t words_per_leaf,
                                         uint64_t leaf_stride, uint64_t num_leaves, uint64_t* digests) {
    const uint64_t j = (uint64_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (j >= num_leaves) return;
    LeafWords words{leaf_words, j * leaf_stride};
    uint64_t d[4];
    keccak::hash_prefixed_words(keccak::LEAF_PREFIX_LANE, words_per_leaf, words, d);
#pragma unroll
    for (int i = 0; i < 4; ++i) digests[j * 4 + i] = d[i];
}

// merkle_leaves a few sponge blocks at a time, so that a leaf's leading
// columns are hashed before its later ones are written (backend-cuda's
// merkle.rs, `RowHasher`): full blocks b0 .. b1 - 1 of every leaf, from
// the sponge state stored by the previous launch (from zero when b0 is 0);
// then with `finish` the last block and the digest, else the state stored.
// State lane i of leaf j is states[i * num_leaves + j] (coalesced).
extern "C" __global__ void merkle_leaves_blocks(const uint64_t* const* leaf_words, uint64_t words_per_leaf,
                                                uint64_t leaf_stride, uint64_t num_leaves, uint64_t b0,
                                                uint64_t b1, uint32_t finish, uint64_t* states,
                                                uint64_t* digests) {
    const uint64_t j = (uint64_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (j >= num_leaves) return;
    const uint64_t first_word = b0 == 0 ? 0 : keccak::RATE_LANES * b0 - 1;
    LeafWords words{leaf_words + first_word, j * leaf_stride};
    uint64_t s[25];
    if (b0 == 0) {
        keccak::zero(s);
    } else {
#pragma unroll
        for (int i = 0; i < 25; ++i) s[i] = states[i * num_leaves + j];
    }
    keccak::absorb_blocks(s, keccak::LEAF_PREFIX_LANE, b0, b1, words);
    if (finish) {
        uint64_t d[4];
        keccak::absorb_last_block(s, keccak::LEAF_PREFIX_LANE, words_per_leaf, words, d);
#pragma unroll
        for (int i = 0; i < 4; ++i) digests[j * 4 + i] = d[i];
    } else {
#pragma unroll
        for (int i = 0; i < 25; ++i) states[i * num_leaves + j] = s[i];
    }
}

// The words of tables leaf `leaf`: each table's row digest in turn, four
// lanes each. `tables` holds (row digests address, shift) pairs. Digest
// lanes enter the state as they are, so they are handed out byte-swapped
// (hash_prefixed_words swaps every word it absorbs).
struct JoinedWords {
    const uint64_t* tables;
    uint64_t leaf;
    uint32_t t;
    int w;

    __device__ uint64_t operator()() {
        const uint64_t* rows = reinterpret_cast<const uint64_t*>(tables[2 * t]);
        uint64_t word = rows[4 * (leaf >> tables[2 * t + 1]) + w];
        if (++w == 4) {
            w = 0;
            ++t;
        }
        return keccak::bswap64(word);
    }
};

extern "C" __global__ void merkle_join_tables(const uint64_t* tables, uint32_t ntables, uint64_t num_leaves,
                                              uint64_t* digests) {
    uint64_t j = (uint64_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (j >= num_leaves) return;
    JoinedWords words{tables, j, 0, 0};
    uint64_t d[4];
    keccak::hash_prefixed_words(keccak::TABLES_PREFIX_LANE, 4 * (uint64_t)ntables, words, d);
#pragma unroll
    for (int i = 0; i < 4; ++i) digests[j * 4 + i] = d[i];
}

__device__ __forceinline__ uint64_t level_offset(uint64_t leaves, uint32_t level) {
    return 2 * leaves - 2 * (leaves >> level);
}

// Level `from + 1` from level `from`: one thread per parent, `parents =
// leaves >> (from + 1)` of them. For the wide lower levels, where every
// thread has a node to hash (the fused kernel below idles most of its
// threads after its first step).
extern "C" __global__ void merkle_level(uint64_t* digests, uint64_t leaves, uint32_t from) {
    const uint64_t i = (uint64_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= (leaves >> (from + 1))) return;
    const uint64_t* children = digests + 4 * level_offset(leaves, from);
    uint64_t out[4];
    keccak::hash_node(children + 8 * i, children + 8 * i + 4, out);
    uint64_t* dst = digests + 4 * (level_offset(leaves, from + 1) + i);
#pragma unroll
    for (int k = 0; k < 4; ++k) dst[k] = out[k];
}

// Builds `levels` levels above level `from` (which holds `leaves >> from`
// digests). Block b owns children b * 2^levels .. (b + 1) * 2^levels - 1 and
// has 2^(levels - 1) threads; intermediate levels stay in shared memory and
// are also written out (openings need every level).
extern "C" __global__ void merkle_nodes(uint64_t* digests, uint64_t leaves, uint32_t from, uint32_t levels) {
    __shared__ uint64_t level[256][4];
    const uint32_t t = threadIdx.x;
    const uint64_t b = blockIdx.x;
    const uint64_t* children = digests + 4 * level_offset(leaves, from);
    uint64_t out[4];
    {
        uint64_t i = (b << (levels - 1)) + t;  // parent index on level from + 1
        keccak::hash_node(children + 8 * i, children + 8 * i + 4, out);
        uint64_t* dst = digests + 4 * (level_offset(leaves, from + 1) + i);
#pragma unroll
        for (int k = 0; k < 4; ++k) {
            dst[k] = out[k];
            level[t][k] = out[k];
        }
    }
    for (uint32_t s = 2; s <= levels; ++s) {
        __syncthreads();
        const uint32_t active = 1u << (levels - s);
        bool on = t < active;
        if (on) {
            uint64_t l[4], r[4];
#pragma unroll
            for (int k = 0; k < 4; ++k) {
                l[k] = level[2 * t][k];
                r[k] = level[2 * t + 1][k];
            }
            keccak::hash_node(l, r, out);
        }
        __syncthreads();
        if (on) {
            uint64_t i = (b << (levels - s)) + t;
            uint64_t* dst = digests + 4 * (level_offset(leaves, from + s) + i);
#pragma unroll
            for (int k = 0; k < 4; ++k) {
                dst[k] = out[k];
                level[t][k] = out[k];
            }
        }
    }
}

// For each requested leaf: its values (words_per_leaf u64s, canonical
// limbs in hashing order, through the leaf word table as in merkle_leaves)
// then its `depth` sibling digests, leaf level first. One thread per output
// word: every load is independent, so a launch costs about one memory
// latency (a thread per opening walked its words and path one dependent
// load after another, ~90 us for 40 openings).
extern "C" __global__ void merkle_open(const uint64_t* const* leaf_words, uint64_t words_per_leaf,
                                       uint64_t leaf_stride, const uint64_t* digests, uint64_t leaves,
                                       uint32_t depth, const uint64_t* indices, uint64_t count, uint64_t* out) {
    const uint64_t per_opening = words_per_leaf + 4 * (uint64_t)depth;
    const uint64_t t = (uint64_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (t >= count * per_opening) return;
    const uint64_t q = t / per_opening;
    const uint64_t w = t - q * per_opening;
    const uint64_t leaf = indices[q];
    if (w < words_per_leaf) {
        out[t] = leaf_words[w][leaf * leaf_stride];
    } else {
        const uint64_t k = (w - words_per_leaf) >> 2;
        const uint64_t sibling = (leaf >> k) ^ 1;
        out[t] = digests[4 * (level_offset(leaves, (uint32_t)k) + sibling) + ((w - words_per_leaf) & 3)];
    }
}
