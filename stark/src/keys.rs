//! Proving and verifying keys: what [`crate::Prover::setup`] computes once
//! per AIR and options, so that proofs reuse it and verifiers check
//! against it.
//!
//! The verifying key binds the AIR (its digest, [`crate::statement`]), the
//! blowup and shift its preprocessed columns were extended with, and the
//! Merkle root of the one tree over every table's preprocessed LDE
//! ([`crate::round_trees`]). Its digest is the first
//! message of every proof's transcript.

use crate::air::{Air, AirError, TableSpec};
use crate::layout::TableLayout;
use crate::options::Options;
use crate::proof_io::Writer;
use crate::security::SecurityReport;
use crate::statement::{air_digest, statement_digest};
use backend_api::{keccak256, DeviceMatrix, Digest, Fp, ProverDevice};

/// Domain separator hashed before a verifying key's encoding.
pub const VK_LABEL: &[u8] = b"stark-hal/vk/v3";
/// The first bytes of a verifying key's byte form.
pub const VK_MAGIC: &[u8; 4] = b"STVK";

/// What a verifier needs besides the AIR: the AIR's digest and the
/// commitments to its preprocessed columns, for one blowup and shift.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyingKey {
    /// [`crate::statement::air_digest`] of the AIR the key was made for.
    pub air_digest: Digest,
    /// The options' `log_blowup` the preprocessed LDEs were made with.
    pub log_blowup: u32,
    /// The options' coset shift the preprocessed LDEs were made with.
    pub shift: Fp,
    /// The root of the preprocessed round's tree
    /// (`ProverDevice::merkle_commit_tables` over the preprocessed LDEs of
    /// the tables that have preprocessed columns, in table order); `None`
    /// when no table has any.
    pub preprocessed_root: Option<Digest>,
}

/// Why bytes are not a verifying key.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("malformed verifying key: {0}")]
pub struct VerifyingKeyFormatError(pub &'static str);

impl VerifyingKey {
    /// The key of an AIR without preprocessed columns, which follows from
    /// the AIR and the options alone. Errors: [`AirError::BadTable`] naming
    /// a table that has preprocessed columns (its key comes from
    /// [`crate::Prover::setup`]).
    pub fn without_preprocessed(air: &dyn Air, options: &Options) -> Result<Self, AirError> {
        let tables = air.tables();
        if let Some(t) = tables.iter().find(|t| t.preprocessed_width > 0) {
            return Err(AirError::BadTable {
                table: t.name.clone(),
                reason: "has preprocessed columns: its verifying key comes from Prover::setup"
                    .into(),
            });
        }
        Ok(Self::for_tables(air, &tables, options, None))
    }

    pub(crate) fn for_tables(
        air: &dyn Air,
        tables: &[TableSpec],
        options: &Options,
        preprocessed_root: Option<Digest>,
    ) -> Self {
        VerifyingKey {
            air_digest: air_digest(air, tables),
            log_blowup: options.log_blowup,
            shift: options.shift,
            preprocessed_root,
        }
    }

    fn write(&self, w: &mut Writer) {
        w.digest(&self.air_digest);
        w.u8(u8::try_from(self.log_blowup).unwrap_or(u8::MAX));
        w.elem(self.shift);
        match &self.preprocessed_root {
            Some(d) => {
                w.u8(1);
                w.digest(d);
            }
            None => w.u8(0),
        }
    }

    /// Keccak-256 of [`VK_LABEL`] and the key's fields (as in
    /// [`to_bytes`](Self::to_bytes) after the magic).
    pub fn digest(&self) -> Digest {
        let mut w = Writer::default();
        w.buf.extend_from_slice(VK_LABEL);
        self.write(&mut w);
        keccak256(&w.buf)
    }

    /// The key's bytes: [`VK_MAGIC`], then the AIR digest, `log_blowup`
    /// (u8), the shift, and a flag byte (0 no preprocessed root, 1 a root)
    /// followed by the root.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer::default();
        w.buf.extend_from_slice(VK_MAGIC);
        self.write(&mut w);
        w.buf
    }

    /// Parses [`to_bytes`](Self::to_bytes); any malformation is an error.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, VerifyingKeyFormatError> {
        let bad = VerifyingKeyFormatError;
        let rest = bytes.strip_prefix(VK_MAGIC).ok_or(bad("bad magic"))?;
        let take = |rest: &mut &[u8], n: usize| -> Result<Vec<u8>, VerifyingKeyFormatError> {
            if rest.len() < n {
                return Err(bad("truncated"));
            }
            let (head, tail) = rest.split_at(n);
            *rest = tail;
            Ok(head.to_vec())
        };
        let mut rest = rest;
        let air_digest: Digest = take(&mut rest, 32)?.try_into().expect("32 bytes");
        let log_blowup = u32::from(take(&mut rest, 1)?[0]);
        let shift = Fp::from_bytes(take(&mut rest, 8)?.try_into().expect("8 bytes"))
            .ok_or(bad("non-canonical shift"))?;
        let preprocessed_root = match take(&mut rest, 1)?[0] {
            0 => None,
            1 => Some(take(&mut rest, 32)?.try_into().expect("32 bytes")),
            _ => return Err(bad("root flag is neither 0 nor 1")),
        };
        if !rest.is_empty() {
            return Err(bad("trailing bytes"));
        }
        Ok(VerifyingKey {
            air_digest,
            log_blowup,
            shift,
            preprocessed_root,
        })
    }
}

