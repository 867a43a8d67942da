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
use crate::keys::ProvingKey;
use crate::logup_constraints::{public_sum, NUM_CHALLENGES};
use crate::memory_plan::Schedule;
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

/// A table from round 5 on: later rounds read only its LDEs. Round 4
/// releases the traces and the parts' values when the schedule says so
/// ([`crate::memory_plan::Schedule::release`]); else they are kept here to
/// the end of the proof.
struct TableLdes<D: ProverDevice> {
    main: DeviceMatrix<D, Fp>,
    aux: Option<DeviceMatrix<D, Fp3>>,
    parts: DeviceMatrix<D, Fp3>,
    _kept: Option<Kept<D>>,
}

/// What round 4 may release.
struct Kept<D: ProverDevice> {
    _trace: DeviceMatrix<D, Fp>,
    _aux: Option<DeviceMatrix<D, Fp3>>,
    _values: DeviceMatrix<D, Fp3>,
}

impl<D: ProverDevice> TableLdes<D> {
    fn new(state: TableState<D>, parts: PartsState<D>, release: bool) -> TableLdes<D> {
        let (aux_trace, aux) = state.aux.map(|a| (a.trace, a.lde)).unzip();
        let kept = Kept {
            _trace: state.trace,
            _aux: aux_trace,
            _values: parts.values,
        };
        TableLdes {
            main: state.main_lde,
            aux,
            parts: parts.lde,
            _kept: (!release).then_some(kept),
        }
    }
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
    /// One context per table for [`per_table`](Self::per_table); empty for
    /// one table, which runs on `ctx`.
    table_ctxs: Vec<D::DeviceCtx>,
    pk: &'a ProvingKey<'k, D>,
    public: &'a [Fp],
    public_messages: Vec<PublicInteraction>,
    fri: FriLayout,
    rounds: RoundTrees,
    channel: Channel,
    /// Whether round 4 releases what later rounds do not read, and round
    /// 1 of one table is committed while extending.
    schedule: Schedule,
}

impl<'a, 'k, D: ProverDevice> ProofRun<'a, 'k, D> {
    /// Round 0, the header: absorbs the verifying key's digest, the
    /// options and the statement (public inputs and public bus messages).
    /// Every table context is first ordered after `ctx` (whose work the
    /// key's preprocessed columns come from).
    pub(super) fn new(
        prover: &'a Prover<D>,
        pk: &'a ProvingKey<'k, D>,
        public: &'a [Fp],
        table_ctxs: Vec<D::DeviceCtx>,
        schedule: Schedule,
    ) -> Result<Self, ProverError> {
        for c in &table_ctxs {
            prover.device.order_after(c, &prover.ctx)?;
        }
        let public_messages = pk.air.public_interactions(public);
        let statement = statement_bytes(public, &public_messages);
        let channel = Channel::header(&pk.vk.digest(), &pk.options, &statement);
        let fri = FriLayout::new(&pk.layouts, &pk.options);
        Ok(ProofRun {
            dev: &prover.device,
            ctx: &prover.ctx,
            table_ctxs,
            pk,
            public,
            public_messages,
            rounds: RoundTrees::new(&pk.layouts, fri.log_lde),
            fri,
            channel,
            schedule,
        })
    }

    /// The context table `t`'s work runs on.
    fn table_ctx(&self, t: usize) -> &D::DeviceCtx {
        self.table_ctxs.get(t).unwrap_or(self.ctx)
    }

