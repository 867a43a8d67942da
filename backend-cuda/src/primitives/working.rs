//! Upper bounds of what each call allocates for itself
//! (`Backend::working_memory`), from the launchers' own sizes.

use super::{constraints, ood};
use backend_api::{CallShape, ElemKind};

/// Argument tables, block totals and NTT tables a call may add to the
/// device's cache: a few megabytes at most, on top of every bound.
const SMALL: u64 = 4 << 20;

/// Bytes of one element of `kind` on the device.
fn elem_bytes(kind: ElemKind) -> u64 {
    match kind {
        ElemKind::Base => 8,
        ElemKind::Ext => 24,
    }
}

/// The coefficients' scratch of an LDE: at most the whole input.
fn extend(kind: ElemKind, width: usize, log_n: u32) -> u64 {
    ((width as u64) << log_n) * elem_bytes(kind)
}

/// The working memory of a call of `shape` on the CUDA backend.
pub(crate) fn working_memory(shape: CallShape<'_>) -> u64 {
    let bytes = match shape {
        CallShape::Extend { kind, width, log_n } => extend(kind, width, log_n),
        // As `Extend`, plus the sponge states of the LDE's rows (25 lanes)
        // and the leaf word table; the tree is the result.
        CallShape::ExtendCommit {
            kind,
            width,
            log_n,
            log_blowup,
        } => {
            let words = width as u64 * (elem_bytes(kind) / 8);
            extend(kind, width, log_n) + (200 << (log_n + log_blowup)) + 8 * words
        }
        // One row digest per row of every matrix, when there are several.
        CallShape::CommitTables { heights } if heights.len() > 1 => {
            heights.iter().map(|&h| h as u64 * 32).sum()
        }
        CallShape::CommitTables { .. } => 0,
        // The fingerprints' inverses.
        CallShape::LogUp {
            log_n,
            interactions,
        } => ((interactions as u64) << log_n) * 24,
        CallShape::Constraints { system, log_eval } => {
            constraints::working_memory(system, log_eval)
        }
        CallShape::Ood {
            log_n,
            width,
            points,
        } => ood::working_memory(log_n, width, points),
        // The denominators' inverses, one per position and point.
        CallShape::Deep { log_n, points } => ((points as u64) << log_n) * 24,
    };
    bytes + SMALL
}
