//! The verifier: host code, strict. It decides with what its caller gives
//! it (the AIR, the verifying key, the public inputs, the security policy),
//! never with what the proof claims about itself; every length is checked
//! before use, every opening against its root. See docs/PROTOCOL.md,
//! "Verifier".

use crate::air::{Air, AirInstance, PublicInteraction, TableSpec};
use crate::channel::Channel;
use crate::error::VerifyError;
use crate::fri_layout::FriLayout;
use crate::keys::VerifyingKey;
use crate::layout::{layouts, LayoutError, TableLayout};
use crate::logup_constraints::public_sum;
use crate::merkle_batch::{distinct, leaf_values, verify_batch, BatchOpening};
use crate::ood::composition_matches;
use crate::options::Options;
use crate::proof::{Proof, TableOod};
use crate::round_trees::{RoundTree, RoundTrees};
use crate::security::{SecurityPolicy, SecurityReport};
use crate::statement::{air_digest, statement_bytes, statement_digest};
use backend_api::{
    bit_reverse, pow_is_valid, DeviceElem, Digest, ElemKind, Fp, Fp3, LogUpChallenges, MerkleShape,
};

/// What a successful verification established.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
    /// The statement proved (the caller's AIR name and parameters, the
    /// caller's public inputs).
    pub instance: AirInstance,
    /// [`crate::statement::statement_digest`] of the verifying key, the
    /// public inputs and the public bus messages.
    pub statement: Digest,
    /// The security the proof's options give for this AIR, as computed by
    /// the verifier.
    pub security: SecurityReport,
}

/// Verifies `proof` of `air` (an AIR without preprocessed columns) for
/// `public`, under `policy`. See [`verify_with_key`].
pub fn verify(
    air: &dyn Air,
    public: &[Fp],
    proof: &Proof,
    policy: &SecurityPolicy,
) -> Result<Verified, VerifyError> {
    check_statement(air, public, &proof.air)?;
    let vk = VerifyingKey::without_preprocessed(air, &proof.options)
        .map_err(|e| VerifyError::VerifyingKey(e.to_string()))?;
    verify_with_key(air, &vk, public, proof, policy)
}

/// Parses proof bytes and [`verify`]s them.
pub fn verify_bytes(
    air: &dyn Air,
    public: &[Fp],
    bytes: &[u8],
    policy: &SecurityPolicy,
) -> Result<Verified, VerifyError> {
    verify(air, public, &Proof::from_bytes(bytes)?, policy)
}

/// Verifies `proof` of `air` with verifying key `vk` (from
/// [`crate::Prover::setup`]) for the public inputs `public`, under
/// `policy`.
///
/// Rejects, naming what is wrong: a proof of another statement (AIR name,
/// parameters or public inputs other than the caller's), a key made for
/// another AIR, blowup or shift, options the policy does not allow (too
/// few bits as the verifier computes them, or not the pinned ones), and
/// any inconsistency in the proof.
pub fn verify_with_key(
    air: &dyn Air,
    vk: &VerifyingKey,
    public: &[Fp],
    proof: &Proof,
    policy: &SecurityPolicy,
) -> Result<Verified, VerifyError> {
    check_statement(air, public, &proof.air)?;
    let opts = proof.options;
    check_options(&opts, vk, policy)?;
    let specs = air.tables();
    check_key(air, &specs, vk)?;
    let tables = layouts(&specs, &opts, public.len()).map_err(unprovable)?;
    let messages = air.public_interactions(public);
    let security = SecurityReport::new(&opts, &tables, &messages);
    check_security(&security, policy)?;
    let fri = FriLayout::new(&tables, &opts);
    check_shapes(proof, &tables, &fri)?;
    let ch = replay(proof, vk, public, &specs, &tables, &messages, fri.log_lde)?;
    let rounds = RoundTrees::new(&tables, fri.log_lde);
    let opened = Opened::check(proof, vk, &rounds, &ch.queries)?;
    let layers = check_layers(proof, &fri, &ch.queries)?;
    let walk = FriWalk {
        inv2: Fp::TWO.inverse_or_zero(),
        proof,
        fri: &fri,
        tables: &tables,
        opened: &opened,
        layers: &layers,
        ch: &ch,
        opts: &opts,
    };
    for (qi, &query) in ch.queries.iter().enumerate() {
        walk.check(qi, query)?;
    }
    Ok(Verified {
        instance: air.instance(public),
        statement: statement_digest(&vk.digest(), public, &messages),
        security,
    })
}

