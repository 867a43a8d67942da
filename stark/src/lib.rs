//! A multi-table STARK with LogUp over Goldilocks / Fp3 with Keccak-256
//! Merkle trees, DEEP and FRI, generic over [`backend_api::ProverDevice`].
//! A library over `backend-api` alone: pick a device crate (e.g.
//! `backend-cpu`, `backend-cuda`) to prove, verify on any host.
//!
//! * [`Air`]: tables with symbolic constraints, preprocessed and periodic
//!   columns, bus interactions, and bus messages fixed by public inputs;
//! * [`Prover`]: `Prover::new(device)?.prove(&air, &public, &traces)`, or
//!   [`Prover::setup`] once and [`Prover::prove_with_key`] per proof;
//! * [`verify`] / [`verify_with_key`]: the caller gives the AIR, the
//!   public inputs, the verifying key and a [`SecurityPolicy`] (100
//!   conjectured bits by default); the proof decides nothing about itself;
//! * [`Proof`]: versioned bytes ([`Proof::to_bytes`], [`Proof::from_bytes`]);
//! * [`examples`]: `fib-wide`, `lookup` and `squares`.
//!
//! The protocol is written down in `docs/PROTOCOL.md`.
//!
//! # A custom AIR, end to end
//!
//! A MiMC-like permutation: one column with `x' = (x + c)^3` for round
//! constants `c = 1, 2, 3, 4, 1, ...` (a periodic column). A preprocessed
//! selector, 1 on the last row only, sends the last `x` on bus 0, where the
//! verifier receives the public output: the proof pins input and output.
//!
//! ```
//! use backend_api::expr::{ConstraintSystem, RowSet};
//! use backend_api::{Fp, HostMatrix, Interaction, InteractionKind, RowExpr};
//! use stark::{verify_with_key, Air, Prover, PublicInteraction, SecurityPolicy, TableSpec};
//!
//! struct Cubes;
//! const LOG_ROWS: u32 = 4;
//! const ROWS: usize = 1 << LOG_ROWS;
//! let constant = |r: usize| Fp::from(1 + (r % 4) as u32);
//!
//! impl Air for Cubes {
//!     fn name(&self) -> String { "doc-cubes".into() }
//!     fn num_public_inputs(&self) -> usize { 2 } // input, output
//!     fn tables(&self) -> Vec<TableSpec> {
//!         let mut cs = ConstraintSystem::new(1, 0, 0, 2).with_preprocessed(1).with_periodic(1);
//!         let (x, x1, c, input) = (cs.main(0), cs.main_next(0), cs.periodic(0), cs.public(0));
//!         let t = cs.add(x, c);
//!         let t2 = cs.mul(t, t);
//!         let t3 = cs.mul(t2, t);
//!         let step = cs.sub(x1, t3);
//!         cs.constrain(step, RowSet::Transition);
//!         let first = cs.sub(x, input);
//!         cs.constrain(first, RowSet::FirstRow);
//!         let out = Interaction { bus: 0, kind: InteractionKind::Send,
//!             values: vec![RowExpr::main(0)], multiplicity: RowExpr::preprocessed(0) };
//!         let constants = (1..=4).map(Fp::from).collect();
//!         vec![TableSpec::new("cubes", LOG_ROWS, cs)
//!             .with_periodic(vec![constants])
//!             .with_interactions(vec![out])]
//!     }
//!     fn preprocessed_trace(&self, _table: usize) -> Option<HostMatrix<Fp>> {
//!         HostMatrix::from_columns(&[(0..ROWS).map(|r| Fp::from((r == ROWS - 1) as u32)).collect()])
//!     }
//!     fn public_interactions(&self, public: &[Fp]) -> Vec<PublicInteraction> {
//!         vec![PublicInteraction { bus: 0, kind: InteractionKind::Receive,
//!             values: vec![public[1]], multiplicity: Fp::ONE }]
//!     }
//! }
//!
//! let mut x = vec![Fp::new(5)];
//! for r in 1..ROWS { let t = x[r - 1] + constant(r - 1); x.push(t * t * t); }
//! let public = [x[0], x[ROWS - 1]];
//! let trace = HostMatrix::from_columns(&[x]).unwrap();
//!
//! let prover = Prover::new(backend_cpu::CpuDevice::new())?;
//! let key = prover.setup(&Cubes)?; // commits the preprocessed column once
//! let (proof, _) = prover.prove_with_key(&key, &public, &[trace])?;
//! let (vk, policy) = (key.verifying_key(), SecurityPolicy::default());
//! let verified = verify_with_key(&Cubes, vk, &public, &proof, &policy)?;
//! assert!(verified.security.conjectured_bits >= 100);
//! // Another output is another statement: rejected.
//! assert!(verify_with_key(&Cubes, vk, &[public[0], Fp::ONE], &proof, &policy).is_err());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![deny(missing_docs)]

pub mod air;
mod channel;
pub mod error;
pub mod examples;
pub mod fri_layout;
pub mod keys;
pub mod layout;
pub mod logup_constraints;
pub mod memory_plan;
pub mod merkle_batch;
pub mod ood;
pub mod options;
pub mod proof;
pub mod proof_io;
pub mod prover;
pub mod round_trees;
pub mod security;
pub mod statement;
pub mod transcript;
pub mod verifier;

pub use air::{Air, AirError, AirInstance, PublicInteraction, TableSpec};
pub use error::{ProverError, VerifyError};
pub use keys::{ProvingKey, VerifyingKey};
pub use memory_plan::{MemoryPlan, Schedule};
pub use options::Options;
pub use proof::Proof;
pub use prover::{PhaseTimes, Prover};
pub use security::{SecurityPolicy, SecurityReport};
pub use verifier::{verify, verify_bytes, verify_with_key, Verified};

/// The README's Rust snippets, compiled as doc-tests so that they cannot
/// rot.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
