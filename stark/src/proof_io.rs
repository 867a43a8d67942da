//! The proof's byte format.
//!
//! All integers are big-endian; field elements use the canonical encodings
//! of `backend_api` (decoding rejects non-canonical values). Layout, in
//! order (each named part is a *section*, see [`SECTIONS`]):
//!
//! ```text
//! magic      "STRK" (4 bytes)
//! version    u16 = 4
//! air        name: u8 len + UTF-8; params: u32 len + u64s; public: u32 len + Fp
//! options    log_blowup u8, num_queries u16, grinding_bits u8,
//!            fri_final_log_degree u8, fri_log_arity u8, shift Fp
//! main_root  digest (32 bytes)
//! aux_root   u8 present (0 or 1), then the digest if present
//! totals     u32 len + Fp3
//! parts_root digest
//! ood        u32 tables; per table seven vectors (u32 len + Fp3):
//!            main_z, main_zg, pre_z, pre_zg, aux_z, aux_zg, parts_z
//! fri_roots  u32 len + digests
//! fri_final  u32 len + Fp3
//! pow_nonce  u64
//! main_opening          a batch
//! pre_opening, aux_opening:  u8 present (0 or 1), then a batch if present
//! parts_opening         a batch
//! fri_openings  u32 layers; per layer a batch
//! batch      u32 leaves, u32 width, leaves * width values (the distinct
//!            opened leaves in increasing order), u32 len + digests (the
//!            sibling nodes, see crate::merkle_batch)
//! ```
//!
//! Every length is checked against the bytes left before anything is
//! allocated, and trailing bytes are an error.

use crate::air::AirInstance;
use crate::merkle_batch::BatchOpening;
use crate::options::Options;
use crate::proof::{FriProof, Proof, TableOod};
use backend_api::{DeviceElem, Digest, Fp};
use std::ops::Range;

/// The first four bytes of every proof.
pub const MAGIC: &[u8; 4] = b"STRK";
/// The format version this build writes and reads.
pub const VERSION: u16 = 4;

/// Names of the sections, in byte order.
pub const SECTIONS: [&str; 17] = [
    "magic",
    "version",
    "air",
    "options",
    "main_root",
    "aux_root",
    "totals",
    "parts_root",
    "ood",
    "fri_roots",
    "fri_final",
    "pow_nonce",
    "main_opening",
    "pre_opening",
    "aux_opening",
    "parts_opening",
    "fri_openings",
];

