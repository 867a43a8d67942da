//! Sizes the suite runs at.

/// How large the suite's inputs get.
#[derive(Clone, Debug)]
pub struct SuiteConfig {
    /// Largest `log2(height)` compared against the naive O(n^2)
    /// [`ReferenceDevice`](crate::ReferenceDevice).
    pub ref_log_height: u32,
    /// Largest `log2(height)` ("the largest size that fits"), checked by
    /// round trips and by evaluation at random points on the host.
    pub max_log_height: u32,
    /// Threads, each with its own context, in the concurrency check.
    pub threads: usize,
    /// `log2` of the example traces' height in the larger proof checks
    /// (against the reference, and from several threads).
    pub proof_log_rows: u32,
    /// Largest grinding difficulty compared with the linear search.
    pub max_grind_bits: u32,
    /// Seed of every random input.
    pub seed: u64,
}

impl SuiteConfig {
    /// For fast CPU backends on a small CI machine: large checks at 2^16.
    pub fn small() -> Self {
        SuiteConfig {
            ref_log_height: 8,
            max_log_height: 16,
            threads: 4,
            proof_log_rows: 8,
            max_grind_bits: 10,
            seed: 0x5EED_0001,
        }
    }

    /// For GPU backends: large checks at 2^22.
    pub fn gpu() -> Self {
        SuiteConfig {
            ref_log_height: 8,
            max_log_height: 22,
            threads: 4,
            proof_log_rows: 10,
            max_grind_bits: 12,
            seed: 0x5EED_0002,
        }
    }

    /// For naive devices (the reference itself, or a `Dual` with it on one
    /// side): everything small.
    pub fn naive() -> Self {
        SuiteConfig {
            ref_log_height: 6,
            max_log_height: 10,
            threads: 2,
            proof_log_rows: 5,
            max_grind_bits: 8,
            seed: 0x5EED_0003,
        }
    }

    /// The heights compared against the reference: edge sizes 1, 2, 4, 8
    /// and `2^ref_log_height`.
    pub(crate) fn ref_logs(&self) -> Vec<u32> {
        let mut logs = vec![0, 1, 2, 3, self.ref_log_height];
        logs.retain(|&l| l <= self.ref_log_height);
        logs.dedup();
        logs
    }
}
