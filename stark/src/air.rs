//! What an AIR is: tables with symbolic constraints, preprocessed and
//! periodic columns and LogUp bus interactions, plus the bus messages its
//! public inputs fix.
//!
//! An AIR describes the *structure* of a statement; the public inputs are
//! given separately, to [`crate::Prover::prove`] and to [`crate::verify`],
//! so that a verifier pins the statement it checks (see
//! [`crate::verifier`]).

use backend_api::expr::ConstraintSystem;
use backend_api::{Fp, HostMatrix, Interaction, InteractionKind};

/// The name, parameters and public inputs a proof was made for; carried in
/// every proof and compared by the verifier with what its caller expects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AirInstance {
    /// The AIR's name ([`Air::name`]).
    pub name: String,
    /// The AIR's parameters ([`Air::params`]).
    pub params: Vec<u64>,
    /// The public inputs.
    pub public_inputs: Vec<Fp>,
}

/// One table of an AIR.
#[derive(Clone, Debug)]
pub struct TableSpec {
    /// The table's name, used in error messages.
    pub name: String,
    /// The table has `2^log_height` rows
    /// (`MIN_LOG_HEIGHT..=MAX_LOG_HEIGHT` of [`crate::layout`]).
    pub log_height: u32,
    /// Main-trace width (`constraints.main_width`).
    pub width: usize,
    /// Preprocessed width (`constraints.preprocessed_width`): columns fixed
    /// by the AIR ([`Air::preprocessed_trace`]), committed once in the
    /// verifying key.
    pub preprocessed_width: usize,
    /// The patterns of the periodic columns (`constraints.num_periodic` of
    /// them): column `i` reads `periodic[i][r mod len]` on row `r`; each
    /// length is a power of two at most the height.
    pub periodic: Vec<Vec<Fp>>,
    /// The table's own constraints over its main, preprocessed and periodic
    /// columns and the public inputs (built with `aux_width = 0` and no
    /// challenges; the prover appends the LogUp constraints, see
    /// [`crate::logup_constraints`]).
    pub constraints: ConstraintSystem,
    /// The table's bus interactions, batched in pairs in this order; their
    /// expressions read the current row's main and preprocessed columns.
    pub interactions: Vec<Interaction>,
}

impl TableSpec {
    /// A table of `2^log_height` rows with the widths of `constraints`, no
    /// periodic patterns and no interactions.
    pub fn new(name: impl Into<String>, log_height: u32, constraints: ConstraintSystem) -> Self {
        TableSpec {
            name: name.into(),
            log_height,
            width: constraints.main_width,
            preprocessed_width: constraints.preprocessed_width,
            periodic: Vec::new(),
            constraints,
            interactions: Vec::new(),
        }
    }

    /// The same table with these periodic column patterns.
    pub fn with_periodic(mut self, patterns: Vec<Vec<Fp>>) -> Self {
        self.periodic = patterns;
        self
    }

    /// The same table with these bus interactions.
    pub fn with_interactions(mut self, interactions: Vec<Interaction>) -> Self {
        self.interactions = interactions;
        self
    }
}

/// A bus message whose values the public inputs fix, added to its bus by
/// the verifier (and the prover): it contributes `s * m / f` with the
/// fingerprint `f = z - (bus + sum_i alpha^i values[i])`, exactly as one row
/// of an [`Interaction`]. This is how a bus balances against public data:
/// program input and output, initial and final memory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicInteraction {
    /// The bus id.
    pub bus: u32,
    /// Send (+1) or receive (-1).
    pub kind: InteractionKind,
    /// The tuple.
    pub values: Vec<Fp>,
    /// How many times the tuple is sent or received.
    pub multiplicity: Fp,
}

/// An algebraic intermediate representation with one or more tables.
///
/// REQUIRED: [`name`](Air::name), [`num_public_inputs`](Air::num_public_inputs),
/// [`tables`](Air::tables).
///
/// PROVIDED (override when the AIR has them): [`params`](Air::params),
/// [`preprocessed_trace`](Air::preprocessed_trace),
/// [`public_interactions`](Air::public_interactions).
///
/// The tables (with everything that describes them) are bound into every
/// proof through the AIR digest ([`crate::statement::air_digest`]), the
/// public inputs and the bus messages
/// [`public_interactions`](Air::public_interactions) derives from them through the statement
/// bytes ([`crate::statement::statement_bytes`]); a verifier given another
/// AIR or other public inputs rejects the proof.
pub trait Air: Send + Sync {
    // ------------------------------------------------------------- REQUIRED

    /// The AIR's name (at most 255 bytes of UTF-8).
    fn name(&self) -> String;

    /// How many public inputs a statement has.
    fn num_public_inputs(&self) -> usize;

    /// The tables, in proof order.
    fn tables(&self) -> Vec<TableSpec>;

    // ------------------------------------------------------------- PROVIDED

    /// Shape parameters (column counts, log heights, ...) identifying the
    /// instance; none by default.
    fn params(&self) -> Vec<u64> {
        Vec::new()
    }

    /// The preprocessed columns of table `table` (natural row order, width
    /// `preprocessed_width`, the table's height). Called once per table
    /// with preprocessed columns, by [`crate::Prover::setup`]; `None` (the
    /// default) for a table that has them is an error.
    fn preprocessed_trace(&self, table: usize) -> Option<HostMatrix<Fp>> {
        let _ = table;
        None
    }

    /// The bus messages the public inputs fix; none by default. `public`
    /// has [`num_public_inputs`](Air::num_public_inputs) entries.
    fn public_interactions(&self, public: &[Fp]) -> Vec<PublicInteraction> {
        let _ = public;
        Vec::new()
    }

    // ------------------------------------------------------------- derived

    /// The instance a proof of this AIR for `public` carries.
    fn instance(&self, public: &[Fp]) -> AirInstance {
        AirInstance {
            name: self.name(),
            params: self.params(),
            public_inputs: public.to_vec(),
        }
    }
}

/// Why an AIR could not be built or used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AirError {
    #[error("AIR `{air}`: bad parameters: {reason}")]
    /// The parameters do not fit the AIR.
    BadParams {
        /// The AIR's name.
        air: String,
        /// What is wrong with them.
        reason: String,
    },
    #[error("table `{table}`: {reason}")]
    /// A table is unusable (height out of range, no columns, constraints,
    /// periodic patterns or interactions that disagree with its widths, a
    /// missing or misshapen preprocessed trace, ...).
    BadTable {
        /// The table's name (empty when the AIR has no tables).
        table: String,
        /// What is wrong with it.
        reason: String,
    },
    #[error("AIR `{air}`: {reason}")]
    /// The AIR as a whole is unusable (a name longer than 255 bytes, ...).
    BadAir {
        /// The AIR's name.
        air: String,
        /// What is wrong.
        reason: String,
    },
}
