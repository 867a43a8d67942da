//! The prover's rounds (docs/PROTOCOL.md, "Rounds"), one method each, over
//! the per-table device state they hand on. Results have the shapes their
//! method's contract gives them: `ProverDevice` checks every backend's
//! output (a wrong shape is `DeviceError::BadOutput`), which is what the
//! `expect`s below rely on.

use super::setup::composition_domain;
use super::{Phases, Prover};
use crate::air::PublicInteraction;
use crate::channel::Channel;
use crate::error::ProverError;
use crate::fri_layout::FriLayout;
use crate::keys::{ProvingKey, TableKey};
use crate::layout::TableLayout;
use crate::logup_constraints::{public_sum, NUM_CHALLENGES};
use crate::merkle_batch::{distinct, prune, BatchOpening};
use crate::ood::composition_matches;
use crate::proof::{FriProof, Proof, TableOod};
use crate::statement::statement_bytes;
use backend_api::expr::ConstraintParams;
use backend_api::{
    Coset, DeepOpening, DeviceElem, DeviceMatrix, Fp, Fp3, HostMatrix, LogUpChallenges, MerkleTree,
    NttDirection, Order, ProverDevice, TraceColumns,
};

/// Checks the public inputs and traces against the key's AIR and layouts
/// before any device work.
pub(super) fn check_statement<D: ProverDevice>(
    pk: &ProvingKey<'_, D>,
    public: &[Fp],
    traces: &[HostMatrix<Fp>],
) -> Result<(), ProverError> {
    let expected = pk.air.num_public_inputs();
    if public.len() != expected {
        return Err(ProverError::PublicInputCount {
            expected,
            got: public.len(),
        });
    }
    if traces.len() != pk.layouts.len() {
        return Err(ProverError::TraceCount {
            expected: pk.layouts.len(),
            got: traces.len(),
        });
    }
    for (t, tr) in pk.layouts.iter().zip(traces) {
        if tr.width() != t.width || tr.height() != t.height() {
            return Err(ProverError::TraceShape {
                table: t.name.clone(),
                width: t.width,
                height: t.height(),
                got_width: tr.width(),
                got_height: tr.height(),
            });
        }
    }
    Ok(())
}

/// A committed matrix: its values on the device and its Merkle tree.
struct Committed<D: ProverDevice, T: DeviceElem> {
    lde: DeviceMatrix<D, T>,
    tree: D::MerkleTree,
}

/// A table's LogUp aux trace (natural order over `H_n`) and its commitment.
struct AuxState<D: ProverDevice> {
    trace: DeviceMatrix<D, Fp3>,
    committed: Committed<D, Fp3>,
}

/// Per-table device state from round 1 on.
struct TableState<D: ProverDevice> {
    trace: DeviceMatrix<D, Fp>,
    main: Committed<D, Fp>,
    aux: Option<AuxState<D>>,
    /// The table's LogUp total (0 without interactions).
    total: Fp3,
}

/// A table's composition parts: their values over `H_n` (coefficients
/// until round 4) and their committed LDE.
struct PartsState<D: ProverDevice> {
    values: DeviceMatrix<D, Fp3>,
    committed: Committed<D, Fp3>,
}

/// One proof in progress: the prover, the key, the statement, the
/// transcript.
pub(super) struct ProofRun<'a, 'k, D: ProverDevice> {
    dev: &'a D,
    ctx: &'a D::DeviceCtx,
    pk: &'a ProvingKey<'k, D>,
    public: &'a [Fp],
    public_messages: Vec<PublicInteraction>,
    fri: FriLayout,
    channel: Channel,
}

impl<'a, 'k, D: ProverDevice> ProofRun<'a, 'k, D> {
    /// Round 0, the header: absorbs the verifying key's digest, the
    /// options and the statement (public inputs and public bus messages).
    pub(super) fn new(prover: &'a Prover<D>, pk: &'a ProvingKey<'k, D>, public: &'a [Fp]) -> Self {
        let public_messages = pk.air.public_interactions(public);
        let statement = statement_bytes(public, &public_messages);
        let channel = Channel::header(&pk.vk.digest(), &pk.options, &statement);
        ProofRun {
            dev: &prover.device,
            ctx: &prover.ctx,
            pk,
            public,
            public_messages,
            fri: FriLayout::new(&pk.layouts, &pk.options),
            channel,
        }
    }

