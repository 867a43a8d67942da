//! The verifier: host code, strict. It decides with what its caller gives
//! it (the AIR, the verifying key, the public inputs, the security policy),
//! never with what the proof claims about itself; every length is checked
//! before use, every opening against its root. See docs/PROTOCOL.md,
//! "Verifier".

use crate::air::{Air, AirInstance, PublicInteraction, TableSpec};
use crate::error::VerifyError;
use crate::keys::VerifyingKey;
use crate::layout::{layouts, LayoutError, TableLayout};
use crate::logup_constraints::public_sum;
use crate::ood::{composition_matches, sample_ood_point};
use crate::options::Options;
use crate::proof::Proof;
use crate::proof_io::options_bytes;
use crate::security::{SecurityPolicy, SecurityReport};
use crate::statement::{air_digest, statement_bytes, statement_digest};
use crate::transcript::Transcript;
use backend_api::{
    bit_reverse, pow_is_valid, verify_opening, DeviceElem, Digest, Fp, Fp3, LogUpChallenges,
    MerkleOpening,
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
    check_shapes(proof, &tables)?;
    let ch = replay(proof, vk, public, &specs, &tables, &messages)?;
    let inv2 = Fp::TWO.inverse_or_zero();
    for (i, t) in tables.iter().enumerate() {
        let table = TableProof::of(proof, &tables, i);
        let pre_root = vk.preprocessed_roots[i].as_ref();
        for (qi, &query) in ch.queries.iter().enumerate() {
            let pos = query >> (ch.log_lde_max - t.log_lde);
            let deep = deep_value(&table, t, &opts, &ch, pre_root, qi, pos)?;
            check_fri(&table, t, &opts, &ch.betas[i], inv2, qi, pos, deep)?;
        }
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
fn check_shapes(proof: &Proof, tables: &[TableLayout]) -> Result<(), VerifyError> {
    let nt = tables.len();
    let q = proof.options.num_queries;
    let aux = tables.iter().filter(|t| t.aux_width > 0).count();
    let pre = tables.iter().filter(|t| t.pre_width > 0).count();
    for (what, expected, got) in [
        ("main roots", nt, proof.main_roots.len()),
        ("aux roots", aux, proof.aux_roots.len()),
        ("totals", aux, proof.totals.len()),
        ("composition roots", nt, proof.parts_roots.len()),
        ("ood tables", nt, proof.ood.len()),
        ("fri tables", nt, proof.fri.len()),
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
        ("fri openings tables", nt, proof.fri_openings.len()),
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
        let f = &proof.fri[i];
        shape(
            format!("{name}: fri layer roots"),
            t.fri_layers,
            f.layer_roots.len(),
        )?;
        shape(
            format!("{name}: fri final polynomial"),
            t.final_len,
            f.final_poly.len(),
        )?;
        shape(format!("{name}: main openings"), q, p.main.len())?;
        if let Some(pre) = p.pre {
            shape(format!("{name}: preprocessed openings"), q, pre.len())?;
        }
        if let Some(aux) = p.aux {
            shape(format!("{name}: aux openings"), q, aux.len())?;
        }
        shape(format!("{name}: composition openings"), q, p.parts.len())?;
        shape(
            format!("{name}: fri layers opened"),
            t.fri_layers,
            p.fri.len(),
        )?;
        for (l, layer) in p.fri.iter().enumerate() {
            shape(format!("{name}: fri layer {l} openings"), q, layer.len())?;
        }
    }
    Ok(())
}

/// One table's part of a proof (shapes checked).
struct TableProof<'p> {
    name: &'p str,
    ood: &'p crate::proof::TableOod,
    final_poly: &'p [Fp3],
    main_root: &'p Digest,
    aux_root: Option<&'p Digest>,
    parts_root: &'p Digest,
    layer_roots: &'p [Digest],
    main: &'p [MerkleOpening<Fp>],
    pre: Option<&'p [MerkleOpening<Fp>]>,
    aux: Option<&'p [MerkleOpening<Fp3>]>,
    parts: &'p [MerkleOpening<Fp3>],
    fri: &'p [Vec<MerkleOpening<Fp3>>],
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
            final_poly: &proof.fri[i].final_poly,
            main_root: &proof.main_roots[i],
            aux_root: (t.aux_width > 0).then(|| &proof.aux_roots[aux]),
            parts_root: &proof.parts_roots[i],
            layer_roots: &proof.fri[i].layer_roots,
            main: &proof.main_openings[i],
            pre: (t.pre_width > 0).then(|| proof.pre_openings[pre].as_slice()),
            aux: (t.aux_width > 0).then(|| proof.aux_openings[aux].as_slice()),
            parts: &proof.parts_openings[i],
            fri: &proof.fri_openings[i],
        }
    }
}

