//! What an AIR is: tables with symbolic constraints and LogUp bus
//! interactions, plus the data a verifier needs to rebuild it.

use backend_api::expr::ConstraintSystem;
use backend_api::{Fp, Interaction};

/// Identifies an AIR and its parameters; carried in every proof so that the
/// verifier can rebuild the AIR ([`crate::examples::air_from_instance`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AirInstance {
    /// Name in the registry, e.g. `fib-wide`.
    pub name: String,
    /// Shape parameters (column counts, log heights, ...), AIR-specific.
    pub params: Vec<u64>,
    /// Public inputs, readable by constraints as [`backend_api::expr::Node::Public`].
    pub public_inputs: Vec<Fp>,
}

/// One table of an AIR.
#[derive(Clone, Debug)]
pub struct TableSpec {
    /// The table's name, used in error messages.
    pub name: String,
    /// The table has `2^log_height` rows (`log_height >= 2`).
    pub log_height: u32,
    /// Main-trace width.
    pub width: usize,
    /// The table's own constraints over its main columns and public inputs
    /// (built with `aux_width = 0` and no challenges; the prover appends the
    /// LogUp constraints, see [`crate::logup_constraints`]).
    pub constraints: ConstraintSystem,
    /// The table's bus interactions, batched in pairs in this order.
    pub interactions: Vec<Interaction>,
}

/// An algebraic intermediate representation with one or more tables.
pub trait Air: Send + Sync {
    /// The name, parameters and public inputs identifying this AIR.
    fn instance(&self) -> AirInstance;
    /// The tables, in proof order.
    fn tables(&self) -> Vec<TableSpec>;
}

/// Why an AIR could not be built or used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AirError {
    /// No AIR of this name is in the registry
    /// ([`crate::examples::air_from_instance`]).
    #[error("unknown AIR `{0}`")]
    UnknownAir(String),
    #[error("AIR `{air}`: bad parameters: {reason}")]
    /// The parameters or public inputs do not fit the AIR.
    BadParams {
        /// The AIR's name.
        air: String,
        /// What is wrong with them.
        reason: String,
    },
    #[error("table `{table}`: {reason}")]
    /// A table is unusable (height out of range, no columns, constraints
    /// or interactions that disagree with its width, ...).
    BadTable {
        /// The table's name.
        table: String,
        /// What is wrong with it.
        reason: String,
    },
}
