//! The verifier: host code, strict. Every length is checked before use,
//! every opening against its root; see docs/PROTOCOL.md.

use crate::air::AirInstance;
use crate::error::VerifyError;
use crate::examples::air_from_instance;
use crate::layout::{layouts, LayoutError, TableLayout};
use crate::ood::{composition_matches, sample_ood_point};
use crate::proof::Proof;
use crate::proof_io::{air_bytes, options_bytes};
use crate::transcript::Transcript;
use backend_api::{
    bit_reverse, pow_is_valid, verify_opening, DeviceElem, Digest, Fp, Fp3, MerkleOpening,
};

/// What a successful verification established.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
    /// The AIR instance (name, parameters, public inputs) that was proved.
    pub air: AirInstance,
    /// Conjectured security of the proof's options, in bits.
    pub security_bits: u32,
}

/// Parses and verifies proof bytes.
pub fn verify_bytes(bytes: &[u8], min_security_bits: u32) -> Result<Verified, VerifyError> {
    verify(&Proof::from_bytes(bytes)?, min_security_bits)
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
    let aux_tables: Vec<&TableLayout> = tables.iter().filter(|t| t.aux_width > 0).collect();
    shape("main roots", nt, proof.main_roots.len())?;
    shape("aux roots", aux_tables.len(), proof.aux_roots.len())?;
    shape("totals", aux_tables.len(), proof.totals.len())?;
    shape("composition roots", nt, proof.parts_roots.len())?;
    shape("ood tables", nt, proof.ood.len())?;
    shape("fri tables", nt, proof.fri.len())?;
    shape("main openings tables", nt, proof.main_openings.len())?;
    shape(
        "aux openings tables",
        aux_tables.len(),
        proof.aux_openings.len(),
    )?;
    shape(
        "composition openings tables",
        nt,
        proof.parts_openings.len(),
    )?;
    shape("fri openings tables", nt, proof.fri_openings.len())?;
    for (i, t) in tables.iter().enumerate() {
        let o = &proof.ood[i];
        let name = &t.name;
        shape(format!("{name}: ood main at z"), t.width, o.main_z.len())?;
        shape(format!("{name}: ood main at zg"), t.width, o.main_zg.len())?;
        shape(format!("{name}: ood aux at z"), t.aux_width, o.aux_z.len())?;
        shape(
            format!("{name}: ood aux at zg"),
            t.aux_width,
            o.aux_zg.len(),
        )?;
        shape(
            format!("{name}: ood composition parts"),
            t.parts,
            o.parts_z.len(),
        )?;
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
        shape(
            format!("{name}: main openings"),
            q,
            proof.main_openings[i].len(),
        )?;
        shape(
            format!("{name}: composition openings"),
            q,
            proof.parts_openings[i].len(),
        )?;
        shape(
            format!("{name}: fri layers opened"),
            t.fri_layers,
            proof.fri_openings[i].len(),
        )?;
        for (l, layer) in proof.fri_openings[i].iter().enumerate() {
            shape(format!("{name}: fri layer {l} openings"), q, layer.len())?;
        }
    }
    for (a, t) in aux_tables.iter().enumerate() {
        shape(
            format!("{}: aux openings", t.name),
            q,
            proof.aux_openings[a].len(),
        )?;
    }
    Ok(())
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

/// Verifies a parsed proof. The AIR is rebuilt from the proof's instance.
pub fn verify(proof: &Proof, min_security_bits: u32) -> Result<Verified, VerifyError> {
    let opts = proof.options;
    opts.validate()?;
    let bits = opts.security_bits();
    if bits < min_security_bits {
        return Err(VerifyError::InsufficientSecurity {
            got: bits,
            required: min_security_bits,
        });
    }
    let air = air_from_instance(&proof.air)?;
    let specs = air.tables();
    let tables = layouts(&specs, &opts, proof.air.public_inputs.len()).map_err(|e| match e {
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
    })?;
    check_shapes(proof, &tables)?;
    let public = &proof.air.public_inputs;

    // Replay the transcript.
    let mut tr = Transcript::new();
    tr.absorb(&air_bytes(&proof.air));
    tr.absorb(&options_bytes(&opts));
    for r in &proof.main_roots {
        tr.absorb(r);
    }
    let lz = tr.challenge_fp3();
    let lalpha = tr.challenge_fp3();
    for r in &proof.aux_roots {
        tr.absorb(r);
    }
    tr.absorb_fp3s(&proof.totals);
    let sum: Fp3 = proof.totals.iter().copied().sum();
    if sum != Fp3::ZERO {
        return Err(VerifyError::UnbalancedBuses(sum));
    }
    let alpha = tr.challenge_fp3();
    for r in &proof.parts_roots {
        tr.absorb(r);
    }
    let log_n_max = tables
        .iter()
        .map(|t| t.log_n)
        .max()
        .expect("layouts non-empty");
    let z = sample_ood_point(&mut tr, log_n_max, &opts);
    let mut totals = proof.totals.iter();
    let mut aux_index = Vec::with_capacity(tables.len());
    for (i, t) in tables.iter().enumerate() {
        let o = &proof.ood[i];
        let total = if t.aux_width > 0 {
            aux_index.push(Some(aux_index.iter().flatten().count()));
            *totals.next().expect("shape checked")
        } else {
            aux_index.push(None);
            Fp3::ZERO
        };
        if !composition_matches(t, o, &[lz, lalpha, total], public, alpha, z) {
            return Err(VerifyError::OodMismatch {
                table: t.name.clone(),
            });
        }
        for v in [&o.main_z, &o.main_zg, &o.aux_z, &o.aux_zg, &o.parts_z] {
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
    let queries: Vec<usize> = (0..opts.num_queries)
        .map(|_| tr.query_index(log_lde_max))
        .collect();

    let inv2 = Fp::TWO.inverse_or_zero();
    for (i, t) in tables.iter().enumerate() {
        let name = t.name.as_str();
        let o = &proof.ood[i];
        let g = Fp::root_of_unity(t.log_n).expect("log_n <= 32");
        let zg = z.mul_base(g);
        let lde_size = 1usize << t.log_lde;
        let omega = Fp::root_of_unity(t.log_lde).expect("log_lde <= 32");
        for (qi, &query) in queries.iter().enumerate() {
            let pos = query >> (log_lde_max - t.log_lde);
            let main = &proof.main_openings[i][qi];
            check_opening(
                main,
                &proof.main_roots[i],
                lde_size,
                pos,
                t.width,
                (name, qi, "main"),
            )?;
            let aux = match aux_index[i] {
                Some(a) => {
                    let op = &proof.aux_openings[a][qi];
                    check_opening(
                        op,
                        &proof.aux_roots[a],
                        lde_size,
                        pos,
                        t.aux_width,
                        (name, qi, "aux"),
                    )?;
                    op.values.as_slice()
                }
                None => &[],
            };
            let parts = &proof.parts_openings[i][qi];
            check_opening(
                parts,
                &proof.parts_roots[i],
                lde_size,
                pos,
                t.parts,
                (name, qi, "composition"),
            )?;

            // DEEP value at x, in the order of ProverDevice::deep_composition.
            let x = opts.shift * omega.pow(bit_reverse(pos, t.log_lde) as u64);
            let inv_z = (Fp3::from_base(x) - z).inverse_or_zero();
            let inv_zg = (Fp3::from_base(x) - zg).inverse_or_zero();
            let mut deep = Fp3::ZERO;
            let mut power = Fp3::ONE;
            let mut term = |f: Fp3, v: Fp3, inv: Fp3| {
                deep += power * (f - v) * inv;
                power *= gamma;
            };
            for (f, v) in main.values.iter().zip(&o.main_z) {
                term(Fp3::from_base(*f), *v, inv_z);
            }
            for (f, v) in main.values.iter().zip(&o.main_zg) {
                term(Fp3::from_base(*f), *v, inv_zg);
            }
            for (f, v) in aux.iter().zip(&o.aux_z) {
                term(*f, *v, inv_z);
            }
            for (f, v) in aux.iter().zip(&o.aux_zg) {
                term(*f, *v, inv_zg);
            }
            for (f, v) in parts.values.iter().zip(&o.parts_z) {
                term(*f, *v, inv_z);
            }

            // FRI: check each layer's opened value, fold, and finish on the
            // final polynomial.
            let mut value = deep;
            let mut p = pos;
            let mut layer_shift = opts.shift;
            let mut log_size = t.log_lde;
            for (l, beta) in betas[i].iter().enumerate() {
                let op = &proof.fri_openings[i][l][qi];
                let what = format!("fri layer {l}");
                check_opening(
                    op,
                    &proof.fri[i].layer_roots[l],
                    1 << (log_size - 1),
                    p >> 1,
                    2,
                    (name, qi, &what),
                )?;
                if op.values[p & 1] != value {
                    return Err(if l == 0 {
                        VerifyError::DeepMismatch {
                            table: name.into(),
                            query: qi,
                        }
                    } else {
                        VerifyError::FriFold {
                            table: name.into(),
                            query: qi,
                            layer: l,
                        }
                    });
                }
                let (a, b) = (op.values[0], op.values[1]);
                let w = Fp::root_of_unity(log_size).expect("log_size <= 32");
                let xl = layer_shift * w.pow(bit_reverse(p >> 1, log_size - 1) as u64);
                let inv_2x = (xl + xl).inverse_or_zero();
                value = (a + b).mul_base(inv2) + *beta * (a - b).mul_base(inv_2x);
                p >>= 1;
                layer_shift = layer_shift * layer_shift;
                log_size -= 1;
            }
            let w = Fp::root_of_unity(log_size).expect("log_size <= 32");
            let xf = layer_shift * w.pow(bit_reverse(p, log_size) as u64);
            let mut acc = Fp3::ZERO;
            for c in proof.fri[i].final_poly.iter().rev() {
                acc = acc.mul_base(xf) + *c;
            }
            if acc != value {
                return Err(VerifyError::FriFinal {
                    table: name.into(),
                    query: qi,
                });
            }
        }
    }
    Ok(Verified {
        air: proof.air.clone(),
        security_bits: bits,
    })
}