fn differs(what: impl Into<String>, expected: String, got: String) -> VerifyError {
    VerifyError::Statement {
        what: what.into(),
        expected,
        got,
    }
}

/// The proof's instance is the caller's: AIR name, parameters, public
/// inputs (count first, then each value).
fn check_statement(air: &dyn Air, public: &[Fp], proved: &AirInstance) -> Result<(), VerifyError> {
    let expected = air.num_public_inputs();
    if public.len() != expected {
        return Err(VerifyError::PublicInputCount {
            expected,
            got: public.len(),
        });
    }
    if proved.name != air.name() {
        return Err(differs("AIR name", air.name(), proved.name.clone()));
    }
    let params = air.params();
    if proved.params != params {
        return Err(differs(
            "parameters",
            format!("{params:?}"),
            format!("{:?}", proved.params),
        ));
    }
    if proved.public_inputs.len() != public.len() {
        return Err(differs(
            "public input count",
            public.len().to_string(),
            proved.public_inputs.len().to_string(),
        ));
    }
    if let Some(i) = (0..public.len()).find(|&i| proved.public_inputs[i] != public[i]) {
        return Err(differs(
            format!("public input {i}"),
            public[i].value().to_string(),
            proved.public_inputs[i].value().to_string(),
        ));
    }
    Ok(())
}

/// The options are well formed, the policy's pinned ones if it pins any,
/// and the key's blowup and shift.
fn check_options(
    opts: &Options,
    vk: &VerifyingKey,
    policy: &SecurityPolicy,
) -> Result<(), VerifyError> {
    opts.validate()?;
    if let Some(pinned) = policy.pinned_options() {
        if pinned != opts {
            return Err(VerifyError::OptionsNotPinned {
                expected: *pinned,
                got: *opts,
            });
        }
    }
    if (vk.log_blowup, vk.shift) != (opts.log_blowup, opts.shift) {
        return Err(VerifyError::VerifyingKey(format!(
            "made for log blowup {} and shift {}, the proof has {} and {}",
            vk.log_blowup,
            vk.shift.value(),
            opts.log_blowup,
            opts.shift.value()
        )));
    }
    Ok(())
}

/// The key was made for this AIR and has a preprocessed root exactly when
/// a table has preprocessed columns.
fn check_key(air: &dyn Air, specs: &[TableSpec], vk: &VerifyingKey) -> Result<(), VerifyError> {
    if vk.air_digest != air_digest(air, specs) {
        return Err(VerifyError::VerifyingKey(
            "made for another AIR (its AIR digest differs)".into(),
        ));
    }
    let preprocessed = specs.iter().filter(|t| t.preprocessed_width > 0).count();
    if vk.preprocessed_root.is_some() != (preprocessed > 0) {
        return Err(VerifyError::VerifyingKey(format!(
            "a preprocessed root is {} where {preprocessed} tables have preprocessed columns",
            if vk.preprocessed_root.is_some() {
                "present"
            } else {
                "missing"
            },
        )));
    }
    Ok(())
}

fn unprovable(e: LayoutError) -> VerifyError {
    match e {
        LayoutError::Constraints { table, source } => VerifyError::Constraints { table, source },
        LayoutError::BlowupTooSmall {
            table,
            parts,
            blowup,
        } => VerifyError::Unprovable {
            table,
            reason: format!("needs {parts} composition parts, blowup is {blowup}"),
        },
        LayoutError::BadTable { table, reason } => VerifyError::Unprovable { table, reason },
    }
}

