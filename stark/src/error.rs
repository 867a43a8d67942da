//! Errors of the prover and the verifier.

use crate::air::AirError;
use crate::options::{Options, OptionsError};

use crate::merkle_batch::BatchError;
use crate::proof_io::ProofFormatError;
use backend_api::expr::ExprError;
use backend_api::{DeviceError, Fp3};

/// Why proving failed. A bad witness is reported here, never as a bad proof.
#[derive(Debug, thiserror::Error)]
pub enum ProverError {
    /// The device failed or rejected an argument.
    #[error("device: {0}")]
    Device(#[from] DeviceError),
    /// The options are invalid.
    #[error(transparent)]
    Options(#[from] OptionsError),
    /// The AIR is unusable (see [`AirError`]).
    #[error(transparent)]
    Air(#[from] AirError),
    /// A table's constraint system (its own plus LogUp) is malformed.
    #[error("table `{table}`: malformed constraints: {source}")]
    Constraints {
        /// The table's name.
        table: String,
        /// Why the system is malformed.
        source: ExprError,
    },
    /// The number of public inputs differs from the AIR's.
    #[error("the AIR takes {expected} public inputs, {got} given")]
    PublicInputCount {
        /// [`crate::Air::num_public_inputs`].
        expected: usize,
        /// Public inputs given.
        got: usize,
    },
    /// The proof's planned device memory exceeds what the device has or
    /// the prover's budget allows, even with tables in turn; found before
    /// any work ([`crate::MemoryPlan`]).
    #[error("the proof needs {needed} bytes of device memory, {available} are available (largest table `{table}` holds {table_bytes} bytes)")]
    OutOfMemory {
        /// The plan's peak with tables in turn.
        needed: u64,
        /// The smaller of the device's memory and the budget.
        available: u64,
        /// The table holding the most.
        table: String,
        /// What that table holds at its peak.
        table_bytes: u64,
    },
    /// The proving key was made for other options than the prover's.
    #[error("the proving key was made with other options than this prover's")]
    KeyOptions,
    /// The number of traces differs from the number of tables.
    #[error("expected {expected} traces, got {got}")]
    TraceCount {
        /// Number of tables of the AIR.
        expected: usize,
        /// Number of traces given.
        got: usize,
    },
    /// A trace's shape differs from its table's.
    #[error("table `{table}`: trace is {got_width} x {got_height}, expected {width} x {height}")]
    TraceShape {
        /// The table's name.
        table: String,
        /// The table's main-trace width.
        width: usize,
        /// The table's height, `2^log_height`.
        height: usize,
        /// The trace's column count.
        got_width: usize,
        /// The trace's row count.
        got_height: usize,
    },
    /// A table's constraint degree needs more composition parts than the
    /// blowup allows.
    #[error("table `{table}`: constraint degree needs {parts} composition parts, more than the blowup {blowup}")]
    BlowupTooSmall {
        /// The table's name.
        table: String,
        /// Composition parts the constraints need.
        parts: usize,
        /// The options' blowup.
        blowup: usize,
    },
    /// The witness's LogUp totals plus the public bus messages do not sum
    /// to zero (the sum is given).
    #[error("LogUp buses do not balance: the tables' totals and public messages sum to {0}")]
    UnbalancedBuses(Fp3),
    /// The witness fails a table's constraints (caught by the prover's own
    /// out-of-domain check). A device returning wrong values of the right
    /// shape is also caught here.
    #[error("table `{table}`: the witness does not satisfy the constraints")]
    ConstraintsNotSatisfied {
        /// The table's name.
        table: String,
    },
    /// The last FRI codeword has coefficients above the final bound; an
    /// internal error (a valid witness never causes it).
    #[error("the FRI final layer has degree above its bound (internal error)")]
    FriFinalDegree,
}

/// Why a proof was rejected. Each variant names what failed.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// The bytes are not a well-formed proof.
    #[error("malformed proof: {0}")]
    Format(#[from] ProofFormatError),
    /// The proof's options are invalid.
    #[error("options: {0}")]
    Options(#[from] OptionsError),
    /// The proof is about another statement than the one expected: another
    /// AIR name, other parameters or other public inputs.
    #[error("the proof is for another statement: {what} is {got}, expected {expected}")]
    Statement {
        /// What differs (`AIR name`, `parameters`, `public input 3`, ...).
        what: String,
        /// The value the caller expects.
        expected: String,
        /// The value in the proof.
        got: String,
    },
    /// The caller gave a number of public inputs other than the AIR's.
    #[error("the AIR takes {expected} public inputs, {got} given")]
    PublicInputCount {
        /// [`crate::Air::num_public_inputs`].
        expected: usize,
        /// Public inputs given.
        got: usize,
    },
    /// The verifying key does not fit the AIR or the proof.
    #[error("verifying key: {0}")]
    VerifyingKey(String),
    /// The proof's options are not the ones the policy pins.
    #[error("the policy pins other options: expected {expected:?}, the proof has {got:?}")]
    OptionsNotPinned {
        /// The options the policy requires.
        expected: Options,
        /// The proof's options.
        got: Options,
    },
    /// A table's constraint system (its own plus LogUp) is malformed.
    #[error("table `{table}`: malformed constraints: {source}")]
    Constraints {
        /// The table's name.
        table: String,
        /// Why the system is malformed.
        source: ExprError,
    },
    /// The proof's options give fewer security bits than the policy
    /// requires (the bits are the verifier's own computation,
    /// [`crate::SecurityReport`], never a claim of the proof).
    #[error("{kind} security {got} bits is below the policy's {required}")]
    InsufficientSecurity {
        /// `conjectured` or `provable`.
        kind: &'static str,
        /// The bits the proof's options give for this AIR.
        got: u32,
        /// The bits the policy requires.
        required: u32,
    },
    /// A vector of the proof has the wrong length for the AIR's layout.
    #[error("{what}: expected {expected} entries, got {got}")]
    Shape {
        /// Which vector (e.g. `main roots`, naming the table and query where relevant).
        what: String,
        /// Length the layout requires.
        expected: usize,
        /// Length in the proof.
        got: usize,
    },
    /// The proof's LogUp totals plus the public bus messages do not sum
    /// to zero (the sum is given).
    #[error("LogUp totals and public messages sum to {0}, not 0")]
    UnbalancedBuses(Fp3),
    /// The out-of-domain equation fails for a table.
    #[error("table `{table}`: composition does not match the constraints at the OOD point")]
    OodMismatch {
        /// The table's name.
        table: String,
    },
    /// The proof-of-work nonce has too few leading zero bits.
    #[error("proof of work: nonce does not meet {bits} bits")]
    ProofOfWork {
        /// The required grinding bits.
        bits: u32,
    },
    /// A tree's batch opening does not verify against its root.
    #[error("{tree} tree openings: {source}")]
    Opening {
        /// Which tree (`main`, `preprocessed`, `aux`, `composition` or
        /// `fri layer l`).
        tree: String,
        /// Why the opening does not verify.
        source: BatchError,
    },
    /// The DEEP values of the largest tables, combined, differ from FRI
    /// layer 0's opened value.
    #[error("query {query}: DEEP value differs from FRI layer 0")]
    DeepMismatch {
        /// The query's index in `0 .. num_queries`.
        query: usize,
    },
    /// A FRI layer's opened value differs from the fold of the layer before
    /// (with the tables joining there).
    #[error("query {query}: FRI layer {layer} is inconsistent with the fold of the layer before")]
    FriFold {
        /// The query's index in `0 .. num_queries`.
        query: usize,
        /// The layer whose opened value differs from the fold.
        layer: usize,
    },
    /// The last fold differs from the final polynomial's value.
    #[error("query {query}: FRI final polynomial disagrees with the last fold")]
    FriFinal {
        /// The query's index in `0 .. num_queries`.
        query: usize,
    },
    /// The AIR cannot be proved with the proof's options (a table needs
    /// more composition parts than the blowup, or is malformed).
    #[error("table `{table}`: the AIR is unusable: {reason}")]
    Unprovable {
        /// The table's name.
        table: String,
        /// Why the AIR is unusable.
        reason: String,
    },
}
