// LogUp: fingerprints, term columns, and the running sum by a multi-block
// prefix scan.
//
// Interaction table (u64 words): for interaction k, 5 header words at 5k:
//   bus, sign (1 or p - 1), number of values, word offset of the first value
//   expression (the values' expressions follow each other), word offset of
//   the multiplicity expression.
// An expression at offset o (backend_api::RowExpr, a postfix program):
//   op count, then per op two words (tag, argument): tags as RowOp::tag,
//   the argument a constant (CONST) or a column (MAIN, PRE), else 0.
// check::logup makes every program fit MAX_STACK stack slots.
// alpha_pows[i] = alpha^(i + 1). Matrices are column-major: main[c * n + r],
// pre[c * n + r] (null when the table has no preprocessed columns),
// out[k * n + r].
#include "ext3.cuh"

using gl::Fp3;

// Stack slots of the expression interpreter: backend_api::MAX_STACK_DEPTH,
// which check::logup makes every program fit.
constexpr int MAX_STACK = 16;

enum : uint64_t {
    ROP_CONST = 0,
    ROP_MAIN = 1,
    ROP_PRE = 2,
    ROP_ADD = 3,
    ROP_SUB = 4,
    ROP_SUBREV = 5,
    ROP_MUL = 6,
    ROP_NEG = 7,
};

// The base-field row values an expression reads.
struct Rows {
    const uint64_t* main;
    const uint64_t* pre;
    uint64_t n;
};

__device__ __forceinline__ uint64_t leaf(uint64_t tag, uint64_t arg, const Rows& rows, uint64_t r) {
    switch (tag) {
        case ROP_MAIN: return rows.main[arg * rows.n + r];
        case ROP_PRE: return rows.pre[arg * rows.n + r];
        default: return arg;  // ROP_CONST
    }
}

// The expression at table offset o, on row r.
__device__ uint64_t eval_expr(const uint64_t* table, uint64_t o, const Rows& rows, uint64_t r) {
    const uint64_t ops = table[o];
    const uint64_t* p = table + o + 1;
    if (ops == 1) return leaf(p[0], p[1], rows, r);
    uint64_t stack[MAX_STACK];
    int sp = 0;
    for (uint64_t i = 0; i < ops; ++i) {
        const uint64_t tag = p[2 * i], arg = p[2 * i + 1];
        if (tag <= ROP_PRE) {
            stack[sp++] = leaf(tag, arg, rows, r);
        } else if (tag == ROP_NEG) {
            stack[sp - 1] = gl::neg(stack[sp - 1]);
        } else {
            const uint64_t y = stack[--sp], x = stack[sp - 1];
            uint64_t v;
            switch (tag) {
                case ROP_ADD: v = gl::add(x, y); break;
                case ROP_SUB: v = gl::sub(x, y); break;
                case ROP_SUBREV: v = gl::sub(y, x); break;
                default: v = gl::mul(x, y); break;  // ROP_MUL
            }
            stack[sp - 1] = v;
        }
    }
    return stack[0];
}

__device__ __forceinline__ uint64_t expr_words(const uint64_t* table, uint64_t o) { return 1 + 2 * table[o]; }

// f_k(r) = z - (bus_k + sum_i alpha^i v_{k,i}(r)).
__device__ __forceinline__ Fp3 fingerprint(const Rows& rows, const uint64_t* table, uint32_t k,
                                           const Fp3* alpha_pows, Fp3 z, uint64_t r) {
    const uint64_t* h = table + 5 * (uint64_t)k;
    Fp3 acc = gl::fp3_from_base(h[0]);
    uint64_t o = h[3];
    for (uint64_t i = 0; i < h[2]; ++i) {
        acc = gl::add(acc, gl::mul(alpha_pows[i], eval_expr(table, o, rows, r)));
        o += expr_words(table, o);
    }
    return gl::sub(z, acc);
}

