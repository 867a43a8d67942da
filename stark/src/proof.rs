//! The proof object. Its byte format is in [`crate::proof_io`].

use crate::air::AirInstance;
use crate::options::Options;
use backend_api::{Digest, Fp, Fp3, MerkleOpening};

/// Out-of-domain values of one table at `z` and `z * g` (`g` generating the
/// table's trace domain).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableOod {
    pub main_z: Vec<Fp3>,
    pub main_zg: Vec<Fp3>,
    /// Empty for a table without interactions.
    pub aux_z: Vec<Fp3>,
    pub aux_zg: Vec<Fp3>,
    /// The composition parts `Q_0 .. Q_{q-1}` at `z`.
    pub parts_z: Vec<Fp3>,
}

/// One table's FRI commitments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableFri {
    /// One root per folded layer (layer 0 is the DEEP codeword).
    pub layer_roots: Vec<Digest>,
    /// Coefficients (lowest first) of the last layer's polynomial.
    pub final_poly: Vec<Fp3>,
}

/// A proof. Per-table vectors are in table order; "aux tables" are the
/// tables with at least one interaction, in table order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proof {
    pub air: AirInstance,
    pub options: Options,
    pub main_roots: Vec<Digest>,
    pub aux_roots: Vec<Digest>,
    /// LogUp total of each aux table.
    pub totals: Vec<Fp3>,
    pub parts_roots: Vec<Digest>,
    pub ood: Vec<TableOod>,
    pub fri: Vec<TableFri>,
    pub pow_nonce: u64,
    /// `[table][query]`.
    pub main_openings: Vec<Vec<MerkleOpening<Fp>>>,
    /// `[aux table][query]`.
    pub aux_openings: Vec<Vec<MerkleOpening<Fp3>>>,
    /// `[table][query]`.
    pub parts_openings: Vec<Vec<MerkleOpening<Fp3>>>,
    /// `[table][layer][query]`.
    pub fri_openings: Vec<Vec<Vec<MerkleOpening<Fp3>>>>,
}
