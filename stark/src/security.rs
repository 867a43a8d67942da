//! How many bits of security a proof's options give for an AIR, and the
//! policy a verifier holds them to.
//!
//! Two figures are reported (docs/PROTOCOL.md, "Security", derives them):
//!
//! * **conjectured** `= min(Q log2 b + G, field, 128)`: each FRI query of a
//!   codeword at rate `rho = 1/b` is conjectured to catch a word far from
//!   the code with probability `1 - rho` (soundness up to the list-decoding
//!   capacity), grinding adds `G` bits; `field` bounds every step whose
//!   error is a degree over `|Fp3|` (union bound, list size 1); Keccak-256
//!   gives at most 128 bits of collision resistance.
//! * **provable** `= min(Q (log2(b)/2 - log2(1 + 1/(2m))) + G, field_J,
//!   128)` with `m = 3`: the same argument up to the Johnson bound
//!   `1 - sqrt(rho) - eta`, `eta = sqrt(rho)/(2m)`, where the lists have at
//!   most `m b` codewords (multiplying the field terms) and FRI's commit
//!   phase adds `(m + 1/2)^7 / (3 rho^(3/2)) N^2 / |Fp3|` per table
//!   (Ben-Sasson, Carmon, Ishai, Kopparty, Saraf 2020, Thm. 8.3).
//!
//! The field terms, summed over tables `t` (`n_t` rows, LDE `N_t`, `C_t`
//! constraints, `B_t` DEEP terms, `L_t` FRI folds, `k_t` interactions):
//! constraint batching `sum C_t`; the out-of-domain identity
//! `sum (q_t + 1) n_t`; DEEP batching `sum B_t`; the one FRI over `N`
//! values (the largest LDE) `N (sum_l (a_l - 1) + T - 1)` over its layers'
//! arities `a_l` and `T` tables joined with the powers of `lambda`, the
//! Johnson term multiplied by the widest `a - 1` plus `T - 1`; LogUp `(sum k_t n_t + P) (l + 1)` for `P` public
//! messages and tuples of at most `l` values (the fingerprints, cleared of
//! denominators, are a polynomial of that degree in `z` and `alpha`).

use crate::air::PublicInteraction;
use crate::fri_layout::FriLayout;
use crate::layout::TableLayout;
use crate::options::Options;

/// Bits of collision resistance of Keccak-256, the cap on every figure.
pub const HASH_BITS: u32 = 128;
/// The conjectured bits [`SecurityPolicy::default`] requires.
pub const DEFAULT_MIN_BITS: u32 = 100;
/// The parameter `m` of the Johnson-bound (provable) figure.
const JOHNSON_M: f64 = 3.0;

/// `log2 |Fp3| = 3 log2(2^64 - 2^32 + 1)`.
fn log2_field() -> f64 {
    3.0 * ((u64::MAX - (1u64 << 32) + 2) as f64).log2()
}

/// The security a proof's options give for one AIR, in bits.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct SecurityReport {
    /// `Q log2(b) + G`: the FRI queries and grinding, conjectured.
    pub query_bits: u32,
    /// The field term, conjectured (list size 1).
    pub field_bits: u32,
    /// `min(query_bits, field_bits, 128)`.
    pub conjectured_bits: u32,
    /// The same argument up to the Johnson bound, without the conjecture.
    pub provable_bits: u32,
}

/// The error terms that are a degree over `|Fp3|`, summed over tables.
struct FieldTerms {
    /// Constraint batching, out-of-domain identity and DEEP batching: the
    /// terms the Johnson list size multiplies.
    listed: f64,
    /// FRI folding (conjectured regime).
    folding: f64,
    /// FRI commit phase at the Johnson bound (BCIKS20, Thm. 8.3).
    folding_johnson: f64,
    /// LogUp fingerprints.
    logup: f64,
}

impl FieldTerms {
    fn new(opts: &Options, tables: &[TableLayout], public: &[PublicInteraction]) -> Self {
        let rho = 1.0 / opts.blowup() as f64;
        let m = JOHNSON_M;
        let johnson = (m + 0.5).powi(7) / (3.0 * rho.powf(1.5));
        let mut t = FieldTerms {
            listed: 0.0,
            folding: 0.0,
            folding_johnson: 0.0,
            logup: 0.0,
        };
        let mut fingerprints = public.len() as f64;
        let mut tuple = public.iter().map(|p| p.values.len()).max().unwrap_or(0);
        for table in tables {
            let n = table.height() as f64;
            t.listed += table.system.constraints.len() as f64
                + (table.parts as f64 + 1.0) * n
                + table.deep_terms() as f64;
            fingerprints += table.interactions as f64 * n;
            tuple = tuple.max(table.max_tuple_len);
        }
        t.logup = fingerprints * (tuple as f64 + 1.0);
        // The proof's one FRI over N values: a fold of arity a = 2^k with
        // the powers of one challenge errs with probability (a - 1) N /
        // |Fp3|; joining T codewords with the powers of lambda, (T - 1) N.
        let fri = FriLayout::new(tables, opts);
        let big_n = (1u64 << fri.log_lde) as f64;
        let arity_terms = fri.log_arities.iter().map(|&k| ((1u64 << k) - 1) as f64);
        let joins = tables.len().saturating_sub(1) as f64;
        t.folding = (arity_terms.clone().sum::<f64>() + joins) * big_n;
        let widest = arity_terms.fold(0.0, f64::max);
        t.folding_johnson = (widest + joins) * johnson * big_n * big_n;
        t
    }
}

