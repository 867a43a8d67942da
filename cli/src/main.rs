//! `stark`: prove and verify the example AIRs from the command line.
//!
//! ```text
//! stark prove --air fib-wide --cols 64 --log-rows 20 [--backend cpu] --out proof.bin
//! stark prove --air lookup --log-rows 16 --range-bits 8 --out proof.bin
//! stark prove --air keccak --log-rows 12 --out proof.bin    # 170 permutations
//! stark prove --air vm --log-rows 20 --out proof.bin        # 2^20 cpu rows
//! stark prove --air fib-wide --backend cuda --gpu 0 --out proof.bin   # feature `cuda`
//! stark verify proof.bin --expect-params 64,20 --expect-public ...
//! stark verify proof.bin --insecure --min-bits 16    # accept a test proof
//! ```

mod prove;
mod registry;
mod verify;

use clap::{Parser, Subcommand, ValueEnum};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "stark",
    about = "Prove and verify example AIRs with the multi-table STARK"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Where proofs are made.
#[derive(Copy, Clone, PartialEq, Eq, ValueEnum)]
pub enum Backend {
    /// CpuDevice (rayon).
    Cpu,
    /// CudaDevice (needs a binary built with the `cuda` feature).
    Cuda,
}

#[derive(Subcommand)]
enum Command {
    /// Generate a witness for an example AIR, prove it, write the proof.
    Prove(prove::ProveArgs),
    /// Verify a proof file against an expected statement and a security
    /// policy (100 conjectured bits unless --insecure).
    Verify(verify::VerifyArgs),
}

/// Prints `e` as the program's error and fails.
fn fail(e: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {e}");
    ExitCode::FAILURE
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Prove(args) => match prove::run(args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(e),
        },
        Command::Verify(args) => verify::run(&args),
    }
}

/// Hex of a digest.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A comma-separated list of integers (`--expect-params 4,16`).
pub fn parse_list(s: &str) -> Result<Vec<u64>, String> {
    if s.trim().is_empty() {
        return Ok(Vec::new());
    }
    s.split(',')
        .map(|v| {
            v.trim()
                .parse::<u64>()
                .map_err(|e| format!("`{v}` is not an integer: {e}"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_parse_and_bad_entries_are_named() {
        assert_eq!(parse_list("4, 16").unwrap(), vec![4, 16]);
        assert_eq!(parse_list("").unwrap(), Vec::<u64>::new());
        assert!(parse_list("4,x").unwrap_err().contains("`x`"));
    }
}
