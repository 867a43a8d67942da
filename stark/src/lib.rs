//! A multi-table STARK with LogUp over Goldilocks / Fp3 with Keccak-256
//! Merkle trees, DEEP and FRI, generic over [`backend_api::ProverDevice`].
//!
//! * [`Air`]: tables with symbolic constraints and bus interactions;
//! * [`Prover`]: `Prover::new(CpuDevice::new())?.prove(&air, &traces)`;
//! * [`verify`]: host code, strict;
//! * [`Proof`]: versioned bytes ([`Proof::to_bytes`], [`Proof::from_bytes`]);
//! * [`examples`]: `fib-wide` and `lookup`.
//!
//! The protocol is written down in `docs/PROTOCOL.md`.

#![deny(missing_docs)]

pub mod air;
pub mod error;
pub mod examples;
pub mod layout;
pub mod logup_constraints;
pub mod ood;
pub mod options;
pub mod proof;
pub mod proof_io;
pub mod prover;
pub mod transcript;
pub mod verifier;

pub use air::{Air, AirError, AirInstance, TableSpec};
pub use error::{ProverError, VerifyError};
pub use options::Options;
pub use proof::Proof;
pub use prover::{PhaseTimes, Prover};
pub use verifier::{verify, verify_bytes, Verified};
