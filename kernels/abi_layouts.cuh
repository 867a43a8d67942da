// The layout (size, alignment in bytes) of every struct a kernel takes by
// value or reads from a device table. One table, asserted on both sides:
// by the kernels' compiler (kernels/abi_check.cu) against the structs, and
// by rustc against backend-cuda's mirrors (build.rs turns each line into an
// `ABI_*` constant that src/args.rs asserts). Change a struct, and both
// builds fail until this table and the mirror agree again.
//
// ABI_STRUCT(C type, Rust constant, size, align)
ABI_STRUCT(NttPass, ABI_NTT_PASS, 120, 8)
ABI_STRUCT(EvalArgs, ABI_EVAL_ARGS, 160, 8)
ABI_STRUCT(PowerTable, ABI_POWER_TABLE, 256, 8)
ABI_STRUCT(gl::Fp3, ABI_FP3, 24, 8)
ABI_STRUCT(Seed, ABI_SEED, 32, 8)
