//! [`Prover::setup`]: what one AIR needs on one prover before any proof.

use super::Prover;
use crate::air::{Air, AirError, TableSpec};
use crate::error::ProverError;
use crate::keys::{PreprocessedTable, ProvingKey, TableKey, VerifyingKey};
use crate::layout::{layouts, LayoutError, TableLayout};
use backend_api::expr::CompositionDomain;
use backend_api::periodic::periodic_table;
use backend_api::{Fp, MerkleTree, Order, ProverDevice};

impl From<LayoutError> for ProverError {
    fn from(e: LayoutError) -> Self {
        match e {
            LayoutError::Constraints { table, source } => {
                ProverError::Constraints { table, source }
            }
            LayoutError::BlowupTooSmall {
                table,
                parts,
                blowup,
            } => ProverError::BlowupTooSmall {
                table,
                parts,
                blowup,
            },
            LayoutError::BadTable { table, reason } => AirError::BadTable { table, reason }.into(),
        }
    }
}

impl<D: ProverDevice> Prover<D> {
    /// Everything proofs of `air` share on this prover: the table layouts,
    /// each table's preprocessed columns (from [`Air::preprocessed_trace`])
    /// uploaded and extended, and their tree (one over all tables), each
    /// periodic column's table over the composition domain, and the
    /// [`VerifyingKey`].
    ///
    /// Errors: [`AirError`] for an unusable AIR (a name over 255 bytes, a
    /// table out of shape, a missing or misshapen preprocessed trace);
    /// [`ProverError::Constraints`] and [`ProverError::BlowupTooSmall`] for
    /// constraint systems that cannot be proved with these options; device
    /// errors.
    pub fn setup<'a>(&self, air: &'a dyn Air) -> Result<ProvingKey<'a, D>, ProverError> {
        let name = air.name();
        if name.len() > 255 {
            return Err(AirError::BadAir {
                air: name,
                reason: "name longer than 255 bytes".into(),
            }
            .into());
        }
        let specs = air.tables();
        let layouts = layouts(&specs, &self.options, air.num_public_inputs())?;
        let tables = specs
            .iter()
            .zip(&layouts)
            .enumerate()
            .map(|(i, (spec, layout))| self.table_key(air, i, spec, layout))
            .collect::<Result<Vec<_>, _>>()?;
        let ldes: Vec<_> = tables
            .iter()
            .filter_map(|t| t.preprocessed.as_ref().map(|p| &p.lde))
            .collect();
        let preprocessed_tree = match ldes.is_empty() {
            true => None,
            false => Some(self.device.merkle_commit_tables(&self.ctx, &ldes)?),
        };
        let root = preprocessed_tree.as_ref().map(MerkleTree::root);
        let vk = VerifyingKey::for_tables(air, &specs, &self.options, root);
        Ok(ProvingKey {
            air,
            specs,
            layouts,
            options: self.options,
            tables,
            preprocessed_tree,
            vk,
        })
    }

    fn table_key(
        &self,
        air: &dyn Air,
        index: usize,
        spec: &TableSpec,
        layout: &TableLayout,
    ) -> Result<TableKey<D>, ProverError> {
        let preprocessed = if layout.pre_width > 0 {
            Some(self.commit_preprocessed(air, index, layout)?)
        } else {
            None
        };
        let domain = composition_domain(layout, self.options.shift);
        let periodic = spec
            .periodic
            .iter()
            .map(|pattern| periodic_table(&self.device, &self.ctx, pattern, &domain))
            .collect::<Result<_, _>>()?;
        Ok(TableKey {
            preprocessed,
            periodic,
        })
    }

    /// Uploads and extends table `index`'s preprocessed columns.
    fn commit_preprocessed(
        &self,
        air: &dyn Air,
        index: usize,
        layout: &TableLayout,
    ) -> Result<PreprocessedTable<D>, ProverError> {
        let bad = |reason: String| AirError::BadTable {
            table: layout.name.clone(),
            reason,
        };
        let host = air
            .preprocessed_trace(index)
            .ok_or_else(|| bad("has preprocessed columns but no preprocessed trace".into()))?;
        if (host.width(), host.height()) != (layout.pre_width, layout.height()) {
            return Err(bad(format!(
                "preprocessed trace is {} x {}, expected {} x {}",
                host.width(),
                host.height(),
                layout.pre_width,
                layout.height()
            ))
            .into());
        }
        let (dev, ctx) = (&self.device, &self.ctx);
        let (trace, lde) = dev.upload_lde(
            ctx,
            &host,
            Order::Natural,
            self.options.blowup(),
            self.options.shift,
            Order::BitReversed,
        )?;
        Ok(PreprocessedTable { trace, lde })
    }
}

/// Where a table's composition is evaluated: the first `q n` positions of
/// its bit-reversed LDE.
pub(super) fn composition_domain(t: &TableLayout, shift: Fp) -> CompositionDomain {
    CompositionDomain {
        log_n: t.log_n,
        log_lde: t.log_lde,
        log_eval: t.log_n + t.parts.trailing_zeros(),
        shift,
    }
}
