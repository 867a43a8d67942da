//! Errors of the prover and the verifier.

use crate::air::AirError;
use crate::options::OptionsError;
use crate::proof_io::ProofFormatError;
use backend_api::expr::ExprError;
use backend_api::{DeviceError, Fp3, MerklePathError};

/// Why proving failed. A bad witness is reported here, never as a bad proof.
#[derive(Debug, thiserror::Error)]
pub enum ProverError {
    #[error("device: {0}")]
    Device(#[from] DeviceError),
    #[error(transparent)]
    Options(#[from] OptionsError),
    #[error(transparent)]
    Air(#[from] AirError),
    #[error("table `{table}`: malformed constraints: {source}")]
    Constraints { table: String, source: ExprError },
    #[error("expected {expected} traces, got {got}")]
    TraceCount { expected: usize, got: usize },
    #[error("table `{table}`: trace is {got_width} x {got_height}, expected {width} x {height}")]
    TraceShape {
        table: String,
        width: usize,
        height: usize,
        got_width: usize,
        got_height: usize,
    },
    #[error("table `{table}`: constraint degree needs {parts} composition parts, more than the blowup {blowup}")]
    BlowupTooSmall {
        table: String,
        parts: usize,
        blowup: usize,
    },
    #[error("LogUp buses do not balance: the tables' totals sum to {0}")]
    UnbalancedBuses(Fp3),
    #[error("table `{table}`: the witness does not satisfy the constraints")]
    ConstraintsNotSatisfied { table: String },
    #[error("table `{table}`: FRI final layer has degree above its bound (internal error)")]
    FriFinalDegree { table: String },
}

/// Why a proof was rejected. Each variant names what failed.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("malformed proof: {0}")]
    Format(#[from] ProofFormatError),
    #[error("options: {0}")]
    Options(#[from] OptionsError),
    #[error("AIR: {0}")]
    Air(#[from] AirError),
    #[error("table `{table}`: malformed constraints: {source}")]
    Constraints { table: String, source: ExprError },
    #[error("security {got} bits is below the required {required}")]
    InsufficientSecurity { got: u32, required: u32 },
    #[error("{what}: expected {expected} entries, got {got}")]
    Shape {
        what: String,
        expected: usize,
        got: usize,
    },
    #[error("LogUp totals sum to {0}, not 0")]
    UnbalancedBuses(Fp3),
    #[error("table `{table}`: composition does not match the constraints at the OOD point")]
    OodMismatch { table: String },
    #[error("proof of work: nonce does not meet {bits} bits")]
    ProofOfWork { bits: u32 },
    #[error("table `{table}` query {query}: {what} opening: {source}")]
    Merkle {
        table: String,
        query: usize,
        what: String,
        source: MerklePathError,
    },
    #[error("table `{table}` query {query}: {what} opening is at leaf {got}, expected {expected}")]
    OpeningIndex {
        table: String,
        query: usize,
        what: String,
        expected: usize,
        got: usize,
    },
    #[error("table `{table}` query {query}: DEEP value differs from FRI layer 0")]
    DeepMismatch { table: String, query: usize },
    #[error("table `{table}` query {query}: FRI layer {layer} is inconsistent with the fold of the layer before")]
    FriFold {
        table: String,
        query: usize,
        layer: usize,
    },
    #[error("table `{table}` query {query}: FRI final polynomial disagrees with the last fold")]
    FriFinal { table: String, query: usize },
    #[error("table `{table}`: the AIR is unusable: {reason}")]
    Unprovable { table: String, reason: String },
}
