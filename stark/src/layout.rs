//! The shape of every table of a proof, derived from the AIR and the options
//! alone (prover and verifier compute the same thing).

use crate::air::TableSpec;
use crate::logup_constraints::full_system;
use crate::options::Options;
use backend_api::expr::{ConstraintSystem, ExprError};
use backend_api::logup::logup_aux_width;
use backend_api::MAX_STACK_DEPTH;

/// Smallest table: 4 rows (so that transitions and FRI are meaningful).
pub const MIN_LOG_HEIGHT: u32 = 2;
/// Largest table: LDE sizes stay within the two-adicity 2^32.
pub const MAX_LOG_HEIGHT: u32 = 26;
/// Most columns of one kind (main, preprocessed) or interactions a table
/// may have: far beyond any real table, and small enough that every count
/// derived from them fits a `usize`.
pub const MAX_COLUMNS: usize = 1 << 20;

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
    /// Preprocessed width; 0 for a table without preprocessed columns.
    pub pre_width: usize,
    /// Aux-trace width (Fp3 columns); 0 for a table without interactions.
    pub aux_width: usize,
    /// The table's own constraints followed by its LogUp constraints.
    pub system: ConstraintSystem,
    /// Composition parts `q` (a power of two `<= blowup`).
    pub parts: usize,
    /// Number of bus interactions.
    pub interactions: usize,
    /// The longest tuple any interaction sends or receives.
    pub max_tuple_len: usize,
}

impl TableLayout {
    /// Trace rows, `2^log_n`.
    pub fn height(&self) -> usize {
        1 << self.log_n
    }

    /// LDE rows, `2^log_lde`.
    pub fn lde_height(&self) -> usize {
        1 << self.log_lde
    }

    /// Columns opened at the out-of-domain points (main, preprocessed and
    /// aux at `z` and `z g`, parts at `z`): the DEEP codeword's terms.
    pub fn deep_terms(&self) -> usize {
        2 * (self.width + self.pre_width + self.aux_width) + self.parts
    }
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
    /// The AIR has no tables, or a table's height, widths, constraint
    /// system shape, periodic patterns or interactions are unusable.
    BadTable {
        /// The table's name (empty when the AIR has no tables).
        table: String,
        /// What is wrong.
        reason: String,
    },
}

/// Checks a table's declared shape against its parts: heights, widths,
/// constraint-system leaves, periodic patterns, interaction reads.
fn check_spec(t: &TableSpec, num_public: usize) -> Result<(), String> {
    if !(MIN_LOG_HEIGHT..=MAX_LOG_HEIGHT).contains(&t.log_height) {
        return Err(format!(
            "log height {} not in {MIN_LOG_HEIGHT}..={MAX_LOG_HEIGHT}",
            t.log_height
        ));
    }
    if t.width == 0 {
        return Err("no main columns".into());
    }
    let counts = [
        ("main columns", t.width),
        ("preprocessed columns", t.preprocessed_width),
        ("periodic columns", t.periodic.len()),
        ("interactions", t.interactions.len()),
    ];
    for (what, count) in counts {
        if count > MAX_COLUMNS {
            return Err(format!("{count} {what}, more than {MAX_COLUMNS}"));
        }
    }
    let cs = &t.constraints;
    let declared = [
        ("main width", cs.main_width, t.width),
        (
            "preprocessed width",
            cs.preprocessed_width,
            t.preprocessed_width,
        ),
        ("periodic column count", cs.num_periodic, t.periodic.len()),
        ("public input count", cs.num_public, num_public),
        ("aux width", cs.aux_width, 0),
        ("challenge count", cs.num_challenges, 0),
    ];
    for (what, in_system, expected) in declared {
        if in_system != expected {
            return Err(format!(
                "the constraint system's {what} is {in_system}, the table's is {expected}"
            ));
        }
    }
    let n = 1usize << t.log_height;
    for (i, p) in t.periodic.iter().enumerate() {
        if !p.len().is_power_of_two() || p.len() > n {
            return Err(format!(
                "periodic column {i} has period {}, not a power of two in 1..={n}",
                p.len()
            ));
        }
    }
    for (k, it) in t.interactions.iter().enumerate() {
        if it.exprs().any(|e| e.stack_depth() > MAX_STACK_DEPTH) {
            return Err(format!(
                "interaction {k} has an expression deeper than {MAX_STACK_DEPTH} stack slots"
            ));
        }
        if it.max_main_column().is_some_and(|c| c >= t.width) {
            return Err(format!(
                "interaction {k} reads a main column past the width"
            ));
        }
        if it
            .max_preprocessed_column()
            .is_some_and(|c| c >= t.preprocessed_width)
        {
            return Err(format!(
                "interaction {k} reads a preprocessed column past the preprocessed width"
            ));
        }
    }
    Ok(())
}

/// The layout of one table (see [`layouts`]).
fn layout(t: &TableSpec, options: &Options, num_public: usize) -> Result<TableLayout, LayoutError> {
    check_spec(t, num_public).map_err(|reason| LayoutError::BadTable {
        table: t.name.clone(),
        reason,
    })?;
    let constraints_error = |source| LayoutError::Constraints {
        table: t.name.clone(),
        source,
    };
    let system = full_system(&t.constraints, &t.interactions);
    system.validate().map_err(constraints_error)?;
    let n = 1usize << t.log_height;
    let parts = system.composition_parts(n).map_err(constraints_error)?;
    if parts > options.blowup() {
        return Err(LayoutError::BlowupTooSmall {
            table: t.name.clone(),
            parts,
            blowup: options.blowup(),
        });
    }
    Ok(TableLayout {
        name: t.name.clone(),
        log_n: t.log_height,
        log_lde: t.log_height + options.log_blowup,
        width: t.width,
        pre_width: t.preprocessed_width,
        aux_width: if t.interactions.is_empty() {
            0
        } else {
            logup_aux_width(t.interactions.len())
        },
        system,
        parts,
        interactions: t.interactions.len(),
        max_tuple_len: t
            .interactions
            .iter()
            .map(|it| it.values.len())
            .max()
            .unwrap_or(0),
    })
}

/// The layout of each table, in order, for `options` and an AIR with
/// `num_public` public inputs. Errors: [`LayoutError`] naming the first
/// unusable table (height outside `MIN_LOG_HEIGHT..=MAX_LOG_HEIGHT`, no
/// columns, a constraint system disagreeing with the table's widths,
/// periodic columns or public-input count, a periodic pattern whose length
/// is not a power of two dividing the height, an interaction reading past
/// a width, a malformed system or one whose degree overflows, a blowup
/// below the composition parts needed).
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
        .map(|t| layout(t, options, num_public))
        .collect()
}
