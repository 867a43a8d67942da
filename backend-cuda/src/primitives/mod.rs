//! Launchers of the non-NTT primitives, one module per kernel family.

pub(crate) mod deep;
pub(crate) mod fri;
pub(crate) mod grind;
pub(crate) mod inverse;
pub(crate) mod logup;
pub(crate) mod merkle;
pub(crate) mod ood;