/// `floor(x)`, at least 0 (and far below `u32::MAX` for every input here).
fn bits(x: f64) -> u32 {
    x.floor().clamp(0.0, 1024.0) as u32
}

impl SecurityReport {
    /// The figures for `opts` on an AIR with these table layouts and public
    /// bus messages (see the module doc).
    pub fn new(opts: &Options, tables: &[TableLayout], public: &[PublicInteraction]) -> Self {
        let q = opts.num_queries as f64;
        let g = opts.grinding_bits as f64;
        let log_b = opts.log_blowup as f64;
        let terms = FieldTerms::new(opts, tables, public);
        let f = log2_field();

        let query_bits = bits(q * log_b + g);
        let field_bits = bits(f - (terms.listed + terms.folding + terms.logup).log2());
        let per_query = log_b / 2.0 - (1.0 + 1.0 / (2.0 * JOHNSON_M)).log2();
        let list = JOHNSON_M * opts.blowup() as f64;
        let field_johnson = f - (list * terms.listed + terms.folding_johnson + terms.logup).log2();
        SecurityReport {
            query_bits,
            field_bits,
            conjectured_bits: query_bits.min(field_bits).min(HASH_BITS),
            provable_bits: bits(q * per_query + g)
                .min(bits(field_johnson))
                .min(HASH_BITS),
        }
    }
}

/// Why a [`SecurityPolicy`] cannot be built.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "a policy of {0} conjectured bits is below the {DEFAULT_MIN_BITS}-bit floor; \
     use SecurityPolicy::insecure_for_tests to accept weaker proofs"
)]
pub struct PolicyError(pub u32);

/// What a verifier requires of a proof's options, decided by the verifier's
/// caller, never by the proof: at least [`DEFAULT_MIN_BITS`] conjectured
/// bits by default; optionally a number of provable bits and the exact
/// options.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecurityPolicy {
    min_conjectured_bits: u32,
    min_provable_bits: u32,
    pinned: Option<Options>,
}

impl Default for SecurityPolicy {
    /// At least [`DEFAULT_MIN_BITS`] conjectured bits, any options.
    fn default() -> Self {
        SecurityPolicy {
            min_conjectured_bits: DEFAULT_MIN_BITS,
            min_provable_bits: 0,
            pinned: None,
        }
    }
}

impl SecurityPolicy {
    /// At least `bits` conjectured bits. Errors: `bits` below
    /// [`DEFAULT_MIN_BITS`] (use [`insecure_for_tests`](Self::insecure_for_tests)).
    pub fn at_least(bits: u32) -> Result<Self, PolicyError> {
        if bits < DEFAULT_MIN_BITS {
            return Err(PolicyError(bits));
        }
        Ok(SecurityPolicy {
            min_conjectured_bits: bits,
            ..Self::default()
        })
    }

    /// INSECURE: accepts proofs of at least `bits` conjectured bits, however
    /// few. Only for tests and experiments; a proof accepted under it may
    /// be forgeable.
    pub fn insecure_for_tests(bits: u32) -> Self {
        SecurityPolicy {
            min_conjectured_bits: bits,
            ..Self::default()
        }
    }

    /// The same policy, also requiring `bits` provable (Johnson-bound) bits.
    pub fn with_provable_bits(mut self, bits: u32) -> Self {
        self.min_provable_bits = bits;
        self
    }

    /// The same policy, also requiring the proof's options to be exactly
    /// `options`.
    pub fn pin_options(mut self, options: Options) -> Self {
        self.pinned = Some(options);
        self
    }

    /// Conjectured bits required.
    pub fn min_conjectured_bits(&self) -> u32 {
        self.min_conjectured_bits
    }

    /// Provable bits required.
    pub fn min_provable_bits(&self) -> u32 {
        self.min_provable_bits
    }

    /// The options required, if pinned.
    pub fn pinned_options(&self) -> Option<&Options> {
        self.pinned.as_ref()
    }
}
