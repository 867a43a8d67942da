//! Keccak-256 (original padding) absorbing field elements straight into the
//! sponge state, with no byte buffer in between.
//!
//! The rate is 136 bytes = 17 lanes of 8 bytes. Every input here is a
//! sequence of 8-byte words (an `Fp` is its value big-endian, a digest is
//! four 8-byte words), so each word is exactly one lane: its bytes in
//! message order, read as a little-endian lane, are `value.swap_bytes()`.
//! Padding appends byte 0x01 after the message and sets the top bit of the
//! last rate byte (0x80); the digest is the first 32 bytes of the state.
//! The result equals `sha3::Keccak256` byte for byte (tested).

use backend_api::Digest;

// The batched (multi-state) hashing used by the Merkle commit.
pub(crate) mod batch;
pub(crate) mod lanes;
#[cfg(target_arch = "x86_64")]
pub(crate) mod x4;
#[cfg(target_arch = "x86_64")]
pub(crate) mod x8;

const RATE_LANES: usize = 17;

/// A Keccak-256 sponge fed whole 8-byte words.
#[derive(Clone)]
pub struct Sponge {
    state: [u64; 25],
    lane: usize,
}

impl Default for Sponge {
    fn default() -> Self {
        Self::new()
    }
}

impl Sponge {
    #[inline(always)]
    pub fn new() -> Self {
        Sponge {
            state: [0; 25],
            lane: 0,
        }
    }

    /// Absorbs a `u64` encoded big-endian (the canonical `Fp` encoding).
    #[inline(always)]
    pub fn absorb_be(&mut self, value: u64) {
        self.absorb_lane(value.swap_bytes());
    }

    /// Absorbs 8 message bytes already packed as a little-endian lane.
    #[inline(always)]
    pub fn absorb_lane(&mut self, lane: u64) {
        self.state[self.lane] ^= lane;
        self.lane += 1;
        if self.lane == RATE_LANES {
            keccak::f1600(&mut self.state);
            self.lane = 0;
        }
    }

    /// Absorbs a 32-byte digest.
    #[inline(always)]
    pub fn absorb_digest(&mut self, d: &Digest) {
        for w in d.chunks_exact(8) {
            self.absorb_lane(u64::from_le_bytes(w.try_into().expect("8 bytes")));
        }
    }

    /// The first 8 digest bytes read big-endian, without building the digest
    /// (what the proof-of-work test looks at).
    #[inline(always)]
    pub fn finish_first_word_be(mut self) -> u64 {
        self.state[self.lane] ^= 0x01;
        self.state[RATE_LANES - 1] ^= 0x80 << 56;
        keccak::f1600(&mut self.state);
        self.state[0].swap_bytes()
    }
}