fn check_security(report: &SecurityReport, policy: &SecurityPolicy) -> Result<(), VerifyError> {
    let required = [
        (
            "conjectured",
            report.conjectured_bits,
            policy.min_conjectured_bits(),
        ),
        ("provable", report.provable_bits, policy.min_provable_bits()),
    ];
    for (kind, got, required) in required {
        if got < required {
            return Err(VerifyError::InsufficientSecurity {
                kind,
                got,
                required,
            });
        }
    }
    Ok(())
}

fn shape(what: impl Into<String>, expected: usize, got: usize) -> Result<(), VerifyError> {
    if expected != got {
        return Err(VerifyError::Shape {
            what: what.into(),
            expected,
            got,
        });
    }
    Ok(())
}

/// Checks the shape of everything in the proof against the layouts.
fn check_shapes(proof: &Proof, tables: &[TableLayout], fri: &FriLayout) -> Result<(), VerifyError> {
    let nt = tables.len();
    let aux = tables.iter().filter(|t| t.aux_width > 0).count();
    let pre = tables.iter().filter(|t| t.pre_width > 0).count();
    let present = |b: bool| usize::from(b);
    for (what, expected, got) in [
        (
            "aux root",
            present(aux > 0),
            present(proof.aux_root.is_some()),
        ),
        ("totals", aux, proof.totals.len()),
        ("ood tables", nt, proof.ood.len()),
        ("fri layer roots", fri.layers(), proof.fri.layer_roots.len()),
        (
            "fri final polynomial",
            fri.final_len,
            proof.fri.final_poly.len(),
        ),
        ("fri layers opened", fri.layers(), proof.fri_openings.len()),
        (
            "preprocessed opening",
            present(pre > 0),
            present(proof.pre_opening.is_some()),
        ),
        (
            "aux opening",
            present(aux > 0),
            present(proof.aux_opening.is_some()),
        ),
    ] {
        shape(what, expected, got)?;
    }
    for (t, o) in tables.iter().zip(&proof.ood) {
        let name = &t.name;
        let widths = [t.width, t.width, t.pre_width, t.pre_width];
        let widths = widths
            .into_iter()
            .chain([t.aux_width, t.aux_width, t.parts]);
        let names = [
            "main at z",
            "main at zg",
            "preprocessed at z",
            "preprocessed at zg",
        ];
        let names = names
            .into_iter()
            .chain(["aux at z", "aux at zg", "composition parts"]);
        for ((what, w), v) in names.zip(widths).zip(o.vectors()) {
            shape(format!("{name}: ood {what}"), w, v.len())?;
        }
    }
    Ok(())
}

/// The challenges the transcript replay yields.
struct Challenges {
    z: Fp3,
    gamma: Fp3,
    /// The weight of the `k`-th DEEP codeword joining the FRI is `lambda^k`.
    lambda: Fp3,
    /// The FRI folding challenges, one per layer.
    betas: Vec<Fp3>,
    /// The query positions in the largest LDE domain.
    queries: Vec<usize>,
}

/// The verifier's side of the rounds (docs/PROTOCOL.md, "Rounds"): each
/// method replays the channel messages of the prover's method of the same
/// name (`prover/rounds.rs`) and checks what that round decides.
struct Replay<'a> {
    proof: &'a Proof,
    public: &'a [Fp],
    specs: &'a [TableSpec],
    tables: &'a [TableLayout],
    messages: &'a [PublicInteraction],
    channel: Channel,
}