    fn tables(&self) -> impl Iterator<Item = (&'a TableLayout, &'a TableKey<D>)> {
        self.pk.layouts.iter().zip(&self.pk.tables)
    }

    /// Runs every round; `phases` times them.
    pub(super) fn prove(
        mut self,
        traces: &[HostMatrix<Fp>],
        phases: &mut Phases,
    ) -> Result<Proof, ProverError> {
        phases.start("main commit");
        let mut state = self.main_commit(traces)?;
        phases.end("main commit");
        phases.start("logup");
        let (lc, totals) = self.logup(&mut state)?;
        phases.end("logup (aux commit)");
        phases.start("composition");
        let (alpha, mut parts) = self.composition(&state, &lc)?;
        phases.end("composition commit");
        phases.start("ood");
        let (z, ood) = self.out_of_domain(&state, &mut parts, &lc, alpha)?;
        phases.end("ood evaluation");
        phases.start("deep + fri");
        let (fri, layers) = self.deep_fri(&state, &parts, &ood, z)?;
        phases.end("deep + fri");
        phases.start("grinding");
        let pow_nonce = self.grind()?;
        phases.end("grinding");
        phases.start("queries");
        let openings = self.open(&state, &parts, &layers)?;
        phases.end("queries");
        Ok(Proof {
            air: self.pk.air.instance(self.public),
            options: self.pk.options,
            main_roots: state.iter().map(|s| s.main.tree.root()).collect(),
            aux_roots: state
                .iter()
                .filter_map(|s| s.aux.as_ref().map(|a| a.committed.tree.root()))
                .collect(),
            totals,
            parts_roots: parts.iter().map(|p| p.committed.tree.root()).collect(),
            ood,
            fri,
            pow_nonce,
            main_openings: openings.main,
            pre_openings: openings.pre,
            aux_openings: openings.aux,
            parts_openings: openings.parts,
            fri_openings: openings.fri,
        })
    }

    /// The coset LDE (natural evaluations -> bit-reversed) of `m`.
    fn extend<T: DeviceElem>(
        &self,
        m: &DeviceMatrix<D, T>,
    ) -> Result<DeviceMatrix<D, T>, ProverError> {
        let opts = &self.pk.options;
        Ok(self.dev.coset_lde(
            self.ctx,
            m,
            Order::Natural,
            opts.blowup(),
            opts.shift,
            Order::BitReversed,
        )?)
    }

    /// A tree with one row per leaf over `lde`.
    fn commit<T: DeviceElem>(
        &self,
        lde: DeviceMatrix<D, T>,
    ) -> Result<Committed<D, T>, ProverError> {
        let tree = self.dev.merkle_commit(self.ctx, &[&lde], 1)?;
        Ok(Committed { lde, tree })
    }

    /// Round 1: uploads, extends and commits each main trace.
    fn main_commit(
        &mut self,
        traces: &[HostMatrix<Fp>],
    ) -> Result<Vec<TableState<D>>, ProverError> {
        let mut state = Vec::with_capacity(traces.len());
        for tr in traces {
            let trace = self.dev.upload_matrix(self.ctx, tr)?;
            let lde = self.extend(&trace)?;
            let main = self.commit(lde)?;
            self.channel.main_root(&main.tree.root());
            state.push(TableState {
                trace,
                main,
                aux: None,
                total: Fp3::ZERO,
            });
        }
        Ok(state)
    }

    /// Round 2: LogUp challenges, the aux traces and their totals (which,
    /// with the public messages, must cancel), then their commitments.
    fn logup(
        &mut self,
        state: &mut [TableState<D>],
    ) -> Result<(LogUpChallenges, Vec<Fp3>), ProverError> {
        let lc = self.channel.logup_challenges();
        let mut aux_traces = Vec::with_capacity(state.len());
        for ((spec, key), st) in self.pk.specs.iter().zip(&self.pk.tables).zip(&mut *state) {
            if spec.interactions.is_empty() {
                aux_traces.push(None);
                continue;
            }
            let trace = TraceColumns {
                main: &st.trace,
                preprocessed: key.preprocessed.as_ref().map(|p| &p.trace),
            };
            let aux = self
                .dev
                .logup_aux_trace(self.ctx, trace, &spec.interactions, &lc)?;
            st.total = aux.total;
            aux_traces.push(Some(aux.aux));
        }
        let totals: Vec<Fp3> = state
            .iter()
            .zip(&aux_traces)
            .filter(|(_, a)| a.is_some())
            .map(|(s, _)| s.total)
            .collect();
        let sum = totals.iter().copied().sum::<Fp3>() + public_sum(&self.public_messages, &lc);
        if sum != Fp3::ZERO {
            return Err(ProverError::UnbalancedBuses(sum));
        }
        for (st, aux) in state.iter_mut().zip(aux_traces) {
            if let Some(trace) = aux {
                let lde = self.extend(&trace)?;
                let committed = self.commit(lde)?;
                self.channel.aux_root(&committed.tree.root());
                st.aux = Some(AuxState { trace, committed });
            }
        }
        self.channel.logup_totals(&totals);
        Ok((lc, totals))
    }

