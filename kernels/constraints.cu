// Primitive 9, constraint evaluation: a bytecode interpreter, one thread per
// composition position k < M = 2^log_eval (see backend-cuda/src/constraints.rs
// for the host-side compiler and backend_api::expr for the definition).
//
// Position k is the point x_k = shift * omega_M^nat(k), nat(k) =
// bit_reverse(k, log_eval); its next row is next(k) = bit_reverse((nat(k) +
// M/n) mod M, log_eval). The result is
//   out[k] = sum_c alpha^c * C_c(k) * zinv_{rows_c}(k),
// accumulated here as sum_r zinv_r(k) * (sum_{c: rows_c = r} alpha^c C_c(k)):
// exact field arithmetic, so the regrouping gives the same bytes.
//
// Inverse zerofiers (prepared by constraints_zerofiers + a batch inverse):
//   first[k] = 1/(x_k - 1), last[k] = 1/(x_k - g^(n-1)),
//   last_factor[k] = x_k - g^(n-1), every[j] = 1/(shift^n omega_q^j - 1) with
//   q = M/n and x_k^n = shift^n omega_q^(nat(k) mod q);
//   transition = last_factor * every.
#include "constraints_program.cuh"
#include "power_table.cuh"

using gl::Fp3;

// Writes, for k < M: first[k] = x_k - 1, last[k] = last_factor[k] = x_k - g_last;
// for j < q: every[j] = shift_n * omega_q^j - 1. Inverted afterwards
// (first, last, every; not last_factor).
extern "C" __global__ void constraints_zerofiers(uint64_t* first, uint64_t* last, uint64_t* last_factor,
                                                 uint64_t* every, uint64_t m, uint32_t log_eval, uint64_t shift,
                                                 PowerTable omega_m, uint64_t g_last, uint64_t q,
                                                 uint64_t shift_n, PowerTable omega_q) {
    uint64_t k = (uint64_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (k < m) {
        uint64_t x = table_pow(omega_m, shift, gl::bit_reverse((uint32_t)k, log_eval));
        first[k] = gl::sub(x, 1);
        uint64_t lf = gl::sub(x, g_last);
        last[k] = lf;
        last_factor[k] = lf;
    }
    if (k < q) every[k] = gl::sub(table_pow(omega_q, shift_n, (uint32_t)k), 1);
}

// Per-thread slots in local memory (the compiler keeps at most N live).
template <int N>
struct LocalSlots {
    Fp3 v[N];
    __device__ __forceinline__ Fp3& operator[](uint32_t i) { return v[i]; }
};

// Slots in a global scratch buffer, slot-major: slot s of thread t at
// base[s * stride + t] (coalesced across a warp).
struct GlobalSlots {
    Fp3* base;
    uint64_t stride;
    uint64_t t;
    __device__ __forceinline__ Fp3& operator[](uint32_t i) { return base[i * stride + t]; }
};

template <typename Slots>
__device__ __forceinline__ void eval_position(const EvalArgs& a, Slots& s, uint64_t k) {
    const uint64_t m_mask = (a.m - 1);
    const uint32_t nat = gl::bit_reverse((uint32_t)k, a.log_eval);
    const uint64_t next = gl::bit_reverse((uint32_t)((nat + a.step) & m_mask), a.log_eval);
    Fp3 acc[4] = {gl::fp3_zero(), gl::fp3_zero(), gl::fp3_zero(), gl::fp3_zero()};

    for (uint32_t pc = 0; pc < a.program_len; ++pc) {
        const uint4 ins = __ldg(&a.program[pc]);
        const uint32_t op = ins.x & OP_MASK, dst = ins.y, x = ins.z, y = ins.w;
        // Fp3 operands, read as base values (c0 only) when flagged.
        const auto ext = [&](uint32_t i, uint32_t flag) {
            return (ins.x & flag) ? gl::fp3_from_base(s[i].c0) : s[i];
        };
        switch (op) {
            case OP_LOAD_MAIN:
                s[dst].c0 = a.main[(uint64_t)x * a.lde_height + (y ? next : k)];
                break;
            case OP_LOAD_PRE:
                s[dst].c0 = a.pre[(uint64_t)x * a.lde_height + (y ? next : k)];
                break;
            case OP_LOAD_PERIODIC:
                s[dst].c0 = a.periodic[(uint64_t)x + (nat & y)];
                break;
            case OP_LOAD_AUX:
                s[dst] = a.aux[(uint64_t)x * a.lde_height + (y ? next : k)];
                break;
            case OP_LOAD_POOL:
                s[dst] = a.pool[x];
                break;
            case OP_ADD_E:
                s[dst] = gl::add(ext(x, BASE_X), ext(y, BASE_Y));
                break;
            case OP_SUB_E:
                s[dst] = gl::sub(ext(x, BASE_X), ext(y, BASE_Y));
                break;
            case OP_NEG_E:
                s[dst] = gl::neg(ext(x, BASE_X));
                break;
            case OP_MUL_EE:
                s[dst] = gl::mul(s[x], s[y]);
                break;
            case OP_MUL_EB:
                s[dst] = gl::mul(s[x], s[y].c0);
                break;
            case OP_ADD_B:
                s[dst].c0 = gl::add(s[x].c0, s[y].c0);
                break;
            case OP_SUB_B:
                s[dst].c0 = gl::sub(s[x].c0, s[y].c0);
                break;
            case OP_NEG_B:
                s[dst].c0 = gl::neg(s[x].c0);
                break;
            case OP_MUL_BB:
                s[dst].c0 = gl::mul(s[x].c0, s[y].c0);
                break;
            case OP_ACC_E:
            case OP_ACC_B: {
                const Fp3 p = a.powers[y];
                const Fp3 term = op == OP_ACC_B ? gl::mul(p, s[x].c0) : gl::mul(p, s[x]);
                // Static indices keep acc in registers.
                switch (dst) {
                    case 0: acc[0] = gl::add(acc[0], term); break;
                    case 1: acc[1] = gl::add(acc[1], term); break;
                    case 2: acc[2] = gl::add(acc[2], term); break;
                    default: acc[3] = gl::add(acc[3], term); break;
                }
                break;
            }
            default:
                break;
        }
    }

    const uint64_t every = a.every[nat & a.q_mask];
    Fp3 r = gl::mul(acc[0], a.first[k]);
    r = gl::add(r, gl::mul(acc[1], a.last[k]));
    r = gl::add(r, gl::mul(acc[2], gl::mul(a.last_factor[k], every)));
    r = gl::add(r, gl::mul(acc[3], every));
    a.out[k] = r;
}

template <int N>
__device__ __forceinline__ void eval_local(const EvalArgs& a) {
    uint64_t k = a.start + (uint64_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (k >= a.start + a.count) return;
    LocalSlots<N> s;
    eval_position(a, s, k);
}

// Four blocks an SM (64 registers): the interpreter mostly waits on its
// slots in local memory, so occupancy counts more than registers (at 66
// registers, three blocks, keccak's composition measured 25% slower).
extern "C" __global__ void __launch_bounds__(256, 4) constraints_eval_local16(EvalArgs a) { eval_local<16>(a); }
extern "C" __global__ void __launch_bounds__(256, 4) constraints_eval_local48(EvalArgs a) { eval_local<48>(a); }

// Positions start .. start + count with the slots in a.scratch (stride count).
extern "C" __global__ void __launch_bounds__(256) constraints_eval_global(EvalArgs a) {
    uint64_t t = (uint64_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (t >= a.count) return;
    GlobalSlots s{a.scratch, a.count, t};
    eval_position(a, s, a.start + t);
}
