//! The shape of every table of a proof, derived from the AIR and the options
//! alone (prover and verifier compute the same thing).

use crate::air::TableSpec;
use crate::logup_constraints::full_system;
use crate::options::Options;
use backend_api::expr::{ConstraintSystem, ExprError};
use backend_api::logup::logup_aux_width;

/// Smallest table: 4 rows (so that transitions and FRI are meaningful).
pub const MIN_LOG_HEIGHT: u32 = 2;
/// Largest table: LDE sizes stay within the two-adicity 2^32.
pub const MAX_LOG_HEIGHT: u32 = 26;

/// One table's shape in a proof: sizes, full constraint system, FRI depth.
#[derive(Clone, Debug)]
pub struct TableLayout {
    /// The table's name.
    pub name: String,
    /// The trace has `n = 2^log_n` rows.
    pub log_n: u32,
    /// `log_n + log_blowup`.
    pub log_lde: u32,
    /// Main-trace width.
    pub width: usize,
    /// Aux-trace width (Fp3 columns); 0 for a table without interactions.
    pub aux_width: usize,
    /// The table's own constraints followed by its LogUp constraints.
    pub system: ConstraintSystem,
    /// Composition parts `q` (a power of two `<= blowup`).
    pub parts: usize,
    /// Number of FRI folds (committed layers).
    pub fri_layers: usize,
    /// Coefficients of the FRI final polynomial, `2^(log_n - fri_layers)`.
    pub final_len: usize,
}

/// Why a table has no layout; mapped to [`crate::ProverError`] by the
/// prover and to [`crate::VerifyError`] by the verifier.
#[derive(Debug)]
pub enum LayoutError {
    /// The table's full constraint system is malformed.
    Constraints {
        /// The table's name.
        table: String,
        /// Why the system is malformed.
        source: ExprError,
    },
    /// The constraint degree needs more composition parts than the blowup.
    BlowupTooSmall {
        /// The table's name.
        table: String,
        /// Composition parts the constraints need.
        parts: usize,
        /// The options' blowup.
        blowup: usize,
    },
    /// The AIR has no tables, or a table's height, width, constraint system
    /// shape or interactions are unusable.
    BadTable {
        /// The table's name (empty when the AIR has no tables).
        table: String,
        /// What is wrong.
        reason: String,
    },
}

/// The layout of each table, in order, for `options` and an AIR with
/// `num_public` public inputs. Errors: [`LayoutError`] naming the first
/// unusable table (height outside `MIN_LOG_HEIGHT..=MAX_LOG_HEIGHT`, no
/// columns, constraints disagreeing with the width or public-input count,
/// an interaction past the width, a malformed system, a blowup below the composition parts needed).
pub fn layouts(
    tables: &[TableSpec],
    options: &Options,
    num_public: usize,
) -> Result<Vec<TableLayout>, LayoutError> {
    if tables.is_empty() {
        return Err(LayoutError::BadTable {
            table: String::new(),
            reason: "the AIR has no tables".into(),
        });
    }
    tables
        .iter()
        .map(|t| {
            let bad = |reason: String| LayoutError::BadTable {
                table: t.name.clone(),
                reason,
            };
            if !(MIN_LOG_HEIGHT..=MAX_LOG_HEIGHT).contains(&t.log_height) {
                return Err(bad(format!(
                    "log height {} not in {MIN_LOG_HEIGHT}..={MAX_LOG_HEIGHT}",
                    t.log_height
                )));
            }
            if t.width == 0 {
                return Err(bad("no main columns".into()));
            }
            if t.constraints.main_width != t.width || t.constraints.num_public != num_public {
                return Err(bad(
                    "constraint system disagrees with the table width or public input count".into(),
                ));
            }
            for it in &t.interactions {
                if it.max_column().is_some_and(|c| c >= t.width) {
                    return Err(bad("an interaction reads a column past the width".into()));
                }
            }
            let system = full_system(&t.constraints, &t.interactions);
            system
                .validate()
                .map_err(|source| LayoutError::Constraints {
                    table: t.name.clone(),
                    source,
                })?;
            let n = 1usize << t.log_height;
            let parts = system.composition_parts(n);
            if parts > options.blowup() {
                return Err(LayoutError::BlowupTooSmall {
                    table: t.name.clone(),
                    parts,
                    blowup: options.blowup(),
                });
            }
            let final_log = options.fri_final_log_degree.min(t.log_height);
            Ok(TableLayout {
                name: t.name.clone(),
                log_n: t.log_height,
                log_lde: t.log_height + options.log_blowup,
                width: t.width,
                aux_width: if t.interactions.is_empty() {
                    0
                } else {
                    logup_aux_width(t.interactions.len())
                },
                system,
                parts,
                fri_layers: (t.log_height - final_log) as usize,
                final_len: 1 << final_log,
            })
        })
        .collect()
}