    /// Round 3: for each table, the composition over the first `q n` LDE
    /// positions, interpolated, split into `q` parts of `n` coefficients,
    /// extended and committed.
    fn composition(
        &mut self,
        state: &[TableState<D>],
        lc: &LogUpChallenges,
    ) -> Result<(Fp3, Vec<PartsState<D>>), ProverError> {
        let alpha = self.channel.composition_challenge();
        let shift = self.pk.options.shift;
        let mut parts = Vec::with_capacity(state.len());
        for ((t, key), st) in self.tables().zip(state) {
            let challenges: [Fp3; NUM_CHALLENGES] = [lc.z, lc.alpha, st.total];
            let domain = composition_domain(t, shift);
            let trace = TraceColumns {
                main: &st.main.lde,
                preprocessed: key.preprocessed.as_ref().map(|p| &p.lde),
            };
            let params = ConstraintParams {
                challenges: &challenges,
                public: self.public,
                periodic: &key.periodic,
                alpha,
            };
            let aux = st.aux.as_ref().map(|a| &a.committed.lde);
            let evals = self
                .dev
                .evaluate_constraints(self.ctx, &t.system, trace, aux, &domain, &params)?;
            let mut comp = evals;
            self.dev.ntt(
                self.ctx,
                &mut comp,
                NttDirection::Inverse,
                shift,
                Order::BitReversed,
                Order::Natural,
            )?;
            let coeffs = comp
                .reshape(t.parts, t.height())
                .expect("a 1 x (parts * n) matrix reshapes to parts x n");
            let lde = self.dev.coeffs_to_coset(
                self.ctx,
                &coeffs,
                Order::Natural,
                self.pk.options.blowup(),
                shift,
                Order::BitReversed,
            )?;
            let committed = self.commit(lde)?;
            self.channel.parts_root(&committed.tree.root());
            parts.push(PartsState {
                values: coeffs,
                committed,
            });
        }
        Ok((alpha, parts))
    }

    /// `(values at z, values at z g)` of `m`, or two empty vectors.
    fn at_z_and_zg<T: DeviceElem>(
        &self,
        m: Option<&DeviceMatrix<D, T>>,
        points: &[Fp3; 2],
    ) -> Result<(Vec<Fp3>, Vec<Fp3>), ProverError> {
        let Some(m) = m else {
            return Ok((Vec::new(), Vec::new()));
        };
        let mut v = self.dev.ood_evaluate(self.ctx, m, points)?;
        let zg = v.pop().expect("two points checked");
        Ok((v.pop().expect("two points checked"), zg))
    }

    /// Round 4: the out-of-domain point `z` and every column at `z` and
    /// `z g` (parts at `z`), checked against the constraints (a witness
    /// that fails them is refused here) and absorbed.
    fn out_of_domain(
        &mut self,
        state: &[TableState<D>],
        parts: &mut [PartsState<D>],
        lc: &LogUpChallenges,
        alpha: Fp3,
    ) -> Result<(Fp3, Vec<TableOod>), ProverError> {
        let log_n_max = self.pk.layouts.iter().map(|t| t.log_n).max();
        let log_n_max = log_n_max.expect("an AIR has at least one table");
        let z = self.channel.ood_point(log_n_max, &self.pk.options);
        let mut ood = Vec::with_capacity(state.len());
        for (((spec, (t, key)), st), p) in self
            .pk
            .specs
            .iter()
            .zip(self.tables())
            .zip(state)
            .zip(&mut *parts)
        {
            let g = Fp::root_of_unity(t.log_n).expect("log_n <= 26");
            let points = [z, z.mul_base(g)];
            let (main_z, main_zg) = self.at_z_and_zg(Some(&st.trace), &points)?;
            let pre = key.preprocessed.as_ref().map(|p| &p.trace);
            let (pre_z, pre_zg) = self.at_z_and_zg(pre, &points)?;
            let (aux_z, aux_zg) = self.at_z_and_zg(st.aux.as_ref().map(|a| &a.trace), &points)?;
            // The parts' coefficients become their values over H_n.
            self.dev.ntt(
                self.ctx,
                &mut p.values,
                NttDirection::Forward,
                Fp::ONE,
                Order::Natural,
                Order::Natural,
            )?;
            let parts_z = self.dev.ood_evaluate(self.ctx, &p.values, &[z])?;
            let parts_z = parts_z.into_iter().next().expect("one point");
            let table_ood = TableOod {
                main_z,
                main_zg,
                pre_z,
                pre_zg,
                aux_z,
                aux_zg,
                parts_z,
            };
            let challenges = [lc.z, lc.alpha, st.total];
            if !composition_matches(
                t,
                &spec.periodic,
                &table_ood,
                &challenges,
                self.public,
                alpha,
                z,
            ) {
                return Err(ProverError::ConstraintsNotSatisfied {
                    table: t.name.clone(),
                });
            }
            self.channel.ood_values(&table_ood);
            ood.push(table_ood);
        }
        Ok((z, ood))
    }