/// Why bytes are not a well-formed proof.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProofFormatError {
    /// The bytes do not start with [`MAGIC`].
    #[error("bad magic bytes")]
    BadMagic,
    /// The version is not [`VERSION`].
    #[error("unsupported proof version {0} (this build reads {VERSION})")]
    UnsupportedVersion(u16),
    /// The bytes end inside the named part.
    #[error("proof truncated while reading {0}")]
    Truncated(&'static str),
    /// A length prefix exceeds what the remaining bytes could hold.
    #[error("{what}: length {len} exceeds what the remaining bytes can hold")]
    LengthTooLarge {
        /// The part whose length prefix is too large.
        what: &'static str,
        /// The declared length.
        len: usize,
    },
    /// A field element in the named part is not canonical (`>= p`).
    #[error("{0}: non-canonical field element")]
    NonCanonical(&'static str),
    /// A value in the named part is out of range (e.g. an option).
    #[error("{0}: value out of range")]
    OutOfRange(&'static str),
    /// The AIR name is not valid UTF-8.
    #[error("air name is not UTF-8")]
    BadName,
    /// This many bytes follow a complete proof.
    #[error("{0} trailing bytes after the proof")]
    TrailingBytes(usize),
}

/// Canonical bytes, big-endian, optionally split into named sections.
#[derive(Default)]
pub(crate) struct Writer {
    pub(crate) buf: Vec<u8>,
    sections: Vec<(&'static str, Range<usize>)>,
}

impl Writer {
    fn section(&mut self, name: &'static str, f: impl FnOnce(&mut Writer)) {
        let start = self.buf.len();
        f(self);
        let end = self.buf.len();
        self.sections.push((name, start..end));
    }
    pub(crate) fn u8(&mut self, v: u8) {
        self.buf.push(v);
    }
    pub(crate) fn u16(&mut self, v: u16) {
        self.buf.extend_from_slice(&v.to_be_bytes());
    }
    /// A count or index as a `u32`; larger values saturate (no format this
    /// crate writes holds one: lengths are checked against their layouts).
    pub(crate) fn u32(&mut self, v: usize) {
        self.buf
            .extend_from_slice(&u32::try_from(v).unwrap_or(u32::MAX).to_be_bytes());
    }
    pub(crate) fn u64(&mut self, v: u64) {
        self.buf.extend_from_slice(&v.to_be_bytes());
    }
    /// A length-prefixed string (`u32` byte count, UTF-8).
    pub(crate) fn str(&mut self, s: &str) {
        self.u32(s.len());
        self.buf.extend_from_slice(s.as_bytes());
    }
    /// One field element, without a count.
    pub(crate) fn elem<T: DeviceElem>(&mut self, v: T) {
        v.write_bytes(&mut self.buf);
    }
    pub(crate) fn elems<T: DeviceElem>(&mut self, v: &[T]) {
        self.u32(v.len());
        for x in v {
            x.write_bytes(&mut self.buf);
        }
    }
    pub(crate) fn digest(&mut self, d: &Digest) {
        self.buf.extend_from_slice(d);
    }
    fn digests(&mut self, v: &[Digest]) {
        self.u32(v.len());
        for d in v {
            self.buf.extend_from_slice(d);
        }
    }
    fn batch<T: DeviceElem>(&mut self, b: &BatchOpening<T>) {
        self.u32(b.leaves.len());
        self.u32(b.leaves.first().map_or(0, Vec::len));
        for leaf in &b.leaves {
            for x in leaf {
                x.write_bytes(&mut self.buf);
            }
        }
        self.digests(&b.nodes);
    }
    fn batches<T: DeviceElem>(&mut self, v: &[BatchOpening<T>]) {
        self.u32(v.len());
        for b in v {
            self.batch(b);
        }
    }
    /// A presence byte (0 or 1), then the value's bytes if present.
    fn optional<V>(&mut self, v: Option<&V>, write: impl FnOnce(&mut Writer, &V)) {
        self.u8(u8::from(v.is_some()));
        if let Some(v) = v {
            write(self, v);
        }
    }
}

/// Canonical bytes of options (the `options` section).
pub fn options_bytes(o: &Options) -> Vec<u8> {
    let mut w = Writer::default();
    write_options(&mut w, o);
    w.buf
}

fn write_air(w: &mut Writer, air: &AirInstance) {
    w.u8(air.name.len() as u8);
    w.buf.extend_from_slice(air.name.as_bytes());
    w.u32(air.params.len());
    for p in &air.params {
        w.u64(*p);
    }
    w.elems(&air.public_inputs);
}

fn write_options(w: &mut Writer, o: &Options) {
    w.u8(o.log_blowup as u8);
    w.u16(o.num_queries as u16);
    w.u8(o.grinding_bits as u8);
    w.u8(o.fri_final_log_degree as u8);
    w.u8(o.fri_log_arity as u8);
    o.shift.write_bytes(&mut w.buf);
}

impl Proof {
    /// The proof's bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.to_bytes_with_sections().0
    }

    /// The proof's bytes and the byte range of each of [`SECTIONS`].
    pub fn to_bytes_with_sections(&self) -> (Vec<u8>, Vec<(&'static str, Range<usize>)>) {
        let mut w = Writer::default();
        w.section("magic", |w| w.buf.extend_from_slice(MAGIC));
        w.section("version", |w| w.u16(VERSION));
        w.section("air", |w| write_air(w, &self.air));
        w.section("options", |w| write_options(w, &self.options));
        w.section("main_root", |w| w.digest(&self.main_root));
        w.section("aux_root", |w| {
            w.optional(self.aux_root.as_ref(), Writer::digest)
        });
        w.section("totals", |w| w.elems(&self.totals));
        w.section("parts_root", |w| w.digest(&self.parts_root));
        w.section("ood", |w| {
            w.u32(self.ood.len());
            for t in &self.ood {
                for v in t.vectors() {
                    w.elems(v);
                }
            }
        });
        w.section("fri_roots", |w| w.digests(&self.fri.layer_roots));
        w.section("fri_final", |w| w.elems(&self.fri.final_poly));
        w.section("pow_nonce", |w| w.u64(self.pow_nonce));
        w.section("main_opening", |w| w.batch(&self.main_opening));
        w.section("pre_opening", |w| {
            w.optional(self.pre_opening.as_ref(), Writer::batch)
        });
        w.section("aux_opening", |w| {
            w.optional(self.aux_opening.as_ref(), Writer::batch)
        });
        w.section("parts_opening", |w| w.batch(&self.parts_opening));
        w.section("fri_openings", |w| w.batches(&self.fri_openings));
        (w.buf, w.sections)
    }

    /// Parses a proof; any malformation is an error, never a panic.
    pub fn from_bytes(bytes: &[u8]) -> Result<Proof, ProofFormatError> {
        let mut r = Reader { bytes, pos: 0 };
        if r.take(4, "magic")? != MAGIC {
            return Err(ProofFormatError::BadMagic);
        }
        let version = r.u16("version")?;
        if version != VERSION {
            return Err(ProofFormatError::UnsupportedVersion(version));
        }
        let air = r.air()?;
        let options = r.options()?;
        let main_root = r.digest("main_root")?;
        let aux_root = r.optional("aux_root", |r| r.digest("aux_root"))?;
        let totals = r.elems("totals")?;
        let parts_root = r.digest("parts_root")?;
        let n = r.len("ood", 7 * 4)?;
        let mut ood = Vec::with_capacity(n);
        for _ in 0..n {
            ood.push(TableOod {
                main_z: r.elems("ood")?,
                main_zg: r.elems("ood")?,
                pre_z: r.elems("ood")?,
                pre_zg: r.elems("ood")?,
                aux_z: r.elems("ood")?,
                aux_zg: r.elems("ood")?,
                parts_z: r.elems("ood")?,
            });
        }
        let fri = FriProof {
            layer_roots: r.digests("fri_roots")?,
            final_poly: r.elems("fri_final")?,
        };
        let pow_nonce = r.u64("pow_nonce")?;
        let main_opening = r.batch("main_opening")?;
        let pre_opening = r.optional("pre_opening", |r| r.batch("pre_opening"))?;
        let aux_opening = r.optional("aux_opening", |r| r.batch("aux_opening"))?;
        let parts_opening = r.batch("parts_opening")?;
        let fri_openings = r.batches("fri_openings")?;
        if r.pos != bytes.len() {
            return Err(ProofFormatError::TrailingBytes(bytes.len() - r.pos));
        }
        Ok(Proof {
            air,
            options,
            main_root,
            aux_root,
            totals,
            parts_root,
            ood,
            fri,
            pow_nonce,
            main_opening,
            pre_opening,
            aux_opening,
            parts_opening,
            fri_openings,
        })
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], ProofFormatError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.bytes.len())
            .ok_or(ProofFormatError::Truncated(what))?;
        let s = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(s)
    }
    fn u8(&mut self, what: &'static str) -> Result<u8, ProofFormatError> {
        Ok(self.take(1, what)?[0])
    }
    fn u16(&mut self, what: &'static str) -> Result<u16, ProofFormatError> {
        Ok(u16::from_be_bytes(self.take(2, what)?.try_into().unwrap()))
    }
    fn u32(&mut self, what: &'static str) -> Result<u32, ProofFormatError> {
        Ok(u32::from_be_bytes(self.take(4, what)?.try_into().unwrap()))
    }
    fn u64(&mut self, what: &'static str) -> Result<u64, ProofFormatError> {
        Ok(u64::from_be_bytes(self.take(8, what)?.try_into().unwrap()))
    }
    /// A u32 count of items of at least `min_item_bytes` each, bounded by
    /// the bytes left so that no allocation exceeds the input's size.
    fn len(
        &mut self,
        what: &'static str,
        min_item_bytes: usize,
    ) -> Result<usize, ProofFormatError> {
        let len = self.u32(what)? as usize;
        let left = self.bytes.len() - self.pos;
        if len.saturating_mul(min_item_bytes.max(1)) > left {
            return Err(ProofFormatError::LengthTooLarge { what, len });
        }
        Ok(len)
    }
    fn elem<T: DeviceElem>(&mut self, what: &'static str) -> Result<T, ProofFormatError> {
        let b = self.take(T::BYTES, what)?;
        let mut limbs = [Fp::ZERO; 3];
        for (i, chunk) in b.chunks_exact(8).enumerate() {
            limbs[i] = Fp::from_bytes(chunk.try_into().unwrap())
                .ok_or(ProofFormatError::NonCanonical(what))?;
        }
        Ok(T::from_limbs(&limbs))
    }
    fn elems<T: DeviceElem>(&mut self, what: &'static str) -> Result<Vec<T>, ProofFormatError> {
        let n = self.len(what, T::BYTES)?;
        (0..n).map(|_| self.elem(what)).collect()
    }
    fn digest(&mut self, what: &'static str) -> Result<Digest, ProofFormatError> {
        Ok(self.take(32, what)?.try_into().unwrap())
    }
    fn digests(&mut self, what: &'static str) -> Result<Vec<Digest>, ProofFormatError> {
        let n = self.len(what, 32)?;
        (0..n).map(|_| self.digest(what)).collect()
    }
    /// A batch opening: leaves of one width, then the sibling digests.
    fn batch<T: DeviceElem>(
        &mut self,
        what: &'static str,
    ) -> Result<BatchOpening<T>, ProofFormatError> {
        let leaves = self.len(what, 0)?;
        let width = self.u32(what)? as usize;
        let values = leaves.saturating_mul(width);
        if values.saturating_mul(T::BYTES) > self.bytes.len() - self.pos {
            return Err(ProofFormatError::LengthTooLarge { what, len: values });
        }
        let leaves = (0..leaves)
            .map(|_| (0..width).map(|_| self.elem(what)).collect())
            .collect::<Result<_, _>>()?;
        let nodes = self.digests(what)?;
        Ok(BatchOpening { leaves, nodes })
    }
    fn batches<T: DeviceElem>(
        &mut self,
        what: &'static str,
    ) -> Result<Vec<BatchOpening<T>>, ProofFormatError> {
        // A batch takes at least 12 bytes (leaf count, width, node count).
        let n = self.len(what, 12)?;
        (0..n).map(|_| self.batch(what)).collect()
    }
    /// A presence byte (0 or 1), then the value if present.
    fn optional<V>(
        &mut self,
        what: &'static str,
        read: impl FnOnce(&mut Self) -> Result<V, ProofFormatError>,
    ) -> Result<Option<V>, ProofFormatError> {
        match self.u8(what)? {
            0 => Ok(None),
            1 => read(self).map(Some),
            _ => Err(ProofFormatError::OutOfRange(what)),
        }
    }

    fn air(&mut self) -> Result<AirInstance, ProofFormatError> {
        let len = self.u8("air")? as usize;
        let name = std::str::from_utf8(self.take(len, "air")?)
            .map_err(|_| ProofFormatError::BadName)?
            .to_string();
        let n = self.len("air", 8)?;
        let params = (0..n).map(|_| self.u64("air")).collect::<Result<_, _>>()?;
        let public_inputs = self.elems("air")?;
        Ok(AirInstance {
            name,
            params,
            public_inputs,
        })
    }
    fn options(&mut self) -> Result<Options, ProofFormatError> {
        Ok(Options {
            log_blowup: self.u8("options")? as u32,
            num_queries: self.u16("options")? as usize,
            grinding_bits: self.u8("options")? as u32,
            fri_final_log_degree: self.u8("options")? as u32,
            fri_log_arity: self.u8("options")? as u32,
            shift: self.elem("options")?,
        })
    }
}
