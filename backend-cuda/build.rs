//! Compiles every `../kernels/*.cu` with nvcc into a fatbin (cubins for sm_80
//! and sm_90, plus compute_90 PTX for newer GPUs) and generates
//! `$OUT_DIR/fatbins.rs`, which embeds them as `FATBINS: &[(name, bytes)]`.
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
    let kernels = Path::new(env!("CARGO_MANIFEST_DIR")).join("../kernels");
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
    for (name, dst, output) in results {
        let output = output.unwrap_or_else(|e| panic!("failed to run {}: {e}", nvcc.display()));
        if !output.status.success() {
            panic!(
                "nvcc failed on kernels/{name}.cu:\n{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        generated.push_str(&format!(
            "    ({name:?}, include_bytes!({:?})),\n",
            dst.display().to_string()
        ));
    }
    generated.push_str("];\n");
    std::fs::write(out.join("fatbins.rs"), generated).expect("write fatbins.rs");
}