impl Replay<'_> {
    /// Round 1.
    fn main_commit(&mut self) {
        self.channel.main_root(&self.proof.main_root);
    }

    /// Round 2: the totals and the public messages cancel.
    fn logup(&mut self) -> Result<LogUpChallenges, VerifyError> {
        let lc = self.channel.logup_challenges();
        if let Some(r) = &self.proof.aux_root {
            self.channel.aux_root(r);
        }
        self.channel.logup_totals(&self.proof.totals);
        let sum = self.proof.totals.iter().copied().sum::<Fp3>() + public_sum(self.messages, &lc);
        if sum != Fp3::ZERO {
            return Err(VerifyError::UnbalancedBuses(sum));
        }
        Ok(lc)
    }

    /// Round 3.
    fn composition(&mut self) -> Fp3 {
        let alpha = self.channel.composition_challenge();
        self.channel.parts_root(&self.proof.parts_root);
        alpha
    }

    /// Round 4: each table's out-of-domain equation holds.
    fn out_of_domain(&mut self, lc: &LogUpChallenges, alpha: Fp3) -> Result<Fp3, VerifyError> {
        let log_n_max = self.tables.iter().map(|t| t.log_n).max();
        let log_n_max = log_n_max.expect("layouts are non-empty");
        let z = self.channel.ood_point(log_n_max, &self.proof.options);
        let mut totals = self.proof.totals.iter();
        for ((t, spec), o) in self.tables.iter().zip(self.specs).zip(&self.proof.ood) {
            let total = match t.aux_width {
                0 => Fp3::ZERO,
                _ => *totals.next().expect("shape checked"),
            };
            let challenges = [lc.z, lc.alpha, total];
            if !composition_matches(t, &spec.periodic, o, &challenges, self.public, alpha, z) {
                return Err(VerifyError::OodMismatch {
                    table: t.name.clone(),
                });
            }
            self.channel.ood_values(o);
        }
        Ok(z)
    }

    /// Round 5: `(gamma, lambda, betas)`.
    fn deep_fri(&mut self) -> (Fp3, Fp3, Vec<Fp3>) {
        let (gamma, lambda) = self.channel.deep_challenges();
        let fri = &self.proof.fri;
        let betas = fri
            .layer_roots
            .iter()
            .map(|r| self.channel.fri_layer(r))
            .collect();
        self.channel.fri_final(&fri.final_poly);
        (gamma, lambda, betas)
    }

    /// Round 6: the nonce meets the grinding bits.
    fn grind(&mut self) -> Result<(), VerifyError> {
        let (nonce, bits) = (self.proof.pow_nonce, self.proof.options.grinding_bits);
        if !pow_is_valid(&self.channel.grinding_seed(), nonce, bits) {
            return Err(VerifyError::ProofOfWork { bits });
        }
        self.channel.pow_nonce(nonce);
        Ok(())
    }

    /// Round 7: the query positions in the largest LDE domain, the FRI's
    /// first (`2^log_lde_max` values).
    fn queries(&mut self, log_lde_max: u32) -> Vec<usize> {
        let count = self.proof.options.num_queries;
        self.channel.queries(count, log_lde_max)
    }
}

/// Replays the transcript round by round and checks everything decided
/// before the openings: bus balance, each table's out-of-domain equation,
/// the proof of work.
fn replay(
    proof: &Proof,
    vk: &VerifyingKey,
    public: &[Fp],
    specs: &[TableSpec],
    tables: &[TableLayout],
    messages: &[PublicInteraction],
    log_lde_max: u32,
) -> Result<Challenges, VerifyError> {
    let statement = statement_bytes(public, messages);
    let mut r = Replay {
        proof,
        public,
        specs,
        tables,
        messages,
        channel: Channel::header(&vk.digest(), &proof.options, &statement),
    };
    r.main_commit();
    let lc = r.logup()?;
    let alpha = r.composition();
    let z = r.out_of_domain(&lc, alpha)?;
    let (gamma, lambda, betas) = r.deep_fri();
    r.grind()?;
    let queries = r.queries(log_lde_max);
    Ok(Challenges {
        z,
        gamma,
        lambda,
        betas,
        queries,
    })
}

