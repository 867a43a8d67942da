//! The proof object. Its byte format is in [`crate::proof_io`].

use crate::air::AirInstance;
use crate::merkle_batch::BatchOpening;
use crate::options::Options;
use backend_api::{Digest, Fp, Fp3};

/// Out-of-domain values of one table at `z` and `z * g` (`g` generating the
/// table's trace domain).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableOod {
    /// Each main column at `z`.
    pub main_z: Vec<Fp3>,
    /// Each main column at `z * g`.
    pub main_zg: Vec<Fp3>,
    /// Each preprocessed column at `z`; empty for a table without them.
    pub pre_z: Vec<Fp3>,
    /// Each preprocessed column at `z * g`; empty for a table without them.
    pub pre_zg: Vec<Fp3>,
    /// Each aux column at `z`; empty for a table without interactions.
    pub aux_z: Vec<Fp3>,
    /// Each aux column at `z * g`; empty for a table without interactions.
    pub aux_zg: Vec<Fp3>,
    /// The composition parts `Q_0 .. Q_{q-1}` at `z`.
    pub parts_z: Vec<Fp3>,
}

impl TableOod {
    /// The seven vectors in transcript and byte order: main at `z`, `z g`;
    /// preprocessed at `z`, `z g`; aux at `z`, `z g`; parts at `z`.
    pub fn vectors(&self) -> [&Vec<Fp3>; 7] {
        [
            &self.main_z,
            &self.main_zg,
            &self.pre_z,
            &self.pre_zg,
            &self.aux_z,
            &self.aux_zg,
            &self.parts_z,
        ]
    }
}

/// The proof's FRI commitments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FriProof {
    /// One root per layer (layer 0 holds the largest tables' DEEP
    /// codewords, combined).
    pub layer_roots: Vec<Digest>,
    /// Coefficients (lowest first) of the last layer's polynomial.
    pub final_poly: Vec<Fp3>,
}

/// A proof. Per-table vectors are in table order; "aux tables" are the
/// tables with at least one interaction, "preprocessed tables" those with
/// preprocessed columns, each in table order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proof {
    /// The statement proved (AIR name, parameters, public inputs); the
    /// verifier compares it with the one its caller expects.
    pub air: AirInstance,
    /// The options the proof was made with.
    pub options: Options,
    /// Merkle root of each table's main-trace LDE.
    pub main_roots: Vec<Digest>,
    /// Merkle root of each aux table's LogUp aux-trace LDE.
    pub aux_roots: Vec<Digest>,
    /// LogUp total of each aux table.
    pub totals: Vec<Fp3>,
    /// Merkle root of each table's composition-parts LDE.
    pub parts_roots: Vec<Digest>,
    /// Each table's out-of-domain values.
    pub ood: Vec<TableOod>,
    /// The FRI layer roots and final polynomial.
    pub fri: FriProof,
    /// Proof-of-work nonce: `Keccak256(S || nonce)` has at least
    /// `grinding_bits` leading zero bits, `S` the transcript state after FRI.
    pub pow_nonce: u64,
    /// Main-trace rows at the table's distinct query positions, `[table]`.
    pub main_openings: Vec<BatchOpening<Fp>>,
    /// Preprocessed rows at them (against the verifying key's roots),
    /// `[preprocessed table]`.
    pub pre_openings: Vec<BatchOpening<Fp>>,
    /// Aux-trace rows at them, `[aux table]`.
    pub aux_openings: Vec<BatchOpening<Fp3>>,
    /// Composition-part rows at them, `[table]`.
    pub parts_openings: Vec<BatchOpening<Fp3>>,
    /// Each FRI layer's leaves (the `2^k` values one fold of arity `2^k`
    /// combines) at the distinct leaves the queries reach, `[layer]`.
    pub fri_openings: Vec<BatchOpening<Fp3>>,
}
