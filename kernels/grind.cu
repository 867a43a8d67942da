// Proof-of-work grinding: the smallest nonce in [start, start + count) with
// the first `bits` bits of Keccak-256(seed || nonce as 8 bytes big-endian)
// zero. Every valid nonce a thread meets goes to atomicMin; a thread stops at
// its first hit (its later nonces are larger). The host scans batches in
// order and stops at the first batch with a hit, so the answer is the
// smallest valid nonce overall, whatever the schedule.
#include "keccak.cuh"
#include "kernel_args.cuh"

extern "C" __global__ void grind(Seed seed, uint64_t start, uint64_t count, uint32_t bits,
                                 unsigned long long* result) {
    uint64_t stride = (uint64_t)gridDim.x * blockDim.x;
    for (uint64_t k = (uint64_t)blockIdx.x * blockDim.x + threadIdx.x; k < count; k += stride) {
        uint64_t nonce = start + k;
        uint64_t s[25];
        keccak::zero(s);
#pragma unroll
        for (int i = 0; i < 4; ++i) s[i] = seed.lanes[i];
        s[4] = keccak::bswap64(nonce);
        s[5] = 0x01ull;
        s[16] = 0x80ull << 56;
        keccak::f1600(s);
        uint64_t lead = keccak::bswap64(s[0]);
        bool valid = bits >= 64 ? lead == 0 : (lead >> (64 - bits)) == 0;
        if (valid) {
            atomicMin(result, (unsigned long long)nonce);
            break;
        }
    }
}
