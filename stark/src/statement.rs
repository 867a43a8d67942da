//! What a proof is about, as bytes and digests: the AIR digest binds every
//! table's name, height, widths, periodic patterns, constraint DAG and
//! interactions (and the AIR's name, parameters and public-input count);
//! the statement bytes are the public inputs and the public bus messages
//! the AIR derives from them ([`statement_bytes`], absorbed right after the
//! verifying key and the options); the statement digest hashes the
//! verifying key's digest and the statement bytes.
//!
//! The AIR is encoded canonically (big-endian integers, canonical field
//! elements, `u32` counts before every list), after the label
//! [`AIR_DIGEST_LABEL`]:
//!
//! ```text
//! name (u32 len + UTF-8), params (u32 count + u64s), public count u32,
//! tables u32; per table: name, log_height u8, width u32,
//!   preprocessed width u32, periodic (u32 count; per column u32 len + Fp),
//!   constraint system, interactions (u32 count; per interaction
//!   bus u32, kind u8, values (u32 count + row expressions), multiplicity)
//! constraint system: main, preprocessed, aux widths, periodic, challenge,
//!   public counts (u32 each); nodes (u32 count; per node tag u8 + operands);
//!   constraints (u32 count; per constraint node u32 + row-set tag u8)
//! row expression: u32 op count; per op tag u8 (+ Fp constant or u32 column)
//! ```

use crate::air::{Air, PublicInteraction, TableSpec};
use crate::proof_io::Writer;
use backend_api::expr::{ConstraintSystem, Node};
use backend_api::{keccak256, Digest, Fp, Interaction, RowExpr, RowOp};

/// Domain separator hashed before an AIR's encoding.
pub const AIR_DIGEST_LABEL: &[u8] = b"stark-hal/air/v2";
/// Domain separator hashed before a statement's encoding.
pub const STATEMENT_DIGEST_LABEL: &[u8] = b"stark-hal/statement/v2";

fn node(w: &mut Writer, n: &Node) {
    let (tag, operands): (u8, [Option<usize>; 2]) = match *n {
        Node::Const(k) => {
            w.u8(0);
            w.elem(k);
            return;
        }
        Node::Main { col, next } => (1 + u8::from(next), [Some(col), None]),
        Node::Preprocessed { col, next } => (3 + u8::from(next), [Some(col), None]),
        Node::Aux { col, next } => (5 + u8::from(next), [Some(col), None]),
        Node::Periodic(i) => (7, [Some(i), None]),
        Node::Challenge(i) => (8, [Some(i), None]),
        Node::Public(i) => (9, [Some(i), None]),
        Node::Add(a, b) => (10, [Some(a.index()), Some(b.index())]),
        Node::Sub(a, b) => (11, [Some(a.index()), Some(b.index())]),
        Node::Mul(a, b) => (12, [Some(a.index()), Some(b.index())]),
        Node::Neg(a) => (13, [Some(a.index()), None]),
    };
    w.u8(tag);
    for o in operands.into_iter().flatten() {
        w.u32(o);
    }
}

fn system(w: &mut Writer, cs: &ConstraintSystem) {
    for count in [
        cs.main_width,
        cs.preprocessed_width,
        cs.aux_width,
        cs.num_periodic,
        cs.num_challenges,
        cs.num_public,
    ] {
        w.u32(count);
    }
    w.u32(cs.nodes.len());
    for n in &cs.nodes {
        node(w, n);
    }
    w.u32(cs.constraints.len());
    for c in &cs.constraints {
        w.u32(c.expr.index());
        w.u8(c.rows.tag());
    }
}

fn row_expr(w: &mut Writer, e: &RowExpr) {
    w.u32(e.ops().len());
    for &op in e.ops() {
        w.u8(op.tag());
        match op {
            RowOp::Const(k) => w.elem(k),
            RowOp::Main(c) | RowOp::Preprocessed(c) => w.u32(c),
            _ => {}
        }
    }
}

fn interaction(w: &mut Writer, it: &Interaction) {
    w.u32(it.bus as usize);
    w.u8(it.kind.tag());
    w.u32(it.values.len());
    for v in &it.values {
        row_expr(w, v);
    }
    row_expr(w, &it.multiplicity);
}

fn table(w: &mut Writer, t: &TableSpec) {
    w.str(&t.name);
    w.u8(u8::try_from(t.log_height).unwrap_or(u8::MAX));
    w.u32(t.width);
    w.u32(t.preprocessed_width);
    w.u32(t.periodic.len());
    for p in &t.periodic {
        w.elems(p);
    }
    system(w, &t.constraints);
    w.u32(t.interactions.len());
    for it in &t.interactions {
        interaction(w, it);
    }
}

/// The canonical encoding of an AIR whose tables are `tables` (see the
/// module doc).
pub fn air_bytes(air: &dyn Air, tables: &[TableSpec]) -> Vec<u8> {
    let mut w = Writer::default();
    w.buf.extend_from_slice(AIR_DIGEST_LABEL);
    w.str(&air.name());
    let params = air.params();
    w.u32(params.len());
    for p in params {
        w.u64(p);
    }
    w.u32(air.num_public_inputs());
    w.u32(tables.len());
    for t in tables {
        table(&mut w, t);
    }
    w.buf
}

/// Keccak-256 of [`air_bytes`]: what the verifying key binds.
pub fn air_digest(air: &dyn Air, tables: &[TableSpec]) -> Digest {
    keccak256(&air_bytes(air, tables))
}

/// The statement as bytes: the public inputs (`u32` count + Fp), then the
/// public bus messages (`u32` count; per message bus u32, kind u8, values
/// (`u32` count + Fp), multiplicity Fp). The transcript absorbs it as one
/// message after the verifying key and the options.
pub fn statement_bytes(public: &[Fp], messages: &[PublicInteraction]) -> Vec<u8> {
    let mut w = Writer::default();
    w.elems(public);
    w.u32(messages.len());
    for m in messages {
        w.u32(m.bus as usize);
        w.u8(m.kind.tag());
        w.elems(&m.values);
        w.elem(m.multiplicity);
    }
    w.buf
}

/// Keccak-256 of the label, the verifying key's digest and the
/// [`statement_bytes`]: one value naming exactly what a proof proves (the
/// AIR, its preprocessed commitments and options' blowup and shift, the
/// public inputs and the bus messages they fix).
pub fn statement_digest(
    vk_digest: &Digest,
    public: &[Fp],
    messages: &[PublicInteraction],
) -> Digest {
    let mut w = Writer::default();
    w.buf.extend_from_slice(STATEMENT_DIGEST_LABEL);
    w.digest(vk_digest);
    w.buf.extend(statement_bytes(public, messages));
    keccak256(&w.buf)
}
