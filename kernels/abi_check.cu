// Compile-time checks, no kernels: every kernel-argument struct has the
// layout kernels/abi_layouts.cuh records (and backend-cuda's mirrors assert).
#include "constraints_program.cuh"
#include "ext3.cuh"
#include "kernel_args.cuh"
#include "power_table.cuh"

#define ABI_STRUCT(T, NAME, SIZE, ALIGN)                                                   \
    static_assert(sizeof(T) == (SIZE) && alignof(T) == (ALIGN),                          \
                  "the layout of " #T " changed: update kernels/abi_layouts.cuh and its " \
                  "mirror in backend-cuda/src/args.rs");
#include "abi_layouts.cuh"