/// A table's preprocessed columns on the device: the trace (for the
/// out-of-domain values and LogUp) and its LDE.
pub(crate) struct PreprocessedTable<D: ProverDevice> {
    pub(crate) trace: DeviceMatrix<D, Fp>,
    pub(crate) lde: DeviceMatrix<D, Fp>,
}

/// What the prover keeps per table between proofs.
pub(crate) struct TableKey<D: ProverDevice> {
    /// The preprocessed columns, if the table has any.
    pub(crate) preprocessed: Option<PreprocessedTable<D>>,
    /// Each periodic column over the composition domain, reduced to one
    /// period (`ConstraintParams::periodic`).
    pub(crate) periodic: Vec<Vec<Fp>>,
}

/// Everything [`crate::Prover::setup`] computes for one AIR on one prover
/// (its device, context and options): layouts, the preprocessed columns'
/// LDEs and trees kept on the device, periodic tables, and the verifying
/// key. Use it only with the prover that made it.
pub struct ProvingKey<'a, D: ProverDevice> {
    pub(crate) air: &'a dyn Air,
    pub(crate) specs: Vec<TableSpec>,
    pub(crate) layouts: Vec<TableLayout>,
    pub(crate) options: Options,
    pub(crate) tables: Vec<TableKey<D>>,
    /// The preprocessed round's tree over the tables' preprocessed LDEs.
    pub(crate) preprocessed_tree: Option<D::MerkleTree>,
    pub(crate) vk: VerifyingKey,
}

impl<D: ProverDevice> ProvingKey<'_, D> {
    /// The verifying key to hand to verifiers.
    pub fn verifying_key(&self) -> &VerifyingKey {
        &self.vk
    }

    /// The AIR the key was made for.
    pub fn air(&self) -> &dyn Air {
        self.air
    }

    /// The options the key was made with.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// The layout of each table.
    pub fn layouts(&self) -> &[TableLayout] {
        &self.layouts
    }

    /// The security these options give for the AIR and the public inputs
    /// `public` (their bus messages enter the LogUp term), as a verifier
    /// computes it.
    pub fn security(&self, public: &[Fp]) -> SecurityReport {
        let messages = self.air.public_interactions(public);
        SecurityReport::new(&self.options, &self.layouts, &messages)
    }

    /// The statement digest of a proof for `public` with this key
    /// ([`crate::statement::statement_digest`]).
    pub fn statement(&self, public: &[Fp]) -> Digest {
        let messages = self.air.public_interactions(public);
        statement_digest(&self.vk.digest(), public, &messages)
    }
}

impl<D: ProverDevice> std::fmt::Debug for ProvingKey<'_, D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProvingKey")
            .field("air", &self.air.name())
            .field("params", &self.air.params())
            .field("options", &self.options)
            .field("tables", &self.layouts.len())
            .field("vk", &self.vk)
            .finish_non_exhaustive()
    }
}
