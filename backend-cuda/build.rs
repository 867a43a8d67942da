//! Compiles every `../kernels/*.cu` with nvcc into a fatbin (cubins for sm_80
//! and sm_90, plus compute_90 PTX for newer GPUs) and generates
//! `$OUT_DIR/kernels.rs`:
//!
//! * `FATBINS: &[(module, bytes)]`, the embedded fatbins;
//! * `KernelId`, one variant per `extern "C" __global__` function found in
//!   the sources (the launchers name kernels by these variants, so a
//!   misspelt or removed kernel is a compile error, and the device resolves
//!   all of them once when it opens);
//! * `ABI_*`: the size and alignment of every kernel-argument struct, from
//!   `kernels/abi_layouts.cuh`, which `kernels/abi_check.cu` asserts against
//!   the C structs and `src/args.rs` against its `#[repr(C)]` mirrors.
//!
//! nvcc is taken from `$NVCC`, else `$CUDA_PATH/bin/nvcc`, else
//! `/usr/local/cuda/bin/nvcc`, else `nvcc` on the PATH.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

const ARCH_FLAGS: &[&str] = &[
    "-gencode=arch=compute_80,code=sm_80",
    "-gencode=arch=compute_90,code=sm_90",
    "-gencode=arch=compute_90,code=compute_90",
];

fn find_nvcc() -> PathBuf {
    let candidates = env::var_os("NVCC")
        .map(PathBuf::from)
        .into_iter()
        .chain(env::var_os("CUDA_PATH").map(|p| Path::new(&p).join("bin/nvcc")))
        .chain([
            PathBuf::from("/usr/local/cuda/bin/nvcc"),
            PathBuf::from("nvcc"),
        ]);
    for nvcc in candidates {
        if Command::new(&nvcc)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
        {
            return nvcc;
        }
    }
    panic!(
        "\n\nbackend-cuda: nvcc not found (tried $NVCC, $CUDA_PATH/bin/nvcc, \
         /usr/local/cuda/bin/nvcc and the PATH).\n\
         Install the CUDA 13.0 compiler with `scripts/install-cuda-toolchain.sh` \
         and export what it prints (`source <(scripts/install-cuda-toolchain.sh --env)`), \
         or point $NVCC at an nvcc 13.0.\n\n"
    );
}

