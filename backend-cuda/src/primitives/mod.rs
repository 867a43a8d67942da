//! The primitives' launchers: one module per kernel family (per
//! `kernels/<family>.cu`), called by `backend.rs` with checked arguments.

pub(crate) mod constraints;
pub(crate) mod deep;
pub(crate) mod fri;
pub(crate) mod grind;
pub(crate) mod inverse;
pub(crate) mod logup;
pub(crate) mod merkle;
pub mod ntt;
pub(crate) mod ood;
pub(crate) mod working;