/// The challenges the transcript replay yields.
struct Challenges {
    z: Fp3,
    gamma: Fp3,
    /// Per table, the FRI folding challenges.
    betas: Vec<Vec<Fp3>>,
    queries: Vec<usize>,
    log_lde_max: u32,
}

/// Replays the transcript and checks everything decided before the
/// queries: bus balance, each table's out-of-domain equation, the proof
/// of work.
fn replay(
    proof: &Proof,
    vk: &VerifyingKey,
    public: &[Fp],
    specs: &[TableSpec],
    tables: &[TableLayout],
    messages: &[PublicInteraction],
) -> Result<Challenges, VerifyError> {
    let opts = &proof.options;
    let mut tr = Transcript::new();
    tr.absorb(&vk.digest());
    tr.absorb(&options_bytes(opts));
    tr.absorb(&statement_bytes(public, messages));
    for r in &proof.main_roots {
        tr.absorb(r);
    }
    let lc = LogUpChallenges {
        z: tr.challenge_fp3(),
        alpha: tr.challenge_fp3(),
    };
    for r in &proof.aux_roots {
        tr.absorb(r);
    }
    tr.absorb_fp3s(&proof.totals);
    let sum = proof.totals.iter().copied().sum::<Fp3>() + public_sum(messages, &lc);
    if sum != Fp3::ZERO {
        return Err(VerifyError::UnbalancedBuses(sum));
    }
    let alpha = tr.challenge_fp3();
    for r in &proof.parts_roots {
        tr.absorb(r);
    }
    let log_n_max = tables.iter().map(|t| t.log_n).max();
    let log_n_max = log_n_max.expect("layouts are non-empty");
    let z = sample_ood_point(&mut tr, log_n_max, opts);
    let mut totals = proof.totals.iter();
    for ((t, spec), o) in tables.iter().zip(specs).zip(&proof.ood) {
        let total = match t.aux_width {
            0 => Fp3::ZERO,
            _ => *totals.next().expect("shape checked"),
        };
        let challenges = [lc.z, lc.alpha, total];
        if !composition_matches(t, &spec.periodic, o, &challenges, public, alpha, z) {
            return Err(VerifyError::OodMismatch {
                table: t.name.clone(),
            });
        }
        for v in o.vectors() {
            tr.absorb_fp3s(v);
        }
    }
    let gamma = tr.challenge_fp3();
    let mut betas = Vec::with_capacity(tables.len());
    for f in &proof.fri {
        let mut b = Vec::with_capacity(f.layer_roots.len());
        for r in &f.layer_roots {
            tr.absorb(r);
            b.push(tr.challenge_fp3());
        }
        tr.absorb_fp3s(&f.final_poly);
        betas.push(b);
    }
    if !pow_is_valid(&tr.state(), proof.pow_nonce, opts.grinding_bits) {
        return Err(VerifyError::ProofOfWork {
            bits: opts.grinding_bits,
        });
    }
    tr.absorb_u64(proof.pow_nonce);
    let log_lde_max = log_n_max + opts.log_blowup;
    let queries = (0..opts.num_queries)
        .map(|_| tr.query_index(log_lde_max))
        .collect();
    Ok(Challenges {
        z,
        gamma,
        betas,
        queries,
        log_lde_max,
    })
}

/// Checks one opening: leaf index, width, and the path to `root`.
fn check_opening<T: DeviceElem>(
    o: &MerkleOpening<T>,
    root: &Digest,
    num_leaves: usize,
    leaf: usize,
    width: usize,
    (table, query, what): (&str, usize, &str),
) -> Result<(), VerifyError> {
    if o.leaf_index != leaf {
        return Err(VerifyError::OpeningIndex {
            table: table.into(),
            query,
            what: what.into(),
            expected: leaf,
            got: o.leaf_index,
        });
    }
    shape(
        format!("{table} query {query}: {what} opening width"),
        width,
        o.values.len(),
    )?;
    verify_opening(root, num_leaves, o).map_err(|source| VerifyError::Merkle {
        table: table.into(),
        query,
        what: what.into(),
        source,
    })
}

