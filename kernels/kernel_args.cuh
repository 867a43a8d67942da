// Structs the kernels take by value or read from device tables, whose
// layout the host must reproduce: each has a mirror in backend-cuda's
// src/args.rs, and both sides assert the layout of kernels/abi_layouts.cuh
// (here: kernels/abi_check.cu; there: at compile time, from build.rs's table).
#pragma once
#include <stdint.h>

// Parameters of one NTT pass (kernels/ntt.cu), passed by value.
struct NttPass {
    uint64_t dst;       // uint64_t*: columns of 2^log_n elements of LIMBS u64
    uint64_t src;       // const uint64_t*: see src_mode (may equal dst)
    uint64_t chunk_tw;  // const uint64_t*: chunk twiddles (kernels/ntt.cu)
    uint64_t tw_lo;     // const uint64_t*
    uint64_t tw_hi;     // const uint64_t*
    uint64_t scale_lo;  // const uint64_t* (unused when both scale modes are NONE)
    uint64_t scale_hi;  // const uint64_t*
    uint64_t columns;
    uint32_t log_n;
    uint32_t log_m;       // this pass's sub-problem size
    uint32_t log_g;       // this pass's group size n1 = 2^log_g (1 <= log_g <= 12)
    uint32_t log_c;       // lines per tile C = 2^log_c
    uint32_t log_tw;      // tw tables are powers of omega_{log_tw}, log_tw >= log_n
    uint32_t inverse;     // 1: use omega^-1
    uint32_t src_mode;    // SrcMode
    uint32_t src_log_n;   // column height of src (SRC_PREFIX / SRC_SPREAD)
    uint32_t scale_load;  // ScaleMode applied right after the load
    uint32_t scale_store; // ScaleMode applied right before the store
    uint32_t log_b;       // SRC_COSETS: dst columns per src column = 2^log_b
    uint64_t scale_stride; // SRC_COSETS: u64 between the scale tables of two chunks
};

// A proof-of-work seed (kernels/grind.cu), passed by value: its 32 bytes as
// four little-endian lanes.
struct Seed {
    uint64_t lanes[4];
};