/// Checks that `batch` opens the distinct increasing `leaves` of the tree
/// of `shape` under `root` (each leaf of the shape's length).
fn check_batch<T: DeviceElem>(
    batch: &BatchOpening<T>,
    root: &Digest,
    shape: &MerkleShape,
    leaves: &[usize],
    tree: &str,
) -> Result<(), VerifyError> {
    verify_batch(root, shape, leaves, batch).map_err(|source| VerifyError::Opening {
        tree: tree.into(),
        source,
    })
}

/// The values a verified batch holds for leaf `leaf` (every leaf the
/// batch was checked against is there).
fn leaf<'b, T>(
    batch: &'b BatchOpening<T>,
    leaves: &[usize],
    leaf: usize,
    what: &str,
) -> Result<&'b [T], VerifyError> {
    leaf_values(batch, leaves, leaf).ok_or_else(|| VerifyError::Shape {
        what: format!("{what}: leaf {leaf} not opened"),
        expected: 1,
        got: 0,
    })
}

/// One round's tree, verified at the leaves the queries open.
struct OpenedRound<'p, T> {
    round: &'p RoundTree,
    batch: &'p BatchOpening<T>,
    leaves: Vec<usize>,
    name: &'static str,
}

impl<'p, T: DeviceElem> OpenedRound<'p, T> {
    fn check(
        round: &'p RoundTree,
        (root, batch): (&Digest, &'p BatchOpening<T>),
        queries: &[usize],
        name: &'static str,
    ) -> Result<Self, VerifyError> {
        let leaves = round.leaves(queries);
        check_batch(batch, root, &round.shape, &leaves, name)?;
        Ok(OpenedRound {
            round,
            batch,
            leaves,
            name,
        })
    }

    /// Table `table`'s verified row at query `query`.
    fn row(&self, table: usize, query: usize) -> Result<&'p [T], VerifyError> {
        let values = leaf(
            self.batch,
            &self.leaves,
            self.round.leaf_of(query),
            self.name,
        )?;
        self.round
            .row(values, table)
            .ok_or_else(|| VerifyError::Shape {
                what: format!("{}: table {table} in the tree", self.name),
                expected: 1,
                got: 0,
            })
    }
}

/// Every round's tree verified at the queries (shapes checked: a round's
/// opening is present exactly when the round has tables).
struct Opened<'p> {
    main: OpenedRound<'p, Fp>,
    pre: Option<OpenedRound<'p, Fp>>,
    aux: Option<OpenedRound<'p, Fp3>>,
    parts: OpenedRound<'p, Fp3>,
}

impl<'p> Opened<'p> {
    /// Checks the main, preprocessed, aux and composition openings against
    /// their roots.
    fn check(
        proof: &'p Proof,
        vk: &'p VerifyingKey,
        rounds: &'p RoundTrees,
        queries: &[usize],
    ) -> Result<Self, VerifyError> {
        let main = (&proof.main_root, &proof.main_opening);
        let main = OpenedRound::check(&rounds.main, main, queries, "main")?;
        let pre = match (
            &rounds.preprocessed,
            &vk.preprocessed_root,
            &proof.pre_opening,
        ) {
            (Some(round), Some(root), Some(batch)) => Some(OpenedRound::check(
                round,
                (root, batch),
                queries,
                "preprocessed",
            )?),
            _ => None,
        };
        let aux = match (&rounds.aux, &proof.aux_root, &proof.aux_opening) {
            (Some(round), Some(root), Some(batch)) => {
                Some(OpenedRound::check(round, (root, batch), queries, "aux")?)
            }
            _ => None,
        };
        let parts = (&proof.parts_root, &proof.parts_opening);
        let parts = OpenedRound::check(&rounds.parts, parts, queries, "composition")?;
        Ok(Opened {
            main,
            pre,
            aux,
            parts,
        })
    }
}