extern "C" __global__ void logup_fingerprints(const uint64_t* main, const uint64_t* pre, uint64_t n,
                                              const uint64_t* table, uint32_t interactions,
                                              const Fp3* alpha_pows, Fp3 z, Fp3* out) {
    uint64_t r = (uint64_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (r >= n) return;
    const Rows rows{main, pre, n};
    for (uint32_t k = 0; k < interactions; ++k) out[k * n + r] = fingerprint(rows, table, k, alpha_pows, z, r);
}

// t_j(r) = sum over a in {2j, 2j + 1}, a < interactions, of s_a m_a(r) / f_a(r)
// (finv holds the pseudo-inverted fingerprints); column `terms` gets the
// row total sum_j t_j(r), which the scan below turns into the running sum.
extern "C" __global__ void logup_terms(const uint64_t* main, const uint64_t* pre, uint64_t n,
                                       const uint64_t* table, uint32_t interactions, const Fp3* finv,
                                       Fp3* aux) {
    uint64_t r = (uint64_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (r >= n) return;
    const Rows rows{main, pre, n};
    uint32_t terms = (interactions + 1) / 2;
    Fp3 total = gl::fp3_zero();
    for (uint32_t j = 0; j < terms; ++j) {
        Fp3 t = gl::fp3_zero();
        for (uint32_t a = 2 * j; a < 2 * j + 2 && a < interactions; ++a) {
            const uint64_t* h = table + 5 * (uint64_t)a;
            uint64_t m = gl::mul(h[1], eval_expr(table, h[4], rows, r));
            t = gl::add(t, gl::mul(finv[a * n + r], m));
        }
        aux[j * n + r] = t;
        total = gl::add(total, t);
    }
    aux[(uint64_t)terms * n + r] = total;
}

// ---- inclusive prefix sum of n Fp3 values, in place, in three passes ----
constexpr int SCAN_THREADS = 256;
constexpr int SCAN_PER_THREAD = 8;
constexpr uint64_t SCAN_CHUNK = SCAN_THREADS * SCAN_PER_THREAD;

// Inclusive Hillis-Steele scan of one value per thread across the block.
template <int N>
__device__ Fp3 block_inclusive_scan(Fp3 x, Fp3* shared) {
    const int t = threadIdx.x;
    shared[t] = x;
    __syncthreads();
    for (int off = 1; off < N; off <<= 1) {
        Fp3 v = t >= off ? gl::add(shared[t - off], shared[t]) : shared[t];
        __syncthreads();
        shared[t] = v;
        __syncthreads();
    }
    return shared[t];
}

// Pass 1: block_sums[b] = sum of chunk b.
extern "C" __global__ void __launch_bounds__(SCAN_THREADS) scan_block_sums(const Fp3* v, uint64_t n, Fp3* block_sums) {
    __shared__ Fp3 sh[SCAN_THREADS];
    uint64_t base = blockIdx.x * SCAN_CHUNK + (uint64_t)threadIdx.x * SCAN_PER_THREAD;
    Fp3 acc = gl::fp3_zero();
#pragma unroll
    for (int e = 0; e < SCAN_PER_THREAD; ++e)
        if (base + e < n) acc = gl::add(acc, v[base + e]);
    Fp3 incl = block_inclusive_scan<SCAN_THREADS>(acc, sh);
    if (threadIdx.x == SCAN_THREADS - 1) block_sums[blockIdx.x] = incl;
}

// Pass 2 (one block of 1024 threads): block_sums becomes exclusive prefix sums.
extern "C" __global__ void __launch_bounds__(1024) scan_block_offsets(Fp3* sums, uint64_t blocks) {
    __shared__ Fp3 sh[1024];
    uint64_t per = (blocks + 1023) / 1024;
    uint64_t lo = threadIdx.x * per, hi = lo + per < blocks ? lo + per : blocks;
    Fp3 acc = gl::fp3_zero();
    for (uint64_t i = lo; i < hi; ++i) acc = gl::add(acc, sums[i]);
    Fp3 incl = block_inclusive_scan<1024>(acc, sh);
    Fp3 run = gl::sub(incl, acc);  // exclusive prefix of this thread's segment
    for (uint64_t i = lo; i < hi; ++i) {
        Fp3 s = sums[i];
        sums[i] = run;
        run = gl::add(run, s);
    }
}

// Pass 3: v[i] = offsets[block] + inclusive prefix within the block.
extern "C" __global__ void __launch_bounds__(SCAN_THREADS) scan_apply(Fp3* v, uint64_t n, const Fp3* offsets) {
    __shared__ Fp3 sh[SCAN_THREADS];
    uint64_t base = blockIdx.x * SCAN_CHUNK + (uint64_t)threadIdx.x * SCAN_PER_THREAD;
    Fp3 x[SCAN_PER_THREAD];
    Fp3 acc = gl::fp3_zero();
#pragma unroll
    for (int e = 0; e < SCAN_PER_THREAD; ++e) {
        x[e] = base + e < n ? v[base + e] : gl::fp3_zero();
        acc = gl::add(acc, x[e]);
    }
    Fp3 incl = block_inclusive_scan<SCAN_THREADS>(acc, sh);
    Fp3 run = gl::add(offsets[blockIdx.x], gl::sub(incl, acc));
#pragma unroll
    for (int e = 0; e < SCAN_PER_THREAD; ++e) {
        run = gl::add(run, x[e]);
        if (base + e < n) v[base + e] = run;
    }
}
