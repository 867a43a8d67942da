//! Proof parameters and presets. What security they give for an AIR is
//! computed by [`crate::security::SecurityReport`].

use backend_api::Fp;

/// Everything that parametrizes a proof. All of it is written into the proof
/// and absorbed into the transcript; a verifier accepts it only under its
/// caller's [`crate::SecurityPolicy`].
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// `log2` of the blowup factor (LDE size / trace size), `1..=6`.
    pub log_blowup: u32,
    /// Number of FRI queries, `1..=255`.
    pub num_queries: usize,
    /// Proof-of-work bits before the queries are drawn, `0..=32`.
    pub grinding_bits: u32,
    /// FRI folds until the polynomial has at most `2^fri_final_log_degree`
    /// coefficients, which are then sent in the clear; `0..=10`.
    pub fri_final_log_degree: u32,
    /// `log2` of the FRI folding arity, `1..=4` (arity 2, 4, 8 or 16): each
    /// committed layer holds `2^fri_log_arity` values per leaf and is
    /// folded that many times over with one challenge.
    pub fri_log_arity: u32,
    /// The coset shift of every LDE domain; must lie outside the two-adic
    /// subgroup of order `2^32` so that LDE domains avoid the trace domain.
    pub shift: Fp,
}

/// The FRI folding arity of the presets, `log2`: see BENCHMARKS.md
/// ("FRI folding arity") for the measurement that picked it.
pub const DEFAULT_FRI_LOG_ARITY: u32 = 3;

/// The presets' grinding bits: 2^20 expected hashes (about a millisecond on
/// the GPU, tens on 16 cores) buy two fewer queries than 16 bits at blowup
/// 4, about 5% of a proof (BENCHMARKS.md, "Presets of format 4").
pub const DEFAULT_GRINDING_BITS: u32 = 20;

/// The presets' FRI final log-degree: a final polynomial of up to 2^8
/// coefficients (6 KiB) replaces the last two or three FRI layers, whose
/// openings cost more (BENCHMARKS.md, "Presets of format 4").
pub const DEFAULT_FRI_FINAL_LOG_DEGREE: u32 = 8;

/// Why an [`Options`] value is rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid option `{field}`: {reason}")]
pub struct OptionsError {
    /// The field of [`Options`] at fault.
    pub field: &'static str,
    /// What is wrong with its value.
    pub reason: String,
}

impl Options {
    /// Preset for a blowup of `2^log_blowup` (1..=4) targeting 100
    /// conjectured bits with [`DEFAULT_GRINDING_BITS`] grinding bits:
    /// `num_queries = ceil((100 - G) / log_blowup)`, so that the query term
    /// `Q log2(b) + G` is at least 100 (the field and hash terms of
    /// [`crate::security`] are above it for every AIR this crate can prove);
    /// FRI arity [`DEFAULT_FRI_LOG_ARITY`], final polynomial of at most
    /// `2^`[`DEFAULT_FRI_FINAL_LOG_DEGREE`] coefficients.
    pub fn preset(log_blowup: u32) -> Options {
        let query_bits = 100 - DEFAULT_GRINDING_BITS as usize;
        Options {
            log_blowup,
            num_queries: query_bits.div_ceil(log_blowup.max(1) as usize),
            grinding_bits: DEFAULT_GRINDING_BITS,
            fri_final_log_degree: DEFAULT_FRI_FINAL_LOG_DEGREE,
            fri_log_arity: DEFAULT_FRI_LOG_ARITY,
            shift: Fp::GENERATOR,
        }
    }

    /// Blowup 2: 80 queries, 20 grinding bits, 100 bits.
    pub fn blowup2() -> Options {
        Self::preset(1)
    }
    /// Blowup 4: 40 queries, 20 grinding bits, 100 bits. The default.
    pub fn blowup4() -> Options {
        Self::preset(2)
    }
    /// Blowup 8: 27 queries, 20 grinding bits, 101 bits.
    pub fn blowup8() -> Options {
        Self::preset(3)
    }
    /// Blowup 16: 20 queries, 20 grinding bits, 100 bits.
    pub fn blowup16() -> Options {
        Self::preset(4)
    }

    /// A preset by name: `blowup2`, `blowup4` (= `default`), `blowup8`,
    /// `blowup16`, or `test` (insecure, for fast tests).
    pub fn by_name(name: &str) -> Option<Options> {
        match name {
            "blowup2" => Some(Self::blowup2()),
            "blowup4" | "default" => Some(Self::blowup4()),
            "blowup8" => Some(Self::blowup8()),
            "blowup16" => Some(Self::blowup16()),
            "test" => Some(Self::insecure_test()),
            _ => None,
        }
    }

    /// Few queries and 4 grinding bits: only for tests (16 conjectured
    /// bits; verifying needs [`crate::SecurityPolicy::insecure_for_tests`]).
    pub fn insecure_test() -> Options {
        Options {
            log_blowup: 2,
            num_queries: 6,
            grinding_bits: 4,
            fri_final_log_degree: 1,
            fri_log_arity: DEFAULT_FRI_LOG_ARITY,
            shift: Fp::GENERATOR,
        }
    }

    /// The same options with FRI folding arity `2^log_arity`.
    pub fn with_fri_log_arity(self, log_arity: u32) -> Options {
        Options {
            fri_log_arity: log_arity,
            ..self
        }
    }

    /// The blowup factor `2^log_blowup` (LDE size over trace size).
    pub fn blowup(&self) -> usize {
        1 << self.log_blowup
    }

    /// The query term of the conjectured security, `Q log2(b) + G` bits
    /// (see [`crate::security`]).
    pub fn query_bits(&self) -> u32 {
        let q = self.num_queries.min(u32::MAX as usize) as u32;
        q.saturating_mul(self.log_blowup)
            .saturating_add(self.grinding_bits)
    }

    /// Checks every field's range.
    pub fn validate(&self) -> Result<(), OptionsError> {
        let err = |field, reason: String| Err(OptionsError { field, reason });
        if !(1..=6).contains(&self.log_blowup) {
            return err("log_blowup", format!("{} not in 1..=6", self.log_blowup));
        }
        if !(1..=255).contains(&self.num_queries) {
            return err(
                "num_queries",
                format!("{} not in 1..=255", self.num_queries),
            );
        }
        if self.grinding_bits > 32 {
            return err("grinding_bits", format!("{} > 32", self.grinding_bits));
        }
        if self.fri_final_log_degree > 10 {
            return err(
                "fri_final_log_degree",
                format!("{} > 10", self.fri_final_log_degree),
            );
        }
        if !(1..=4).contains(&self.fri_log_arity) {
            return err(
                "fri_log_arity",
                format!("{} not in 1..=4", self.fri_log_arity),
            );
        }
        if self.shift.is_zero() || self.shift.pow(1u64 << 32) == Fp::ONE {
            return err(
                "shift",
                "lies in the two-adic subgroup (or is zero)".to_string(),
            );
        }
        Ok(())
    }
}

impl Default for Options {
    fn default() -> Self {
        Self::blowup4()
    }
}
