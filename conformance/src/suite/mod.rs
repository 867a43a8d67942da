//! The reusable backend suite.
//!
//! Each `check_*` function takes any [`ProverDevice`](backend_api::ProverDevice)
//! and a [`SuiteConfig`] and panics, naming the case, when the device
//! disagrees with [`ReferenceDevice`](crate::ReferenceDevice) (identical
//! inputs uploaded to both, downloads compared byte for byte) or with a
//! mathematical property checked on the host (used where the naive
//! reference would be too slow). The `bad_*` functions check that each
//! invalid argument is rejected with `InvalidArgument` naming it. The
//! proof checks ([`check_proofs_match_reference`] and the rest of
//! `proofs.rs`) drive `stark`'s prover with the device and need `D: Clone`.
//! [`conformance_suite!`](crate::conformance_suite) makes one `#[test]` of each.

mod bad_input;
mod config;
mod constraints;
mod deep;
mod fri;
mod golden;
mod grind;
mod inverse;
mod lde;
mod logup;
mod merkle;
mod ntt;
mod ood;
mod proofs;
mod threads;
mod upload_commit;
mod util;

pub use bad_input::*;
pub use config::SuiteConfig;
pub use constraints::*;
pub use deep::*;
pub use fri::*;
pub use golden::*;
pub use grind::*;
pub use inverse::*;
pub use lde::*;
pub use logup::*;
pub use merkle::*;
pub use ntt::*;
pub use ood::*;
pub use proofs::*;
pub use threads::*;
pub use upload_commit::*;