/// Checks the main, preprocessed, aux and composition openings of query
/// `qi` at `pos` and returns the DEEP codeword's value there, in the order
/// of `ProverDevice::deep_composition` (docs/PROTOCOL.md, round 5).
fn deep_value(
    p: &TableProof,
    t: &TableLayout,
    opts: &Options,
    ch: &Challenges,
    pre_root: Option<&Digest>,
    qi: usize,
    pos: usize,
) -> Result<Fp3, VerifyError> {
    let n_lde = t.lde_height();
    let at = (p.name, qi);
    let main = &p.main[qi];
    check_opening(main, p.main_root, n_lde, pos, t.width, (at.0, at.1, "main"))?;
    let pre: &[Fp] = match (p.pre, pre_root) {
        (Some(openings), Some(root)) => {
            let o = &openings[qi];
            check_opening(
                o,
                root,
                n_lde,
                pos,
                t.pre_width,
                (at.0, at.1, "preprocessed"),
            )?;
            &o.values
        }
        _ => &[],
    };
    let aux: &[Fp3] = match (p.aux, p.aux_root) {
        (Some(openings), Some(root)) => {
            let o = &openings[qi];
            check_opening(o, root, n_lde, pos, t.aux_width, (at.0, at.1, "aux"))?;
            &o.values
        }
        _ => &[],
    };
    let parts = &p.parts[qi];
    check_opening(
        parts,
        p.parts_root,
        n_lde,
        pos,
        t.parts,
        (at.0, at.1, "composition"),
    )?;

    let omega = Fp::root_of_unity(t.log_lde).expect("log_lde <= 32");
    let x = opts.shift * omega.pow(bit_reverse(pos, t.log_lde) as u64);
    let g = Fp::root_of_unity(t.log_n).expect("log_n <= 26");
    let inv_z = (Fp3::from_base(x) - ch.z).inverse_or_zero();
    let inv_zg = (Fp3::from_base(x) - ch.z.mul_base(g)).inverse_or_zero();
    let o = p.ood;
    let base = |v: &[Fp]| v.iter().map(|f| Fp3::from_base(*f)).collect::<Vec<_>>();
    let (main, pre) = (base(&main.values), base(pre));
    let terms: [(&[Fp3], &[Fp3], Fp3); 7] = [
        (&main, &o.main_z, inv_z),
        (&main, &o.main_zg, inv_zg),
        (&pre, &o.pre_z, inv_z),
        (&pre, &o.pre_zg, inv_zg),
        (aux, &o.aux_z, inv_z),
        (aux, &o.aux_zg, inv_zg),
        (&parts.values, &o.parts_z, inv_z),
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

/// FRI for query `qi` at `pos`: each layer's opened value (layer 0 against
/// the DEEP value), each fold, and the final polynomial at the last point.
#[allow(clippy::too_many_arguments)]
fn check_fri(
    p: &TableProof,
    t: &TableLayout,
    opts: &Options,
    betas: &[Fp3],
    inv2: Fp,
    qi: usize,
    pos: usize,
    deep: Fp3,
) -> Result<(), VerifyError> {
    let name = p.name;
    let mut value = deep;
    let mut pos = pos;
    let mut shift = opts.shift;
    let mut log_size = t.log_lde;
    for (l, beta) in betas.iter().enumerate() {
        let op = &p.fri[l][qi];
        let what = format!("fri layer {l}");
        check_opening(
            op,
            &p.layer_roots[l],
            1 << (log_size - 1),
            pos >> 1,
            2,
            (name, qi, &what),
        )?;
        if op.values[pos & 1] != value {
            return Err(match l {
                0 => VerifyError::DeepMismatch {
                    table: name.into(),
                    query: qi,
                },
                _ => VerifyError::FriFold {
                    table: name.into(),
                    query: qi,
                    layer: l,
                },
            });
        }
        let (a, b) = (op.values[0], op.values[1]);
        let w = Fp::root_of_unity(log_size).expect("log_size <= 32");
        let x = shift * w.pow(bit_reverse(pos >> 1, log_size - 1) as u64);
        let inv_2x = (x + x).inverse_or_zero();
        value = (a + b).mul_base(inv2) + *beta * (a - b).mul_base(inv_2x);
        pos >>= 1;
        shift = shift * shift;
        log_size -= 1;
    }
    let w = Fp::root_of_unity(log_size).expect("log_size <= 32");
    let x = shift * w.pow(bit_reverse(pos, log_size) as u64);
    let mut acc = Fp3::ZERO;
    for c in p.final_poly.iter().rev() {
        acc = acc.mul_base(x) + *c;
    }
    if acc != value {
        return Err(VerifyError::FriFinal {
            table: name.into(),
            query: qi,
        });
    }
    Ok(())
}