fn main() {
    // Read when the script runs, not baked in when it compiles: cargo reuses
    // a compiled build script for a checkout of the same sources elsewhere.
    let manifest = env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let kernels = Path::new(&manifest).join("../kernels");
    let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    println!("cargo:rerun-if-env-changed=NVCC");
    println!("cargo:rerun-if-env-changed=CUDA_PATH");
    println!("cargo:rerun-if-changed={}", kernels.display());

    let mut sources: Vec<PathBuf> = std::fs::read_dir(&kernels)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", kernels.display()))
        .map(|e| e.expect("directory entry").path())
        .collect();
    sources.sort();
    for p in &sources {
        println!("cargo:rerun-if-changed={}", p.display());
    }
    let units: Vec<&PathBuf> = sources
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "cu"))
        .collect();

    let nvcc = find_nvcc();
    // Compile the units in parallel: nvcc is single-threaded per unit.
    let results: Vec<(String, PathBuf, std::io::Result<std::process::Output>)> =
        std::thread::scope(|s| {
            let handles: Vec<_> = units
                .iter()
                .map(|src| {
                    let name = src.file_stem().unwrap().to_string_lossy().into_owned();
                    let dst = out.join(format!("{name}.fatbin"));
                    let nvcc = &nvcc;
                    let kernels = &kernels;
                    s.spawn(move || {
                        let output = Command::new(nvcc)
                            .args(["-fatbin", "-O3", "-std=c++17", "-lineinfo"])
                            .args(ARCH_FLAGS)
                            .arg("-I")
                            .arg(kernels)
                            .arg("-o")
                            .arg(&dst)
                            .arg(src)
                            .output();
                        (name, dst, output)
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("nvcc thread"))
                .collect()
        });

    let mut generated = String::from(
        "/// Kernel modules compiled from `kernels/*.cu`: (file stem, fatbin).\n\
         pub(crate) const FATBINS: &[(&str, &[u8])] = &[\n",
    );
    let mut kernels_found: Vec<(String, String)> = Vec::new();
    for src in &units {
        let module = src.file_stem().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(src)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", src.display()));
        for name in kernel_names(&text) {
            kernels_found.push((module.clone(), name));
        }
    }
    for (name, dst, output) in results {
        let output = output.unwrap_or_else(|e| panic!("failed to run {}: {e}", nvcc.display()));
        if !output.status.success() {
            panic!(
                "nvcc failed on kernels/{name}.cu:\n{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        // A unit of compile-time checks only (abi_check.cu): nothing to load.
        if !kernels_found.iter().any(|(module, _)| *module == name) {
            continue;
        }
        generated.push_str(&format!(
            "    ({name:?}, include_bytes!({:?})),\n",
            dst.display().to_string()
        ));
    }
    generated.push_str("];\n");
    generated.push_str(&kernel_id_enum(&kernels_found));
    generated.push_str(&abi_layouts(&kernels.join("abi_layouts.cuh")));
    std::fs::write(out.join("kernels.rs"), generated).expect("write kernels.rs");
}

/// The names of the `extern "C" __global__` functions of a source, in order
/// (an optional `__launch_bounds__(...)` between `void` and the name).
fn kernel_names(text: &str) -> Vec<String> {
    const MARK: &str = "extern \"C\" __global__ void";
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(MARK) {
        let mut s = rest[at + MARK.len()..].trim_start();
        if let Some(after) = s.strip_prefix("__launch_bounds__") {
            let close = after.find(')').expect("__launch_bounds__(...) is closed");
            s = after[close + 1..].trim_start();
        }
        let end = s
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(s.len());
        names.push(s[..end].to_string());
        rest = &s[end..];
    }
    names
}

/// `snake_case` to `CamelCase`.
fn camel(name: &str) -> String {
    name.split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// The `KernelId` enum of every kernel found, with its module and name.
fn kernel_id_enum(kernels: &[(String, String)]) -> String {
    let mut variants = String::new();
    let mut modules = String::new();
    let mut names = String::new();
    let mut all = String::new();
    for (module, name) in kernels {
        let v = camel(name);
        variants.push_str(&format!(
            "    /// `{name}` of `kernels/{module}.cu`.\n    {v},\n"
        ));
        modules.push_str(&format!("            KernelId::{v} => {module:?},\n"));
        names.push_str(&format!("            KernelId::{v} => {name:?},\n"));
        all.push_str(&format!("        KernelId::{v},\n"));
    }
    format!(
        "\n/// Every `extern \"C\" __global__` kernel of `kernels/*.cu`.\n\
         #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]\n\
         pub enum KernelId {{\n{variants}}}\n\n\
         impl KernelId {{\n\
         \x20   /// Every kernel, in `KernelId as usize` order.\n\
         \x20   pub const ALL: [KernelId; {count}] = [\n{all}    ];\n\n\
         \x20   /// The module (file stem of `kernels/*.cu`) holding the kernel.\n\
         \x20   pub const fn module(self) -> &'static str {{\n        match self {{\n{modules}        }}\n    }}\n\n\
         \x20   /// The kernel's `extern \"C\"` name.\n\
         \x20   pub const fn name(self) -> &'static str {{\n        match self {{\n{names}        }}\n    }}\n}}\n",
        count = kernels.len()
    )
}

/// The `ABI_*` layout constants of `kernels/abi_layouts.cuh`, one per
/// `ABI_STRUCT(C type, NAME, size, align)` line.
fn abi_layouts(table: &Path) -> String {
    let text = std::fs::read_to_string(table)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", table.display()));
    let mut out = String::from("\n");
    for line in text.lines().filter(|l| l.starts_with("ABI_STRUCT(")) {
        let args: Vec<&str> = line["ABI_STRUCT(".len()..]
            .trim_end_matches(')')
            .split(',')
            .map(str::trim)
            .collect();
        let [c_type, name, size, align] = args[..] else {
            panic!("malformed line in {}: {line}", table.display());
        };
        out.push_str(&format!(
            "/// Layout of `{c_type}` (kernels/abi_layouts.cuh): (size, alignment).\n\
             pub(crate) const {name}: (usize, usize) = ({size}, {align});\n"
        ));
    }
    out
}