/// Table `i`'s DEEP codeword's value at query `query` (its position
/// `query >> (L - log_lde)`) from the verified rows, in the order of
/// `ProverDevice::deep_composition` (docs/PROTOCOL.md, round 5).
fn deep_value(
    opened: &Opened,
    (i, t, o): (usize, &TableLayout, &TableOod),
    (opts, ch): (&Options, &Challenges),
    (query, log_lde_max): (usize, u32),
) -> Result<Fp3, VerifyError> {
    let main = opened.main.row(i, query)?;
    let pre = match (&opened.pre, t.pre_width) {
        (Some(round), 1..) => round.row(i, query)?,
        _ => &[],
    };
    let aux = match (&opened.aux, t.aux_width) {
        (Some(round), 1..) => round.row(i, query)?,
        _ => &[],
    };
    let parts = opened.parts.row(i, query)?;
    let pos = query >> (log_lde_max - t.log_lde);

    let omega = Fp::root_of_unity(t.log_lde).expect("log_lde <= 32");
    let x = opts.shift * omega.pow(bit_reverse(pos, t.log_lde) as u64);
    let g = Fp::root_of_unity(t.log_n).expect("log_n <= 26");
    let inv_z = (Fp3::from_base(x) - ch.z).inverse_or_zero();
    let inv_zg = (Fp3::from_base(x) - ch.z.mul_base(g)).inverse_or_zero();
    let base = |v: &[Fp]| v.iter().map(|f| Fp3::from_base(*f)).collect::<Vec<_>>();
    let (main, pre) = (base(main), base(pre));
    let terms: [(&[Fp3], &[Fp3], Fp3); 7] = [
        (&main, &o.main_z, inv_z),
        (&main, &o.main_zg, inv_zg),
        (&pre, &o.pre_z, inv_z),
        (&pre, &o.pre_zg, inv_zg),
        (aux, &o.aux_z, inv_z),
        (aux, &o.aux_zg, inv_zg),
        (parts, &o.parts_z, inv_z),
    ];
    let mut deep = Fp3::ZERO;
    let mut power = Fp3::ONE;
    for (values, claimed, inv) in terms {
        for (f, v) in values.iter().zip(claimed) {
            deep += power * (*f - *v) * inv;
            power *= ch.gamma;
        }
    }
    Ok(deep)
}

/// Checks each FRI layer's openings at the distinct leaves the queries
/// reach; returns those leaves per layer.
fn check_layers(
    proof: &Proof,
    fri: &FriLayout,
    queries: &[usize],
) -> Result<Vec<Vec<usize>>, VerifyError> {
    let mut folded = 0;
    let mut out = Vec::with_capacity(fri.layers());
    for (l, (&log_arity, size)) in fri.log_arities.iter().zip(fri.sizes()).enumerate() {
        folded += log_arity;
        let leaves = distinct(&queries.iter().map(|q| q >> folded).collect::<Vec<_>>());
        let what = format!("fri layer {l}");
        let shape = MerkleShape {
            kind: ElemKind::Ext,
            height: 1 << size,
            widths: vec![1],
            rows_per_leaf: 1 << log_arity,
            table_heights: None,
        };
        let (root, batch) = (&proof.fri.layer_roots[l], &proof.fri_openings[l]);
        check_batch(batch, root, &shape, &leaves, &what)?;
        out.push(leaves);
    }
    Ok(out)
}

/// `g(x^2) = (a + b) / 2 + beta (a - b) / (2 x)`: one binary fold of the
/// values `a = f(x)`, `b = f(-x)`.
fn fold_pair(a: Fp3, b: Fp3, x: Fp, beta: Fp3, inv2: Fp) -> Fp3 {
    let inv_2x = (x + x).inverse_or_zero();
    (a + b).mul_base(inv2) + beta * (a - b).mul_base(inv_2x)
}