    /// Runs `work(t, item, ctx)` for each `(t, item)`, each table on its
    /// own context and thread, concurrently (in turn on `ctx` for a
    /// one-table proof); then orders `ctx` after every table context, so
    /// that what they made may be used on it. Results in the order given;
    /// the first error in that order.
    fn per_table<I: Send, T: Send>(
        &self,
        items: Vec<(usize, I)>,
        work: impl Fn(usize, I, &D::DeviceCtx) -> Result<T, ProverError> + Sync,
    ) -> Result<Vec<T>, ProverError> {
        if self.table_ctxs.is_empty() {
            return items
                .into_iter()
                .map(|(t, item)| work(t, item, self.ctx))
                .collect();
        }
        let work = &work;
        let results: Vec<Result<T, ProverError>> = std::thread::scope(|scope| {
            let handles: Vec<_> = items
                .into_iter()
                .map(|(t, item)| {
                    let ctx = self.table_ctx(t);
                    scope.spawn(move || work(t, item, ctx))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .collect()
        });
        for c in &self.table_ctxs {
            self.dev.order_after(self.ctx, c)?;
        }
        results.into_iter().collect()
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
        let ldes: Vec<_> = state
            .into_iter()
            .zip(parts)
            .map(|(s, p)| TableLdes::new(s, p, self.schedule.release))
            .collect();
        phases.end("ood evaluation");
        phases.start("deep + fri");
        let (fri, layers) = self.deep_fri(&ldes, &ood, z)?;
        phases.end("deep + fri");
        phases.start("grinding");
        let pow_nonce = self.grind()?;
        phases.end("grinding");
        phases.start("queries");
        let openings = self.open(&ldes, &trees, &layers)?;
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

    /// Uploads `m` and extends it like [`extend`](Self::extend), on `ctx`.
    #[allow(clippy::type_complexity)]
    fn upload_extend(
        &self,
        ctx: &D::DeviceCtx,
        m: &HostMatrix<Fp>,
    ) -> Result<(DeviceMatrix<D, Fp>, DeviceMatrix<D, Fp>), ProverError> {
        let opts = &self.pk.options;
        Ok(self.dev.upload_lde(
            ctx,
            m,
            Order::Natural,
            opts.blowup(),
            opts.shift,
            Order::BitReversed,
        )?)
    }

    /// The coset LDE (natural evaluations -> bit-reversed) of `m`, on
    /// `ctx`.
    fn extend<T: DeviceElem>(
        &self,
        ctx: &D::DeviceCtx,
        m: &DeviceMatrix<D, T>,
    ) -> Result<DeviceMatrix<D, T>, ProverError> {
        let opts = &self.pk.options;
        Ok(self.dev.coset_lde(
            ctx,
            m,
            Order::Natural,
            opts.blowup(),
            opts.shift,
            Order::BitReversed,
        )?)
    }

    /// Round 1: uploads and extends each main trace (tables
    /// concurrently), then commits them all with one tree; one table, when
    /// the schedule says so, in one call that hashes the rows while the
    /// columns are extended.
    fn main_commit(
        &mut self,
        traces: &[HostMatrix<Fp>],
    ) -> Result<(Vec<TableState<D>>, D::MerkleTree), ProverError> {
        let new_state = |(trace, main_lde)| TableState {
            trace,
            main_lde,
            aux: None,
            total: Fp3::ZERO,
        };
        let (state, tree) = match traces {
            [trace] if self.schedule.commit_while_extending => {
                let opts = &self.pk.options;
                let (trace, lde, tree) = self.dev.upload_lde_commit(
                    self.ctx,
                    trace,
                    Order::Natural,
                    opts.blowup(),
                    opts.shift,
                    Order::BitReversed,
                )?;
                (vec![new_state((trace, lde))], tree)
            }
            _ => {
                let state = self.per_table(traces.iter().enumerate().collect(), |_, tr, ctx| {
                    Ok(new_state(self.upload_extend(ctx, tr)?))
                })?;
                let ldes: Vec<_> = state.iter().map(|s| &s.main_lde).collect();
                let tree = self.dev.merkle_commit_tables(self.ctx, &ldes)?;
                (state, tree)
            }
        };
        self.channel.main_root(&tree.root());
        Ok((state, tree))
    }

    /// Round 2: LogUp challenges, the aux traces, their totals and their
    /// LDEs (tables concurrently); the totals and the public messages must
    /// cancel; then the LDEs committed with one tree (none without aux
    /// tables).
    fn logup(&mut self, state: &mut [TableState<D>]) -> Result<LogUpRound<D>, ProverError> {
        let lc = self.channel.logup_challenges();
        let aux_tables: Vec<(usize, &TableState<D>)> = state
            .iter()
            .enumerate()
            .filter(|&(t, _)| !self.pk.specs[t].interactions.is_empty())
            .collect();
        let aux = self.per_table(aux_tables, |t, st, ctx| {
            let key = &self.pk.tables[t];
            let trace = TraceColumns {
                main: &st.trace,
                preprocessed: key.preprocessed.as_ref().map(|p| &p.trace),
            };
            let interactions = &self.pk.specs[t].interactions;
            let aux = self.dev.logup_aux_trace(ctx, trace, interactions, &lc)?;
            let lde = self.extend(ctx, &aux.aux)?;
            Ok((
                t,
                aux.total,
                AuxState {
                    trace: aux.aux,
                    lde,
                },
            ))
        })?;
        let totals: Vec<Fp3> = aux.iter().map(|(_, total, _)| *total).collect();
        let sum = totals.iter().copied().sum::<Fp3>() + public_sum(&self.public_messages, &lc);
        if sum != Fp3::ZERO {
            return Err(ProverError::UnbalancedBuses(sum));
        }
        for (t, total, a) in aux {
            state[t].total = total;
            state[t].aux = Some(a);
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
        let parts = self.per_table(state.iter().enumerate().collect(), |i, st, ctx| {
            let (t, key) = (&self.pk.layouts[i], &self.pk.tables[i]);
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
                .evaluate_constraints(ctx, &t.system, trace, aux, &domain, &params)?;
            let mut comp = evals;
            self.dev.ntt(
                ctx,
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
                ctx,
                &coeffs,
                Order::Natural,
                self.pk.options.blowup(),
                shift,
                Order::BitReversed,
            )?;
            Ok(PartsState {
                values: coeffs,
                lde,
            })
        })?;
        let ldes: Vec<_> = parts.iter().map(|p| &p.lde).collect();
        let tree = self.dev.merkle_commit_tables(self.ctx, &ldes)?;
        self.channel.parts_root(&tree.root());
        Ok(CompositionRound { alpha, parts, tree })
    }

    /// `(values at z, values at z g)` of `m`, or two empty vectors.
    fn at_z_and_zg<T: DeviceElem>(
        &self,
        ctx: &D::DeviceCtx,
        m: Option<&DeviceMatrix<D, T>>,
        points: &[Fp3; 2],
    ) -> Result<(Vec<Fp3>, Vec<Fp3>), ProverError> {
        let Some(m) = m else {
            return Ok((Vec::new(), Vec::new()));
        };
        let mut v = self.dev.ood_evaluate(ctx, m, points)?;
        let zg = v.pop().expect("two points checked");
        Ok((v.pop().expect("two points checked"), zg))
    }

    /// Round 4: the out-of-domain point `z` and every column at `z` and
    /// `z g` (parts at `z`; tables concurrently), checked against the
    /// constraints (a witness that fails them is refused here) and
    /// absorbed.
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
        let items = state.iter().zip(parts.iter_mut()).enumerate().collect();
        let ood = self.per_table(items, |i, (st, p), ctx| self.table_ood(i, (st, p), z, ctx))?;
        for (i, table_ood) in ood.iter().enumerate() {
            let (spec, t) = (&self.pk.specs[i], &self.pk.layouts[i]);
            let challenges = [lc.z, lc.alpha, state[i].total];
            if !composition_matches(
                t,
                &spec.periodic,
                table_ood,
                &challenges,
                self.public,
                alpha,
                z,
            ) {
                return Err(ProverError::ConstraintsNotSatisfied {
                    table: t.name.clone(),
                });
            }
            self.channel.ood_values(table_ood);
        }
        Ok((z, ood))
    }

    /// Table `i`'s columns at `z` and `z g` (parts at `z`, after turning
    /// their coefficients into their values over `H_n`), on `ctx`.
    fn table_ood(
        &self,
        i: usize,
        (st, p): (&TableState<D>, &mut PartsState<D>),
        z: Fp3,
        ctx: &D::DeviceCtx,
    ) -> Result<TableOod, ProverError> {
        let (t, key) = (&self.pk.layouts[i], &self.pk.tables[i]);
        let g = Fp::root_of_unity(t.log_n).expect("log_n <= 26");
        let points = [z, z.mul_base(g)];
        let (main_z, main_zg) = self.at_z_and_zg(ctx, Some(&st.trace), &points)?;
        let pre = key.preprocessed.as_ref().map(|p| &p.trace);
        let (pre_z, pre_zg) = self.at_z_and_zg(ctx, pre, &points)?;
        let aux = st.aux.as_ref().map(|a| &a.trace);
        let (aux_z, aux_zg) = self.at_z_and_zg(ctx, aux, &points)?;
        self.dev.ntt(
            ctx,
            &mut p.values,
            NttDirection::Forward,
            Fp::ONE,
            Order::Natural,
            Order::Natural,
        )?;
        let parts_z = self.dev.ood_evaluate(ctx, &p.values, &[z])?;
        let parts_z = parts_z.into_iter().next().expect("one point");
        Ok(TableOod {
            main_z,
            main_zg,
            pre_z,
            pre_zg,
            aux_z,
            aux_zg,
            parts_z,
        })
    }

    /// Table `i`'s DEEP codeword over its LDE domain (docs/PROTOCOL.md,
    /// round 5).
    fn deep_codeword(
        &self,
        i: usize,
        (ldes, o): (&TableLdes<D>, &TableOod),
        (z, gamma): (Fp3, Fp3),
        ctx: &D::DeviceCtx,
    ) -> Result<DeviceMatrix<D, Fp3>, ProverError> {
        let (t, key) = (&self.pk.layouts[i], &self.pk.tables[i]);
        let g = Fp::root_of_unity(t.log_n).expect("log_n <= 26");
        let points = [z, z.mul_base(g)];
        let both = |v: &Vec<Fp3>, w: &Vec<Fp3>| vec![(0, v.clone()), (1, w.clone())];
        let mut base = vec![DeepOpening {
            matrix: &ldes.main,
            evaluations: both(&o.main_z, &o.main_zg),
        }];
        if let Some(pre) = &key.preprocessed {
            base.push(DeepOpening {
                matrix: &pre.lde,
                evaluations: both(&o.pre_z, &o.pre_zg),
            });
        }
        let mut ext = Vec::new();
        if let Some(aux) = &ldes.aux {
            ext.push(DeepOpening {
                matrix: aux,
                evaluations: both(&o.aux_z, &o.aux_zg),
            });
        }
        ext.push(DeepOpening {
            matrix: &ldes.parts,
            evaluations: vec![(0, o.parts_z.clone())],
        });
        let domain = Coset::new(t.log_lde, self.pk.options.shift, Order::BitReversed);
        Ok(self
            .dev
            .deep_composition(ctx, domain, &points, gamma, &base, &ext)?)
    }

    /// Round 5: `gamma` and `lambda`, then the proof's one FRI: the DEEP
    /// codewords of the tables join it at their sizes (the `k`-th scaled
    /// by `lambda^k`); per layer of arity `2^a`, commit (`2^a` values per
    /// leaf), absorb the root, squeeze `beta`, fold `a` times with `beta,
    /// beta^2, ..`; then the last codeword's coefficients, which must fit
    /// the final length.
    fn deep_fri(
        &mut self,
        tables: &[TableLdes<D>],
        ood: &[TableOod],
        z: Fp3,
    ) -> Result<(FriProof, Vec<Committed<D, Fp3>>), ProverError> {
        let (gamma, lambda) = self.channel.deep_challenges();
        let fri = self.fri.clone();
        let sizes = fri.sizes();
        // Every table's DEEP codeword (tables concurrently), taken as it
        // joins.
        let items = (0..tables.len()).map(|t| (t, ())).collect();
        let deep = self.per_table(items, |t, (), ctx| {
            self.deep_codeword(t, (&tables[t], &ood[t]), (z, gamma), ctx)
        })?;
        let mut deep: Vec<Option<_>> = deep.into_iter().map(Some).collect();
        let mut codeword: Option<DeviceMatrix<D, Fp3>> = None;
        let mut join = |run: &Self, size: u32, codeword: &mut Option<DeviceMatrix<D, Fp3>>| {
            for (k, t) in fri.joining_at(size) {
                let deep = deep[t].take().expect("each table joins once");
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
        tables: &[TableLdes<D>],
        trees: &Trees<D>,
        layers: &[Committed<D, Fp3>],
    ) -> Result<Openings, ProverError> {
        let queries = self
            .channel
            .queries(self.pk.options.num_queries, self.fri.log_lde);
        let rounds = &self.rounds;
        let main: Vec<_> = tables.iter().map(|t| &t.main).collect();
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
                let ldes: Vec<_> = tables.iter().filter_map(|t| t.aux.as_ref()).collect();
                Some(self.open_at(tree, &ldes, &round.leaves(&queries))?)
            }
            _ => None,
        };
        let ldes: Vec<_> = tables.iter().map(|t| &t.parts).collect();
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
