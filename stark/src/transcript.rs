//! The Fiat-Shamir transcript: a Keccak-256 hash chain over canonical bytes.
//!
//! The state is one 32-byte digest `S`, initially `Keccak256("stark-hal/v1")`.
//! * absorb `m`: `S <- Keccak256(S || 0x01 || m)`;
//! * squeeze: `S <- Keccak256(S || 0x02)`, and the new `S` is the output.
//!
//! Challenges are read from squeezed digests (bytes big-endian):
//! an Fp3 challenge is `(u64(d[0..8]), u64(d[8..16]), u64(d[16..24]))`, each
//! reduced mod p (bias below 2^-32 per coefficient); a query index below a
//! power of two `N` is `u64(d[0..8]) mod N`, one squeeze per index.

use backend_api::{keccak256, Digest, Fp, Fp3};

/// Domain separator hashed into the initial state.
pub const TRANSCRIPT_LABEL: &[u8] = b"stark-hal/v1";

/// The Fiat-Shamir transcript state (see the module doc for the hash chain).
#[derive(Clone, Debug)]
pub struct Transcript {
    state: Digest,
}

impl Default for Transcript {
    fn default() -> Self {
        Self::new()
    }
}

impl Transcript {
    /// A fresh transcript: `S = Keccak256(TRANSCRIPT_LABEL)`.
    pub fn new() -> Self {
        Transcript {
            state: keccak256(TRANSCRIPT_LABEL),
        }
    }

    /// The current state (the grinding seed is read here).
    pub fn state(&self) -> Digest {
        self.state
    }

    /// Absorbs `bytes`: `S <- Keccak256(S || 0x01 || bytes)`.
    pub fn absorb(&mut self, bytes: &[u8]) {
        let mut buf = Vec::with_capacity(33 + bytes.len());
        buf.extend_from_slice(&self.state);
        buf.push(0x01);
        buf.extend_from_slice(bytes);
        self.state = keccak256(&buf);
    }

    /// Absorbs `values` as one message, in their canonical byte encoding.
    pub fn absorb_fp3s(&mut self, values: &[Fp3]) {
        self.absorb(&backend_api::elems_to_bytes(values));
    }

    /// Absorbs `v` as one 8-byte big-endian message.
    pub fn absorb_u64(&mut self, v: u64) {
        self.absorb(&v.to_be_bytes());
    }

    /// Squeezes: `S <- Keccak256(S || 0x02)`; returns the new `S`.
    pub fn squeeze(&mut self) -> Digest {
        let mut buf = [0u8; 33];
        buf[..32].copy_from_slice(&self.state);
        buf[32] = 0x02;
        self.state = keccak256(&buf);
        self.state
    }

    /// One squeeze read as an Fp3 element: three big-endian `u64`s from
    /// bytes `0..24`, each reduced mod p.
    pub fn challenge_fp3(&mut self) -> Fp3 {
        let d = self.squeeze();
        let limb = |i: usize| Fp::new(u64::from_be_bytes(d[8 * i..8 * i + 8].try_into().unwrap()));
        Fp3::new(limb(0), limb(1), limb(2))
    }

    /// An index in `0 .. 2^log_n`.
    pub fn query_index(&mut self, log_n: u32) -> usize {
        let d = self.squeeze();
        let v = u64::from_be_bytes(d[..8].try_into().unwrap());
        (v & ((1u64 << log_n) - 1)) as usize
    }
}
