//! What a device says about its memory, so that a prover can plan a proof
//! before any work: how much it can still hold, and how much working
//! memory its calls allocate for themselves.

use crate::expr::ConstraintSystem;
use crate::field::ElemKind;

/// The shape of a call whose working memory a backend bounds: memory the
/// call allocates for itself and frees before it returns, beyond its
/// arguments and its result.
#[derive(Clone, Copy, Debug)]
pub enum CallShape<'a> {
    /// `coset_lde`, `upload_lde` or `coeffs_to_coset` of `width` columns of
    /// `2^log_n` elements of `kind`.
    Extend {
        /// The elements' field.
        kind: ElemKind,
        /// Columns.
        width: usize,
        /// log2 of the input's rows.
        log_n: u32,
    },
    /// `upload_lde_commit` of `width` columns of `2^log_n` elements of
    /// `kind`, extended by `2^log_blowup`.
    ExtendCommit {
        /// The elements' field.
        kind: ElemKind,
        /// Columns.
        width: usize,
        /// log2 of the input's rows.
        log_n: u32,
        /// log2 of the blowup.
        log_blowup: u32,
    },
    /// `merkle_commit_tables` (or `merkle_commit`) over matrices of these
    /// heights.
    CommitTables {
        /// Each matrix's rows.
        heights: &'a [usize],
    },
    /// `logup_aux_trace` over `2^log_n` rows with `interactions`
    /// interactions.
    LogUp {
        /// log2 of the rows.
        log_n: u32,
        /// Bus interactions.
        interactions: usize,
    },
    /// `evaluate_constraints` of `system` over `2^log_eval` positions.
    Constraints {
        /// The system evaluated.
        system: &'a ConstraintSystem,
        /// log2 of the positions.
        log_eval: u32,
    },
    /// `ood_evaluate` of `width` columns of `2^log_n` rows at `points`
    /// points.
    Ood {
        /// log2 of the rows.
        log_n: u32,
        /// Columns.
        width: usize,
        /// Points.
        points: usize,
    },
    /// `deep_composition` over `2^log_n` positions at `points` points.
    Deep {
        /// log2 of the positions.
        log_n: u32,
        /// Points.
        points: usize,
    },
}