    /// Table `i`'s DEEP codeword over its LDE domain (docs/PROTOCOL.md,
    /// round 5).
    fn deep_codeword(
        &self,
        i: usize,
        (st, p, o): (&TableState<D>, &PartsState<D>, &TableOod),
        z: Fp3,
        gamma: Fp3,
    ) -> Result<DeviceMatrix<D, Fp3>, ProverError> {
        let (t, key) = (&self.pk.layouts[i], &self.pk.tables[i]);
        let g = Fp::root_of_unity(t.log_n).expect("log_n <= 26");
        let points = [z, z.mul_base(g)];
        let both = |v: &Vec<Fp3>, w: &Vec<Fp3>| vec![(0, v.clone()), (1, w.clone())];
        let mut base = vec![DeepOpening {
            matrix: &st.main.lde,
            evaluations: both(&o.main_z, &o.main_zg),
        }];
        if let Some(pre) = &key.preprocessed {
            base.push(DeepOpening {
                matrix: &pre.lde,
                evaluations: both(&o.pre_z, &o.pre_zg),
            });
        }
        let mut ext = Vec::new();
        if let Some(aux) = &st.aux {
            ext.push(DeepOpening {
                matrix: &aux.committed.lde,
                evaluations: both(&o.aux_z, &o.aux_zg),
            });
        }
        ext.push(DeepOpening {
            matrix: &p.committed.lde,
            evaluations: vec![(0, o.parts_z.clone())],
        });
        let domain = Coset::new(t.log_lde, self.pk.options.shift, Order::BitReversed);
        Ok(self
            .dev
            .deep_composition(self.ctx, domain, &points, gamma, &base, &ext)?)
    }

    /// Round 5: `gamma` and `lambda`, then the proof's one FRI: the DEEP
    /// codewords of the tables join it at their sizes (the `k`-th scaled
    /// by `lambda^k`); per layer of arity `2^a`, commit (`2^a` values per
    /// leaf), absorb the root, squeeze `beta`, fold `a` times with `beta,
    /// beta^2, ..`; then the last codeword's coefficients, which must fit
    /// the final length.
    fn deep_fri(
        &mut self,
        state: &[TableState<D>],
        parts: &[PartsState<D>],
        ood: &[TableOod],
        z: Fp3,
    ) -> Result<(FriProof, Vec<Committed<D, Fp3>>), ProverError> {
        let (gamma, lambda) = self.channel.deep_challenges();
        let fri = self.fri.clone();
        let sizes = fri.sizes();
        let mut codeword: Option<DeviceMatrix<D, Fp3>> = None;
        let join = |run: &Self, size: u32, codeword: &mut Option<DeviceMatrix<D, Fp3>>| {
            for (k, t) in fri.joining_at(size) {
                let deep = run.deep_codeword(t, (&state[t], &parts[t], &ood[t]), z, gamma)?;
                match codeword {
                    None => *codeword = Some(deep),
                    Some(c) => run
                        .dev
                        .add_scaled(run.ctx, c, &deep, lambda.pow(k as u64))?,
                }
            }
            Ok::<(), ProverError>(())
        };
        let mut layers = Vec::with_capacity(fri.layers());
        let mut layer_roots = Vec::with_capacity(fri.layers());
        let mut shift = self.pk.options.shift;
        for (&size, &log_arity) in sizes.iter().zip(&fri.log_arities) {
            join(self, size, &mut codeword)?;
            let current = codeword.take().expect("the largest tables join first");
            let tree = self.dev.fri_commit_layer(self.ctx, &current, log_arity)?;
            layer_roots.push(tree.root());
            let mut beta = self.channel.fri_layer(&tree.root());
            let mut folded = self.dev.fri_fold(self.ctx, &current, shift, beta)?;
            for _ in 1..log_arity {
                (shift, beta) = (shift * shift, beta * beta);
                folded = self.dev.fri_fold(self.ctx, &folded, shift, beta)?;
            }
            shift = shift * shift;
            layers.push(Committed { lde: current, tree });
            codeword = Some(folded);
        }
        join(self, fri.final_log_size, &mut codeword)?;
        let mut last = codeword.expect("every proof has a table");
        self.dev.ntt(
            self.ctx,
            &mut last,
            NttDirection::Inverse,
            shift,
            Order::BitReversed,
            Order::Natural,
        )?;
        let coeffs = self.dev.download(self.ctx, last.buffer())?;
        let final_len = fri.final_len;
        if coeffs.len() < final_len || coeffs[final_len..].iter().any(|c| *c != Fp3::ZERO) {
            return Err(ProverError::FriFinalDegree);
        }
        let final_poly = coeffs[..final_len].to_vec();
        self.channel.fri_final(&final_poly);
        let proof = FriProof {
            layer_roots,
            final_poly,
        };
        Ok((proof, layers))
    }

