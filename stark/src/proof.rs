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
/// preprocessed columns, each in table order. Each committing round has one
/// tree over all its tables ([`crate::round_trees`]), opened once at the
/// queries: a leaf holds the row of every table of the tree there, tables
/// in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proof {
    /// The statement proved (AIR name, parameters, public inputs); the
    /// verifier compares it with the one its caller expects.
    pub air: AirInstance,
    /// The options the proof was made with.
    pub options: Options,
    /// Merkle root of the main-trace LDEs of every table.
    pub main_root: Digest,
    /// Merkle root of the aux tables' LogUp aux-trace LDEs; `None` when no
    /// table has interactions.
    pub aux_root: Option<Digest>,
    /// LogUp total of each aux table.
    pub totals: Vec<Fp3>,
    /// Merkle root of every table's composition-parts LDE.
    pub parts_root: Digest,
    /// Each table's out-of-domain values.
    pub ood: Vec<TableOod>,
    /// The FRI layer roots and final polynomial.
    pub fri: FriProof,
    /// Proof-of-work nonce: `Keccak256(S || nonce)` has at least
    /// `grinding_bits` leading zero bits, `S` the transcript state after FRI.
    pub pow_nonce: u64,
    /// The main tree at the distinct leaves the queries open.
    pub main_opening: BatchOpening<Fp>,
    /// The preprocessed tree (the verifying key's) at them; `None` when no
    /// table has preprocessed columns.
    pub pre_opening: Option<BatchOpening<Fp>>,
    /// The aux tree at them; `None` when no table has interactions.
    pub aux_opening: Option<BatchOpening<Fp3>>,
    /// The composition-parts tree at them.
    pub parts_opening: BatchOpening<Fp3>,
    /// Each FRI layer's leaves (the `2^k` values one fold of arity `2^k`
    /// combines) at the distinct leaves the queries reach, `[layer]`.
    pub fri_openings: Vec<BatchOpening<Fp3>>,
}
