// The constraint-evaluation bytecode shared with the host compiler
// (backend-cuda/src/constraints_program.rs; keep the opcodes in sync).
//
// One instruction is a uint4 {op, dst, x, y}; dst, x, y are slot indices
// unless stated:
//   LOAD_MAIN  s[dst] = main column x at k (y = 0) or next(k) (y = 1)
//   LOAD_PRE   s[dst] = preprocessed column x at k or next(k)
//   LOAD_PERIODIC s[dst] = periodic[x + (nat(k) & y)]: a table at word offset
//              x of length y + 1 (a power of two), nat(k) = bit_reverse(k)
//   LOAD_AUX   s[dst] = aux column x at k or next(k)
//   LOAD_POOL  s[dst] = pool[x] (constants, challenges, public inputs as Fp3)
//   *_E        Fp3 arithmetic; MUL_EB multiplies the Fp3 s[x] by the base s[y]
//   *_B        base-field arithmetic on c0 (operands known to lie in Fp)
//   ACC_E/_B   acc[dst] += powers[y] * s[x], dst = RowSet tag (s[x] in Fp for _B)
// Base-field values (LOAD_MAIN, LOAD_PRE, LOAD_PERIODIC and the *_B results)
// are written to c0 only; the slot's c1 and c2 keep whatever they held. The
// *_E instructions read such an operand through a flag in the opcode word
// (bits above OP_MASK): BASE_X for x, BASE_Y for y, meaning c1 = c2 = 0.
#pragma once
#include "ext3.cuh"

enum : uint32_t {
    OP_LOAD_MAIN = 0,
    OP_LOAD_AUX = 1,
    OP_LOAD_POOL = 2,
    OP_ADD_E = 3,
    OP_SUB_E = 4,
    OP_NEG_E = 5,
    OP_MUL_EE = 6,
    OP_MUL_EB = 7,
    OP_ADD_B = 8,
    OP_SUB_B = 9,
    OP_NEG_B = 10,
    OP_MUL_BB = 11,
    OP_ACC_E = 12,
    OP_ACC_B = 13,
    OP_LOAD_PRE = 14,
    OP_LOAD_PERIODIC = 15,
};

// The opcode word: opcode in the low bits, operand flags above.
enum : uint32_t {
    OP_MASK = 0xFF,
    BASE_X = 1u << 8,
    BASE_Y = 1u << 9,
};

// Kernel arguments, passed by value; mirrors EvalArgs in constraints.rs.
struct EvalArgs {
    const uint4* program;
    const gl::Fp3* pool;
    const gl::Fp3* powers;
    const uint64_t* main;   // column-major, height lde_height
    const uint64_t* pre;    // column-major, height lde_height (may be null)
    const gl::Fp3* aux;     // column-major, height lde_height (may be null)
    const uint64_t* periodic;  // the periodic tables, one after the other (may be null)
    const uint64_t* first;  // [M] inverse zerofiers, see constraints.cu
    const uint64_t* last;
    const uint64_t* last_factor;
    const uint64_t* every;  // [q]
    gl::Fp3* out;           // [M]
    gl::Fp3* scratch;       // global slots (constraints_eval_global only)
    uint64_t lde_height;
    uint64_t m;             // M = 2^log_eval
    uint64_t step;          // M / n
    uint64_t q_mask;        // q - 1, q = M / n
    uint64_t start;         // first position of this launch
    uint64_t count;         // positions in this launch
    uint32_t program_len;
    uint32_t log_eval;
};
