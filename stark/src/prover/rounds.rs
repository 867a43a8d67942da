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
use crate::round_trees::RoundTrees;
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

/// A FRI layer's codeword and its tree.
struct Committed<D: ProverDevice, T: DeviceElem> {
    lde: DeviceMatrix<D, T>,
    tree: D::MerkleTree,
}

/// A table's LogUp aux trace (natural order over `H_n`) and its LDE.
struct AuxState<D: ProverDevice> {
    trace: DeviceMatrix<D, Fp3>,
    lde: DeviceMatrix<D, Fp3>,
}

/// Per-table device state from round 1 on.
struct TableState<D: ProverDevice> {
    trace: DeviceMatrix<D, Fp>,
    main_lde: DeviceMatrix<D, Fp>,
    aux: Option<AuxState<D>>,
    /// The table's LogUp total (0 without interactions).
    total: Fp3,
}

/// A table's composition parts: their values over `H_n` (coefficients
/// until round 4) and their LDE.
struct PartsState<D: ProverDevice> {
    values: DeviceMatrix<D, Fp3>,
    lde: DeviceMatrix<D, Fp3>,
}

/// The trees of rounds 1 to 3, each over all of its round's tables.
struct Trees<D: ProverDevice> {
    main: D::MerkleTree,
    aux: Option<D::MerkleTree>,
    parts: D::MerkleTree,
}

/// What round 2 hands on: the challenges, the aux tables' totals, the aux
/// tree (none without aux tables).
struct LogUpRound<D: ProverDevice> {
    challenges: LogUpChallenges,
    totals: Vec<Fp3>,
    tree: Option<D::MerkleTree>,
}

/// What round 3 hands on: `alpha_c`, each table's parts, their tree.
struct CompositionRound<D: ProverDevice> {
    alpha: Fp3,
    parts: Vec<PartsState<D>>,
    tree: D::MerkleTree,
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
    rounds: RoundTrees,
    channel: Channel,
}