    /// Round 6: the smallest nonce meeting the grinding bits, checked and
    /// absorbed.
    fn grind(&mut self) -> Result<u64, ProverError> {
        let seed = self.channel.grinding_seed();
        let bits = self.pk.options.grinding_bits;
        let nonce = self.dev.grind(self.ctx, &seed, bits)?;
        self.channel.pow_nonce(nonce);
        Ok(nonce)
    }

    /// The batch opening of `c`'s tree at the distinct increasing `leaves`.
    fn open_at<T: DeviceElem>(
        &self,
        c: (&D::MerkleTree, &DeviceMatrix<D, T>),
        leaves: &[usize],
    ) -> Result<BatchOpening<T>, ProverError> {
        let (tree, lde) = c;
        Ok(prune(self.dev.merkle_open(
            self.ctx,
            tree,
            &[lde],
            leaves,
        )?))
    }

    /// Rounds 7 and 8: the query indices, then every opening at them.
    fn open(
        &mut self,
        state: &[TableState<D>],
        parts: &[PartsState<D>],
        layers: &[Committed<D, Fp3>],
    ) -> Result<Openings, ProverError> {
        let log_lde_max = self.fri.log_lde;
        let queries = self
            .channel
            .queries(self.pk.options.num_queries, log_lde_max);
        let mut o = Openings::default();
        for ((t, key), (st, p)) in self.tables().zip(state.iter().zip(parts)) {
            let table_pos: Vec<usize> = queries
                .iter()
                .map(|q| q >> (log_lde_max - t.log_lde))
                .collect();
            let pos = distinct(&table_pos);
            o.main
                .push(self.open_at((&st.main.tree, &st.main.lde), &pos)?);
            if let Some(pre) = &key.preprocessed {
                o.pre.push(self.open_at((&pre.tree, &pre.lde), &pos)?);
            }
            if let Some(aux) = &st.aux {
                let c = &aux.committed;
                o.aux.push(self.open_at((&c.tree, &c.lde), &pos)?);
            }
            let c = &p.committed;
            o.parts.push(self.open_at((&c.tree, &c.lde), &pos)?);
        }
        let mut folded = 0;
        for (layer, log_arity) in layers.iter().zip(&self.fri.log_arities) {
            folded += log_arity;
            let leaves: Vec<usize> = queries.iter().map(|q| q >> folded).collect();
            o.fri
                .push(self.open_at((&layer.tree, &layer.lde), &distinct(&leaves))?);
        }
        Ok(o)
    }
}

/// Every opening of a proof, in the proof's layout.
#[derive(Default)]
struct Openings {
    main: Vec<BatchOpening<Fp>>,
    pre: Vec<BatchOpening<Fp>>,
    aux: Vec<BatchOpening<Fp3>>,
    parts: Vec<BatchOpening<Fp3>>,
    fri: Vec<BatchOpening<Fp3>>,
}