/// Everything one query's walk through the FRI reads, verified.
struct FriWalk<'a> {
    /// `1 / 2` in `Fp`.
    inv2: Fp,
    proof: &'a Proof,
    fri: &'a FriLayout,
    tables: &'a [TableLayout],
    opened: &'a Opened<'a>,
    /// The verified leaves of each layer.
    layers: &'a [Vec<usize>],
    ch: &'a Challenges,
    opts: &'a Options,
}

impl FriWalk<'_> {
    /// `value` with the DEEP values of the tables joining at `2^log_size`
    /// values added, the `k`-th scaled by `lambda^k`; `query` is the
    /// position in the largest domain.
    fn join(
        &self,
        value: Option<Fp3>,
        log_size: u32,
        query: usize,
    ) -> Result<Option<Fp3>, VerifyError> {
        let mut value = value;
        for (k, t) in self.fri.joining_at(log_size) {
            let table = (t, &self.tables[t], &self.proof.ood[t]);
            let deep = deep_value(
                self.opened,
                table,
                (self.opts, self.ch),
                (query, self.fri.log_lde),
            )?;
            value = Some(match value {
                None => deep,
                Some(v) => v + self.ch.lambda.pow(k as u64) * deep,
            });
        }
        Ok(value)
    }

    /// Query `qi` at `query`: at each layer of arity `2^a`, the tables
    /// joining there are added to the value carried from the layer before;
    /// the opened value at the query's position must equal it, and the
    /// leaf's `2^a` values folded `a` times with `beta, beta^2, ..` give the
    /// value carried on; at the end, after the last joins, the final
    /// polynomial at the last point must equal it.
    fn check(&self, qi: usize, query: usize) -> Result<(), VerifyError> {
        let mut value = None;
        let mut pos = query;
        let mut shift = self.opts.shift;
        let sizes = self.fri.sizes();
        for (l, (&log_arity, beta)) in self.fri.log_arities.iter().zip(&self.ch.betas).enumerate() {
            let mut log_size = sizes[l];
            let carried = self.join(value, log_size, query)?.unwrap_or(Fp3::ZERO);
            let index = pos >> log_arity;
            let what = format!("fri layer {l}");
            let values = leaf(&self.proof.fri_openings[l], &self.layers[l], index, &what)?;
            if values[pos & ((1 << log_arity) - 1)] != carried {
                return Err(match l {
                    0 => VerifyError::DeepMismatch { query: qi },
                    _ => VerifyError::FriFold {
                        query: qi,
                        layer: l,
                    },
                });
            }
            let mut vals = values.to_vec();
            let mut beta = *beta;
            // vals[0] is at position `first` of a codeword of 2^log_size
            // values; pair i folds to position first / 2 + i.
            let mut first = index << log_arity;
            for _ in 0..log_arity {
                let base = first >> 1;
                let w = Fp::root_of_unity(log_size).expect("log_size <= 32");
                vals = vals
                    .chunks_exact(2)
                    .enumerate()
                    .map(|(i, pair)| {
                        let x = shift * w.pow(bit_reverse(base + i, log_size - 1) as u64);
                        fold_pair(pair[0], pair[1], x, beta, self.inv2)
                    })
                    .collect();
                shift = shift * shift;
                beta = beta * beta;
                log_size -= 1;
                first = base;
            }
            value = Some(vals[0]);
            pos = index;
        }
        let log_size = self.fri.final_log_size;
        let value = self.join(value, log_size, query)?.unwrap_or(Fp3::ZERO);
        let w = Fp::root_of_unity(log_size).expect("log_size <= 32");
        let x = shift * w.pow(bit_reverse(pos, log_size) as u64);
        let mut acc = Fp3::ZERO;
        for c in self.proof.fri.final_poly.iter().rev() {
            acc = acc.mul_base(x) + *c;
        }
        if acc != value {
            return Err(VerifyError::FriFinal { query: qi });
        }
        Ok(())
    }
}