impl<'a, 'k, D: ProverDevice> ProofRun<'a, 'k, D> {
    /// Round 0, the header: absorbs the verifying key's digest, the
    /// options and the statement (public inputs and public bus messages).
    pub(super) fn new(prover: &'a Prover<D>, pk: &'a ProvingKey<'k, D>, public: &'a [Fp]) -> Self {
        let public_messages = pk.air.public_interactions(public);
        let statement = statement_bytes(public, &public_messages);
        let channel = Channel::header(&pk.vk.digest(), &pk.options, &statement);
        let fri = FriLayout::new(&pk.layouts, &pk.options);
        ProofRun {
            dev: &prover.device,
            ctx: &prover.ctx,
            pk,
            public,
            public_messages,
            rounds: RoundTrees::new(&pk.layouts, fri.log_lde),
            fri,
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
        let (mut state, main_tree) = self.main_commit(traces)?;
        phases.end("main commit");
        phases.start("logup");
        let logup = self.logup(&mut state)?;
        let lc = logup.challenges;
        phases.end("logup (aux commit)");
        phases.start("composition");
        let composition = self.composition(&state, &lc)?;
        let (alpha, mut parts) = (composition.alpha, composition.parts);
        phases.end("composition commit");
        let trees = Trees {
            main: main_tree,
            aux: logup.tree,
            parts: composition.tree,
        };
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
        let openings = self.open(&state, &parts, &trees, &layers)?;
        phases.end("queries");
        Ok(Proof {
            air: self.pk.air.instance(self.public),
            options: self.pk.options,
            main_root: trees.main.root(),
            aux_root: trees.aux.as_ref().map(MerkleTree::root),
            totals: logup.totals,
            parts_root: trees.parts.root(),
            ood,
            fri,
            pow_nonce,
            main_opening: openings.main,
            pre_opening: openings.pre,
            aux_opening: openings.aux,
            parts_opening: openings.parts,
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

    /// Round 1: uploads and extends each main trace, then commits them
    /// all with one tree.
    fn main_commit(
        &mut self,
        traces: &[HostMatrix<Fp>],
    ) -> Result<(Vec<TableState<D>>, D::MerkleTree), ProverError> {
        let mut state = Vec::with_capacity(traces.len());
        for tr in traces {
            let trace = self.dev.upload_matrix(self.ctx, tr)?;
            let main_lde = self.extend(&trace)?;
            state.push(TableState {
                trace,
                main_lde,
                aux: None,
                total: Fp3::ZERO,
            });
        }
        let ldes: Vec<_> = state.iter().map(|s| &s.main_lde).collect();
        let tree = self.dev.merkle_commit_tables(self.ctx, &ldes)?;
        self.channel.main_root(&tree.root());
        Ok((state, tree))
    }

    /// Round 2: LogUp challenges, the aux traces and their totals (which,
    /// with the public messages, must cancel), then their LDEs committed
    /// with one tree (none without aux tables).
    fn logup(&mut self, state: &mut [TableState<D>]) -> Result<LogUpRound<D>, ProverError> {
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
                st.aux = Some(AuxState { trace, lde });
            }
        }
        let ldes: Vec<_> = state
            .iter()
            .filter_map(|s| s.aux.as_ref().map(|a| &a.lde))
            .collect();
        let tree = match ldes.is_empty() {
            true => None,
            false => Some(self.dev.merkle_commit_tables(self.ctx, &ldes)?),
        };
        if let Some(tree) = &tree {
            self.channel.aux_root(&tree.root());
        }
        self.channel.logup_totals(&totals);
        Ok(LogUpRound {
            challenges: lc,
            totals,
            tree,
        })
    }

    /// Round 3: for each table, the composition over the first `q n` LDE
    /// positions, interpolated, split into `q` parts of `n` coefficients
    /// and extended; then the parts of every table committed with one
    /// tree.
    fn composition(
        &mut self,
        state: &[TableState<D>],
        lc: &LogUpChallenges,
    ) -> Result<CompositionRound<D>, ProverError> {
        let alpha = self.channel.composition_challenge();
        let shift = self.pk.options.shift;
        let mut parts = Vec::with_capacity(state.len());
        for ((t, key), st) in self.tables().zip(state) {
            let challenges: [Fp3; NUM_CHALLENGES] = [lc.z, lc.alpha, st.total];
            let domain = composition_domain(t, shift);
            let trace = TraceColumns {
                main: &st.main_lde,
                preprocessed: key.preprocessed.as_ref().map(|p| &p.lde),
            };
            let params = ConstraintParams {
                challenges: &challenges,
                public: self.public,
                periodic: &key.periodic,
                alpha,
            };
            let aux = st.aux.as_ref().map(|a| &a.lde);
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
            parts.push(PartsState {
                values: coeffs,
                lde,
            });
        }
        let ldes: Vec<_> = parts.iter().map(|p| &p.lde).collect();
        let tree = self.dev.merkle_commit_tables(self.ctx, &ldes)?;
        self.channel.parts_root(&tree.root());
        Ok(CompositionRound { alpha, parts, tree })
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
            matrix: &st.main_lde,
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
                matrix: &aux.lde,
                evaluations: both(&o.aux_z, &o.aux_zg),
            });
        }
        ext.push(DeepOpening {
            matrix: &p.lde,
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

    /// The batch opening of `tree` over `matrices` at the distinct
    /// increasing `leaves`.
    fn open_at<T: DeviceElem>(
        &self,
        tree: &D::MerkleTree,
        matrices: &[&DeviceMatrix<D, T>],
        leaves: &[usize],
    ) -> Result<BatchOpening<T>, ProverError> {
        Ok(prune(
            self.dev.merkle_open(self.ctx, tree, matrices, leaves)?,
        ))
    }

    /// Rounds 7 and 8: the query indices, then every opening at them:
    /// each round's tree once at the leaves the queries open, then each
    /// FRI layer.
    fn open(
        &mut self,
        state: &[TableState<D>],
        parts: &[PartsState<D>],
        trees: &Trees<D>,
        layers: &[Committed<D, Fp3>],
    ) -> Result<Openings, ProverError> {
        let queries = self
            .channel
            .queries(self.pk.options.num_queries, self.fri.log_lde);
        let rounds = &self.rounds;
        let main: Vec<_> = state.iter().map(|s| &s.main_lde).collect();
        let main = self.open_at(&trees.main, &main, &rounds.main.leaves(&queries))?;
        let pre = match (&self.pk.preprocessed_tree, &rounds.preprocessed) {
            (Some(tree), Some(round)) => {
                let ldes: Vec<_> = self
                    .pk
                    .tables
                    .iter()
                    .filter_map(|t| t.preprocessed.as_ref().map(|p| &p.lde))
                    .collect();
                Some(self.open_at(tree, &ldes, &round.leaves(&queries))?)
            }
            _ => None,
        };
        let aux = match (&trees.aux, &rounds.aux) {
            (Some(tree), Some(round)) => {
                let ldes: Vec<_> = state
                    .iter()
                    .filter_map(|s| s.aux.as_ref().map(|a| &a.lde))
                    .collect();
                Some(self.open_at(tree, &ldes, &round.leaves(&queries))?)
            }
            _ => None,
        };
        let ldes: Vec<_> = parts.iter().map(|p| &p.lde).collect();
        let parts = self.open_at(&trees.parts, &ldes, &rounds.parts.leaves(&queries))?;
        let mut fri = Vec::with_capacity(layers.len());
        let mut folded = 0;
        for (layer, log_arity) in layers.iter().zip(&self.fri.log_arities) {
            folded += log_arity;
            let leaves: Vec<usize> = queries.iter().map(|q| q >> folded).collect();
            fri.push(self.open_at(&layer.tree, &[&layer.lde], &distinct(&leaves))?);
        }
        Ok(Openings {
            main,
            pre,
            aux,
            parts,
            fri,
        })
    }
}

/// Every opening of a proof, in the proof's layout.
struct Openings {
    main: BatchOpening<Fp>,
    pre: Option<BatchOpening<Fp>>,
    aux: Option<BatchOpening<Fp3>>,
    parts: BatchOpening<Fp3>,
    fri: Vec<BatchOpening<Fp3>>,
}
