//! Keccak-256 (original padding) absorbing field elements straight into the
//! sponge state, with no byte buffer in between, several messages at once
//! ([`batch`]).
//!
//! The rate is 136 bytes = 17 lanes of 8 bytes. Every input here is a
//! sequence of 8-byte words (an `Fp` is its value big-endian, a digest is
//! four 8-byte words), so each word is exactly one lane: its bytes in
//! message order, read as a little-endian lane, are `value.swap_bytes()`.
//! Padding appends byte 0x01 after the message and sets the top bit of the
//! last rate byte (0x80); the digest is the first 32 bytes of the state.
//! The result equals `sha3::Keccak256` byte for byte (tested).

pub(crate) mod batch;
pub(crate) mod lanes;
#[cfg(target_arch = "x86_64")]
pub(crate) mod x4;
#[cfg(target_arch = "x86_64")]
pub(crate) mod x8;
