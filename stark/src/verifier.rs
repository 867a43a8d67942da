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
use crate::proof::Proof;
use crate::security::{SecurityPolicy, SecurityReport};
use crate::statement::{air_digest, statement_bytes, statement_digest};
use backend_api::{bit_reverse, pow_is_valid, DeviceElem, Digest, Fp, Fp3, LogUpChallenges};

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
    let mut rows = Vec::with_capacity(tables.len());
    for (i, t) in tables.iter().enumerate() {
        let table = TableProof::of(proof, &tables, i);
        let pre_root = vk.preprocessed_roots[i].as_ref();
        let positions: Vec<usize> = ch
            .queries
            .iter()
            .map(|q| q >> (fri.log_lde - t.log_lde))
            .collect();
        rows.push(check_rows(&table, t, pre_root, &positions)?);
    }
    let layers = check_layers(proof, &fri, &ch.queries)?;
    let walk = FriWalk {
        inv2: Fp::TWO.inverse_or_zero(),
        proof,
        fri: &fri,
        tables: &tables,
        rows: &rows,
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

/// The key was made for this AIR and has a root exactly for the tables
/// with preprocessed columns.
fn check_key(air: &dyn Air, specs: &[TableSpec], vk: &VerifyingKey) -> Result<(), VerifyError> {
    if vk.air_digest != air_digest(air, specs) {
        return Err(VerifyError::VerifyingKey(
            "made for another AIR (its AIR digest differs)".into(),
        ));
    }
    if vk.preprocessed_roots.len() != specs.len() {
        return Err(VerifyError::VerifyingKey(format!(
            "has {} tables, the AIR {}",
            vk.preprocessed_roots.len(),
            specs.len()
        )));
    }
    for (t, root) in specs.iter().zip(&vk.preprocessed_roots) {
        if root.is_some() != (t.preprocessed_width > 0) {
            return Err(VerifyError::VerifyingKey(format!(
                "table `{}`: a preprocessed root is {} where the table has {} preprocessed columns",
                t.name,
                if root.is_some() { "present" } else { "missing" },
                t.preprocessed_width
            )));
        }
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
    for (what, expected, got) in [
        ("main roots", nt, proof.main_roots.len()),
        ("aux roots", aux, proof.aux_roots.len()),
        ("totals", aux, proof.totals.len()),
        ("composition roots", nt, proof.parts_roots.len()),
        ("ood tables", nt, proof.ood.len()),
        ("fri layer roots", fri.layers(), proof.fri.layer_roots.len()),
        (
            "fri final polynomial",
            fri.final_len,
            proof.fri.final_poly.len(),
        ),
        ("fri layers opened", fri.layers(), proof.fri_openings.len()),
        ("main openings tables", nt, proof.main_openings.len()),
        (
            "preprocessed openings tables",
            pre,
            proof.pre_openings.len(),
        ),
        ("aux openings tables", aux, proof.aux_openings.len()),
        (
            "composition openings tables",
            nt,
            proof.parts_openings.len(),
        ),
    ] {
        shape(what, expected, got)?;
    }
    for (i, t) in tables.iter().enumerate() {
        let p = TableProof::of(proof, tables, i);
        let name = &t.name;
        let o = p.ood;
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

/// One table's part of a proof (shapes checked).
struct TableProof<'p> {
    name: &'p str,
    ood: &'p crate::proof::TableOod,
    main_root: &'p Digest,
    aux_root: Option<&'p Digest>,
    parts_root: &'p Digest,
    main: &'p BatchOpening<Fp>,
    pre: Option<&'p BatchOpening<Fp>>,
    aux: Option<&'p BatchOpening<Fp3>>,
    parts: &'p BatchOpening<Fp3>,
}

impl<'p> TableProof<'p> {
    /// Table `i`'s part; its aux and preprocessed entries are found by
    /// counting the earlier tables that have them.
    fn of(proof: &'p Proof, tables: &'p [TableLayout], i: usize) -> Self {
        let t = &tables[i];
        let aux = tables[..i].iter().filter(|t| t.aux_width > 0).count();
        let pre = tables[..i].iter().filter(|t| t.pre_width > 0).count();
        TableProof {
            name: &t.name,
            ood: &proof.ood[i],
            main_root: &proof.main_roots[i],
            aux_root: (t.aux_width > 0).then(|| &proof.aux_roots[aux]),
            parts_root: &proof.parts_roots[i],
            main: &proof.main_openings[i],
            pre: (t.pre_width > 0).then(|| &proof.pre_openings[pre]),
            aux: (t.aux_width > 0).then(|| &proof.aux_openings[aux]),
            parts: &proof.parts_openings[i],
        }
    }
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
        for r in &self.proof.main_roots {
            self.channel.main_root(r);
        }
    }

    /// Round 2: the totals and the public messages cancel.
    fn logup(&mut self) -> Result<LogUpChallenges, VerifyError> {
        let lc = self.channel.logup_challenges();
        for r in &self.proof.aux_roots {
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
        for r in &self.proof.parts_roots {
            self.channel.parts_root(r);
        }
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

/// Checks that every leaf of `batch` has `width` values and that the
/// batch opens `leaves` (distinct, increasing) of the tree of `num_leaves`
/// leaves under `root`.
fn check_batch<T: DeviceElem>(
    batch: &BatchOpening<T>,
    root: &Digest,
    num_leaves: usize,
    leaves: &[usize],
    width: usize,
    (table, what): (&str, &str),
) -> Result<(), VerifyError> {
    if let Some(leaf) = batch.leaves.iter().find(|l| l.len() != width) {
        return shape(format!("{table}: {what} leaf width"), width, leaf.len());
    }
    verify_batch(root, num_leaves, leaves, batch).map_err(|source| VerifyError::Opening {
        table: table.into(),
        what: what.into(),
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

/// A table's verified rows at its distinct query positions.
struct Rows<'p> {
    positions: Vec<usize>,
    main: &'p BatchOpening<Fp>,
    pre: Option<&'p BatchOpening<Fp>>,
    aux: Option<&'p BatchOpening<Fp3>>,
    parts: &'p BatchOpening<Fp3>,
    ood: &'p crate::proof::TableOod,
}

/// Checks the main, preprocessed, aux and composition openings at the
/// distinct `positions` against their roots.
fn check_rows<'p>(
    p: &TableProof<'p>,
    t: &TableLayout,
    pre_root: Option<&Digest>,
    positions: &[usize],
) -> Result<Rows<'p>, VerifyError> {
    let positions = distinct(positions);
    let n_lde = t.lde_height();
    let at = |what| (p.name, what);
    check_batch(p.main, p.main_root, n_lde, &positions, t.width, at("main"))?;
    let pre = match (p.pre, pre_root) {
        (Some(b), Some(root)) => {
            check_batch(b, root, n_lde, &positions, t.pre_width, at("preprocessed"))?;
            Some(b)
        }
        _ => None,
    };
    let aux = match (p.aux, p.aux_root) {
        (Some(b), Some(root)) => {
            check_batch(b, root, n_lde, &positions, t.aux_width, at("aux"))?;
            Some(b)
        }
        _ => None,
    };
    check_batch(
        p.parts,
        p.parts_root,
        n_lde,
        &positions,
        t.parts,
        at("composition"),
    )?;
    Ok(Rows {
        positions,
        main: p.main,
        pre,
        aux,
        parts: p.parts,
        ood: p.ood,
    })
}

/// The DEEP codeword's value at `pos` from the verified rows, in the order
/// of `ProverDevice::deep_composition` (docs/PROTOCOL.md, round 5).
fn deep_value(
    rows: &Rows,
    t: &TableLayout,
    opts: &Options,
    ch: &Challenges,
    pos: usize,
) -> Result<Fp3, VerifyError> {
    let at = &rows.positions;
    let main = leaf(rows.main, at, pos, "main")?;
    let pre = match rows.pre {
        Some(b) => leaf(b, at, pos, "preprocessed")?,
        None => &[],
    };
    let aux = match rows.aux {
        Some(b) => leaf(b, at, pos, "aux")?,
        None => &[],
    };
    let parts = leaf(rows.parts, at, pos, "composition")?;

    let omega = Fp::root_of_unity(t.log_lde).expect("log_lde <= 32");
    let x = opts.shift * omega.pow(bit_reverse(pos, t.log_lde) as u64);
    let g = Fp::root_of_unity(t.log_n).expect("log_n <= 26");
    let inv_z = (Fp3::from_base(x) - ch.z).inverse_or_zero();
    let inv_zg = (Fp3::from_base(x) - ch.z.mul_base(g)).inverse_or_zero();
    let o = rows.ood;
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
        let num_leaves = 1 << (size - log_arity);
        let (root, batch) = (&proof.fri.layer_roots[l], &proof.fri_openings[l]);
        check_batch(
            batch,
            root,
            num_leaves,
            &leaves,
            1 << log_arity,
            ("fri", &what),
        )?;
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
    rows: &'a [Rows<'a>],
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
            let table = &self.tables[t];
            let pos = query >> (self.fri.log_lde - table.log_lde);
            let deep = deep_value(&self.rows[t], table, self.opts, self.ch, pos)?;
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
