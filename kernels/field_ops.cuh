// Uniform names over Fp (uint64_t) and Fp3 for kernels templated on the
// element type: one, zero, is_zero, and the usual operations from gl::.
#pragma once
#include "ext3.cuh"

namespace gl {

template <typename F>
struct FieldOps;

template <>
struct FieldOps<uint64_t> {
    static constexpr int LIMBS = 1;
    static GL_FN uint64_t one() { return 1; }
    static GL_FN uint64_t zero() { return 0; }
    static GL_FN bool is_zero(uint64_t a) { return a == 0; }
};

template <>
struct FieldOps<Fp3> {
    static constexpr int LIMBS = 3;
    static GL_FN Fp3 one() { return fp3_one(); }
    static GL_FN Fp3 zero() { return fp3_zero(); }
    static GL_FN bool is_zero(Fp3 a) { return fp3_is_zero(a); }
};

// Embeds a base or extension element into Fp3.
GL_FN Fp3 to_ext(uint64_t a) { return fp3_from_base(a); }
GL_FN Fp3 to_ext(Fp3 a) { return a; }

}  // namespace gl
