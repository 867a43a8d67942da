//! The prover, generic over the device. See docs/PROTOCOL.md for the rounds.

use crate::air::Air;
use crate::error::ProverError;
use crate::layout::{layouts, LayoutError, TableLayout};
use crate::logup_constraints::NUM_CHALLENGES;
use crate::ood::{composition_matches, sample_ood_point};
use crate::options::Options;
use crate::proof::{Proof, TableFri, TableOod};
use crate::proof_io::{air_bytes, options_bytes};
use crate::transcript::Transcript;
use backend_api::expr::CompositionDomain;
use backend_api::{
    Coset, DeepOpening, DeviceMatrix, Fp, Fp3, HostMatrix, LogUpChallenges, MerkleTree,
    NttDirection, Order, ProverDevice,
};
use std::time::{Duration, Instant};

/// Wall-clock time of each prover phase, in execution order.
#[derive(Clone, Debug, Default)]
pub struct PhaseTimes(pub Vec<(&'static str, Duration)>);

impl PhaseTimes {
    /// The sum of all phase times.
    pub fn total(&self) -> Duration {
        self.0.iter().map(|(_, d)| *d).sum()
    }
}

/// A prover on one device, with one context.
pub struct Prover<D: ProverDevice> {
    device: D,
    ctx: D::DeviceCtx,
    options: Options,
    progress: Option<ProgressFn>,
}

/// Called with each phase's name as it starts.
type ProgressFn = Box<dyn Fn(&str) + Send + Sync>;

/// A committed matrix: its values on the device and its Merkle tree.
struct Committed<D: ProverDevice, T: backend_api::DeviceElem> {
    lde: DeviceMatrix<D, T>,
    tree: D::MerkleTree,
}

/// A table's LogUp aux trace (natural order over H_n) and its commitment.
struct AuxState<D: ProverDevice> {
    trace: DeviceMatrix<D, Fp3>,
    committed: Committed<D, Fp3>,
}

/// Composition parts: coefficients (later, evaluations over H_n) and the
/// committed LDE.
struct PartsState<D: ProverDevice> {
    coeffs: DeviceMatrix<D, Fp3>,
    committed: Committed<D, Fp3>,
}

/// Per-table device state kept between rounds.
struct TableState<D: ProverDevice> {
    trace: DeviceMatrix<D, Fp>,
    main_lde: DeviceMatrix<D, Fp>,
    main_tree: D::MerkleTree,
    aux: Option<AuxState<D>>,
}

impl<D: ProverDevice> Prover<D> {
    /// A prover with the default options ([`Options::blowup4`]).
    pub fn new(device: D) -> Result<Self, ProverError> {
        Self::with_options(device, Options::default())
    }

    /// A prover with `options`, creating one context on `device`.
    /// Errors: [`ProverError::Options`] if the options are invalid,
    /// [`ProverError::Device`] if the context cannot be created.
    pub fn with_options(device: D, options: Options) -> Result<Self, ProverError> {
        options.validate()?;
        let ctx = device.new_ctx()?;
        Ok(Prover {
            device,
            ctx,
            options,
            progress: None,
        })
    }

    /// Calls `f` with the name of each phase as it starts.
    pub fn on_phase(mut self, f: impl Fn(&str) + Send + Sync + 'static) -> Self {
        self.progress = Some(Box::new(f));
        self
    }

    /// The options proofs are made with.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// The device the prover runs on.
    pub fn device(&self) -> &D {
        &self.device
    }

    /// Proves that `traces` (one per table, natural row order) satisfy `air`.
    pub fn prove(
        &self,
        air: &dyn Air,
        traces: &[HostMatrix<Fp>],
    ) -> Result<(Proof, PhaseTimes), ProverError> {
        let dev = &self.device;
        let ctx = &self.ctx;
        let opts = &self.options;
        let mut times = PhaseTimes::default();
        let mut clock = Instant::now();
        let mut phase = |name: &'static str, times: &mut PhaseTimes| {
            times.0.push((name, clock.elapsed()));
            clock = Instant::now();
        };
        let announce = |name: &str| {
            if let Some(f) = &self.progress {
                f(name)
            }
        };

        let instance = air.instance();
        if instance.name.len() > 255 {
            return Err(crate::air::AirError::BadParams {
                air: instance.name.clone(),
                reason: "name longer than 255 bytes".into(),
            }
            .into());
        }
        let specs = air.tables();
        let tables = layouts(&specs, opts, instance.public_inputs.len()).map_err(|e| match e {
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
            LayoutError::BadTable { table, reason } => {
                crate::air::AirError::BadTable { table, reason }.into()
            }
        })?;
        if traces.len() != tables.len() {
            return Err(ProverError::TraceCount {
                expected: tables.len(),
                got: traces.len(),
            });
        }
        for (t, tr) in tables.iter().zip(traces) {
            if tr.width() != t.width || tr.height() != 1 << t.log_n {
                return Err(ProverError::TraceShape {
                    table: t.name.clone(),
                    width: t.width,
                    height: 1 << t.log_n,
                    got_width: tr.width(),
                    got_height: tr.height(),
                });
            }
        }
        let blowup = opts.blowup();
        let shift = opts.shift;

        let mut transcript = Transcript::new();
        transcript.absorb(&air_bytes(&instance));
        transcript.absorb(&options_bytes(opts));

        // Round 1: main traces.
        announce("main commit");
        let mut state: Vec<TableState<D>> = Vec::with_capacity(tables.len());
        let mut main_roots = Vec::with_capacity(tables.len());
        for tr in traces {
            let trace = dev.upload_matrix(ctx, tr)?;
            let main_lde = dev.coset_lde(
                ctx,
                &trace,
                Order::Natural,
                blowup,
                shift,
                Order::BitReversed,
            )?;
            let main_tree = dev.merkle_commit(ctx, &[&main_lde], 1)?;
            main_roots.push(main_tree.root());
            transcript.absorb(&main_tree.root());
            state.push(TableState {
                trace,
                main_lde,
                main_tree,
                aux: None,
            });
        }
        phase("main commit", &mut times);

        // Round 2: LogUp challenges, aux traces.
        announce("logup");
        let lc = LogUpChallenges {
            z: transcript.challenge_fp3(),
            alpha: transcript.challenge_fp3(),
        };
        let mut totals = Vec::new();
        let mut aux_traces = Vec::new();
        for (spec, st) in specs.iter().zip(&state) {
            if spec.interactions.is_empty() {
                aux_traces.push(None);
                continue;
            }
            let aux = dev.logup_aux_trace(ctx, &st.trace, &spec.interactions, &lc)?;
            totals.push(aux.total);
            aux_traces.push(Some(aux.aux));
        }
        let sum: Fp3 = totals.iter().copied().sum();
        if sum != Fp3::ZERO {
            return Err(ProverError::UnbalancedBuses(sum));
        }
        let mut aux_roots = Vec::new();
        for (st, aux) in state.iter_mut().zip(aux_traces) {
            if let Some(aux) = aux {
                let lde =
                    dev.coset_lde(ctx, &aux, Order::Natural, blowup, shift, Order::BitReversed)?;
                let tree = dev.merkle_commit(ctx, &[&lde], 1)?;
                aux_roots.push(tree.root());
                transcript.absorb(&tree.root());
                st.aux = Some(AuxState {
                    trace: aux,
                    committed: Committed { lde, tree },
                });
            }
        }
        transcript.absorb_fp3s(&totals);
        phase("logup (aux commit)", &mut times);

        // Round 3: composition polynomial.
        announce("composition");
        let alpha = transcript.challenge_fp3();
        let mut parts = Vec::with_capacity(tables.len());
        let mut parts_roots = Vec::with_capacity(tables.len());
        let mut total_iter = totals.iter();
        let mut table_totals = Vec::with_capacity(tables.len());
        for (t, st) in tables.iter().zip(&state) {
            let total = if t.aux_width > 0 {
                *total_iter.next().expect("one total per aux table")
            } else {
                Fp3::ZERO
            };
            table_totals.push(total);
            let challenges: [Fp3; NUM_CHALLENGES] = [lc.z, lc.alpha, total];
            let p = self.commit_composition(t, st, &challenges, &instance.public_inputs, alpha)?;
            parts_roots.push(p.committed.tree.root());
            transcript.absorb(&p.committed.tree.root());
            parts.push(p);
        }
        phase("composition commit", &mut times);

        // Round 4: out-of-domain evaluations.
        announce("ood");
        let log_n_max = tables
            .iter()
            .map(|t| t.log_n)
            .max()
            .expect("tables non-empty");
        let z = sample_ood_point(&mut transcript, log_n_max, opts);
        let mut ood = Vec::with_capacity(tables.len());
        for (i, (t, st)) in tables.iter().zip(&mut state).enumerate() {
            let g = Fp::root_of_unity(t.log_n).expect("log_n <= 32");
            let points = [z, z.mul_base(g)];
            let mut main = dev.ood_evaluate(ctx, &st.trace, &points)?;
            let (aux_z, aux_zg) = match &st.aux {
                Some(aux) => {
                    let mut v = dev.ood_evaluate(ctx, &aux.trace, &points)?;
                    let zg = v.pop().expect("two points");
                    (v.pop().expect("two points"), zg)
                }
                None => (Vec::new(), Vec::new()),
            };
            // Parts' coefficients -> evaluations over H_n, in place.
            let coeffs = &mut parts[i].coeffs;
            dev.ntt(
                ctx,
                coeffs,
                NttDirection::Forward,
                Fp::ONE,
                Order::Natural,
                Order::Natural,
            )?;
            let parts_z = dev
                .ood_evaluate(ctx, coeffs, &[z])?
                .pop()
                .expect("one point");
            let main_zg = main.pop().expect("two points");
            let main_z = main.pop().expect("two points");
            let table_ood = TableOod {
                main_z,
                main_zg,
                aux_z,
                aux_zg,
                parts_z,
            };
            let challenges = [lc.z, lc.alpha, table_totals[i]];
            if !composition_matches(
                t,
                &table_ood,
                &challenges,
                &instance.public_inputs,
                alpha,
                z,
            ) {
                return Err(ProverError::ConstraintsNotSatisfied {
                    table: t.name.clone(),
                });
            }
            for v in [
                &table_ood.main_z,
                &table_ood.main_zg,
                &table_ood.aux_z,
                &table_ood.aux_zg,
                &table_ood.parts_z,
            ] {
                transcript.absorb_fp3s(v);
            }
            ood.push(table_ood);
        }
        phase("ood evaluation", &mut times);

        // Round 5: DEEP composition and FRI.
        announce("deep + fri");
        let gamma = transcript.challenge_fp3();
        let mut fri = Vec::with_capacity(tables.len());
        let mut fri_layers: Vec<Vec<Committed<D, Fp3>>> = Vec::new();
        for (i, (t, st)) in tables.iter().zip(&state).enumerate() {
            let g = Fp::root_of_unity(t.log_n).expect("log_n <= 32");
            let points = [z, z.mul_base(g)];
            let o = &ood[i];
            let base = [DeepOpening {
                matrix: &st.main_lde,
                evaluations: vec![(0, o.main_z.clone()), (1, o.main_zg.clone())],
            }];
            let mut ext = Vec::new();
            if let Some(aux) = &st.aux {
                ext.push(DeepOpening {
                    matrix: &aux.committed.lde,
                    evaluations: vec![(0, o.aux_z.clone()), (1, o.aux_zg.clone())],
                });
            }
            ext.push(DeepOpening {
                matrix: &parts[i].committed.lde,
                evaluations: vec![(0, o.parts_z.clone())],
            });
            let domain = Coset::new(t.log_lde, shift, Order::BitReversed);
            let mut codeword = dev.deep_composition(ctx, domain, &points, gamma, &base, &ext)?;
            let mut layers = Vec::with_capacity(t.fri_layers);
            let mut layer_roots = Vec::with_capacity(t.fri_layers);
            let mut layer_shift = shift;
            for _ in 0..t.fri_layers {
                let tree = dev.fri_commit_layer(ctx, &codeword)?;
                layer_roots.push(tree.root());
                transcript.absorb(&tree.root());
                let beta = transcript.challenge_fp3();
                let folded = dev.fri_fold(ctx, &codeword, layer_shift, beta)?;
                layers.push(Committed {
                    lde: codeword,
                    tree,
                });
                codeword = folded;
                layer_shift = layer_shift * layer_shift;
            }
            // The last layer, as coefficients: degree must be < final_len.
            dev.ntt(
                ctx,
                &mut codeword,
                NttDirection::Inverse,
                layer_shift,
                Order::BitReversed,
                Order::Natural,
            )?;
            let coeffs = dev.download(ctx, codeword.buffer())?;
            if coeffs.len() < t.final_len || coeffs[t.final_len..].iter().any(|c| *c != Fp3::ZERO) {
                return Err(ProverError::FriFinalDegree {
                    table: t.name.clone(),
                });
            }
            let final_poly = coeffs[..t.final_len].to_vec();
            transcript.absorb_fp3s(&final_poly);
            fri.push(TableFri {
                layer_roots,
                final_poly,
            });
            fri_layers.push(layers);
        }
        phase("deep + fri", &mut times);

        // Round 6: grinding.
        announce("grinding");
        let pow_nonce = dev.grind(ctx, &transcript.state(), opts.grinding_bits)?;
        transcript.absorb_u64(pow_nonce);
        phase("grinding", &mut times);

        // Round 7: queries and openings.
        announce("queries");
        let log_lde_max = log_n_max + opts.log_blowup;
        let queries: Vec<usize> = (0..opts.num_queries)
            .map(|_| transcript.query_index(log_lde_max))
            .collect();
        let mut main_openings = Vec::with_capacity(tables.len());
        let mut aux_openings = Vec::new();
        let mut parts_openings = Vec::with_capacity(tables.len());
        let mut fri_openings = Vec::with_capacity(tables.len());
        for (i, (t, st)) in tables.iter().zip(&state).enumerate() {
            let pos: Vec<usize> = queries
                .iter()
                .map(|q| q >> (log_lde_max - t.log_lde))
                .collect();
            main_openings.push(dev.merkle_open(ctx, &st.main_tree, &[&st.main_lde], &pos)?);
            if let Some(aux) = &st.aux {
                let c = &aux.committed;
                aux_openings.push(dev.merkle_open(ctx, &c.tree, &[&c.lde], &pos)?);
            }
            let c = &parts[i].committed;
            parts_openings.push(dev.merkle_open(ctx, &c.tree, &[&c.lde], &pos)?);
            let mut per_layer = Vec::with_capacity(t.fri_layers);
            for (l, layer) in fri_layers[i].iter().enumerate() {
                let leaves: Vec<usize> = pos.iter().map(|p| p >> (l + 1)).collect();
                per_layer.push(dev.merkle_open(ctx, &layer.tree, &[&layer.lde], &leaves)?);
            }
            fri_openings.push(per_layer);
        }
        phase("queries", &mut times);

        Ok((
            Proof {
                air: instance,
                options: *opts,
                main_roots,
                aux_roots,
                totals,
                parts_roots,
                ood,
                fri,
                pow_nonce,
                main_openings,
                aux_openings,
                parts_openings,
                fri_openings,
            },
            times,
        ))
    }

    /// Evaluates the composition over the first `parts * n` LDE positions,
    /// interpolates it, splits it into `parts` columns of `n` coefficients
    /// and commits their LDE.
    fn commit_composition(
        &self,
        t: &TableLayout,
        st: &TableState<D>,
        challenges: &[Fp3],
        public: &[Fp],
        alpha: Fp3,
    ) -> Result<PartsState<D>, ProverError> {
        let dev = &self.device;
        let ctx = &self.ctx;
        let n = 1usize << t.log_n;
        let log_eval = t.log_n + t.parts.trailing_zeros();
        let domain = CompositionDomain {
            log_n: t.log_n,
            log_lde: t.log_lde,
            log_eval,
            shift: self.options.shift,
        };
        let mut comp = dev.evaluate_constraints(
            ctx,
            &t.system,
            &st.main_lde,
            st.aux.as_ref().map(|a| &a.committed.lde),
            &domain,
            challenges,
            public,
            alpha,
        )?;
        dev.ntt(
            ctx,
            &mut comp,
            NttDirection::Inverse,
            self.options.shift,
            Order::BitReversed,
            Order::Natural,
        )?;
        let coeffs = comp.reshape(t.parts, n).expect("parts * n coefficients");
        let lde = dev.coeffs_to_coset(
            ctx,
            &coeffs,
            Order::Natural,
            self.options.blowup(),
            self.options.shift,
            Order::BitReversed,
        )?;
        let tree = dev.merkle_commit(ctx, &[&lde], 1)?;
        Ok(PartsState {
            coeffs,
            committed: Committed { lde, tree },
        })
    }
}
